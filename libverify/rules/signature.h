/*
 * Internal: the canonical byte form of a rule set, its BLAKE2b-256 digest, and its
 * Ed25519 signature with a key id (docs/rules.md, "Signatures").
 *
 * Signed message = "vfy-rules/2\n" || the RFC 8785 canonical form (core/jcs) of the set
 * without its "signature" member; the signature names "canonicalization": "RFC 8785".
 * A signed file must be exactly the layout `vfy rules sign` writes (the canonical text
 * indented by 2, defined in signature.c, not by a JSON printer), so that no byte of it
 * can change without the change being refused. Sets signed the retired vfy-rules/1 way
 * (jansson's sorted compact dump) are refused with VFY_E_RULES_RESIGN.
 */
#ifndef VFY_RULES_SIGNATURE_H
#define VFY_RULES_SIGNATURE_H

#include <jansson.h>

#include "verify/rules.h"

#define RS_KEY_ID_HEX 32

struct trusted_key {
    char key_id[RS_KEY_ID_HEX + 1];
    unsigned char public_key[32];
    char *publisher;
    bool development;      /* the shipped development key (its secret is public) */
};

/* The key id of data/rules/keys/DEVELOPMENT-ONLY-rules-signing.pub. */
#define RS_DEVELOPMENT_KEY_ID "7ecf8f5c249594fbe3eae48ec82d1455"

/* Whether the key with this id in `trust` is a development key. */
bool rs_key_is_development(const struct vfy_rules_trust *trust, const char *key_id);

struct vfy_rules_trust {
    struct trusted_key *keys;
    size_t n_keys;
};

/* Digest (hex) of the canonical form of `root` (its signature member ignored). */
vfy_status rs_digest(const json_t *root, char digest_hex[65], vfy_detail *detail);

/* Checks the embedded signature of `root` (parsed from `bytes`). A set without a
 * signature gives VFY_E_RULES_SIGNATURE. */
vfy_status rs_verify(const json_t *root, const void *bytes, size_t len,
                     const struct vfy_rules_trust *trust, char key_id[RS_KEY_ID_HEX + 1],
                     vfy_detail *detail);

#endif
