/* PACE against the ICAO 9303-11 worked examples (appendices G.1, G.2, H.1, I) replayed by
 * a scripted chip: every APDU the terminal sends is compared, every key checked. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "chip/cardaccess.h"
#include "auth/auth.h"
#include "chip/pace.h"
#include "chip_vectors.h"
#include "support.h"

/* The MSE:Set AT of the example with our password reference and the parameter id (84). */
static char *expected_mse(json_t *v, unsigned pw_ref)
{
    const char *cmd = vec_str(v, "apdus.0.cmd"); /* header, Lc, 80 oid, 83 01 01 */
    size_t n = strlen(cmd);
    unsigned lc, id = (unsigned)json_integer_value(json_object_get(v, "parameter_id"));
    cr_assert_eq(sscanf(cmd + 8, "%2x", &lc), 1);
    cr_assert_eq(strcmp(cmd + n - 6, "830101"), 0);
    char *out = malloc(n + 16);
    snprintf(out, n + 16, "%.8s%02x%.*s83010%u8401%02x", cmd, lc + 3, (int)(n - 16), cmd + 10,
             pw_ref, id);
    return out;
}

typedef struct pace_case {
    fake_transport f;
    script_rng rs;
    vfy_channel ch;
    vfy_pace_info info;
    vfy_pace_result result;
} pace_case;

static void setup(pace_case *c, json_t *v, unsigned pw_ref, bool im)
{
    memset(c, 0, sizeof *c);
    fake_init(&c->f, false);
    char *mse = expected_mse(v, pw_ref);
    cr_assert_eq(strlen(mse), 2 * (5 + 12 + 3 + 3), "%s", mse);
    fake_add_hex(&c->f, mse, vec_str(v, "apdus.0.rsp"));
    free(mse);
    for (int i = 1; i < 5; i++) {
        char pc[32], pr[32];
        snprintf(pc, sizeof pc, "apdus.%d.cmd", i);
        snprintf(pr, sizeof pr, "apdus.%d.rsp", i);
        fake_add_hex(&c->f, vec_str(v, pc), vec_str(v, pr));
    }
    if (im) {
        script_rng_add_hex(&c->rs, vec_str(v, "nonce_t"));
    } else {
        script_rng_add_hex(&c->rs, vec_str(v, "terminal_mapping_private"));
    }
    script_rng_add_hex(&c->rs, vec_str(v, "terminal_ephemeral_private"));
    cr_assert_eq(vfy_channel_init(&c->ch, &c->f.t, NULL), VFY_OK);
    c->ch.rng = script_rng_as_rng(&c->rs);
    size_t n;
    uint8_t *oid = vec_hex(v, "protocol_oid", &n);
    cr_assert_eq(vfy_pace_info_from_oid(oid, n, &c->info, NULL), VFY_OK);
    free(oid);
    c->info.has_parameter_id = true;
    c->info.parameter_id = (unsigned)json_integer_value(json_object_get(v, "parameter_id"));
}

static void teardown(pace_case *c)
{
    vfy_channel_free(&c->ch);
    fake_free(&c->f);
    script_rng_free(&c->rs);
}

static void run_and_check(pace_case *c, json_t *v, const vfy_pace_password *pw)
{
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_pace_run(&c->ch, pw, &c->info, &c->result, &d), VFY_OK, "%s: %s", d.field,
                 d.message);
    cr_assert_eq(c->f.mismatches, 0, "%s", c->f.first_mismatch);
    cr_assert_eq(c->f.next, 5);
    cr_assert(vfy_channel_sm_active(&c->ch));
    vec_expect(v, "ks_enc", c->ch.sm.ks_enc.bytes, c->ch.sm.ks_enc.len);
    vec_expect(v, "ks_mac", c->ch.sm.ks_mac.bytes, c->ch.sm.ks_mac.len);
    uint8_t zero[16] = { 0 };
    cr_assert_eq(memcmp(c->ch.sm.ssc, zero, 16), 0);
    vec_expect(v, "chip_ephemeral_public", c->result.chip_ephemeral_public,
               c->result.chip_ephemeral_public_len);
}

/* Replays one appendix; returns the group the terminal used. */
static void replay(const char *file, vfy_pace_password_kind kind, const char *pw_field,
                   bool im, const char *group)
{
    json_t *v = vec_load(file);
    pace_case c;
    setup(&c, v, kind == VFY_PACE_PASSWORD_CAN ? 2 : 1, im);
    vfy_pace_password pw = { kind, vec_str(v, pw_field) };
    run_and_check(&c, v, &pw);
    cr_assert_str_eq(c.result.group, group);
    cr_assert(!c.result.has_chip_auth_data);
    teardown(&c);
    json_decref(v);
}

Test(pace, gm_ecdh_appendix_g1)
{
    replay("pace_gm_ecdh_appendix_g1.json", VFY_PACE_PASSWORD_MRZ, "mrz_information", false,
           "brainpoolP256r1");
}

Test(pace, gm_dh_appendix_g2)
{
    replay("pace_gm_dh_appendix_g2.json", VFY_PACE_PASSWORD_MRZ, "mrz_information", false,
           "modp1024_160");
}

Test(pace, im_ecdh_appendix_h1_with_can)
{
    replay("pace_im_ecdh_appendix_h1.json", VFY_PACE_PASSWORD_CAN, "password", true,
           "brainpoolP256r1");
}

Test(pace, cam_appendix_i_then_sm_read_of_card_security)
{
    json_t *v = vec_load("pace_cam_ecdh_appendix_i.json");
    pace_case c;
    setup(&c, v, 1, false);
    for (int i = 0; i < 3; i++) {
        char pc[64], pr[64];
        snprintf(pc, sizeof pc, "post_pace_sm_example.apdus.%d.cmd", i);
        snprintf(pr, sizeof pr, "post_pace_sm_example.apdus.%d.rsp", i);
        fake_add_hex(&c.f, vec_str(v, pc), vec_str(v, pr));
    }
    vfy_pace_password pw = { VFY_PACE_PASSWORD_MRZ, vec_str(v, "mrz_information") };
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_pace_run(&c.ch, &pw, &c.info, &c.result, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(c.f.mismatches, 0, "%s", c.f.first_mismatch);
    vec_expect(v, "ks_enc", c.ch.sm.ks_enc.bytes, 16);
    cr_assert(c.result.has_chip_auth_data);
    vec_expect(v, "CA_IC", c.result.ca_ic, c.result.ca_ic_len);
    vec_expect(v, "chip_mapping_public", c.result.chip_mapping_public,
               c.result.chip_mapping_public_len);
    size_t n;
    uint8_t *pk = vec_hex(v, "chip_static_public_key_PK_IC", &n);
    cr_assert_eq(vfy_pace_cam_verify(&c.result, pk, n, &d), VFY_OK, "%s", d.message);
    /* Another chip's key (here: the chip's ephemeral key, a valid point) must fail. */
    cr_assert_eq(vfy_pace_cam_verify(&c.result, c.result.chip_ephemeral_public,
                                     c.result.chip_ephemeral_public_len, &d), VFY_E_CA_FAILED);
    pk[5] ^= 1; /* not on the curve */
    cr_assert_eq(vfy_pace_cam_verify(&c.result, pk, n, &d), VFY_E_CA_FAILED);
    free(pk);

    /* The SM read of EF.CardSecurity under the CAM session keys. */
    uint8_t file[256], none[4];
    size_t len;
    vfy_apdu sel = { .ins = 0xA4, .p1 = 2, .p2 = 0x0C, .data = (const uint8_t *)"\x01\x1d",
                     .data_len = 2 };
    cr_assert_eq(vfy_channel_transmit_ok(&c.ch, &sel, "SELECT", none, sizeof none, &len, &d),
                 VFY_OK, "%s", d.message);
    vfy_apdu rb = { .ins = 0xB0, .le = 4 };
    cr_assert_eq(vfy_channel_transmit_ok(&c.ch, &rb, "READ", file, sizeof file, &len, &d),
                 VFY_OK, "%s", d.message);
    vfy_apdu rb2 = { .ins = 0xB0, .p2 = 4, .le = 0x62 };
    cr_assert_eq(vfy_channel_transmit_ok(&c.ch, &rb2, "READ", file + 4, sizeof file - 4, &len,
                                         &d), VFY_OK, "%s", d.message);
    vec_expect(v, "post_pace_sm_example.decoded.file_content", file, 4 + len);
    vec_expect(v, "post_pace_sm_example.ssc_final", c.ch.sm.ssc, 16);
    cr_assert_eq(c.f.mismatches, 0, "%s", c.f.first_mismatch);
    teardown(&c);
    json_decref(v);
}

Test(pace, wrong_password_is_reported_at_the_token_step)
{
    json_t *v = vec_load("pace_gm_ecdh_appendix_g1.json");
    pace_case c;
    setup(&c, v, 1, false);
    for (int i = 3; i < 5; i++) {
        free(c.f.steps[i].cmd);
        c.f.steps[i].cmd = NULL;
    }
    free(c.f.steps[4].rsp);
    c.f.steps[4].rsp = hex_decode("6300", &c.f.steps[4].rsp_len);
    vfy_pace_password pw = { VFY_PACE_PASSWORD_MRZ, "T22000129364081251010319" };
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_pace_run(&c.ch, &pw, &c.info, &c.result, &d), VFY_E_PACE_FAILED);
    cr_assert(strstr(d.message, "wrong") != NULL, "%s", d.message);
    cr_assert(!vfy_channel_sm_active(&c.ch));
    teardown(&c);
    json_decref(v);
}

Test(pace, forged_chip_token_and_bad_keys_are_refused)
{
    json_t *v = vec_load("pace_gm_ecdh_appendix_g1.json");
    /* (1) the chip's token changed */
    pace_case c;
    setup(&c, v, 1, false);
    c.f.steps[4].rsp[5] ^= 0x01;
    vfy_pace_password pw = { VFY_PACE_PASSWORD_MRZ, vec_str(v, "mrz_information") };
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_pace_run(&c.ch, &pw, &c.info, &c.result, &d), VFY_E_PACE_TOKEN);
    cr_assert(!vfy_channel_sm_active(&c.ch));
    teardown(&c);
    /* (2) the chip's mapping key off the curve */
    setup(&c, v, 1, false);
    c.f.steps[2].rsp[10] ^= 0x01;
    cr_assert_eq(vfy_pace_run(&c.ch, &pw, &c.info, &c.result, &d), VFY_E_BAD_VALUE);
    teardown(&c);
    /* (3) the chip's ephemeral key with a stripped leading byte (not full length) */
    setup(&c, v, 1, false);
    free(c.f.steps[3].rsp);
    c.f.steps[3].rsp = hex_decode("7c0484020102" "9000", &c.f.steps[3].rsp_len);
    cr_assert_eq(vfy_pace_run(&c.ch, &pw, &c.info, &c.result, &d), VFY_E_BAD_VALUE);
    teardown(&c);
    /* (4) an answer that is not a 7C object */
    setup(&c, v, 1, false);
    free(c.f.steps[1].rsp);
    c.f.steps[1].rsp = hex_decode("8012" "9000", &c.f.steps[1].rsp_len);
    cr_assert_eq(vfy_pace_run(&c.ch, &pw, &c.info, &c.result, &d), VFY_E_CHIP_PROTOCOL);
    teardown(&c);
    json_decref(v);
}

/* Keys and secrets whose encodings start with zero bytes keep their full length. */
Test(pace, leading_zero_coordinates_stay_full_length)
{
    vfy_ka_group *g = NULL;
    cr_assert_eq(vfy_ka_group_standard(12, &g, NULL), VFY_OK);
    uint8_t pub[VFY_KA_MAX_PUBLIC], other[VFY_KA_MAX_PUBLIC], sec[VFY_KA_MAX_SECRET];
    size_t pl, ol, sl;
    vfy_secret a = { 0 }, b = { 0 };
    bool found_pub = false, found_secret = false;
    cr_assert_eq(vfy_ka_keygen(g, NULL, &b, other, sizeof other, &ol, NULL), VFY_OK);
    for (int i = 0; i < 20000 && !(found_pub && found_secret); i++) {
        cr_assert_eq(vfy_ka_keygen(g, NULL, &a, pub, sizeof pub, &pl, NULL), VFY_OK);
        cr_assert_eq(pl, 65);
        if (pub[1] == 0)
            found_pub = true;
        cr_assert_eq(vfy_ka_shared_secret(g, &a, other, ol, sec, sizeof sec, &sl, NULL), VFY_OK);
        cr_assert_eq(sl, 32);
        if (sec[0] == 0)
            found_secret = true;
    }
    cr_assert(found_pub && found_secret);
    vfy_secret_free(&a);
    vfy_secret_free(&b);
    vfy_ka_group_free(g);
}
