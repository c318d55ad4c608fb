/*
 * Seal signers against a PKI made here with OpenSSL (tests/pki.h): seals built and
 * signed in the test, then verified through the public API. Covers the lookup by
 * signer identifier + reference and by certificate hash, chaining to a CSCA of the
 * trust store, a signer trusted directly, validity at the signature creation date
 * versus now, revocation, forged issuers, tampering, embedded IDB certificates,
 * compression, and the cross-check of a visa seal with the passport's MRZ.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "pki.h"
#include "support.h"
#include "trust/trust_internal.h"
#include "verify/seal.h"

#define DAY (24 * 3600)

/* ---- building seals ------------------------------------------------------------------ */
typedef struct buf {
    uint8_t d[4096];
    size_t n;
} buf;

static void put(buf *b, const void *p, size_t n)
{
    cr_assert_leq(b->n + n, sizeof b->d);
    memcpy(b->d + b->n, p, n);
    b->n += n;
}

static void put8(buf *b, unsigned v)
{
    uint8_t x = (uint8_t)v;
    put(b, &x, 1);
}

static unsigned c40_value(char ch)
{
    if (ch == ' ' || ch == '<')
        return 3;
    if (ch >= '0' && ch <= '9')
        return (unsigned)(ch - '0' + 4);
    cr_assert(ch >= 'A' && ch <= 'Z', "not C40: %c", ch);
    return (unsigned)(ch - 'A' + 14);
}

/* C40 as BSI TR-03137 annex B encodes it (the encoder side, written independently). */
static void put_c40(buf *b, const char *s)
{
    size_t n = strlen(s), i = 0;
    for (; i + 3 <= n; i += 3) {
        unsigned v = 1600 * c40_value(s[i]) + 40 * c40_value(s[i + 1]) + c40_value(s[i + 2]) + 1;
        put8(b, v >> 8);
        put8(b, v & 0xFF);
    }
    if (n - i == 2) {
        unsigned v = 1600 * c40_value(s[i]) + 40 * c40_value(s[i + 1]) + 1;
        put8(b, v >> 8);
        put8(b, v & 0xFF);
    } else if (n - i == 1) {
        put8(b, 0xFE);
        put8(b, (unsigned)(s[i] == '<' ? ' ' : s[i]) + 1);
    }
}

static void put_date3(buf *b, time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    unsigned v = (unsigned)((tm.tm_mon + 1) * 1000000 + tm.tm_mday * 10000 + tm.tm_year + 1900);
    put8(b, v >> 16);
    put8(b, (v >> 8) & 0xFF);
    put8(b, v & 0xFF);
}

static void put_tlv(buf *b, unsigned tag, const uint8_t *v, size_t n)
{
    put8(b, tag);
    if (n < 0x80) {
        put8(b, (unsigned)n);
    } else if (n < 0x100) {
        put8(b, 0x81);
        put8(b, (unsigned)n);
    } else {
        put8(b, 0x82);
        put8(b, (unsigned)(n >> 8));
        put8(b, n & 0xFF);
    }
    put(b, v, n);
}

static void put_c40_tlv(buf *b, unsigned tag, const char *s)
{
    buf v = { .n = 0 };
    put_c40(&v, s);
    put_tlv(b, tag, v.d, v.n);
}

/* ECDSA over data as r||s (each half `half` bytes). */
static void sign_rs(EVP_PKEY *key, const EVP_MD *md, const uint8_t *data, size_t n, size_t half, buf *out)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    uint8_t der[256];
    size_t der_len = sizeof der;
    cr_assert_eq(EVP_DigestSignInit(ctx, NULL, md, NULL, key), 1);
    cr_assert_eq(EVP_DigestSign(ctx, der, &der_len, data, n), 1);
    EVP_MD_CTX_free(ctx);
    const unsigned char *p = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    cr_assert_not_null(sig);
    uint8_t rs[132];
    cr_assert_eq(BN_bn2binpad(ECDSA_SIG_get0_r(sig), rs, (int)half), (int)half);
    cr_assert_eq(BN_bn2binpad(ECDSA_SIG_get0_s(sig), rs + half, (int)half), (int)half);
    ECDSA_SIG_free(sig);
    out->n = 0;
    put(out, rs, 2 * half);
}

static const char *visa_mrz = "VCD<<DENT<<ARTHUR<PHILIP<<<<<<<<<<<<" "1234567XY7GBR5203116M2005250";

/* A version-4 ICAO visa seal issued by `state`, by signer `prefix` (C + CN, "UTTS") with
 * reference `ref`, signed at `signed_at`. */
static void make_vds_as(buf *seal, EVP_PKEY *key, const char *state, const char *prefix, const char *ref,
                        time_t signed_at)
{
    seal->n = 0;
    put8(seal, 0xDC);
    put8(seal, 0x03);
    put_c40(seal, state);
    char signer[32];
    snprintf(signer, sizeof signer, "%s%02zX", prefix, strlen(ref) & 0xFF);
    put_c40(seal, signer);
    put_c40(seal, ref);
    put_date3(seal, signed_at - 30 * DAY);
    put_date3(seal, signed_at);
    put8(seal, 0x5D);
    put8(seal, 0x01);
    put_c40_tlv(seal, 0x02, visa_mrz);
    static const uint8_t stay[] = { 90, 0, 0 };
    put_tlv(seal, 0x04, stay, 3);
    put_c40_tlv(seal, 0x05, "47110815P");
    buf rs;
    sign_rs(key, EVP_sha256(), seal->d, seal->n, 32, &rs);
    put_tlv(seal, 0xFF, rs.d, rs.n);
}

/* A version-4 ICAO visa seal of Utopia by signer UTTS. */
static void make_vds(buf *seal, EVP_PKEY *key, const char *ref, time_t signed_at)
{
    make_vds_as(seal, key, "UTO", "UTTS", ref, signed_at);
}

/* ---- the test PKI -------------------------------------------------------------------- */
typedef struct pki {
    EVP_PKEY *csca_key, *signer_key, *evil_key;
    X509 *csca, *signer;
} pki;

static X509 *barcode_signer(pki *p, long serial, long from_days, long to_days, EVP_PKEY *issuer_key)
{
    return pki_cert(&(pki_cert_spec){ .cn = "TS", .country = "UT", .key = p->signer_key, .issuer = p->csca,
                                      .issuer_key = issuer_key ? issuer_key : p->csca_key,
                                      .not_before_days = from_days, .not_after_days = to_days,
                                      .usage = PKI_KU_SIGN, .serial = serial });
}

static void pki_make(pki *p)
{
    p->csca_key = pki_key("ec:prime256v1");
    p->signer_key = pki_key("ec:prime256v1");
    p->evil_key = pki_key("ec:prime256v1");
    p->csca = pki_cert(&(pki_cert_spec){ .cn = "CSCA Utopia", .country = "UT", .key = p->csca_key,
                                         .not_before_days = -3650, .not_after_days = 3650,
                                         .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 1 });
    p->signer = barcode_signer(p, 0x5C, -100, 365, NULL);
}

static void pki_free(pki *p)
{
    EVP_PKEY_free(p->csca_key);
    EVP_PKEY_free(p->signer_key);
    EVP_PKEY_free(p->evil_key);
    X509_free(p->csca);
    X509_free(p->signer);
}

static vfy_trust *trust_of(X509 *a, X509 *b)
{
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    if (a != NULL)
        cr_assert_eq(vfy_trust_add_x509(t, a, "test", NULL), VFY_OK);
    if (b != NULL)
        cr_assert_eq(vfy_trust_add_x509(t, b, "test", NULL), VFY_OK);
    return t;
}

static vfy_seal_signers *signers_of(X509 *c)
{
    vfy_seal_signers *s;
    cr_assert_eq(vfy_seal_signers_new(&s), VFY_OK);
    unsigned char *der = NULL;
    int n = i2d_X509(c, &der);
    cr_assert_gt(n, 0);
    cr_assert_eq(vfy_seal_signers_add_memory(s, der, (size_t)n, NULL), VFY_OK);
    OPENSSL_free(der);
    cr_assert_eq(vfy_seal_signers_count(s), 1);
    return s;
}

static vfy_status verify(const buf *seal, const vfy_trust *t, const vfy_seal_signers *s, vfy_seal_result **r)
{
    vfy_seal_options o = { .trust = t, .signers = s };
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status st = vfy_seal_verify(seal->d, seal->n, &o, r, &d);
    cr_assert_not_null(*r);
    cr_assert_eq((*r)->status, st);
    if (st != VFY_OK)
        cr_assert(d.message[0] != '\0', "%s without a message", vfy_status_name(st));
    return st;
}

Test(seal_pki, signer_in_store_chains_to_csca)
{
    pki p;
    pki_make(&p);
    buf seal;
    make_vds(&seal, p.signer_key, "5C", time(NULL) - DAY);
    vfy_trust *t = trust_of(p.csca, NULL);
    vfy_seal_signers *s = signers_of(p.signer);
    vfy_seal_result *r;
    cr_assert_eq(verify(&seal, t, s, &r), VFY_OK, "%s", r->detail.message);
    cr_assert_eq(r->verdict, VFY_SEAL_VALID);
    cr_assert(r->signer.found && r->signer.chained && !r->signer.direct_anchor);
    cr_assert(r->signer.valid_at_signing && r->signer.valid_now);
    cr_assert_str_eq(r->signer.serial, "5C");
    cr_assert_str_eq(r->header.document_type, "ICAO visa");
    vfy_seal_result_free(r);

    /* The same seal, tampered in the message zone: the signature fails. */
    seal.d[30] ^= 0x01;
    cr_assert_eq(verify(&seal, t, s, &r), VFY_E_SIGNATURE);
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    vfy_seal_result_free(r);
    seal.d[30] ^= 0x01;
    seal.d[seal.n - 1] ^= 0x01;
    cr_assert_eq(verify(&seal, t, s, &r), VFY_E_SIGNATURE);
    vfy_seal_result_free(r);

    /* Without the signer certificate, or naming another serial: not found. */
    seal.d[seal.n - 1] ^= 0x01;
    cr_assert_eq(verify(&seal, t, NULL, &r), VFY_E_SEAL_SIGNER_UNKNOWN);
    cr_assert_eq(r->verdict, VFY_SEAL_UNVERIFIED);
    vfy_seal_result_free(r);
    buf other;
    make_vds(&other, p.signer_key, "5D", time(NULL) - DAY);
    cr_assert_eq(verify(&other, t, s, &r), VFY_E_SEAL_SIGNER_UNKNOWN);
    vfy_seal_result_free(r);
    /* Without any trust store: the signature is checked, but nothing anchors it. */
    cr_assert_eq(verify(&seal, NULL, s, &r), VFY_E_NO_TRUST_ANCHOR);
    cr_assert(r->signature_ok);
    cr_assert_eq(r->verdict, VFY_SEAL_UNVERIFIED);
    vfy_seal_result_free(r);
    vfy_seal_signers_free(s);
    vfy_trust_free(t);
    pki_free(&p);
}

Test(seal_pki, signer_trusted_directly_and_untrusted_issuers)
{
    pki p;
    pki_make(&p);
    buf seal;
    make_vds(&seal, p.signer_key, "5C", time(NULL) - DAY);
    vfy_seal_result *r;
    /* A barcode signer alone in the trust store is found (a hint) but anchors nothing. */
    vfy_trust *direct = trust_of(p.signer, NULL);
    cr_assert_eq(verify(&seal, direct, NULL, &r), VFY_E_NO_TRUST_ANCHOR);
    cr_assert_eq(r->verdict, VFY_SEAL_UNVERIFIED);
    cr_assert(r->signature_ok && !r->signer.direct_anchor && !r->signer.chained);
    vfy_seal_result_free(r);
    vfy_trust_free(direct);
    /* With its CSCA beside it, the hint chains. */
    direct = trust_of(p.csca, p.signer);
    cr_assert_eq(verify(&seal, direct, NULL, &r), VFY_OK, "%s", r->detail.message);
    cr_assert(!r->signer.direct_anchor && r->signer.chained);
    vfy_seal_result_free(r);
    vfy_trust_free(direct);

    /* A CSCA of another state: no anchor. */
    EVP_PKEY *k = pki_key("ec:prime256v1");
    X509 *other = pki_cert(&(pki_cert_spec){ .cn = "CSCA Elsewhere", .country = "XX", .key = k,
                                             .not_before_days = -10, .not_after_days = 10,
                                             .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 7 });
    vfy_trust *t = trust_of(other, NULL);
    vfy_seal_signers *s = signers_of(p.signer);
    cr_assert_eq(verify(&seal, t, s, &r), VFY_E_NO_TRUST_ANCHOR);
    cr_assert_eq(r->verdict, VFY_SEAL_UNVERIFIED);
    vfy_seal_result_free(r);
    vfy_trust_free(t);
    vfy_seal_signers_free(s);

    /* A signer certificate that names the CSCA but was signed by another key. */
    X509 *forged = barcode_signer(&p, 0x5C, -100, 365, p.evil_key);
    t = trust_of(p.csca, NULL);
    s = signers_of(forged);
    cr_assert_eq(verify(&seal, t, s, &r), VFY_E_CERT_CHAIN);
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    vfy_seal_result_free(r);
    vfy_seal_signers_free(s);
    vfy_trust_free(t);
    X509_free(forged);
    X509_free(other);
    EVP_PKEY_free(k);
    pki_free(&p);
}

Test(seal_pki, validity_at_signing_decides_now_is_reported)
{
    pki p;
    pki_make(&p);
    vfy_trust *t = trust_of(p.csca, NULL);
    vfy_seal_result *r;
    /* Signed 200 days ago by a certificate that expired 100 days ago: valid. */
    X509 *old = barcode_signer(&p, 0x5C, -800, -100, NULL);
    vfy_seal_signers *s = signers_of(old);
    buf seal;
    make_vds(&seal, p.signer_key, "5C", time(NULL) - 200 * DAY);
    cr_assert_eq(verify(&seal, t, s, &r), VFY_OK, "%s", r->detail.message);
    cr_assert(r->signer.has_signing_time && r->signer.valid_at_signing && !r->signer.valid_now);
    vfy_seal_result_free(r);
    /* Signed yesterday by that expired certificate: refused. */
    make_vds(&seal, p.signer_key, "5C", time(NULL) - DAY);
    cr_assert_eq(verify(&seal, t, s, &r), VFY_E_CERT_EXPIRED);
    cr_assert(!r->signer.valid_at_signing);
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    vfy_seal_result_free(r);
    vfy_seal_signers_free(s);
    X509_free(old);

    /* Revoked by the CSCA's CRL. */
    X509_CRL *crl = pki_crl(p.csca, p.csca_key, p.signer, 30);
    vfy_trust_free(t);
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    cr_assert_eq(vfy_trust_add_x509(t, p.csca, "test", NULL), VFY_OK);
    unsigned char *der = NULL;
    int n = i2d_X509_CRL(crl, &der);
    cr_assert_eq(vfy_trust_add_memory(t, der, (size_t)n, "crl", NULL), VFY_OK);
    OPENSSL_free(der);
    s = signers_of(p.signer);
    cr_assert_eq(verify(&seal, t, s, &r), VFY_E_CERT_REVOKED);
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    vfy_seal_result_free(r);
    vfy_seal_signers_free(s);
    X509_CRL_free(crl);
    vfy_trust_free(t);
    pki_free(&p);
}

/* ---- IDB with an embedded certificate ---------------------------------------------------- */
static void base32(const uint8_t *p, size_t n, char *out)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | p[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = a[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out[o++] = a[(acc << (5 - bits)) & 31];
    out[o] = '\0';
}

static void make_idb(buf *text, pki *p, X509 *embed, bool wrong_ref, bool compress)
{
    unsigned char *der = NULL;
    int der_len = i2d_X509(p->signer, &der);
    uint8_t md[SHA_DIGEST_LENGTH];
    SHA1(der, (size_t)der_len, md);
    buf payload = { .n = 0 };
    put_c40(&payload, "UTO");
    put8(&payload, 0x01); /* ECDSA-SHA-256 */
    md[SHA_DIGEST_LENGTH - 1] ^= wrong_ref ? 1 : 0;
    put(&payload, md + SHA_DIGEST_LENGTH - 5, 5);
    put8(&payload, 0x00); /* masked date, nothing masked */
    put_date3(&payload, time(NULL) - DAY);
    buf msgs = { .n = 0 };
    put_c40_tlv(&msgs, 0x09, "123456"); /* CAN */
    put_tlv(&payload, 0x61, msgs.d, msgs.n);
    size_t signed_len = payload.n;
    if (embed != NULL) {
        unsigned char *e = NULL;
        int en = i2d_X509(embed, &e);
        put_tlv(&payload, 0x7E, e, (size_t)en);
        OPENSSL_free(e);
    }
    buf rs;
    sign_rs(p->signer_key, EVP_sha256(), payload.d, signed_len, 32, &rs);
    put_tlv(&payload, 0x7F, rs.d, rs.n);
    OPENSSL_free(der);
    uint8_t z[4096];
    uLongf zn = sizeof z;
    const uint8_t *body = payload.d;
    size_t body_len = payload.n;
    if (compress) {
        cr_assert_eq(compress2(z, &zn, payload.d, payload.n, 9), Z_OK);
        body = z;
        body_len = zn;
    }
    text->n = 0;
    put(text, compress ? "RDB1D" : "RDB1B", 5);
    char b32[4096];
    base32(body, body_len, b32);
    put(text, b32, strlen(b32));
}

Test(seal_pki, idb_embedded_certificate)
{
    pki p;
    pki_make(&p);
    vfy_trust *t = trust_of(p.csca, NULL);
    vfy_seal_result *r;
    buf text;
    for (int zip = 0; zip < 2; zip++) {
        make_idb(&text, &p, p.signer, false, zip);
        cr_assert_eq(verify(&text, t, NULL, &r), VFY_OK, "%s", r->detail.message);
        cr_assert(r->signer.embedded && r->signer.chained);
        cr_assert_eq(r->header.compressed, zip);
        cr_assert_eq(r->message_count, 1);
        cr_assert_str_eq(r->messages[0].name, "CAN");
        cr_assert_str_eq(r->messages[0].text, "123456");
        vfy_seal_result_free(r);
    }
    /* The embedded certificate does not match the header's reference. */
    make_idb(&text, &p, p.signer, true, false);
    cr_assert_eq(verify(&text, t, NULL, &r), VFY_E_MISMATCH);
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    vfy_seal_result_free(r);
    /* Referenced only: found in the signer store by its SHA-1 tail. */
    make_idb(&text, &p, NULL, false, false);
    vfy_seal_signers *s = signers_of(p.signer);
    cr_assert_eq(verify(&text, t, s, &r), VFY_OK, "%s", r->detail.message);
    cr_assert(!r->signer.embedded && r->signer.chained);
    vfy_seal_result_free(r);
    cr_assert_eq(verify(&text, t, NULL, &r), VFY_E_SEAL_SIGNER_UNKNOWN);
    vfy_seal_result_free(r);
    vfy_seal_signers_free(s);
    vfy_trust_free(t);
    pki_free(&p);
}

/* ---- the passport cross-check --------------------------------------------------------------- */
static void td3(char *out, size_t cap, const char *number, const char *nationality, const char *birth, char sex)
{
    char l2[45];
    snprintf(l2, sizeof l2, "%-9s", number);
    for (char *c = l2; *c; c++)
        if (*c == ' ')
            *c = '<';
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%s%d%s%s%d%c%s%d%s", l2, vfy_mrz_check_digit(l2, 9), nationality, birth,
             vfy_mrz_check_digit(birth, 6), sex, "300101", vfy_mrz_check_digit("300101", 6), "<<<<<<<<<<<<<<");
    char line2[160];
    snprintf(line2, sizeof line2, "%s%d", tmp, vfy_mrz_check_digit("<<<<<<<<<<<<<<", 14));
    char comp[128];
    snprintf(comp, sizeof comp, "%.10s%.7s%.22s", line2, line2 + 13, line2 + 21);
    char line1[128];
    snprintf(line1, sizeof line1, "P<%sDENT<<ARTHUR<PHILIP", nationality);
    while (strlen(line1) < 44)
        strcat(line1, "<");
    snprintf(out, cap, "%s\n%s%d", line1, line2, vfy_mrz_check_digit(comp, strlen(comp)));
}

static vfy_status check_with(const buf *seal, const vfy_trust *t, const char *mrz, vfy_seal_result **r)
{
    vfy_mrz passport;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_mrz_parse(mrz, strlen(mrz), NULL, &passport, &d), VFY_OK, "%s: %s", mrz, d.message);
    cr_assert(passport.valid, "%s", mrz);
    vfy_seal_options o = { .trust = t, .passport = &passport };
    return vfy_seal_verify(seal->d, seal->n, &o, r, NULL);
}

Test(seal_pki, visa_against_passport)
{
    pki p;
    pki_make(&p);
    buf seal;
    make_vds(&seal, p.signer_key, "5C", time(NULL) - DAY);
    vfy_trust *t = trust_of(p.csca, p.signer);
    char mrz[128];
    vfy_seal_result *r;
    td3(mrz, sizeof mrz, "47110815P", "GBR", "520311", 'M');
    cr_assert_eq(check_with(&seal, t, mrz, &r), VFY_OK);
    cr_assert(r->mrz_checked);
    cr_assert_eq(r->mismatch_count, 0);
    vfy_seal_result_free(r);

    td3(mrz, sizeof mrz, "C01X00T47", "GBR", "520311", 'M');
    cr_assert_eq(check_with(&seal, t, mrz, &r), VFY_E_MISMATCH);
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    cr_assert(r->signature_ok, "the seal itself is genuine");
    cr_assert_eq(r->mismatch_count, 1);
    cr_assert_str_eq(r->mismatches[0].field, "passport_number");
    cr_assert_str_eq(r->mismatches[0].seal, "47110815P");
    cr_assert_str_eq(r->mismatches[0].passport, "C01X00T47");
    vfy_seal_result_free(r);

    td3(mrz, sizeof mrz, "47110815P", "UTO", "520312", 'F');
    cr_assert_eq(check_with(&seal, t, mrz, &r), VFY_E_MISMATCH);
    cr_assert_eq(r->mismatch_count, 3);
    cr_assert_str_eq(r->mismatches[0].field, "nationality");
    cr_assert_str_eq(r->mismatches[1].field, "birth_date");
    cr_assert_str_eq(r->mismatches[2].field, "sex");
    cr_assert(strstr(r->detail.message, "nationality, birth_date, sex") != NULL, "%s", r->detail.message);
    vfy_seal_result_free(r);
    vfy_trust_free(t);
    pki_free(&p);
}

/* ---- binding the signer to the seal (issue 10, item 5) ------------------------------- */

/* A German barcode signer under a German CSCA signs a seal that says France: invalid. */
Test(seal_pki, issuing_state_must_be_the_signers_country)
{
    EVP_PKEY *csca_key = pki_key("ec:prime256v1"), *key = pki_key("ec:prime256v1");
    X509 *csca = pki_cert(&(pki_cert_spec){ .cn = "CSCA Germany", .country = "DE", .key = csca_key,
                                            .not_before_days = -3650, .not_after_days = 3650,
                                            .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 1 });
    X509 *signer = pki_cert(&(pki_cert_spec){ .cn = "TS", .country = "DE", .key = key, .issuer = csca,
                                              .issuer_key = csca_key, .not_before_days = -100,
                                              .not_after_days = 365, .usage = PKI_KU_SIGN, .serial = 0x5C });
    vfy_trust *t = trust_of(csca, signer);
    vfy_seal_result *r;
    buf seal;
    make_vds_as(&seal, key, "FRA", "DETS", "5C", time(NULL) - DAY);
    cr_assert_eq(verify(&seal, t, NULL, &r), VFY_E_SEAL_COUNTRY, "%s", r->detail.message);
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    cr_assert(r->signature_ok && r->signer.chained);
    cr_assert(strstr(r->detail.message, "FRA") != NULL, "%s", r->detail.message);
    vfy_seal_result_free(r);
    /* "D" is Germany, as on passports: valid. */
    make_vds_as(&seal, key, "D", "DETS", "5C", time(NULL) - DAY);
    cr_assert_eq(verify(&seal, t, NULL, &r), VFY_OK, "%s", r->detail.message);
    cr_assert_eq(r->verdict, VFY_SEAL_VALID);
    vfy_seal_result_free(r);
    vfy_trust_free(t);

    /* A German signer certified by a Utopian CSCA for a German seal: the CSCA disagrees. */
    EVP_PKEY *ut_key = pki_key("ec:prime256v1");
    X509 *ut = pki_cert(&(pki_cert_spec){ .cn = "CSCA Utopia", .country = "UT", .key = ut_key,
                                          .not_before_days = -3650, .not_after_days = 3650,
                                          .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 1 });
    X509 *crossed = pki_cert(&(pki_cert_spec){ .cn = "TS", .country = "DE", .key = key, .issuer = ut,
                                               .issuer_key = ut_key, .not_before_days = -100,
                                               .not_after_days = 365, .usage = PKI_KU_SIGN, .serial = 0x5C });
    t = trust_of(ut, crossed);
    cr_assert_eq(verify(&seal, t, NULL, &r), VFY_E_SEAL_COUNTRY, "%s", r->detail.message);
    cr_assert(strstr(r->detail.message, "CSCA is from UT") != NULL, "%s", r->detail.message);
    vfy_seal_result_free(r);
    vfy_trust_free(t);
    X509_free(crossed);
    X509_free(ut);
    EVP_PKEY_free(ut_key);
    X509_free(signer);
    X509_free(csca);
    EVP_PKEY_free(key);
    EVP_PKEY_free(csca_key);
}

/* IDB: a certificate of another country embedded in a Utopian seal. */
Test(seal_pki, idb_issuing_state_must_be_the_signers_country)
{
    pki p;
    pki_make(&p);
    X509_free(p.signer);
    p.signer = pki_cert(&(pki_cert_spec){ .cn = "TS", .country = "DE", .key = p.signer_key, .issuer = p.csca,
                                          .issuer_key = p.csca_key, .not_before_days = -100,
                                          .not_after_days = 365, .usage = PKI_KU_SIGN, .serial = 0x5C });
    buf text;
    make_idb(&text, &p, p.signer, false, false);
    vfy_trust *t = trust_of(p.csca, NULL);
    vfy_seal_result *r;
    cr_assert_eq(verify(&text, t, NULL, &r), VFY_E_SEAL_COUNTRY, "%s", r->detail.message);
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    vfy_seal_result_free(r);
    vfy_trust_free(t);
    pki_free(&p);
}

static X509 *typed_signer(pki *p, const char *types)
{
    return pki_cert(&(pki_cert_spec){ .cn = "TS", .country = "UT", .key = p->signer_key, .issuer = p->csca,
                                      .issuer_key = p->csca_key, .not_before_days = -100,
                                      .not_after_days = 365, .usage = PKI_KU_SIGN, .serial = 0x5C,
                                      .doc_types = types });
}

/* The documentTypeList extension must allow the seal's document type (a visa: V). */
Test(seal_pki, document_type_list_must_allow_the_seal)
{
    pki p;
    pki_make(&p);
    buf seal;
    make_vds(&seal, p.signer_key, "5C", time(NULL) - DAY);
    vfy_seal_result *r;
    static const struct { const char *types; vfy_status want; } cases[] = {
        { "NV,NT", VFY_E_SEAL_DOC_TYPE }, /* a health-proof signer signs a visa */
        { "ST", VFY_E_SEAL_DOC_TYPE },
        { "V", VFY_OK },
        { "NV,VD", VFY_E_SEAL_DOC_TYPE }, /* the seal's code is "V": "VD" names another type */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        X509 *signer = typed_signer(&p, cases[i].types);
        vfy_trust *t = trust_of(p.csca, signer);
        vfy_status want = cases[i].want;
        cr_assert_eq(verify(&seal, t, NULL, &r), want, "%s: %s", cases[i].types, r->detail.message);
        cr_assert_eq(r->verdict, want == VFY_OK ? VFY_SEAL_VALID : VFY_SEAL_INVALID, "%s", cases[i].types);
        vfy_seal_result_free(r);
        vfy_trust_free(t);
        X509_free(signer);
    }
    /* Without the extension: no restriction (docs/seals.md), and the result says so. */
    vfy_trust *t = trust_of(p.csca, p.signer);
    cr_assert_eq(verify(&seal, t, NULL, &r), VFY_OK, "%s", r->detail.message);
    bool noted = false;
    for (unsigned i = 0; i < r->choice_count; i++)
        noted |= strcmp(r->choices[i], "signer-without-doc-type-list") == 0;
    cr_assert(noted);
    vfy_seal_result_free(r);
    vfy_trust_free(t);
    pki_free(&p);
}

/* ---- VDS-NC: the embedded signer bound to hdr.is and hdr.t ---------------------------- */
static void b64url(const uint8_t *p, size_t n, char *out)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        out[o++] = a[v >> 18 & 63];
        out[o++] = a[v >> 12 & 63];
        if (i + 1 < n)
            out[o++] = a[v >> 6 & 63];
        if (i + 2 < n)
            out[o++] = a[v & 63];
    }
    out[o] = '\0';
}

/* A VDS-NC of type `type` issued by `state`, signed by `key`, carrying `cert`. The data
 * is written in its RFC 8785 form, which is what the signature covers. */
static void make_vdsnc(buf *out, EVP_PKEY *key, X509 *cert, const char *state, const char *type)
{
    char data[256];
    snprintf(data, sizeof data, "{\"hdr\":{\"is\":\"%s\",\"t\":\"%s\",\"v\":1},\"msg\":{\"uvci\":\"U1\"}}", state,
             type);
    buf rs;
    sign_rs(key, EVP_sha256(), (const uint8_t *)data, strlen(data), 32, &rs);
    unsigned char *der = NULL;
    int n = i2d_X509(cert, &der);
    cr_assert_gt(n, 0);
    char *cer = malloc((size_t)n * 2 + 4), sig[256];
    cr_assert_not_null(cer);
    b64url(der, (size_t)n, cer);
    b64url(rs.d, rs.n, sig);
    OPENSSL_free(der);
    char *json = malloc(strlen(cer) + 512);
    cr_assert_not_null(json);
    sprintf(json, "{\"data\":%s,\"sig\":{\"alg\":\"ES256\",\"cer\":\"%s\",\"sigvl\":\"%s\"}}", data, cer, sig);
    out->n = 0;
    put(out, json, strlen(json));
    free(json);
    free(cer);
}

Test(seal_pki, vdsnc_issuing_state_and_type_bound_to_the_signer)
{
    EVP_PKEY *csca_key = pki_key("ec:prime256v1"), *key = pki_key("ec:prime256v1");
    X509 *csca = pki_cert(&(pki_cert_spec){ .cn = "CSCA Germany", .country = "DE", .key = csca_key,
                                            .not_before_days = -3650, .not_after_days = 3650,
                                            .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 1 });
    X509 *signer = pki_cert(&(pki_cert_spec){ .cn = "VDS-NC signer", .country = "DE", .key = key, .issuer = csca,
                                              .issuer_key = csca_key, .not_before_days = -100,
                                              .not_after_days = 365, .usage = PKI_KU_SIGN, .serial = 0x61,
                                              .doc_types = "NV" });
    vfy_trust *t = trust_of(csca, NULL);
    vfy_seal_result *r;
    buf seal;
    make_vdsnc(&seal, key, signer, "DEU", "icao.vacc");
    cr_assert_eq(verify(&seal, t, NULL, &r), VFY_OK, "%s", r->detail.message);
    cr_assert(r->signer.embedded && r->signer.chained);
    vfy_seal_result_free(r);
    make_vdsnc(&seal, key, signer, "FRA", "icao.vacc");
    cr_assert_eq(verify(&seal, t, NULL, &r), VFY_E_SEAL_COUNTRY, "%s", r->detail.message);
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    cr_assert(r->signature_ok);
    vfy_seal_result_free(r);
    make_vdsnc(&seal, key, signer, "DEU", "icao.test");
    cr_assert_eq(verify(&seal, t, NULL, &r), VFY_E_SEAL_DOC_TYPE, "%s", r->detail.message);
    cr_assert(strstr(r->detail.message, "type NT") != NULL, "%s", r->detail.message);
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    vfy_seal_result_free(r);
    vfy_trust_free(t);
    X509_free(signer);
    X509_free(csca);
    EVP_PKEY_free(key);
    EVP_PKEY_free(csca_key);
}

/* A certificate whose key usage leaves out digitalSignature may not sign a seal, however
 * well it chains: a "signer" with keyCertSign only, issued by the CSCA, would be valid if
 * only the chain counted; its key usage makes the seal invalid (VFY_E_KEY_USAGE). The CSCA
 * itself named as the signer (C=UT, CN=TS, its serial as the reference) is never valid
 * either. A signer without a key-usage extension at all is not refused for it (RFC 5280:
 * any use). */
Test(seal_pki, a_certificate_that_may_not_sign_does_not_make_a_seal_valid)
{
    pki p;
    pki_make(&p);
    buf seal;
    vfy_seal_result *r;
    make_vds(&seal, p.signer_key, "5D", time(NULL) - DAY);
    X509 *certsign_only = pki_cert(&(pki_cert_spec){ .cn = "TS", .country = "UT", .key = p.signer_key,
                                                     .issuer = p.csca, .issuer_key = p.csca_key,
                                                     .not_before_days = -100, .not_after_days = 365,
                                                     .usage = PKI_KU_CERT_SIGN, .serial = 0x5D });
    vfy_trust *t = trust_of(p.csca, NULL);
    vfy_seal_signers *s = signers_of(certsign_only);
    cr_assert_eq(verify(&seal, t, s, &r), VFY_E_KEY_USAGE, "%s", r->detail.message);
    cr_assert(r->signature_ok, "the signature itself verifies: only the key usage refuses it");
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    vfy_seal_result_free(r);
    vfy_seal_signers_free(s);
    vfy_trust_free(t);

    /* the CSCA itself as the seal's signer */
    X509 *csca_ts = pki_cert(&(pki_cert_spec){ .cn = "TS", .country = "UT", .key = p.csca_key,
                                               .not_before_days = -3650, .not_after_days = 3650,
                                               .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 0x5E });
    make_vds(&seal, p.csca_key, "5E", time(NULL) - DAY);
    t = trust_of(csca_ts, NULL);
    /* found among the anchors, its signature checks; no CSCA issued it but itself, and
     * an anchor is not its own document signer: no trust anchor for it */
    vfy_status st = verify(&seal, t, NULL, &r);
    cr_assert(r->signer.found && r->signature_ok);
    cr_assert_eq(st, VFY_E_NO_TRUST_ANCHOR, "%s: %s", vfy_status_name(st), r->detail.message);
    cr_assert_neq(r->verdict, VFY_SEAL_VALID);
    vfy_seal_result_free(r);
    vfy_trust_free(t);

    /* no key-usage extension: not refused for its key usage */
    X509 *no_ku = pki_cert(&(pki_cert_spec){ .cn = "TS", .country = "UT", .key = p.signer_key,
                                             .issuer = p.csca, .issuer_key = p.csca_key,
                                             .not_before_days = -100, .not_after_days = 365,
                                             .usage = 0, .serial = 0x5F });
    make_vds(&seal, p.signer_key, "5F", time(NULL) - DAY);
    t = trust_of(p.csca, NULL);
    s = signers_of(no_ku);
    cr_assert_eq(verify(&seal, t, s, &r), VFY_OK, "%s", r->detail.message);
    cr_assert_eq(r->verdict, VFY_SEAL_VALID);
    vfy_seal_result_free(r);
    vfy_seal_signers_free(s);
    vfy_trust_free(t);
    X509_free(certsign_only);
    X509_free(csca_ts);
    X509_free(no_ku);
    pki_free(&p);
}

/* ---- a visa seal in a whole inspection (vfy read --seal) ----------------------------- */

/* A visa seal for the built-in specimen's holder (ERIKSSON ANNA MARIA, UTO, 1974-08-12,
 * F) in passport `passport_no`, issued by Utopia and signed by UTTS / `ref`. The visa
 * MRZ's check digits are computed by hand from 9303-3 (7-3-1). */
static void make_specimen_visa(buf *seal, EVP_PKEY *key, const char *ref, const char *passport_no)
{
    static const char mrz[] = "VCUTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<"
                              "VX12345674UTO7408122F2701013";
    time_t signed_at = time(NULL) - DAY;
    seal->n = 0;
    put8(seal, 0xDC);
    put8(seal, 0x03);
    put_c40(seal, "UTO");
    char signer[32];
    snprintf(signer, sizeof signer, "UTTS%02zX", strlen(ref) & 0xFF);
    put_c40(seal, signer);
    put_c40(seal, ref);
    put_date3(seal, signed_at - 30 * DAY);
    put_date3(seal, signed_at);
    put8(seal, 0x5D);
    put8(seal, 0x01);
    put_c40_tlv(seal, 0x02, mrz);
    static const uint8_t stay[] = { 90, 0, 0 };
    put_tlv(seal, 0x04, stay, 3);
    put_c40_tlv(seal, 0x05, passport_no);
    buf rs;
    sign_rs(key, EVP_sha256(), seal->d, seal->n, 32, &rs);
    put_tlv(seal, 0xFF, rs.d, rs.n);
}

/* vfy read of the built-in specimen with a visa seal file; the JSON result. */
static json_t *read_with_seal(const char *dir, const buf *seal, const char *name)
{
    char path[256], cmd[2048], root[512], *out = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(seal->d, 1, seal->n, f), seal->n);
    fclose(f);
    repo_path("", root, sizeof root);
    snprintf(cmd, sizeof cmd,
             "cd %s && %s read --json --reader sim --trust data/specimen/csca.pem --trust %s/csca.pem "
             "--trust %s/signer.pem --seal %s --mrz 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' "
             "'L898902C36UTO7408122F3404159ZE184226B<<<<<16' 2>/dev/null",
             root, vfy_bin(), dir, dir, path);
    run_capture(cmd, &out);
    json_t *j = json_parse_or_fail(out);
    free(out);
    return j;
}

static const char *check_of(json_t *j, const char *id, const char *member)
{
    json_t *c = json_check(j, id);
    return c != NULL ? json_string_value(json_object_get(c, member)) : NULL;
}

/* The kiosk's visa case end to end: a genuine passport (the simulated specimen) with a
 * valid visa seal issued for it is genuine overall, the seal bound to the chip's DG1;
 * the same seal naming another passport number makes the inspection invalid; a seal
 * whose signer may not sign (keyCertSign only) makes it invalid too. The seals and their
 * Utopian PKI are made here with OpenSSL; the passport is the library's own specimen. */
Test(seal_pki, a_visa_seal_in_the_inspection_is_bound_to_the_passport, .timeout = 60)
{
    pki p;
    pki_make(&p);
    char dir[128], path[256];
    tmpdir_make("seal-inspection", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/csca.pem", dir);
    pki_write_pem(path, p.csca);
    snprintf(path, sizeof path, "%s/signer.pem", dir);
    pki_write_pem(path, p.signer);

    buf seal;
    make_specimen_visa(&seal, p.signer_key, "5C", "L898902C3");
    json_t *j = read_with_seal(dir, &seal, "good.vds");
    cr_expect_str_eq(json_string_value(json_object_get(j, "seal_verdict")), "valid");
    cr_expect_str_eq(check_of(j, "seal.verify", "status"), "ok");
    cr_expect_str_eq(check_of(j, "seal.passport_match", "status"), "ok");
    cr_expect_str_eq(json_string_value(json_object_get(j, "verdict")), "genuine");
    json_decref(j);

    /* the same holder, another passport number: issued for another document */
    make_specimen_visa(&seal, p.signer_key, "5C", "L898902C4");
    j = read_with_seal(dir, &seal, "other.vds");
    /* its signature holds, but a seal that does not belong to the passport is refused
     * whatever its signature: the seal check itself fails with the mismatch */
    cr_expect_str_eq(check_of(j, "seal.verify", "status"), "failed");
    cr_expect_str_eq(check_of(j, "seal.verify", "code"), "VFY_E_MISMATCH");
    cr_expect_str_eq(check_of(j, "seal.passport_match", "status"), "failed");
    cr_expect_str_eq(check_of(j, "seal.passport_match", "code"), "VFY_E_MISMATCH");
    cr_expect_str_eq(json_string_value(json_object_get(j, "seal_verdict")), "invalid");
    cr_expect_str_eq(json_string_value(json_object_get(j, "verdict")), "invalid");
    json_decref(j);

    /* a signer certificate that may not sign documents */
    X509 *certsign_only = pki_cert(&(pki_cert_spec){ .cn = "TS", .country = "UT", .key = p.signer_key,
                                                     .issuer = p.csca, .issuer_key = p.csca_key,
                                                     .not_before_days = -100, .not_after_days = 365,
                                                     .usage = PKI_KU_CERT_SIGN, .serial = 0x5C });
    snprintf(path, sizeof path, "%s/signer.pem", dir);
    pki_write_pem(path, certsign_only);
    make_specimen_visa(&seal, p.signer_key, "5C", "L898902C3");
    j = read_with_seal(dir, &seal, "keyusage.vds");
    cr_expect_str_eq(check_of(j, "seal.verify", "code"), "VFY_E_KEY_USAGE");
    cr_expect_str_eq(json_string_value(json_object_get(j, "verdict")), "invalid");
    json_decref(j);
    X509_free(certsign_only);
    tmpdir_remove(dir);
    pki_free(&p);
}
