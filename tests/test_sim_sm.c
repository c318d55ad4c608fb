/* The simulated chip's secure messaging against ICAO 9303-11 appendix D.4: with the
 * appendix's session keys and SSC, the chip must answer the appendix's protected
 * commands with exactly the appendix's protected responses. */
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

Test(sim_sm, appendix_d4_protected_exchanges)
{
    char path[512];
    json_error_t err;
    json_t *v = json_load_file(SHARED_PATH("vectors/emrtd/secure_messaging_3des_appendix_d4.json",
                                           path), 0, &err);
    cr_assert_not_null(v, "%s", err.text);
    /* a chip whose EF.COM is the appendix's (LDS 1.6) */
    char dir[] = "/tmp/vfy_sim_d4XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
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
    char dir[] = "/tmp/vfy_sim_d3XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
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
