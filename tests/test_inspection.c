/* The inspection attacked as a forger, a cloner and a kiosk integrator would: every
 * outcome the library can give — genuine, data_authentic, invalid, unverified — and
 * the input that must (and must not) produce it, through the simulated chip (live) and
 * on saved files (offline), each asserting the outcome, the check and its status code.
 * The rules under test are docs/verdict.md's. */
#include <criterion/criterion.h>
#include <openssl/cms.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pki.h"
#include "support.h"
#include "verify.h"
#include "verify/sim.h"

static const char utopia_mrz[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                 "L898902C36UTO7408122F3404159ZE184226B<<<<<16";
static const char other_mrz[] = "P<UTOMUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\n"
                                "C01X00T478UTO6408125F3404159<<<<<<<<<<<<<<06";

/* A fresh specimen dump folder. */
static void specimen(char *dir, size_t cap, const vfy_specimen_options *o)
{
    tmpdir_make("inspect", dir, cap);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_specimen_write(dir, o, &d), VFY_OK, "%s", d.message);
}

static void remove_tree(const char *dir)
{
    tmpdir_remove(dir);
}

static void remove_file(const char *dir, const char *name)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cr_assert_eq(unlink(path), 0, "%s", path);
}

static void *load_pem(const char *dir, const char *name, bool key)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    void *p = key ? (void *)PEM_read_PrivateKey(f, NULL, NULL, NULL)
                  : (void *)PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    cr_assert_not_null(p, "%s", path);
    return p;
}

/* A CRL of the specimen's CSCA, revoking its DS or nothing, written as DIR/csca.crl. */
static void specimen_crl(const char *dir, bool revoke_ds, long next_days)
{
    X509 *csca = load_pem(dir, "csca.pem", false);
    EVP_PKEY *key = load_pem(dir, "csca_private.pem", true);
    X509 *ds = revoke_ds ? load_pem(dir, "ds.pem", false) : NULL;
    X509_CRL *crl = pki_crl(csca, key, ds, next_days);
    char path[300];
    snprintf(path, sizeof path, "%s/csca.crl", dir);
    pki_write_crl_der(path, crl);
    X509_CRL_free(crl);
    X509_free(ds);
    EVP_PKEY_free(key);
    X509_free(csca);
}

static vfy_trust *trust_of(const char *dir, bool with_crl)
{
    vfy_trust *t;
    char path[300];
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    snprintf(path, sizeof path, "%s/csca.pem", dir);
    cr_assert_eq(vfy_trust_add_path(t, path, NULL), VFY_OK);
    if (with_crl) {
        snprintf(path, sizeof path, "%s/csca.crl", dir);
        cr_assert_eq(vfy_trust_add_path(t, path, NULL), VFY_OK);
    }
    return t;
}

/* A live inspection of the chip behind `reader`, opened with `mrz_text`. */
static vfy_inspection *inspect_live(const char *reader, const char *mrz_text,
                                    const vfy_inspect_options *base)
{
    vfy_mrz mrz;
    cr_assert_eq(vfy_mrz_parse(mrz_text, strlen(mrz_text), NULL, &mrz, NULL), VFY_OK);
    vfy_access_key key;
    cr_assert_eq(vfy_access_key_from_mrz(&mrz, &key, NULL), VFY_OK);
    vfy_session *s;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_session_open(reader, &s, &d), VFY_OK, "%s", d.message);
    vfy_inspect_options o = *base;
    o.mrz = &mrz;
    vfy_inspection *r = NULL;
    cr_assert_eq(vfy_inspect_session(s, &key, &o, &r, &d), VFY_OK, "%s: %s",
                 vfy_status_name(d.status), d.message);
    vfy_access_key_wipe(&key);
    vfy_session_close(s);
    cr_assert_not_null(r);
    return r;
}

static vfy_inspection *inspect_dir_live(const char *dir, const char *options, const char *mrz,
                                        const vfy_inspect_options *base)
{
    char reader[400];
    snprintf(reader, sizeof reader, "sim:%s%s%s", dir, options[0] ? "?" : "", options);
    return inspect_live(reader, mrz, base);
}

static vfy_inspection *inspect_dir_offline(const char *dir, const vfy_inspect_options *o)
{
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    cr_assert_eq(vfy_document_load_dir(doc, dir, NULL), VFY_OK);
    vfy_inspection *r = NULL;
    cr_assert_eq(vfy_inspect_files(doc, o, &r, NULL), VFY_OK);
    vfy_document_free(doc);
    return r;
}

static void expect_check(const vfy_inspection *r, const char *id, vfy_outcome status,
                         vfy_status code)
{
    vfy_inspection_check c;
    cr_assert(vfy_inspection_check_get(r, id, &c), "no check %s", id);
    cr_expect_eq(c.status, status, "%s: %s, want %s (%s)", id, vfy_outcome_name(c.status),
                 vfy_outcome_name(status), c.reason);
    cr_expect_eq(c.code, code, "%s: %s, want %s (%s)", id, vfy_status_name(c.code),
                 vfy_status_name(code), c.reason);
}

static bool has_warning(const vfy_inspection *r, const char *id)
{
    vfy_inspection_warning w;
    for (size_t i = 0; vfy_inspection_warning_at(r, i, &w); i++)
        if (strcmp(w.id, id) == 0)
            return true;
    return false;
}

static void expect_outcome(const vfy_inspection *r, vfy_inspection_outcome want, vfy_gate gate,
                           int exit_code)
{
    cr_assert_eq(vfy_inspection_get_outcome(r), want, "%s, want %s: %s",
                 vfy_inspection_outcome_name(vfy_inspection_get_outcome(r)),
                 vfy_inspection_outcome_name(want), vfy_inspection_summary(r));
    cr_assert_eq(vfy_inspection_gate(r), gate, "gate %s, want %s",
                 vfy_gate_name(vfy_inspection_gate(r)), vfy_gate_name(gate));
    cr_assert_eq(vfy_inspection_exit_code(r), exit_code);
}

/* ---- genuine, and what keeps it from being accepted --------------------------- */

Test(inspection, genuine_chip_with_a_fresh_crl_is_accepted, .timeout = 60)
{
    char dir[64];
    specimen(dir, sizeof dir, NULL);
    specimen_crl(dir, false, 30);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(dir, true);
    vfy_inspection *r = inspect_dir_live(dir, "", utopia_mrz, &o);
    expect_outcome(r, VFY_INSPECTION_GENUINE, VFY_GATE_ACCEPT, 0);
    expect_check(r, "pa.crl", VFY_OUTCOME_OK, VFY_OK);
    expect_check(r, "chip.ca", VFY_OUTCOME_OK, VFY_OK);
    expect_check(r, "chip.aa", VFY_OUTCOME_OK, VFY_OK);
    expect_check(r, "read.files", VFY_OUTCOME_OK, VFY_OK);
    expect_check(r, "pa.dg1_mrz", VFY_OUTCOME_OK, VFY_OK);
    cr_assert_eq(vfy_inspection_warning_count(r), 0);
    cr_assert(vfy_inspection_is_live(r));
    vfy_time_source src;
    time_t at = vfy_inspection_time(r, &src);
    cr_assert_eq(src, VFY_TIME_SYSTEM_CLOCK);
    cr_assert(at > 0 && at <= time(NULL));
    /* The files read stay with the result. */
    cr_assert(vfy_document_has_file(vfy_inspection_document(r), VFY_FILE_DG1));
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(dir);
}

Test(inspection, csca_without_crl_is_genuine_but_referred, .timeout = 60)
{
    char dir[64];
    specimen(dir, sizeof dir, NULL);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(dir, false);
    vfy_inspection *r = inspect_dir_live(dir, "", utopia_mrz, &o);
    expect_outcome(r, VFY_INSPECTION_GENUINE, VFY_GATE_REFER, 0);
    cr_assert(has_warning(r, "pa.crl_not_fresh"));
    vfy_inspection_free(r);
    /* Under the `fail` policy the same store cannot decide: unverified, exit 4. */
    o.crl_policy = VFY_CRL_FAIL;
    r = inspect_dir_live(dir, "", utopia_mrz, &o);
    expect_outcome(r, VFY_INSPECTION_UNVERIFIED, VFY_GATE_REFER, 4);
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(dir);
}

Test(inspection, revoked_document_signer_is_invalid, .timeout = 60)
{
    char dir[64];
    specimen(dir, sizeof dir, NULL);
    specimen_crl(dir, true, 30);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(dir, true);
    vfy_inspection *r = inspect_dir_live(dir, "", utopia_mrz, &o);
    expect_outcome(r, VFY_INSPECTION_INVALID, VFY_GATE_REJECT, 1);
    expect_check(r, "pa.crl", VFY_OUTCOME_FAILED, VFY_E_CERT_REVOKED);
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(dir);
}

/* ---- clones ------------------------------------------------------------------ */

/* The data of one passport on a chip holding another passport's keys. */
Test(inspection, clone_with_its_own_keys_is_invalid, .timeout = 60)
{
    char a[64], b[64];
    specimen(a, sizeof a, NULL);
    specimen(b, sizeof b, NULL);
    copy_file_or_fail(b, "aa_private.pem", a, "aa_private.pem");
    copy_file_or_fail(b, "chipauth_private.pem", a, "chipauth_private.pem");
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(a, false);
    vfy_inspection *r = inspect_dir_live(a, "", utopia_mrz, &o);
    expect_outcome(r, VFY_INSPECTION_INVALID, VFY_GATE_REJECT, 1);
    expect_check(r, "pa.sod_signature", VFY_OUTCOME_OK, VFY_OK); /* the copied data is genuine */
    expect_check(r, "chip.ca", VFY_OUTCOME_FAILED, VFY_E_CA_FAILED);
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(a);
    remove_tree(b);
}

/* A chip that proves itself by Active Authentication only, with another key. */
Test(inspection, aa_clone_with_its_own_key_is_invalid, .timeout = 60)
{
    char a[64], b[64];
    vfy_specimen_options so = { .ca = VFY_SPECIMEN_CA_NONE };
    specimen(a, sizeof a, &so);
    specimen(b, sizeof b, &so);
    copy_file_or_fail(b, "aa_private.pem", a, "aa_private.pem");
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(a, false);
    vfy_inspection *r = inspect_dir_live(a, "", utopia_mrz, &o);
    expect_outcome(r, VFY_INSPECTION_INVALID, VFY_GATE_REJECT, 1);
    expect_check(r, "chip.aa", VFY_OUTCOME_FAILED, VFY_E_AA_FAILED);
    expect_check(r, "chip.ca", VFY_OUTCOME_NOT_SUPPORTED, VFY_OK);
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(a);
    remove_tree(b);
}

/* PACE-CAM: a genuine chip proves itself through the mapping, checked against the key
 * DG14 holds and EF.CardSecurity (read by the session in the master file) vouches for. */
Test(inspection, pace_cam_chip_is_genuine, .timeout = 60)
{
    char dir[64];
    specimen(dir, sizeof dir, NULL);
    specimen_crl(dir, false, 30);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(dir, true);
    vfy_inspection *r = inspect_dir_live(dir, "mapping=cam", utopia_mrz, &o);
    expect_outcome(r, VFY_INSPECTION_GENUINE, VFY_GATE_ACCEPT, 0);
    expect_check(r, "chip.ca", VFY_OUTCOME_OK, VFY_OK);
    expect_check(r, "chip.card_security", VFY_OUTCOME_OK, VFY_OK);
    vfy_access_info a;
    vfy_inspection_access(r, &a);
    cr_assert_str_eq(a.mapping, "CAM");
    cr_assert(a.cam_verified);
    cr_assert(vfy_document_has_file(vfy_inspection_document(r), VFY_FILE_CARD_SECURITY));
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(dir);
}

/* A PACE-CAM clone: genuine files (EF.CardSecurity too) on a chip with another static key.
 * The CAM check fails after every file was read: a verdict (invalid, chip.ca), not a
 * reader failure; the files are all there. */
Test(inspection, pace_cam_clone_is_invalid_not_a_read_failure, .timeout = 60)
{
    char a[64], b[64];
    specimen(a, sizeof a, NULL);
    specimen(b, sizeof b, NULL);
    copy_file_or_fail(b, "chipauth_private.pem", a, "chipauth_private.pem");
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(a, false);
    vfy_inspection *r = inspect_dir_live(a, "mapping=cam", utopia_mrz, &o);
    expect_outcome(r, VFY_INSPECTION_INVALID, VFY_GATE_REJECT, 1);
    expect_check(r, "chip.ca", VFY_OUTCOME_FAILED, VFY_E_CA_FAILED);
    expect_check(r, "pa.sod_signature", VFY_OUTCOME_OK, VFY_OK);
    expect_check(r, "chip.card_security", VFY_OUTCOME_OK, VFY_OK);
    expect_check(r, "read.files", VFY_OUTCOME_OK, VFY_OK);
    vfy_inspection_check c;
    cr_assert(vfy_inspection_check_get(r, "chip.ca", &c));
    cr_assert_not_null(strstr(c.reason, "mapping key"), "%s", c.reason);
    vfy_access_info acc;
    vfy_inspection_access(r, &acc);
    cr_assert_str_eq(acc.mapping, "CAM");
    cr_assert(!acc.cam_verified);
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(a);
    remove_tree(b);
}

/* A clone that hides DG14 and DG15 (answering 6A82) so that nothing is asked of it. */
Test(inspection, clone_hiding_dg14_and_dg15_is_a_downgrade, .timeout = 60)
{
    char dir[64];
    specimen(dir, sizeof dir, NULL);
    remove_file(dir, "DG14.bin");
    remove_file(dir, "DG15.bin");
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(dir, false);
    vfy_inspection *r = inspect_dir_live(dir, "", utopia_mrz, &o);
    expect_outcome(r, VFY_INSPECTION_INVALID, VFY_GATE_REJECT, 1);
    expect_check(r, "read.files", VFY_OUTCOME_FAILED, VFY_E_DOWNGRADE);
    vfy_inspection_check c;
    cr_assert(vfy_inspection_check_get(r, "read.files", &c));
    cr_assert_not_null(strstr(c.reason, "DG14, DG15"), "%s", c.reason);
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(dir);
}

/* Signed DG14 says the chip supports PACE; a chip that offers only BAC is not it. */
Test(inspection, bac_only_chip_with_pace_in_signed_data_is_a_downgrade, .timeout = 60)
{
    char dir[64];
    vfy_specimen_options so = { .pace_in_dg14 = true };
    specimen(dir, sizeof dir, &so);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(dir, false);
    /* The same files on a chip offering PACE: genuine. */
    vfy_inspection *r = inspect_dir_live(dir, "mapping=gm", utopia_mrz, &o);
    expect_outcome(r, VFY_INSPECTION_GENUINE, VFY_GATE_REFER, 0);
    expect_check(r, "access.downgrade", VFY_OUTCOME_OK, VFY_OK);
    vfy_inspection_free(r);
    /* Without EF.CardAccess the simulated chip offers BAC only. */
    r = inspect_dir_live(dir, "", utopia_mrz, &o);
    expect_outcome(r, VFY_INSPECTION_INVALID, VFY_GATE_REJECT, 1);
    expect_check(r, "access.downgrade", VFY_OUTCOME_FAILED, VFY_E_DOWNGRADE);
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(dir);
}

/* A chip whose signed data offers neither AA nor CA cannot rule out a clone. */
Test(inspection, chip_without_aa_or_ca_is_data_authentic, .timeout = 60)
{
    char dir[64];
    vfy_specimen_options so = { .aa = VFY_SPECIMEN_AA_NONE, .ca = VFY_SPECIMEN_CA_NONE };
    specimen(dir, sizeof dir, &so);
    specimen_crl(dir, false, 30);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(dir, true);
    vfy_inspection *r = inspect_dir_live(dir, "", utopia_mrz, &o);
    expect_outcome(r, VFY_INSPECTION_DATA_AUTHENTIC, VFY_GATE_REFER, 0);
    expect_check(r, "chip.aa", VFY_OUTCOME_NOT_SUPPORTED, VFY_OK);
    expect_check(r, "chip.ca", VFY_OUTCOME_NOT_SUPPORTED, VFY_OK);
    cr_assert(has_warning(r, "chip.no_proof"));
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(dir);
}

/* ---- forged data ------------------------------------------------------------- */

/* Another traveller's DG1 on the chip (the chip opens with that traveller's MRZ). */
Test(inspection, swapped_dg1_is_invalid, .timeout = 60)
{
    char a[64], b[64];
    specimen(a, sizeof a, NULL);
    vfy_specimen_options so = { .mrz = other_mrz };
    specimen(b, sizeof b, &so);
    copy_file_or_fail(b, "DG1.bin", a, "DG1.bin");
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(a, false);
    vfy_inspection *r = inspect_dir_live(a, "", other_mrz, &o);
    expect_outcome(r, VFY_INSPECTION_INVALID, VFY_GATE_REJECT, 1);
    expect_check(r, "pa.hash.dg1", VFY_OUTCOME_FAILED, VFY_E_HASH_MISMATCH);
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(a);
    remove_tree(b);
}

/* A CSCA with the same name as the real one but another key (an impostor). */
Test(inspection, same_name_impostor_csca_does_not_anchor, .timeout = 60)
{
    char a[64], b[64];
    specimen(a, sizeof a, NULL);
    specimen(b, sizeof b, NULL);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(b, false);
    vfy_inspection *r = inspect_dir_live(a, "", utopia_mrz, &o);
    cr_assert_neq(vfy_inspection_get_outcome(r), VFY_INSPECTION_GENUINE);
    cr_assert_neq(vfy_inspection_get_outcome(r), VFY_INSPECTION_DATA_AUTHENTIC);
    expect_outcome(r, VFY_INSPECTION_INVALID, VFY_GATE_REJECT, 1);
    expect_check(r, "pa.ds_chain", VFY_OUTCOME_FAILED, VFY_E_CERT_CHAIN);
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(a);
    remove_tree(b);
}

Test(inspection, no_trust_store_is_unverified, .timeout = 60)
{
    char dir[64];
    specimen(dir, sizeof dir, NULL);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    vfy_inspection *r = inspect_dir_live(dir, "", utopia_mrz, &o);
    expect_outcome(r, VFY_INSPECTION_UNVERIFIED, VFY_GATE_REFER, 4);
    expect_check(r, "pa.ds_chain", VFY_OUTCOME_NOT_CHECKED, VFY_E_NO_TRUST_ANCHOR);
    vfy_inspection_free(r);
    remove_tree(dir);
}

/* ---- saved files --------------------------------------------------------------- */

Test(inspection, saved_files_are_data_authentic_at_best, .timeout = 60)
{
    char dir[64];
    specimen(dir, sizeof dir, NULL);
    specimen_crl(dir, false, 30);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(dir, true);
    vfy_inspection *r = inspect_dir_offline(dir, &o);
    expect_outcome(r, VFY_INSPECTION_DATA_AUTHENTIC, VFY_GATE_REFER, 0);
    cr_assert(!vfy_inspection_is_live(r));
    expect_check(r, "chip.aa", VFY_OUTCOME_NOT_CHECKED, VFY_OK);
    expect_check(r, "chip.ca", VFY_OUTCOME_NOT_CHECKED, VFY_OK);
    expect_check(r, "access.control", VFY_OUTCOME_NOT_CHECKED, VFY_OK);
    expect_check(r, "read.files", VFY_OUTCOME_OK, VFY_OK);
    cr_assert(has_warning(r, "chip.no_proof"));
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(dir);
}

/* Saved files that lack a data group EF.SOD lists: what is missing cannot be
 * authenticated, so the files are not data_authentic. */
Test(inspection, saved_files_missing_a_listed_group_are_unverified, .timeout = 60)
{
    char dir[64];
    specimen(dir, sizeof dir, NULL);
    remove_file(dir, "DG2.bin");
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(dir, false);
    vfy_inspection *r = inspect_dir_offline(dir, &o);
    expect_outcome(r, VFY_INSPECTION_UNVERIFIED, VFY_GATE_REFER, 4);
    expect_check(r, "read.files", VFY_OUTCOME_NOT_CHECKED, VFY_E_NOT_FOUND);
    expect_check(r, "pa.hash.dg2", VFY_OUTCOME_NOT_CHECKED, VFY_E_NOT_FOUND);
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(dir);
}

Test(inspection, saved_file_not_in_the_security_object_is_invalid, .timeout = 60)
{
    char dir[64];
    specimen(dir, sizeof dir, NULL);
    copy_file_or_fail(dir, "DG12.bin", dir, "DG13.bin");
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(dir, false);
    vfy_inspection *r = inspect_dir_offline(dir, &o);
    expect_outcome(r, VFY_INSPECTION_INVALID, VFY_GATE_REJECT, 1);
    expect_check(r, "pa.hash.dg13", VFY_OUTCOME_FAILED, VFY_E_HASH_MISMATCH);
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(dir);
}

Test(inspection, flipped_sod_signature_is_invalid, .timeout = 60)
{
    char dir[64], path[128];
    specimen(dir, sizeof dir, NULL);
    snprintf(path, sizeof path, "%s/EF_SOD.bin", dir);
    size_t n;
    uint8_t *sod = read_file_or_fail(path, &n);
    sod[n - 3] ^= 0x01;   /* inside the signature value, the last element of the SignerInfo */
    FILE *f = fopen(path, "wb");
    cr_assert_eq(fwrite(sod, 1, n, f), n);
    fclose(f);
    free(sod);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(dir, false);
    vfy_inspection *r = inspect_dir_offline(dir, &o);
    expect_outcome(r, VFY_INSPECTION_INVALID, VFY_GATE_REJECT, 1);
    vfy_inspection_check c;
    cr_assert(vfy_inspection_check_get(r, "pa.sod_signature", &c));
    cr_assert_eq(c.status, VFY_OUTCOME_FAILED, "%s", c.reason);
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(dir);
}

Test(inspection, expired_document_signer_is_invalid, .timeout = 60)
{
    char dir[64];
    specimen(dir, sizeof dir, NULL);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(dir, false);
    o.at = time(NULL) + 20L * 365 * 86400;   /* long after the DS expired */
    vfy_inspection *r = inspect_dir_offline(dir, &o);
    expect_outcome(r, VFY_INSPECTION_INVALID, VFY_GATE_REJECT, 1);
    expect_check(r, "pa.ds_validity", VFY_OUTCOME_FAILED, VFY_E_CERT_EXPIRED);
    vfy_time_source src;
    cr_assert_eq(vfy_inspection_time(r, &src), o.at);
    cr_assert_eq(src, VFY_TIME_CALLER);
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(dir);
}

/* EF.CardSecurity is verified like EF.SOD: tampered, or from another document, it fails. */
Test(inspection, card_security_is_verified_like_the_sod, .timeout = 60)
{
    char a[64], b[64], path[128];
    specimen(a, sizeof a, NULL);
    specimen(b, sizeof b, NULL);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(a, false);
    vfy_inspection *r = inspect_dir_offline(a, &o);
    expect_check(r, "chip.card_security", VFY_OUTCOME_OK, VFY_OK);
    expect_outcome(r, VFY_INSPECTION_DATA_AUTHENTIC, VFY_GATE_REFER, 0);
    vfy_inspection_free(r);
    /* Another document's EF.CardSecurity: its signer does not chain to this CSCA. */
    copy_file_or_fail(b, "EF_CardSecurity.bin", a, "EF_CardSecurity.bin");
    r = inspect_dir_offline(a, &o);
    expect_check(r, "chip.card_security", VFY_OUTCOME_FAILED, VFY_E_CERT_CHAIN);
    expect_outcome(r, VFY_INSPECTION_INVALID, VFY_GATE_REJECT, 1);
    vfy_inspection_free(r);
    /* One bit of its own content flipped. */
    remove_tree(a);
    specimen(a, sizeof a, NULL);
    vfy_trust_free((vfy_trust *)o.trust);
    o.trust = trust_of(a, false);
    snprintf(path, sizeof path, "%s/EF_CardSecurity.bin", a);
    size_t n;
    uint8_t *cs = read_file_or_fail(path, &n);
    cs[n / 3] ^= 0x01;
    remove_file(a, "EF_CardSecurity.bin");
    FILE *f = fopen(path, "wb");
    cr_assert_eq(fwrite(cs, 1, n, f), n);
    fclose(f);
    free(cs);
    r = inspect_dir_offline(a, &o);
    vfy_inspection_check c;
    cr_assert(vfy_inspection_check_get(r, "chip.card_security", &c));
    cr_assert_eq(c.status, VFY_OUTCOME_FAILED, "%s", c.reason);
    expect_outcome(r, VFY_INSPECTION_INVALID, VFY_GATE_REJECT, 1);
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(a);
    remove_tree(b);
}

/* ---- the gate -------------------------------------------------------------------- */

static vfy_gate always_accept(void *ctx, const vfy_inspection *r)
{
    (void)ctx;
    (void)r;
    return VFY_GATE_ACCEPT;
}

Test(inspection, no_gate_policy_can_accept_an_invalid_document, .timeout = 60)
{
    char dir[64];
    specimen(dir, sizeof dir, NULL);
    copy_file_or_fail(dir, "DG12.bin", dir, "DG13.bin");
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(dir, false);
    o.gate_policy = always_accept;
    vfy_inspection *r = inspect_dir_offline(dir, &o);
    expect_outcome(r, VFY_INSPECTION_INVALID, VFY_GATE_REJECT, 1);
    vfy_inspection_free(r);
    remove_file(dir, "DG13.bin");
    /* On a document that is only data_authentic the caller's policy decides. */
    r = inspect_dir_offline(dir, &o);
    expect_outcome(r, VFY_INSPECTION_DATA_AUTHENTIC, VFY_GATE_ACCEPT, 0);
    vfy_inspection_free(r);
    /* ... but an unverified one is never accepted. */
    vfy_inspect_options none = VFY_INSPECT_OPTIONS_INIT;
    none.gate_policy = always_accept;
    r = inspect_dir_offline(dir, &none);
    expect_outcome(r, VFY_INSPECTION_UNVERIFIED, VFY_GATE_REFER, 4);
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(dir);
}

Test(inspection, face_comparison_is_recorded_and_a_mismatch_refers, .timeout = 60)
{
    char dir[64];
    specimen(dir, sizeof dir, NULL);
    specimen_crl(dir, false, 30);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust_of(dir, true);
    vfy_inspection *r = inspect_dir_live(dir, "", utopia_mrz, &o);
    expect_outcome(r, VFY_INSPECTION_GENUINE, VFY_GATE_ACCEPT, 0);
    cr_assert_null(vfy_inspection_face_match(r));
    vfy_face_match m = { .score = 0.31, .threshold = 0.6, .matched = false };
    snprintf(m.method, sizeof m.method, "test-matcher 1.0");
    cr_assert_eq(vfy_inspection_set_face_match(r, &m), VFY_OK);
    expect_outcome(r, VFY_INSPECTION_GENUINE, VFY_GATE_REFER, 0);
    const vfy_face_match *got = vfy_inspection_face_match(r);
    cr_assert_not_null(got);
    cr_assert_str_eq(got->method, "test-matcher 1.0");
    m.score = 0.9;
    m.matched = true;
    cr_assert_eq(vfy_inspection_set_face_match(r, &m), VFY_OK);
    expect_outcome(r, VFY_INSPECTION_GENUINE, VFY_GATE_ACCEPT, 0);
    m.score = 0.0 / 0.0;
    cr_assert_eq(vfy_inspection_set_face_match(r, &m), VFY_E_INVALID_ARGUMENT);
    vfy_inspection_free(r);
    vfy_trust_free((vfy_trust *)o.trust);
    remove_tree(dir);
}

Test(inspection, options_from_another_version_are_refused)
{
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.size = sizeof o - 8;
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    vfy_inspection *r = (vfy_inspection *)1;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_inspect_files(doc, &o, &r, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_null(r);
    cr_assert_not_null(strstr(d.message, "VFY_INSPECT_OPTIONS_INIT"));
    vfy_rules_case *c = NULL;
    o = (vfy_inspect_options)VFY_INSPECT_OPTIONS_INIT;
    cr_assert_eq(vfy_rules_case_new(&c), VFY_OK);
    o.eligibility_case = c;   /* a case without an engine */
    cr_assert_eq(vfy_inspect_files(doc, &o, &r, NULL), VFY_E_INVALID_ARGUMENT);
    vfy_rules_case_free(c);
    vfy_document_free(doc);
}

/* ---- through vfy kiosk ------------------------------------------------------------ */

Test(inspection, kiosk_refuses_a_clone_and_names_the_checks, .timeout = 60)
{
    char a[64], b[64], cmd[1024];
    specimen(a, sizeof a, NULL);
    specimen(b, sizeof b, NULL);
    copy_file_or_fail(b, "aa_private.pem", a, "aa_private.pem");
    copy_file_or_fail(b, "chipauth_private.pem", a, "chipauth_private.pem");
    snprintf(cmd, sizeof cmd,
             "%s kiosk --reader 'sim:%s' --mrz '%s' --trust %s/csca.pem --count 1 --wait 10",
             vfy_bin(), a, utopia_mrz, a);
    char *out;
    cr_assert_eq(run_capture(cmd, &out), 1, "%s", out);
    cr_assert_not_null(strstr(out, "document 1: invalid, gate reject"), "%s", out);
    cr_assert_not_null(strstr(out, "failed chip.ca"), "%s", out);
    cr_assert_not_null(strstr(out, "VFY_E_CA_FAILED"), "%s", out);
    free(out);
    remove_tree(a);
    remove_tree(b);
}

/* The PACE-CAM clone through vfy kiosk (CAN) and vfy read: exit 1 and the failing check
 * named, never exit 3. */
Test(inspection, kiosk_and_read_refuse_a_pace_cam_clone, .timeout = 60)
{
    char a[64], b[64], cmd[1024];
    specimen(a, sizeof a, NULL);
    specimen(b, sizeof b, NULL);
    copy_file_or_fail(b, "chipauth_private.pem", a, "chipauth_private.pem");
    snprintf(cmd, sizeof cmd,
             "%s kiosk --reader 'sim:%s?mapping=cam' --can 123456 --trust %s/csca.pem "
             "--count 1 --wait 10",
             vfy_bin(), a, a);
    char *out;
    cr_assert_eq(run_capture(cmd, &out), 1, "%s", out);
    cr_assert_not_null(strstr(out, "document 1: invalid, gate reject"), "%s", out);
    cr_assert_not_null(strstr(out, "failed chip.ca"), "%s", out);
    cr_assert_not_null(strstr(out, "VFY_E_CA_FAILED"), "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd,
             "%s read --reader 'sim:%s?mapping=cam' --can 123456 --trust %s/csca.pem 2>&1",
             vfy_bin(), a, a);
    cr_assert_eq(run_capture(cmd, &out), 1, "%s", out);
    cr_assert_not_null(strstr(out, "invalid"), "%s", out);
    cr_assert_not_null(strstr(out, "chip.ca"), "%s", out);
    cr_assert_null(strstr(out, "Chip Authentication failed (CAM)"), "%s", out);
    free(out);
    remove_tree(a);
    remove_tree(b);
}

/* Active Authentication failing after the read is a verdict in the front ends too. */
Test(inspection, kiosk_and_read_refuse_an_aa_clone, .timeout = 60)
{
    char a[64], b[64], cmd[1024];
    vfy_specimen_options so = { .ca = VFY_SPECIMEN_CA_NONE };
    specimen(a, sizeof a, &so);
    specimen(b, sizeof b, &so);
    copy_file_or_fail(b, "aa_private.pem", a, "aa_private.pem");
    snprintf(cmd, sizeof cmd,
             "%s kiosk --reader 'sim:%s' --mrz '%s' --trust %s/csca.pem --count 1 --wait 10",
             vfy_bin(), a, utopia_mrz, a);
    char *out;
    cr_assert_eq(run_capture(cmd, &out), 1, "%s", out);
    cr_assert_not_null(strstr(out, "document 1: invalid, gate reject"), "%s", out);
    cr_assert_not_null(strstr(out, "failed chip.aa"), "%s", out);
    cr_assert_not_null(strstr(out, "VFY_E_AA_FAILED"), "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "%s read --reader 'sim:%s' --mrz '%s' --trust %s/csca.pem 2>&1",
             vfy_bin(), a, utopia_mrz, a);
    cr_assert_eq(run_capture(cmd, &out), 1, "%s", out);
    cr_assert_not_null(strstr(out, "chip.aa"), "%s", out);
    free(out);
    remove_tree(a);
    remove_tree(b);
}

/* ---- forged security objects (CMS made with OpenSSL, as a forger holding one DS key would) */

typedef enum sod_forgery {
    SOD_TWO_SIGNERS,        /* a second SignerInfo beside the genuine one */
    SOD_TWO_DIGESTS,        /* two messageDigest attributes, one of them for other content */
    SOD_UNTRUSTED_SIGNER,   /* the signer identifier names a certificate the forger made */
    SOD_FOREIGN_DS,         /* a DS of another state, under that state's (trusted) CSCA */
    SOD_RESIGNED,           /* no forgery: the attributes signed again by the genuine DS,
                             * the control showing that resign_attributes() is sound */
} sod_forgery;

/* The LDSSecurityObject of DIR/EF_SOD.bin (the eContent, unchanged). */
static BIO *security_object_of(const char *dir)
{
    char path[300];
    snprintf(path, sizeof path, "%s/EF_SOD.bin", dir);
    size_t n;
    uint8_t *sod = read_file_or_fail(path, &n);
    /* EF.SOD is [APPLICATION 23] around the ContentInfo: skip its tag and length. */
    const unsigned char *p = sod;
    long len;
    int tag, cls;
    cr_assert_eq(ASN1_get_object(&p, &len, &tag, &cls, (long)n) & 0x80, 0);
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, len);
    cr_assert_not_null(cms);
    ASN1_OCTET_STRING **content = CMS_get0_content(cms);
    cr_assert(content != NULL && *content != NULL);
    BIO *b = BIO_new(BIO_s_mem());
    cr_assert_eq(BIO_write(b, ASN1_STRING_get0_data(*content), ASN1_STRING_length(*content)),
                 ASN1_STRING_length(*content));
    CMS_ContentInfo_free(cms);
    free(sod);
    return b;
}

typedef struct der_item {
    unsigned char *p;
    int n;
} der_item;

/* DER SET OF order: by encoding, compared as octet strings (X.690 11.6). */
static int der_order(const void *a, const void *b)
{
    const der_item *x = a, *y = b;
    int c = memcmp(x->p, y->p, (size_t)(x->n < y->n ? x->n : y->n));
    return c != 0 ? c : x->n - y->n;
}

/* Signs the signer's signed attributes again (the DER SET OF, sorted) with `key`. */
static void resign_attributes(CMS_SignerInfo *si, EVP_PKEY *key)
{
    int n = CMS_signed_get_attr_count(si), total = 0;
    cr_assert(n > 0 && n <= 8);
    der_item item[8];
    for (int i = 0; i < n; i++) {
        item[i].p = NULL;
        item[i].n = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &item[i].p);
        cr_assert_gt(item[i].n, 0);
        total += item[i].n;
    }
    qsort(item, (size_t)n, sizeof item[0], der_order);
    unsigned char *set = malloc((size_t)ASN1_object_size(1, total, V_ASN1_SET)), *p = set;
    cr_assert_not_null(set);
    ASN1_put_object(&p, 1, total, V_ASN1_SET, V_ASN1_UNIVERSAL);
    for (int i = 0; i < n; i++) {
        memcpy(p, item[i].p, (size_t)item[i].n);
        p += item[i].n;
        OPENSSL_free(item[i].p);
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    size_t sl = 0, len = (size_t)(p - set);
    cr_assert_eq(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), 1);
    cr_assert_eq(EVP_DigestSign(md, NULL, &sl, set, len), 1);
    unsigned char *sig = malloc(sl);
    cr_assert_not_null(sig);
    cr_assert_eq(EVP_DigestSign(md, sig, &sl, set, len), 1);
    cr_assert_eq(ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig, (int)sl), 1);
    free(sig);
    free(set);
    EVP_MD_CTX_free(md);
}

/* DIR/EF_SOD.bin replaced by the forgery; `extra_csca` receives the foreign CSCA when one
 * is made (the caller trusts it: the attack is a DS of a trusted state). */
static void forge_sod(const char *dir, sod_forgery how, X509 **extra_csca, EVP_PKEY **extra_csca_key)
{
    X509 *ds = load_pem(dir, "ds.pem", false);
    EVP_PKEY *ds_key = load_pem(dir, "ds_private.pem", true);
    X509 *csca = load_pem(dir, "csca.pem", false);
    X509 *signer = ds, *forged = NULL;
    EVP_PKEY *signer_key = ds_key, *forged_key = NULL;
    if (how == SOD_UNTRUSTED_SIGNER || how == SOD_FOREIGN_DS || how == SOD_TWO_SIGNERS) {
        forged_key = pki_key("ec:prime256v1");
        X509 *issuer = csca;
        EVP_PKEY *issuer_key = forged_key; /* the forger signs in the CSCA's name */
        if (how == SOD_FOREIGN_DS) {
            *extra_csca_key = pki_key("ec:prime256v1");
            *extra_csca = pki_cert(&(pki_cert_spec){ .cn = "CSCA Germany test", .country = "DE",
                                                     .key = *extra_csca_key, .not_before_days = -30,
                                                     .not_after_days = 3650, .ca = true,
                                                     .usage = PKI_KU_CERT_SIGN, .serial = 77 });
            issuer = *extra_csca;
            issuer_key = *extra_csca_key;
        }
        forged = pki_cert(&(pki_cert_spec){ .cn = "Document Signer", .country = how == SOD_FOREIGN_DS ? "DE" : "UT",
                                            .key = forged_key, .issuer = issuer, .issuer_key = issuer_key,
                                            .not_before_days = -10, .not_after_days = 365,
                                            .usage = PKI_KU_SIGN, .serial = 4242 });
        if (how != SOD_TWO_SIGNERS) {
            signer = forged;
            signer_key = forged_key;
        }
    }
    BIO *content = security_object_of(dir);
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY);
    cr_assert_not_null(cms);
    ASN1_OBJECT *type = OBJ_txt2obj("2.23.136.1.1.1", 1);
    cr_assert_eq(CMS_set1_eContentType(cms, type), 1);
    ASN1_OBJECT_free(type);
    unsigned flags = CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP;
    CMS_SignerInfo *si = CMS_add1_signer(cms, signer, signer_key, EVP_sha256(), flags);
    cr_assert_not_null(si);
    if (how == SOD_TWO_SIGNERS)
        cr_assert_not_null(CMS_add1_signer(cms, forged, forged_key, EVP_sha256(), flags));
    if (how == SOD_UNTRUSTED_SIGNER)
        cr_assert_eq(CMS_add1_cert(cms, ds), 1); /* the genuine DS rides along, unused */
    cr_assert_eq(CMS_final(cms, content, NULL, CMS_BINARY), 1);
    if (how == SOD_RESIGNED)
        resign_attributes(si, ds_key);
    if (how == SOD_TWO_DIGESTS) {
        /* OpenSSL will not make this itself: add a second messageDigest (for other
         * content) after signing, then sign the attribute set again with the DS key, so
         * that only the duplicate can give the forgery away. */
        uint8_t other[32];
        memset(other, 0x5a, sizeof other);
        cr_assert_eq(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING,
                                                 other, sizeof other), 1);
        resign_attributes(si, ds_key);
        int first = CMS_signed_get_attr_by_NID(si, NID_pkcs9_messageDigest, -1);
        cr_assert_geq(CMS_signed_get_attr_by_NID(si, NID_pkcs9_messageDigest, first), 0);
    }
    unsigned char *der = NULL;
    int n = i2d_CMS_ContentInfo(cms, &der);
    cr_assert_gt(n, 0);
    /* [APPLICATION 23] around it, as EF.SOD holds it. */
    int total = ASN1_object_size(1, n, 23);
    unsigned char *file = malloc((size_t)total), *p = file;
    cr_assert_not_null(file);
    ASN1_put_object(&p, 1, n, 23, V_ASN1_APPLICATION);
    memcpy(p, der, (size_t)n);
    char path[300];
    snprintf(path, sizeof path, "%s/EF_SOD.bin", dir);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(file, 1, (size_t)total, f), (size_t)total);
    cr_assert_eq(fclose(f), 0);
    free(file);
    OPENSSL_free(der);
    CMS_ContentInfo_free(cms);
    BIO_free(content);
    X509_free(forged);
    EVP_PKEY_free(forged_key);
    X509_free(csca);
    EVP_PKEY_free(ds_key);
    X509_free(ds);
}

/* The forgery inspected live (simulated chip) and offline, with fresh CRLs for every CSCA
 * trusted, so that only the forgery can make it fail. */
static void expect_forgery_refused(sod_forgery how, const char *check, vfy_status code,
                                   vfy_inspection_outcome want)
{
    char dir[64];
    specimen(dir, sizeof dir, NULL);
    specimen_crl(dir, false, 30);
    X509 *foreign = NULL;
    EVP_PKEY *foreign_key = NULL;
    forge_sod(dir, how, &foreign, &foreign_key);
    vfy_trust *t = trust_of(dir, true);
    if (foreign != NULL) {
        int n;
        unsigned char *der = pki_der(foreign, &n);
        cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "foreign csca", NULL), VFY_OK);
        OPENSSL_free(der);
        X509_CRL *crl = pki_crl(foreign, foreign_key, NULL, 30);
        der = pki_crl_der(crl, &n);
        cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "foreign crl", NULL), VFY_OK);
        OPENSSL_free(der);
        X509_CRL_free(crl);
    }
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = t;
    vfy_inspection *live = inspect_dir_live(dir, "", utopia_mrz, &o);
    expect_check(live, check, VFY_OUTCOME_FAILED, code);
    expect_outcome(live, want, VFY_GATE_REJECT, want == VFY_INSPECTION_INVALID ? 1 : 4);
    vfy_inspection_free(live);
    vfy_inspection *offline = inspect_dir_offline(dir, &o);
    expect_check(offline, check, VFY_OUTCOME_FAILED, code);
    expect_outcome(offline, want, VFY_GATE_REJECT, want == VFY_INSPECTION_INVALID ? 1 : 4);
    vfy_inspection_free(offline);
    vfy_trust_free(t);
    X509_free(foreign);
    EVP_PKEY_free(foreign_key);
    remove_tree(dir);
}

Test(inspection, sod_with_two_signer_infos_is_invalid, .timeout = 60)
{
    expect_forgery_refused(SOD_TWO_SIGNERS, "pa.sod_signature", VFY_E_SIGNATURE, VFY_INSPECTION_INVALID);
}

Test(inspection, sod_with_two_message_digests_is_invalid, .timeout = 60)
{
    expect_forgery_refused(SOD_TWO_DIGESTS, "pa.sod_signature", VFY_E_SIGNATURE, VFY_INSPECTION_INVALID);
}

Test(inspection, signer_identifier_naming_a_forged_certificate_is_invalid, .timeout = 60)
{
    expect_forgery_refused(SOD_UNTRUSTED_SIGNER, "pa.ds_chain", VFY_E_CERT_CHAIN, VFY_INSPECTION_INVALID);
}

Test(inspection, document_signer_of_another_trusted_state_is_invalid, .timeout = 60)
{
    expect_forgery_refused(SOD_FOREIGN_DS, "pa.issuer_country", VFY_E_MISMATCH, VFY_INSPECTION_INVALID);
}

Test(inspection, security_object_signed_again_by_its_own_ds_stays_genuine, .timeout = 60)
{
    char dir[64];
    specimen(dir, sizeof dir, NULL);
    specimen_crl(dir, false, 30);
    forge_sod(dir, SOD_RESIGNED, NULL, NULL);
    vfy_trust *t = trust_of(dir, true);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = t;
    vfy_inspection *r = inspect_dir_live(dir, "", utopia_mrz, &o);
    expect_check(r, "pa.sod_signature", VFY_OUTCOME_OK, VFY_OK);
    expect_outcome(r, VFY_INSPECTION_GENUINE, VFY_GATE_ACCEPT, 0);
    vfy_inspection_free(r);
    vfy_trust_free(t);
    remove_tree(dir);
}

Test(inspection, kiosk_refuses_a_forged_security_object_and_names_the_check, .timeout = 60)
{
    char dir[64], cmd[1024];
    specimen(dir, sizeof dir, NULL);
    specimen_crl(dir, false, 30);
    forge_sod(dir, SOD_TWO_SIGNERS, NULL, NULL);
    snprintf(cmd, sizeof cmd,
             "%s kiosk --reader 'sim:%s' --mrz '%s' --trust %s/csca.pem --trust %s/csca.crl "
             "--count 1 --wait 10",
             vfy_bin(), dir, utopia_mrz, dir, dir);
    char *out;
    cr_assert_eq(run_capture(cmd, &out), 1, "%s", out);
    cr_assert_not_null(strstr(out, "document 1: invalid, gate reject"), "%s", out);
    cr_assert_not_null(strstr(out, "failed pa.sod_signature"), "%s", out);
    cr_assert_not_null(strstr(out, "VFY_E_SIGNATURE"), "%s", out);
    free(out);
    remove_tree(dir);
}
