/* The simulated chip against the worked examples of ICAO 9303-11: secure messaging
 * (appendix D.4), BAC (D.3) and PACE (G.1 ECDH generic mapping, G.2 DH generic mapping,
 * H.1 ECDH integrated mapping). Holding the appendix's keys, nonces and private keys,
 * the chip must answer each of the appendix's commands with the appendix's response,
 * byte for byte. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/sim_internal.h"
#include "support.h"

static uint8_t resp[70000];
static size_t rlen;

static const char *hexs(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_string(v), "missing %s", key);
    return json_string_value(v);
}

static void write_file(const char *dir, const char *name, const uint8_t *data, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

static void remove_dir(const char *dir)
{
    static const char *names[] = { "DG1.bin", "EF_CardAccess.bin" };
    char path[512];
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        remove(path);
    }
    rmdir(dir);
}

/* DG1 of a TD3 whose MRZ information is T22000129 3 / 640812 5 / 101031 8 (G.1, G.2). */
static const char *g_mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
                           "T220001293UTO6408125F1010318<<<<<<<<<<<<<<06";

static void replay(const char *vector, const char *card_access_hex, bool can,
                   const char *const *script_keys)
{
    char path[512];
    json_error_t err;
    snprintf(path, sizeof path, "vectors/emrtd/%s", vector);
    char full[512];
    json_t *v = json_load_file(shared_path(path, full, sizeof full), 0, &err);
    cr_assert_not_null(v, "%s", err.text);
    char dir[64];
    tmpdir_make("sim-pace", dir, sizeof dir);
    uint8_t dg1[5 + 88] = { 0x61, 0x5B, 0x5F, 0x1F, 0x58 };
    memcpy(dg1 + 5, g_mrz, 88);
    write_file(dir, "DG1.bin", dg1, sizeof dg1);
    size_t n;
    uint8_t *ca = hex_decode(card_access_hex != NULL ? card_access_hex
                                                     : hexs(v, "ef_cardaccess"), &n);
    write_file(dir, "EF_CardAccess.bin", ca, n);
    free(ca);
    char spec[600];
    snprintf(spec, sizeof spec, ":%s", dir);
    vfy_sim_chip *c = NULL;
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_sim_chip_new(spec, &c, &d), VFY_OK, "%s", d.message);
    /* the chip's randomness: the nonce s, then its private keys */
    uint8_t script[512];
    size_t sl = 0;
    for (size_t i = 0; script_keys[i] != NULL; i++) {
        uint8_t *b = hex_decode(hexs(v, script_keys[i]), &n);
        cr_assert_leq(sl + n, sizeof script);
        memcpy(script + sl, b, n);
        sl += n;
        free(b);
    }
    c->scripted_random = script;
    c->scripted_len = sl;
    json_t *apdus = json_object_get(v, "apdus");
    cr_assert_geq(json_array_size(apdus), 5);
    for (size_t i = 0; i < json_array_size(apdus); i++) {
        json_t *e = json_array_get(apdus, i);
        size_t cl, wl;
        uint8_t *cmd = hex_decode(hexs(e, "cmd"), &cl);
        if (i == 0 && can)
            cmd[cl - 1] = 0x02;   /* the appendix's K_pi is that of the CAN 123456 */
        char last[64];
        snprintf(last, sizeof last, "7c0a8608%s9000", hexs(v, "t_ic"));
        /* G.2's chip adds a certification authority reference (EAC): this chip has none */
        bool car = i + 1 == json_array_size(apdus) && strstr(hexs(e, "rsp"), "8608") != NULL &&
                   strlen(hexs(e, "rsp")) > strlen(last);
        uint8_t *want = hex_decode(car ? last : hexs(e, "rsp"), &wl);
        cr_assert_eq(vfy_sim_chip_transceive(c, cmd, cl, resp, sizeof resp, &rlen), VFY_OK);
        char *got = hex_encode(resp, rlen);
        cr_assert_eq(rlen, wl, "%s step %zu: %s", vector, i, got);
        cr_assert_eq(memcmp(resp, want, wl), 0, "%s step %zu: %s", vector, i, got);
        free(got);
        free(cmd);
        free(want);
    }
    /* secure messaging is on, with the appendix's session keys and the SSC at zero */
    size_t kl;
    uint8_t *ks_enc = hex_decode(hexs(v, "ks_enc"), &kl);
    uint8_t *ks_mac = hex_decode(hexs(v, "ks_mac"), &kl);
    cr_assert_neq(c->sm.cipher, SIM_SM_NONE);
    cr_assert_eq(memcmp(c->sm.keys, ks_enc, kl), 0);
    cr_assert_eq(memcmp(c->sm.keys + kl, ks_mac, kl), 0);
    static const uint8_t zero[16] = { 0 };
    cr_assert_eq(memcmp(c->sm.ssc, zero, 16), 0);
    cr_assert(c->access_granted);
    free(ks_enc);
    free(ks_mac);
    vfy_sim_chip_free(c);
    json_decref(v);
    remove_dir(dir);
}

Test(sim_pace, appendix_g1_ecdh_generic_mapping)
{
    static const char *const keys[] = { "nonce_s", "chip_mapping_private", "chip_ephemeral_private",
                                        NULL };
    replay("pace_gm_ecdh_appendix_g1.json", NULL, false, keys);
}

Test(sim_pace, appendix_g2_dh_generic_mapping)
{
    static const char *const keys[] = { "nonce_s", "chip_mapping_private", "chip_ephemeral_private",
                                        NULL };
    replay("pace_gm_dh_appendix_g2.json", NULL, false, keys);
}

Test(sim_pace, appendix_h1_ecdh_integrated_mapping)
{
    static const char *const keys[] = { "nonce_s", "chip_ephemeral_private", NULL };
    replay("pace_im_ecdh_appendix_h1.json",
           "31143012060a04007f0007020204040202010202010d", true, keys);
}

Test(sim_sm, appendix_d4_protected_exchanges)
{
    char path[512];
    json_error_t err;
    json_t *v = json_load_file(SHARED_PATH("vectors/emrtd/secure_messaging_3des_appendix_d4.json",
                                           path), 0, &err);
    cr_assert_not_null(v, "%s", err.text);
    /* a chip whose EF.COM is the appendix's (LDS 1.6) */
    char dir[64];
    tmpdir_make("sim-d4", dir, sizeof dir);
    size_t n;
    uint8_t *com = hex_decode(hexs(v, "resulting_ef_com"), &n);
    write_file(dir, "EF_COM.bin", com, n);
    char spec[600];
    snprintf(spec, sizeof spec, ":%s?pace=off", dir);
    vfy_sim_chip *c = NULL;
    cr_assert_eq(vfy_sim_chip_new(spec, &c, NULL), VFY_OK);
    uint8_t sel[] = { 0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01 };
    cr_assert_eq(vfy_sim_chip_transceive(c, sel, sizeof sel, resp, sizeof resp, &rlen), VFY_OK);
    size_t kl, sl;
    uint8_t *kenc = hex_decode(hexs(v, "ks_enc"), &kl);
    uint8_t *kmac = hex_decode(hexs(v, "ks_mac"), &kl);
    uint8_t *ssc = hex_decode(hexs(v, "ssc_initial"), &sl);
    cr_assert_eq(sim_session_start(c, SIM_SM_3DES, kenc, kmac, 16, ssc), VFY_OK);
    json_t *ex = json_object_get(v, "exchanges");
    cr_assert_eq(json_array_size(ex), 3);
    for (size_t i = 0; i < json_array_size(ex); i++) {
        json_t *e = json_array_get(ex, i);
        size_t cl, wl;
        uint8_t *cmd = hex_decode(hexs(e, "protected_command"), &cl);
        uint8_t *want = hex_decode(hexs(e, "protected_response"), &wl);
        cr_assert_eq(vfy_sim_chip_transceive(c, cmd, cl, resp, sizeof resp, &rlen), VFY_OK);
        cr_assert_eq(rlen, wl, "%s: %zu bytes, want %zu", hexs(e, "name"), rlen, wl);
        cr_assert_eq(memcmp(resp, want, wl), 0, "%s", hexs(e, "name"));
        free(cmd);
        free(want);
    }
    /* a flipped MAC byte: 6988 in plain, and the session is over */
    uint8_t *cmd = hex_decode(hexs(json_array_get(ex, 1), "protected_command"), &n);
    cmd[n - 2] ^= 1;
    cr_assert_eq(vfy_sim_chip_transceive(c, cmd, n, resp, sizeof resp, &rlen), VFY_OK);
    cr_assert_eq(rlen, 2);
    cr_assert_eq(resp[0] << 8 | resp[1], 0x6988);
    uint8_t rb[] = { 0x00, 0xB0, 0x9E, 0x00, 0x04 };
    cr_assert_eq(vfy_sim_chip_transceive(c, rb, sizeof rb, resp, sizeof resp, &rlen), VFY_OK);
    cr_assert_eq(resp[0] << 8 | resp[1], 0x6982, "no access without the session");
    free(cmd);
    vfy_sim_chip_free(c);
    free(com);
    free(kenc);
    free(kmac);
    free(ssc);
    json_decref(v);
    snprintf(path, sizeof path, "%s/EF_COM.bin", dir);
    remove(path);
    rmdir(dir);
}

/* ICAO 9303-11 appendix D.3: the chip holding the appendix's MRZ, RND.IC and K.IC
 * answers the appendix's MUTUAL AUTHENTICATE with the appendix's response, and its
 * session then speaks the D.4 secure messaging. */
Test(sim_sm, appendix_d3_mutual_authenticate)
{
    char path[512];
    json_error_t err;
    json_t *v = json_load_file(SHARED_PATH("vectors/emrtd/bac_appendix_d.json", path), 0, &err);
    cr_assert_not_null(v, "%s", err.text);
    char dir[64];
    tmpdir_make("sim-d3", dir, sizeof dir);
    /* DG1: a TD3 MRZ with the appendix's document number, birth and expiry dates */
    const char *mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
                      "L898902C<3UTO6908061F9406236ZE184226B<<<<<14";
    uint8_t dg1[5 + 88] = { 0x61, 0x5B, 0x5F, 0x1F, 0x58 };
    memcpy(dg1 + 5, mrz, 88);
    write_file(dir, "DG1.bin", dg1, sizeof dg1);
    char spec[600];
    snprintf(spec, sizeof spec, ":%s?pace=off", dir);
    vfy_sim_chip *c = NULL;
    cr_assert_eq(vfy_sim_chip_new(spec, &c, NULL), VFY_OK);
    cr_assert_str_eq(c->mrz_key, hexs(v, "mrz_information"));
    size_t a, b;
    uint8_t *rnd_ic = hex_decode(hexs(v, "rnd_ic"), &a);
    uint8_t *k_ic = hex_decode(hexs(v, "k_ic"), &b);
    uint8_t script[24];
    memcpy(script, rnd_ic, 8);
    memcpy(script + 8, k_ic, 16);
    c->scripted_random = script;
    c->scripted_len = sizeof script;
    size_t n, wl;
    uint8_t *cmd = hex_decode(json_string_value(json_object_get(json_object_get(v, "get_challenge"),
                                                                "command")), &n);
    cr_assert_eq(vfy_sim_chip_transceive(c, cmd, n, resp, sizeof resp, &rlen), VFY_OK);
    uint8_t *want = hex_decode(json_string_value(json_object_get(
                                   json_object_get(v, "get_challenge"), "response")), &wl);
    cr_assert_eq(rlen, wl);
    cr_assert_eq(memcmp(resp, want, wl), 0);
    free(cmd);
    free(want);
    cmd = hex_decode(hexs(v, "external_authenticate_apdu"), &n);
    want = hex_decode(hexs(v, "external_authenticate_response_apdu"), &wl);
    cr_assert_eq(vfy_sim_chip_transceive(c, cmd, n, resp, sizeof resp, &rlen), VFY_OK);
    cr_assert_eq(rlen, wl);
    cr_assert_eq(memcmp(resp, want, wl), 0);
    /* session keys and SSC of the appendix */
    uint8_t *ks_enc = hex_decode(hexs(v, "ks_enc"), &a);
    uint8_t *ssc = hex_decode(hexs(v, "ssc"), &b);
    cr_assert_eq(c->sm.cipher, SIM_SM_3DES);
    cr_assert_eq(memcmp(c->sm.keys, ks_enc, 16), 0);
    cr_assert_eq(memcmp(c->sm.ssc, ssc, 8), 0);
    /* a replay fails: the challenge was used up */
    cr_assert_eq(vfy_sim_chip_transceive(c, cmd, n, resp, sizeof resp, &rlen), VFY_OK);
    cr_assert_eq(resp[0] << 8 | resp[1], 0x6985);
    free(cmd);
    free(want);
    free(ks_enc);
    free(ssc);
    free(rnd_ic);
    free(k_ic);
    vfy_sim_chip_free(c);
    json_decref(v);
    snprintf(path, sizeof path, "%s/DG1.bin", dir);
    remove(path);
    rmdir(dir);
}
