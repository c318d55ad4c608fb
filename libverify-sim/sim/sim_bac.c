/* The chip's side of Basic Access Control (ICAO 9303-11 §4.3): GET CHALLENGE and
 * MUTUAL AUTHENTICATE with keys from its own DG1, then 3DES secure messaging. */
#include <string.h>

#include "core/fail.h"
#include "crypto/crypto.h"
#include "sim/sim_internal.h"

void sim_get_challenge(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r)
{
    if (a->p1 != 0 || a->p2 != 0) {
        sim_resp_set(r, NULL, 0, SW_WRONG_P1P2);
        return;
    }
    if (a->le != 8 || a->lc != 0) {
        sim_resp_set(r, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    sim_random(c, c->rnd_ic, sizeof c->rnd_ic);
    c->challenge_valid = true;
    sim_resp_set(r, c->rnd_ic, sizeof c->rnd_ic, SW_OK);
}

/* Kenc and Kmac from the MRZ information: Kseed = SHA-1(MRZ_information)[0..16]. */
static vfy_status document_keys(const vfy_sim_chip *c, uint8_t kenc[16], uint8_t kmac[16])
{
    uint8_t h[20];
    VFY_TRY(vfy_sha1((const uint8_t *)c->mrz_key, strlen(c->mrz_key), h, NULL));
    vfy_status s = vfy_kdf(VFY_CIPHER_3DES, h, 16, VFY_KDF_ENC, kenc, NULL);
    if (s == VFY_OK)
        s = vfy_kdf(VFY_CIPHER_3DES, h, 16, VFY_KDF_MAC, kmac, NULL);
    vfy_wipe(h, sizeof h);
    return s;
}

static vfy_status padded_mac(const uint8_t *key, const uint8_t *data, size_t len, uint8_t mac[8])
{
    uint8_t buf[48];
    size_t padded;
    memcpy(buf, data, len);
    VFY_TRY(vfy_pad(buf, len, sizeof buf, 8, &padded, NULL));
    return vfy_mac8(VFY_CIPHER_3DES, key, buf, padded, mac, NULL);
}

void sim_mutual_authenticate(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r)
{
    if (!c->p.bac || c->mrz_key[0] == '\0') {
        sim_resp_set(r, NULL, 0, SW_INS_UNKNOWN);
        return;
    }
    if (a->p1 != 0 || a->p2 != 0) {
        sim_resp_set(r, NULL, 0, SW_WRONG_P1P2);
        return;
    }
    if (a->lc != 40 || (a->le != 40 && a->le != 256)) {
        sim_resp_set(r, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    if (!c->challenge_valid) {
        sim_resp_set(r, NULL, 0, SW_CONDITIONS);
        return;
    }
    c->challenge_valid = false;   /* one attempt per challenge */
    uint8_t kenc[16], kmac[16], mac[8], s_plain[32], kic[16], rr[32], out[40];
    uint16_t sw = SW_AUTH_FAILED;
    if (document_keys(c, kenc, kmac) != VFY_OK || padded_mac(kmac, a->data, 32, mac) != VFY_OK ||
        !vfy_equal_ct(mac, a->data + 32, 8) ||
        vfy_cbc_decrypt(VFY_CIPHER_3DES, kenc, NULL, a->data, 32, s_plain, NULL) != VFY_OK ||
        !vfy_equal_ct(s_plain + 8, c->rnd_ic, 8))
        goto done;
    /* R = RND.IC || RND.IFD || K.IC */
    sim_random(c, kic, sizeof kic);
    memcpy(rr, c->rnd_ic, 8);
    memcpy(rr + 8, s_plain, 8);
    memcpy(rr + 16, kic, 16);
    if (vfy_cbc_encrypt(VFY_CIPHER_3DES, kenc, NULL, rr, 32, out, NULL) != VFY_OK ||
        padded_mac(kmac, out, 32, out + 32) != VFY_OK)
        goto done;
    uint8_t seed[16], ks_enc[16], ks_mac[16], ssc[8];
    for (size_t i = 0; i < 16; i++)
        seed[i] = s_plain[16 + i] ^ kic[i];
    memcpy(ssc, c->rnd_ic + 4, 4);
    memcpy(ssc + 4, s_plain + 4, 4);
    bool ok = vfy_kdf(VFY_CIPHER_3DES, seed, 16, VFY_KDF_ENC, ks_enc, NULL) == VFY_OK &&
              vfy_kdf(VFY_CIPHER_3DES, seed, 16, VFY_KDF_MAC, ks_mac, NULL) == VFY_OK &&
              sim_session_start(c, SIM_SM_3DES, ks_enc, ks_mac, 16, ssc) == VFY_OK;
    vfy_wipe(seed, sizeof seed);
    vfy_wipe(ks_enc, sizeof ks_enc);
    vfy_wipe(ks_mac, sizeof ks_mac);
    if (ok) {
        sim_resp_set(r, out, sizeof out, SW_OK);
        sw = SW_OK;
    }
done:
    vfy_wipe(kenc, sizeof kenc);
    vfy_wipe(kmac, sizeof kmac);
    vfy_wipe(s_plain, sizeof s_plain);
    vfy_wipe(kic, sizeof kic);
    vfy_wipe(rr, sizeof rr);
    if (sw != SW_OK)
        sim_resp_set(r, NULL, 0, sw);
}
