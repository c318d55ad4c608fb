/* Full passport reads through the real-reader rigs: libverify's simulated chip behind the
 * PN532 emulator (real libnfc) and behind vpcd (real pcscd), and vicc's ePass, a chip
 * written by others, behind vpcd — stock and with ICAO-conformant secure messaging.
 * Removal mid-read at several points, reconnection, the kiosk loop, reader listing, and
 * Debian's mrtdreader as a second, independent libnfc terminal. The test log gives APDU
 * counts and times per rig. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rig.h"
#include "support.h"
#include "verify.h"

/* The built-in specimen (sim, data/embed/specimen): ICAO TD3 Utopia, expiry 2034. */
#define SPECIMEN_L1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define SPECIMEN_L2 "L898902C36UTO7408122F3404159ZE184226B<<<<<16"
#define VPCD_READER "pcsc:Virtual PCD 00 00"

static void specimen_key(vfy_access_key *key)
{
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_access_key_from_values("L898902C3", "740812", "340415", key, &d), VFY_OK,
                 "%s", d.message);
}

/* Reads the whole document; returns the status and leaves the figures in the log. */
static vfy_status full_read(vfy_session *s, const char *rig, vfy_document **doc_out,
                            vfy_detail *d)
{
    vfy_access_key key;
    specimen_key(&key);
    vfy_document *doc = NULL;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    double t0 = rig_now_ms();
    vfy_status st = vfy_session_read_document(s, &key, NULL, doc, d);
    double ms = rig_now_ms() - t0;
    vfy_read_stats stats;
    vfy_session_stats(s, &stats);
    vfy_access_info access;
    vfy_session_access(s, &access);
    cr_log_info("%s: %s, %s %s, %u files, %llu APDUs, %llu bytes, %.1f ms", rig,
                vfy_status_name(st), vfy_access_protocol_name(access.protocol), access.cipher,
                stats.files_read, (unsigned long long)stats.apdus,
                (unsigned long long)(stats.bytes_sent + stats.bytes_received), ms);
    if (doc_out != NULL)
        *doc_out = doc;
    else
        vfy_document_free(doc);
    return st;
}

/* DG1 as read carries the specimen's MRZ. */
static void expect_specimen_dg1(const vfy_document *doc)
{
    const uint8_t *dg1;
    size_t n;
    cr_assert_eq(vfy_document_get_file(doc, VFY_FILE_DG1, &dg1, &n), VFY_OK);
    cr_assert_eq(n, 93);
    cr_assert(memcmp(dg1 + 5, SPECIMEN_L1 SPECIMEN_L2, 88) == 0, "DG1 is not the specimen's");
    cr_assert(vfy_document_has_file(doc, VFY_FILE_SOD));
    cr_assert(vfy_document_has_file(doc, (vfy_file_id)2));
}

static void nfc_full_read(const char *card, const char *type, vfy_access_protocol want)
{
    struct pn532_rig rig;
    const char *const args[] = { "--card", card, "--type", type, NULL };
    pn532_rig_start(&rig, args);
    vfy_session *s = NULL;
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_session_open(rig.conn, &s, &d), VFY_OK, "%s", d.message);
    vfy_document *doc = NULL;
    char label[64];
    snprintf(label, sizeof label, "PN532 rig, type %s, %s", type, card);
    vfy_status st = full_read(s, label, &doc, &d);
    cr_assert_eq(st, VFY_OK, "%s: %s", vfy_status_name(st), d.message);
    vfy_access_info access;
    vfy_session_access(s, &access);
    cr_assert_eq(access.protocol, want);
    expect_specimen_dg1(doc);
    vfy_document_free(doc);
    vfy_session_close(s);
    pn532_rig_stop(&rig);
}

Test(rigs_read, pn532_type_a_pace) { nfc_full_read("sim", "A", VFY_ACCESS_PACE); }
Test(rigs_read, pn532_type_b_bac) { nfc_full_read("sim?pace=off", "B", VFY_ACCESS_BAC); }

/* The passport leaves the field after N APDUs (during access control, at the first
 * files, inside DG2): the read ends with VFY_E_CARD_REMOVED, and once it is back the same
 * session reads it whole. */
Test(rigs_read, pn532_removal_mid_read_then_reconnect)
{
    const char *const points[] = { "2", "9", "40" };
    for (size_t i = 0; i < 3; i++) {
        struct pn532_rig rig;
        const char *const args[] = { "--card", "sim", "--remove-after", points[i], NULL };
        pn532_rig_start(&rig, args);
        vfy_session *s = NULL;
        vfy_detail d = { 0 };
        cr_assert_eq(vfy_session_open_reader(rig.conn, &s, &d), VFY_OK, "%s", d.message);
        cr_assert_eq(vfy_session_wait_document(s, 5000, &d), VFY_OK, "%s", d.message);
        char label[64];
        snprintf(label, sizeof label, "PN532 rig, removed after %s APDUs", points[i]);
        vfy_status st = full_read(s, label, NULL, &d);
        cr_assert_eq(st, VFY_E_CARD_REMOVED, "after %s: %s: %s", points[i],
                     vfy_status_name(st), d.message);
        cr_assert_eq(vfy_session_wait_removal(s, 2000, &d), VFY_OK, "%s", d.message);
        cr_assert_eq(vfy_session_wait_document(s, 100, &d), VFY_E_TIMEOUT);
        pn532_rig_toggle(&rig);
        cr_assert_eq(vfy_session_wait_document(s, 5000, &d), VFY_OK, "%s", d.message);
        st = full_read(s, "PN532 rig, after reconnection", NULL, &d);
        cr_assert_eq(st, VFY_OK, "%s: %s", vfy_status_name(st), d.message);
        vfy_session_close(s);
        pn532_rig_stop(&rig);
    }
}

Test(rigs_read, pcsc_simulated_chip)
{
    struct pcsc_rig rig;
    pcsc_rig_start(&rig);
    const char *const args[] = { "--card", "sim", NULL };
    pcsc_rig_insert_sim(&rig, args);
    vfy_session *s = NULL;
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_session_open_reader(VPCD_READER, &s, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_session_wait_document(s, 10000, &d), VFY_OK, "%s", d.message);
    vfy_document *doc = NULL;
    vfy_status st = full_read(s, "PC/SC rig (pcscd + vpcd), simulated chip", &doc, &d);
    cr_assert_eq(st, VFY_OK, "%s: %s", vfy_status_name(st), d.message);
    expect_specimen_dg1(doc);
    vfy_document_free(doc);
    vfy_session_close(s);
    pcsc_rig_stop(&rig);
}

Test(rigs_read, pcsc_simulated_chip_removed_mid_read)
{
    struct pcsc_rig rig;
    pcsc_rig_start(&rig);
    const char *const args[] = { "--card", "sim", "--remove-after", "5", NULL };
    pcsc_rig_insert_sim(&rig, args);
    vfy_session *s = NULL;
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_session_open_reader(VPCD_READER, &s, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_session_wait_document(s, 10000, &d), VFY_OK, "%s", d.message);
    vfy_status st = full_read(s, "PC/SC rig, removed after 5 APDUs", NULL, &d);
    cr_assert_eq(st, VFY_E_CARD_REMOVED, "%s: %s", vfy_status_name(st), d.message);
    pcsc_rig_remove(&rig);
    cr_assert_eq(vfy_session_wait_removal(s, 3000, &d), VFY_OK, "%s", d.message);
    const char *const again[] = { "--card", "sim", NULL };
    pcsc_rig_insert_sim(&rig, again);
    cr_assert_eq(vfy_session_wait_document(s, 10000, &d), VFY_OK, "%s", d.message);
    st = full_read(s, "PC/SC rig, after reconnection", NULL, &d);
    cr_assert_eq(st, VFY_OK, "%s: %s", vfy_status_name(st), d.message);
    vfy_session_close(s);
    pcsc_rig_stop(&rig);
}

/* vicc's ePass carries the specimen's files (BAC, 3DES secure messaging); sm is the
 * launcher's --sm mode. */
static vfy_status vicc_read(const char *sm, vfy_document **doc, vfy_detail *d)
{
    struct pcsc_rig rig;
    pcsc_rig_start(&rig);
    char dir[512];
    repo_path("data/embed/specimen", dir, sizeof dir);
    const char *const args[] = { "--mrz", SPECIMEN_L1 SPECIMEN_L2, "--dir", dir, "--sm", sm, NULL };
    pcsc_rig_insert_vicc(&rig, args);
    vfy_session *s = NULL;
    cr_assert_eq(vfy_session_open_reader(VPCD_READER, &s, d), VFY_OK, "%s", d->message);
    cr_assert_eq(vfy_session_wait_document(s, 10000, d), VFY_OK, "%s", d->message);
    char label[64];
    snprintf(label, sizeof label, "PC/SC rig, vicc ePass, SM %s", sm);
    vfy_status st = full_read(s, label, doc, d);
    vfy_access_info access;
    vfy_session_access(s, &access);
    cr_assert_eq(access.protocol, VFY_ACCESS_BAC);
    vfy_session_close(s);
    pcsc_rig_stop(&rig);
    return st;
}

static void expect_specimen_files(const vfy_document *doc)
{
    expect_specimen_dg1(doc);
    /* the bytes vicc served are the specimen's, byte for byte */
    const uint8_t *dg2;
    size_t n2, want_len;
    char path[600];
    repo_path("data/embed/specimen/DG2.bin", path, sizeof path);
    uint8_t *want = read_file_or_fail(path, &want_len);
    cr_assert_eq(vfy_document_get_file(doc, (vfy_file_id)2, &dg2, &n2), VFY_OK);
    cr_assert_eq(n2, want_len);
    cr_assert_arr_eq(dg2, want, want_len);
    free(want);
}

Test(rigs_read, vicc_epass_icao_sm)
{
    vfy_document *doc = NULL;
    vfy_detail d = { 0 };
    vfy_status st = vicc_read("icao", &doc, &d);
    cr_assert_eq(st, VFY_OK, "%s: %s", vfy_status_name(st), d.message);
    expect_specimen_files(doc);
    vfy_document_free(doc);
}

/* Every answer MACed, none with DO'99' (9303-11 wants it; some chips leave it out). */
Test(rigs_read, vicc_epass_without_do99)
{
    vfy_document *doc = NULL;
    vfy_detail d = { 0 };
    vfy_status st = vicc_read("no-do99", &doc, &d);
    cr_assert_eq(st, VFY_OK, "%s: %s", vfy_status_name(st), d.message);
    expect_specimen_files(doc);
    vfy_document_free(doc);
}

/* Stock vicc answers a READ BINARY past the end of a file with 6282 and DO'87' data but
 * no MAC: unauthenticated bytes, which the terminal refuses with a typed secure-messaging
 * error and without keeping any of them. */
Test(rigs_read, vicc_epass_stock_unmaced_data_is_refused)
{
    vfy_document *doc = NULL;
    vfy_detail d = { 0 };
    vfy_status st = vicc_read("stock", &doc, &d);
    if (st == VFY_OK) {   /* a terminal that never reads past the end also passes */
        expect_specimen_files(doc);
    } else {
        cr_assert(st == VFY_E_SM_MAC || st == VFY_E_SM_FORMAT || st == VFY_E_SM_REQUIRED,
                  "%s: %s", vfy_status_name(st), d.message);
        cr_assert_not(vfy_document_has_file(doc, VFY_FILE_COM), "unauthenticated EF.COM kept");
    }
    vfy_document_free(doc);
}

/* Reads all of fd until it ends or timeout_ms passes. */
static char *slurp(int fd, unsigned timeout_ms)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = calloc(1, cap);
    char line[1024];
    double deadline = rig_now_ms() + timeout_ms;
    while (rig_now_ms() < deadline) {
        bool full = rig_read_line(fd, line, sizeof line, (unsigned)(deadline - rig_now_ms()));
        size_t k = strlen(line);
        if (n + k + 2 < cap) {
            memcpy(buf + n, line, k);
            n += k;
            buf[n++] = '\n';
        }
        if (!full && k == 0)
            break;
    }
    return buf;
}

/* Debian's mrtdreader (BAC over libnfc, written independently) reads the simulated chip
 * through the PN532 emulator: the emulator and chip behave as a real terminal expects. */
Test(rigs_read, mrtdreader_reads_the_simulated_chip)
{
    if (access("/usr/bin/mrtdreader", X_OK) != 0)
        cr_skip_test("mrtdreader is not installed (Debian mrtdreader)");
    struct pn532_rig rig;
    const char *const args[] = { "--card", "sim", NULL };
    pn532_rig_start(&rig, args);
    setenv("LIBNFC_DEVICE", rig.conn, 1);
    setenv("LIBNFC_AUTO_SCAN", "false", 1);
    char dir[64];
    tmpdir_make("mrtd", dir, sizeof dir);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cd %s && exec /usr/bin/mrtdreader '%s' 2>&1", dir, SPECIMEN_L2);
    char *const argv[] = { "/bin/sh", "-c", cmd, NULL };
    int out;
    double t0 = rig_now_ms();
    pid_t pid = rig_spawn(argv, &out);
    char *text = slurp(out, 20000);
    int status = rig_stop(pid);
    close(out);
    cr_log_info("mrtdreader via PN532 rig: %.0f ms", rig_now_ms() - t0);
    cr_assert(strstr(text, "Challenge successful") != NULL, "mrtdreader said:\n%s", text);
    cr_assert(strstr(text, "ERIKSSON") != NULL, "no DG1 in:\n%s", text);
    cr_assert(strstr(text, "Saving image") != NULL, "no DG2 in:\n%s", text);
    cr_assert(WIFEXITED(status), "mrtdreader status 0x%x", status);
    free(text);
    char img[128];
    snprintf(img, sizeof img, "%s/image.jpg", dir);
    struct stat st;
    cr_assert(stat(img, &st) == 0 && st.st_size > 1000, "no face image written");
    unlink(img);
    rmdir(dir);
    pn532_rig_stop(&rig);
}

/* vfy kiosk over the PN532 rig: the first passport is pulled mid-read (a typed error,
 * the loop goes on), the second is read whole. */
Test(rigs_read, kiosk_goes_on_after_a_removal)
{
    struct pn532_rig rig;
    const char *const args[] = { "--card", "sim", "--remove-after", "25", NULL };
    pn532_rig_start(&rig, args);
    char trust[512];
    repo_path("data/specimen/csca.pem", trust, sizeof trust);
    char *const argv[] = { (char *)vfy_bin(), "kiosk", "--reader", rig.conn, "--mrz",
                           SPECIMEN_L1 "\n" SPECIMEN_L2, "--trust", trust, "--count", "2",
                           "--wait", "20", NULL };
    int out;
    pid_t pid = rig_spawn(argv, &out);
    char line[1024];
    cr_assert(rig_read_line(out, line, sizeof line, 20000));
    cr_assert_str_eq(line, "waiting for document 1");
    cr_assert(rig_read_line(out, line, sizeof line, 20000));
    cr_assert(strstr(line, "document 1: read failed: VFY_E_CARD_REMOVED") == line, "%s", line);
    cr_assert(rig_read_line(out, line, sizeof line, 20000));
    cr_assert_str_eq(line, "waiting for document 2");
    pn532_rig_toggle(&rig);   /* the next traveller */
    cr_assert(rig_read_line(out, line, sizeof line, 20000));
    cr_log_info("kiosk: %s", line);
    cr_assert(strstr(line, "document 2: genuine, gate ") == line, "%s", line);
    char *rest = slurp(out, 10000);   /* to the end: the kiosk stops after --count */
    free(rest);
    int status = rig_stop(pid);
    close(out);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "vfy kiosk status 0x%x", status);
    pn532_rig_stop(&rig);
}

/* vfy readers and vfy_readers_list see the PC/SC readers, the libnfc device and the
 * simulator, each with its card state. */
Test(rigs_read, readers_of_every_backend)
{
    struct pcsc_rig prig;
    pcsc_rig_start(&prig);
    pcsc_rig_insert_sim(&prig, NULL);
    struct pn532_rig nrig;
    pn532_rig_start(&nrig, NULL);
    setenv("LIBNFC_DEVICE", nrig.conn, 1);
    setenv("LIBNFC_AUTO_SCAN", "false", 1);
    /* the vpcd card shows once pcscd has polled the slot */
    vfy_session *s = NULL;
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_session_open_reader(VPCD_READER, &s, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_session_wait_document(s, 10000, &d), VFY_OK, "%s", d.message);
    vfy_session_close(s);

    vfy_reader_info *list = NULL;
    size_t n = 0;
    cr_assert_eq(vfy_readers_list(&list, &n, &d), VFY_OK, "%s", d.message);
    bool slot0 = false, slot1 = false, nfc = false, sim = false;
    for (size_t i = 0; i < n; i++) {
        cr_log_info("reader %s %s card=%d", list[i].backend, list[i].connection,
                    list[i].card_present);
        if (strcmp(list[i].connection, VPCD_READER) == 0)
            slot0 = list[i].card_present;
        if (strcmp(list[i].connection, "pcsc:Virtual PCD 00 01") == 0)
            slot1 = !list[i].card_present;
        if (strcmp(list[i].connection, nrig.conn) == 0)
            nfc = list[i].card_present && strcmp(list[i].backend, "nfc") == 0;
        if (strcmp(list[i].connection, "sim") == 0)
            sim = list[i].card_present;
    }
    vfy_readers_free(list);
    cr_assert(slot0 && slot1 && nfc && sim, "slot0 %d slot1 %d nfc %d sim %d", slot0, slot1, nfc,
              sim);

    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s readers", vfy_bin());
    char *text = NULL;
    cr_assert_eq(run_capture(cmd, &text), 0);
    cr_assert(strstr(text, "pcsc    yes  pcsc:Virtual PCD 00 00") != NULL, "%s", text);
    cr_assert(strstr(text, "pcsc    no   pcsc:Virtual PCD 00 01") != NULL, "%s", text);
    cr_assert(strstr(text, nrig.conn) != NULL, "%s", text);
    free(text);
    pn532_rig_stop(&nrig);
    pcsc_rig_stop(&prig);
}

/* vfy read --wait: the passport is placed after the command started; without one, the
 * wait ends in a reader failure (exit 3) after the time given. */
Test(rigs_read, read_waits_for_the_document)
{
    struct pn532_rig rig;
    const char *const args[] = { "--card", "sim", "--absent", NULL };
    pn532_rig_start(&rig, args);
    char *const argv[] = { (char *)vfy_bin(), "read", "--reader", rig.conn, "--wait", "20",
                           "--json", "--mrz", SPECIMEN_L1, SPECIMEN_L2, NULL };
    int out;
    pid_t pid = rig_spawn(argv, &out);
    char line[256];
    cr_assert_not(rig_read_line(out, line, sizeof line, 300), "vfy read did not wait: %s", line);
    pn532_rig_toggle(&rig);
    char *text = slurp(out, 20000);
    int status = rig_stop(pid);
    close(out);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status 0x%x: %s", status, text);
    cr_assert(strstr(text, "\"apdus\"") != NULL && strstr(text, "ERIKSSON") != NULL, "%s", text);
    free(text);

    pn532_rig_toggle(&rig);   /* the passport is gone again */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s read --reader %s --wait 1 --mrz '%s' '%s' 2>&1", vfy_bin(),
             rig.conn, SPECIMEN_L1, SPECIMEN_L2);
    double t0 = rig_now_ms();
    char *err = NULL;
    int rc = run_capture(cmd, &err);
    double took = rig_now_ms() - t0;
    cr_assert_eq(rc, 3, "exit %d: %s", rc, err);
    cr_assert(took >= 900 && took < 8000, "gave up after %.0f ms", took);
    free(err);
    pn532_rig_stop(&rig);
}
