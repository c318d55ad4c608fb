/*
 * Internal: EF.CardAccess (ICAO 9303-11 §9.2), the SecurityInfos a chip offers before
 * access control.
 *
 * Accepted: a SET OF SecurityInfo (bytes after it are ignored). Each PACEInfo of
 * id-PACE-{DH,ECDH}-{GM,IM} or id-PACE-ECDH-CAM, with 3DES or AES-128/192/256, version 2
 * and a standardized domain parameter id becomes a vfy_pace_info. PACEDomainParameterInfos
 * (proprietary domain parameters) and other SecurityInfos (chip authentication, terminal
 * authentication, ...) are counted and skipped. Non-goals: proprietary domain parameters
 * (a PACEInfo that needs them is not offered as supported).
 *
 * The strongest supported PACEInfo is chosen by: chip authentication mapping first (it also
 * authenticates the chip), then the cipher (AES-256 > 192 > 128 > 3DES), then ECDH over DH,
 * then the larger group, then file order.
 */
#ifndef VFY_CHIP_CARDACCESS_H
#define VFY_CHIP_CARDACCESS_H

#include "crypto/crypto.h"

typedef enum vfy_pace_mapping {
    VFY_PACE_GM = 1,  /* generic mapping */
    VFY_PACE_IM = 2,  /* integrated mapping */
    VFY_PACE_CAM = 3, /* chip authentication mapping */
} vfy_pace_mapping;

#define VFY_PACE_OID_MAX 16

typedef struct vfy_pace_info {
    uint8_t oid[VFY_PACE_OID_MAX]; /* the protocol OID's content octets (no tag, no length) */
    size_t oid_len;
    vfy_ka_kind ka;
    vfy_pace_mapping mapping;
    vfy_cipher cipher;
    unsigned version;
    bool has_parameter_id;
    unsigned parameter_id; /* 9303-11 table 6 */
} vfy_pace_info;

#define VFY_CARD_ACCESS_MAX_PACE 8

typedef struct vfy_card_access {
    vfy_pace_info pace[VFY_CARD_ACCESS_MAX_PACE]; /* supported PACEInfos, in file order */
    size_t n_pace;
    size_t n_pace_total;       /* every PACEInfo, supported or not */
    size_t n_domain_params;    /* PACEDomainParameterInfos */
    size_t n_other;            /* other SecurityInfos */
} vfy_card_access;

/* Parses EF.CardAccess. A file without any PACEInfo parses (n_pace == 0). */
VFY_NODISCARD vfy_status vfy_card_access_parse(const uint8_t *data, size_t len,
                                               vfy_card_access *out, vfy_detail *detail);
/* Fills a vfy_pace_info from a PACE protocol OID's content octets; VFY_E_UNSUPPORTED if it
 * is not a PACE protocol this library runs. */
VFY_NODISCARD vfy_status vfy_pace_info_from_oid(const uint8_t *oid, size_t oid_len,
                                                vfy_pace_info *out, vfy_detail *detail);
/* The strongest supported PACEInfo, or NULL if there is none. */
const vfy_pace_info *vfy_card_access_best(const vfy_card_access *ca);
/* "id-PACE-ECDH-GM-AES-CBC-CMAC-128" style name of an info. */
const char *vfy_pace_mapping_name(vfy_pace_mapping m); /* "GM", "IM", "CAM" */

#endif
