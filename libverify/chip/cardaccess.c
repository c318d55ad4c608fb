/* EF.CardAccess: SecurityInfos, PACEInfo selection. */
#include <string.h>

#include "chip/cardaccess.h"
#include "core/fail.h"
#include "core/tlv.h"
#include "verify/lds.h"

#define FIELD "EF.CardAccess"

/* id-PACE = 0.4.0.127.0.7.2.2.4 */
static const uint8_t ID_PACE[] = { 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04 };

const char *vfy_pace_mapping_name(vfy_pace_mapping m)
{
    switch (m) {
    case VFY_PACE_GM: return "GM";
    case VFY_PACE_IM: return "IM";
    case VFY_PACE_CAM: return "CAM";
    default: return "?";
    }
}

vfy_status vfy_pace_info_from_oid(const uint8_t *oid, size_t oid_len, vfy_pace_info *out,
                                  vfy_detail *detail)
{
    memset(out, 0, sizeof *out);
    if (oid_len != sizeof ID_PACE + 2 || memcmp(oid, ID_PACE, sizeof ID_PACE) != 0)
        return vfy_fail(detail, VFY_E_UNSUPPORTED, FIELD, "not a PACE protocol identifier");
    uint8_t family = oid[sizeof ID_PACE], cipher = oid[sizeof ID_PACE + 1];
    switch (family) {
    case 1: out->ka = VFY_KA_DH; out->mapping = VFY_PACE_GM; break;
    case 2: out->ka = VFY_KA_ECDH; out->mapping = VFY_PACE_GM; break;
    case 3: out->ka = VFY_KA_DH; out->mapping = VFY_PACE_IM; break;
    case 4: out->ka = VFY_KA_ECDH; out->mapping = VFY_PACE_IM; break;
    case 6: out->ka = VFY_KA_ECDH; out->mapping = VFY_PACE_CAM; break;
    default:
        return vfy_fail(detail, VFY_E_UNSUPPORTED, FIELD,
                        "PACE protocol family %u is not supported", family);
    }
    switch (cipher) {
    case 1: out->cipher = VFY_CIPHER_3DES; break;
    case 2: out->cipher = VFY_CIPHER_AES128; break;
    case 3: out->cipher = VFY_CIPHER_AES192; break;
    case 4: out->cipher = VFY_CIPHER_AES256; break;
    default:
        return vfy_fail(detail, VFY_E_UNSUPPORTED, FIELD, "PACE cipher %u is unknown", cipher);
    }
    if (out->mapping == VFY_PACE_CAM && out->cipher == VFY_CIPHER_3DES)
        return vfy_fail(detail, VFY_E_UNSUPPORTED, FIELD, "PACE-CAM is defined for AES only");
    memcpy(out->oid, oid, oid_len);
    out->oid_len = oid_len;
    out->version = 2;
    return VFY_OK;
}

/* A PACEInfo's protocol OID: id-PACE plus two arcs (family, cipher), whether or not this
 * library runs it. */
static bool is_pace_protocol_oid(const vfy_bytes *oid)
{
    return oid->len == sizeof ID_PACE + 2 && memcmp(oid->data, ID_PACE, sizeof ID_PACE) == 0;
}

/* The SecurityInfos are parsed by the one SecurityInfos parser (lds/security_infos.c, also
 * DG14's and EF.CardSecurity's); here only the PACEInfos this library can run are chosen. */
vfy_status vfy_card_access_parse(const uint8_t *data, size_t len, vfy_card_access *out,
                                 vfy_detail *detail)
{
    memset(out, 0, sizeof *out);
    /* Bytes after the SET are ignored: a file read to its allocated size carries them (a
     * German test card has 38), and the file reader stops at the TLV's end anyway. */
    vfy_cursor file;
    vfy_cur_init(&file, data, len, FIELD, detail);
    vfy_tlv set;
    VFY_TRY(vfy_tlv_next(&file, 0, &set));
    vfy_security_infos infos;
    infos.owned = NULL;
    vfy_status st = vfy_lds_parse_security_infos(set.raw, set.raw_len, &infos, detail);
    if (st != VFY_OK) {
        vfy_detail_prefix_field(detail, FIELD);
        return st;
    }
    for (unsigned i = 0; i < infos.count; i++) {
        const vfy_security_info *si = &infos.items[i];
        if (si->kind == VFY_SI_PACE_DOMAIN) {
            out->n_domain_params++;
            continue;
        }
        if (si->kind != VFY_SI_PACE && !is_pace_protocol_oid(&si->oid_der)) {
            out->n_other++;
            continue;
        }
        out->n_pace_total++;
        vfy_pace_info pi;
        long id = si->key_id;
        if (si->kind != VFY_SI_PACE ||
            vfy_pace_info_from_oid(si->oid_der.data, si->oid_der.len, &pi, NULL) != VFY_OK ||
            si->version != 2 || !si->has_key_id || id < 0 || (id > 2 && id < 8) || id > 18 ||
            (pi.ka == VFY_KA_DH) != (id <= 2))
            continue; /* not runnable here: proprietary parameters or unknown protocol */
        pi.version = (unsigned)si->version;
        pi.has_parameter_id = true;
        pi.parameter_id = (unsigned)id;
        if (out->n_pace < VFY_CARD_ACCESS_MAX_PACE)
            out->pace[out->n_pace++] = pi;
    }
    vfy_security_infos_free(&infos);
    return VFY_OK;
}

static unsigned group_bits(unsigned id)
{
    static const unsigned bits[] = { 1024, 2048, 2048, 0, 0, 0, 0, 0, 192, 192, 224,
                                     224, 256, 256, 320, 384, 384, 512, 521 };
    return id < sizeof bits / sizeof bits[0] ? bits[id] : 0;
}

static unsigned long strength(const vfy_pace_info *p)
{
    /* DH groups are weaker per bit than curves: rank them below every curve. */
    unsigned bits = p->ka == VFY_KA_ECDH ? group_bits(p->parameter_id) : 0;
    return (p->mapping == VFY_PACE_CAM ? 1ul : 0ul) << 24 | (unsigned long)p->cipher << 16 |
           (p->ka == VFY_KA_ECDH ? 1ul : 0ul) << 12 | bits;
}

const vfy_pace_info *vfy_card_access_best(const vfy_card_access *ca)
{
    const vfy_pace_info *best = NULL;
    for (size_t i = 0; i < ca->n_pace; i++)
        if (best == NULL || strength(&ca->pace[i]) > strength(best))
            best = &ca->pace[i];
    return best;
}
