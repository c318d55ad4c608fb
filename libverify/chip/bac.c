/* Basic Access Control: challenge, mutual authentication, session keys. */
#include <string.h>

#include "chip/bac.h"
#include "core/fail.h"

#define FIELD "BAC"

vfy_status vfy_bac_document_keys(const char *mrz_information, uint8_t k_enc[16],
                                 uint8_t k_mac[16], vfy_detail *detail)
{
    size_t n = mrz_information != NULL ? strlen(mrz_information) : 0;
    if (n < 24)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD,
                        "the MRZ key input must hold the document number, birth date and "
                        "expiry date with their check digits (at least 24 characters)");
    uint8_t sha[20];
    vfy_status s = vfy_sha1((const uint8_t *)mrz_information, n, sha, detail);
    if (s == VFY_OK)
        s = vfy_kdf(VFY_CIPHER_3DES, sha, 16, VFY_KDF_ENC, k_enc, detail);
    if (s == VFY_OK)
        s = vfy_kdf(VFY_CIPHER_3DES, sha, 16, VFY_KDF_MAC, k_mac, detail);
    vfy_wipe(sha, sizeof sha);
    return s;
}

/* The secrets of one run, in guarded memory: K_enc, K_mac, RND.IFD, K.IFD, S, R. */
enum { K_ENC = 0, K_MAC = 16, RND_IFD = 32, K_IFD = 40, S_BUF = 56, R_BUF = 88,
       SEED = 120, KS_ENC = 136, KS_MAC = 152, SECRET_LEN = 168 };

vfy_status vfy_bac_run(vfy_channel *ch, const char *mrz_information, vfy_detail *detail)
{
    vfy_channel_end_sm(ch);
    vfy_secret sec = { 0 };
    VFY_TRY(vfy_secret_alloc(&sec, SECRET_LEN, detail));
    uint8_t *k = sec.bytes;
    uint8_t rnd_ic[8], cmd_data[40], resp[64], mac[8], padded[48], ssc[8];
    size_t n, pn;
    vfy_status s = vfy_bac_document_keys(mrz_information, k + K_ENC, k + K_MAC, detail);
    if (s != VFY_OK)
        goto out;

    vfy_apdu challenge = { .ins = 0x84, .le = 8 };
    s = vfy_channel_transmit_ok(ch, &challenge, "GET CHALLENGE", rnd_ic, sizeof rnd_ic, &n,
                                detail);
    if (s == VFY_OK && n != 8)
        s = vfy_fail(detail, VFY_E_CHIP_PROTOCOL, FIELD,
                     "GET CHALLENGE returned %zu bytes instead of 8", n);
    if (s != VFY_OK)
        goto out;

    /* S = RND.IFD || RND.IC || K.IFD; E.IFD = E(K_enc, S); M.IFD = MAC(K_mac, E.IFD) */
    if ((s = vfy_random(&ch->rng, k + RND_IFD, 8, detail)) != VFY_OK ||
        (s = vfy_random(&ch->rng, k + K_IFD, 16, detail)) != VFY_OK)
        goto out;
    memcpy(k + S_BUF, k + RND_IFD, 8);
    memcpy(k + S_BUF + 8, rnd_ic, 8);
    memcpy(k + S_BUF + 16, k + K_IFD, 16);
    if ((s = vfy_cbc_encrypt(VFY_CIPHER_3DES, k + K_ENC, NULL, k + S_BUF, 32, cmd_data,
                             detail)) != VFY_OK)
        goto out;
    memcpy(padded, cmd_data, 32);
    if ((s = vfy_pad(padded, 32, sizeof padded, 8, &pn, detail)) != VFY_OK ||
        (s = vfy_mac8(VFY_CIPHER_3DES, k + K_MAC, padded, pn, cmd_data + 32, detail)) != VFY_OK)
        goto out;

    vfy_apdu auth = { .ins = 0x82, .data = cmd_data, .data_len = 40, .le = 40 };
    uint16_t sw;
    if ((s = vfy_channel_transmit(ch, &auth, resp, sizeof resp, &n, &sw, detail)) != VFY_OK)
        goto out;
    if (sw != VFY_SW_OK) {
        s = vfy_fail(detail, VFY_E_BAC_FAILED, FIELD,
                     "the chip refused the access key (%s): check the document number, birth "
                     "date and expiry date", vfy_sw_name(sw));
        goto out;
    }
    if (n != 40) {
        s = vfy_fail(detail, VFY_E_BAC_FAILED, FIELD,
                     "the chip's authentication answer has %zu bytes instead of 40", n);
        goto out;
    }
    /* The MAC first, then decryption. */
    memcpy(padded, resp, 32);
    if ((s = vfy_pad(padded, 32, sizeof padded, 8, &pn, detail)) != VFY_OK ||
        (s = vfy_mac8(VFY_CIPHER_3DES, k + K_MAC, padded, pn, mac, detail)) != VFY_OK)
        goto out;
    if (!vfy_equal_ct(mac, resp + 32, 8)) {
        s = vfy_fail(detail, VFY_E_BAC_FAILED, FIELD,
                     "the MAC of the chip's authentication answer does not verify");
        goto out;
    }
    if ((s = vfy_cbc_decrypt(VFY_CIPHER_3DES, k + K_ENC, NULL, resp, 32, k + R_BUF, detail)) !=
        VFY_OK)
        goto out;
    /* R = RND.IC || RND.IFD || K.IC */
    if (!vfy_equal_ct(k + R_BUF, rnd_ic, 8) || !vfy_equal_ct(k + R_BUF + 8, k + RND_IFD, 8)) {
        s = vfy_fail(detail, VFY_E_BAC_FAILED, FIELD,
                     "the chip did not return the challenges of this session");
        goto out;
    }
    for (int i = 0; i < 16; i++)
        k[SEED + i] = (uint8_t)(k[K_IFD + i] ^ k[R_BUF + 16 + i]);
    if ((s = vfy_kdf(VFY_CIPHER_3DES, k + SEED, 16, VFY_KDF_ENC, k + KS_ENC, detail)) != VFY_OK ||
        (s = vfy_kdf(VFY_CIPHER_3DES, k + SEED, 16, VFY_KDF_MAC, k + KS_MAC, detail)) != VFY_OK)
        goto out;
    memcpy(ssc, rnd_ic + 4, 4);
    memcpy(ssc + 4, k + RND_IFD + 4, 4);
    s = vfy_channel_set_sm(ch, VFY_CIPHER_3DES, k + KS_ENC, k + KS_MAC, ssc, detail);
out:
    vfy_secret_free(&sec);
    vfy_wipe(resp, sizeof resp);
    vfy_wipe(padded, sizeof padded);
    vfy_wipe(ssc, sizeof ssc);
    return s;
}
