/* The chip proving itself during a read: access control recorded, then CA and AA on the
 * session's channel (see vfy_session_authenticate in verify/verdict.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "chip/session.h"
#include "core/fail.h"
#include "pa/verdict_internal.h"

static void record(vfy_check_result *c, vfy_outcome o, vfy_status s, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void record(vfy_check_result *c, vfy_outcome o, vfy_status s, const char *fmt, ...)
{
    char reason[sizeof c->reason];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    vfy_verdict_set_check(c, o, s, reason);
}

static void record_access(const vfy_session *s, vfy_check_result *c)
{
    vfy_access_info a;
    vfy_session_access(s, &a);
    switch (a.protocol) {
    case VFY_ACCESS_PACE:
        record(c, VFY_OUTCOME_OK, VFY_OK, "PACE-%s %s %s", a.mapping, a.cipher, a.curve[0] ? a.curve : a.group);
        break;
    case VFY_ACCESS_BAC:
        record(c, VFY_OUTCOME_OK, VFY_OK, "BAC (%s)%s", a.cipher,
               a.fell_back_to_bac ? " after PACE failed, as the caller's policy allowed" : "");
        break;
    default:
        record(c, VFY_OUTCOME_NOT_SUPPORTED, VFY_OK, "the chip has no access control");
    }
}

/* DG14/DG15 the SOD lists but EF.COM did not name are read now. */
static void read_missing(vfy_session *s, vfy_document *doc)
{
    const uint8_t *sod;
    size_t len;
    vfy_lds_sod info;
    if (vfy_document_get_file(doc, VFY_FILE_SOD, &sod, &len) != VFY_OK ||
        vfy_lds_parse_sod(sod, len, &info, NULL) != VFY_OK)
        return;
    for (unsigned i = 0; i < info.hash_count; i++) {
        unsigned dg = info.hashes[i].dg;
        if ((dg != 14 && dg != 15) || vfy_document_has_file(doc, (vfy_file_id)dg))
            continue;
        uint8_t *data = NULL;
        size_t n = 0;
        if (vfy_file_read(&s->reader, vfy_file_fid((vfy_file_id)dg), vfy_file_sfi((vfy_file_id)dg),
                          vfy_file_name((vfy_file_id)dg), &data, &n, NULL) == VFY_OK &&
            vfy_document_set_file(doc, (vfy_file_id)dg, data, n) != VFY_OK) {
            /* Not kept: the data group stays unread and is reported as not checked. */
        }
        free(data);
    }
}

vfy_status vfy_session_authenticate(vfy_session *s, vfy_document *doc, vfy_chip_checks *out,
                                    vfy_detail *detail)
{
    if (s == NULL || doc == NULL || out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "authenticate", "no session, document or result");
    memset(out, 0, sizeof *out);
    record_access(s, &out->access_control);
    vfy_channel *ch = vfy_session_channel(s);
    read_missing(s, doc);

    vfy_access_info a;
    vfy_session_access(s, &a);
    const uint8_t *dg14 = NULL, *dg15 = NULL;
    size_t dg14_len = 0, dg15_len = 0;
    bool has14 = vfy_document_get_file(doc, (vfy_file_id)14, &dg14, &dg14_len) == VFY_OK;
    bool has15 = vfy_document_get_file(doc, (vfy_file_id)15, &dg15, &dg15_len) == VFY_OK;
    vfy_detail d;
    bool cam = a.protocol == VFY_ACCESS_PACE && strcmp(a.mapping, "CAM") == 0;
    if (cam) {
        /* PACE-CAM: the chip's CAM data, kept by the session, against DG14's key. A chip
         * that fails is a clone (or holds a key nothing vouches for): a failed check. */
        vfy_detail_clear(&d);
        vfy_status st = auth_pace_cam(&s->pace, has14 ? dg14 : NULL, dg14_len, &d);
        s->access.cam_verified = st == VFY_OK;
        if (st == VFY_OK)
            record(&out->chip_auth, VFY_OUTCOME_OK, VFY_OK,
                   "done through PACE-CAM: the chip's mapping data verified against DG14's key");
        else
            record(&out->chip_auth, VFY_OUTCOME_FAILED, VFY_E_CA_FAILED, "%s", d.message);
    } else {
        vfy_security_infos infos;
        bool has_key = has14 && vfy_lds_parse_dg14(dg14, dg14_len, &infos, NULL) == VFY_OK &&
                       vfy_security_infos_find(&infos, VFY_SI_CHIP_AUTH_PUBLIC_KEY, NULL) != NULL;
        if (!has_key) {
            record(&out->chip_auth, VFY_OUTCOME_NOT_SUPPORTED, VFY_OK,
                   "no Chip Authentication key in DG14");
        } else {
            vfy_detail_clear(&d);
            vfy_status st = auth_chip(ch, dg14, dg14_len, &d);
            if (st == VFY_OK)
                record(&out->chip_auth, VFY_OUTCOME_OK, VFY_OK,
                       "the chip holds DG14's private key: secure messaging continues on the new keys");
            else
                record(&out->chip_auth, VFY_OUTCOME_FAILED, st, "%s", d.message);
        }
    }
    if (!has15) {
        record(&out->active_auth, VFY_OUTCOME_NOT_SUPPORTED, VFY_OK, "no DG15: the chip offers no Active Authentication");
    } else {
        vfy_detail_clear(&d);
        vfy_status st = auth_active(ch, dg15, dg15_len, has14 ? dg14 : NULL, dg14_len, &d);
        if (st == VFY_OK)
            record(&out->active_auth, VFY_OUTCOME_OK, VFY_OK,
                   "the chip signed a fresh challenge with DG15's key");
        else
            record(&out->active_auth, VFY_OUTCOME_FAILED, st, "%s", d.message);
    }
    return VFY_OK;
}
