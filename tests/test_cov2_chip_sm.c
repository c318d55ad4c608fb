/*
 * Coverage of issue 12 for chip/sm.c and chip/channel.c: secure-messaging responses
 * (ICAO 9303-11 §9.8) whose MAC verifies but whose content is wrong — a cryptogram that is
 * not whole AES blocks, a plaintext without ISO/IEC 7816-4 padding, more data than the
 * caller's buffer — a DO'8E' of the wrong length, calls without a session, commands too
 * long to protect, allocation failures, a chip answering 61xx forever and a plain answer
 * longer than asked for. The protected responses are built here with OpenSSL (AES-128
 * CBC with IV = E(KS_enc, SSC), AES-CMAC over pad(SSC || DOs)), independently of sm.c.
 */
#include <criterion/criterion.h>
#include <openssl/evp.h>
#include <string.h>

#include "chip/apdu.h"
#include "chip/channel.h"
#include "chip/sm.h"
#include "faults.h"
#include "support.h"

static const uint8_t KENC[16] = { 0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
                                  0x98, 0xA9, 0xBA, 0xCB, 0xDC, 0xED, 0xFE, 0x0F };
static const uint8_t KMAC[16] = { 0xF0, 0xE1, 0xD2, 0xC3, 0xB4, 0xA5, 0x96, 0x87,
                                  0x78, 0x69, 0x5A, 0x4B, 0x3C, 0x2D, 0x1E, 0x0F };

/* The SSC after the terminal's unwrap increment: 00..01. */
static void ssc_one(uint8_t ssc[16])
{
    memset(ssc, 0, 16);
    ssc[15] = 1;
}

static void cmac8(const uint8_t *data, size_t len, uint8_t mac[8])
{
    uint8_t buf[512], full[16];
    uint8_t ssc[16];
    ssc_one(ssc);
    memcpy(buf, ssc, 16);
    memcpy(buf + 16, data, len);
    size_t n = 16 + len;
    buf[n++] = 0x80;
    while (n % 16)
        buf[n++] = 0;
    EVP_MAC *m = EVP_MAC_fetch(NULL, "CMAC", NULL);
    EVP_MAC_CTX *c = EVP_MAC_CTX_new(m);
    OSSL_PARAM p[] = { OSSL_PARAM_construct_utf8_string("cipher", "AES-128-CBC", 0),
                       OSSL_PARAM_construct_end() };
    size_t ol;
    cr_assert_eq(EVP_MAC_init(c, KMAC, 16, p), 1);
    cr_assert_eq(EVP_MAC_update(c, buf, n), 1);
    cr_assert_eq(EVP_MAC_final(c, full, &ol, 16), 1);
    EVP_MAC_CTX_free(c);
    EVP_MAC_free(m);
    memcpy(mac, full, 8);
}

/* AES-128-CBC of len bytes (a multiple of 16, no padding added) with IV = E(KS_enc, SSC). */
static void encrypt(const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t ssc[16], iv[16];
    ssc_one(ssc);
    int n = 0, f = 0;
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    cr_assert_eq(EVP_EncryptInit_ex(x, EVP_aes_128_ecb(), NULL, KENC, NULL), 1);
    EVP_CIPHER_CTX_set_padding(x, 0);
    cr_assert_eq(EVP_EncryptUpdate(x, iv, &n, ssc, 16), 1);
    cr_assert_eq(EVP_EncryptInit_ex(x, EVP_aes_128_cbc(), NULL, KENC, iv), 1);
    EVP_CIPHER_CTX_set_padding(x, 0);
    cr_assert_eq(EVP_EncryptUpdate(x, out, &n, in, (int)len), 1);
    cr_assert_eq(EVP_EncryptFinal_ex(x, out + n, &f), 1);
    cr_assert_eq((size_t)(n + f), len);
    EVP_CIPHER_CTX_free(x);
}

/* 87 (01 || ct) 99 (9000) 8E (mac) 90 00, with a valid MAC. */
static size_t response(const uint8_t *ct, size_t ct_len, uint8_t *out)
{
    size_t n = 0;
    out[n++] = 0x87;
    out[n++] = (uint8_t)(ct_len + 1);
    out[n++] = 0x01;
    memcpy(out + n, ct, ct_len);
    n += ct_len;
    static const uint8_t do99[4] = { 0x99, 0x02, 0x90, 0x00 };
    memcpy(out + n, do99, 4);
    n += 4;
    out[n++] = 0x8E;
    out[n++] = 0x08;
    cmac8(out, n - 2, out + n);
    n += 8;
    out[n++] = 0x90;
    out[n++] = 0x00;
    return n;
}

static void session(vfy_sm *sm)
{
    memset(sm, 0, sizeof *sm);
    cr_assert_eq(vfy_sm_init(sm, VFY_CIPHER_AES128, KENC, KMAC, NULL, NULL), VFY_OK);
}

static vfy_status unwrap(const uint8_t *resp, size_t n, uint8_t *data, size_t cap, size_t *len,
                         uint16_t *sw, vfy_detail *d)
{
    vfy_sm sm;
    session(&sm);
    vfy_detail_clear(d);
    vfy_status s = vfy_sm_unwrap_response(&sm, resp, n, data, cap, len, sw, d);
    vfy_sm_wipe(&sm);
    return s;
}

Test(cov2_chip_sm, a_good_response_built_here_unwraps)
{
    /* The builder agrees with sm.c on a correct response: "HELLO" padded to one block. */
    uint8_t plain[16] = { 'H', 'E', 'L', 'L', 'O', 0x80 }, ct[16], resp[64], data[32];
    encrypt(plain, 16, ct);
    size_t n = response(ct, 16, resp), len;
    uint16_t sw;
    vfy_detail d;
    cr_assert_eq(unwrap(resp, n, data, sizeof data, &len, &sw, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(len, 5);
    cr_assert_eq(memcmp(data, "HELLO", 5), 0);
    cr_assert_eq(sw, 0x9000);
    /* The same into a 4-byte buffer: the data does not fit. */
    cr_assert_eq(unwrap(resp, n, data, 4, &len, &sw, &d), VFY_E_LIMIT);
    cr_assert_eq(len, 0);
}

Test(cov2_chip_sm, authentic_but_malformed_cryptograms)
{
    uint8_t resp[64], data[32];
    size_t len;
    uint16_t sw;
    vfy_detail d;
    /* A 5-byte cryptogram: not a whole number of 16-byte blocks. */
    static const uint8_t five[5] = { 1, 2, 3, 4, 5 };
    size_t n = response(five, 5, resp);
    cr_assert_eq(unwrap(resp, n, data, sizeof data, &len, &sw, &d), VFY_E_SM_FORMAT);
    cr_assert(strstr(d.message, "5 bytes is not a whole number") != NULL, "%s", d.message);
    /* A block that decrypts to 16 x 41: no 80 00.. padding. */
    uint8_t plain[16], ct[16];
    memset(plain, 0x41, sizeof plain);
    encrypt(plain, 16, ct);
    n = response(ct, 16, resp);
    cr_assert_eq(unwrap(resp, n, data, sizeof data, &len, &sw, &d), VFY_E_SM_FORMAT);
    cr_assert(strstr(d.message, "padding") != NULL, "%s", d.message);
    /* DO'8E' of 4 bytes. */
    size_t h;
    uint8_t *bad = hex_decode("990290008e04010203049000", &h);
    cr_assert_eq(unwrap(bad, h, data, sizeof data, &len, &sw, &d), VFY_E_SM_FORMAT);
    cr_assert(strstr(d.message, "DO'8E' has 4 bytes") != NULL, "%s", d.message);
    free(bad);
}

Test(cov2_chip_sm, no_session_no_cipher_and_too_long)
{
    vfy_sm sm = { 0 };
    vfy_detail d;
    uint8_t out[64], data[8];
    size_t n;
    uint16_t sw;
    vfy_apdu rb = { .ins = 0xB0, .le = 4 };
    cr_assert_eq(vfy_sm_wrap_command(&sm, &rb, out, sizeof out, &n, &d), VFY_E_INVALID_ARGUMENT);
    static const uint8_t r[2] = { 0x90, 0x00 };
    cr_assert_eq(vfy_sm_unwrap_response(&sm, r, 2, data, sizeof data, &n, &sw, &d),
                 VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_sm_init(&sm, VFY_CIPHER_NONE, KENC, KMAC, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_not(vfy_sm_active(&sm));
    vfy_sm_wipe(NULL);
    session(&sm);
    vfy_apdu big = { .ins = 0xD6, .data = KENC, .data_len = VFY_APDU_MAX_DATA - 63 };
    cr_assert_eq(vfy_sm_wrap_command(&sm, &big, out, sizeof out, &n, &d), VFY_E_APDU);
    vfy_apdu le = { .ins = 0xB0, .le = VFY_APDU_LE_EXT_MAX + 1 };
    cr_assert_eq(vfy_sm_wrap_command(&sm, &le, out, sizeof out, &n, &d), VFY_E_APDU);
    vfy_sm_wipe(&sm);
}

Test(cov2_chip_sm, out_of_memory)
{
    vfy_sm sm = { 0 };
    vfy_detail d;
    bool fired;
    /* vfy_sm_init: the second guarded allocation (KS_mac) fails; nothing stays. */
    fault_arm(2);
    fault_enter();
    vfy_status s = vfy_sm_init(&sm, VFY_CIPHER_AES128, KENC, KMAC, NULL, &d);
    fault_leave();
    fault_disarm(&fired);
    cr_assert(fired);
    cr_assert_eq(s, VFY_E_NO_MEMORY);
    cr_assert_not(vfy_sm_active(&sm));
    cr_assert_null(sm.ks_enc.bytes);
    /* Wrapping: the body buffer is the first allocation. */
    session(&sm);
    uint8_t out[64];
    size_t n;
    vfy_apdu rb = { .ins = 0xB0, .le = 4 };
    fault_arm(1);
    fault_enter();
    s = vfy_sm_wrap_command(&sm, &rb, out, sizeof out, &n, &d);
    fault_leave();
    fault_disarm(&fired);
    cr_assert(fired);
    cr_assert_eq(s, VFY_E_NO_MEMORY);
    vfy_sm_wipe(&sm);
    /* Unwrapping: every allocation (the MAC buffer, OpenSSL's CMAC and AES contexts, the
     * decryption buffer) failed in turn: an error (VFY_E_NO_MEMORY for the library's own
     * buffers, VFY_E_CRYPTO for OpenSSL's) or, where OpenSSL absorbs it, the right data. */
    uint8_t plain[16] = { 'O', 'K', 0x80 }, ct[16], resp[64], data[16];
    encrypt(plain, 16, ct);
    size_t rn = response(ct, 16, resp), len;
    uint16_t sw;
    session(&sm);
    fault_arm(0);
    fault_enter();
    s = vfy_sm_unwrap_response(&sm, resp, rn, data, sizeof data, &len, &sw, &d);
    fault_leave();
    unsigned long total = fault_disarm(&fired);
    vfy_sm_wipe(&sm);
    cr_assert_eq(s, VFY_OK, "%s", d.message);
    bool decrypt_buffer = false;
    for (unsigned long nth = 1; nth <= total; nth++) {
        session(&sm);
        vfy_detail_clear(&d);
        fault_arm(nth);
        fault_enter();
        s = vfy_sm_unwrap_response(&sm, resp, rn, data, sizeof data, &len, &sw, &d);
        fault_leave();
        fault_disarm(&fired);
        vfy_sm_wipe(&sm);
        if (s == VFY_OK) {
            cr_assert_eq(len, 2, "allocation %lu", nth);
            cr_assert_eq(memcmp(data, "OK", 2), 0);
            continue;
        }
        cr_assert(s == VFY_E_NO_MEMORY || s == VFY_E_CRYPTO, "allocation %lu: %s", nth,
                  vfy_status_name(s));
        cr_assert_eq(len, 0);
        if (strstr(d.message, "no memory to decrypt") != NULL)
            decrypt_buffer = true;
    }
    cr_assert(decrypt_buffer, "the decryption buffer's allocation was failed");
}

/* ---- the channel ---- */

typedef struct loop_chip {
    vfy_transport t;
    unsigned calls;
    size_t answer_len; /* data bytes per answer */
    uint16_t sw;
} loop_chip;

static vfy_status loop_transmit(vfy_transport *t, const uint8_t *cmd, size_t cmd_len,
                                uint8_t *resp, size_t cap, size_t *resp_len, vfy_detail *detail)
{
    (void)cmd;
    (void)cmd_len;
    (void)detail;
    loop_chip *c = (loop_chip *)t;
    c->calls++;
    cr_assert_leq(c->answer_len + 2, cap);
    memset(resp, 0xAB, c->answer_len);
    resp[c->answer_len] = (uint8_t)(c->sw >> 8);
    resp[c->answer_len + 1] = (uint8_t)c->sw;
    *resp_len = c->answer_len + 2;
    return VFY_OK;
}

static void loop_close(vfy_transport *t) { (void)t; }
static const struct vfy_transport_ops loop_ops = { .name = "loop", .transmit = loop_transmit,
                                                   .close = loop_close };

Test(cov2_chip_sm, chip_answering_61xx_forever)
{
    loop_chip c = { .t = { .ops = &loop_ops, .caps = { 261, 258, false } }, .answer_len = 255, .sw = 0x6100 };
    vfy_channel ch;
    cr_assert_eq(vfy_channel_init(&ch, &c.t, NULL), VFY_OK);
    uint8_t data[16];
    size_t n;
    uint16_t sw;
    vfy_detail d = { 0 };
    vfy_apdu rb = { .ins = 0xB0, .le = 16 };
    cr_assert_eq(vfy_channel_transmit(&ch, &rb, data, sizeof data, &n, &sw, &d), VFY_E_CHIP_PROTOCOL);
    cr_assert(strstr(d.message, "keeps answering 61xx") != NULL, "%s", d.message);
    cr_assert_gt(c.calls, 2);
    cr_assert_leq(c.calls, 513);
    vfy_channel_free(&ch);
}

Test(cov2_chip_sm, plain_answer_longer_than_asked)
{
    loop_chip c = { .t = { .ops = &loop_ops, .caps = { 261, 258, false } }, .answer_len = 20, .sw = 0x9000 };
    vfy_channel ch;
    cr_assert_eq(vfy_channel_init(&ch, &c.t, NULL), VFY_OK);
    uint8_t data[16];
    size_t n;
    uint16_t sw;
    vfy_detail d = { 0 };
    vfy_apdu rb = { .ins = 0xB0, .le = 16 };
    cr_assert_eq(vfy_channel_transmit(&ch, &rb, data, sizeof data, &n, &sw, &d), VFY_E_LIMIT);
    cr_assert(strstr(d.message, "20 bytes, more than the 16") != NULL, "%s", d.message);
    cr_assert_eq(c.calls, 1);
    vfy_channel_free(&ch);
}
