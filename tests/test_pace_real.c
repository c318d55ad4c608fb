/* Real PACE sessions (pace_real_document_traces.json: a New Zealand passport, PACE-GM 3DES;
 * a German passport, PACE-CAM AES-128 then an SM read of EF.CardSecurity) replayed against
 * the terminal with the traces' fixed terminal keys: every APDU must match byte for byte. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "chip/cardaccess.h"
#include "auth/auth.h"
#include "chip/pace.h"
#include "chip_vectors.h"
#include "support.h"

static void load_trace(json_t *v, const char *name, fake_transport *f, script_rng *rs,
                       vfy_channel *ch, vfy_pace_info *info)
{
    char p[128];
    json_t *apdus = json_object_get(json_object_get(v, name), "apdus");
    fake_init(f, false);
    for (size_t i = 0; i < json_array_size(apdus); i++) {
        char pc[128], pr[128];
        snprintf(pc, sizeof pc, "%s.apdus.%zu.cmd", name, i);
        snprintf(pr, sizeof pr, "%s.apdus.%zu.rsp", name, i);
        fake_add_hex(f, vec_str(v, pc), vec_str(v, pr));
    }
    snprintf(p, sizeof p, "%s.terminal_mapping_private", name);
    script_rng_add_hex(rs, vec_str(v, p));
    snprintf(p, sizeof p, "%s.terminal_ephemeral_private", name);
    script_rng_add_hex(rs, vec_str(v, p));
    cr_assert_eq(vfy_channel_init(ch, &f->t, NULL), VFY_OK);
    ch->rng = script_rng_as_rng(rs);
    /* the PACEInfo comes from the trace's own EF.CardAccess */
    size_t n;
    snprintf(p, sizeof p, "%s.ef_cardaccess", name);
    uint8_t *ca_bytes = vec_hex(v, p, &n);
    vfy_card_access ca;
    cr_assert_eq(vfy_card_access_parse(ca_bytes, n, &ca, NULL), VFY_OK);
    free(ca_bytes);
    *info = *vfy_card_access_best(&ca);
}

Test(pace_real, nz_passport_gm_3des)
{
    json_t *v = vec_load("pace_real_document_traces.json");
    fake_transport f;
    script_rng rs = { 0 };
    vfy_channel ch;
    vfy_pace_info info;
    load_trace(v, "nz_pace_gm_ecdh_3des", &f, &rs, &ch, &info);
    cr_assert_eq(info.cipher, VFY_CIPHER_3DES);
    vfy_pace_password pw = { VFY_PACE_PASSWORD_MRZ,
                             vec_str(v, "nz_pace_gm_ecdh_3des.mrz_information") };
    vfy_pace_result r;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_pace_run(&ch, &pw, &info, &r, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(f.mismatches, 0, "%s", f.first_mismatch);
    cr_assert_eq(f.next, f.n_steps);
    vec_expect(v, "nz_pace_gm_ecdh_3des.ksenc", ch.sm.ks_enc.bytes, 16);
    vec_expect(v, "nz_pace_gm_ecdh_3des.ksmac", ch.sm.ks_mac.bytes, 16);
    vec_expect(v, "nz_pace_gm_ecdh_3des.ssc_after_pace", ch.sm.ssc, 8);
    vfy_channel_free(&ch);
    fake_free(&f);
    script_rng_free(&rs);
    json_decref(v);
}

/* The uncompressed point 04 || X || Y whose X is given, found in EF.CardSecurity. */
static bool find_point(const uint8_t *file, size_t n, const uint8_t *x, uint8_t out[65])
{
    for (size_t i = 0; i + 65 <= n; i++)
        if (file[i] == 0x04 && memcmp(file + i + 1, x, 32) == 0) {
            memcpy(out, file + i, 65);
            return true;
        }
    return false;
}

Test(pace_real, de_passport_cam_and_card_security_read)
{
    json_t *v = vec_load("pace_real_document_traces.json");
    const char *T = "de_pace_cam_ecdh_aes128";
    fake_transport f;
    script_rng rs = { 0 };
    vfy_channel ch;
    vfy_pace_info info;
    load_trace(v, T, &f, &rs, &ch, &info);
    cr_assert_eq(info.mapping, VFY_PACE_CAM, "the strongest PACEInfo of this chip is CAM");
    vfy_pace_password pw = { VFY_PACE_PASSWORD_MRZ,
                             vec_str(v, "de_pace_cam_ecdh_aes128.mrz_information") };
    vfy_pace_result r;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_pace_run(&ch, &pw, &info, &r, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(f.mismatches, 0, "%s", f.first_mismatch);
    vec_expect(v, "de_pace_cam_ecdh_aes128.ksenc", ch.sm.ks_enc.bytes, 16);
    vec_expect(v, "de_pace_cam_ecdh_aes128.ca_ic", r.ca_ic, r.ca_ic_len);

    /* SELECT EF.CardSecurity and read it as the trace's terminal did. */
    uint8_t *file = malloc(4096), none[4];
    size_t len, off;
    vfy_apdu sel = { .ins = 0xA4, .p1 = 2, .p2 = 0x0C, .data = (const uint8_t *)"\x01\x1d",
                     .data_len = 2 };
    cr_assert_eq(vfy_channel_transmit_ok(&ch, &sel, "SELECT", none, sizeof none, &len, &d),
                 VFY_OK, "%s", d.message);
    vfy_apdu rb = { .ins = 0xB0, .le = 4 };
    cr_assert_eq(vfy_channel_transmit_ok(&ch, &rb, "READ", file, 4096, &len, &d), VFY_OK);
    size_t total = 4 + (size_t)((file[2] << 8) | file[3]);
    for (off = 4; off < total;) {
        size_t left = total - off;
        vfy_apdu r2 = { .ins = 0xB0, .p1 = (uint8_t)(off >> 8), .p2 = (uint8_t)off,
                        .le = left > 255 ? 256 : (uint32_t)left };
        cr_assert_eq(vfy_channel_transmit_ok(&ch, &r2, "READ", file + off, 4096 - off, &len, &d),
                     VFY_OK, "%s", d.message);
        cr_assert_gt(len, 0);
        off += len;
    }
    cr_assert_eq(f.mismatches, 0, "%s", f.first_mismatch);
    cr_assert_eq(f.next, f.n_steps);
    cr_assert_eq(ch.sm.ssc[15], 0x16);
    char buf[1024];
    size_t sn;
    uint8_t *sample = read_file_or_fail(
        SHARED_PATH("vectors/emrtd/samples/gmrtd/DE/EF_CardSecurity.bin", buf), &sn);
    cr_assert_eq(sn, total);
    cr_assert_eq(memcmp(sample, file, sn), 0);

    /* CAM: key 13 (= the PACE parameter id) verifies, key 72 does not. */
    size_t xn;
    uint8_t pk[65];
    uint8_t *x13 = vec_hex(v, "de_pace_cam_ecdh_aes128.cam_check.key_id_13_pk_x", &xn);
    cr_assert(find_point(file, total, x13, pk));
    cr_assert_eq(vfy_pace_cam_verify(&r, pk, 65, &d), VFY_OK, "%s", d.message);
    uint8_t *x72 = vec_hex(v, "de_pace_cam_ecdh_aes128.cam_check.key_id_72_pk_x", &xn);
    cr_assert(find_point(file, total, x72, pk));
    cr_assert_eq(vfy_pace_cam_verify(&r, pk, 65, &d), VFY_E_CA_FAILED);
    free(x13);
    free(x72);
    free(sample);
    free(file);
    vfy_channel_free(&ch);
    fake_free(&f);
    script_rng_free(&rs);
    json_decref(v);
}
