/* End to end through the simulated chip: read, Chip and Active Authentication, Passive
 * Authentication; the verdict is genuine only when the chip holds the keys of its DGs. */
#include <criterion/criterion.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chip/file_read.h"
#include "auth/auth.h"
#include "chip/pace.h"
#include "specimen/embedded.h"
#include "pa/pa.h"
#include "support.h"
#include "pa/verdict_internal.h"
#include "transport.h"
#include "verify.h"
#include "verify/sim.h"

static const char utopia_mrz[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                 "L898902C36UTO7408122F3404159ZE184226B<<<<<16";

static void tmpdir(char *buf, size_t cap)
{
    tmpdir_make("chip-proof", buf, cap);
}

static void rmdir_all(const char *dir)
{
    tmpdir_remove(dir);
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

/* ---- PACE-CAM proved against EF.CardSecurity ------------------------------------------ */

/* PACE-CAM with the simulated chip `conn` (CAN 123456), then EF.CardSecurity read under
 * the new secure messaging; returns the CAM result and the file. */
static uint8_t *cam_and_card_security(const char *conn, vfy_pace_result *res, size_t *len)
{
    vfy_transport *t = NULL;
    cr_assert_eq(vfy_transport_open(conn, &t, NULL), VFY_OK);
    vfy_channel ch;
    cr_assert_eq(vfy_channel_init(&ch, t, NULL), VFY_OK);
    static const uint8_t oid[] = { 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x06, 0x02 };
    vfy_pace_info info;
    cr_assert_eq(vfy_pace_info_from_oid(oid, sizeof oid, &info, NULL), VFY_OK);
    info.has_parameter_id = true;
    info.parameter_id = 13;
    vfy_pace_password pw = { VFY_PACE_PASSWORD_CAN, "123456" };
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_pace_run(&ch, &pw, &info, res, &d), VFY_OK, "%s", d.message);
    cr_assert(res->has_chip_auth_data);
    vfy_file_reader r;
    vfy_file_reader_init(&r, &ch);
    uint8_t *cs = NULL;
    cr_assert_eq(vfy_file_read(&r, 0x011D, 0x1D, "EF.CardSecurity", &cs, len, &d), VFY_OK, "%s", d.message);
    vfy_channel_free(&ch);
    vfy_transport_close(t);
    return cs;
}

/* The uncompressed point of a SubjectPublicKeyInfo, by OpenSSL. */
static size_t point_of(const uint8_t *spki, size_t n, uint8_t *out, size_t cap)
{
    const unsigned char *p = spki;
    EVP_PKEY *key = d2i_PUBKEY(NULL, &p, (long)n);
    cr_assert_not_null(key);
    size_t len = 0;
    cr_assert_eq(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, out, cap, &len), 1);
    EVP_PKEY_free(key);
    return len;
}

static vfy_trust *builtin_trust(void)
{
    char csca[512];
    repo_path("data/specimen/csca.pem", csca, sizeof csca);
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    cr_assert_eq(vfy_trust_add_path(t, csca, NULL), VFY_OK);
    return t;
}

/* The built-in specimen's chip serves a validly signed EF.CardSecurity whose Chip
 * Authentication key is DG14's and the chip's own (chipauth_private.pem), and its
 * PACE-CAM data verifies against that key. */
Test(chip_proof, builtin_card_security_vouches_for_the_cam_key, .timeout = 60)
{
    vfy_pace_result res;
    size_t len;
    uint8_t *cs = cam_and_card_security("sim?mapping=cam", &res, &len);
    vfy_trust *t = builtin_trust();
    pa_cs_result r;
    cr_assert_eq(pa_verify_card_security(cs, len, t, 0, NULL, &r), VFY_OK);
    cr_assert(r.verified, "%s / %s / %s / %s", r.signature.reason, r.content.reason, r.ds_chain.reason,
              r.ds_validity.reason);
    const vfy_security_info *key = pa_cs_chip_auth_key(&r, -1);
    cr_assert_not_null(key);
    /* The same key as DG14's ... */
    const struct vfy_embedded_file *dg14 = vfy_embedded_find("specimen/DG14.bin");
    vfy_security_infos infos;
    cr_assert_eq(vfy_lds_parse_dg14(dg14->data, dg14->len, &infos, NULL), VFY_OK);
    const vfy_security_info *k14 = vfy_security_infos_find(&infos, VFY_SI_CHIP_AUTH_PUBLIC_KEY, NULL);
    cr_assert_eq(k14->public_key.len, key->public_key.len);
    cr_assert_eq(memcmp(k14->public_key.data, key->public_key.data, key->public_key.len), 0);
    /* ... and the chip's own, derived by OpenSSL from its private key. */
    const struct vfy_embedded_file *pem = vfy_embedded_find("specimen/chipauth_private.pem");
    BIO *bio = BIO_new_mem_buf(pem->data, (int)pem->len);
    EVP_PKEY *priv = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    uint8_t want[200], got[200];
    size_t wn = 0;
    cr_assert_eq(EVP_PKEY_get_octet_string_param(priv, OSSL_PKEY_PARAM_PUB_KEY, want, sizeof want, &wn), 1);
    EVP_PKEY_free(priv);
    size_t gn = point_of(key->public_key.data, key->public_key.len, got, sizeof got);
    cr_assert_eq(gn, wn);
    cr_assert_eq(memcmp(got, want, gn), 0);
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_pace_cam_verify(&res, got, gn, &d), VFY_OK, "%s", d.message);
    pa_cs_result_free(&r);
    vfy_trust_free(t);
    free(cs);
}

/* A clone: the built-in files (EF.CardSecurity included) on a chip with another CA key.
 * The signed file still verifies; the chip's CAM data does not fit the key it vouches for. */
Test(chip_proof, cam_clone_fails_against_card_security, .timeout = 60)
{
    char dir[64], conn[160], path[256];
    tmpdir(dir, sizeof dir);
    static const char *names[] = { "EF_COM.bin", "EF_SOD.bin", "DG1.bin", "DG2.bin", "DG14.bin",
                                   "EF_CardAccess.bin", "EF_CardSecurity.bin" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char emb[64];
        snprintf(emb, sizeof emb, "specimen/%s", names[i]);
        const struct vfy_embedded_file *e = vfy_embedded_find(emb);
        cr_assert_not_null(e, "%s", emb);
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "wb");
        cr_assert_eq(fwrite(e->data, 1, e->len, f), e->len);
        fclose(f);
    }
    EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "brainpoolP256r1");
    snprintf(path, sizeof path, "%s/chipauth_private.pem", dir);
    FILE *f = fopen(path, "wb");
    cr_assert_eq(PEM_write_PrivateKey(f, other, NULL, NULL, 0, NULL, NULL), 1);
    fclose(f);
    EVP_PKEY_free(other);
    snprintf(conn, sizeof conn, "sim:%s?mapping=cam", dir);
    vfy_pace_result res;
    size_t len;
    uint8_t *cs = cam_and_card_security(conn, &res, &len);
    vfy_trust *t = builtin_trust();
    pa_cs_result r;
    cr_assert_eq(pa_verify_card_security(cs, len, t, 0, NULL, &r), VFY_OK);
    cr_assert(r.verified);
    const vfy_security_info *key = pa_cs_chip_auth_key(&r, -1);
    uint8_t point[200];
    size_t n = point_of(key->public_key.data, key->public_key.len, point, sizeof point);
    cr_assert_eq(vfy_pace_cam_verify(&res, point, n, NULL), VFY_E_CA_FAILED);
    pa_cs_result_free(&r);
    vfy_trust_free(t);
    free(cs);
    rmdir_all(dir);
}
