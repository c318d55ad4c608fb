/* The chip's side of secure messaging (ICAO 9303-11 §9.8): it unwraps protected
 * commands (DO'87 or DO'85 for odd instructions, DO'97, DO'8E) and wraps its answers
 * (DO'87/DO'85, DO'99, DO'8E), 3DES with the retail MAC or AES with CMAC and the IV
 * E(KSenc, SSC). The primitives come from libverify/crypto; the framing is the chip's own. */
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/fail.h"
#include "core/writer.h"
#include "crypto/crypto.h"
#include "sim/sim_internal.h"

static vfy_cipher cipher_of(const struct sim_sm *sm)
{
    if (sm->cipher == SIM_SM_3DES)
        return VFY_CIPHER_3DES;
    return sm->key_len == 16 ? VFY_CIPHER_AES128
                             : sm->key_len == 24 ? VFY_CIPHER_AES192 : VFY_CIPHER_AES256;
}

static size_t block_of(const struct sim_sm *sm)
{
    return sm->cipher == SIM_SM_3DES ? 8 : 16;
}

static const uint8_t *kenc(const struct sim_sm *sm)
{
    return sm->keys;
}

static const uint8_t *kmac(const struct sim_sm *sm)
{
    return sm->keys + sm->key_len;
}

static void ssc_increment(struct sim_sm *sm)
{
    size_t n = block_of(sm);
    for (size_t i = n; i-- > 0;)
        if (++sm->ssc[i] != 0)
            break;
}

void sim_sm_skip(struct sim_sm *sm, unsigned n)
{
    while (n-- > 0)
        ssc_increment(sm);
}

void sim_sm_close(struct sim_sm *sm)
{
    vfy_secret s = { .bytes = sm->keys, .len = 2 * sm->key_len };
    vfy_secret_free(&s);
    vfy_wipe(sm, sizeof *sm);
    sm->cipher = SIM_SM_NONE;
}

vfy_status sim_sm_open(struct sim_sm *sm, enum sim_sm_cipher cipher, const uint8_t *enc,
                       const uint8_t *mac, size_t key_len, const uint8_t *ssc)
{
    sim_sm_close(sm);
    vfy_secret s = { 0 };
    VFY_TRY(vfy_secret_alloc(&s, 2 * key_len, NULL));
    memcpy(s.bytes, enc, key_len);
    memcpy(s.bytes + key_len, mac, key_len);
    sm->keys = s.bytes;
    sm->key_len = key_len;
    sm->cipher = cipher;
    memcpy(sm->ssc, ssc, cipher == SIM_SM_3DES ? 8 : 16);
    return VFY_OK;
}

/* The IV of a cryptogram: zero for 3DES, E(KSenc, SSC) for AES. */
static vfy_status iv_of(const struct sim_sm *sm, uint8_t iv[16])
{
    memset(iv, 0, 16);
    if (sm->cipher == SIM_SM_3DES)
        return VFY_OK;
    return vfy_ecb_encrypt(cipher_of(sm), kenc(sm), sm->ssc, 16, iv, NULL);
}

/* MAC over pad(SSC || data): data already holds the padded header and the DOs. */
static vfy_status mac_over(const struct sim_sm *sm, const uint8_t *data, size_t len,
                           uint8_t mac[VFY_MAC_LEN])
{
    size_t b = block_of(sm);
    size_t cap = b + len + b;
    uint8_t *buf = malloc(cap);
    if (buf == NULL)
        return VFY_E_NO_MEMORY;
    memcpy(buf, sm->ssc, b);
    memcpy(buf + b, data, len);
    size_t padded;
    vfy_status s = vfy_pad(buf, b + len, cap, b, &padded, NULL);
    if (s == VFY_OK)
        s = vfy_mac8(cipher_of(sm), kmac(sm), buf, padded, mac, NULL);
    free(buf);
    return s;
}

uint16_t sim_sm_unwrap(struct sim_sm *sm, const struct sim_apdu *a, struct sim_apdu *inner,
                       uint8_t *buf, size_t cap)
{
    if (sm->cipher == SIM_SM_NONE)
        return SW_SM_NOT_SUPPORTED;
    size_t b = block_of(sm);
    ssc_increment(sm);
    vfy_cursor c;
    vfy_cur_init(&c, a->data, a->lc, "protected command", NULL);
    const uint8_t *crypt = NULL, *le_do = NULL, *mac = NULL;
    size_t crypt_len = 0, le_len = 0, macced_end = 0;
    bool odd_do = false;
    while (!vfy_cur_at_end(&c)) {
        size_t start = c.pos;
        uint32_t tag;
        bool constructed, indefinite;
        size_t len;
        const uint8_t *v;
        if (vfy_cur_ber_tag(&c, &tag, &constructed) != VFY_OK ||
            vfy_cur_ber_length(&c, false, false, &len, &indefinite) != VFY_OK ||
            vfy_cur_bytes(&c, len, &v) != VFY_OK)
            goto bad_do;
        (void)start;
        if ((tag == 0x87 || tag == 0x85) && crypt == NULL && le_do == NULL && mac == NULL) {
            crypt = v;
            crypt_len = len;
            odd_do = tag == 0x85;
            macced_end = c.pos;
        } else if (tag == 0x97 && le_do == NULL && mac == NULL) {
            if (len > 2)
                goto bad_do;
            le_do = v;
            le_len = len;
            macced_end = c.pos;
        } else if (tag == 0x8E && mac == NULL && len == VFY_MAC_LEN) {
            mac = v;
        } else {
            goto bad_do;
        }
    }
    if (mac == NULL) {
        sim_sm_close(sm);
        return SW_SM_MISSING_DO;
    }
    /* N = pad(CLA' INS P1 P2) || DOs, MAC over pad(SSC || N) */
    uint8_t *n = buf;
    if (cap < b + macced_end + 2 * b)
        goto bad_do;
    n[0] = a->cla | 0x0C;
    n[1] = a->ins;
    n[2] = a->p1;
    n[3] = a->p2;
    size_t hl;
    if (vfy_pad(n, 4, cap, b, &hl, NULL) != VFY_OK)
        goto bad_do;
    memcpy(n + hl, a->data, macced_end);
    uint8_t want[VFY_MAC_LEN];
    if (mac_over(sm, n, hl + macced_end, want) != VFY_OK || !vfy_equal_ct(want, mac, VFY_MAC_LEN)) {
        sim_sm_close(sm);
        return SW_SM_BAD_DO;
    }
    *inner = (struct sim_apdu){ .cla = (uint8_t)(a->cla & ~0x0C), .ins = a->ins, .p1 = a->p1,
                                .p2 = a->p2 };
    if (le_do != NULL) {
        size_t le = le_len == 0 ? 0 : le_len == 1 ? le_do[0] : (size_t)(le_do[0] << 8 | le_do[1]);
        inner->le = le != 0 ? le : le_len == 1 ? 256 : 65536;
        inner->extended = le_len == 2;
    }
    if (crypt != NULL) {
        const uint8_t *ct = crypt;
        size_t ct_len = crypt_len;
        if (!odd_do) {
            if (ct_len < 1 || ct[0] != 0x01)
                goto bad_do;
            ct++;
            ct_len--;
        }
        if (ct_len == 0 || ct_len % b != 0 || ct_len > cap)
            goto bad_do;
        uint8_t iv[16];
        size_t plain;
        if (iv_of(sm, iv) != VFY_OK ||
            vfy_cbc_decrypt(cipher_of(sm), kenc(sm), iv, ct, ct_len, buf, NULL) != VFY_OK ||
            vfy_unpad(buf, ct_len, b, &plain, NULL) != VFY_OK)
            goto bad_do;
        inner->data = buf;
        inner->lc = plain;
        if (plain > 255)
            inner->extended = true;
    }
    return SW_OK;
bad_do:
    sim_sm_close(sm);
    return SW_SM_BAD_DO;
}

vfy_status sim_sm_wrap(struct sim_sm *sm, struct sim_resp *r, bool odd_ins, bool corrupt_mac)
{
    size_t b = block_of(sm);
    ssc_increment(sm);
    size_t padded_cap = r->len + b, out_cap = padded_cap + 32;
    uint8_t *out = malloc(out_cap);
    uint8_t *plain = malloc(padded_cap);
    if (out == NULL || plain == NULL) {
        free(out);
        free(plain);
        return VFY_E_NO_MEMORY;
    }
    vfy_writer w;
    vfy_w_init(&w, out, out_cap);
    vfy_status s = VFY_OK;
    if (r->len > 0) {
        memcpy(plain, r->data, r->len);
        size_t padded;
        uint8_t iv[16];
        s = vfy_pad(plain, r->len, padded_cap, b, &padded, NULL);
        if (s == VFY_OK)
            s = iv_of(sm, iv);
        if (s == VFY_OK) {
            /* DO'87' carries the padding indicator 01; DO'85' (odd instructions) does not. */
            vfy_w_ber_tl(&w, odd_ins ? 0x85 : 0x87, padded + (odd_ins ? 0 : 1));
            if (!odd_ins)
                vfy_w_u8(&w, 0x01);
            uint8_t *ct = vfy_w_claim(&w, padded);
            s = ct == NULL ? VFY_E_INTERNAL
                           : vfy_cbc_encrypt(cipher_of(sm), kenc(sm), iv, plain, padded, ct, NULL);
        }
    }
    vfy_w_ber_tl(&w, 0x99, 2);
    vfy_w_u16be(&w, r->sw);
    uint8_t mac[VFY_MAC_LEN];
    if (s == VFY_OK)
        s = mac_over(sm, out, vfy_w_len(&w), mac);
    if (s == VFY_OK) {
        if (corrupt_mac)
            mac[VFY_MAC_LEN - 1] ^= 0x01;
        vfy_w_ber_tl(&w, 0x8E, VFY_MAC_LEN);
        vfy_w_bytes(&w, mac, VFY_MAC_LEN);
        size_t n;
        s = vfy_w_finish(&w, &n, VFY_E_INTERNAL, "SM response", NULL);
        if (s == VFY_OK && n > SIM_RESP_MAX)
            s = VFY_E_INTERNAL;
        if (s == VFY_OK) {
            r->len = n;
            memcpy(r->data, out, n);
        }
    }
    vfy_wipe(plain, padded_cap);
    free(plain);
    free(out);
    return s;
}

size_t sim_sm_wrapped_len(const struct sim_sm *sm, size_t plain, bool odd_ins)
{
    size_t n = 4 + 2 + VFY_MAC_LEN;   /* DO'99 and DO'8E */
    if (plain == 0)
        return n;
    size_t b = block_of(sm);
    size_t v = (plain / b + 1) * b + (odd_ins ? 0 : 1);
    return n + 1 + (v < 0x80 ? 1 : v < 0x100 ? 2 : 3) + v;
}
