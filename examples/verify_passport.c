/*
 * Read the passport on a reader and say whether it is genuine. One call does the whole
 * inspection: PACE or BAC with the MRZ, every file the chip allows, Chip and Active
 * Authentication while the chip is on the reader, Passive Authentication against the
 * CSCAs — and returns one outcome, each check with its id, and a gate decision.
 *
 *   cc verify_passport.c $(pkg-config --cflags --libs libverify-sim) -o verify_passport
 *   ./verify_passport sim data/specimen/csca.pem \
 *       'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' 'L898902C36UTO7408122F3404159ZE184226B<<<<<16'
 */
#include <stdio.h>
#include <stdlib.h>
#include <verify.h>
#include <verify/sim.h>   /* the simulated chip, reader "sim": leave out in production */

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s READER CSCA-PATH MRZ-LINE1 MRZ-LINE2\n", argv[0]);
        return 2;
    }
    vfy_detail d = { 0 };
    vfy_mrz *mrz = malloc(sizeof *mrz);
    vfy_access_key key;
    vfy_session *s = NULL;
    vfy_trust *trust = NULL;
    vfy_inspection *result = NULL;
    vfy_status st = mrz != NULL ? VFY_OK : VFY_E_NO_MEMORY;

    if (st == VFY_OK) st = vfy_sim_register(&d);   /* offers the reader "sim" (libverify-sim) */
    if (st == VFY_OK) st = vfy_mrz_parse_lines((const char *const *)argv + 3, 2, NULL, mrz, &d);
    if (st == VFY_OK) st = vfy_access_key_from_mrz(mrz, &key, &d);
    if (st == VFY_OK) st = vfy_trust_new(&trust);
    if (st == VFY_OK) st = vfy_trust_add_path(trust, argv[2], &d);
    if (st == VFY_OK) st = vfy_session_open(argv[1], &s, &d);
    if (st == VFY_OK) {
        vfy_inspect_options opt = VFY_INSPECT_OPTIONS_INIT;
        opt.trust = trust;
        opt.mrz = mrz;          /* DG1 must hold the MRZ the chip was opened with */
        st = vfy_inspect_session(s, &key, &opt, &result, &d);
    }
    vfy_access_key_wipe(&key); /* the access key is a secret: wipe it as soon as it is used */
    int rc;
    if (st != VFY_OK) {
        /* No result at all: the reader, the card or access control failed. */
        fprintf(stderr, "%s: %s\n", vfy_status_name(st), d.message[0] ? d.message : vfy_strerror(st));
        rc = 3;
    } else {
        printf("%s (gate: %s): %s\n",
               vfy_inspection_outcome_name(vfy_inspection_get_outcome(result)),
               vfy_gate_name(vfy_inspection_gate(result)), vfy_inspection_summary(result));
        vfy_inspection_check c;
        for (size_t i = 0; vfy_inspection_check_at(result, i, &c); i++)
            printf("  %-20s %-13s %s\n", c.id, vfy_outcome_name(c.status), c.reason);
        rc = vfy_inspection_exit_code(result);
    }
    vfy_inspection_free(result);
    vfy_session_close(s);
    vfy_trust_free(trust);
    free(mrz);
    return rc;
}
