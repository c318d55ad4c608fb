/*
 * Signed rule sets: every byte of a signed file is covered, unknown keys and
 * hypothetical sets are refused in production, test mode says so, and the
 * keygen/sign/verify round trip works through the API and the CLI.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/jcs.h"
#include "support.h"
#include "test_rules_support.h"

static uint8_t *repo_file(const char *rel, size_t *len)
{
    char path[4096];
    return read_file_or_fail(repo_path(rel, path, sizeof path), len);
}

static vfy_status add_one(vfy_rules_mode mode, const vfy_rules_trust *trust, const void *data,
                          size_t len, vfy_detail *d)
{
    vfy_rules_builder *b;
    cr_assert_eq(vfy_rules_builder_new(mode, trust, &b), VFY_OK);
    cr_assert_eq(vfy_rules_builder_allow_development_key(b), VFY_OK);
    vfy_detail_clear(d);
    vfy_status s = vfy_rules_builder_add(b, data, len, "test", d);
    vfy_rules_builder_free(b);
    return s;
}

Test(rules_signature, shipped_sets_verify_with_the_development_key)
{
    vfy_rules_trust *trust = rules_dev_trust();
    const char *files[] = { "data/rules/eu-2018-1806.json", "data/rules/eu-vc-2020.json",
                            "data/rules/eu-vc-2024.json", "data/rules/eu-am-vfa.json",
                            "data/rules/eu-by-vfa.json" };
    for (size_t i = 0; i < 5; i++) {
        size_t len;
        uint8_t *buf = repo_file(files[i], &len);
        vfy_detail d;
        cr_assert_eq(add_one(VFY_RULES_PRODUCTION, trust, buf, len, &d), VFY_OK, "%s: %s", files[i], d.message);
        free(buf);
    }
    vfy_rules_trust_free(trust);
}

/* The development key's secret is in the repository: production mode refuses what it
 * signed unless the caller overrides explicitly, and then every decision says so. */
Test(rules_signature, development_key_refused_in_production_without_override)
{
    vfy_rules_trust *trust = rules_dev_trust();
    size_t len;
    uint8_t *buf = repo_file("data/rules/eu-vc-2024.json", &len);
    vfy_rules_builder *b;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_PRODUCTION, trust, &b), VFY_OK);
    cr_assert_eq(vfy_rules_builder_add(b, buf, len, "vc", &d), VFY_E_RULES_DEVELOPMENT_KEY);
    cr_assert(strstr(d.message, "development key") != NULL, "%s", d.message);
    vfy_rules_engine *e;
    cr_assert_eq(vfy_rules_build(b, &e, &d), VFY_OK);
    cr_assert_eq(vfy_rules_engine_count(e), 0);
    cr_assert_not(vfy_rules_engine_development_key(e));
    vfy_rules_engine_free(e);
    /* With the override: loaded, and reported in every decision. */
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_PRODUCTION, trust, &b), VFY_OK);
    cr_assert_eq(vfy_rules_builder_allow_development_key(b), VFY_OK);
    cr_assert_eq(vfy_rules_builder_add(b, buf, len, "vc", &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_rules_build(b, &e, &d), VFY_OK);
    cr_assert(vfy_rules_engine_development_key(e));
    const char *text = "{\"traveller\":{\"nationality\":\"KAZ\"}}";
    vfy_rules_case *c;
    cr_assert_eq(vfy_rules_case_parse(text, strlen(text), &c, &d), VFY_OK);
    vfy_rules_decision *dec;
    cr_assert_eq(vfy_rules_evaluate(e, c, NULL, &dec, &d), VFY_OK);
    char *json = vfy_rules_decision_json(dec, 0);
    cr_assert_not_null(strstr(json, "\"development_key\":\"DEVELOPMENT KEY"), "%.300s", json);
    free(json);
    vfy_rules_decision_free(dec);
    vfy_rules_case_free(c);
    vfy_rules_engine_free(e);
    free(buf);
    vfy_rules_trust_free(trust);
    /* The CLI: refused (exit 4) without the flag, decided with it. */
    char cmd[16384], p1[4096], p2[4096], p3[4096];
    snprintf(cmd, sizeof cmd, "%s rules eval --trust %s --rules %s --case %s >/dev/null 2>&1", vfy_bin(),
             repo_path(RULES_DEV_PUB, p1, sizeof p1), repo_path("data/rules", p2, sizeof p2),
             repo_path("tests/data/rules/cases/e01-adult-tourist.json", p3, sizeof p3));
    cr_assert_eq(run_capture(cmd, NULL), 4);
    snprintf(cmd, sizeof cmd, "%s rules eval --json --allow-development-key --trust %s --rules %s --case %s 2>/dev/null",
             vfy_bin(), repo_path(RULES_DEV_PUB, p1, sizeof p1), repo_path("data/rules", p2, sizeof p2),
             repo_path("tests/data/rules/cases/e01-adult-tourist.json", p3, sizeof p3));
    char *out = NULL;
    cr_assert_eq(run_capture(cmd, &out), 0);
    cr_assert_not_null(strstr(out, "\"development_key\""));
    free(out);
}

/* Every single byte of a signed set, changed, makes it refused. */
Test(rules_signature, one_byte_change_anywhere_is_refused, .timeout = 60)
{
    vfy_rules_trust *trust = rules_dev_trust();
    size_t len;
    /* The smallest shipped set: every byte within the test's time (the large sets are
     * sampled below). */
    uint8_t *buf = repo_file("data/rules/eu-sbc-2016-399.json", &len);
    for (size_t i = 0; i < len; i++) {
        uint8_t saved = buf[i];
        /* A change that keeps JSON valid where it can (digits, letters, spaces). */
        buf[i] = saved == ' ' ? '\t' : saved == '0' ? '1' : (uint8_t)(saved ^ 0x01);
        vfy_detail d;
        vfy_status s = add_one(VFY_RULES_PRODUCTION, trust, buf, len, &d);
        cr_assert(s == VFY_E_RULES_SIGNATURE || s == VFY_E_RULES_PARSE || s == VFY_E_RULES_SCHEMA ||
                      s == VFY_E_RULES_UNTRUSTED, /* a changed key id */
                  "a change of byte %zu ('%c' -> '%c'): %s", i, saved, buf[i], vfy_status_name(s));
        buf[i] = saved;
    }
    vfy_detail d;
    cr_assert_eq(add_one(VFY_RULES_PRODUCTION, trust, buf, len, &d), VFY_OK, "the restored file verifies");
    free(buf);
    vfy_rules_trust_free(trust);
}

/* On a large set, a sample of positions; each change that still parses is caught by
 * the signature, not by luck of the parser. */
Test(rules_signature, value_change_fails_the_signature_not_the_parser)
{
    vfy_rules_trust *trust = rules_dev_trust();
    size_t len;
    uint8_t *buf = repo_file("data/rules/eu-vc-2024.json", &len);
    char *at = strstr((char *)buf, "\"amount_cents\": 9000");
    cr_assert_not_null(at);
    at[strlen("\"amount_cents\": ")] = '8';
    vfy_detail d;
    cr_assert_eq(add_one(VFY_RULES_PRODUCTION, trust, buf, len, &d), VFY_E_RULES_SIGNATURE);
    cr_assert(strstr(d.message, "does not verify") != NULL, "%s", d.message);
    /* The same edit, written in canonical form, still fails the signature. */
    at[strlen("\"amount_cents\": ")] = '9';
    uint8_t *ws = malloc(len + 1);
    memcpy(ws, buf, len);
    ws[len] = '\n';
    cr_assert_eq(add_one(VFY_RULES_PRODUCTION, trust, ws, len + 1, &d), VFY_E_RULES_SIGNATURE,
                 "a trailing byte is a change too");
    free(ws);
    free(buf);
    vfy_rules_trust_free(trust);
}

static char *fresh_trust(char **secret)
{
    char *pub = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_keygen("another publisher", secret, &pub, &d), VFY_OK, "%s", d.message);
    return pub;
}

Test(rules_signature, unknown_key_is_refused)
{
    size_t len;
    uint8_t *buf = repo_file("data/rules/eu-2018-1806.json", &len);
    char *secret;
    char *pub = fresh_trust(&secret);
    vfy_rules_trust *other;
    vfy_detail d;
    cr_assert_eq(vfy_rules_trust_load(pub, strlen(pub), &other, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(add_one(VFY_RULES_PRODUCTION, other, buf, len, &d), VFY_E_RULES_UNTRUSTED);
    cr_assert_str_eq(d.field, "$.signature.key_id");
    /* Even in test mode a signature that is present is checked. */
    cr_assert_eq(add_one(VFY_RULES_TEST, other, buf, len, &d), VFY_E_RULES_UNTRUSTED);
    vfy_rules_trust_free(other);
    free(pub);
    vfy_free_secret(secret);
    free(buf);
}

Test(rules_signature, hypothetical_refused_in_production_accepted_in_test_mode)
{
    vfy_rules_trust *trust = rules_dev_trust();
    size_t len;
    uint8_t *buf = repo_file("data/rules/eu-kz-vfa-hypothetical.json", &len);
    vfy_detail d;
    cr_assert_eq(add_one(VFY_RULES_PRODUCTION, trust, buf, len, &d), VFY_E_RULES_STATUS,
                 "signed by a trusted key, still refused: %s", d.message);
    cr_assert_str_eq(d.field, "$.status");
    cr_assert_eq(add_one(VFY_RULES_TEST, trust, buf, len, &d), VFY_OK, "%s", d.message);
    free(buf);
    vfy_rules_trust_free(trust);
}

Test(rules_signature, unsigned_refused_in_production)
{
    vfy_rules_trust *trust = rules_dev_trust();
    size_t len;
    uint8_t *buf = repo_file(RULES_UTO_OVERLAY, &len);
    vfy_detail d;
    cr_assert_eq(add_one(VFY_RULES_PRODUCTION, trust, buf, len, &d), VFY_E_RULES_SIGNATURE);
    cr_assert(strstr(d.message, "not signed") != NULL, "%s", d.message);
    cr_assert_eq(add_one(VFY_RULES_TEST, NULL, buf, len, &d), VFY_OK, "%s", d.message);
    vfy_rules_builder *b;
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_PRODUCTION, NULL, &b), VFY_E_CONFIG,
                 "production mode without a trust store is a configuration error");
    free(buf);
    vfy_rules_trust_free(trust);
}

Test(rules_signature, sign_then_verify_round_trip_and_digest_ignores_formatting)
{
    size_t len;
    uint8_t *buf = repo_file(RULES_UTO_OVERLAY, &len);
    char *secret;
    char *pub = fresh_trust(&secret);
    char *signed_text;
    size_t signed_len;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_sign(buf, len, secret, strlen(secret), &signed_text, &signed_len, &d), VFY_OK,
                 "%s", d.message);
    vfy_rules_trust *trust;
    cr_assert_eq(vfy_rules_trust_load(pub, strlen(pub), &trust, &d), VFY_OK);
    /* Hypothetical: test mode loads it, verifying the signature that is present. */
    vfy_rules_builder *b;
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_TEST, trust, &b), VFY_OK);
    cr_assert_eq(vfy_rules_builder_add(b, signed_text, signed_len, "signed", &d), VFY_OK, "%s", d.message);
    vfy_rules_engine *e;
    cr_assert_eq(vfy_rules_build(b, &e, &d), VFY_OK);
    vfy_rules_set_info info;
    cr_assert_eq(vfy_rules_engine_set(e, 0, &info), VFY_OK);
    cr_assert(info.signature_verified);
    cr_assert_not_null(info.key_id);
    cr_assert_eq(strlen(info.digest), 64);
    char digest_signed[65];
    strcpy(digest_signed, info.digest);
    vfy_rules_engine_free(e);
    /* The unsigned original has the same digest: it covers content, not layout. */
    cr_assert_eq(vfy_rules_builder_new(VFY_RULES_TEST, NULL, &b), VFY_OK);
    cr_assert_eq(vfy_rules_builder_add(b, buf, len, "unsigned", &d), VFY_OK);
    cr_assert_eq(vfy_rules_build(b, &e, &d), VFY_OK);
    cr_assert_eq(vfy_rules_engine_set(e, 0, &info), VFY_OK);
    cr_assert_str_eq(info.digest, digest_signed);
    cr_assert_not(info.signature_verified);
    vfy_rules_engine_free(e);
    vfy_rules_trust_free(trust);
    free(signed_text);
    free(pub);
    vfy_free_secret(secret);
    free(buf);
}

Test(rules_signature, trust_file_key_id_must_match_its_key)
{
    char *secret;
    char *pub = fresh_trust(&secret);
    char *kid = strstr(pub, "\"key_id\": \"");
    cr_assert_not_null(kid);
    kid += strlen("\"key_id\": \"");
    kid[0] = kid[0] == '0' ? '1' : '0';
    vfy_rules_trust *t = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_trust_load(pub, strlen(pub), &t, &d), VFY_E_TRUST_STORE);
    cr_assert_null(t);
    cr_assert(strstr(d.message, "does not match") != NULL, "%s", d.message);
    free(pub);
    vfy_free_secret(secret);
}

/* The CLI: keygen, sign, verify; a tampered copy exits 4. */
Test(rules_signature, cli_keygen_sign_verify_and_tamper)
{
    char dir[64];
    tmpdir_make("rules", dir, sizeof dir);
    char cmd[8192], in[4096], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s rules keygen --publisher 'test publisher' --out %s/k", vfy_bin(), dir);
    cr_assert_eq(run_capture(cmd, &out), 0, "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "%s rules sign --key %s/k.key --out %s/s.json %s", vfy_bin(), dir, dir,
             repo_path("data/rules/eu-2018-1806.json", in, sizeof in));
    cr_assert_eq(run_capture(cmd, &out), 0, "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "%s rules verify --trust %s/k.pub %s/s.json", vfy_bin(), dir, dir);
    cr_assert_eq(run_capture(cmd, &out), 0);
    cr_assert(strncmp(out, "EU-2018-1806 ", 13) == 0 && strstr(out, ": signature verified") != NULL, "%s", out);
    free(out);
    /* The development key does not vouch for this publisher's signature. */
    char dev[4096];
    snprintf(cmd, sizeof cmd, "%s rules verify --trust %s %s/s.json 2>&1", vfy_bin(),
             repo_path(RULES_DEV_PUB, dev, sizeof dev), dir);
    cr_assert_eq(run_capture(cmd, &out), 4);
    cr_assert(strstr(out, "not in the trust file") != NULL, "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "sed -i 's/\"KAZ\"/\"KAX\"/' %s/s.json && %s rules verify --trust %s/k.pub %s/s.json 2>&1",
             dir, vfy_bin(), dir, dir);
    cr_assert_eq(run_capture(cmd, &out), 4, "%s", out);
    cr_assert(strstr(out, "does not verify") != NULL, "%s", out);
    free(out);
    tmpdir_remove(dir);
}

Test(rules_signature, cli_production_needs_a_trust_file)
{
    char cmd[8192], r[4096], c[4096], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s rules eval --rules %s --case %s 2>&1", vfy_bin(),
             repo_path("data/rules", r, sizeof r), repo_path("tests/data/rules/cases/e01-adult-tourist.json", c, sizeof c));
    cr_assert_eq(run_capture(cmd, &out), 4);
    cr_assert(strstr(out, "--rules-trust") != NULL, "%s", out);
    free(out);
}

/* Found by fuzz/rules: a key object without its publisher leaked the key id. */
Test(rules_signature, trust_file_missing_members_are_refused_without_leaks)
{
    static const char *const bad[] = {
        "{\"algorithm\":\"Ed25519\",\"key_id\":\"d0985364f581e088f90e409a5ba20c\"}",
        "{\"algorithm\":\"Ed25519\",\"publisher\":\"p\",\"key_id\":\"00\",\"public_key\":\"zz\"}",
        "{\"keys\":[]}",
        "{\"keys\":[{\"algorithm\":\"RSA\"}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vfy_rules_trust *t = NULL;
        vfy_detail d;
        vfy_detail_clear(&d);
        cr_assert_eq(vfy_rules_trust_load(bad[i], strlen(bad[i]), &t, &d), VFY_E_TRUST_STORE, "%s", bad[i]);
        cr_assert_null(t);
        cr_assert_neq(d.message[0], '\0');
    }
}

/* Issue 12: signatures over RFC 8785. A set signed the retired way (vfy-rules/1,
 * jansson's sorted dump: this file is data/rules/eu-sbc-2016-399.json as shipped before)
 * is refused with the status that tells its publisher to re-sign, in production and in
 * test mode alike, and the CLI exits 4 saying so. */
Test(rules_signature, retired_vfy_rules_1_signature_is_refused_with_resign)
{
    vfy_rules_trust *trust = rules_dev_trust();
    size_t len;
    uint8_t *buf = repo_file("tests/data/rules/legacy/eu-sbc-2016-399.vfy-rules-1.json", &len);
    vfy_detail d;
    cr_assert_eq(add_one(VFY_RULES_PRODUCTION, trust, buf, len, &d), VFY_E_RULES_RESIGN);
    cr_assert(strstr(d.message, "re-sign") != NULL, "%s", d.message);
    cr_assert_eq(add_one(VFY_RULES_TEST, trust, buf, len, &d), VFY_E_RULES_RESIGN);
    /* Labelling the old signature as RFC 8785 does not make it verify. */
    const char *sig = strstr((const char *)buf, "\"signature\": {");
    cr_assert_not_null(sig);
    size_t at = (size_t)(sig - (const char *)buf) + strlen("\"signature\": {");
    const char *label = "\n    \"canonicalization\": \"RFC 8785\",";
    size_t ll = strlen(label);
    char *relabelled = malloc(len + ll);
    memcpy(relabelled, buf, at);
    memcpy(relabelled + at, label, ll);
    memcpy(relabelled + at + ll, buf + at, len - at);
    cr_assert_eq(add_one(VFY_RULES_PRODUCTION, trust, relabelled, len + ll, &d), VFY_E_RULES_SIGNATURE,
                 "%s", d.message);
    free(relabelled);
    char cmd[16384], p1[4096], p2[4096];
    snprintf(cmd, sizeof cmd, "%s rules verify --rules-trust %s %s 2>&1", vfy_bin(),
             repo_path(RULES_DEV_PUB, p1, sizeof p1),
             repo_path("tests/data/rules/legacy/eu-sbc-2016-399.vfy-rules-1.json", p2, sizeof p2));
    char *out = NULL;
    cr_assert_eq(run_capture(cmd, &out), 4);
    cr_assert(strstr(out, "re-sign") != NULL, "%s", out);
    free(out);
    free(buf);
    vfy_rules_trust_free(trust);
}

/* The signed message is exactly "vfy-rules/2\n" || RFC 8785 form of the set without its
 * signature: checked with libsodium directly on a shipped set, not through the loader. */
Test(rules_signature, signed_message_is_the_rfc8785_form)
{
    size_t len, pub_len;
    uint8_t *buf = repo_file("data/rules/eu-sbc-2016-399.json", &len);
    uint8_t *pub_text = repo_file(RULES_DEV_PUB, &pub_len);
    json_error_t e;
    json_t *root = json_loadb((const char *)buf, len, 0, &e);
    json_t *pubj = json_loadb((const char *)pub_text, pub_len, 0, &e);
    cr_assert(root != NULL && pubj != NULL);
    json_t *sig = json_object_get(root, "signature");
    cr_assert_str_eq(json_string_value(json_object_get(sig, "canonicalization")), "RFC 8785");
    unsigned char pk[32], sigbin[64];
    size_t got;
    const char *pk_hex = json_string_value(json_object_get(pubj, "public_key"));
    cr_assert_eq(sodium_hex2bin(pk, sizeof pk, pk_hex, strlen(pk_hex), NULL, &got, NULL), 0);
    const char *v = json_string_value(json_object_get(sig, "value"));
    cr_assert_eq(sodium_base642bin(sigbin, sizeof sigbin, v, strlen(v), NULL, &got, NULL,
                                   sodium_base64_VARIANT_ORIGINAL), 0);
    json_object_del(root, "signature");
    char *canon;
    size_t n;
    cr_assert_eq(vfy_jcs_serialize(root, 1u << 22, &canon, &n), VFY_OK);
    const char *prefix = "vfy-rules/2\n";
    char *msg = malloc(strlen(prefix) + n);
    memcpy(msg, prefix, strlen(prefix));
    memcpy(msg + strlen(prefix), canon, n);
    cr_assert_eq(crypto_sign_verify_detached(sigbin, (unsigned char *)msg, strlen(prefix) + n, pk), 0);
    /* and not over the retired message */
    char *old = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    size_t on = strlen(old);
    char *omsg = malloc(on + 12);
    memcpy(omsg, "vfy-rules/1\n", 12);
    memcpy(omsg + 12, old, on);
    cr_assert_neq(crypto_sign_verify_detached(sigbin, (unsigned char *)omsg, on + 12, pk), 0);
    free(omsg);
    free(old);
    free(msg);
    free(canon);
    json_decref(root);
    json_decref(pubj);
    free(pub_text);
    free(buf);
}

/* An integer that has no exact double has no RFC 8785 form: such a set cannot be
 * signed (two files that differ in it would share the signature). */
Test(rules_signature, integer_beyond_2_pow_53_cannot_be_signed)
{
    char *secret;
    char *pub = fresh_trust(&secret);
    const char *set = "{\"id\":\"X\",\"n\":9007199254740993}";
    char *signed_text = NULL;
    size_t signed_len;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_rules_sign(set, strlen(set), secret, strlen(secret), &signed_text, &signed_len, &d),
                 VFY_E_RULES_SCHEMA);
    cr_assert_null(signed_text);
    cr_assert(strstr(d.message, "2^53") != NULL, "%s", d.message);
    free(pub);
    vfy_free_secret(secret);
}
