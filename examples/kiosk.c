/*
 * A border-control kiosk loop over the public API: wait for a passport on the reader,
 * open its chip with the MRZ, read it, verify it, print the outcome, wait until the
 * traveller takes the passport away, and start again. A passport pulled away mid-read
 * ends that read with a typed error and the loop goes on; nothing of one traveller is
 * kept for the next (the session forgets keys and chip state at each new document, the
 * document with its files is freed after each read).
 *
 *   cc kiosk.c $(pkg-config --cflags --libs libverify-sim) -o kiosk
 *   ./kiosk READER MRZ_LINE1 MRZ_LINE2 [TRUST_PATH] [DOCUMENTS]
 *   ./kiosk pcsc 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' \
 *               'L898902C36UTO7408122F3404159ZE184226B<<<<<16' csca.pem 3
 *
 * A real kiosk takes each traveller's MRZ from its document scanner; this example uses
 * one MRZ for every document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <verify.h>
#include <verify/sim.h>   /* the simulated chip, reader "sim": leave out in production */

#define WAIT_MS 30000u

static void report(const char *what, vfy_status s, const vfy_detail *d)
{
    printf("%s: %s: %s\n", what, vfy_status_name(s), d->message[0] ? d->message : vfy_strerror(s));
}

/* One traveller: the whole inspection in one call (access control, read, the chip's
 * proof, Passive Authentication), then the outcome, the gate decision and any failing
 * check. The result, with every file read, is wiped and freed whatever happens. */
static void serve(vfy_session *session, const vfy_access_key *key, const vfy_mrz *mrz,
                  const vfy_trust *trust)
{
    vfy_detail d = { 0 };
    vfy_inspection *result = NULL;
    vfy_inspect_options options = VFY_INSPECT_OPTIONS_INIT;
    options.trust = trust;
    options.mrz = mrz;
    vfy_status s = vfy_inspect_session(session, key, &options, &result, &d);
    if (s != VFY_OK) {
        report("read failed", s, &d);   /* reader, card or access control: no result */
        return;
    }
    vfy_access_info access;
    vfy_read_stats stats;
    vfy_inspection_access(result, &access);
    vfy_inspection_stats(result, &stats);
    printf("%s, gate %s, via %s, %u files: %s\n",
           vfy_inspection_outcome_name(vfy_inspection_get_outcome(result)),
           vfy_gate_name(vfy_inspection_gate(result)), vfy_access_protocol_name(access.protocol),
           stats.files_read, vfy_inspection_summary(result));
    vfy_inspection_check c;
    for (size_t i = 0; vfy_inspection_check_at(result, i, &c); i++)
        if (c.status == VFY_OUTCOME_FAILED)
            printf("  failed %s: %s (%s)\n", c.id, c.reason, vfy_status_name(c.code));
    printf("  %llu APDUs, %llu bytes\n", (unsigned long long)stats.apdus,
           (unsigned long long)(stats.bytes_sent + stats.bytes_received));
    vfy_inspection_free(result);
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 6) {
        fprintf(stderr, "usage: %s READER MRZ_LINE1 MRZ_LINE2 [TRUST_PATH] [DOCUMENTS]\n", argv[0]);
        return 2;
    }
    vfy_detail d = { 0 };
    vfy_mrz mrz;
    vfy_mrz_options mrz_options = { .repair = false };
    vfy_access_key key;
    vfy_status s = vfy_sim_register(&d);   /* offers the reader "sim" (libverify-sim) */
    if (s == VFY_OK)
        s = vfy_mrz_parse_lines((const char *const *)argv + 2, 2, &mrz_options, &mrz, &d);
    if (s == VFY_OK)
        s = vfy_access_key_from_mrz(&mrz, &key, &d);
    if (s != VFY_OK) {
        report("MRZ", s, &d);
        return 2;
    }
    vfy_trust *trust = NULL;
    if (argc >= 5 && argv[4][0] != '\0') {
        s = vfy_trust_new(&trust);
        if (s == VFY_OK)
            s = vfy_trust_add_path(trust, argv[4], &d);
        if (s != VFY_OK) {
            report("trust store", s, &d);
            vfy_trust_free(trust);
            return 4;
        }
    }
    long documents = argc == 6 ? atol(argv[5]) : 0;   /* 0: serve forever */
    vfy_session *session = NULL;
    s = vfy_session_open_reader(argv[1], &session, &d);
    if (s != VFY_OK) {
        report("reader", s, &d);
        vfy_trust_free(trust);
        vfy_access_key_wipe(&key);
        return 3;
    }
    int rc = 0;
    for (long served = 0; documents == 0 || served < documents;) {
        printf("waiting for a document\n");
        fflush(stdout);
        s = vfy_session_wait_document(session, WAIT_MS, &d);
        if (s == VFY_E_TIMEOUT)
            continue;
        if (s != VFY_OK) {
            report("reader", s, &d);
            rc = 3;
            break;
        }
        served++;
        serve(session, &key, &mrz, trust);
        if (documents != 0 && served == documents)
            break;
        printf("take the document away\n");
        fflush(stdout);
        while ((s = vfy_session_wait_removal(session, WAIT_MS, &d)) == VFY_E_TIMEOUT) {
        }
        if (s != VFY_OK) {
            report("reader", s, &d);
            rc = 3;
            break;
        }
    }
    vfy_session_close(session);
    vfy_trust_free(trust);
    vfy_access_key_wipe(&key);
    return rc;
}
