/* A chip session: open the reader, access control (PACE first, then BAC), read the files. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chip/bac.h"
#include "chip/pace.h"
#include "chip/session.h"
#include "verify/session.h"
#include "core/fail.h"
#include "lds/read_plan.h"


static const uint8_t emrtd_aid[] = { 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01 };

const char *vfy_access_protocol_name(vfy_access_protocol p)
{
    switch (p) {
    case VFY_ACCESS_PACE:
        return "PACE";
    case VFY_ACCESS_BAC:
        return "BAC";
    default:
        return "none";
    }
}

vfy_status vfy_access_key_from_mrz(const vfy_mrz *mrz, vfy_access_key *out, vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "key", "no output key");
    memset(out, 0, sizeof *out);
    out->kind = VFY_PASSWORD_MRZ;
    return vfy_mrz_key_input(mrz, out->value, detail);
}

vfy_status vfy_access_key_from_values(const char *document_number, const char *birth_yymmdd,
                                      const char *expiry_yymmdd, vfy_access_key *out,
                                      vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "key", "no output key");
    memset(out, 0, sizeof *out);
    out->kind = VFY_PASSWORD_MRZ;
    return vfy_mrz_key_input_from(document_number, birth_yymmdd, expiry_yymmdd, out->value,
                                  detail);
}

vfy_status vfy_access_key_from_can(const char *can, vfy_access_key *out, vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "key", "no output key");
    memset(out, 0, sizeof *out);
    size_t n = can != NULL ? strlen(can) : 0;
    if (n == 0 || n >= sizeof out->value || strspn(can, "0123456789") != n)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "can",
                        "the card access number must be digits only (usually six)");
    out->kind = VFY_PASSWORD_CAN;
    memcpy(out->value, can, n);
    return VFY_OK;
}

void vfy_access_key_wipe(vfy_access_key *key)
{
    if (key != NULL)
        vfy_wipe(key, sizeof *key);
}

vfy_status vfy_session_open(const char *reader, vfy_session **out, vfy_detail *detail)
{
    /* The reader first (vfy_session_open_reader), then a short wait for the document
     * that is expected to be on it already. */
    VFY_TRY(vfy_session_open_reader(reader, out, detail));
    vfy_status st = (*out)->transport->ops->wait_card((*out)->transport, 2000, detail);
    if (st == VFY_E_TIMEOUT)
        st = vfy_fail(detail, VFY_E_NO_CARD, "reader", "no document on the reader");
    if (st != VFY_OK) {
        vfy_session_close(*out);
        *out = NULL;
    }
    return st;
}

void vfy_session_close(vfy_session *s)
{
    if (s == NULL)
        return;
    vfy_channel_free(&s->ch);
    vfy_transport_close(s->transport);
    vfy_wipe_free(s, sizeof *s);   /* the CAM data, the reader's state */
}

vfy_channel *vfy_session_channel(vfy_session *s)
{
    return &s->ch;
}

void vfy_session_access(const vfy_session *s, vfy_access_info *out)
{
    *out = s->access;
}

void vfy_session_stats(const vfy_session *s, vfy_read_stats *out)
{
    memset(out, 0, sizeof *out);
    out->apdus = s->transport->stats.apdus;
    out->bytes_sent = s->transport->stats.bytes_sent;
    out->bytes_received = s->transport->stats.bytes_received;
    out->simulated_us = s->transport->stats.simulated_us;
    out->files_read = s->files_read;
    out->files_denied = s->files_denied;
    out->fallbacks = s->reader.fallbacks;
}

static void logf_(const vfy_read_options *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void logf_(const vfy_read_options *o, const char *fmt, ...)
{
    if (o == NULL || o->log == NULL)
        return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    o->log(o->log_ctx, line);
}

static vfy_status select_application(vfy_session *s, vfy_detail *detail)
{
    vfy_apdu a = { .ins = 0xA4, .p1 = 0x04, .p2 = 0x0C, .data = emrtd_aid,
                   .data_len = sizeof emrtd_aid };
    uint8_t none[4];
    size_t n;
    uint16_t sw;
    VFY_TRY(vfy_channel_transmit(&s->ch, &a, none, sizeof none, &n, &sw, detail));
    if (sw == 0x6A82)
        return vfy_fail(detail, VFY_E_FILE_NOT_FOUND, "application",
                        "the chip has no eMRTD application (A0000002471001)");
    if (sw == 0x6987 || sw == 0x6988)
        return vfy_fail(detail, VFY_E_SM_MAC, "application",
                        "the chip rejected the protected SELECT (%04X): the secure messaging "
                        "counters are out of step or the keys differ", sw);
    if (sw != 0x9000)
        return vfy_fail(detail, VFY_E_STATUS_WORD, "application",
                        "the chip answered %s to SELECT of the eMRTD application",
                        vfy_sw_name(sw));
    return VFY_OK;
}

static vfy_status read_file(vfy_session *s, vfy_file_id id, uint8_t **data, size_t *len,
                            vfy_detail *detail)
{
    vfy_status st = vfy_file_read(&s->reader, vfy_file_fid(id), vfy_file_sfi(id),
                                  vfy_file_name(id), data, len, detail);
    if (st == VFY_OK)
        s->files_read++;
    return st;
}

/* A file of the master file (EF.CardAccess, EF.CardSecurity); absent (or refused, as some
 * chips do) is not an error: what its absence means is the inspection's to judge. */
static vfy_status read_master_file(vfy_session *s, const vfy_read_options *o, vfy_document *doc,
                                   vfy_file_id id, bool *present, vfy_detail *detail)
{
    *present = false;
    uint8_t *data = NULL;
    size_t len = 0;
    bool sfi_refused = s->reader.sfi_refused;
    vfy_detail inner = { 0 };
    vfy_status st = read_file(s, id, &data, &len, &inner);
    if (st == VFY_E_FILE_NOT_FOUND || st == VFY_E_STATUS_WORD || st == VFY_E_ACCESS_DENIED) {
        s->reader.sfi_refused = sfi_refused;   /* a refusal of this file says nothing of SFIs */
        logf_(o, "%s is not available (%s)%s", vfy_file_name(id), inner.message,
              id == VFY_FILE_CARD_ACCESS ? ": PACE is not offered" : "");
        return VFY_OK;
    }
    if (st != VFY_OK) {
        if (detail != NULL)
            *detail = inner;
        return st;
    }
    st = vfy_document_set_file(doc, id, data, len);
    vfy_wipe_free(data, len);
    if (st != VFY_OK)
        return vfy_fail(detail, st, vfy_file_name(id), "%s could not be stored",
                        vfy_file_name(id));
    *present = true;
    return VFY_OK;
}

/* BAC, after selecting the application in plain. */
static vfy_status open_with_bac(vfy_session *s, const vfy_access_key *key, vfy_detail *detail)
{
    VFY_TRY(select_application(s, detail));
    if (key->kind != VFY_PASSWORD_MRZ)
        return vfy_fail(detail, VFY_E_NO_ACCESS_PROTOCOL, "access",
                        "the chip offers only BAC, which needs the MRZ: the card access number "
                        "works with PACE only");
    VFY_TRY(vfy_bac_run(&s->ch, key->value, detail));
    s->access.protocol = VFY_ACCESS_BAC;
    snprintf(s->access.cipher, sizeof s->access.cipher, "3DES");
    return VFY_OK;
}

/* Reads one file into doc; a file the chip protects further or lacks is skipped. */
static vfy_status read_into(vfy_session *s, const vfy_read_options *o, vfy_document *doc,
                            vfy_file_id id, bool optional, vfy_detail *detail)
{
    uint8_t *data = NULL;
    size_t len = 0;
    vfy_status st = read_file(s, id, &data, &len, detail);
    if (optional && (st == VFY_E_ACCESS_DENIED || st == VFY_E_FILE_NOT_FOUND)) {
        if (st == VFY_E_ACCESS_DENIED)
            s->files_denied++;
        logf_(o, "%s skipped: %s", vfy_file_name(id),
              st == VFY_E_ACCESS_DENIED ? "the chip protects it further" : "not on the chip");
        if (detail != NULL)
            vfy_detail_clear(detail);
        return VFY_OK;
    }
    VFY_TRY(st);
    st = vfy_document_set_file(doc, id, data, len);
    vfy_wipe_free(data, len);   /* DG1 holds the MRZ, the chip's access password */
    if (st != VFY_OK)
        return vfy_fail(detail, st, vfy_file_name(id), "%s could not be stored", vfy_file_name(id));
    return VFY_OK;
}

/* EF.COM and EF.SOD, then the data groups lds_read_plan_make chooses from their bytes. */
static vfy_status read_files(vfy_session *s, const vfy_read_options *o, vfy_document *doc,
                             vfy_detail *detail)
{
    VFY_TRY(read_into(s, o, doc, VFY_FILE_COM, true, detail));
    VFY_TRY(read_into(s, o, doc, VFY_FILE_SOD, true, detail));
    const uint8_t *com = NULL, *sod = NULL;
    size_t com_len = 0, sod_len = 0;
    bool has_com = vfy_document_get_file(doc, VFY_FILE_COM, &com, &com_len) == VFY_OK;
    bool has_sod = vfy_document_get_file(doc, VFY_FILE_SOD, &sod, &sod_len) == VFY_OK;
    lds_read_plan plan;
    lds_read_plan_make(has_com ? com : NULL, com_len, has_sod ? sod : NULL, sod_len, &plan);
    if (!plan.com_usable)
        logf_(o, "%s: trying every data group",
              has_com ? "EF.COM does not parse" : "no EF.COM");
    for (unsigned i = 1; i <= 16; i++)
        if (plan.sod_only[i])
            logf_(o, "DG%u is in EF.SOD but not in EF.COM: reading it too", i);
    for (unsigned i = 1; i <= 16; i++)
        if (plan.read[i])
            VFY_TRY(read_into(s, o, doc, (vfy_file_id)i, i != 1, detail));
    return VFY_OK;
}

/* PACE with the strongest PACEInfo of EF.CardAccess, then the application under SM. */
static vfy_status open_with_pace(vfy_session *s, const vfy_access_key *key,
                                 const vfy_pace_info *info, const vfy_read_options *o,
                                 vfy_document *doc, vfy_detail *detail)
{
    vfy_pace_password pw = { .kind = key->kind == VFY_PASSWORD_CAN ? VFY_PACE_PASSWORD_CAN
                                                                  : VFY_PACE_PASSWORD_MRZ,
                             .value = key->value };
    vfy_pace_result *res = &s->pace;
    memset(res, 0, sizeof *res);
    vfy_status st = vfy_pace_run(&s->ch, &pw, info, res, detail);
    if (st == VFY_OK) {
        s->access.protocol = VFY_ACCESS_PACE;
        snprintf(s->access.mapping, sizeof s->access.mapping, "%s",
                 vfy_pace_mapping_name(info->mapping));
        snprintf(s->access.cipher, sizeof s->access.cipher, "%s", vfy_cipher_name(info->cipher));
        if (info->ka == VFY_KA_ECDH)
            snprintf(s->access.curve, sizeof s->access.curve, "%s", res->group);
        else
            snprintf(s->access.group, sizeof s->access.group, "%s", res->group);
        /* PACE-CAM: the chip's static key is the one EF.CardSecurity (in the master file,
         * still selected) vouches for; its bytes are kept for the inspection to judge. */
        bool present;
        if (res->has_chip_auth_data)
            st = read_master_file(s, o, doc, VFY_FILE_CARD_SECURITY, &present, detail);
        if (st == VFY_OK)
            st = select_application(s, detail);
    }
    if (st != VFY_OK)
        vfy_wipe(res, sizeof *res);
    return st;
}

/* Access control: PACE when EF.CardAccess offers it, else BAC. A PACE failure is the
 * answer unless the caller's policy allows BAC, and then it is logged. */
static vfy_status open_chip(vfy_session *s, const vfy_access_key *key, const vfy_read_options *o,
                            vfy_document *doc, vfy_detail *detail)
{
    const uint8_t *data;
    size_t len;
    if (vfy_document_get_file(doc, VFY_FILE_CARD_ACCESS, &data, &len) != VFY_OK)
        return open_with_bac(s, key, detail);
    vfy_card_access ca;
    vfy_status st = vfy_card_access_parse(data, len, &ca, detail);
    if (st == VFY_OK && ca.n_pace_total == 0)
        return open_with_bac(s, key, detail);   /* EF.CardAccess without PACE (CA only) */
    const vfy_pace_info *best = st == VFY_OK ? vfy_card_access_best(&ca) : NULL;
    if (st == VFY_OK && best == NULL)
        st = vfy_fail(detail, VFY_E_NO_ACCESS_PROTOCOL, "EF.CardAccess",
                      "the chip offers PACE only with parameters this library does not support");
    if (st == VFY_OK)
        st = open_with_pace(s, key, best, o, doc, detail);
    if (st == VFY_OK || (o == NULL || !o->allow_bac_fallback) || key->kind != VFY_PASSWORD_MRZ ||
        st == VFY_E_CARD_REMOVED)
        return st;
    logf_(o, "PACE failed (%s: %s); falling back to BAC as the policy allows",
          vfy_status_name(st), detail != NULL ? detail->message : "");
    vfy_channel_end_sm(&s->ch);
    memset(&s->access, 0, sizeof s->access);
    s->access.fell_back_to_bac = true;
    if (detail != NULL)
        vfy_detail_clear(detail);
    return open_with_bac(s, key, detail);
}

vfy_status vfy_session_read_document(vfy_session *s, const vfy_access_key *key,
                                     const vfy_read_options *options, vfy_document *doc,
                                     vfy_detail *detail)
{
    if (s == NULL || key == NULL || doc == NULL ||
        (key->kind != VFY_PASSWORD_MRZ && key->kind != VFY_PASSWORD_CAN) ||
        key->value[0] == '\0')
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "session",
                        "a session, an access key and a document are required");
    memset(&s->access, 0, sizeof s->access);
    s->reader.progress = options != NULL ? options->progress : NULL;
    s->reader.progress_ctx = options != NULL ? options->progress_ctx : NULL;
    vfy_channel_end_sm(&s->ch);
    bool card_access;
    VFY_TRY(read_master_file(s, options, doc, VFY_FILE_CARD_ACCESS, &card_access, detail));
    VFY_TRY(open_chip(s, key, options, doc, detail));
    /* A PACE-CAM chip's proof (s->pace) is judged by vfy_session_authenticate (auth/cam.c):
     * a chip that fails it is a clone, which is a verdict, not a failed read. */
    return read_files(s, options, doc, detail);
}
