/*
 * The seal decoders under the public parser (issue 12 coverage): message values that do
 * not fit their coding (odd C40, a 9-byte integer, impossible dates, bad UTF-8) are kept
 * and marked non-conforming, a repeated choice is listed once, the message limit, the
 * ECDSA step with P-384 and P-521 keys (Doc 9303-13: the hash matches the key size;
 * signatures made here with OpenSSL), base32 into a too-small buffer, zlib's trailing
 * bytes and output limit. Values are written by hand: VDS dates are MMDDYYYY as a
 * 3-byte integer (2020-01-01 = 01012020 = 0x0F7134, as in the BSI Annex F header); IDB
 * masked dates are a mask byte and the same digits.
 */
#include <criterion/criterion.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <limits.h>
#include <zlib.h>

#include "faults.h"
#include "pki.h"
#include "seal/base32.h"
#include "seal/inflate.h"
#include "seal/seal_internal.h"
#include "specimen/specimen_internal.h"
#include "support.h"
#include "trust/trust_internal.h"
#include "verify.h"

static vfy_seal_result *result_new(void)
{
    vfy_seal_result *r = calloc(1, sizeof *r);
    cr_assert_not_null(r);
    r->owned_ = calloc(1, sizeof *r->owned_);
    cr_assert_not_null(r->owned_);
    return r;
}

static const seal_feature table[] = {
    { 0x01, "C40_FIELD", VFY_SEAL_C40, 0, 40, 0, 0, NULL, 0 },
    { 0x02, "NUMBER", VFY_SEAL_UINT, 1, 8, 0, 0, NULL, 0 },
    { 0x03, "DATE_OK", VFY_SEAL_DATE, 3, 4, 0, 0, NULL, 0 },
    { 0x04, "TEXT", VFY_SEAL_UTF8, 0, 20, 0, 0, NULL, 0 },
    { 0x05, "DATE_BAD", VFY_SEAL_DATE, 3, 4, 0, 0, NULL, 0 },
    { 0x06, "MASKED_BAD", VFY_SEAL_DATE, 3, 4, 0, 0, NULL, 0 },
    { 0x07, "DATE_5", VFY_SEAL_DATE, 3, 5, 0, 0, NULL, 0 },
};

static const vfy_seal_message *msg(const vfy_seal_result *r, unsigned tag)
{
    for (size_t i = 0; i < r->message_count; i++)
        if (r->messages[i].tag == tag)
            return &r->messages[i];
    cr_assert_fail("no message 0x%02X", tag);
    return NULL;
}

Test(cov2_seal_decode, values_that_do_not_fit_their_coding_are_kept_non_conforming)
{
    static const uint8_t run[] = {
        0x01, 0x03, 0x6D, 0x32, 0xC8,                    /* C40 of 3 bytes: not pairs */
        0x02, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9,           /* a 9-byte integer */
        0x03, 0x03, 0x0F, 0x71, 0x34,                    /* 01012020: 2020-01-01 */
        0x04, 0x02, 0xC3, 0x28,                          /* C3 28: not UTF-8 */
        0x05, 0x03, 0xC6, 0x8C, 0x34,                    /* 13012020: month 13 */
        0x06, 0x04, 0x00, 0x14, 0x2C, 0x24,              /* mask 0, 01322020: day 32 */
        0x07, 0x05, 0x00, 0x0F, 0x71, 0x34, 0x00,        /* a date of 5 bytes */
        0x09, 0x80,                                      /* unknown, 0x80: empty */
        0x0A, 0x80,                                      /* again: the choice once */
    };
    vfy_seal_result *r = result_new();
    vfy_cursor c;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_cur_init(&c, run, sizeof run, "zone", &d);
    cr_assert_eq(seal_decode_run(r, &c, table, sizeof table / sizeof table[0], -1, &d), VFY_OK, "%s",
                 d.message);
    cr_assert_eq(r->message_count, 9);
    cr_assert_not(msg(r, 0x01)->conforms);
    cr_assert_null(msg(r, 0x01)->text);
    cr_assert_not(msg(r, 0x02)->conforms);
    const vfy_seal_message *ok = msg(r, 0x03);
    cr_assert(ok->conforms);
    cr_assert_str_eq(ok->text, "2020-01-01");
    cr_assert_eq(ok->date.year, 2020);
    cr_assert_not(msg(r, 0x04)->conforms);
    cr_assert_null(msg(r, 0x04)->text);
    cr_assert_not(msg(r, 0x05)->conforms);
    cr_assert_not(msg(r, 0x06)->conforms);
    cr_assert_not(msg(r, 0x07)->conforms);
    cr_assert_str_eq(msg(r, 0x09)->name, "TAG_09");
    cr_assert_eq(msg(r, 0x0A)->value_len, 0);
    unsigned n80 = 0;
    for (unsigned i = 0; i < r->choice_count; i++)
        n80 += strcmp(r->choices[i], "seal-length-0x80-empty") == 0;
    cr_assert_eq(n80, 1);
    cr_assert_str_eq(vfy_seal_coding_name((vfy_seal_coding)99), "binary");
    vfy_seal_result_free(r);
}

/* Groups of 200 messages each: the 513th message is refused (SEAL_MAX_MESSAGES 512). */
Test(cov2_seal_decode, more_than_512_messages_are_refused)
{
    static const seal_feature none[1] = { { 0xFF, "UNUSED", VFY_SEAL_BINARY, 0, 0, 0, 0, NULL, 0 } };
    static const seal_feature groups[] = {
        { 0x10, "G1", VFY_SEAL_GROUP, 0, 1000, 0, 0, none, 0 },
        { 0x11, "G2", VFY_SEAL_GROUP, 0, 1000, 0, 0, none, 0 },
        { 0x12, "G3", VFY_SEAL_GROUP, 0, 1000, 0, 0, none, 0 },
    };
    /* three groups, each: tag, 0x82 (two length bytes), 400, then 200 empty TLVs */
    uint8_t run[3 * (4 + 400)];
    size_t k = 0;
    for (int g = 0; g < 3; g++) {
        run[k++] = (uint8_t)(0x10 + g);
        run[k++] = 0x82;
        run[k++] = 400 >> 8;
        run[k++] = 400 & 0xFF;
        for (int i = 0; i < 200; i++) {
            run[k++] = (uint8_t)(i + 1);
            run[k++] = 0x00;
        }
    }
    vfy_seal_result *r = result_new();
    vfy_cursor c;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_cur_init(&c, run, k, "zone", &d);
    cr_assert_eq(seal_decode_run(r, &c, groups, 3, -1, &d), VFY_E_LIMIT, "%s", d.message);
    cr_assert_str_eq(d.message, "the seal holds more than 512 messages");
    cr_assert_eq(r->message_count, 512);
    vfy_seal_result_free(r);
}

/* ---- ECDSA with larger keys ------------------------------------------------------- */

/* Signs data with OpenSSL (hash md) and returns r||s, each half the key's size. */
static uint8_t *sign_rs(EVP_PKEY *k, const EVP_MD *md, const uint8_t *data, size_t n, size_t *rs_len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    cr_assert_eq(EVP_DigestSignInit(ctx, NULL, md, NULL, k), 1);
    size_t der_len = 0;
    cr_assert_eq(EVP_DigestSign(ctx, NULL, &der_len, data, n), 1);
    unsigned char *der = malloc(der_len);
    cr_assert_eq(EVP_DigestSign(ctx, der, &der_len, data, n), 1);
    EVP_MD_CTX_free(ctx);
    const unsigned char *p = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    cr_assert_not_null(sig);
    size_t half = (size_t)(EVP_PKEY_get_bits(k) + 7) / 8;
    uint8_t *rs = malloc(2 * half);
    cr_assert_eq(BN_bn2binpad(ECDSA_SIG_get0_r(sig), rs, (int)half), (int)half);
    cr_assert_eq(BN_bn2binpad(ECDSA_SIG_get0_s(sig), rs + half, (int)half), (int)half);
    ECDSA_SIG_free(sig);
    free(der);
    *rs_len = 2 * half;
    return rs;
}

static void ecdsa_with(const char *curve, const EVP_MD *md, const char *md_name)
{
    EVP_PKEY *k = pki_key(curve);
    pki_cert_spec spec = { .cn = "TS", .country = "UT", .key = k, .not_before_days = -1,
                           .not_after_days = 10, .usage = PKI_KU_SIGN, .serial = 7 };
    X509 *x = pki_cert(&spec);
    static const uint8_t data[] = "the signed bytes of a seal";
    size_t rs_len;
    uint8_t *rs = sign_rs(k, md, data, sizeof data - 1, &rs_len);
    vfy_seal_signer signer;
    memset(&signer, 0, sizeof signer);
    vfy_detail d;
    vfy_detail_clear(&d);
    /* no hash named (VDS): the one of the key's size */
    cr_assert_eq(seal_ecdsa_verify(x, NULL, data, sizeof data - 1, rs, rs_len, &signer, &d), VFY_OK, "%s",
                 d.message);
    cr_assert_str_eq(signer.hash, md_name);
    /* one byte short: refused by its length before any arithmetic */
    cr_assert_eq(seal_ecdsa_verify(x, NULL, data, sizeof data - 1, rs, rs_len - 1, &signer, &d),
                 VFY_E_SIGNATURE);
    /* one bit of the data changed: refused */
    uint8_t other[sizeof data];
    memcpy(other, data, sizeof data);
    other[0] ^= 1;
    cr_assert_eq(seal_ecdsa_verify(x, md, other, sizeof data - 1, rs, rs_len, &signer, &d),
                 VFY_E_SIGNATURE);
    free(rs);
    X509_free(x);
    EVP_PKEY_free(k);
}

Test(cov2_seal_decode, ecdsa_p384_uses_sha384)
{
    ecdsa_with("ec:secp384r1", EVP_sha384(), "SHA384");
}

Test(cov2_seal_decode, ecdsa_p521_uses_sha512)
{
    ecdsa_with("ec:secp521r1", EVP_sha512(), "SHA512");
}

/* ---- base32 and zlib --------------------------------------------------------------- */

Test(cov2_seal_decode, base32_into_a_too_small_buffer)
{
    /* RFC 4648: "MFRGG" is "abc" */
    uint8_t out[3];
    size_t n = 0;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_cursor c;
    vfy_cur_init(&c, "MFRGG", 5, "b32", &d);
    cr_assert_eq(seal_base32_decode(&c, out, 3, &n), VFY_OK, "%s", d.message);
    cr_assert_eq(n, 3);
    cr_assert_eq(memcmp(out, "abc", 3), 0);
    vfy_cur_init(&c, "MFRGG", 5, "b32", &d);
    cr_assert_eq(seal_base32_decode(&c, out, 2, &n), VFY_E_INTERNAL);
    cr_assert_eq(c.pos, 0); /* nothing consumed */
}

Test(cov2_seal_decode, zlib_trailing_bytes_and_limit)
{
    static const uint8_t plain[] = "a payload that zlib compresses";
    uint8_t z[128];
    uLongf zn = sizeof z - 2;
    cr_assert_eq(compress(z, &zn, plain, sizeof plain - 1), Z_OK);
    uint8_t out[64];
    size_t n = 0;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_cursor c;
    vfy_cur_init(&c, z, zn, "zlib", &d);
    cr_assert_eq(seal_inflate(&c, out, sizeof out - 1, &n), VFY_OK, "%s", d.message);
    cr_assert_eq(n, sizeof plain - 1);
    cr_assert_eq(memcmp(out, plain, n), 0);
    z[zn] = 'X';
    z[zn + 1] = 'Y';
    vfy_cur_init(&c, z, zn + 2, "zlib", &d);
    cr_assert_eq(seal_inflate(&c, out, sizeof out - 1, &n), VFY_E_TRAILING_BYTES);
    cr_assert_str_eq(d.message, "2 bytes follow the end of the zlib stream");
    vfy_cur_init(&c, z, zn, "zlib", &d);
    cr_assert_eq(seal_inflate(&c, out, (size_t)UINT_MAX, &n), VFY_E_LIMIT);
}

/* ---- IDB built here (ICAO Datastructure for Barcode; layout as in shared/vectors/vds
 * README: "RDB1", flag, base32 of: country C40, signature algorithm, the last five bytes
 * of SHA-1 of the signer certificate, masked signature date, then TLVs 0x61 messages,
 * 0x7E certificate, 0x7F r||s; signed bytes = the 12-byte header + the whole 0x61) ----- */

static void put_tlv(uint8_t *buf, size_t *k, uint8_t tag, const uint8_t *v, size_t n)
{
    buf[(*k)++] = tag;
    if (n < 0x80) {
        buf[(*k)++] = (uint8_t)n;
    } else if (n < 0x100) {
        buf[(*k)++] = 0x81;
        buf[(*k)++] = (uint8_t)n;
    } else {
        buf[(*k)++] = 0x82;
        buf[(*k)++] = (uint8_t)(n >> 8);
        buf[(*k)++] = (uint8_t)n;
    }
    memcpy(buf + *k, v, n);
    *k += n;
}

/* RFC 4648 base32 without padding. */
static char *b32(const uint8_t *p, size_t n)
{
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    char *out = calloc(1, n * 8 / 5 + 8);
    size_t k = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | p[i];
        bits += 8;
        while (bits >= 5) {
            out[k++] = A[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out[k++] = A[(acc << (5 - bits)) & 31];
    return out;
}

enum idb_variant { IDB_GOOD, IDB_JUNK_CERT, IDB_NO_SIGNATURE };

static uint8_t idb_country[2] = { 0xD9, 0xC5 };

/* The barcode text of a signed IDB (flag B) by key k of the given algorithm byte. */
static char *make_idb(EVP_PKEY *k, X509 *x, uint8_t alg, const EVP_MD *md, enum idb_variant v)
{
    uint8_t payload[4096];
    size_t n = 0;
    /* "UTO" in C40: 34*1600 + 33*40 + 28 + 1 = 55749 = 0xD9C5 (idb_country) */
    payload[n++] = idb_country[0];
    payload[n++] = idb_country[1];
    payload[n++] = alg;
    int der_len;
    unsigned char *der = pki_der(x, &der_len);
    uint8_t sha[SHA_DIGEST_LENGTH];
    SHA1(der, (size_t)der_len, sha);
    memcpy(payload + n, sha + SHA_DIGEST_LENGTH - 5, 5);
    n += 5;
    /* masked date: mask 0xC0 (the two month digits unknown), digits 00182024: 18th,
     * 2024, any month; 182024 = 0x02C708 */
    static const uint8_t date[4] = { 0xC0, 0x02, 0xC7, 0x08 };
    memcpy(payload + n, date, 4);
    n += 4;
    static const uint8_t msgs[] = { 0x04, 0x04, 0xB0, 0xB1, 0xB2, 0xB3 };
    put_tlv(payload, &n, 0x61, msgs, sizeof msgs);
    size_t signed_len = n;
    if (v == IDB_JUNK_CERT)
        put_tlv(payload, &n, 0x7E, (const uint8_t *)"\x30\x03\x02\x01\x00", 5);
    else
        put_tlv(payload, &n, 0x7E, der, (size_t)der_len);
    OPENSSL_free(der);
    if (v != IDB_NO_SIGNATURE) {
        size_t rs_len;
        uint8_t *rs = sign_rs(k, md, payload, signed_len, &rs_len);
        put_tlv(payload, &n, 0x7F, rs, rs_len);
        free(rs);
    }
    char *body = b32(payload, n);
    char *text = calloc(1, strlen(body) + 6);
    memcpy(text, "RDB1B", 5);
    memcpy(text + 5, body, strlen(body));
    free(body);
    return text;
}

static void idb_signed_with(const char *curve, uint8_t alg, const EVP_MD *md, const char *md_name)
{
    EVP_PKEY *k = pki_key(curve);
    pki_cert_spec spec = { .cn = "TS", .country = "UT", .key = k, .not_before_days = -1,
                           .not_after_days = 10, .usage = PKI_KU_SIGN, .serial = 9 };
    X509 *x = pki_cert(&spec);
    char *text = make_idb(k, x, alg, md, IDB_GOOD);
    vfy_seal_result *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_seal_verify((const uint8_t *)text, strlen(text), NULL, &r, &d);
    cr_assert_not_null(r);
    cr_assert_eq(r->kind, VFY_SEAL_KIND_IDB);
    cr_assert_eq(r->header.signature_algorithm, alg);
    cr_assert(r->signer.embedded);
    cr_assert(r->signature_checked);
    cr_assert(r->signature_ok, "%s: %s", vfy_status_name(s), d.message);
    cr_assert_str_eq(r->signer.hash, md_name);
    /* the month is unknown: no signing time to judge the certificate at */
    cr_assert_eq(r->header.signature_date.month, 0);
    cr_assert_eq(r->header.signature_date.day, 18);
    cr_assert_eq(r->header.signature_date.year, 2024);
    cr_assert_not(r->signer.has_signing_time);
    bool bit_order = false;
    for (unsigned i = 0; i < r->choice_count; i++)
        bit_order = bit_order || strcmp(r->choices[i], "idb-masked-date-bit-order") == 0;
    cr_assert(bit_order);
    /* no trust store: a good signature, but unverified */
    cr_assert_eq(r->verdict, VFY_SEAL_UNVERIFIED, "%s: %s", vfy_status_name(s), d.message);
    vfy_seal_result_free(r);

    /* the same seal claiming the other hash: refused as an algorithm mismatch */
    free(text);
    text = make_idb(k, x, alg == 2 ? 3 : 2, md, IDB_GOOD);
    s = vfy_seal_verify((const uint8_t *)text, strlen(text), NULL, &r, &d);
    cr_assert_eq(s, VFY_E_ALGORITHM, "%s: %s", vfy_status_name(s), d.message);
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    vfy_seal_result_free(r);
    free(text);
    X509_free(x);
    EVP_PKEY_free(k);
}

Test(cov2_seal_decode, idb_signed_with_sha384)
{
    idb_signed_with("ec:secp384r1", 2, EVP_sha384(), "SHA384");
}

Test(cov2_seal_decode, idb_signed_with_sha512)
{
    idb_signed_with("ec:secp521r1", 3, EVP_sha512(), "SHA512");
}

Test(cov2_seal_decode, idb_malformed_certificate_and_missing_signature)
{
    EVP_PKEY *k = pki_key("ec:secp384r1");
    pki_cert_spec spec = { .cn = "TS", .country = "UT", .key = k, .not_before_days = -1,
                           .not_after_days = 10, .usage = PKI_KU_SIGN, .serial = 9 };
    X509 *x = pki_cert(&spec);
    vfy_seal_result *r = NULL;
    vfy_detail d;
    char *text = make_idb(k, x, 2, EVP_sha384(), IDB_JUNK_CERT);
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_seal_verify((const uint8_t *)text, strlen(text), NULL, &r, &d), VFY_E_SEAL_FORMAT);
    cr_assert_str_eq(d.message, "the embedded signer certificate (tag 0x7E) is not one DER X.509 certificate");
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    vfy_seal_result_free(r);
    free(text);
    text = make_idb(k, x, 2, EVP_sha384(), IDB_NO_SIGNATURE);
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_seal_verify((const uint8_t *)text, strlen(text), NULL, &r, &d), VFY_E_SEAL_FORMAT);
    cr_assert_str_eq(d.message, "the flag says signed but the payload has no signature (0x7F)");
    vfy_seal_result_free(r);
    free(text);
    X509_free(x);
    EVP_PKEY_free(k);
}

/* ---- binding the signer to the seal (docs/seals.md "Signer binding"): the seal's
 * issuing state must be the signer's and its CSCA's country; a signer with a
 * documentTypeList may sign only the listed types ----------------------------------- */

static vfy_status bound_idb(const char *signer_c, const char *csca_c, const char *doc_types,
                            vfy_seal_result **r, vfy_detail *d)
{
    EVP_PKEY *ck = pki_key("ec:prime256v1"), *sk = pki_key("ec:secp384r1");
    pki_cert_spec cs = { .cn = "CSCA", .country = csca_c, .key = ck, .not_before_days = -10,
                         .not_after_days = 1000, .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 1 };
    X509 *csca = pki_cert(&cs);
    pki_cert_spec ss = { .cn = "TS", .country = signer_c, .key = sk, .issuer = csca, .issuer_key = ck,
                         .not_before_days = -1, .not_after_days = 100, .usage = PKI_KU_SIGN,
                         .serial = 2, .doc_types = doc_types };
    X509 *signer = pki_cert(&ss);
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    cr_assert_eq(vfy_trust_add_x509(t, csca, "csca", d), VFY_OK, "%s", d->message);
    char *text = make_idb(sk, signer, 2, EVP_sha384(), IDB_GOOD);
    vfy_seal_options o = { .trust = t };
    vfy_detail_clear(d);
    vfy_status s = vfy_seal_verify((const uint8_t *)text, strlen(text), &o, r, d);
    cr_assert_not_null(*r);
    cr_assert((*r)->signature_ok, "%s", d->message);
    free(text);
    vfy_trust_free(t);
    X509_free(signer);
    X509_free(csca);
    EVP_PKEY_free(ck);
    EVP_PKEY_free(sk);
    return s;
}

Test(cov2_seal_decode, idb_bound_to_its_signer_is_valid)
{
    vfy_seal_result *r = NULL;
    vfy_detail d;
    cr_assert_eq(bound_idb("UT", "UT", NULL, &r, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(r->verdict, VFY_SEAL_VALID);
    cr_assert(r->signer.chained);
    vfy_seal_result_free(r);
}

Test(cov2_seal_decode, idb_signer_from_another_country_is_refused)
{
    vfy_seal_result *r = NULL;
    vfy_detail d;
    cr_assert_eq(bound_idb("DE", "UT", NULL, &r, &d), VFY_E_SEAL_COUNTRY, "%s", d.message);
    cr_assert_str_eq(d.message, "the seal was issued by UTO (UT) but its signer certificate is from DE");
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    vfy_seal_result_free(r);
}

Test(cov2_seal_decode, idb_signer_whose_csca_is_from_another_country_is_refused)
{
    vfy_seal_result *r = NULL;
    vfy_detail d;
    vfy_status s = bound_idb("UT", "DE", NULL, &r, &d);
    cr_assert_eq(s, VFY_E_SEAL_COUNTRY, "%s: %s", vfy_status_name(s), d.message);
    cr_assert_str_eq(d.message, "the seal was issued by UTO (UT) but its signer's CSCA is from DE");
    vfy_seal_result_free(r);
}

/* An IDB's type cannot be named (seal_doc_code), so a signer limited by a list may not
 * sign it: refused, never let through. */
Test(cov2_seal_decode, idb_by_a_signer_limited_to_listed_types_is_refused)
{
    vfy_seal_result *r = NULL;
    vfy_detail d;
    cr_assert_eq(bound_idb("UT", "UT", "V", &r, &d), VFY_E_SEAL_DOC_TYPE, "%s", d.message);
    cr_assert_str_eq(d.message, "the signer may sign only listed document types and this seal's type "
                                "cannot be matched to one of them");
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    vfy_seal_result_free(r);
}

/* "ZZZ" (C40 39*1600 + 39*40 + 39 + 1 = 64000 = 0xFA00) is no ICAO code. */
Test(cov2_seal_decode, idb_from_an_unknown_state_is_refused)
{
    idb_country[0] = 0xFA;
    idb_country[1] = 0x00;
    vfy_seal_result *r = NULL;
    vfy_detail d;
    vfy_status s = bound_idb("UT", "UT", NULL, &r, &d);
    cr_assert_eq(s, VFY_E_SEAL_COUNTRY, "%s: %s", vfy_status_name(s), d.message);
    cr_assert_str_eq(r->header.country, "ZZZ");
    cr_assert_str_eq(d.message, "the seal's issuing state \"ZZZ\" is not a known ICAO code");
    vfy_seal_result_free(r);
    idb_country[0] = 0xD9;
    idb_country[1] = 0xC5;
}

/* ---- VDS-NC built here: data in RFC 8785 form (keys sorted, no blanks) is the signed
 * text; sig.cer and sig.sigvl are base64url (RFC 4648 section 5, no padding) ------------ */

static char *b64url(const uint8_t *p, size_t n)
{
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *out = calloc(1, n * 4 / 3 + 4);
    size_t k = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        out[k++] = A[(v >> 18) & 63];
        out[k++] = A[(v >> 12) & 63];
        if (i + 1 < n)
            out[k++] = A[(v >> 6) & 63];
        if (i + 2 < n)
            out[k++] = A[v & 63];
    }
    return out;
}

/* A VDS-NC of `type` signed by a signer (C=UT, documentTypeList doc_types or none) of a
 * CSCA that *trust (new) holds; the JSON text in *text (malloc'd). */
static void build_vdsnc(const char *type, const char *doc_types, char **text, vfy_trust **trust)
{
    EVP_PKEY *ck = pki_key("ec:prime256v1"), *sk = pki_key("ec:prime256v1");
    pki_cert_spec cs = { .cn = "CSCA", .country = "UT", .key = ck, .not_before_days = -10,
                         .not_after_days = 1000, .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 1 };
    X509 *csca = pki_cert(&cs);
    pki_cert_spec ss = { .cn = "NC", .country = "UT", .key = sk, .issuer = csca, .issuer_key = ck,
                         .not_before_days = -1, .not_after_days = 100, .usage = PKI_KU_SIGN,
                         .serial = 3, .doc_types = doc_types };
    X509 *signer = pki_cert(&ss);
    char data[256];
    snprintf(data, sizeof data, "{\"hdr\":{\"is\":\"UTO\",\"t\":\"%s\",\"v\":1},\"msg\":{\"uvci\":\"U32870\"}}",
             type);
    size_t rs_len;
    uint8_t *rs = sign_rs(sk, EVP_sha256(), (const uint8_t *)data, strlen(data), &rs_len);
    int der_len;
    unsigned char *der = pki_der(signer, &der_len);
    char *cer = b64url(der, (size_t)der_len), *sig = b64url(rs, rs_len);
    size_t cap = strlen(data) + strlen(cer) + strlen(sig) + 128;
    *text = malloc(cap);
    snprintf(*text, cap, "{\"data\":%s,\"sig\":{\"alg\":\"ES256\",\"cer\":\"%s\",\"sigvl\":\"%s\"}}", data,
             cer, sig);
    vfy_detail d;
    cr_assert_eq(vfy_trust_new(trust), VFY_OK);
    cr_assert_eq(vfy_trust_add_x509(*trust, csca, "csca", &d), VFY_OK, "%s", d.message);
    free(cer);
    free(sig);
    free(rs);
    OPENSSL_free(der);
    X509_free(signer);
    X509_free(csca);
    EVP_PKEY_free(ck);
    EVP_PKEY_free(sk);
}

static vfy_status bound_vdsnc(const char *type, const char *doc_types, vfy_seal_result **r, vfy_detail *d)
{
    char *text;
    vfy_trust *t;
    build_vdsnc(type, doc_types, &text, &t);
    vfy_seal_options o = { .trust = t };
    vfy_detail_clear(d);
    vfy_status s = vfy_seal_verify((const uint8_t *)text, strlen(text), &o, r, d);
    cr_assert_not_null(*r);
    cr_assert((*r)->signature_ok, "%s", d->message);
    free(text);
    vfy_trust_free(t);
    return s;
}

/* A vaccination seal (icao.vacc: type NV) by a signer allowed NV is valid; by one
 * allowed only NT (test results) it is refused, naming both. */
Test(cov2_seal_decode, vdsnc_document_type_list_allows_or_refuses)
{
    vfy_seal_result *r = NULL;
    vfy_detail d;
    cr_assert_eq(bound_vdsnc("icao.vacc", "NV", &r, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(r->verdict, VFY_SEAL_VALID);
    vfy_seal_result_free(r);
    cr_assert_eq(bound_vdsnc("icao.test", "NT", &r, &d), VFY_OK, "%s", d.message);
    vfy_seal_result_free(r);
    cr_assert_eq(bound_vdsnc("icao.vacc", "NT", &r, &d), VFY_E_SEAL_DOC_TYPE, "%s", d.message);
    cr_assert_str_eq(d.message, "the seal is a document of type NV but its signer may sign only NT");
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    vfy_seal_result_free(r);
}

/* A VDS-NC of a type this library cannot name, by a signer limited to a list: refused. */
Test(cov2_seal_decode, vdsnc_of_an_unnamed_type_by_a_limited_signer_is_refused)
{
    vfy_seal_result *r = NULL;
    vfy_detail d;
    cr_assert_eq(bound_vdsnc("icao.other", "NV", &r, &d), VFY_E_SEAL_DOC_TYPE, "%s", d.message);
    cr_assert_str_eq(d.message, "the signer may sign only listed document types and this seal's type "
                                "cannot be matched to one of them");
    vfy_seal_result_free(r);
    /* without a list the same seal is valid */
    cr_assert_eq(bound_vdsnc("icao.other", NULL, &r, &d), VFY_OK, "%s", d.message);
    vfy_seal_result_free(r);
}

/* ---- a valid seal in an inspection: valid only when bound to the passport ------------- */

/* A valid VDS-NC (no visa MRZ, no passport number) presented with the specimen passport:
 * it cannot be bound to the passport, so the seal counts as unverified, not valid. */
Test(cov2_seal_decode, valid_seal_without_visa_mrz_is_unverified_in_an_inspection)
{
    char *text;
    vfy_trust *t;
    build_vdsnc("icao.vacc", NULL, &text, &t);
    specimen s;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(specimen_build(NULL, NULL, &s, &d), VFY_OK, "%s", d.message);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = t;
    o.seal = (const uint8_t *)text;
    o.seal_len = strlen(text);
    vfy_inspection *r = NULL;
    cr_assert_eq(vfy_inspect_files(s.doc, &o, &r, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_inspection_seal(r)->verdict, VFY_SEAL_VALID); /* the seal itself */
    vfy_inspection_check c;
    cr_assert(vfy_inspection_check_get(r, "seal.passport_match", &c));
    cr_assert_eq(c.status, VFY_OUTCOME_NOT_CHECKED);
    cr_assert_str_eq(c.reason, "the seal carries no visa MRZ or passport number to compare with the passport");
    cr_assert_eq(vfy_inspection_seal_verdict(r), VFY_SEAL_UNVERIFIED);
    cr_assert_neq(vfy_inspection_gate(r), VFY_GATE_ACCEPT);
    vfy_inspection_free(r);
    specimen_free(&s);
    vfy_trust_free(t);
    free(text);
}

/* The same valid seal with a document without DG1: nothing to bind it to: unverified. */
Test(cov2_seal_decode, valid_seal_with_a_document_without_dg1_is_unverified)
{
    char *text;
    vfy_trust *t;
    build_vdsnc("icao.vacc", NULL, &text, &t);
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = t;
    o.seal = (const uint8_t *)text;
    o.seal_len = strlen(text);
    vfy_inspection *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_inspect_files(doc, &o, &r, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_inspection_seal(r)->verdict, VFY_SEAL_VALID);
    vfy_inspection_check c;
    cr_assert(vfy_inspection_check_get(r, "seal.passport_match", &c));
    cr_assert_str_eq(c.reason, "the chip's DG1 holds no readable MRZ to compare the seal with");
    cr_assert_eq(vfy_inspection_seal_verdict(r), VFY_SEAL_UNVERIFIED);
    vfy_inspection_free(r);
    vfy_document_free(doc);
    vfy_trust_free(t);
    free(text);
}

/* An unknown tag's name is made with seal_sprintf: every allocation of that run failing
 * in turn gives out of memory, never a message without a name. */
static void unknown_tag_op(void *ctx, bool injected)
{
    (void)ctx;
    static const uint8_t run[] = { 0x42, 0x01, 0xAA };
    vfy_seal_result *r = result_new();
    vfy_cursor c;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_cur_init(&c, run, sizeof run, "zone", &d);
    fault_enter();
    vfy_status s = seal_decode_run(r, &c, table, sizeof table / sizeof table[0], -1, &d);
    fault_leave();
    if (!injected || s == VFY_OK) {
        cr_assert_eq(s, VFY_OK, "%s", d.message);
        cr_assert_eq(r->message_count, 1);
        cr_assert_str_eq(r->messages[0].name, "TAG_42");
    } else {
        cr_assert_eq(s, VFY_E_NO_MEMORY, "%s: %s", vfy_status_name(s), d.message);
    }
    vfy_seal_result_free(r);
}

Test(cov2_seal_decode, unknown_tag_name_out_of_memory)
{
    struct fault_sweep_result res = fault_sweep(unknown_tag_op, NULL, 50);
    cr_assert_geq(res.allocations, 2);
    cr_assert_gt(res.fired, 0);
}

/* ---- a VDS built here (Doc 9303-13 / BSI TR-03137 header, version 4 layout): DC 03,
 * country "UTO" (C40 D9 C5), signer "UTTS" and reference length "02" (C40 D9 CA C8 A7),
 * reference "5B" (3A 99), issue and signature dates (MMDDYYYY, 3 bytes), document
 * feature reference 0xF9 (a BSI address sticker: document type "ST"), type category
 * 0x02, one message, then 0xFF and r||s over every byte before it ------------------- */

static uint8_t *build_sticker(EVP_PKEY *k, size_t *len)
{
    uint8_t *v = malloc(256);
    size_t n = 0;
    static const uint8_t head[] = { 0xDC, 0x03, 0xD9, 0xC5, 0xD9, 0xCA, 0xC8, 0xA7, 0x3A, 0x99 };
    memcpy(v, head, sizeof head);
    n = sizeof head;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    uint32_t date = (uint32_t)((tm.tm_mon + 1) * 1000000 + tm.tm_mday * 10000 + tm.tm_year + 1900);
    for (int i = 0; i < 2; i++) {
        v[n++] = (uint8_t)(date >> 16);
        v[n++] = (uint8_t)(date >> 8);
        v[n++] = (uint8_t)date;
    }
    v[n++] = 0xF9;
    v[n++] = 0x02;
    v[n++] = 0x01;
    v[n++] = 0x01;
    v[n++] = 0x41;
    size_t rs_len;
    uint8_t *rs = sign_rs(k, EVP_sha256(), v, n, &rs_len); /* P-256: SHA-256 */
    cr_assert_eq(rs_len, 64);
    v[n++] = 0xFF;
    v[n++] = 0x40;
    memcpy(v + n, rs, rs_len);
    n += rs_len;
    free(rs);
    *len = n;
    return v;
}

static vfy_status sticker_with(const char *doc_types, vfy_seal_result **r, vfy_detail *d)
{
    EVP_PKEY *ck = pki_key("ec:prime256v1"), *sk = pki_key("ec:prime256v1");
    pki_cert_spec cs = { .cn = "CSCA", .country = "UT", .key = ck, .not_before_days = -10,
                         .not_after_days = 1000, .usage = PKI_KU_CERT_SIGN, .ca = true, .serial = 1 };
    X509 *csca = pki_cert(&cs);
    pki_cert_spec ss = { .cn = "TS", .country = "UT", .key = sk, .issuer = csca, .issuer_key = ck,
                         .not_before_days = -2, .not_after_days = 100, .usage = PKI_KU_SIGN,
                         .serial = 0x5B, .doc_types = doc_types };
    X509 *signer = pki_cert(&ss);
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    cr_assert_eq(vfy_trust_add_x509(t, csca, "csca", d), VFY_OK, "%s", d->message);
    vfy_seal_signers *sg;
    cr_assert_eq(vfy_seal_signers_new(&sg), VFY_OK);
    int der_len;
    unsigned char *der = pki_der(signer, &der_len);
    cr_assert_eq(vfy_seal_signers_add_memory(sg, der, (size_t)der_len, d), VFY_OK, "%s", d->message);
    OPENSSL_free(der);
    size_t n;
    uint8_t *seal = build_sticker(sk, &n);
    vfy_seal_options o = { .trust = t, .signers = sg };
    vfy_detail_clear(d);
    vfy_status s = vfy_seal_verify(seal, n, &o, r, d);
    cr_assert_not_null(*r);
    cr_assert_str_eq((*r)->header.signer_id, "UTTS");
    cr_assert_str_eq((*r)->header.cert_ref, "5B");
    cr_assert((*r)->signature_ok, "%s: %s", vfy_status_name(s), d->message);
    free(seal);
    vfy_seal_signers_free(sg);
    vfy_trust_free(t);
    X509_free(signer);
    X509_free(csca);
    EVP_PKEY_free(ck);
    EVP_PKEY_free(sk);
    return s;
}

Test(cov2_seal_decode, address_sticker_by_a_signer_allowed_st_is_valid)
{
    vfy_seal_result *r = NULL;
    vfy_detail d;
    cr_assert_eq(sticker_with("ST", &r, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(r->verdict, VFY_SEAL_VALID);
    vfy_seal_result_free(r);
}

Test(cov2_seal_decode, address_sticker_by_a_signer_allowed_only_visas_is_refused)
{
    vfy_seal_result *r = NULL;
    vfy_detail d;
    cr_assert_eq(sticker_with("V", &r, &d), VFY_E_SEAL_DOC_TYPE, "%s", d.message);
    cr_assert_str_eq(d.message, "the seal is a document of type ST but its signer may sign only V");
    cr_assert_eq(r->verdict, VFY_SEAL_INVALID);
    vfy_seal_result_free(r);
}
