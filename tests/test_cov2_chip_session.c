/*
 * Coverage of issue 12 for chip/session.c through the public session API and the
 * simulated chip: access keys without an output, a reader with no document (present=PATH
 * naming no file), SELECT of the eMRTD application refused with 6A88, an optional data
 * group refused with 6982 (skipped and counted), and dump folders whose EF.CardAccess
 * (ICAO 9303-11 §9.2, encoded here by hand) offers no PACE (Chip Authentication only) or
 * PACE only with a reserved domain parameter id. The truth is the specimen's MRZ key and
 * files, and the statuses the session header documents.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "verify.h"
#include "verify/specimen.h"

static const char *specimen_mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                  "L898902C36UTO7408122F3404159ZE184226B<<<<<16";

static vfy_access_key mrz_key(void)
{
    vfy_mrz mrz;
    const vfy_mrz_options opt = { .today = { 2026, 1, 1 } };
    cr_assert_eq(vfy_mrz_parse(specimen_mrz, strlen(specimen_mrz), &opt, &mrz, NULL), VFY_OK);
    vfy_access_key k;
    cr_assert_eq(vfy_access_key_from_mrz(&mrz, &k, NULL), VFY_OK);
    return k;
}

struct outcome {
    vfy_status status;
    vfy_detail detail;
    vfy_access_info access;
    vfy_read_stats stats;
    vfy_document *doc;
};

static struct outcome read_with(const char *conn, const vfy_access_key *key)
{
    struct outcome o = { 0 };
    vfy_session *s = NULL;
    cr_assert_eq(vfy_document_new(&o.doc), VFY_OK);
    o.status = vfy_session_open(conn, &s, &o.detail);
    if (o.status != VFY_OK) {
        cr_assert_null(s);
        return o;
    }
    o.status = vfy_session_read_document(s, key, NULL, o.doc, &o.detail);
    vfy_session_access(s, &o.access);
    vfy_session_stats(s, &o.stats);
    vfy_session_close(s);
    return o;
}

Test(cov2_chip_session, access_keys_need_an_output)
{
    vfy_mrz mrz;
    const vfy_mrz_options opt = { .today = { 2026, 1, 1 } };
    cr_assert_eq(vfy_mrz_parse(specimen_mrz, strlen(specimen_mrz), &opt, &mrz, NULL), VFY_OK);
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_access_key_from_mrz(&mrz, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_access_key_from_values("L898902C3", "740812", "340415", NULL, &d),
                 VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_access_key_from_can("123456", NULL, &d), VFY_E_INVALID_ARGUMENT);
}

Test(cov2_chip_session, read_document_argument_refusals)
{
    vfy_session *s = NULL;
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_session_open("sim", &s, &d), VFY_OK, "%s", d.message);
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    vfy_access_key k = mrz_key();
    vfy_access_key empty = { .kind = VFY_PASSWORD_CAN };
    vfy_access_key odd = k;
    odd.kind = (vfy_password_kind)9;
    cr_assert_eq(vfy_session_read_document(NULL, &k, NULL, doc, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_session_read_document(s, NULL, NULL, doc, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_session_read_document(s, &k, NULL, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_session_read_document(s, &empty, NULL, doc, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_session_read_document(s, &odd, NULL, doc, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_not(vfy_document_has_file(doc, VFY_FILE_DG1));
    vfy_document_free(doc);
    vfy_session_close(s);
}

Test(cov2_chip_session, no_document_on_the_reader)
{
    /* present=PATH: the document is there while PATH exists; this one never does. The
     * session waits its 2 s for the document, then gives up. */
    char dir[128], conn[256];
    tmpdir_make("cov2sess", dir, sizeof dir);
    snprintf(conn, sizeof conn, "sim?present=%s/absent", dir);
    vfy_session *s = (vfy_session *)1;
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_session_open(conn, &s, &d), VFY_E_NO_CARD);
    cr_assert_null(s);
    cr_assert(strstr(d.message, "no document on the reader") != NULL, "%s", d.message);
    tmpdir_remove(dir);
}

Test(cov2_chip_session, application_select_refused)
{
    /* The 2nd command (after SELECT EF.CardAccess) is SELECT of the eMRTD application. */
    vfy_access_key k = mrz_key();
    struct outcome o = read_with("sim?pace=off&sw=6A88&sw_at=2", &k);
    cr_assert_eq(o.status, VFY_E_STATUS_WORD, "%s", vfy_status_name(o.status));
    cr_assert_str_eq(o.detail.field, "application");
    cr_assert(strstr(o.detail.message, "6A88") != NULL, "%s", o.detail.message);
    vfy_document_free(o.doc);
}

Test(cov2_chip_session, optional_group_refused_is_skipped)
{
    /* Under BAC the 8th command reads DG2 (after CardAccess, application, GET CHALLENGE,
     * EXTERNAL AUTHENTICATE, EF.COM, EF.SOD, DG1): 6982 there skips DG2, counted. */
    vfy_access_key k = mrz_key();
    struct outcome o = read_with("sim?pace=off", &k);
    cr_assert_eq(o.status, VFY_OK, "%s", o.detail.message);
    cr_assert(vfy_document_has_file(o.doc, (vfy_file_id)2));
    cr_assert_eq(o.stats.files_denied, 0);
    unsigned full = o.stats.files_read;
    vfy_document_free(o.doc);
    o = read_with("sim?pace=off&sw=6982&sw_at=8", &k);
    cr_assert_eq(o.status, VFY_OK, "%s", o.detail.message);
    cr_assert_not(vfy_document_has_file(o.doc, (vfy_file_id)2));
    cr_assert(vfy_document_has_file(o.doc, VFY_FILE_DG1));
    cr_assert_eq(o.stats.files_denied, 1);
    cr_assert_eq(o.stats.files_read, full - 1);
    vfy_document_free(o.doc);
}

/* A specimen dump folder with the given EF.CardAccess. */
static void dump_with_card_access(char *dir, size_t cap, const uint8_t *ca, size_t len)
{
    tmpdir_make("cov2ca", dir, cap);
    vfy_specimen_options so = { 0 };
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_specimen_write(dir, &so, &d), VFY_OK, "%s", d.message);
    char path[256];
    snprintf(path, sizeof path, "%s/EF_CardAccess.bin", dir);
    remove(path);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(ca, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

Test(cov2_chip_session, card_access_without_pace_reads_with_bac)
{
    /* SET { ChipAuthenticationInfo { id-CA-ECDH-AES-CBC-CMAC-128 0.4.0.127.0.7.2.2.3.2.2, 1 } } */
    static const uint8_t ca[] = { 0x31, 0x11, 0x30, 0x0F, 0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00,
                                  0x07, 0x02, 0x02, 0x03, 0x02, 0x02, 0x02, 0x01, 0x01 };
    char dir[128], conn[256];
    dump_with_card_access(dir, sizeof dir, ca, sizeof ca);
    snprintf(conn, sizeof conn, "sim:%s", dir);
    vfy_access_key k = mrz_key();
    struct outcome o = read_with(conn, &k);
    cr_assert_eq(o.status, VFY_OK, "%s: %s", vfy_status_name(o.status), o.detail.message);
    cr_assert_eq(o.access.protocol, VFY_ACCESS_BAC);
    cr_assert_not(o.access.fell_back_to_bac);
    cr_assert(vfy_document_has_file(o.doc, VFY_FILE_DG1));
    vfy_document_free(o.doc);
    tmpdir_remove(dir);
}

Test(cov2_chip_session, card_access_with_only_unsupported_pace)
{
    /* SET { PACEInfo { id-PACE-ECDH-GM-AES-CBC-CMAC-128 0.4.0.127.0.7.2.2.4.2.2, 2,
     * parameterId 7 } }: 3-7 are reserved in 9303-11 table 6. */
    static const uint8_t ca[] = { 0x31, 0x14, 0x30, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00,
                                  0x07, 0x02, 0x02, 0x04, 0x02, 0x02, 0x02, 0x01, 0x02, 0x02,
                                  0x01, 0x07 };
    char dir[128], conn[256];
    dump_with_card_access(dir, sizeof dir, ca, sizeof ca);
    snprintf(conn, sizeof conn, "sim:%s", dir);
    vfy_access_key k = mrz_key();
    struct outcome o = read_with(conn, &k);
    cr_assert_eq(o.status, VFY_E_NO_ACCESS_PROTOCOL, "%s: %s", vfy_status_name(o.status),
                 o.detail.message);
    cr_assert_not(vfy_document_has_file(o.doc, VFY_FILE_DG1));
    vfy_document_free(o.doc);
    tmpdir_remove(dir);
}
