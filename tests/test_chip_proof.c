/* End to end through the simulated chip: read, Chip and Active Authentication, Passive
 * Authentication; the verdict is genuine only when the chip holds the keys of its DGs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "pa/verdict_internal.h"
#include "verify.h"

static const char utopia_mrz[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                 "L898902C36UTO7408122F3404159ZE184226B<<<<<16";

static void tmpdir(char *buf, size_t cap)
{
    snprintf(buf, cap, "/tmp/vfy-chip-proof-XXXXXX");
    cr_assert_not_null(mkdtemp(buf));
}

static void rmdir_all(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* Reads the chip behind `reader`, lets it prove itself, and verifies against csca. */
static void read_and_verify(const char *reader, const char *csca, vfy_verdict *v)
{
    vfy_mrz mrz;
    cr_assert_eq(vfy_mrz_parse(utopia_mrz, strlen(utopia_mrz), NULL, &mrz, NULL), VFY_OK);
    vfy_access_key key;
    cr_assert_eq(vfy_access_key_from_mrz(&mrz, &key, NULL), VFY_OK);
    vfy_session *s;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_session_open(reader, &s, &d), VFY_OK, "%s", d.message);
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    /* PACE or BAC, whichever this build runs against the chip: AA/CA do not depend on it. */
    vfy_read_options ro = { .allow_bac_fallback = true };
    cr_assert_eq(vfy_session_read_document(s, &key, &ro, doc, &d), VFY_OK, "%s", d.message);
    vfy_chip_checks chip;
    cr_assert_eq(vfy_session_authenticate(s, doc, &chip, &d), VFY_OK, "%s", d.message);
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    cr_assert_eq(vfy_trust_add_path(t, csca, NULL), VFY_OK);
    vfy_verify_options o = { .mrz = &mrz, .chip = &chip };
    cr_assert_eq(vfy_verify_document(doc, t, &o, v, NULL), VFY_OK);
    vfy_trust_free(t);
    vfy_document_free(doc);
    vfy_session_close(s);
}

static void specimen_case(vfy_specimen_aa aa, vfy_specimen_ca ca, bool ca_3des)
{
    char dir[64], reader[128], csca[128];
    tmpdir(dir, sizeof dir);
    vfy_specimen_options o = { .aa = aa, .ca = ca, .ca_3des = ca_3des };
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_specimen_write(dir, &o, &d), VFY_OK, "%s", d.message);
    snprintf(reader, sizeof reader, "sim:%s", dir);
    snprintf(csca, sizeof csca, "%s/csca.pem", dir);
    vfy_verdict v;
    read_and_verify(reader, csca, &v);
    cr_assert_eq(v.access_control.outcome, VFY_OUTCOME_OK, "%s", v.access_control.reason);
    cr_assert_eq(v.verdict, VFY_VERDICT_GENUINE, "%s", v.summary);
    vfy_outcome want_aa = aa == VFY_SPECIMEN_AA_NONE ? VFY_OUTCOME_NOT_SUPPORTED : VFY_OUTCOME_OK;
    vfy_outcome want_ca = ca == VFY_SPECIMEN_CA_NONE ? VFY_OUTCOME_NOT_SUPPORTED : VFY_OUTCOME_OK;
    cr_assert_eq(v.active_auth.outcome, want_aa, "%s", v.active_auth.reason);
    cr_assert_eq(v.chip_auth.outcome, want_ca, "%s", v.chip_auth.reason);
    cr_assert_eq(v.clone_detection_unavailable, aa == VFY_SPECIMEN_AA_NONE && ca == VFY_SPECIMEN_CA_NONE);
    rmdir_all(dir);
}

Test(chip_proof, rsa_aa_and_ecdh_ca_aes, .timeout = 60) { specimen_case(VFY_SPECIMEN_AA_RSA, VFY_SPECIMEN_CA_EC, false); }
Test(chip_proof, ecdsa_aa_and_dh_ca, .timeout = 60) { specimen_case(VFY_SPECIMEN_AA_EC, VFY_SPECIMEN_CA_DH, false); }
Test(chip_proof, ecdh_ca_3des, .timeout = 60) { specimen_case(VFY_SPECIMEN_AA_NONE, VFY_SPECIMEN_CA_EC, true); }
Test(chip_proof, dh_ca_3des, .timeout = 60) { specimen_case(VFY_SPECIMEN_AA_NONE, VFY_SPECIMEN_CA_DH, true); }
Test(chip_proof, no_aa_no_ca_says_clone_detection_unavailable, .timeout = 60)
{
    specimen_case(VFY_SPECIMEN_AA_NONE, VFY_SPECIMEN_CA_NONE, false);
}

/* The built-in specimen: genuine against the CSCA shipped in data/specimen. */
Test(chip_proof, builtin_specimen_is_genuine, .timeout = 60)
{
    char csca[512];
    repo_path("data/specimen/csca.pem", csca, sizeof csca);
    vfy_verdict v;
    read_and_verify("sim", csca, &v);
    cr_assert_eq(v.verdict, VFY_VERDICT_GENUINE, "%s", v.summary);
    cr_assert_eq(v.active_auth.outcome, VFY_OUTCOME_OK, "%s", v.active_auth.reason);
    cr_assert_eq(v.chip_auth.outcome, VFY_OUTCOME_OK, "%s", v.chip_auth.reason);
    cr_assert_eq(v.dg_hashes[14].outcome, VFY_OUTCOME_OK, "%s", v.dg_hashes[14].reason);
    cr_assert_eq(v.dg_hashes[15].outcome, VFY_OUTCOME_OK, "%s", v.dg_hashes[15].reason);
}

/* A clone: the data of one passport on a chip holding another passport's keys. */
Test(chip_proof, cloned_chip_fails_aa_and_ca, .timeout = 60)
{
    char a[64], b[64], reader[128], csca[128], cmd[300];
    tmpdir(a, sizeof a);
    tmpdir(b, sizeof b);
    cr_assert_eq(vfy_specimen_write(a, NULL, NULL), VFY_OK);
    cr_assert_eq(vfy_specimen_write(b, NULL, NULL), VFY_OK);
    snprintf(cmd, sizeof cmd, "cp %s/aa_private.pem %s/chipauth_private.pem %s/", b, b, a);
    cr_assert_eq(system(cmd), 0);
    snprintf(reader, sizeof reader, "sim:%s", a);
    snprintf(csca, sizeof csca, "%s/csca.pem", a);
    vfy_verdict v;
    read_and_verify(reader, csca, &v);
    cr_assert_eq(v.sod_signature.outcome, VFY_OUTCOME_OK); /* the copied data is genuine */
    cr_assert_eq(v.chip_auth.outcome, VFY_OUTCOME_FAILED, "%s", v.chip_auth.reason);
    cr_assert_eq(v.chip_auth.status, VFY_E_CA_FAILED, "%s", vfy_status_name(v.chip_auth.status));
    cr_assert_eq(v.verdict, VFY_VERDICT_INVALID, "%s", v.summary);
    rmdir_all(a);
    rmdir_all(b);
}

Test(chip_proof, aa_signature_over_another_key_fails, .timeout = 60)
{
    char a[64], b[64], reader[128], csca[128], cmd[300];
    tmpdir(a, sizeof a);
    tmpdir(b, sizeof b);
    vfy_specimen_options o = { .ca = VFY_SPECIMEN_CA_NONE };
    cr_assert_eq(vfy_specimen_write(a, &o, NULL), VFY_OK);
    cr_assert_eq(vfy_specimen_write(b, &o, NULL), VFY_OK);
    snprintf(cmd, sizeof cmd, "cp %s/aa_private.pem %s/", b, a);
    cr_assert_eq(system(cmd), 0);
    snprintf(reader, sizeof reader, "sim:%s", a);
    snprintf(csca, sizeof csca, "%s/csca.pem", a);
    vfy_verdict v;
    read_and_verify(reader, csca, &v);
    cr_assert_eq(v.active_auth.outcome, VFY_OUTCOME_FAILED, "%s", v.active_auth.reason);
    cr_assert_eq(v.active_auth.status, VFY_E_AA_FAILED);
    cr_assert_eq(v.verdict, VFY_VERDICT_INVALID, "%s", v.summary);
    rmdir_all(a);
    rmdir_all(b);
}
