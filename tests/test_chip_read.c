/* Full reads of the simulated chip through the public session API: every protocol the
 * chip offers, the reader profiles, the field quirks (each absorbed) and the faults
 * (each a typed error). The truth is the passport the chip serves: the built-in
 * specimen's files, byte for byte. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "specimen/embedded.h"
#include "support.h"
#include "verify.h"

static const char *specimen_mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                  "L898902C36UTO7408122F3404159ZE184226B<<<<<16";

struct outcome {
    vfy_status status;
    vfy_detail detail;
    vfy_access_info access;
    vfy_read_stats stats;
    vfy_document *doc;
};

static vfy_access_key mrz_key(void)
{
    vfy_mrz mrz;
    const vfy_mrz_options opt = { .today = { 2026, 1, 1 } };
    cr_assert_eq(vfy_mrz_parse(specimen_mrz, strlen(specimen_mrz), &opt, &mrz, NULL), VFY_OK);
    vfy_access_key k;
    cr_assert_eq(vfy_access_key_from_mrz(&mrz, &k, NULL), VFY_OK);
    return k;
}

static struct outcome read_with(const char *conn, const vfy_access_key *key)
{
    struct outcome o = { 0 };
    vfy_session *s = NULL;
    cr_assert_eq(vfy_document_new(&o.doc), VFY_OK);
    o.status = vfy_session_open(conn, &s, &o.detail);
    if (o.status != VFY_OK)
        return o;
    o.status = vfy_session_read_document(s, key, NULL, o.doc, &o.detail);
    vfy_session_access(s, &o.access);
    vfy_session_stats(s, &o.stats);
    vfy_session_close(s);
    return o;
}

static struct outcome read_specimen(const char *conn)
{
    vfy_access_key k = mrz_key();
    return read_with(conn, &k);
}

/* The document holds exactly the specimen's files. */
static void assert_specimen(const struct outcome *o, const char *conn)
{
    cr_assert_eq(o->status, VFY_OK, "%s: %s: %s", conn, vfy_status_name(o->status),
                 o->detail.message);
    static const vfy_file_id ids[] = { VFY_FILE_COM, 1, 2 };
    for (size_t i = 0; i < 3; i++) {
        char name[64];
        snprintf(name, sizeof name, "specimen/%s", vfy_file_dump_name(ids[i]));
        const struct vfy_embedded_file *e = vfy_embedded_find(name);
        cr_assert_not_null(e);
        const uint8_t *data;
        size_t len;
        cr_assert_eq(vfy_document_get_file(o->doc, ids[i], &data, &len), VFY_OK, "%s: %s", conn,
                     name);
        cr_assert_eq(len, e->len, "%s: %s has %zu bytes, want %zu", conn, name, len, e->len);
        cr_assert_eq(memcmp(data, e->data, len), 0, "%s: %s differs", conn, name);
    }
}

Test(chip_read, bac_reads_the_specimen)
{
    struct outcome o = read_specimen("sim?pace=off");
    assert_specimen(&o, "sim?pace=off");
    cr_assert_eq(o.access.protocol, VFY_ACCESS_BAC);
    cr_assert_str_eq(o.access.cipher, "3DES");
    cr_assert(!vfy_document_has_file(o.doc, VFY_FILE_CARD_ACCESS));
    cr_assert_gt(o.stats.apdus, 0);
    cr_assert_gt(o.stats.bytes_received, 30059);
    cr_assert_gt(o.stats.simulated_us, 0);
    vfy_document_free(o.doc);
}

Test(chip_read, wrong_mrz_is_bac_failed)
{
    vfy_access_key k;
    cr_assert_eq(vfy_access_key_from_values("L898902C3", "740812", "340416", &k, NULL), VFY_OK);
    struct outcome o = read_with("sim?pace=off", &k);
    cr_assert_eq(o.status, VFY_E_BAC_FAILED, "%s", vfy_status_name(o.status));
    vfy_document_free(o.doc);
}

Test(chip_read, can_needs_pace)
{
    vfy_access_key k;
    cr_assert_eq(vfy_access_key_from_can("123456", &k, NULL), VFY_OK);
    struct outcome o = read_with("sim?pace=off", &k);
    cr_assert_eq(o.status, VFY_E_NO_ACCESS_PROTOCOL, "%s", vfy_status_name(o.status));
    vfy_document_free(o.doc);
}

/* Field quirks and reader profiles: the read still succeeds with the exact bytes. */
Test(chip_read, quirks_are_absorbed)
{
    static const char *conns[] = {
        "sim?pace=off&reader=short",
        "sim?pace=off&reader=pn532",
        "sim?pace=off&ext=off",
        "sim?pace=off&max_le=100",
        "sim?pace=off&max_le=1000",
        "sim?pace=off&reader=short&trunc_at=231",
        "sim?pace=off&trunc_at=231",
        "sim?pace=off&le65536=empty",
        "sim?pace=off&get_response=100",
        "sim?pace=off&reader=short&get_response=37",
        "sim?pace=off&eof=6282",
        "sim?pace=off&cardaccess=6a86",
        "sim?pace=off&cardaccess=6d00",
        "sim?pace=off&cardaccess=absent",
        "sim?pace=off&slow_us=5000",
    };
    for (size_t i = 0; i < sizeof conns / sizeof conns[0]; i++) {
        struct outcome o = read_specimen(conns[i]);
        assert_specimen(&o, conns[i]);
        vfy_document_free(o.doc);
    }
}

Test(chip_read, refusals_are_remembered)
{
    struct outcome o = read_specimen("sim?pace=off&ext=off");
    assert_specimen(&o, "ext=off");
    /* extended length refused once, then short blocks for the rest of the session */
    cr_assert_eq(o.stats.fallbacks, 1, "%u", o.stats.fallbacks);
    vfy_document_free(o.doc);
    o = read_specimen("sim?pace=off&reader=short&trunc_at=231");
    assert_specimen(&o, "trunc_at");
    cr_assert_leq(o.stats.fallbacks, 2, "%u", o.stats.fallbacks);
    vfy_document_free(o.doc);
}

Test(chip_read, slow_chip_costs_simulated_time)
{
    struct outcome fast = read_specimen("sim?pace=off");
    struct outcome slow = read_specimen("sim?pace=off&slow_us=10000");
    cr_assert_eq(fast.stats.apdus, slow.stats.apdus);
    cr_assert_eq(slow.stats.simulated_us - fast.stats.simulated_us, slow.stats.apdus * 10000);
    vfy_document_free(fast.doc);
    vfy_document_free(slow.doc);
}

/* Faults: each ends in its typed error, and no file content comes back wrong. */
Test(chip_read, faults_are_typed_errors)
{
    static const struct {
        const char *conn;
        vfy_status want;
    } f[] = {
        { "sim?pace=off&bad_mac=6", VFY_E_SM_MAC },
        { "sim?pace=off&bad_mac=8", VFY_E_SM_MAC },
        { "sim?pace=off&ssc_skew=1", VFY_E_SM_MAC },
        { "sim?pace=off&truncate=3", VFY_E_APDU },
        { "sim?pace=off&truncate=7", VFY_E_APDU },
        { "sim?pace=off&remove_after=5", VFY_E_CARD_REMOVED },
        { "sim?pace=off&bad_tlv=DG2", VFY_E_LIMIT },
        { "sim?pace=off&bad_tlv=EF.COM", VFY_E_LIMIT },
        { "sim?pace=off&sw=6F00&sw_at=6", VFY_E_STATUS_WORD },
        { "sim?pace=off&sw=6A82&sw_at=2", VFY_E_FILE_NOT_FOUND },
        { "sim?pace=off&sw=6982&sw_at=7", VFY_E_ACCESS_DENIED },
        { "sim?bac=off&pace=off", VFY_E_BAC_FAILED },
        { "sim?bac=off&pace=off&cardaccess=absent", VFY_E_BAC_FAILED },
        { "nosuchreader", VFY_E_BAD_CONNECTION },
        { "sim?pace=maybe", VFY_E_BAD_CONNECTION },
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        struct outcome o = read_specimen(f[i].conn);
        cr_assert_eq(o.status, f[i].want, "%s: %s (%s), want %s", f[i].conn,
                     vfy_status_name(o.status), o.detail.message, vfy_status_name(f[i].want));
        cr_assert_neq(o.detail.message[0], '\0', "%s", f[i].conn);
        vfy_document_free(o.doc);
    }
}

/* A passport with a data group above 32 KB: offsets past 32767 need B1. */
Test(chip_read, large_file_uses_odd_read_binary)
{
    char dir[64];
    tmpdir_make("read-big", dir, sizeof dir);
    const struct vfy_embedded_file *dg1 = vfy_embedded_find("specimen/DG1.bin");
    const uint8_t com[] = { 0x60, 0x14, 0x5F, 0x01, 0x04, '0', '1', '0', '7', 0x5F, 0x36, 0x06,
                            '0', '4', '0', '0', '0', '0', 0x5C, 0x02, 0x61, 0x75 };
    size_t body = 70000, n = 5 + body;
    uint8_t *dg2 = malloc(n);
    memcpy(dg2, "\x75\x83\x01\x11\x70", 5);
    for (size_t i = 0; i < body; i++)
        dg2[5 + i] = (uint8_t)(i * 7 + (i >> 9));
    struct { const char *name; const uint8_t *data; size_t len; } files[] = {
        { "EF_COM.bin", com, sizeof com }, { "DG1.bin", dg1->data, dg1->len }, { "DG2.bin", dg2, n },
    };
    char path[512];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
        FILE *fp = fopen(path, "wb");
        cr_assert_eq(fwrite(files[i].data, 1, files[i].len, fp), files[i].len);
        fclose(fp);
    }
    static const char *opts[] = { "pace=off&reader=short", "pace=off", "pace=off&reader=short&eof=6282" };
    for (size_t k = 0; k < 3; k++) {
        char conn[700];
        snprintf(conn, sizeof conn, "sim:%s?%s", dir, opts[k]);
        struct outcome o = read_specimen(conn);
        cr_assert_eq(o.status, VFY_OK, "%s: %s", conn, o.detail.message);
        const uint8_t *data;
        size_t len;
        cr_assert_eq(vfy_document_get_file(o.doc, 2, &data, &len), VFY_OK);
        cr_assert_eq(len, n);
        cr_assert_eq(memcmp(data, dg2, n), 0, "%s", conn);
        vfy_document_free(o.doc);
    }
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
        remove(path);
    }
    rmdir(dir);
    free(dg2);
}

Test(chip_read, pace_reads_the_specimen)
{
    struct outcome o = read_specimen("sim");
    assert_specimen(&o, "sim");
    cr_assert_eq(o.access.protocol, VFY_ACCESS_PACE);
    cr_assert_str_eq(o.access.mapping, "GM");
    cr_assert_str_eq(o.access.cipher, "AES-128");
    cr_assert_str_eq(o.access.curve, "brainpoolP256r1");
    cr_assert_str_eq(o.access.group, "");
    cr_assert(!o.access.fell_back_to_bac);
    const uint8_t *ca;
    size_t n;
    cr_assert_eq(vfy_document_get_file(o.doc, VFY_FILE_CARD_ACCESS, &ca, &n), VFY_OK);
    const struct vfy_embedded_file *e = vfy_embedded_find("specimen/EF_CardAccess.bin");
    cr_assert_eq(n, e->len);
    cr_assert_eq(memcmp(ca, e->data, n), 0);
    vfy_document_free(o.doc);
}

Test(chip_read, pace_with_the_can)
{
    vfy_access_key k;
    cr_assert_eq(vfy_access_key_from_can("123456", &k, NULL), VFY_OK);
    struct outcome o = read_with("sim", &k);
    assert_specimen(&o, "sim with CAN");
    cr_assert_eq(o.access.protocol, VFY_ACCESS_PACE);
    vfy_document_free(o.doc);
    cr_assert_eq(vfy_access_key_from_can("654321", &k, NULL), VFY_OK);
    o = read_with("sim", &k);
    cr_assert_eq(o.status, VFY_E_PACE_FAILED, "%s", vfy_status_name(o.status));
    vfy_document_free(o.doc);
    o = read_with("sim?can=654321", &k);
    assert_specimen(&o, "sim?can=654321");
    vfy_document_free(o.doc);
}

/* Every mapping, curve, group and cipher the chip can be asked to offer. */
Test(chip_read, pace_every_mapping_curve_and_cipher)
{
    static const char *ciphers[] = { "3des", "aes128", "aes192", "aes256" };
    static const char *cipher_names[] = { "3DES", "AES-128", "AES-192", "AES-256" };
    static const unsigned params[] = { 0, 1, 2, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18 };
    static const char *mappings[] = { "gm", "im" };
    unsigned runs = 0;
    for (size_t m = 0; m < 2; m++)
        for (size_t p = 0; p < sizeof params / sizeof params[0]; p++)
            for (size_t c = 0; c < 4; c++) {
                if (m == 1 && (params[p] < 8 || params[p] == 10 || c == 0))
                    continue;   /* integrated mapping: ECDH (p = 3 mod 4) with AES */
                char conn[128];
                snprintf(conn, sizeof conn, "sim?mapping=%s&param=%u&cipher=%s", mappings[m],
                         params[p], ciphers[c]);
                struct outcome o = read_specimen(conn);
                assert_specimen(&o, conn);
                cr_assert_eq(o.access.protocol, VFY_ACCESS_PACE, "%s", conn);
                cr_assert_str_eq(o.access.mapping, m == 0 ? "GM" : "IM", "%s", conn);
                cr_assert_str_eq(o.access.cipher, cipher_names[c], "%s", conn);
                cr_assert(params[p] < 8 ? o.access.group[0] != '\0' && o.access.curve[0] == '\0'
                                        : o.access.curve[0] != '\0' && o.access.group[0] == '\0',
                          "%s: curve '%s' group '%s'", conn, o.access.curve, o.access.group);
                vfy_document_free(o.doc);
                runs++;
            }
    cr_assert_eq(runs, 14 * 4 + 10 * 3);
}

Test(chip_read, pace_only_chip)
{
    struct outcome o = read_specimen("sim?bac=off");
    assert_specimen(&o, "sim?bac=off");
    cr_assert_eq(o.access.protocol, VFY_ACCESS_PACE);
    vfy_document_free(o.doc);
}

static void count_lines(void *ctx, const char *line)
{
    (void)line;
    (*(unsigned *)ctx)++;
}

/* A PACE failure is reported; BAC comes only when the policy allows it, and it is logged. */
Test(chip_read, no_silent_downgrade_from_pace)
{
    vfy_access_key k = mrz_key();
    const char *conn = "sim?sw=6A80&sw_at=3";   /* the chip breaks PACE at its nonce step */
    struct outcome o = read_with(conn, &k);
    cr_assert_eq(o.status, VFY_E_PACE_FAILED, "%s", vfy_status_name(o.status));
    cr_assert_neq(o.access.protocol, VFY_ACCESS_BAC);
    vfy_document_free(o.doc);

    unsigned lines = 0;
    vfy_read_options opt = { .allow_bac_fallback = true, .log = count_lines, .log_ctx = &lines };
    vfy_session *s = NULL;
    cr_assert_eq(vfy_session_open(conn, &s, NULL), VFY_OK);
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_session_read_document(s, &k, &opt, doc, &d), VFY_OK, "%s", d.message);
    vfy_access_info a;
    vfy_session_access(s, &a);
    cr_assert_eq(a.protocol, VFY_ACCESS_BAC);
    cr_assert(a.fell_back_to_bac);
    cr_assert_geq(lines, 1, "the fallback was not logged");
    vfy_session_close(s);
    vfy_document_free(doc);
}

/* Faults during and after PACE. */
Test(chip_read, pace_faults_are_typed_errors)
{
    static const struct {
        const char *conn;
        vfy_status want;
    } f[] = {
        { "sim?bad_mac=9", VFY_E_SM_MAC },
        { "sim?ssc_skew=1", VFY_E_SM_MAC },
        { "sim?truncate=4", VFY_E_APDU },
        { "sim?remove_after=3", VFY_E_CARD_REMOVED },
        { "sim?bad_tlv=DG1", VFY_E_LIMIT },
        { "sim?bad_tlv=EF.CardAccess", VFY_E_LIMIT },
        { "sim?sw=6300&sw_at=6", VFY_E_PACE_FAILED },
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        struct outcome o = read_specimen(f[i].conn);
        cr_assert_eq(o.status, f[i].want, "%s: %s (%s), want %s", f[i].conn,
                     vfy_status_name(o.status), o.detail.message, vfy_status_name(f[i].want));
        vfy_document_free(o.doc);
    }
}

static bool stop_at_half(void *ctx, const char *file, size_t done, size_t total)
{
    unsigned *calls = ctx;
    (*calls)++;
    return !(strcmp(file, "DG2") == 0 && done < total && done * 2 >= total / 2);
}

Test(chip_read, progress_and_cancel)
{
    vfy_access_key k = mrz_key();
    unsigned calls = 0;
    vfy_read_options opt = { .progress = stop_at_half, .progress_ctx = &calls };
    vfy_session *s = NULL;
    cr_assert_eq(vfy_session_open("sim?reader=short", &s, NULL), VFY_OK);
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_session_read_document(s, &k, &opt, doc, &d), VFY_E_CANCELLED);
    cr_assert_gt(calls, 3);
    cr_assert(!vfy_document_has_file(doc, 2));
    vfy_session_close(s);
    vfy_document_free(doc);
}
