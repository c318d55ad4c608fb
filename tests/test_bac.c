/* BAC against the ICAO 9303-11 appendix D worked example, replayed by a scripted chip,
 * then the D.4 secure-messaging exchanges on the same channel. */
#include <criterion/criterion.h>
#include <string.h>

#include "chip/bac.h"
#include "chip_vectors.h"
#include "support.h"

static void setup_chip(json_t *v, fake_transport *f, script_rng *rs, vfy_channel *ch,
                       const char *auth_rsp)
{
    fake_init(f, false);
    fake_add_hex(f, vec_str(v, "get_challenge.command"), vec_str(v, "get_challenge.response"));
    fake_add_hex(f, vec_str(v, "external_authenticate_apdu"), auth_rsp);
    script_rng_add_hex(rs, vec_str(v, "rnd_ifd"));
    script_rng_add_hex(rs, vec_str(v, "k_ifd"));
    cr_assert_eq(vfy_channel_init(ch, &f->t, NULL), VFY_OK);
    ch->rng = script_rng_as_rng(rs);
}

Test(bac, appendix_d_then_d4_reads)
{
    json_t *v = vec_load("bac_appendix_d.json");
    json_t *d4 = vec_load("secure_messaging_3des_appendix_d4.json");
    fake_transport f;
    script_rng rs = { 0 };
    vfy_channel ch;
    setup_chip(v, &f, &rs, &ch, vec_str(v, "external_authenticate_response_apdu"));
    for (int i = 0; i < 3; i++) {
        char pc[64], pr[64];
        snprintf(pc, sizeof pc, "exchanges.%d.protected_command", i);
        snprintf(pr, sizeof pr, "exchanges.%d.protected_response", i);
        fake_add_hex(&f, vec_str(d4, pc), vec_str(d4, pr));
    }
    uint8_t kenc[16], kmac[16];
    cr_assert_eq(vfy_bac_document_keys(vec_str(v, "mrz_information"), kenc, kmac, NULL), VFY_OK);
    vec_expect(v, "key_derivation.kenc", kenc, 16);
    vec_expect(v, "key_derivation.kmac", kmac, 16);

    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_bac_run(&ch, vec_str(v, "mrz_information"), &d), VFY_OK, "%s", d.message);
    cr_assert_eq(f.mismatches, 0, "%s", f.first_mismatch);
    cr_assert(vfy_channel_sm_active(&ch));
    vec_expect(v, "ks_enc", ch.sm.ks_enc.bytes, 16);
    vec_expect(v, "ks_mac", ch.sm.ks_mac.bytes, 16);
    vec_expect(v, "ssc", ch.sm.ssc, 8);

    uint8_t com[32], none[4];
    size_t len;
    vfy_apdu sel = { .ins = 0xA4, .p1 = 2, .p2 = 0x0C, .data = (const uint8_t *)"\x01\x1e",
                     .data_len = 2 };
    cr_assert_eq(vfy_channel_transmit_ok(&ch, &sel, "SELECT", none, sizeof none, &len, NULL),
                 VFY_OK);
    vfy_apdu rb = { .ins = 0xB0, .le = 4 };
    cr_assert_eq(vfy_channel_transmit_ok(&ch, &rb, "READ", com, sizeof com, &len, NULL), VFY_OK);
    vfy_apdu rb2 = { .ins = 0xB0, .p2 = 4, .le = 18 };
    cr_assert_eq(vfy_channel_transmit_ok(&ch, &rb2, "READ", com + 4, 28, &len, NULL), VFY_OK);
    vec_expect(d4, "resulting_ef_com", com, 22);
    cr_assert_eq(f.mismatches, 0, "%s", f.first_mismatch);
    vfy_channel_free(&ch);
    fake_free(&f);
    script_rng_free(&rs);
    json_decref(d4);
    json_decref(v);
}

Test(bac, wrong_key_is_reported)
{
    json_t *v = vec_load("bac_appendix_d.json");
    fake_transport f;
    script_rng rs = { 0 };
    vfy_channel ch;
    setup_chip(v, &f, &rs, &ch, "6300");
    free(f.steps[1].cmd); /* a wrong MRZ sends another cryptogram */
    f.steps[1].cmd = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_bac_run(&ch, "L898902C<369080619406237", &d), VFY_E_BAC_FAILED);
    cr_assert(strstr(d.message, "6300") != NULL, "%s", d.message);
    cr_assert(!vfy_channel_sm_active(&ch));
    vfy_channel_free(&ch);
    fake_free(&f);
    script_rng_free(&rs);
    json_decref(v);
}

Test(bac, forged_or_replayed_answers_are_refused)
{
    json_t *v = vec_load("bac_appendix_d.json");
    const char *good = vec_str(v, "external_authenticate_response_apdu");
    /* (1) one byte of the cryptogram changed: the MAC fails. (2) a short answer. */
    char bad_mac[200], short_rsp[200];
    snprintf(bad_mac, sizeof bad_mac, "%s", good);
    bad_mac[0] = bad_mac[0] == '4' ? '5' : '4';
    snprintf(short_rsp, sizeof short_rsp, "%.*s9000", 60, good);
    const char *answers[] = { bad_mac, short_rsp };
    for (int i = 0; i < 2; i++) {
        fake_transport f;
        script_rng rs = { 0 };
        vfy_channel ch;
        setup_chip(v, &f, &rs, &ch, answers[i]);
        vfy_detail d;
        vfy_detail_clear(&d);
        cr_assert_eq(vfy_bac_run(&ch, vec_str(v, "mrz_information"), &d), VFY_E_BAC_FAILED,
                     "answer %d", i);
        cr_assert(!vfy_channel_sm_active(&ch));
        vfy_channel_free(&ch);
        fake_free(&f);
        script_rng_free(&rs);
    }
    /* (3) a genuine answer to another session: the terminal's nonce differs. */
    fake_transport f;
    script_rng rs = { 0 };
    vfy_channel ch;
    fake_init(&f, false);
    fake_add_hex(&f, NULL, vec_str(v, "get_challenge.response"));
    fake_add_hex(&f, NULL, good);
    script_rng_add_hex(&rs, "0102030405060708");
    script_rng_add_hex(&rs, vec_str(v, "k_ifd"));
    cr_assert_eq(vfy_channel_init(&ch, &f.t, NULL), VFY_OK);
    ch.rng = script_rng_as_rng(&rs);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_bac_run(&ch, vec_str(v, "mrz_information"), &d), VFY_E_BAC_FAILED);
    cr_assert(strstr(d.message, "challenges") != NULL, "%s", d.message);
    vfy_channel_free(&ch);
    fake_free(&f);
    script_rng_free(&rs);
    json_decref(v);
}

Test(bac, other_key_seeds_of_appendix_d2)
{
    json_t *v = vec_load("bac_appendix_d.json");
    json_t *arr = json_object_get(v, "other_mrz_key_seeds");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        char p[64];
        snprintf(p, sizeof p, "other_mrz_key_seeds.%zu.mrz_information", i);
        const char *mi = vec_str(v, p);
        uint8_t sha[20];
        cr_assert_eq(vfy_sha1((const uint8_t *)mi, strlen(mi), sha, NULL), VFY_OK);
        snprintf(p, sizeof p, "other_mrz_key_seeds.%zu.kseed", i);
        vec_expect(v, p, sha, 16);
    }
    uint8_t a[16], b[16];
    cr_assert_eq(vfy_bac_document_keys("L898902C", a, b, NULL), VFY_E_INVALID_ARGUMENT);
    json_decref(v);
}
