/* PACE terminal: MSE:Set AT, the GENERAL AUTHENTICATE chain, tokens, CAM data. */
#include <stdio.h>
#include <string.h>

#include "chip/pace.h"
#include "core/fail.h"
#include "core/tlv.h"
#include "core/writer.h"

#define FIELD "PACE"
#define GA_MAX 600 /* largest GENERAL AUTHENTICATE data: a 2048-bit DH key plus headers */

vfy_status vfy_pace_password_key(const vfy_pace_password *pw, vfy_cipher c, uint8_t *k_pi,
                                 vfy_detail *detail)
{
    size_t n = pw != NULL && pw->value != NULL ? strlen(pw->value) : 0;
    if (n == 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "no PACE password given");
    if (pw->kind == VFY_PACE_PASSWORD_CAN)
        return vfy_kdf(c, (const uint8_t *)pw->value, n, VFY_KDF_PI, k_pi, detail);
    if (pw->kind != VFY_PACE_PASSWORD_MRZ)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "unknown PACE password kind");
    uint8_t k[20];
    vfy_status s = vfy_sha1((const uint8_t *)pw->value, n, k, detail);
    if (s == VFY_OK)
        s = vfy_kdf(c, k, sizeof k, VFY_KDF_PI, k_pi, detail);
    vfy_wipe(k, sizeof k);
    return s;
}

vfy_status vfy_pace_token_input(const vfy_pace_info *info, const uint8_t *pub, size_t pub_len,
                                uint8_t *out, size_t cap, size_t *out_len, vfy_detail *detail)
{
    /* Public key data object, BSI TR-03110-3 D.3: 7F49 { 06 OID, 84/86 key }. */
    vfy_writer w;
    vfy_w_init(&w, out, cap);
    size_t key = vfy_w_ber_open(&w, 0x7F49);
    vfy_w_ber_tl(&w, 0x06, info->oid_len);
    vfy_w_bytes(&w, info->oid, info->oid_len);
    vfy_w_ber_tl(&w, info->ka == VFY_KA_ECDH ? 0x86 : 0x84, pub_len);
    vfy_w_bytes(&w, pub, pub_len);
    vfy_w_ber_close(&w, key);
    return vfy_w_finish(&w, out_len, VFY_E_INVALID_ARGUMENT, FIELD, detail);
}

vfy_status vfy_pace_token(const vfy_pace_info *info, const uint8_t *ks_mac, const uint8_t *pub,
                          size_t pub_len, uint8_t token[VFY_MAC_LEN], vfy_detail *detail)
{
    uint8_t buf[VFY_KA_MAX_PUBLIC + 64];
    size_t n;
    VFY_TRY(vfy_pace_token_input(info, pub, pub_len, buf, sizeof buf, &n, detail));
    if (info->cipher == VFY_CIPHER_3DES) /* the retail MAC pads; CMAC does not */
        VFY_TRY(vfy_pad(buf, n, sizeof buf, 8, &n, detail));
    return vfy_mac8(info->cipher, ks_mac, buf, n, token, detail);
}

/* One GENERAL AUTHENTICATE: sends 7C { tag value } (or 7C 00 when value is NULL), returns
 * the 7C response content in resp (resp_len). *sw_out (may be NULL) is the chip's status
 * word, 0 when none came: callers decide on the number, never on a message. */
static vfy_status general_authenticate(vfy_channel *ch, bool last, const char *step,
                                       uint8_t tag, const uint8_t *value, size_t len,
                                       uint8_t *resp, size_t cap, size_t *resp_len,
                                       uint16_t *sw_out, vfy_detail *detail)
{
    if (sw_out != NULL)
        *sw_out = 0;
    uint8_t cmd[GA_MAX];
    vfy_writer w;
    vfy_w_init(&w, cmd, sizeof cmd);
    size_t dad = vfy_w_ber_open(&w, 0x7C); /* dynamic authentication data */
    if (value != NULL) {
        vfy_w_ber_tl(&w, tag, len);
        vfy_w_bytes(&w, value, len);
    }
    vfy_w_ber_close(&w, dad);
    size_t n;
    VFY_TRY(vfy_w_finish(&w, &n, VFY_E_INTERNAL, "GENERAL AUTHENTICATE", detail));
    vfy_apdu a = { .cla = last ? 0x00 : 0x10, .ins = 0x86, .data = cmd, .data_len = n,
                   .le = VFY_APDU_LE_SHORT_MAX };
    uint8_t raw[GA_MAX];
    size_t raw_len;
    uint16_t sw;
    VFY_TRY(vfy_channel_transmit(ch, &a, raw, sizeof raw, &raw_len, &sw, detail));
    if (sw_out != NULL)
        *sw_out = sw;
    if (sw != VFY_SW_OK)
        return vfy_fail(detail, VFY_E_PACE_FAILED, step,
                        "the chip refused GENERAL AUTHENTICATE (%s) with %s", step,
                        vfy_sw_name(sw));
    vfy_tlv t;
    vfy_detail inner;
    vfy_detail_clear(&inner);
    if (vfy_tlv_parse_one(raw, raw_len, 0, step, &inner, &t) != VFY_OK || t.tag != 0x7C ||
        t.value.len > cap)
        return vfy_fail(detail, VFY_E_CHIP_PROTOCOL, step,
                        "the chip's answer to GENERAL AUTHENTICATE (%s) is not one "
                        "dynamic authentication data object (7C)", step);
    memcpy(resp, t.value.data, t.value.len);
    *resp_len = t.value.len;
    return VFY_OK;
}

/* The value of the child `tag` of a 7C content; VFY_E_CHIP_PROTOCOL if absent. */
static vfy_status find_do(const uint8_t *content, size_t len, uint8_t tag, const char *step,
                          const uint8_t **val, size_t *val_len, bool required,
                          vfy_detail *detail)
{
    vfy_cursor c;
    vfy_cur_init(&c, content, len, step, NULL);
    while (!vfy_cur_at_end(&c)) {
        vfy_tlv t;
        if (vfy_tlv_next(&c, 0, &t) != VFY_OK)
            break;
        if (t.tag == tag) {
            *val = t.value.data;
            *val_len = t.value.len;
            return VFY_OK;
        }
    }
    *val = NULL;
    *val_len = 0;
    if (!required)
        return VFY_OK;
    return vfy_fail(detail, VFY_E_CHIP_PROTOCOL, step,
                    "the chip's answer to %s lacks data object %02X", step, tag);
}

/* A chip public key as the group expects it: a DH value shorter than |p| is left-padded. */
static vfy_status normalise_public(const vfy_ka_group *g, const uint8_t *in, size_t len,
                                   uint8_t *out, size_t *out_len, vfy_detail *detail)
{
    size_t want = vfy_ka_public_len(g);
    if (len > want || len == 0 || (vfy_ka_group_kind(g) == VFY_KA_ECDH && len != want))
        return vfy_fail(detail, VFY_E_BAD_VALUE, FIELD,
                        "the chip's public key has %zu bytes; %s needs %zu", len,
                        vfy_ka_group_name(g), want);
    memset(out, 0, want - len);
    memcpy(out + want - len, in, len);
    *out_len = want;
    return vfy_ka_check_public(g, out, want, detail);
}

/* Secrets of one run, in guarded memory. */
enum { S_KPI = 0, S_NONCE = 32, S_T = 64, S_SECRET = 96, S_KSENC = 96 + VFY_KA_MAX_SECRET,
       S_KSMAC = S_KSENC + 32, S_LEN = S_KSMAC + 32 };

static vfy_status mse_set_at(vfy_channel *ch, const vfy_pace_password *pw,
                             const vfy_pace_info *info, vfy_detail *detail)
{
    /* ICAO 9303-11 4.4.4.1: 80 protocol OID, 83 password reference, 84 domain parameters. */
    uint8_t data[64];
    vfy_writer w;
    vfy_w_init(&w, data, sizeof data);
    vfy_w_ber_tl(&w, 0x80, info->oid_len);
    vfy_w_bytes(&w, info->oid, info->oid_len);
    vfy_w_ber_tl(&w, 0x83, 1);
    vfy_w_u8(&w, pw->kind == VFY_PACE_PASSWORD_CAN ? 0x02 : 0x01);
    if (info->has_parameter_id) {
        vfy_w_ber_tl(&w, 0x84, 1);
        vfy_w_u8(&w, (uint8_t)info->parameter_id);
    }
    size_t n;
    VFY_TRY(vfy_w_finish(&w, &n, VFY_E_INTERNAL, "MSE:Set AT", detail));
    vfy_apdu a = { .ins = 0x22, .p1 = 0xC1, .p2 = 0xA4, .data = data, .data_len = n };
    uint8_t none[8];
    size_t len;
    uint16_t sw;
    VFY_TRY(vfy_channel_transmit(ch, &a, none, sizeof none, &len, &sw, detail));
    if (sw != VFY_SW_OK)
        return vfy_fail(detail, VFY_E_PACE_FAILED, "MSE:Set AT",
                        "the chip refused to start PACE %s with %s (%s)",
                        vfy_pace_mapping_name(info->mapping), vfy_cipher_name(info->cipher),
                        vfy_sw_name(sw));
    return VFY_OK;
}

vfy_status vfy_pace_run(vfy_channel *ch, const vfy_pace_password *pw, const vfy_pace_info *info,
                        vfy_pace_result *result, vfy_detail *detail)
{
    memset(result, 0, sizeof *result);
    if (info == NULL || !info->has_parameter_id)
        return vfy_fail(detail, VFY_E_UNSUPPORTED, FIELD,
                        "PACE needs a standardized domain parameter id");
    vfy_channel_end_sm(ch);
    size_t key_len = vfy_cipher_key_len(info->cipher), block = vfy_cipher_block_len(info->cipher);
    vfy_ka_group *g = NULL, *mapped = NULL;
    vfy_secret sec = { 0 }, priv = { 0 };
    uint8_t pub[VFY_KA_MAX_PUBLIC], chip_pub[VFY_KA_MAX_PUBLIC], h[VFY_KA_MAX_PUBLIC];
    uint8_t resp[GA_MAX], t_ifd[VFY_MAC_LEN], t_ic[VFY_MAC_LEN];
    size_t pub_len = 0, chip_pub_len = 0, h_len = 0, resp_len = 0, n = 0;
    const uint8_t *v;
    size_t vlen;
    vfy_status s = vfy_ka_group_standard(info->parameter_id, &g, detail);
    if (s == VFY_OK && vfy_ka_group_kind(g) != info->ka)
        s = vfy_fail(detail, VFY_E_UNSUPPORTED, FIELD,
                     "domain parameter id %u does not fit the PACE protocol", info->parameter_id);
    if (s == VFY_OK)
        s = vfy_secret_alloc(&sec, S_LEN, detail);
    if (s != VFY_OK)
        goto out;
    uint8_t *k = sec.bytes;
    result->info = *info;
    snprintf(result->group, sizeof result->group, "%s", vfy_ka_group_name(g));
    if ((s = vfy_pace_password_key(pw, info->cipher, k + S_KPI, detail)) != VFY_OK ||
        (s = mse_set_at(ch, pw, info, detail)) != VFY_OK)
        goto out;

    /* 1: encrypted nonce */
    if ((s = general_authenticate(ch, false, "encrypted nonce", 0, NULL, 0, resp, sizeof resp,
                                  &resp_len, NULL, detail)) != VFY_OK ||
        (s = find_do(resp, resp_len, 0x80, "encrypted nonce", &v, &vlen, true, detail)) != VFY_OK)
        goto out;
    size_t s_len = vlen;
    size_t want_s = info->mapping == VFY_PACE_IM ? (key_len + block - 1) / block * block : 0;
    if (vlen == 0 || vlen % block != 0 || vlen > 32 || (want_s != 0 && vlen != want_s)) {
        s = vfy_fail(detail, VFY_E_CHIP_PROTOCOL, "encrypted nonce",
                     "the encrypted nonce has %zu bytes, not a valid nonce for %s", vlen,
                     vfy_cipher_name(info->cipher));
        goto out;
    }
    if ((s = vfy_cbc_decrypt(info->cipher, k + S_KPI, NULL, v, vlen, k + S_NONCE, detail)) !=
        VFY_OK)
        goto out;

    /* 2: mapping */
    if (info->mapping == VFY_PACE_IM) {
        if ((s = vfy_random(&ch->rng, k + S_T, key_len, detail)) != VFY_OK ||
            (s = general_authenticate(ch, false, "mapping", 0x81, k + S_T, key_len, resp,
                                      sizeof resp, &resp_len, NULL, detail)) != VFY_OK ||
            (s = vfy_ka_map_integrated(g, info->cipher, k + S_NONCE, s_len, k + S_T, key_len,
                                       &mapped, detail)) != VFY_OK)
            goto out;
    } else {
        if ((s = vfy_ka_keygen(g, &ch->rng, &priv, pub, sizeof pub, &pub_len, detail)) != VFY_OK ||
            (s = general_authenticate(ch, false, "mapping", 0x81, pub, pub_len, resp,
                                      sizeof resp, &resp_len, NULL, detail)) != VFY_OK ||
            (s = find_do(resp, resp_len, 0x82, "mapping", &v, &vlen, true, detail)) != VFY_OK ||
            (s = normalise_public(g, v, vlen, chip_pub, &chip_pub_len, detail)) != VFY_OK)
            goto out;
        if (vfy_equal_ct(chip_pub, pub, pub_len)) {
            s = vfy_fail(detail, VFY_E_BAD_VALUE, "mapping",
                         "the chip echoed the terminal's mapping key");
            goto out;
        }
        memcpy(result->chip_mapping_public, chip_pub, chip_pub_len);
        result->chip_mapping_public_len = chip_pub_len;
        if ((s = vfy_ka_shared_element(g, &priv, chip_pub, chip_pub_len, h, sizeof h, &h_len,
                                       detail)) != VFY_OK ||
            (s = vfy_ka_map_generic(g, k + S_NONCE, s_len, h, h_len, &mapped, detail)) != VFY_OK)
            goto out;
        vfy_wipe(h, sizeof h);
    }

    /* 3: ephemeral key agreement on the mapped group. A DH public value with a leading
     * zero byte has two encodings (full length, as sent, or minimal, as some chips
     * re-encode it for their token); such keys are redrawn so both sides MAC the same. */
    for (int attempt = 0; attempt < 8; attempt++) {
        if ((s = vfy_ka_keygen(mapped, &ch->rng, &priv, pub, sizeof pub, &pub_len, detail)) !=
                VFY_OK ||
            info->ka != VFY_KA_DH || pub[0] != 0)
            break;
    }
    if (s != VFY_OK ||
        (s = general_authenticate(ch, false, "key agreement", 0x83, pub, pub_len, resp,
                                  sizeof resp, &resp_len, NULL, detail)) != VFY_OK ||
        (s = find_do(resp, resp_len, 0x84, "key agreement", &v, &vlen, true, detail)) != VFY_OK ||
        (s = normalise_public(mapped, v, vlen, chip_pub, &chip_pub_len, detail)) != VFY_OK)
        goto out;
    if (vfy_equal_ct(chip_pub, pub, pub_len)) {
        s = vfy_fail(detail, VFY_E_BAD_VALUE, "key agreement",
                     "the chip echoed the terminal's ephemeral key");
        goto out;
    }
    /* The token covers the chip's key as received (9303-11 §4.4.3.4): a chip that drops
     * leading zero bytes of a DH value MACs that shorter encoding. */
    uint8_t chip_pub_received[VFY_KA_MAX_PUBLIC];
    size_t chip_pub_received_len = vlen;
    memcpy(chip_pub_received, v, vlen);
    if ((s = vfy_ka_shared_secret(mapped, &priv, chip_pub, chip_pub_len, k + S_SECRET,
                                  VFY_KA_MAX_SECRET, &n, detail)) != VFY_OK ||
        (s = vfy_kdf(info->cipher, k + S_SECRET, n, VFY_KDF_ENC, k + S_KSENC, detail)) != VFY_OK ||
        (s = vfy_kdf(info->cipher, k + S_SECRET, n, VFY_KDF_MAC, k + S_KSMAC, detail)) != VFY_OK)
        goto out;
    memcpy(result->chip_ephemeral_public, chip_pub, chip_pub_len);
    result->chip_ephemeral_public_len = chip_pub_len;

    /* 4: tokens */
    if ((s = vfy_pace_token(info, k + S_KSMAC, chip_pub_received, chip_pub_received_len, t_ifd,
                            detail)) != VFY_OK)
        goto out;
    uint16_t token_sw;
    s = general_authenticate(ch, true, "mutual authentication", 0x85, t_ifd, VFY_MAC_LEN, resp,
                             sizeof resp, &resp_len, &token_sw, detail);
    /* 6300 to the terminal's token: the chip derived other keys, i.e. another password. */
    if (s == VFY_E_PACE_FAILED && token_sw == VFY_SW_AUTH_FAILED)
        s = vfy_fail(detail, VFY_E_PACE_FAILED, "mutual authentication",
                     "the chip refused the terminal's token (6300): the %s is wrong",
                     pw->kind == VFY_PACE_PASSWORD_CAN ? "CAN" : "MRZ data");
    if (s != VFY_OK)
        goto out;
    if ((s = find_do(resp, resp_len, 0x86, "mutual authentication", &v, &vlen, true, detail)) !=
        VFY_OK)
        goto out;
    if ((s = vfy_pace_token(info, k + S_KSMAC, pub, pub_len, t_ic, detail)) != VFY_OK)
        goto out;
    if (vlen != VFY_MAC_LEN || !vfy_equal_ct(v, t_ic, VFY_MAC_LEN)) {
        s = vfy_fail(detail, VFY_E_PACE_TOKEN, "mutual authentication",
                     "the chip's authentication token does not verify");
        goto out;
    }
    if (info->mapping == VFY_PACE_CAM) {
        if ((s = find_do(resp, resp_len, 0x8A, "mutual authentication", &v, &vlen, true,
                         detail)) != VFY_OK)
            goto out;
        uint8_t iv[16], ff[16];
        memset(ff, 0xFF, sizeof ff);
        size_t plain_len;
        if (vlen == 0 || vlen > sizeof result->ca_ic || vlen % 16 != 0) {
            s = vfy_fail(detail, VFY_E_CHIP_PROTOCOL, "mutual authentication",
                         "the encrypted chip authentication data has %zu bytes", vlen);
            goto out;
        }
        if ((s = vfy_ecb_encrypt(info->cipher, k + S_KSENC, ff, 16, iv, detail)) != VFY_OK ||
            (s = vfy_cbc_decrypt(info->cipher, k + S_KSENC, iv, v, vlen, result->ca_ic,
                                 detail)) != VFY_OK)
            goto out;
        if (vfy_unpad(result->ca_ic, vlen, 16, &plain_len, NULL) != VFY_OK) {
            s = vfy_fail(detail, VFY_E_CHIP_PROTOCOL, "mutual authentication",
                         "the chip authentication data is not padded");
            goto out;
        }
        result->ca_ic_len = plain_len;
        result->has_chip_auth_data = true;
    }
    s = vfy_channel_set_sm(ch, info->cipher, k + S_KSENC, k + S_KSMAC, NULL, detail);
out:
    if (s != VFY_OK) {
        vfy_wipe(result->ca_ic, sizeof result->ca_ic);
        result->has_chip_auth_data = false;
    }
    vfy_secret_free(&priv);
    vfy_secret_free(&sec);
    vfy_ka_group_free(mapped);
    vfy_ka_group_free(g);
    return s;
}
