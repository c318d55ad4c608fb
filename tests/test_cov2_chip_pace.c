/*
 * Coverage of issue 12 for chip/pace.c: the ICAO 9303-11 worked examples (appendix G.1
 * GM ECDH, H.1 IM ECDH, I CAM ECDH) replayed by the scripted chip of chip_vectors.h with
 * one answer changed each time: a malformed 7C content, a nonce of the wrong size, a chip
 * that echoes the terminal's own mapping or ephemeral key (9303-11 §4.4.3.3 requires the
 * terminal to check they differ), no token, and CAM data (tag 8A) missing, of a length
 * that is no whole AES block, or decrypting to a value without ISO/IEC 9797-1 method 2
 * padding (encrypted here with OpenSSL under the example's KS_enc and IV). Each gives its
 * exact status and leaves no secure messaging behind.
 */
#include <criterion/criterion.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chip/cardaccess.h"
#include "chip/pace.h"
#include "chip_vectors.h"
#include "faults.h"
#include "support.h"

typedef struct pace_case {
    json_t *v;
    fake_transport f;
    script_rng rs;
    vfy_channel ch;
    vfy_pace_info info;
    vfy_pace_result result;
    vfy_pace_password pw;
    vfy_detail d;
} pace_case;

/* The example's five exchanges; MSE:Set AT accepted whatever its parameters. */
static void setup(pace_case *c, const char *file, bool im, bool can)
{
    memset(c, 0, sizeof *c);
    c->v = vec_load(file);
    fake_init(&c->f, false);
    fake_add_hex(&c->f, NULL, "9000");
    for (int i = 1; i < 5; i++) {
        char pc[32], pr[32];
        snprintf(pc, sizeof pc, "apdus.%d.cmd", i);
        snprintf(pr, sizeof pr, "apdus.%d.rsp", i);
        fake_add_hex(&c->f, vec_str(c->v, pc), vec_str(c->v, pr));
    }
    script_rng_add_hex(&c->rs, vec_str(c->v, im ? "nonce_t" : "terminal_mapping_private"));
    script_rng_add_hex(&c->rs, vec_str(c->v, "terminal_ephemeral_private"));
    cr_assert_eq(vfy_channel_init(&c->ch, &c->f.t, NULL), VFY_OK);
    c->ch.rng = script_rng_as_rng(&c->rs);
    size_t n;
    uint8_t *oid = vec_hex(c->v, "protocol_oid", &n);
    cr_assert_eq(vfy_pace_info_from_oid(oid, n, &c->info, NULL), VFY_OK);
    free(oid);
    c->info.has_parameter_id = true;
    json_t *id = json_object_get(c->v, "parameter_id"); /* a number, or a string in I */
    c->info.parameter_id = json_is_integer(id) ? (unsigned)json_integer_value(id)
                                               : (unsigned)atoi(json_string_value(id));
    cr_assert_eq(c->info.parameter_id, 13);
    c->pw = (vfy_pace_password){ can ? VFY_PACE_PASSWORD_CAN : VFY_PACE_PASSWORD_MRZ,
                                 vec_str(c->v, can ? "password" : "mrz_information") };
    vfy_detail_clear(&c->d);
}

static void answer(pace_case *c, int step, const char *hex)
{
    free(c->f.steps[step].rsp);
    c->f.steps[step].rsp = hex_decode(hex, &c->f.steps[step].rsp_len);
}

static void answer2(pace_case *c, int step, const char *head, const char *body, const char *tail)
{
    char hex[1024];
    snprintf(hex, sizeof hex, "%s%s%s", head, body, tail);
    answer(c, step, hex);
}

static vfy_status run(pace_case *c)
{
    vfy_status s = vfy_pace_run(&c->ch, &c->pw, &c->info, &c->result, &c->d);
    if (s != VFY_OK) {
        cr_assert_not(vfy_channel_sm_active(&c->ch));
        cr_assert_not(c->result.has_chip_auth_data);
    }
    return s;
}

static void teardown(pace_case *c)
{
    vfy_channel_free(&c->ch);
    fake_free(&c->f);
    script_rng_free(&c->rs);
    json_decref(c->v);
}

#define G1 "pace_gm_ecdh_appendix_g1.json"
#define H1 "pace_im_ecdh_appendix_h1.json"
#define I1 "pace_cam_ecdh_appendix_i.json"

Test(cov2_chip_pace, the_examples_still_pass)
{
    /* The unchanged scripts succeed: the changes below are what fails. */
    const char *files[] = { G1, H1, I1 };
    for (int i = 0; i < 3; i++) {
        pace_case c;
        setup(&c, files[i], i == 1, i == 1);
        cr_assert_eq(run(&c), VFY_OK, "%s: %s", files[i], c.d.message);
        cr_assert_eq(c.f.mismatches, 0, "%s", c.f.first_mismatch);
        cr_assert_eq(c.result.has_chip_auth_data, i == 2);
        teardown(&c);
    }
}

Test(cov2_chip_pace, malformed_or_missing_nonce)
{
    pace_case c;
    /* 7C content whose first element runs past its end: no DO'80' can be found. */
    setup(&c, G1, false, false);
    answer(&c, 1, "7c02800590" "00");
    cr_assert_eq(run(&c), VFY_E_CHIP_PROTOCOL);
    cr_assert(strstr(c.d.message, "lacks data object 80") != NULL, "%s", c.d.message);
    teardown(&c);
    /* A nonce of one byte: not a multiple of the AES block. */
    setup(&c, G1, false, false);
    answer(&c, 1, "7c038001aa9000");
    cr_assert_eq(run(&c), VFY_E_CHIP_PROTOCOL);
    cr_assert(strstr(c.d.message, "encrypted nonce has 1 bytes") != NULL, "%s", c.d.message);
    teardown(&c);
    /* IM with AES-128 wants a 16-byte nonce: 32 bytes are refused. */
    setup(&c, H1, true, true);
    answer(&c, 1, "7c228020" "000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f" "9000");
    cr_assert_eq(run(&c), VFY_E_CHIP_PROTOCOL);
    cr_assert(strstr(c.d.message, "32 bytes") != NULL, "%s", c.d.message);
    teardown(&c);
}

Test(cov2_chip_pace, im_mapping_refused)
{
    pace_case c;
    setup(&c, H1, true, true);
    answer(&c, 2, "6a80");
    cr_assert_eq(run(&c), VFY_E_PACE_FAILED);
    cr_assert(strstr(c.d.message, "mapping") != NULL, "%s", c.d.message);
    teardown(&c);
}

Test(cov2_chip_pace, chip_echoing_the_terminal_keys)
{
    pace_case c;
    setup(&c, G1, false, false);
    answer2(&c, 2, "7c438241", vec_str(c.v, "terminal_mapping_public"), "9000");
    cr_assert_eq(run(&c), VFY_E_BAD_VALUE);
    cr_assert(strstr(c.d.message, "echoed the terminal's mapping key") != NULL, "%s", c.d.message);
    teardown(&c);
    setup(&c, G1, false, false);
    answer2(&c, 3, "7c438441", vec_str(c.v, "terminal_ephemeral_public"), "9000");
    cr_assert_eq(run(&c), VFY_E_BAD_VALUE);
    cr_assert(strstr(c.d.message, "echoed the terminal's ephemeral key") != NULL, "%s", c.d.message);
    teardown(&c);
}

Test(cov2_chip_pace, mutual_authentication_without_token)
{
    pace_case c;
    setup(&c, G1, false, false);
    answer(&c, 4, "7c009000");
    cr_assert_eq(run(&c), VFY_E_CHIP_PROTOCOL);
    cr_assert(strstr(c.d.message, "lacks data object 86") != NULL, "%s", c.d.message);
    teardown(&c);
}

/* The appendix I token (86) followed by the given 8A object. */
static void cam_answer(pace_case *c, const char *do8a)
{
    char hex[512];
    size_t body = 10 + strlen(do8a) / 2;
    snprintf(hex, sizeof hex, "7c%02zx8608%s%s9000", body, vec_str(c->v, "t_ic"), do8a);
    answer(c, 4, hex);
}

Test(cov2_chip_pace, cam_data_missing_or_of_bad_length)
{
    pace_case c;
    setup(&c, I1, false, false);
    cam_answer(&c, "");
    cr_assert_eq(run(&c), VFY_E_CHIP_PROTOCOL);
    cr_assert(strstr(c.d.message, "lacks data object 8A") != NULL, "%s", c.d.message);
    teardown(&c);
    setup(&c, I1, false, false);
    cam_answer(&c, "8a11" "000102030405060708090a0b0c0d0e0f10");
    cr_assert_eq(run(&c), VFY_E_CHIP_PROTOCOL);
    cr_assert(strstr(c.d.message, "has 17 bytes") != NULL, "%s", c.d.message);
    teardown(&c);
    setup(&c, I1, false, false);
    cam_answer(&c, "8a00");
    cr_assert_eq(run(&c), VFY_E_CHIP_PROTOCOL);
    cr_assert(strstr(c.d.message, "has 0 bytes") != NULL, "%s", c.d.message);
    teardown(&c);
}

Test(cov2_chip_pace, cam_data_without_padding)
{
    pace_case c;
    setup(&c, I1, false, false);
    /* 32 bytes ending in 0x01 (no 80 00.. padding), AES-128-CBC under KS_enc with the
     * example's IV A_IC = E(KS_enc, FF..FF). */
    size_t kl, il;
    uint8_t *key = vec_hex(c.v, "ks_enc", &kl);
    uint8_t *iv = vec_hex(c.v, "a_ic_iv", &il);
    cr_assert_eq(kl, 16);
    cr_assert_eq(il, 16);
    uint8_t plain[32], enc[48];
    for (int i = 0; i < 32; i++)
        plain[i] = (uint8_t)(0x11 * (i % 15) + 1);
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int n1 = 0, n2 = 0;
    cr_assert_eq(EVP_EncryptInit_ex(x, EVP_aes_128_cbc(), NULL, key, iv), 1);
    EVP_CIPHER_CTX_set_padding(x, 0);
    cr_assert_eq(EVP_EncryptUpdate(x, enc, &n1, plain, sizeof plain), 1);
    cr_assert_eq(EVP_EncryptFinal_ex(x, enc + n1, &n2), 1);
    EVP_CIPHER_CTX_free(x);
    cr_assert_eq(n1 + n2, 32);
    char *h = hex_encode(enc, 32);
    char do8a[80];
    snprintf(do8a, sizeof do8a, "8a20%s", h);
    free(h);
    cam_answer(&c, do8a);
    cr_assert_eq(run(&c), VFY_E_CHIP_PROTOCOL);
    cr_assert(strstr(c.d.message, "not padded") != NULL, "%s", c.d.message);
    free(key);
    free(iv);
    teardown(&c);
}

Test(cov2_chip_pace, arguments_and_parameters)
{
    uint8_t k[32];
    vfy_detail d;
    vfy_pace_password none = { VFY_PACE_PASSWORD_MRZ, NULL };
    vfy_pace_password empty = { VFY_PACE_PASSWORD_CAN, "" };
    vfy_pace_password odd = { (vfy_pace_password_kind)7, "123456" };
    cr_assert_eq(vfy_pace_password_key(NULL, VFY_CIPHER_AES128, k, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_pace_password_key(&none, VFY_CIPHER_AES128, k, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_pace_password_key(&empty, VFY_CIPHER_AES128, k, &d), VFY_E_INVALID_ARGUMENT);
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_pace_password_key(&odd, VFY_CIPHER_AES128, k, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert(strstr(d.message, "unknown PACE password kind") != NULL, "%s", d.message);

    pace_case c;
    setup(&c, G1, false, false);
    vfy_pace_info info = c.info;
    info.has_parameter_id = false;
    cr_assert_eq(vfy_pace_run(&c.ch, &c.pw, &info, &c.result, &c.d), VFY_E_UNSUPPORTED);
    cr_assert_eq(vfy_pace_run(&c.ch, &c.pw, NULL, &c.result, &c.d), VFY_E_UNSUPPORTED);
    /* Parameter id 0 is 1024-bit MODP (9303-11 table 6), not a curve for ECDH. */
    info = c.info;
    info.parameter_id = 0;
    vfy_detail_clear(&c.d);
    cr_assert_eq(vfy_pace_run(&c.ch, &c.pw, &info, &c.result, &c.d), VFY_E_UNSUPPORTED);
    cr_assert(strstr(c.d.message, "does not fit") != NULL, "%s", c.d.message);
    cr_assert_eq(c.f.next, 0, "nothing was sent");
    teardown(&c);
}

/* Every allocation of a PACE-CAM run (guarded secrets, groups, points, OpenSSL's cipher,
 * MAC and digest contexts) failed in turn: an error (VFY_E_NO_MEMORY, or VFY_E_CRYPTO for
 * OpenSSL) with no session left, or — where OpenSSL absorbs the failure — the example's
 * session keys. FINDING (reported, not fixed): two failures are misnamed, fail-closed:
 * inside the decoding of the chip's key one is VFY_E_BAD_VALUE (ka.c point/DH decoders),
 * inside EC_GROUP_new_by_curve_name one is VFY_E_UNSUPPORTED "curve not available"
 * (ka.c:57-60). */
Test(cov2_chip_pace, out_of_memory_anywhere_in_cam)
{
    cr_assert(fault_openssl_routed());
    pace_case c;
    setup(&c, I1, false, false);
    fault_arm(0);
    fault_enter();
    vfy_status s = run(&c);
    fault_leave();
    bool fired;
    unsigned long total = fault_disarm(&fired);
    cr_assert_eq(s, VFY_OK, "%s", c.d.message);
    teardown(&c);
    unsigned long failures = 0;
    for (unsigned long nth = 1; nth <= total; nth++) {
        setup(&c, I1, false, false);
        fault_arm(nth);
        fault_enter();
        s = vfy_pace_run(&c.ch, &c.pw, &c.info, &c.result, &c.d);
        fault_leave();
        fault_disarm(&fired);
        if (s == VFY_OK) {
            vec_expect(c.v, "ks_enc", c.ch.sm.ks_enc.bytes, 16);
            vec_expect(c.v, "CA_IC", c.result.ca_ic, c.result.ca_ic_len);
        } else {
            failures++;
            cr_assert(fired);
            cr_assert(s == VFY_E_NO_MEMORY || s == VFY_E_CRYPTO || s == VFY_E_BAD_VALUE ||
                          s == VFY_E_UNSUPPORTED,
                      "allocation %lu: %s: %s", nth, vfy_status_name(s), c.d.message);
            cr_assert_not(vfy_channel_sm_active(&c.ch));
            cr_assert_not(c.result.has_chip_auth_data);
        }
        teardown(&c);
    }
    cr_assert_gt(failures, 0);
}
