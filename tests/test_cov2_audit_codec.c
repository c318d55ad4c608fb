/*
 * The audit trail's byte formats, key files and out-of-memory paths (issue 12, coverage
 * of libverify/audit/ not reached by test_audit*.c).
 *
 * Records: every refusal of the decoder, on records written here byte by byte from the
 * layout of docs/audit.md ("Record encoding": "VFYA" | version | kind | seq u64 | time
 * i64 | time source | prev 32, then tag u8 | length u16 | value fields in increasing tag
 * order, the signature last), each with the exact status and what the message names.
 * Keys: key files made by hand from a seed whose Ed25519 public key OpenSSL computes
 * (independent of libsodium), damaged the way a copy or an editor would damage them.
 * Out of memory: each allocation of the key, verification, reading and writing paths
 * failed in turn with the injector; the only acceptable outcomes are VFY_E_NO_MEMORY
 * with nothing handed out, or the unfailed result (LeakSanitizer checks the rest).
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit_internal.h"
#include "faults.h"
#include "support.h"
#include "test_rules_support.h"
#include "verify.h"
#include "verify/sim.h"

/* ---- records written by hand ----------------------------------------------------- */

struct rb {
    uint8_t b[AUD_RECORD_MAX + 64];
    size_t n;
};

static void rb_bytes(struct rb *r, const void *p, size_t n)
{
    cr_assert_leq(r->n + n, sizeof r->b);
    memcpy(r->b + r->n, p, n);
    r->n += n;
}

static void rb_u8(struct rb *r, uint8_t v) { rb_bytes(r, &v, 1); }

static void rb_be(struct rb *r, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rb_u8(r, (uint8_t)(v >> (8 * (n - 1 - i))));
}

/* The 55-byte header. */
static void rb_head(struct rb *r, const char *magic, uint8_t version, uint8_t kind, uint64_t seq,
                    uint8_t source)
{
    r->n = 0;
    rb_bytes(r, magic, 4);
    rb_u8(r, version);
    rb_u8(r, kind);
    rb_be(r, seq, 8);
    rb_be(r, 1735732800, 8);
    rb_u8(r, source);
    uint8_t prev[32] = { 0 };
    rb_bytes(r, prev, 32);
}

static void rb_field(struct rb *r, uint8_t tag, const void *v, size_t n)
{
    rb_u8(r, tag);
    rb_be(r, n, 2);
    rb_bytes(r, v, n);
}

static void rb_text(struct rb *r, uint8_t tag, const char *s) { rb_field(r, tag, s, strlen(s)); }

static const uint8_t zeros[128];

/* A check field: status, code u16, id. */
static void rb_check(struct rb *r, uint8_t status, const char *id, size_t declared)
{
    rb_u8(r, AUD_T_CHECK);
    rb_be(r, declared, 2);
    rb_u8(r, status);
    rb_be(r, 0, 2);
    rb_bytes(r, id, declared - 3);
}

static void rb_set(struct rb *r, const char *id, const char *digest)
{
    size_t a = strlen(id), b = strlen(digest);
    rb_u8(r, AUD_T_RULESET);
    rb_be(r, 1 + a + b, 2);
    rb_u8(r, (uint8_t)a);
    rb_bytes(r, id, a);
    rb_bytes(r, digest, b);
}

static void rb_dim(struct rb *r, const char *dim, const char *mod, const char *value)
{
    size_t a = strlen(dim), b = strlen(mod), n = strlen(value);
    rb_u8(r, AUD_T_DIMENSION);
    rb_be(r, 2 + a + b + n, 2);
    rb_u8(r, (uint8_t)a);
    rb_bytes(r, dim, a);
    rb_u8(r, (uint8_t)b);
    rb_bytes(r, mod, b);
    rb_bytes(r, value, n);
}

static void expect_refused(const struct rb *r, vfy_status want, const char *words, const char *name)
{
    aud_record rec;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = aud_record_decode(r->b, r->n, &rec, &d);
    cr_expect_eq(s, want, "%s: %s, want %s (%s)", name, vfy_status_name(s), vfy_status_name(want),
                 d.message);
    cr_expect(strstr(d.message, words) != NULL, "%s: '%s' not in: %s", name, words, d.message);
}

TestSuite(cov2_audit_codec, .timeout = 60);

Test(cov2_audit_codec, a_hand_written_record_decodes_and_reencodes_to_the_same_bytes)
{
    struct rb r;
    rb_head(&r, "VFYA", 1, AUD_KIND_INSPECTION, 7, VFY_TIME_CALLER);
    rb_text(&r, AUD_T_KIOSK, "k1");
    uint8_t live = 1;
    rb_field(&r, AUD_T_LIVE, &live, 1);
    rb_check(&r, VFY_OUTCOME_FAILED, "chip.signature", 3 + 14);
    rb_set(&r, "uto-visa", "abcd");
    rb_dim(&r, "fee", "required", "12");
    rb_text(&r, AUD_T_EVENT, "e");
    aud_record rec;
    cr_assert_eq(aud_record_decode(r.b, r.n, &rec, NULL), VFY_OK);
    cr_expect_eq(rec.seq, 7);
    cr_expect_eq(rec.time, 1735732800);
    cr_expect_str_eq(rec.checks[0].id, "chip.signature");
    cr_expect_str_eq(rec.sets[0].digest, "abcd");
    cr_expect_str_eq(rec.dims[0].modality, "required");
    uint8_t out[AUD_RECORD_MAX];
    size_t len;
    cr_assert_eq(aud_record_encode(&rec, out, sizeof out, &len, NULL), VFY_OK);
    cr_expect_eq(len, r.n);
    cr_expect_eq(memcmp(out, r.b, r.n), 0, "the encoding is not canonical");
}

Test(cov2_audit_codec, header_refusals)
{
    struct rb r;
    r.n = AUD_RECORD_MAX + 1;
    memset(r.b, 'A', r.n);
    expect_refused(&r, VFY_E_LIMIT, "a record of 16385 bytes", "oversized");
    rb_head(&r, "VFYX", 1, AUD_KIND_TRUST_CHANGE, 2, 0);
    expect_refused(&r, VFY_E_BAD_TAG, "no VFYA", "magic");
    rb_head(&r, "VFYA", 2, AUD_KIND_TRUST_CHANGE, 2, 0);
    expect_refused(&r, VFY_E_UNSUPPORTED, "record format version 2", "version");
    rb_head(&r, "VFYA", 1, 8, 2, 0);
    expect_refused(&r, VFY_E_BAD_VALUE, "record kind 8", "kind 8");
    rb_head(&r, "VFYA", 1, 0, 2, 0);
    expect_refused(&r, VFY_E_BAD_VALUE, "record kind 0", "kind 0");
    rb_head(&r, "VFYA", 1, AUD_KIND_TRUST_CHANGE, 2, VFY_TIME_CALLER + 1);
    expect_refused(&r, VFY_E_BAD_VALUE, "time source", "time source");
}

Test(cov2_audit_codec, field_refusals)
{
    struct rb r;
    char long_text[AUD_TEXT_MAX + 2];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
#define BASE(kind) rb_head(&r, "VFYA", 1, (kind), 2, 0)
    BASE(AUD_KIND_TRUST_CHANGE);
    rb_text(&r, AUD_T_VERSION, "1");
    rb_text(&r, AUD_T_KIOSK, "k");
    expect_refused(&r, VFY_E_BAD_TAG, "field 0x01 out of order or repeated", "order");
    BASE(AUD_KIND_TRUST_CHANGE);
    rb_text(&r, AUD_T_KIOSK, "k");
    rb_text(&r, AUD_T_KIOSK, "k");
    expect_refused(&r, VFY_E_BAD_TAG, "field 0x01 out of order or repeated", "repeated");
    BASE(AUD_KIND_OPEN);
    rb_field(&r, AUD_T_LOG_ID, zeros, 16);
    rb_field(&r, AUD_T_PUBLIC_KEY, zeros, 32);
    rb_field(&r, AUD_T_SIGNATURE, zeros, 64);
    rb_text(&r, AUD_T_KIOSK, "k");
    expect_refused(&r, VFY_E_TRAILING_BYTES, "a field after the signature", "after signature");
    BASE(AUD_KIND_TRUST_CHANGE);
    rb_field(&r, AUD_T_KIOSK, "", 0);
    expect_refused(&r, VFY_E_BAD_LENGTH, "a text field of 0 characters", "empty text");
    BASE(AUD_KIND_TRUST_CHANGE);
    rb_text(&r, AUD_T_READER, long_text);
    expect_refused(&r, VFY_E_BAD_LENGTH, "a text field of 201 characters", "long text");
    BASE(AUD_KIND_TRUST_CHANGE);
    rb_text(&r, AUD_T_ACCESS, "PACE\n");
    expect_refused(&r, VFY_E_BAD_ENCODING, "a text field holds byte 0x0a", "control byte");
    uint8_t two = 2;
    BASE(AUD_KIND_INSPECTION);
    rb_field(&r, AUD_T_LIVE, &two, 1);
    expect_refused(&r, VFY_E_BAD_VALUE, "live is 2", "live 2");
    BASE(AUD_KIND_INSPECTION);
    rb_field(&r, AUD_T_TRUST, zeros, 31);
    expect_refused(&r, VFY_E_BAD_LENGTH, "a field of 31 bytes where 32 belong", "trust 31");
    BASE(AUD_KIND_INSPECTION);
    for (int i = 0; i < AUD_MAX_CHECKS + 1; i++)
        rb_check(&r, 0, "c", 4);
    expect_refused(&r, VFY_E_LIMIT, "more than 64 checks", "65 checks");
    BASE(AUD_KIND_INSPECTION);
    rb_u8(&r, AUD_T_CHECK);
    rb_be(&r, 3, 2);
    rb_bytes(&r, zeros, 3);
    expect_refused(&r, VFY_E_BAD_LENGTH, "a check of 3 bytes", "short check");
    BASE(AUD_KIND_INSPECTION);
    rb_check(&r, 0xEE, "c", 4);
    expect_refused(&r, VFY_E_BAD_VALUE, "check status 238", "check status");
    BASE(AUD_KIND_INSPECTION);
    for (int i = 0; i < AUD_MAX_SETS + 1; i++)
        rb_set(&r, "s", "d");
    expect_refused(&r, VFY_E_LIMIT, "more than 16 rule sets", "17 sets");
    BASE(AUD_KIND_INSPECTION);
    rb_u8(&r, AUD_T_RULESET);
    rb_be(&r, 2, 2);
    rb_bytes(&r, "\x01s", 2);
    expect_refused(&r, VFY_E_BAD_LENGTH, "a rule set of 2 bytes", "short set");
    BASE(AUD_KIND_INSPECTION);
    rb_u8(&r, AUD_T_RULESET);
    rb_be(&r, 4, 2);
    rb_bytes(&r, "\x05sdd", 4);
    expect_refused(&r, VFY_E_LENGTH_OVERFLOW, "a rule-set id of 5 bytes in 4", "set id overflow");
    BASE(AUD_KIND_INSPECTION);
    for (int i = 0; i < AUD_MAX_DIMS + 1; i++)
        rb_dim(&r, "fee", "required", "1");
    expect_refused(&r, VFY_E_LIMIT, "more than 8 dimensions", "9 dims");
    BASE(AUD_KIND_INSPECTION);
    rb_u8(&r, AUD_T_DIMENSION);
    rb_be(&r, 6, 2);
    rb_bytes(&r, "\x03" "fee" "\x00" "x", 6);
    expect_refused(&r, VFY_E_BAD_LENGTH, "a name of 0 characters", "empty name");
    BASE(AUD_KIND_INSPECTION);
    rb_dim(&r, "Fee", "required", "1");
    expect_refused(&r, VFY_E_BAD_ENCODING, "a name holds byte 0x46", "upper-case name");
    BASE(AUD_KIND_INSPECTION);
    rb_u8(&r, AUD_T_DIMENSION);
    rb_be(&r, 8, 2);
    rb_bytes(&r, "\x03" "fee" "\x03" "any", 8);
    expect_refused(&r, VFY_E_TRUNCATED, "a dimension without its value", "no value");
    BASE(AUD_KIND_TRUST_CHANGE);
    rb_field(&r, AUD_T_SUBJECT, zeros, 0);
    expect_refused(&r, VFY_E_BAD_LENGTH, "a digest of 0 bytes", "empty digest");
    BASE(AUD_KIND_TRUST_CHANGE);
    rb_field(&r, AUD_T_SUBJECT, zeros, AUD_DIGEST_MAX + 1);
    expect_refused(&r, VFY_E_BAD_LENGTH, "a digest of 65 bytes", "long digest");
    BASE(AUD_KIND_PRUNE);
    rb_field(&r, AUD_T_PRUNE, zeros, 15);
    expect_refused(&r, VFY_E_BAD_LENGTH, "a prune field of 15 bytes", "short prune");
    BASE(AUD_KIND_TRUST_CHANGE);
    rb_field(&r, 0x15, zeros, 1);
    expect_refused(&r, VFY_E_BAD_TAG, "unknown field 0x15", "unknown tag");
#undef BASE
}

Test(cov2_audit_codec, what_each_kind_must_and_may_carry)
{
    struct rb r;
    uint8_t prune[16] = { 0 };
    rb_head(&r, "VFYA", 1, AUD_KIND_OPEN, 1, 0);
    rb_field(&r, AUD_T_LOG_ID, zeros, 16);
    rb_field(&r, AUD_T_PUBLIC_KEY, zeros, 32);
    expect_refused(&r, VFY_E_BAD_VALUE, "a open record without its signature", "open unsigned");
    rb_head(&r, "VFYA", 1, AUD_KIND_TRUST_CHANGE, 2, 0);
    rb_field(&r, AUD_T_SIGNATURE, zeros, 64);
    expect_refused(&r, VFY_E_BAD_VALUE, "a trust_change record carries a signature", "signed change");
    rb_head(&r, "VFYA", 1, AUD_KIND_OPEN, 1, 0);
    rb_field(&r, AUD_T_PUBLIC_KEY, zeros, 32);
    rb_field(&r, AUD_T_SIGNATURE, zeros, 64);
    expect_refused(&r, VFY_E_BAD_VALUE, "without the log id and the first public key", "open no log id");
    rb_head(&r, "VFYA", 1, AUD_KIND_KEY_ROTATION, 3, 0);
    rb_field(&r, AUD_T_LOG_ID, zeros, 16);
    rb_field(&r, AUD_T_PUBLIC_KEY, zeros, 32);
    rb_field(&r, AUD_T_SIGNATURE, zeros, 64);
    expect_refused(&r, VFY_E_BAD_VALUE, "a log id outside the first record", "log id in rotation");
    rb_head(&r, "VFYA", 1, AUD_KIND_KEY_ROTATION, 3, 0);
    rb_field(&r, AUD_T_SIGNATURE, zeros, 64);
    expect_refused(&r, VFY_E_BAD_VALUE, "a key_rotation record without the new public key", "rotation no key");
    rb_head(&r, "VFYA", 1, AUD_KIND_LOOKUP_ROTATION, 3, 0);
    rb_field(&r, AUD_T_SIGNATURE, zeros, 64);
    expect_refused(&r, VFY_E_BAD_VALUE, "without the new lookup key id", "lookup rotation no id");
    rb_head(&r, "VFYA", 1, AUD_KIND_PRUNE, 3, 0);
    rb_text(&r, AUD_T_EVENT, "records pruned");
    expect_refused(&r, VFY_E_BAD_VALUE, "a prune record without what was pruned", "prune no field");
    rb_head(&r, "VFYA", 1, AUD_KIND_TRUST_CHANGE, 3, 0);
    rb_field(&r, AUD_T_PRUNE, prune, 16);
    expect_refused(&r, VFY_E_BAD_VALUE, "a prune field in a trust_change record", "prune in change");
    rb_head(&r, "VFYA", 1, AUD_KIND_INSPECTION, 3, 0);
    rb_field(&r, AUD_T_PUBLIC_KEY, zeros, 32);
    expect_refused(&r, VFY_E_BAD_VALUE, "a public key in a inspection record", "key in inspection");
    rb_head(&r, "VFYA", 1, AUD_KIND_TRUST_CHANGE, 0, 0);
    expect_refused(&r, VFY_E_BAD_VALUE, "record number 0", "seq 0");
    rb_head(&r, "VFYA", 1, AUD_KIND_TRUST_CHANGE, (uint64_t)INT64_MAX + 1, 0);
    expect_refused(&r, VFY_E_BAD_VALUE, "record number 9223372036854775808", "seq 2^63");
}

Test(cov2_audit_codec, records_that_do_not_fit_the_buffer_are_refused)
{
    aud_record rec;
    memset(&rec, 0, sizeof rec);
    rec.kind = AUD_KIND_TRUST_CHANGE;
    rec.seq = 2;
    aud_set_text(rec.event, "a change");
    uint8_t buf[AUD_RECORD_MAX];
    size_t len = 0;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_expect_eq(aud_record_encode(&rec, buf, 40, &len, &d), VFY_E_LIMIT);
    cr_expect(strstr(d.message, "exceeds 16384 bytes") != NULL, "%s", d.message);
    cr_assert_eq(aud_record_encode(&rec, buf, sizeof buf, &len, NULL), VFY_OK);
    cr_expect_eq(len, 55 + 3 + 8, "header, then the event field");
    /* no room for the 67-byte signature field */
    char dir[64], key[128];
    tmpdir_make("cov2auditcodec", dir, sizeof dir);
    snprintf(key, sizeof key, "%s/k", dir);
    char *secret, *pub;
    cr_assert_eq(vfy_audit_keygen(&secret, &pub, NULL), VFY_OK);
    cr_assert_eq(vfy_write_new_file(key, (const uint8_t *)secret, strlen(secret), NULL), VFY_OK);
    vfy_audit_text_wipe_free(secret);
    vfy_free(pub);
    vfy_audit_key *k;
    cr_assert_eq(vfy_audit_key_load(key, &k, NULL), VFY_OK);
    size_t short_len = len;
    vfy_detail_clear(&d);
    cr_expect_eq(aud_record_sign(k, buf, len + 66, &short_len, &d), VFY_E_LIMIT);
    cr_expect_eq(short_len, len);
    cr_expect_eq(aud_record_sign(k, buf, len + 67, &short_len, &d), VFY_OK);
    cr_expect_eq(short_len, len + 67);
    uint8_t sig[AUD_SIG_BYTES];
    cr_expect_eq(aud_sign(NULL, buf, len, sig, &d), VFY_E_INVALID_ARGUMENT);
    vfy_audit_key_free(k);
    tmpdir_remove(dir);
}

/* ---- key files ------------------------------------------------------------------------ */

TestSuite(cov2_audit_keys, .timeout = 60);

static void put_file(const char *dir, const char *name, const char *text, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    unlink(path);
    cr_assert_eq(vfy_write_new_file(path, (const uint8_t *)text, strlen(text), NULL), VFY_OK);
}

Test(cov2_audit_keys, a_hand_made_key_file_gives_the_public_key_openssl_computes)
{
    char dir[64], path[160];
    tmpdir_make("cov2auditkeys", dir, sizeof dir);
    uint8_t seed[32];
    for (int i = 0; i < 32; i++)
        seed[i] = (uint8_t)(i + 1);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, seed, 32);
    char text[160];
    snprintf(text, sizeof text, "libverify-audit-signing-key/1 %s\n", hex);
    put_file(dir, "k", text, path, sizeof path);
    vfy_audit_key *k = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_key_load(path, &k, &d), VFY_OK, "%s", d.message);
    EVP_PKEY *pk = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    cr_assert_not_null(pk);
    uint8_t want[32];
    size_t wl = sizeof want;
    cr_assert_eq(EVP_PKEY_get_raw_public_key(pk, want, &wl), 1);
    EVP_PKEY_free(pk);
    uint8_t got[32];
    memset(got, 0xEE, sizeof got);
    vfy_audit_key_public(k, got);
    cr_expect_eq(memcmp(got, want, 32), 0, "the public half is not Ed25519 of the seed");
    uint8_t untouched[32];
    memset(untouched, 0xEE, sizeof untouched);
    vfy_audit_key_public(NULL, untouched);
    cr_expect_eq(untouched[0], 0xEE);
    vfy_audit_key_free(k);
    vfy_audit_text_wipe_free(NULL);
    vfy_audit_key_free(NULL);
    vfy_audit_lookup_key_free(NULL);
    tmpdir_remove(dir);
}

Test(cov2_audit_keys, damaged_or_misplaced_key_files_are_refused)
{
    char dir[64], path[160];
    tmpdir_make("cov2auditkeys", dir, sizeof dir);
    char hex[65];
    memset(hex, 'a', 64);
    hex[64] = '\0';
    char text[200];
    vfy_detail d;
    vfy_audit_key *k = NULL;
    vfy_audit_lookup_key *l = NULL;
    uint8_t pub[32];
    /* one digit short */
    snprintf(text, sizeof text, "libverify-audit-signing-key/1 %.63s\n", hex);
    put_file(dir, "short", text, path, sizeof path);
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_key_load(path, &k, &d), VFY_E_AUDIT_KEY);
    cr_expect(strstr(d.message, "64 hexadecimal digits") != NULL, "%s", d.message);
    cr_expect_null(k);
    /* a digit that is not hexadecimal */
    snprintf(text, sizeof text, "libverify-audit-public-key/1 %.63sg\n", hex);
    put_file(dir, "g", text, path, sizeof path);
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_public_key_load(path, pub, &d), VFY_E_AUDIT_KEY);
    cr_expect(strstr(d.message, "64 hexadecimal digits") != NULL, "%s", d.message);
    /* a public key file given as a lookup key */
    snprintf(text, sizeof text, "libverify-audit-public-key/1 %s\n", hex);
    put_file(dir, "pub", text, path, sizeof path);
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_lookup_key_load(path, &l, &d), VFY_E_AUDIT_KEY);
    cr_expect(strstr(d.message, "not a libverify-audit-lookup-key/1 file") != NULL, "%s", d.message);
    cr_expect_null(l);
    /* a lookup key with a byte of the prefix flipped, and one with two lines */
    snprintf(text, sizeof text, "libverify-audit-lookup-kez/1 %s\n", hex);
    put_file(dir, "flip", text, path, sizeof path);
    cr_expect_eq(vfy_audit_lookup_key_load(path, &l, &d), VFY_E_AUDIT_KEY);
    snprintf(text, sizeof text, "libverify-audit-lookup-key/1 %s\n\n", hex);
    put_file(dir, "two", text, path, sizeof path);
    vfy_detail_clear(&d);
    cr_expect_eq(vfy_audit_lookup_key_load(path, &l, &d), VFY_E_AUDIT_KEY);
    cr_expect(strstr(d.message, "on one line") != NULL, "%s", d.message);
    cr_expect_null(l);
    /* and the arguments */
    cr_expect_eq(vfy_audit_keygen(NULL, NULL, &d), VFY_E_INVALID_ARGUMENT);
    char *one = NULL;
    cr_expect_eq(vfy_audit_keygen(&one, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_lookup_keygen(NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_key_load(NULL, &k, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_key_load(path, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_public_key_load(NULL, pub, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_public_key_load(path, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_lookup_key_load(NULL, &l, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_audit_lookup_key_load(path, NULL, &d), VFY_E_INVALID_ARGUMENT);
    tmpdir_remove(dir);
}

/* ---- out of memory ------------------------------------------------------------------- */

TestSuite(cov2_audit_oom, .timeout = 300);

#define RUNS 400

static void sweep_report(const char *what, struct fault_sweep_result r)
{
    cr_log_info("%s: %lu allocations, %lu failed runs, %lu injected", what, r.allocations, r.runs, r.fired);
    cr_assert_gt(r.allocations, 0, "%s allocates nothing: the injector does not reach it", what);
    cr_assert_gt(r.fired, 0, "%s: no failure was injected", what);
}

static void op_keygen(void *ctx, bool injected)
{
    (void)ctx;
    char *secret = (char *)1, *pub = (char *)1, *lookup = (char *)1;
    vfy_detail d;
    vfy_detail_clear(&d);
    fault_enter();
    vfy_status s = vfy_audit_keygen(&secret, &pub, &d);
    vfy_status t = vfy_audit_lookup_keygen(&lookup, &d);
    fault_leave();
    if (s == VFY_OK) {
        cr_assert(strncmp(secret, "libverify-audit-signing-key/1 ", 30) == 0 && strlen(secret) == 30 + 65);
        cr_assert(strncmp(pub, "libverify-audit-public-key/1 ", 29) == 0 && strlen(pub) == 29 + 65);
        vfy_audit_text_wipe_free(secret);
        vfy_free(pub);
    } else {
        cr_assert(injected);
        cr_assert_eq(s, VFY_E_NO_MEMORY, "%s", vfy_status_name(s));
        cr_assert(secret == NULL && pub == NULL, "a failed keygen handed out a text");
    }
    if (t == VFY_OK) {
        cr_assert(strncmp(lookup, "libverify-audit-lookup-key/1 ", 29) == 0);
        vfy_audit_text_wipe_free(lookup);
    } else {
        cr_assert(injected);
        cr_assert_eq(t, VFY_E_NO_MEMORY, "%s", vfy_status_name(t));
    }
}

Test(cov2_audit_oom, key_generation)
{
    sweep_report("keygen", fault_sweep(op_keygen, NULL, RUNS));
}

struct keys_fx {
    char dir[64], key[128], lookup[128];
    uint8_t pub[32];
};

static void op_key_load(void *ctx, bool injected)
{
    struct keys_fx *f = ctx;
    vfy_audit_key *k = NULL;
    vfy_audit_lookup_key *l = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    fault_enter();
    vfy_status s = vfy_audit_key_load(f->key, &k, &d);
    vfy_status t = vfy_audit_lookup_key_load(f->lookup, &l, &d);
    fault_leave();
    if (s == VFY_OK) {
        uint8_t p[32];
        vfy_audit_key_public(k, p);
        cr_assert_eq(memcmp(p, f->pub, 32), 0);
    } else {
        cr_assert(injected);
        cr_assert_eq(s, VFY_E_NO_MEMORY, "%s", vfy_status_name(s));
        cr_assert_null(k);
    }
    if (t != VFY_OK) {
        cr_assert(injected);
        cr_assert_eq(t, VFY_E_NO_MEMORY, "%s", vfy_status_name(t));
        cr_assert_null(l);
    }
    vfy_audit_key_free(k);
    vfy_audit_lookup_key_free(l);
}

static void keys_setup(struct keys_fx *f)
{
    tmpdir_make("cov2auditoom", f->dir, sizeof f->dir);
    snprintf(f->key, sizeof f->key, "%s/k", f->dir);
    snprintf(f->lookup, sizeof f->lookup, "%s/l", f->dir);
    char *secret, *pub, *lookup;
    cr_assert_eq(vfy_audit_keygen(&secret, &pub, NULL), VFY_OK);
    cr_assert_eq(vfy_audit_lookup_keygen(&lookup, NULL), VFY_OK);
    cr_assert_eq(vfy_write_new_file(f->key, (const uint8_t *)secret, strlen(secret), NULL), VFY_OK);
    cr_assert_eq(vfy_write_new_file(f->lookup, (const uint8_t *)lookup, strlen(lookup), NULL), VFY_OK);
    cr_assert_eq(sodium_hex2bin(f->pub, 32, pub + 29, 64, NULL, NULL, NULL), 0);
    vfy_audit_text_wipe_free(secret);
    vfy_audit_text_wipe_free(lookup);
    vfy_free(pub);
}

Test(cov2_audit_oom, key_loading)
{
    struct keys_fx f;
    keys_setup(&f);
    sweep_report("key load", fault_sweep(op_key_load, &f, RUNS));
    tmpdir_remove(f.dir);
}

/* A log with a key rotation, a prune gap and checkpoints; verified (with a checkpoint
 * kept elsewhere), read and asked for its latest checkpoint under failed allocations. */
struct log_fx {
    struct keys_fx k;
    char key_b[128], log[128], fresh[128];
    vfy_audit_key *a, *b;
    vfy_audit_lookup_key *l;
    char *kept;
    char reference[16384];
    vfy_inspection *in;
};

static bool collect_json(void *ctx, const vfy_audit_entry *e)
{
    char *buf = ctx;
    size_t used = strlen(buf);
    snprintf(buf + used, 16384 - used, "%s\n", e->json);
    return true;
}

static void op_read_verify(void *ctx, bool injected)
{
    struct log_fx *f = ctx;
    vfy_audit_verify_result r;
    char *latest = NULL;
    char *lines = calloc(1, 16384);
    cr_assert_not_null(lines);
    vfy_detail d;
    vfy_detail_clear(&d);
    fault_enter();
    vfy_status v = vfy_audit_verify(f->log, f->k.pub, f->kept, &r, &d);
    vfy_status c = vfy_audit_checkpoint_latest(f->log, &latest, &d);
    vfy_status q = vfy_audit_read(f->log, NULL, collect_json, lines, &d);
    fault_leave();
    if (v == VFY_OK) {
        cr_assert_eq(r.problem, VFY_AUDIT_INTACT, "%s under a failed allocation: %s",
                     vfy_audit_problem_name(r.problem), r.message);
        cr_assert_eq(r.key_rotations, 1);
        cr_assert_eq(r.pruned, 2);
    } else {
        cr_assert(injected);
        cr_assert_eq(v, VFY_E_NO_MEMORY, "verify: %s", vfy_status_name(v));
    }
    if (c == VFY_OK) {
        cr_assert_str_eq(latest, f->kept);
    } else {
        cr_assert(injected);
        cr_assert_eq(c, VFY_E_NO_MEMORY, "latest: %s", vfy_status_name(c));
        cr_assert_null(latest);
    }
    if (q == VFY_OK) {
        cr_assert_str_eq(lines, f->reference);
    } else {
        cr_assert(injected);
        cr_assert_eq(q, VFY_E_NO_MEMORY, "read: %s", vfy_status_name(q));
    }
    vfy_free(latest);
    free(lines);
}

static void log_setup(struct log_fx *f)
{
    memset(f, 0, sizeof *f);
    keys_setup(&f->k);
    snprintf(f->key_b, sizeof f->key_b, "%s/b", f->k.dir);
    snprintf(f->log, sizeof f->log, "%s/log.db", f->k.dir);
    snprintf(f->fresh, sizeof f->fresh, "%s/fresh.db", f->k.dir);
    char *secret, *pub;
    cr_assert_eq(vfy_audit_keygen(&secret, &pub, NULL), VFY_OK);
    cr_assert_eq(vfy_write_new_file(f->key_b, (const uint8_t *)secret, strlen(secret), NULL), VFY_OK);
    vfy_audit_text_wipe_free(secret);
    vfy_free(pub);
    cr_assert_eq(vfy_audit_key_load(f->k.key, &f->a, NULL), VFY_OK);
    cr_assert_eq(vfy_audit_key_load(f->key_b, &f->b, NULL), VFY_OK);
    cr_assert_eq(vfy_audit_lookup_key_load(f->k.lookup, &f->l, NULL), VFY_OK);
}

static void log_teardown(struct log_fx *f)
{
    vfy_free(f->kept);
    vfy_inspection_free(f->in);
    vfy_audit_key_free(f->a);
    vfy_audit_key_free(f->b);
    vfy_audit_lookup_key_free(f->l);
    tmpdir_remove(f->k.dir);
}

static vfy_inspection *specimen_inspection(const char *dir)
{
    char dump[160];
    snprintf(dump, sizeof dump, "%s/dump", dir);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_specimen_write(dump, NULL, &d), VFY_OK, "%s", d.message);
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    cr_assert_eq(vfy_document_load_dir(doc, dump, NULL), VFY_OK);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    vfy_inspection *in = NULL;
    cr_assert_eq(vfy_inspect_files(doc, &o, &in, NULL), VFY_OK);
    vfy_document_free(doc);
    return in;
}

Test(cov2_audit_oom, verifying_reading_and_the_latest_checkpoint)
{
    struct log_fx f;
    log_setup(&f);
    f.in = specimen_inspection(f.k.dir);
    vfy_audit_log *log;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_open(f.log, f.a, f.l, NULL, &log, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_audit_record_change(log, VFY_AUDIT_TRUST_CHANGE, "one", NULL, 0, NULL, &d), VFY_OK);
    cr_assert_eq(vfy_audit_record_change(log, VFY_AUDIT_TRUST_CHANGE, "two", NULL, 0, NULL, &d), VFY_OK);
    cr_assert_eq(vfy_audit_rotate_key(log, f.b, &d), VFY_OK);
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK);
    cr_assert_eq(vfy_audit_prune(f.log, f.b, f.l, (time_t)4102444800LL, NULL, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_audit_open(f.log, f.b, f.l, NULL, &log, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_audit_record_inspection(log, f.in, NULL, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK);
    cr_assert_eq(vfy_audit_checkpoint_latest(f.log, &f.kept, &d), VFY_OK);
    cr_assert_eq(vfy_audit_read(f.log, NULL, collect_json, f.reference, &d), VFY_OK);
    cr_assert(strstr(f.reference, "\"kind\":\"prune\"") != NULL, "%s", f.reference);
    cr_assert(strstr(f.reference, "\"kind\":\"inspection\",") != NULL, "%s", f.reference);
    sweep_report("verify, latest, read", fault_sweep(op_read_verify, &f, RUNS));
    log_teardown(&f);
}

/* Creating a log, appending an inspection (with its document hashes) and closing. */
static void op_write(void *ctx, bool injected)
{
    struct log_fx *f = ctx;
    unlink(f->fresh);
    vfy_audit_log *log = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    uint64_t seq = 0;
    fault_enter();
    vfy_status s = vfy_audit_open(f->fresh, f->a, f->l, NULL, &log, &d);
    vfy_status w = s == VFY_OK ? vfy_audit_record_inspection(log, f->in, &seq, &d) : s;
    vfy_status c = vfy_audit_close(log, &d);
    fault_leave();
    if (s != VFY_OK) {
        cr_assert(injected);
        cr_assert_eq(s, VFY_E_NO_MEMORY, "open: %s", vfy_status_name(s));
        cr_assert_null(log);
        cr_assert_neq(access(f->fresh, F_OK), 0, "a log that could not be opened was left behind");
        return;
    }
    cr_assert_eq(c, VFY_OK, "close: %s", vfy_status_name(c));
    if (w != VFY_OK) {
        cr_assert(injected);
        cr_assert_eq(w, VFY_E_NO_MEMORY, "record: %s", vfy_status_name(w));
        return;
    }
    cr_assert_eq(seq, 2);
    /* a record that was written carries the document hash, or it could not be found */
    sqlite3 *db;
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_open(f->fresh, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT length(document_hash) FROM audit_records WHERE seq = 2",
                                    -1, &st, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    int hash_len = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    cr_assert_eq(hash_len, 32, "an inspection recorded without its document hash (run %s)",
                 injected ? "with a failed allocation" : "unfailed");
}

Test(cov2_audit_oom, creating_a_log_and_recording_an_inspection)
{
    struct log_fx f;
    log_setup(&f);
    f.in = specimen_inspection(f.k.dir);
    sweep_report("open, record, close", fault_sweep(op_write, &f, RUNS));
    unlink(f.fresh);
    log_teardown(&f);
}

/* The eligibility part of an inspection record: its rule sets and every dimension's
 * outcome must be recorded whole, or the record not written at all. */
struct decision_fx {
    struct log_fx lf;
    json_t *reference;   /* the record's "eligibility" from the unfailed run */
};

static bool take_eligibility(void *ctx, const vfy_audit_entry *e)
{
    json_t **out = ctx;
    if (strcmp(e->kind, "inspection") == 0) {
        json_t *root = json_loads(e->json, 0, NULL);
        cr_assert_not_null(root, "%s", e->json);
        json_decref(*out);
        *out = json_incref(json_object_get(root, "eligibility"));
        json_decref(root);
    }
    return true;
}

static void op_decision(void *ctx, bool injected)
{
    struct decision_fx *f = ctx;
    unlink(f->lf.fresh);
    vfy_audit_log *log = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_audit_open(f->lf.fresh, f->lf.a, f->lf.l, NULL, &log, &d), VFY_OK, "%s", d.message);
    fault_enter();
    vfy_status w = vfy_audit_record_inspection(log, f->lf.in, NULL, &d);
    fault_leave();
    cr_assert_eq(vfy_audit_close(log, &d), VFY_OK, "%s", d.message);
    json_t *elig = NULL;
    cr_assert_eq(vfy_audit_read(f->lf.fresh, NULL, take_eligibility, &elig, &d), VFY_OK, "%s", d.message);
    if (w != VFY_OK) {
        cr_assert(injected);
        cr_assert_eq(w, VFY_E_NO_MEMORY, "%s", vfy_status_name(w));
        cr_assert_null(elig, "a failed record was written");
        return;
    }
    cr_assert_not_null(elig, "an inspection with a decision recorded without it");
    if (!injected) {
        json_decref(f->reference);
        f->reference = elig;
        return;
    }
    char *got = json_dumps(elig, JSON_COMPACT | JSON_SORT_KEYS);
    char *want = json_dumps(f->reference, JSON_COMPACT | JSON_SORT_KEYS);
    cr_assert(json_equal(elig, f->reference), "a degraded decision was recorded:\n%s\nnot\n%s",
              got != NULL ? got : "?", want != NULL ? want : "?");
    free(got);
    free(want);
    json_decref(elig);
}

Test(cov2_audit_oom, recording_an_eligibility_decision)
{
    struct decision_fx f;
    memset(&f, 0, sizeof f);
    log_setup(&f.lf);
    char dump[160];
    snprintf(dump, sizeof dump, "%s/dump", f.lf.k.dir);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_specimen_write(dump, NULL, &d), VFY_OK, "%s", d.message);
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    cr_assert_eq(vfy_document_load_dir(doc, dump, NULL), VFY_OK);
    vfy_rules_engine *engine = rules_engine(VFY_RULES_PRODUCTION, NULL);
    vfy_rules_case *c = rules_case("bc-kiosk-no-dates");
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.rules = engine;
    o.eligibility_case = c;
    cr_assert_eq(vfy_inspect_files(doc, &o, &f.lf.in, &d), VFY_OK, "%s", d.message);
    vfy_document_free(doc);
    cr_assert_not_null(vfy_inspection_decision(f.lf.in), "no decision was made");
    sweep_report("record a decision", fault_sweep(op_decision, &f, RUNS));
    cr_assert_not_null(f.reference);
    cr_assert_gt(json_array_size(json_object_get(f.reference, "rulesets")), 0, "no rule sets recorded");
    cr_assert_eq(json_object_size(json_object_get(f.reference, "decision")), 8, "not every dimension recorded");
    json_decref(f.reference);
    unlink(f.lf.fresh);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(engine);
    log_teardown(&f.lf);
}
