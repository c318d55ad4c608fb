/*
 * Active Authentication (9303-11 §6.1) with every signature algorithm the standard
 * allows. The truth is made here with OpenSSL alone, independent of the library: keys,
 * ECDSA signatures (DER from EVP_DigestSign, r||s re-encoded from it), and ISO/IEC
 * 9796-2 scheme 1 message representatives signed with the raw RSA private operation.
 *
 * Algorithm identifiers: BSI TR-03111 ecdsa-plain-signatures 0.4.0.127.0.7.1.1.4.1.{1..6}
 * (SHA-1, SHA-224, SHA-256, SHA-384, SHA-512, RIPEMD-160) and ANSI X9.62
 * ecdsa-with-SHA1 1.2.840.10045.4.1, ecdsa-with-SHA224..512 1.2.840.10045.4.3.{1..4};
 * ISO/IEC 9796-2 trailers 0xBC (SHA-1 implicit) and XX CC with the ISO/IEC 10118-3
 * identifier XX: 0x33 SHA-1, 0x38 SHA-224, 0x34 SHA-256, 0x36 SHA-384, 0x35 SHA-512.
 */
#include <criterion/criterion.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

/* ---- encodings made here, independent of the library's writers ------------------- */

static size_t put_len(uint8_t *p, size_t n)
{
    if (n < 0x80) {
        p[0] = (uint8_t)n;
        return 1;
    }
    if (n < 0x100) {
        p[0] = 0x81;
        p[1] = (uint8_t)n;
        return 2;
    }
    p[0] = 0x82;
    p[1] = (uint8_t)(n >> 8);
    p[2] = (uint8_t)n;
    return 3;
}

static size_t put_tlv(uint8_t *out, uint8_t tag, const uint8_t *v, size_t n)
{
    out[0] = tag;
    size_t k = 1 + put_len(out + 1, n);
    memmove(out + k, v, n);
    return k + n;
}

/* DG15: 6F { SubjectPublicKeyInfo }. */
static size_t make_dg15(EVP_PKEY *key, uint8_t *out)
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(key, &der);
    cr_assert_gt(n, 0);
    size_t k = put_tlv(out, 0x6F, der, (size_t)n);
    OPENSSL_free(der);
    return k;
}

static size_t put_oid(uint8_t *out, const char *dotted)
{
    ASN1_OBJECT *o = OBJ_txt2obj(dotted, 1);
    cr_assert_not_null(o, "%s", dotted);
    size_t k = put_tlv(out, 0x06, OBJ_get0_data(o), (size_t)OBJ_length(o));
    ASN1_OBJECT_free(o);
    return k;
}

/* DG14: 6E { SET { ActiveAuthenticationInfo { 2.23.136.1.1.5, 1, signatureAlgorithm } } }. */
static size_t make_dg14(const char *sig_oid, uint8_t *out)
{
    uint8_t seq[64], set[80], buf[96];
    size_t n = put_oid(seq, "2.23.136.1.1.5");
    static const uint8_t version[] = { 0x02, 0x01, 0x01 };
    memcpy(seq + n, version, sizeof version);
    n += sizeof version;
    n += put_oid(seq + n, sig_oid);
    n = put_tlv(buf, 0x30, seq, n);
    n = put_tlv(set, 0x31, buf, n);
    return put_tlv(out, 0x6E, set, n);
}

/* ---- ECDSA --------------------------------------------------------------------------- */

/* DER signature by OpenSSL; *plain gets r||s, each as long as the group order. */
static size_t ecdsa_sign(EVP_PKEY *key, const char *md, const uint8_t *msg, size_t len,
                         uint8_t *der, uint8_t *plain, size_t *plain_len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t n = 160;
    cr_assert_eq(EVP_DigestSignInit_ex(ctx, NULL, md, NULL, NULL, key, NULL), 1, "%s", md);
    cr_assert_eq(EVP_DigestSign(ctx, der, &n, msg, len), 1);
    EVP_MD_CTX_free(ctx);
    const unsigned char *p = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)n);
    cr_assert_not_null(sig);
    BIGNUM *order = NULL;
    cr_assert_eq(EVP_PKEY_get_bn_param(key, "order", &order), 1);
    int field = BN_num_bytes(order);
    BN_free(order);
    cr_assert_eq(BN_bn2binpad(ECDSA_SIG_get0_r(sig), plain, field), field);
    cr_assert_eq(BN_bn2binpad(ECDSA_SIG_get0_s(sig), plain + field, field), field);
    *plain_len = 2 * (size_t)field;
    ECDSA_SIG_free(sig);
    return n;
}

static const struct {
    const char *oid, *md;
} ecdsa_algs[] = {
    { "0.4.0.127.0.7.1.1.4.1.1", "SHA1" },      { "0.4.0.127.0.7.1.1.4.1.2", "SHA224" },
    { "0.4.0.127.0.7.1.1.4.1.3", "SHA256" },    { "0.4.0.127.0.7.1.1.4.1.4", "SHA384" },
    { "0.4.0.127.0.7.1.1.4.1.5", "SHA512" },    { "0.4.0.127.0.7.1.1.4.1.6", "RIPEMD160" },
    { "1.2.840.10045.4.1", "SHA1" },            { "1.2.840.10045.4.3.1", "SHA224" },
    { "1.2.840.10045.4.3.2", "SHA256" },        { "1.2.840.10045.4.3.3", "SHA384" },
    { "1.2.840.10045.4.3.4", "SHA512" },
};

static vfy_status aa(const uint8_t *dg15, size_t n15, const uint8_t *dg14, size_t n14,
                     const uint8_t *challenge, const uint8_t *sig, size_t sig_len, vfy_detail *d)
{
    vfy_detail_clear(d);
    return vfy_aa_verify(dg15, n15, dg14, n14, challenge, 8, sig, sig_len, d);
}

/* The case: DG14 names ecdsa-plain-SHA256 (TR-03111), the chip answers r||s.
 * Before the fix: VFY_E_ALGORITHM "unknown signature algorithm", a genuine chip refused. */
Test(aa_ecdsa, tr03111_plain_oid_of_a_genuine_chip_verifies)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "brainpoolP256r1");
    uint8_t dg15[512], dg14[128], challenge[8], der[160], plain[160];
    size_t n15 = make_dg15(key, dg15), n14 = make_dg14("0.4.0.127.0.7.1.1.4.1.3", dg14), pl;
    cr_assert_eq(RAND_bytes(challenge, 8), 1);
    (void)ecdsa_sign(key, "SHA256", challenge, 8, der, plain, &pl);
    vfy_detail d;
    cr_assert_eq(aa(dg15, n15, dg14, n14, challenge, plain, pl, &d), VFY_OK, "%s", d.message);
    EVP_PKEY_free(key);
}

/* Every hash x {r||s, DER} x {TR-03111 OID, X9.62 OID}, on curves of 256, 384 and 521 bits. */
Test(aa_ecdsa, every_oid_plain_and_der_on_three_curves, .timeout = 60)
{
    static const char *curves[] = { "prime256v1", "brainpoolP384r1", "secp521r1" };
    for (size_t c = 0; c < sizeof curves / sizeof curves[0]; c++) {
        EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curves[c]);
        cr_assert_not_null(key);
        uint8_t dg15[512];
        size_t n15 = make_dg15(key, dg15);
        for (size_t i = 0; i < sizeof ecdsa_algs / sizeof ecdsa_algs[0]; i++) {
            uint8_t dg14[128], challenge[8], der[160], plain[160];
            size_t n14 = make_dg14(ecdsa_algs[i].oid, dg14), pl;
            cr_assert_eq(RAND_bytes(challenge, 8), 1);
            size_t dl = ecdsa_sign(key, ecdsa_algs[i].md, challenge, 8, der, plain, &pl);
            vfy_detail d;
            cr_assert_eq(aa(dg15, n15, dg14, n14, challenge, plain, pl, &d), VFY_OK, "%s %s r||s: %s",
                         curves[c], ecdsa_algs[i].oid, d.message);
            cr_assert_eq(aa(dg15, n15, dg14, n14, challenge, der, dl, &d), VFY_OK, "%s %s DER: %s",
                         curves[c], ecdsa_algs[i].oid, d.message);
            /* Another challenge: the same signatures prove nothing. */
            challenge[0] ^= 0x01;
            cr_assert_eq(aa(dg15, n15, dg14, n14, challenge, plain, pl, &d), VFY_E_AA_FAILED,
                         "%s %s", curves[c], ecdsa_algs[i].oid);
            cr_assert_eq(aa(dg15, n15, dg14, n14, challenge, der, dl, &d), VFY_E_AA_FAILED);
            challenge[0] ^= 0x01;
            /* Any flipped bit of r||s or of the DER signature. */
            plain[pl - 1] ^= 0x04;
            cr_assert_eq(aa(dg15, n15, dg14, n14, challenge, plain, pl, &d), VFY_E_AA_FAILED);
            plain[pl - 1] ^= 0x04;
            der[dl - 1] ^= 0x04;
            cr_assert_eq(aa(dg15, n15, dg14, n14, challenge, der, dl, &d), VFY_E_AA_FAILED);
            der[dl - 1] ^= 0x04;
            /* Truncated by one byte, and DER with a byte appended. */
            cr_assert_eq(aa(dg15, n15, dg14, n14, challenge, plain, pl - 1, &d), VFY_E_AA_FAILED);
            cr_assert_eq(aa(dg15, n15, dg14, n14, challenge, der, dl - 1, &d), VFY_E_AA_FAILED);
            der[dl] = 0x00;
            cr_assert_eq(aa(dg15, n15, dg14, n14, challenge, der, dl + 1, &d), VFY_E_AA_FAILED);
        }
        EVP_PKEY_free(key);
    }
}

/* DG14 names one hash, the chip signed with another: not a proof. */
Test(aa_ecdsa, signature_over_another_hash_than_dg14_names_fails)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "prime256v1");
    uint8_t dg15[512], dg14[128], challenge[8], der[160], plain[160];
    size_t n15 = make_dg15(key, dg15), pl;
    cr_assert_eq(RAND_bytes(challenge, 8), 1);
    size_t dl = ecdsa_sign(key, "SHA256", challenge, 8, der, plain, &pl);
    static const char *others[] = { "0.4.0.127.0.7.1.1.4.1.4", "1.2.840.10045.4.3.3", "1.2.840.10045.4.1",
                                    "0.4.0.127.0.7.1.1.4.1.6" };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        size_t n14 = make_dg14(others[i], dg14);
        vfy_detail d;
        cr_assert_eq(aa(dg15, n15, dg14, n14, challenge, plain, pl, &d), VFY_E_AA_FAILED, "%s", others[i]);
        cr_assert_eq(aa(dg15, n15, dg14, n14, challenge, der, dl, &d), VFY_E_AA_FAILED, "%s", others[i]);
    }
    EVP_PKEY_free(key);
}

/* An OID that is no ECDSA signature algorithm of 9303-11: refused as an algorithm, not
 * guessed. Among them the TR-03111 arc's neighbour .7 and RSA's sha256WithRSAEncryption. */
Test(aa_ecdsa, unknown_or_foreign_oid_is_an_algorithm_error)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "prime256v1");
    uint8_t dg15[512], dg14[128], challenge[8], der[160], plain[160];
    size_t n15 = make_dg15(key, dg15), pl;
    cr_assert_eq(RAND_bytes(challenge, 8), 1);
    (void)ecdsa_sign(key, "SHA256", challenge, 8, der, plain, &pl);
    static const char *bad[] = { "0.4.0.127.0.7.1.1.4.1.7", "1.2.840.113549.1.1.11", "1.2.840.10045.4.3.5",
                                 "1.2.840.10045.2.1" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n14 = make_dg14(bad[i], dg14);
        vfy_detail d;
        cr_assert_eq(aa(dg15, n15, dg14, n14, challenge, plain, pl, &d), VFY_E_ALGORITHM, "%s", bad[i]);
        cr_assert(strstr(d.message, bad[i]) != NULL, "the message names the OID: %s", d.message);
    }
    EVP_PKEY_free(key);
}

/* Without DG14 the hash follows the key size (SHA-256 for 256 bits); a malformed DG14 is
 * an error, not a reason to guess. */
Test(aa_ecdsa, without_dg14_and_with_a_malformed_dg14)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "prime256v1");
    uint8_t dg15[512], dg14[128], challenge[8], der[160], plain[160];
    size_t n15 = make_dg15(key, dg15), pl;
    cr_assert_eq(RAND_bytes(challenge, 8), 1);
    (void)ecdsa_sign(key, "SHA256", challenge, 8, der, plain, &pl);
    vfy_detail d;
    cr_assert_eq(aa(dg15, n15, NULL, 0, challenge, plain, pl, &d), VFY_OK, "%s", d.message);
    size_t n14 = make_dg14("0.4.0.127.0.7.1.1.4.1.3", dg14);
    vfy_status st = aa(dg15, n15, dg14, n14 - 1, challenge, plain, pl, &d);
    cr_assert_eq(st, VFY_E_LENGTH_OVERFLOW, "a truncated DG14: %s", vfy_status_name(st));
    EVP_PKEY_free(key);
}

/* ---- RSA, ISO/IEC 9796-2 scheme 1 ------------------------------------------------------ */

/* F = 6A || M1 || H(M1 || challenge) || trailer, as long as the modulus; signed with the
 * raw RSA private operation. */
static size_t rsa_9796_sign(EVP_PKEY *key, const char *md, const uint8_t *trailer, size_t tl,
                            uint8_t first, const uint8_t *challenge, uint8_t *sig)
{
    size_t k = (size_t)EVP_PKEY_get_size(key);
    uint8_t f[512], input[512];
    EVP_MD *m = EVP_MD_fetch(NULL, md, NULL);
    size_t hl = (size_t)EVP_MD_get_size(m);
    size_t m1 = k - 1 - hl - tl;
    f[0] = first;
    cr_assert_eq(RAND_bytes(f + 1, (int)m1), 1);
    memcpy(input, f + 1, m1);
    memcpy(input + m1, challenge, 8);
    unsigned n = 0;
    cr_assert_eq(EVP_Digest(input, m1 + 8, f + 1 + m1, &n, m, NULL), 1);
    EVP_MD_free(m);
    memcpy(f + 1 + m1 + hl, trailer, tl);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
    size_t sl = 512;
    cr_assert_eq(EVP_PKEY_sign_init(ctx), 1);
    cr_assert_eq(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING), 1);
    cr_assert_eq(EVP_PKEY_sign(ctx, sig, &sl, f, k), 1);
    EVP_PKEY_CTX_free(ctx);
    cr_assert_eq(sl, k);
    return sl;
}

static const struct {
    uint8_t trailer[2];
    size_t len;
    const char *md;
} trailers[] = {
    { { 0xBC }, 1, "SHA1" },         { { 0x33, 0xCC }, 2, "SHA1" },   { { 0x38, 0xCC }, 2, "SHA224" },
    { { 0x34, 0xCC }, 2, "SHA256" }, { { 0x36, 0xCC }, 2, "SHA384" }, { { 0x35, 0xCC }, 2, "SHA512" },
};

Test(aa_rsa, iso9796_2_every_trailer, .timeout = 60)
{
    static const unsigned bits[] = { 1024, 2048 };
    for (size_t b = 0; b < 2; b++) {
        EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits[b]);
        uint8_t dg15[600];
        size_t n15 = make_dg15(key, dg15);
        for (size_t i = 0; i < sizeof trailers / sizeof trailers[0]; i++) {
            uint8_t challenge[8], sig[512];
            cr_assert_eq(RAND_bytes(challenge, 8), 1);
            size_t sl = rsa_9796_sign(key, trailers[i].md, trailers[i].trailer, trailers[i].len, 0x6A,
                                      challenge, sig);
            vfy_detail d;
            cr_assert_eq(aa(dg15, n15, NULL, 0, challenge, sig, sl, &d), VFY_OK, "%u %s %02X: %s", bits[b],
                         trailers[i].md, trailers[i].trailer[0], d.message);
            challenge[7] ^= 0x80;
            cr_assert_eq(aa(dg15, n15, NULL, 0, challenge, sig, sl, &d), VFY_E_AA_FAILED);
            cr_assert(strstr(d.message, "not over this challenge") != NULL, "%s", d.message);
            challenge[7] ^= 0x80;
            sig[sl / 2] ^= 0x01;
            cr_assert_eq(aa(dg15, n15, NULL, 0, challenge, sig, sl, &d), VFY_E_AA_FAILED);
            sig[sl / 2] ^= 0x01;
            cr_assert_eq(aa(dg15, n15, NULL, 0, challenge, sig, sl - 1, &d), VFY_E_AA_FAILED);
        }
        EVP_PKEY_free(key);
    }
}

/* Representatives a 9303 chip never makes: another hash identifier in the trailer
 * (0x37 Whirlpool, 0x31 RIPEMD-160), a hash named by the trailer but another one used,
 * a header other than 6A (total recovery 4A, or no 01 prefix). */
Test(aa_rsa, iso9796_2_refusals)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1536);
    uint8_t dg15[600], challenge[8], sig[512];
    size_t n15 = make_dg15(key, dg15);
    cr_assert_eq(RAND_bytes(challenge, 8), 1);
    vfy_detail d;
    static const uint8_t whirlpool[] = { 0x37, 0xCC }, ripemd[] = { 0x31, 0xCC }, sha256[] = { 0x34, 0xCC };
    size_t sl = rsa_9796_sign(key, "SHA512", whirlpool, 2, 0x6A, challenge, sig);
    cr_assert_eq(aa(dg15, n15, NULL, 0, challenge, sig, sl, &d), VFY_E_AA_FAILED);
    sl = rsa_9796_sign(key, "RIPEMD160", ripemd, 2, 0x6A, challenge, sig);
    cr_assert_eq(aa(dg15, n15, NULL, 0, challenge, sig, sl, &d), VFY_E_AA_FAILED);
    sl = rsa_9796_sign(key, "SHA384", sha256, 2, 0x6A, challenge, sig); /* trailer says SHA-256 */
    cr_assert_eq(aa(dg15, n15, NULL, 0, challenge, sig, sl, &d), VFY_E_AA_FAILED);
    sl = rsa_9796_sign(key, "SHA256", sha256, 2, 0x4A, challenge, sig);
    cr_assert_eq(aa(dg15, n15, NULL, 0, challenge, sig, sl, &d), VFY_E_AA_FAILED);
    cr_assert(strstr(d.message, "0x4A") != NULL, "%s", d.message);
    sl = rsa_9796_sign(key, "SHA256", sha256, 2, 0x2A, challenge, sig);
    cr_assert_eq(aa(dg15, n15, NULL, 0, challenge, sig, sl, &d), VFY_E_AA_FAILED);
    EVP_PKEY_free(key);
}

/* The challenge is 8 bytes, the signature present: anything else is a caller error. */
Test(aa_rsa, arguments)
{
    uint8_t x[8] = { 0 };
    cr_assert_eq(vfy_aa_verify(NULL, 0, NULL, 0, x, 8, x, 8, NULL), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_aa_verify(x, 8, NULL, 0, x, 7, x, 8, NULL), VFY_E_INVALID_ARGUMENT);
}

/* A key anyone can factor or solve proves nothing, however well it signs. */
Test(aa_rsa, weak_keys_are_refused)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)768);
    uint8_t dg15[600], challenge[8], sig[512];
    size_t n15 = make_dg15(key, dg15);
    cr_assert_eq(RAND_bytes(challenge, 8), 1);
    size_t sl = rsa_9796_sign(key, "SHA1", trailers[0].trailer, 1, 0x6A, challenge, sig);
    vfy_detail d;
    cr_assert_eq(aa(dg15, n15, NULL, 0, challenge, sig, sl, &d), VFY_E_WEAK_KEY, "%s", d.message);
    EVP_PKEY_free(key);
    key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp160r1");
    if (key != NULL) { /* when OpenSSL still has 160-bit curves */
        uint8_t der[160], plain[160];
        size_t pl;
        n15 = make_dg15(key, dg15);
        (void)ecdsa_sign(key, "SHA1", challenge, 8, der, plain, &pl);
        cr_assert_eq(aa(dg15, n15, NULL, 0, challenge, plain, pl, &d), VFY_E_WEAK_KEY, "%s", d.message);
        EVP_PKEY_free(key);
    }
}

/* A chip whose DG15 holds a key Doc 9303 does not allow for Active Authentication (an
 * Ed25519 key, with a signature that verifies under it) proves nothing: refused as
 * unsupported, never a passed chip.aa. */
Test(aa_rsa, a_dg15_key_neither_rsa_nor_ec_is_refused)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    cr_assert_not_null(key);
    uint8_t dg15[200], challenge[8], sig[64];
    size_t n15 = make_dg15(key, dg15), sl = sizeof sig;
    cr_assert_eq(RAND_bytes(challenge, 8), 1);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    cr_assert(EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) == 1 &&
              EVP_DigestSign(ctx, sig, &sl, challenge, sizeof challenge) == 1);
    EVP_MD_CTX_free(ctx);
    vfy_detail d;
    cr_assert_eq(aa(dg15, n15, NULL, 0, challenge, sig, sl, &d), VFY_E_UNSUPPORTED, "%s", d.message);
    cr_assert(strstr(d.message, "neither RSA nor EC") != NULL, "%s", d.message);
    EVP_PKEY_free(key);
}
