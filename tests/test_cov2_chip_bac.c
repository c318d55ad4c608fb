/*
 * Coverage of issue 12 for chip/bac.c and chip/cardaccess.c: BAC against the ICAO 9303-11
 * appendix D worked example replayed by the scripted chip of chip_vectors.h, with a GET
 * CHALLENGE answer of 4 bytes, a failing random source and every allocation (the guarded
 * secret, OpenSSL's cipher and digest contexts) failed in turn; and PACE protocol
 * identifiers (BSI TR-03110-3 A.1.1: id-PACE || family || cipher) outside what 9303-11
 * defines.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "chip/bac.h"
#include "chip/cardaccess.h"
#include "chip_vectors.h"
#include "faults.h"
#include "support.h"

typedef struct bac_case {
    json_t *v;
    fake_transport f;
    script_rng rs;
    vfy_channel ch;
} bac_case;

static void setup(bac_case *c, const char *challenge_rsp)
{
    memset(c, 0, sizeof *c);
    c->v = vec_load("bac_appendix_d.json");
    fake_init(&c->f, false);
    fake_add_hex(&c->f, vec_str(c->v, "get_challenge.command"),
                 challenge_rsp != NULL ? challenge_rsp : vec_str(c->v, "get_challenge.response"));
    fake_add_hex(&c->f, vec_str(c->v, "external_authenticate_apdu"),
                 vec_str(c->v, "external_authenticate_response_apdu"));
    script_rng_add_hex(&c->rs, vec_str(c->v, "rnd_ifd"));
    script_rng_add_hex(&c->rs, vec_str(c->v, "k_ifd"));
    cr_assert_eq(vfy_channel_init(&c->ch, &c->f.t, NULL), VFY_OK);
    c->ch.rng = script_rng_as_rng(&c->rs);
}

static void teardown(bac_case *c)
{
    vfy_channel_free(&c->ch);
    fake_free(&c->f);
    script_rng_free(&c->rs);
    json_decref(c->v);
}

Test(cov2_chip_bac, short_challenge_is_a_protocol_error)
{
    bac_case c;
    setup(&c, "010203049000");
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_bac_run(&c.ch, vec_str(c.v, "mrz_information"), &d), VFY_E_CHIP_PROTOCOL);
    cr_assert(strstr(d.message, "4 bytes instead of 8") != NULL, "%s", d.message);
    cr_assert_not(vfy_channel_sm_active(&c.ch));
    teardown(&c);
}

static vfy_status broken_rng(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    (void)out;
    (void)len;
    return VFY_E_CRYPTO;
}

Test(cov2_chip_bac, failing_random_source)
{
    bac_case c;
    setup(&c, NULL);
    c.ch.rng = (vfy_rng){ broken_rng, NULL };
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_bac_run(&c.ch, vec_str(c.v, "mrz_information"), &d), VFY_E_CRYPTO);
    cr_assert_eq(c.f.next, 1, "only GET CHALLENGE was sent");
    cr_assert_not(vfy_channel_sm_active(&c.ch));
    teardown(&c);
}

Test(cov2_chip_bac, out_of_memory_anywhere)
{
    cr_assert(fault_openssl_routed());
    bac_case c;
    setup(&c, NULL);
    vfy_detail d = { 0 };
    fault_arm(0);
    fault_enter();
    vfy_status s = vfy_bac_run(&c.ch, vec_str(c.v, "mrz_information"), &d);
    fault_leave();
    bool fired;
    unsigned long total = fault_disarm(&fired);
    cr_assert_eq(s, VFY_OK, "%s", d.message);
    vec_expect(c.v, "ks_enc", c.ch.sm.ks_enc.bytes, 16);
    teardown(&c);
    unsigned long failures = 0;
    for (unsigned long nth = 1; nth <= total; nth++) {
        setup(&c, NULL);
        vfy_detail_clear(&d);
        fault_arm(nth);
        fault_enter();
        s = vfy_bac_run(&c.ch, vec_str(c.v, "mrz_information"), &d);
        fault_leave();
        fault_disarm(&fired);
        if (s == VFY_OK) {
            /* OpenSSL absorbed it: the session keys are still the example's. */
            vec_expect(c.v, "ks_enc", c.ch.sm.ks_enc.bytes, 16);
            vec_expect(c.v, "ks_mac", c.ch.sm.ks_mac.bytes, 16);
        } else {
            failures++;
            cr_assert(fired);
            cr_assert(s == VFY_E_NO_MEMORY || s == VFY_E_CRYPTO, "allocation %lu: %s: %s", nth,
                      vfy_status_name(s), d.message);
            cr_assert_not(vfy_channel_sm_active(&c.ch));
        }
        teardown(&c);
    }
    cr_assert_gt(failures, 0);
}

Test(cov2_chip_bac, pace_identifiers_outside_9303)
{
    vfy_pace_info info;
    vfy_detail d = { 0 };
    /* id-PACE-ECDH-GM-AES-CBC-CMAC-128 is accepted (the reference). */
    static const uint8_t gm[] = { 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x02, 0x02 };
    cr_assert_eq(vfy_pace_info_from_oid(gm, sizeof gm, &info, &d), VFY_OK);
    cr_assert_eq(info.cipher, VFY_CIPHER_AES128);
    /* Chip Authentication (…2.2.3) is not PACE. */
    static const uint8_t ca[] = { 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x03, 0x02, 0x02 };
    cr_assert_eq(vfy_pace_info_from_oid(ca, sizeof ca, &info, &d), VFY_E_UNSUPPORTED);
    cr_assert_eq(vfy_pace_info_from_oid(gm, sizeof gm - 1, &info, &d), VFY_E_UNSUPPORTED);
    /* Family 5 is not defined. */
    uint8_t oid[10];
    memcpy(oid, gm, sizeof oid);
    oid[8] = 5;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_pace_info_from_oid(oid, sizeof oid, &info, &d), VFY_E_UNSUPPORTED);
    cr_assert(strstr(d.message, "family 5") != NULL, "%s", d.message);
    /* Cipher 5 is not defined. */
    oid[8] = 2;
    oid[9] = 5;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_pace_info_from_oid(oid, sizeof oid, &info, &d), VFY_E_UNSUPPORTED);
    cr_assert(strstr(d.message, "cipher 5") != NULL, "%s", d.message);
    /* CAM (family 6) with 3DES (cipher 1): 9303-11 defines CAM for AES only. */
    oid[8] = 6;
    oid[9] = 1;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_pace_info_from_oid(oid, sizeof oid, &info, &d), VFY_E_UNSUPPORTED);
    cr_assert(strstr(d.message, "AES only") != NULL, "%s", d.message);
    cr_assert_str_eq(vfy_pace_mapping_name((vfy_pace_mapping)9), "?");
    cr_assert_str_eq(vfy_pace_mapping_name(VFY_PACE_CAM), "CAM");
}
