/* The simulated chip's PACE against the worked examples of ICAO 9303-11 appendices
 * G.1 (ECDH generic mapping), G.2 (DH generic mapping) and H.1 (ECDH integrated
 * mapping): holding the appendix's nonce and private keys, the chip must answer each
 * of the appendix's commands with the appendix's response, byte for byte. */
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
    char dir[] = "/tmp/vfy_sim_paceXXXXXX";
    cr_assert_not_null(mkdtemp(dir));
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
