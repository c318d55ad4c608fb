/* Secure messaging: DO encoding, SSC, encryption and MAC of commands and responses. */
#include <stdlib.h>
#include <string.h>

#include "chip/sm.h"
#include "core/fail.h"
#include "core/tlv.h"
#include "core/writer.h"

#define FIELD "secure messaging"

static size_t ber_len_size(size_t n) { return n < 0x80 ? 1 : n < 0x100 ? 2 : 3; }

static size_t padded_len(size_t n, size_t block) { return (n / block + 1) * block; }

size_t vfy_sm_response_overhead(vfy_cipher c, size_t n)
{
    size_t b = vfy_cipher_block_len(c);
    size_t do87 = 0;
    if (n > 0) {
        size_t v = 1 + padded_len(n, b);
        do87 = 1 + ber_len_size(v) + v;
    }
    return do87 + 4 + 10 - n;
}

bool vfy_sm_active(const vfy_sm *sm) { return sm != NULL && sm->ks_mac.bytes != NULL; }

vfy_status vfy_sm_init(vfy_sm *sm, vfy_cipher c, const uint8_t *ks_enc, const uint8_t *ks_mac,
                       const uint8_t *ssc, vfy_detail *detail)
{
    vfy_sm_wipe(sm);
    size_t kl = vfy_cipher_key_len(c);
    if (kl == 0)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "no cipher selected");
    sm->cipher = c;
    sm->ssc_len = vfy_cipher_block_len(c);
    vfy_status s = vfy_secret_set(&sm->ks_enc, ks_enc, kl, detail);
    if (s == VFY_OK)
        s = vfy_secret_set(&sm->ks_mac, ks_mac, kl, detail);
    if (s != VFY_OK) {
        vfy_sm_wipe(sm);
        return s;
    }
    if (ssc != NULL)
        memcpy(sm->ssc, ssc, sm->ssc_len);
    return VFY_OK;
}

void vfy_sm_wipe(vfy_sm *sm)
{
    if (sm == NULL)
        return;
    vfy_secret_free(&sm->ks_enc);
    vfy_secret_free(&sm->ks_mac);
    vfy_wipe(sm->ssc, sizeof sm->ssc);
    sm->ssc_len = 0;
    sm->cipher = VFY_CIPHER_NONE;
}

static void ssc_increment(vfy_sm *sm)
{
    for (size_t i = sm->ssc_len; i-- > 0;)
        if (++sm->ssc[i] != 0)
            break;
}

static vfy_status iv_for(const vfy_sm *sm, uint8_t iv[16], vfy_detail *detail)
{
    if (sm->cipher == VFY_CIPHER_3DES) {
        memset(iv, 0, 16);
        return VFY_OK;
    }
    return vfy_ecb_encrypt(sm->cipher, sm->ks_enc.bytes, sm->ssc, sm->ssc_len, iv, detail);
}

/* MAC over pad(SSC || a || b): a is the padded header (commands) or empty. */
static vfy_status compute_mac(const vfy_sm *sm, const uint8_t *a, size_t a_len,
                              const uint8_t *b, size_t b_len, uint8_t mac[VFY_MAC_LEN],
                              vfy_detail *detail)
{
    size_t block = sm->ssc_len, n = sm->ssc_len + a_len + b_len;
    size_t cap = padded_len(n, block);
    uint8_t *buf = malloc(cap);
    if (buf == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, FIELD, "no memory for a MAC");
    memcpy(buf, sm->ssc, sm->ssc_len);
    if (a_len > 0)
        memcpy(buf + sm->ssc_len, a, a_len);
    if (b_len > 0)
        memcpy(buf + sm->ssc_len + a_len, b, b_len);
    size_t padded;
    vfy_status s = vfy_pad(buf, n, cap, block, &padded, detail);
    if (s == VFY_OK)
        s = vfy_mac8(sm->cipher, sm->ks_mac.bytes, buf, padded, mac, detail);
    vfy_wipe_free(buf, cap);
    return s;
}

/* Encrypts pad(data) with the current IV into out (cap bytes); *out_len = padded length. */
static vfy_status encrypt_data(const vfy_sm *sm, const uint8_t *data, size_t len, uint8_t *out,
                               size_t cap, size_t *out_len, vfy_detail *detail)
{
    size_t block = sm->ssc_len, n = padded_len(len, block);
    if (n > cap)
        return vfy_fail(detail, VFY_E_LIMIT, FIELD, "%zu bytes do not fit after encryption", len);
    memcpy(out, data, len);
    uint8_t iv[16];
    VFY_TRY(vfy_pad(out, len, cap, block, out_len, detail));
    VFY_TRY(iv_for(sm, iv, detail));
    return vfy_cbc_encrypt(sm->cipher, sm->ks_enc.bytes, iv, out, *out_len, out, detail);
}

/* Decrypts a cryptogram and removes the padding into data (cap bytes). */
static vfy_status decrypt_data(const vfy_sm *sm, const uint8_t *ct, size_t ct_len,
                               uint8_t *data, size_t cap, size_t *data_len, vfy_detail *detail)
{
    size_t block = sm->ssc_len;
    if (ct_len == 0 || ct_len % block != 0)
        return vfy_fail(detail, VFY_E_SM_FORMAT, FIELD,
                        "the cryptogram of %zu bytes is not a whole number of %zu-byte blocks",
                        ct_len, block);
    uint8_t *tmp = malloc(ct_len), iv[16];
    if (tmp == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, FIELD, "no memory to decrypt");
    vfy_status s = iv_for(sm, iv, detail);
    if (s == VFY_OK)
        s = vfy_cbc_decrypt(sm->cipher, sm->ks_enc.bytes, iv, ct, ct_len, tmp, detail);
    size_t n = 0;
    if (s == VFY_OK && vfy_unpad(tmp, ct_len, block, &n, NULL) != VFY_OK)
        s = vfy_fail(detail, VFY_E_SM_FORMAT, FIELD,
                     "the decrypted data does not end in ISO/IEC 7816-4 padding");
    if (s == VFY_OK && n > cap)
        s = vfy_fail(detail, VFY_E_LIMIT, FIELD,
                     "%zu decrypted bytes do not fit in the %zu-byte buffer", n, cap);
    if (s == VFY_OK) {
        memcpy(data, tmp, n);
        *data_len = n;
    }
    vfy_wipe(tmp, ct_len);
    free(tmp);
    return s;
}

/* Appends DO'87' (01 || cryptogram) or, for an odd instruction, DO'85' (cryptogram) of
 * the padded data, encrypted in place in the writer's buffer. */
static vfy_status put_crypto_do(const vfy_sm *sm, bool odd, const uint8_t *data, size_t len,
                                vfy_writer *w, vfy_detail *detail)
{
    size_t ct_len = padded_len(len, sm->ssc_len);
    vfy_w_ber_tl(w, odd ? 0x85 : 0x87, ct_len + (odd ? 0 : 1));
    if (!odd)
        vfy_w_u8(w, 0x01); /* padding indicator: ISO/IEC 7816-4 padding */
    uint8_t *ct = vfy_w_claim(w, ct_len);
    if (ct == NULL)
        return vfy_fail(detail, VFY_E_LIMIT, FIELD, "%zu bytes do not fit after encryption",
                        len);
    size_t n;
    vfy_status s = encrypt_data(sm, data, len, ct, ct_len, &n, detail);
    if (s != VFY_OK)
        vfy_wipe(ct, ct_len); /* never leave plaintext in the output */
    return s;
}

/* ---- terminal ------------------------------------------------------------------------ */

vfy_status vfy_sm_wrap_command(vfy_sm *sm, const vfy_apdu *plain, uint8_t *out, size_t cap,
                               size_t *out_len, vfy_detail *detail)
{
    *out_len = 0;
    if (!vfy_sm_active(sm))
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "no secure messaging session");
    if (plain->data_len > VFY_APDU_MAX_DATA - 64 || plain->le > VFY_APDU_LE_EXT_MAX)
        return vfy_fail(detail, VFY_E_APDU, FIELD, "the command is too long to protect");
    ssc_increment(sm);
    size_t block = sm->ssc_len;
    bool odd = (plain->ins & 1) != 0;
    bool ext_le = plain->le > VFY_APDU_LE_SHORT_MAX || (plain->extended && plain->le != 0);
    /* body = DO'87'/'85' || DO'97' || DO'8E' */
    size_t ct_cap = plain->data_len > 0 ? padded_len(plain->data_len, block) : 0;
    size_t body_cap = (ct_cap > 0 ? 4 + 1 + ct_cap : 0) + 4 + 10;
    uint8_t *body = malloc(body_cap);
    if (body == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, FIELD, "no memory to protect a command");
    vfy_writer w;
    vfy_w_init(&w, body, body_cap);
    vfy_status s = VFY_OK;
    if (plain->data_len > 0)
        s = put_crypto_do(sm, odd, plain->data, plain->data_len, &w, detail);
    if (s == VFY_OK && plain->le != VFY_APDU_LE_NONE) {
        if (ext_le) {
            vfy_w_ber_tl(&w, 0x97, 2);
            vfy_w_u16be(&w, (uint16_t)(plain->le == VFY_APDU_LE_EXT_MAX ? 0 : plain->le));
        } else {
            vfy_w_ber_tl(&w, 0x97, 1);
            vfy_w_u8(&w, (uint8_t)(plain->le == VFY_APDU_LE_SHORT_MAX ? 0 : plain->le));
        }
    }
    if (s == VFY_OK) {
        uint8_t header[16] = { (uint8_t)(plain->cla | 0x0C), plain->ins, plain->p1, plain->p2 };
        size_t hlen;
        uint8_t mac[VFY_MAC_LEN];
        s = vfy_pad(header, 4, sizeof header, block, &hlen, detail);
        if (s == VFY_OK)
            s = compute_mac(sm, header, hlen, body, vfy_w_len(&w), mac, detail);
        if (s == VFY_OK) {
            vfy_w_ber_tl(&w, 0x8E, VFY_MAC_LEN);
            vfy_w_bytes(&w, mac, VFY_MAC_LEN);
        }
        size_t n = 0;
        if (s == VFY_OK)
            s = vfy_w_finish(&w, &n, VFY_E_INTERNAL, FIELD, detail);
        if (s == VFY_OK) {
            vfy_apdu prot = {
                .cla = header[0], .ins = plain->ins, .p1 = plain->p1, .p2 = plain->p2,
                .data = body, .data_len = n,
                .le = vfy_apdu_is_extended(plain) || n > 255 ? VFY_APDU_LE_EXT_MAX
                                                             : VFY_APDU_LE_SHORT_MAX,
                .extended = vfy_apdu_is_extended(plain) || n > 255,
            };
            s = vfy_apdu_encode(&prot, out, cap, out_len, detail);
        }
    }
    vfy_wipe_free(body, body_cap);
    return s;
}

typedef struct sm_dos {
    const uint8_t *crypto; /* DO'87' cryptogram (after the indicator) or DO'85' value */
    size_t crypto_len;
    bool has_crypto;
    const uint8_t *sw; /* DO'99' value */
    bool has_sw;
    const uint8_t *mac; /* DO'8E' value */
    size_t macced_len;  /* bytes from the first DO to the start of DO'8E' */
} sm_dos;

/* Walks a response's DOs: each at most once, in the order 87|85, 99, 8E, and 8E last. */
static vfy_status parse_dos(const uint8_t *in, size_t len, sm_dos *d, vfy_detail *detail)
{
    memset(d, 0, sizeof *d);
    vfy_cursor c;
    vfy_cur_init(&c, in, len, "SM response", detail);
    int last_rank = -1;
    while (!vfy_cur_at_end(&c)) {
        size_t start = c.pos;
        vfy_tlv t;
        vfy_status s = vfy_tlv_next(&c, 0, &t);
        if (s != VFY_OK)
            return vfy_fail(detail, VFY_E_SM_FORMAT, FIELD,
                            "the response's data objects are malformed at byte %zu", start);
        int rank;
        switch (t.tag) {
        case 0x87: case 0x85: rank = 0; break;
        case 0x99: rank = 2; break;
        case 0x8E: rank = 3; break;
        default: rank = -1; break;
        }
        if (rank < 0 || rank <= last_rank)
            return vfy_fail(detail, VFY_E_SM_FORMAT, FIELD,
                            "unexpected or repeated data object %02X at byte %zu", t.tag, start);
        last_rank = rank;
        size_t vlen = t.value.len;
        const uint8_t *v = t.value.data;
        switch (t.tag) {
        case 0x87:
            if (vlen < 1 || v[0] != 0x01)
                return vfy_fail(detail, VFY_E_SM_FORMAT, FIELD,
                                "DO'87' lacks the padding-indicator byte 01");
            d->crypto = v + 1;
            d->crypto_len = vlen - 1;
            d->has_crypto = true;
            break;
        case 0x85:
            d->crypto = v;
            d->crypto_len = vlen;
            d->has_crypto = true;
            break;
        case 0x99:
            if (vlen != 2)
                return vfy_fail(detail, VFY_E_SM_FORMAT, FIELD, "DO'99' has %zu bytes", vlen);
            d->sw = v;
            d->has_sw = true;
            break;
        case 0x8E:
            if (vlen != VFY_MAC_LEN)
                return vfy_fail(detail, VFY_E_SM_FORMAT, FIELD, "DO'8E' has %zu bytes", vlen);
            d->mac = v;
            d->macced_len = start;
            break;
        }
    }
    if (d->mac == NULL)
        return vfy_fail(detail, VFY_E_SM_REQUIRED, FIELD, "the response carries no MAC (DO'8E')");
    return VFY_OK;
}

vfy_status vfy_sm_unwrap_response(vfy_sm *sm, const uint8_t *resp, size_t resp_len,
                                  uint8_t *data, size_t cap, size_t *data_len, uint16_t *sw,
                                  vfy_detail *detail)
{
    *data_len = 0;
    *sw = 0;
    if (!vfy_sm_active(sm))
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, FIELD, "no secure messaging session");
    ssc_increment(sm);
    size_t body_len;
    uint16_t trailer;
    VFY_TRY(vfy_apdu_response_split(resp, resp_len, &body_len, &trailer, detail));
    if (body_len == 0) {
        if (trailer == VFY_SW_OK || (trailer >> 8) == 0x62)
            return vfy_fail(detail, VFY_E_SM_REQUIRED, FIELD,
                            "the chip answered %04X without secure messaging", trailer);
        *sw = trailer; /* a plain error status: nothing to trust, nothing returned */
        return VFY_OK;
    }
    sm_dos d;
    VFY_TRY(parse_dos(resp, body_len, &d, detail));
    uint8_t mac[VFY_MAC_LEN];
    VFY_TRY(compute_mac(sm, NULL, 0, resp, d.macced_len, mac, detail));
    if (!vfy_equal_ct(mac, d.mac, VFY_MAC_LEN))
        return vfy_fail(detail, VFY_E_SM_MAC, FIELD,
                        "the MAC of the chip's response does not verify: the session is lost "
                        "(wrong keys, a skewed counter or a corrupted response)");
    uint16_t status = d.has_sw ? (uint16_t)((d.sw[0] << 8) | d.sw[1]) : trailer;
    if (d.has_crypto)
        VFY_TRY(decrypt_data(sm, d.crypto, d.crypto_len, data, cap, data_len, detail));
    *sw = status;
    return VFY_OK;
}
