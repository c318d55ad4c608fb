/*
 * libverify — the Logical Data Structure of an eMRTD chip (ICAO Doc 9303 part 10):
 * EF.COM, the data groups, and the SecurityInfos of DG14 and EF.CardSecurity.
 *
 * Every parser takes the file exactly as read from the chip (outer tag included)
 * and fills a structure of zero-copy views: text and image fields point into the
 * caller's buffer, which must outlive the structure. Nothing is allocated, except
 * by vfy_lds_parse_card_security (its result owns a copy of the signed content and
 * must be released with vfy_security_infos_free).
 *
 * Accepted subset: the LDS 1.7/1.8 data groups; DG2 with ISO/IEC 19794-5 facial
 * records (plus, as seen in the field, headers whose lengths are a few bytes off
 * and bare JPEG / JPEG 2000 images without a 19794-5 header). Tags the standard
 * allows as extensions are kept (counted and listed), not fatal. Non-goals: DG3/DG4
 * contents (protected by Terminal Authentication: only their presence is reported),
 * ISO/IEC 39794-5 biometric records (reported as unsupported), image decoding.
 *
 * Thread safety: the parsers keep no state between calls; any number of threads may
 * parse at once, each into its own output.
 */
#ifndef VERIFY_LDS_H
#define VERIFY_LDS_H

#include "common.h"
#include "mrz.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A zero-copy view of bytes inside a parsed file; present == false when absent. */
typedef struct vfy_bytes {
    const uint8_t *data;
    size_t len;
    bool present;
} vfy_bytes;


/* Tags met that this parser does not interpret, kept for display. */
typedef struct vfy_lds_unknown {
    unsigned count;
    uint32_t tags[VFY_LDS_MAX_UNKNOWN];
} vfy_lds_unknown;

/* ---- EF.COM ---------------------------------------------------------------- */
typedef struct vfy_lds_com {
    char lds_version[VFY_LDS_VERSION_MAX];      /* "0107" */
    char unicode_version[VFY_UNICODE_VERSION_MAX];  /* "040000" */
    unsigned tag_count;
    uint8_t tags[VFY_LDS_MAX_TAGS]; /* data group tags: 0x61 DG1, 0x75 DG2 ... */
    vfy_lds_unknown unknown;
} vfy_lds_com;

VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_lds_parse_com(const uint8_t *data, size_t len,
                                                   vfy_lds_com *out, vfy_detail *detail);

/* ---- DG1 -------------------------------------------------------------------- */
/* The MRZ characters of DG1 (tag 5F1F), not parsed: pass them to vfy_mrz_parse. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_lds_dg1_mrz(const uint8_t *data, size_t len,
                                                 vfy_bytes *mrz, vfy_detail *detail);
/* DG1 parsed by the MRZ engine (vfy_mrz_parse, today's date, no repair). As for
 * vfy_mrz_parse, check-digit failures leave VFY_OK with mrz->valid false. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_lds_parse_dg1(const uint8_t *data, size_t len,
                                                   vfy_mrz *mrz, vfy_detail *detail);

/* ---- DG2 (and DG5-DG7 displayed images) -------------------------------------- */
typedef enum vfy_image_type {
    VFY_IMAGE_UNKNOWN = 0,
    VFY_IMAGE_JPEG,
    VFY_IMAGE_JPEG2000,
} vfy_image_type;

typedef struct vfy_feature_point {
    uint8_t type;
    uint8_t code;  /* MPEG-4 feature point: major in the high nibble, minor in the low */
    uint16_t x, y;
} vfy_feature_point;

typedef struct vfy_face_image {
    bool has_iso19794_header;   /* false: a bare JPEG / JPEG 2000 in the biometric data block */
    bool length_tolerated;      /* a 19794-5 length field was off and was tolerated */
    uint8_t gender, eye_colour, hair_colour;
    uint32_t feature_mask;
    uint16_t expression;
    uint8_t face_image_type;    /* 0 basic, 1 full frontal, 2 token frontal */
    vfy_image_type image_type;
    uint16_t width, height;
    uint8_t colour_space, source_type;
    unsigned feature_point_count;  /* as declared; at most VFY_FACE_MAX_FEATURE_POINTS kept */
    vfy_feature_point feature_points[VFY_FACE_MAX_FEATURE_POINTS];
    vfy_bytes image;            /* the encoded image, exactly as stored */
} vfy_face_image;

typedef struct vfy_lds_dg2 {
    unsigned template_count;    /* biometric information templates declared */
    unsigned face_count;        /* faces kept in faces[] */
    vfy_face_image faces[VFY_DG2_MAX_FACES];
    vfy_lds_unknown unknown;
} vfy_lds_dg2;

VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_lds_parse_dg2(const uint8_t *data, size_t len,
                                                   vfy_lds_dg2 *out, vfy_detail *detail);

/* DG5 (portrait), DG6 (reserved), DG7 (signature or usual mark): displayed images. */
typedef struct vfy_lds_displayed {
    unsigned dg;               /* 5, 6 or 7 */
    unsigned declared_count;
    unsigned image_count;
    vfy_bytes images[VFY_DISPLAYED_MAX];
    vfy_image_type types[VFY_DISPLAYED_MAX];
} vfy_lds_displayed;

VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_lds_parse_displayed(const uint8_t *data, size_t len,
                                                         vfy_lds_displayed *out,
                                                         vfy_detail *detail);

/* ---- DG11, DG12, DG16 ------------------------------------------------------- */
typedef struct vfy_lds_dg11 {
    vfy_bytes full_name, personal_number, full_date_of_birth, place_of_birth, address,
        telephone, profession, title, personal_summary, proof_of_citizenship,
        other_td_numbers, custody_information;
    unsigned other_name_count;
    vfy_bytes other_names[VFY_LDS_MAX_NAMES];
    unsigned empty_field_count;  /* zero-length fields met (seen from BE and FR) */
    vfy_lds_unknown unknown;
} vfy_lds_dg11;

VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_lds_parse_dg11(const uint8_t *data, size_t len,
                                                    vfy_lds_dg11 *out, vfy_detail *detail);

typedef struct vfy_lds_dg12 {
    vfy_bytes issuing_authority, date_of_issue, endorsements, tax_exit_requirements,
        image_front, image_rear, personalization_time, personalization_device;
    unsigned other_person_count;
    vfy_bytes other_persons[VFY_LDS_MAX_NAMES];
    unsigned empty_field_count;
    vfy_lds_unknown unknown;
} vfy_lds_dg12;

VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_lds_parse_dg12(const uint8_t *data, size_t len,
                                                    vfy_lds_dg12 *out, vfy_detail *detail);

typedef struct vfy_lds_dg16 {
    unsigned person_count;
    struct {
        vfy_bytes date_recorded, name, telephone, address;
    } persons[VFY_DG16_MAX_PERSONS];
    vfy_lds_unknown unknown;
} vfy_lds_dg16;

VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_lds_parse_dg16(const uint8_t *data, size_t len,
                                                    vfy_lds_dg16 *out, vfy_detail *detail);

/* ---- DG15 ------------------------------------------------------------------- */
typedef enum vfy_key_type {
    VFY_KEY_UNKNOWN = 0,
    VFY_KEY_RSA,
    VFY_KEY_EC,
    VFY_KEY_DH,
} vfy_key_type;

typedef struct vfy_lds_dg15 {
    vfy_key_type key_type;
    unsigned bits;            /* RSA modulus or EC field size */
    char curve[VFY_CURVE_NAME_MAX];           /* EC: the named curve, or "explicit" when none matches */
    vfy_bytes public_key;     /* the SubjectPublicKeyInfo, DER */
} vfy_lds_dg15;

VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_lds_parse_dg15(const uint8_t *data, size_t len,
                                                    vfy_lds_dg15 *out, vfy_detail *detail);

/* ---- DG14 and EF.CardSecurity: SecurityInfos (9303-11 §9.2) ------------------ */
typedef enum vfy_security_info_kind {
    VFY_SI_UNKNOWN = 0,         /* kept as is (OID and raw bytes) */
    VFY_SI_CHIP_AUTH,           /* ChipAuthenticationInfo */
    VFY_SI_CHIP_AUTH_PUBLIC_KEY,/* ChipAuthenticationPublicKeyInfo */
    VFY_SI_PACE,                /* PACEInfo */
    VFY_SI_PACE_DOMAIN,         /* PACEDomainParameterInfo */
    VFY_SI_TERMINAL_AUTH,       /* TerminalAuthenticationInfo */
    VFY_SI_ACTIVE_AUTH,         /* ActiveAuthenticationInfo */
} vfy_security_info_kind;

typedef enum vfy_lds_agreement {
    VFY_LDS_KA_NONE = 0,
    VFY_LDS_KA_DH,   /* same values as the chip layer's key-agreement kinds */
    VFY_LDS_KA_ECDH,
} vfy_lds_agreement;
typedef enum vfy_lds_cipher {
    VFY_LDS_CIPHER_NONE = 0,
    VFY_LDS_3DES,
    VFY_LDS_AES128,
    VFY_LDS_AES192,
    VFY_LDS_AES256,
} vfy_lds_cipher;

typedef struct vfy_security_info {
    vfy_security_info_kind kind;
    char oid[VFY_OID_TEXT_MAX];             /* dotted protocol OID */
    vfy_bytes oid_der;        /* the OID's content bytes */
    long version;             /* -1 when the structure has none */
    bool has_key_id;
    long key_id;              /* CA keyId / PACE parameterId */
    vfy_lds_agreement agreement;         /* CA and CA public key: DH or ECDH */
    vfy_lds_cipher cipher;        /* CA and PACE: the secure-messaging cipher */
    vfy_bytes public_key;     /* ChipAuthenticationPublicKeyInfo: SubjectPublicKeyInfo DER */
    char signature_oid[VFY_OID_TEXT_MAX];   /* ActiveAuthenticationInfo: the signature algorithm */
    vfy_bytes raw;            /* the whole SecurityInfo */
} vfy_security_info;

typedef struct vfy_security_infos {
    unsigned count;
    vfy_security_info items[VFY_SECURITY_INFOS_MAX];
    void *owned;              /* EF.CardSecurity only: the signed content the views point into */
} vfy_security_infos;

/* DG14 (tag 6E wrapping a SET OF SecurityInfo). */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_lds_parse_dg14(const uint8_t *data, size_t len,
                                                    vfy_security_infos *out, vfy_detail *detail);
/* A bare SecurityInfos SET (EF.CardAccess, or the content of EF.CardSecurity). */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_lds_parse_security_infos(const uint8_t *data, size_t len,
                                                              vfy_security_infos *out,
                                                              vfy_detail *detail);
/* EF.CardSecurity: CMS SignedData whose content is SecurityInfos. The signature is not
 * checked here (see vfy_verify_*). Release with vfy_security_infos_free. */
VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_lds_parse_card_security(const uint8_t *data, size_t len,
                                                             vfy_security_infos *out,
                                                             vfy_detail *detail);
VFY_API void vfy_security_infos_free(vfy_security_infos *infos);

/* The first item of a kind (after `from`, for iteration: pass NULL to start), or NULL. */
VFY_API const vfy_security_info *vfy_security_infos_find(const vfy_security_infos *infos,
                                                         vfy_security_info_kind kind,
                                                         const vfy_security_info *from);

/* ---- EF.SOD: the LDSSecurityObject (the signature is checked by verdict.h) --- */
typedef struct vfy_lds_sod {
    long version;             /* 0, or 1 with LDSVersionInfo */
    char econtent_type[VFY_OID_TEXT_MAX];   /* dotted OID of the signed content */
    char digest[VFY_ALGORITHM_NAME_MAX];          /* "SHA-256" ... */
    unsigned hash_count;
    struct {
        unsigned dg;
        uint8_t value[VFY_DIGEST_MAX_SIZE];
        size_t len;
    } hashes[VFY_SOD_MAX_HASHES];
    char lds_version[VFY_LDS_VERSION_MAX];      /* v1 only, else "" */
    char unicode_version[VFY_UNICODE_VERSION_MAX];
} vfy_lds_sod;

VFY_API VFY_NODISCARD VFY_NONNULL(1, 3) vfy_status vfy_lds_parse_sod(const uint8_t *data, size_t len,
                                                   vfy_lds_sod *out, vfy_detail *detail);

#ifdef __cplusplus
}
#endif

#endif
