/* PACE with the chip authentication mapping against the simulated chip: the terminal's
 * check CA_IC * PK_IC == PK_Map,IC holds for the chip's static key (its public half
 * computed here by OpenSSL from chipauth_private.pem) and fails for any other key. */
#include <criterion/criterion.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "chip/pace.h"
#include "specimen/embedded.h"
#include "support.h"
#include "pa/verdict_internal.h"
#include "transport.h"
#include "verify.h"
#include <stdio.h>
#include <unistd.h>

static size_t public_of(const char *pem_name, uint8_t *out, size_t cap)
{
    const struct vfy_embedded_file *f = vfy_embedded_find(pem_name);
    cr_assert_not_null(f, "%s", pem_name);
    BIO *bio = BIO_new_mem_buf(f->data, (int)f->len);
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    cr_assert_not_null(key);
    size_t n = 0;
    cr_assert_eq(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, out, cap, &n), 1);
    EVP_PKEY_free(key);
    return n;
}

Test(sim_cam, chip_authentication_mapping_verifies)
{
    static const char *ciphers[] = { "aes128", "aes192", "aes256" };
    for (size_t i = 0; i < 3; i++) {
        char conn[64];
        snprintf(conn, sizeof conn, "sim?mapping=cam&cipher=%s", ciphers[i]);
        vfy_transport *t = NULL;
        cr_assert_eq(vfy_transport_open(conn, &t, NULL), VFY_OK);
        vfy_channel ch;
        cr_assert_eq(vfy_channel_init(&ch, t, NULL), VFY_OK);
        uint8_t oid[10] = { 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x06,
                            (uint8_t)(2 + i) };
        vfy_pace_info info;
        cr_assert_eq(vfy_pace_info_from_oid(oid, sizeof oid, &info, NULL), VFY_OK);
        info.has_parameter_id = true;
        info.parameter_id = 13;
        vfy_pace_password pw = { VFY_PACE_PASSWORD_CAN, "123456" };
        vfy_pace_result res;
        vfy_detail d = { 0 };
        cr_assert_eq(vfy_pace_run(&ch, &pw, &info, &res, &d), VFY_OK, "%s: %s", conn, d.message);
        cr_assert(res.has_chip_auth_data, "%s", conn);
        uint8_t pk[200];
        size_t n = public_of("specimen/chipauth_private.pem", pk, sizeof pk);
        cr_assert_eq(vfy_pace_cam_verify(&res, pk, n, &d), VFY_OK, "%s: %s", conn, d.message);
        /* another key on the same curve must not pass: the mapping key of the session */
        cr_assert_eq(vfy_pace_cam_verify(&res, res.chip_ephemeral_public,
                                         res.chip_ephemeral_public_len, NULL),
                     VFY_E_CA_FAILED);
        vfy_channel_free(&ch);
        vfy_transport_close(t);
    }
}

static void write_embedded(const char *dir, const char *name)
{
    char emb[64], path[512];
    snprintf(emb, sizeof emb, "specimen/%s", name);
    const struct vfy_embedded_file *e = vfy_embedded_find(emb);
    if (e == NULL)
        return;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_eq(fwrite(e->data, 1, e->len, f), e->len);
    fclose(f);
}

/* Reads the chip behind conn with CAN 123456 and, when the read succeeded, lets it prove
 * itself; *chip_auth is the Chip Authentication outcome (0 when the read failed). */
static vfy_status read_cam(const char *conn, vfy_access_info *a, vfy_outcome *chip_auth)
{
    vfy_session *s = NULL;
    cr_assert_eq(vfy_session_open(conn, &s, NULL), VFY_OK);
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    vfy_access_key k;
    cr_assert_eq(vfy_access_key_from_can("123456", &k, NULL), VFY_OK);
    vfy_detail d = { 0 };
    vfy_status st = vfy_session_read_document(s, &k, NULL, doc, &d);
    *chip_auth = 0;
    if (st == VFY_OK) {
        vfy_chip_checks chip;
        cr_assert_eq(vfy_session_authenticate(s, doc, &chip, &d), VFY_OK, "%s", d.message);
        *chip_auth = chip.chip_auth.outcome;
        if (chip.chip_auth.outcome == VFY_OUTCOME_FAILED)
            cr_assert_eq(chip.chip_auth.status, VFY_E_CA_FAILED);
    }
    vfy_session_access(s, a);
    vfy_session_close(s);
    vfy_document_free(doc);
    return st;
}

/* CAM is checked against DG14's key after the read: the specimen passes; a chip whose CA
 * key is not DG14's is read completely and then fails Chip Authentication (a clone is a
 * verdict, not a reader failure). */
Test(sim_cam, session_checks_cam_against_dg14)
{
    vfy_access_info a;
    vfy_outcome ca;
    cr_assert_eq(read_cam("sim?mapping=cam", &a, &ca), VFY_OK);
    cr_assert_str_eq(a.mapping, "CAM");
    cr_assert_eq(ca, VFY_OUTCOME_OK);
    cr_assert(a.cam_verified);

    char dir[64];
    tmpdir_make("cam-bad", dir, sizeof dir);
    static const char *names[] = { "EF_COM.bin", "EF_SOD.bin", "DG1.bin", "DG2.bin", "DG14.bin" };
    for (size_t i = 0; i < 5; i++)
        write_embedded(dir, names[i]);
    EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "brainpoolP256r1");
    cr_assert_not_null(other);
    char path[512];
    snprintf(path, sizeof path, "%s/chipauth_private.pem", dir);
    FILE *f = fopen(path, "wb");
    cr_assert_eq(PEM_write_PrivateKey(f, other, NULL, NULL, 0, NULL, NULL), 1);
    fclose(f);
    EVP_PKEY_free(other);
    char conn[600];
    snprintf(conn, sizeof conn, "sim:%s?mapping=cam", dir);
    cr_assert_eq(read_cam(conn, &a, &ca), VFY_OK);
    cr_assert_eq(ca, VFY_OUTCOME_FAILED);
    cr_assert(!a.cam_verified);
    tmpdir_remove(dir);
}

Test(sim_cam, no_cam_without_a_chip_authentication_key)
{
    char dir[64];
    tmpdir_make("cam", dir, sizeof dir);
    write_embedded(dir, "DG1.bin");
    char conn[600];
    snprintf(conn, sizeof conn, "sim:%s?mapping=cam&bac=off", dir);
    vfy_access_info a;
    vfy_outcome ca;
    cr_assert_eq(read_cam(conn, &a, &ca), VFY_E_PACE_FAILED);
    char path[600];
    snprintf(path, sizeof path, "%s/DG1.bin", dir);
    remove(path);
    rmdir(dir);
}

/* After a CAM read, Chip Authentication counts as done only when the CAM data verified
 * against DG14's key; a CAM chip without DG14 has proved nothing that can be checked. */
static vfy_outcome chip_auth_after_cam(const char *conn)
{
    vfy_session *s = NULL;
    cr_assert_eq(vfy_session_open(conn, &s, NULL), VFY_OK);
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    vfy_access_key k;
    cr_assert_eq(vfy_access_key_from_can("123456", &k, NULL), VFY_OK);
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_session_read_document(s, &k, NULL, doc, &d), VFY_OK, "%s", d.message);
    vfy_chip_checks chip;
    cr_assert_eq(vfy_session_authenticate(s, doc, &chip, &d), VFY_OK, "%s", d.message);
    vfy_session_close(s);
    vfy_document_free(doc);
    return chip.chip_auth.outcome;
}

Test(sim_cam, chip_authentication_by_cam_needs_the_dg14_check)
{
    cr_assert_eq(chip_auth_after_cam("sim?mapping=cam"), VFY_OUTCOME_OK);

    char dir[64];
    tmpdir_make("cam-nodg14", dir, sizeof dir);
    static const char *names[] = { "EF_COM.bin", "EF_SOD.bin", "DG1.bin", "DG2.bin",
                                   "chipauth_private.pem" };
    for (size_t i = 0; i < 5; i++)
        write_embedded(dir, names[i]);
    char conn[600];
    snprintf(conn, sizeof conn, "sim:%s?mapping=cam", dir);
    cr_assert_eq(chip_auth_after_cam(conn), VFY_OUTCOME_FAILED,
                 "CAM without DG14 or EF.CardSecurity must not count as Chip Authentication");
    /* With EF.CardSecurity (read by the session under PACE-CAM) the key is there. */
    write_embedded(dir, "EF_CardSecurity.bin");
    cr_assert_eq(chip_auth_after_cam(conn), VFY_OUTCOME_OK);
    /* ... and a chip with another key fails against it. */
    EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "brainpoolP256r1");
    char path[600];
    snprintf(path, sizeof path, "%s/chipauth_private.pem", dir);
    cr_assert_eq(unlink(path), 0);
    FILE *f = fopen(path, "wb");
    cr_assert_eq(PEM_write_PrivateKey(f, other, NULL, NULL, 0, NULL, NULL), 1);
    fclose(f);
    EVP_PKEY_free(other);
    cr_assert_eq(chip_auth_after_cam(conn), VFY_OUTCOME_FAILED);
    tmpdir_remove(dir);
}

/* DG14 as ICAO 9303-11 §9.2 has it: 6E { SET { ChipAuthenticationPublicKeyInfo ... } }, one
 * per key (id-PK-ECDH, the SubjectPublicKeyInfo from OpenSSL, keyId). */
static size_t dg14_of(EVP_PKEY *const *keys, const long *ids, size_t n, uint8_t *out, size_t cap)
{
    static const uint8_t pk_ecdh[] = { 0x06, 0x09, 0x04, 0x00, 0x7F, 0x00, 0x07,
                                       0x02, 0x02, 0x01, 0x02 };
    uint8_t set[1024];
    size_t s = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char *spki = NULL;
        int spki_len = i2d_PUBKEY(keys[i], &spki);
        cr_assert_gt(spki_len, 0);
        size_t body = sizeof pk_ecdh + (size_t)spki_len + 3;
        cr_assert_lt(body, 0x100);
        cr_assert_lt(s + body + 3, sizeof set);
        set[s++] = 0x30;
        set[s++] = 0x81;
        set[s++] = (uint8_t)body;
        memcpy(set + s, pk_ecdh, sizeof pk_ecdh);
        s += sizeof pk_ecdh;
        memcpy(set + s, spki, (size_t)spki_len);
        s += (size_t)spki_len;
        set[s++] = 0x02;
        set[s++] = 0x01;
        set[s++] = (uint8_t)ids[i];
        OPENSSL_free(spki);
    }
    cr_assert_lt(s + 8, cap);
    size_t o = 0;
    out[o++] = 0x6E;
    out[o++] = 0x82;
    out[o++] = (uint8_t)((s + 4) >> 8);
    out[o++] = (uint8_t)(s + 4);
    out[o++] = 0x31;
    out[o++] = 0x82;
    out[o++] = (uint8_t)(s >> 8);
    out[o++] = (uint8_t)s;
    memcpy(out + o, set, s);
    return o + s;
}

static EVP_PKEY *embedded_key(const char *name)
{
    const struct vfy_embedded_file *f = vfy_embedded_find(name);
    cr_assert_not_null(f, "%s", name);
    BIO *bio = BIO_new_mem_buf(f->data, (int)f->len);
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    cr_assert_not_null(key);
    return key;
}

/* A DG14 with several Chip Authentication keys (a German passport carries two): the CAM
 * check holds when the chip's data fits one of them, whatever their order, and fails when
 * it fits none, including a key on another curve. */
Test(sim_cam, cam_check_with_several_dg14_keys)
{
    vfy_transport *t = NULL;
    cr_assert_eq(vfy_transport_open("sim?mapping=cam", &t, NULL), VFY_OK);
    vfy_channel ch;
    cr_assert_eq(vfy_channel_init(&ch, t, NULL), VFY_OK);
    static const uint8_t oid[] = { 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x06, 0x02 };
    vfy_pace_info info;
    cr_assert_eq(vfy_pace_info_from_oid(oid, sizeof oid, &info, NULL), VFY_OK);
    info.has_parameter_id = true;
    info.parameter_id = 13;
    vfy_pace_password pw = { VFY_PACE_PASSWORD_CAN, "123456" };
    vfy_pace_result res;
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_pace_run(&ch, &pw, &info, &res, &d), VFY_OK, "%s", d.message);

    EVP_PKEY *chip = embedded_key("specimen/chipauth_private.pem");
    EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "brainpoolP256r1");
    EVP_PKEY *p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "prime256v1");
    cr_assert(other != NULL && p256 != NULL);
    uint8_t dg14[2048];
    size_t n;
    auth_cam_source src;
    EVP_PKEY *two_a[] = { other, chip }, *two_b[] = { chip, other }, *none[] = { p256, other };
    long ids_a[] = { 13, 14 }, ids_b[] = { 1, 2 };
    n = dg14_of(two_a, ids_a, 2, dg14, sizeof dg14);
    cr_assert_eq(auth_pace_cam(&res, dg14, n, NULL, 0, &src, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(src, AUTH_CAM_DG14);
    n = dg14_of(two_b, ids_b, 2, dg14, sizeof dg14);
    cr_assert_eq(auth_pace_cam(&res, dg14, n, NULL, 0, &src, &d), VFY_OK, "%s", d.message);
    /* EF.CardSecurity's key (the specimen's, the chip's own) when DG14's do not fit. */
    const struct vfy_embedded_file *cs = vfy_embedded_find("specimen/EF_CardSecurity.bin");
    cr_assert_not_null(cs);
    n = dg14_of(none, ids_a, 2, dg14, sizeof dg14);
    cr_assert_eq(auth_pace_cam(&res, dg14, n, cs->data, cs->len, &src, &d), VFY_OK, "%s",
                 d.message);
    cr_assert_eq(src, AUTH_CAM_CARD_SECURITY);
    cr_assert_eq(auth_pace_cam(&res, NULL, 0, cs->data, cs->len, &src, &d), VFY_OK, "%s",
                 d.message);
    n = dg14_of(none, ids_a, 2, dg14, sizeof dg14);
    cr_assert_eq(auth_pace_cam(&res, dg14, n, NULL, 0, &src, &d), VFY_E_CA_FAILED);
    n = dg14_of(none, ids_a, 1, dg14, sizeof dg14);   /* only a key on another curve */
    cr_assert_eq(auth_pace_cam(&res, dg14, n, NULL, 0, &src, &d), VFY_E_CA_FAILED);
    cr_assert_not_null(strstr(d.message, "not a point on the PACE curve"), "%s", d.message);
    cr_assert_eq(auth_pace_cam(&res, NULL, 0, NULL, 0, &src, &d), VFY_E_CA_FAILED);
    EVP_PKEY_free(chip);
    EVP_PKEY_free(other);
    EVP_PKEY_free(p256);
    vfy_channel_free(&ch);
    vfy_transport_close(t);
}
