/*
 * Internal: what the three seal decoders (vds.c, idb.c, vdsnc.c) share — the
 * result under construction and its owned memory, the feature-table types, the
 * seal TLV reader and the signature step.
 *
 * A result owns a copy of every byte its views point at (input, decoded base32,
 * inflated payload, canonical JSON), so it outlives the caller's buffer.
 */
#ifndef VFY_SEAL_INTERNAL_H
#define VFY_SEAL_INTERNAL_H

#include <openssl/x509.h>

#include "core/cursor.h"
#include "verify/seal.h"

#define SEAL_MAX_MESSAGES 512

/* ---- the result under construction ------------------------------------------ */
struct vfy_seal_owned {
    void **blocks;
    size_t block_count, block_cap;
    vfy_seal_message *messages;
    size_t message_cap;
    X509 *embedded_cert;          /* IDB 0x7E or VDS-NC `cer` */
};

void *seal_alloc(vfy_seal_result *r, size_t n);
void *seal_dup(vfy_seal_result *r, const void *data, size_t n);
char *seal_strdup(vfy_seal_result *r, const char *s);
char *seal_sprintf(vfy_seal_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A new zeroed message (parent -1); NULL when out of memory or over the limit. */
vfy_seal_message *seal_add_message(vfy_seal_result *r, vfy_detail *detail);
/* Records an open-point decision that applied (a static identifier). */
void seal_choice(vfy_seal_result *r, const char *id);

/* ---- feature tables (feature_tables.c) ------------------------------------- */
typedef struct seal_feature {
    uint8_t tag;
    const char *name;
    vfy_seal_coding coding;
    uint16_t min_len, max_len;       /* value bytes allowed by the profile */
    uint16_t chars;                  /* C40/MRZ: characters expected (0: any) */
    uint8_t line_len;                /* MRZ: characters per line, last line takes the rest */
    const struct seal_feature *sub;  /* GROUP: table of the contained messages */
    size_t sub_count;
} seal_feature;

typedef struct seal_profile {
    uint8_t dfr, dtc;                /* VDS document feature definition + type category */
    const char *name;
    const seal_feature *features;
    size_t count;
    const uint8_t *uuid;             /* TR-03171: tag 0x00 must carry this 16-byte id */
} seal_profile;

const seal_profile *seal_vds_profile(uint8_t dfr, uint8_t dtc);
/* The same (DFR, DTC) but any profile, for the TR-03171 UUID match. */
const seal_profile *seal_vds_profile_next(const seal_profile *after, uint8_t dfr, uint8_t dtc);
const seal_feature *seal_idb_messages(size_t *count);
const seal_feature *seal_feature_find(const seal_feature *table, size_t count, uint8_t tag);

/* ---- decoding of values and TLV runs (features.c) ------------------------------ */
/* One seal TLV: a one-byte tag (never a BER multi-byte tag) and a DER definite
 * length in short form or 0x81/0x82 long form. */
typedef struct seal_tlv {
    uint8_t tag;
    size_t offset;            /* absolute offset of the tag */
    const uint8_t *raw;       /* tag + length + value */
    size_t raw_len;
    vfy_cursor value;
    bool empty_0x80;          /* the length byte was 0x80, read as an empty value */
} seal_tlv;

VFY_NODISCARD vfy_status seal_tlv_next(vfy_cursor *c, seal_tlv *out);

/* Decodes a run of TLVs (features of a VDS message zone, IDB messages, the inside
 * of a GROUP) with `table`, appending messages with the given parent. Duplicate
 * tags are refused. */
VFY_NODISCARD vfy_status seal_decode_run(vfy_seal_result *r, vfy_cursor *run,
                                         const seal_feature *table, size_t count, int parent,
                                         vfy_detail *detail);

/* ---- the three formats --------------------------------------------------------- */
VFY_NODISCARD vfy_status seal_vds_parse(vfy_seal_result *r, const uint8_t *data, size_t len,
                                        vfy_detail *detail);
VFY_NODISCARD vfy_status seal_idb_parse(vfy_seal_result *r, const uint8_t *text, size_t len,
                                        vfy_detail *detail);
VFY_NODISCARD vfy_status seal_vdsnc_parse(vfy_seal_result *r, const uint8_t *text, size_t len,
                                          vfy_detail *detail);

/* ---- signature (seal_signature.c) ------------------------------------------- */
/* Verifies a plain r||s ECDSA signature over data with the certificate's key.
 * md NULL: the hash is taken from the key size (VDS rule). Fills signer.key/hash.
 * VFY_E_SIGNATURE when it does not verify, VFY_E_ALGORITHM / VFY_E_BAD_LENGTH for
 * a key or signature that cannot belong together. */
VFY_NODISCARD vfy_status seal_ecdsa_verify(X509 *cert, const EVP_MD *md, const uint8_t *data,
                                           size_t data_len, const uint8_t *rs, size_t rs_len,
                                           vfy_seal_signer *signer, vfy_detail *detail);

/* ES256/ES384/ES512 → SHA-256/384/512; NULL for anything else. */
const EVP_MD *seal_vdsnc_md(const char *alg);

/* The seal result as a jansson object (seal_json.c), for vfy_seal_result_to_json and the
 * inspection's "seal" member. */
struct json_t;
struct json_t *vfy_seal_json_object_(const vfy_seal_result *r);

#endif
