/*
 * Inspect the passport on a reader and record the inspection in a tamper-evident audit
 * log before showing it: the record is on disk (or the append failed) before the
 * officer sees anything. Then verify the whole log against the kiosk's public key.
 *
 *   vfy audit keygen --out kiosk && vfy audit keygen --lookup --out lookup
 *   cc audit_inspection.c $(pkg-config --cflags --libs libverify-sim) -o audit_inspection
 *   ./audit_inspection audit.db kiosk lookup sim data/specimen/csca.pem \
 *       'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' 'L898902C36UTO7408122F3404159ZE184226B<<<<<16'
 */
#include <stdio.h>
#include <stdlib.h>
#include <verify.h>
#include <verify/sim.h>   /* the simulated chip, reader "sim": leave out in production */

int main(int argc, char **argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: %s LOG KEY LOOKUP-KEY READER CSCA-PATH MRZ-LINE1 MRZ-LINE2\n",
                argv[0]);
        return 2;
    }
    vfy_detail d = { 0 };
    vfy_audit_key *key = NULL;
    vfy_audit_lookup_key *lookup = NULL;
    vfy_audit_log *log = NULL;
    vfy_mrz *mrz = malloc(sizeof *mrz);
    vfy_access_key access;
    vfy_trust *trust = NULL;
    vfy_session *s = NULL;
    vfy_inspection *result = NULL;
    vfy_status st = mrz != NULL ? VFY_OK : VFY_E_NO_MEMORY;

    if (st == VFY_OK) st = vfy_sim_register(&d);   /* offers the reader "sim" (libverify-sim) */
    /* The log first: an inspection that cannot be recorded is not started. */
    if (st == VFY_OK) st = vfy_audit_key_load(argv[2], &key, &d);
    if (st == VFY_OK) st = vfy_audit_lookup_key_load(argv[3], &lookup, &d);
    if (st == VFY_OK) {
        vfy_audit_options o = VFY_AUDIT_OPTIONS_INIT;
        o.kiosk_id = "example-kiosk";
        o.reader = argv[4];
        st = vfy_audit_open(argv[1], key, lookup, &o, &log, &d);
    }
    if (st == VFY_OK) st = vfy_mrz_parse_lines((const char *const *)argv + 6, 2, NULL, mrz, &d);
    if (st == VFY_OK) st = vfy_access_key_from_mrz(mrz, &access, &d);
    if (st == VFY_OK) st = vfy_trust_new(&trust);
    if (st == VFY_OK) st = vfy_trust_add_path(trust, argv[5], &d);
    if (st == VFY_OK) st = vfy_session_open(argv[4], &s, &d);
    if (st == VFY_OK) {
        vfy_inspect_options opt = VFY_INSPECT_OPTIONS_INIT;
        opt.trust = trust;
        opt.mrz = mrz;
        st = vfy_inspect_session(s, &access, &opt, &result, &d);
        vfy_access_key_wipe(&access);
    }
    uint64_t seq = 0;
    if (st == VFY_OK) st = vfy_audit_record_inspection(log, result, &seq, &d);
    int rc = 3;
    if (st == VFY_OK) {
        printf("record %llu: %s\n", (unsigned long long)seq,
               vfy_inspection_outcome_name(vfy_inspection_get_outcome(result)));
        rc = vfy_inspection_exit_code(result);
    } else {
        fprintf(stderr, "%s: %s\n", vfy_status_name(st), d.message[0] ? d.message : vfy_strerror(st));
    }
    if (vfy_audit_close(log, &d) != VFY_OK) {   /* the closing checkpoint */
        fprintf(stderr, "closing the log: %s\n", d.message);
        rc = 3;
    }
    if (rc != 3) {
        uint8_t pub[VFY_AUDIT_PUBLIC_KEY_BYTES];
        vfy_audit_verify_result v;
        vfy_audit_key_public(key, pub);   /* an auditor loads KIOSK.pub instead */
        if (vfy_audit_verify(argv[1], pub, NULL, &v, &d) == VFY_OK)
            printf("log: %s\n", v.message);
    }
    vfy_inspection_free(result);
    vfy_session_close(s);
    vfy_trust_free(trust);
    vfy_audit_lookup_key_free(lookup);
    vfy_audit_key_free(key);
    free(mrz);
    return rc;
}
