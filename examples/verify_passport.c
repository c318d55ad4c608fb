/*
 * Read the passport on a reader and say whether it is genuine: PACE or BAC with the
 * MRZ, every file the chip allows, Passive Authentication against the CSCAs, and Active
 * and Chip Authentication while the chip is still on the reader.
 *
 *   cc verify_passport.c $(pkg-config --cflags --libs libverify) -o verify_passport
 *   ./verify_passport sim data/specimen/csca.pem \
 *       'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' 'L898902C36UTO7408122F3404159ZE184226B<<<<<16'
 */
#include <stdio.h>
#include <stdlib.h>
#include <verify.h>

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s READER CSCA-PATH MRZ-LINE1 MRZ-LINE2\n", argv[0]);
        return 2;
    }
    vfy_detail d = { 0 };
    vfy_mrz *mrz = malloc(sizeof *mrz);
    vfy_verdict *verdict = malloc(sizeof *verdict);
    vfy_access_key key;
    vfy_session *s = NULL;
    vfy_document *doc = NULL;
    vfy_trust *trust = NULL;
    vfy_chip_checks chip;
    vfy_status st = mrz != NULL && verdict != NULL ? VFY_OK : VFY_E_NO_MEMORY;

    if (st == VFY_OK) st = vfy_mrz_parse_lines((const char *const *)argv + 3, 2, NULL, mrz, &d);
    if (st == VFY_OK) st = vfy_access_key_from_mrz(mrz, &key, &d);
    if (st == VFY_OK) st = vfy_document_new(&doc);
    if (st == VFY_OK) st = vfy_trust_new(&trust);
    if (st == VFY_OK) st = vfy_trust_add_path(trust, argv[2], &d);
    if (st == VFY_OK) st = vfy_session_open(argv[1], &s, &d);
    if (st == VFY_OK) st = vfy_session_read_document(s, &key, NULL, doc, &d);
    vfy_access_key_wipe(&key); /* the access key is a secret: wipe it as soon as it is used */
    if (st == VFY_OK) st = vfy_session_authenticate(s, doc, &chip, &d);
    if (st == VFY_OK) {
        vfy_verify_options opt = { .mrz = mrz, .chip = &chip };
        st = vfy_verify_document(doc, trust, &opt, verdict, &d);
    }
    int rc;
    if (st != VFY_OK) {
        fprintf(stderr, "%s: %s\n", vfy_status_name(st), d.message[0] ? d.message : vfy_strerror(st));
        rc = 3;
    } else {
        printf("%s: %s\n", vfy_verdict_name(verdict->verdict), verdict->summary);
        printf("  sod_signature: %s (%s)\n", vfy_outcome_name(verdict->sod_signature.outcome),
               verdict->sod_signature.reason);
        printf("  chip_auth:     %s (%s)\n", vfy_outcome_name(verdict->chip_auth.outcome),
               verdict->chip_auth.reason);
        rc = verdict->verdict == VFY_VERDICT_GENUINE ? 0 : verdict->verdict == VFY_VERDICT_INVALID ? 1 : 4;
    }
    vfy_session_close(s);
    vfy_document_free(doc);
    vfy_trust_free(trust);
    free(verdict);
    free(mrz);
    return rc;
}
