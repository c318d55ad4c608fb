/* APDUs, secure messaging (9303-11 appendix D.4 and AES round trips) and the card channel
 * (GET RESPONSE, Le repeats, 6282 with data, the SSC in step on retries, MAC failures). */
#include <criterion/criterion.h>
#include <string.h>

#include "chip/apdu.h"
#include "chip/channel.h"
#include "chip/sm.h"
#include "chip_vectors.h"
#include "sm_chip.h"
#include "core/fail.h"
#include "support.h"

static void expect_hex(const uint8_t *got, size_t n, const char *hex)
{
    size_t wn;
    uint8_t *want = hex_decode(hex, &wn);
    char *g = hex_encode(got, n);
    cr_expect(wn == n && memcmp(want, got, n) == 0, "got %s want %s", g, hex);
    free(g);
    free(want);
}

Test(apdu, encode_cases_short_and_extended)
{
    uint8_t out[300], data[300];
    size_t n;
    memset(data, 0xAB, sizeof data);
    vfy_apdu c1 = { .ins = 0x84 };
    cr_assert_eq(vfy_apdu_encode(&c1, out, sizeof out, &n, NULL), VFY_OK);
    expect_hex(out, n, "00840000");
    vfy_apdu c2 = { .ins = 0x84, .le = 8 };
    cr_assert_eq(vfy_apdu_encode(&c2, out, sizeof out, &n, NULL), VFY_OK);
    expect_hex(out, n, "0084000008");
    vfy_apdu c2b = { .ins = 0xB0, .le = 256 };
    cr_assert_eq(vfy_apdu_encode(&c2b, out, sizeof out, &n, NULL), VFY_OK);
    expect_hex(out, n, "00b0000000");
    vfy_apdu c2e = { .ins = 0xB0, .le = 65536 };
    cr_assert_eq(vfy_apdu_encode(&c2e, out, sizeof out, &n, NULL), VFY_OK);
    expect_hex(out, n, "00b00000000000");
    vfy_apdu c2x = { .ins = 0xB0, .le = 1000 };
    cr_assert_eq(vfy_apdu_encode(&c2x, out, sizeof out, &n, NULL), VFY_OK);
    expect_hex(out, n, "00b000000003e8");
    vfy_apdu c3 = { .ins = 0xA4, .p1 = 2, .p2 = 0x0C, .data = (const uint8_t *)"\x01\x1e",
                    .data_len = 2 };
    cr_assert_eq(vfy_apdu_encode(&c3, out, sizeof out, &n, NULL), VFY_OK);
    expect_hex(out, n, "00a4020c02011e");
    vfy_apdu c4 = { .ins = 0x86, .data = data, .data_len = 2, .le = 256 };
    cr_assert_eq(vfy_apdu_encode(&c4, out, sizeof out, &n, NULL), VFY_OK);
    expect_hex(out, n, "0086000002abab00");
    vfy_apdu c4e = { .ins = 0x86, .data = data, .data_len = 2, .le = 256, .extended = true };
    cr_assert_eq(vfy_apdu_encode(&c4e, out, sizeof out, &n, NULL), VFY_OK);
    expect_hex(out, n, "00860000000002abab0100");
    vfy_apdu big = { .ins = 0xD6, .data = data, .data_len = 300 };
    cr_assert_eq(vfy_apdu_encode(&big, out, sizeof out, &n, NULL), VFY_E_APDU); /* no room */
    vfy_apdu bad = { .ins = 0xB0, .le = 65537 };
    cr_assert_eq(vfy_apdu_encode(&bad, out, sizeof out, &n, NULL), VFY_E_APDU);
}

Test(apdu, decode_roundtrip_and_rejects)
{
    const char *ok[] = { "00840000", "0084000008", "00b0000000", "00b00000000000",
                         "00a4020c02011e", "0086000002abab00", "00860000000002abab0100",
                         "00b000000003e8" };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        size_t n, m;
        uint8_t *in = hex_decode(ok[i], &n), out[64];
        vfy_apdu a;
        cr_assert_eq(vfy_apdu_decode(in, n, &a, NULL), VFY_OK, "%s", ok[i]);
        cr_assert_eq(vfy_apdu_encode(&a, out, sizeof out, &m, NULL), VFY_OK);
        expect_hex(out, m, ok[i]);
        free(in);
    }
    static const struct { const char *hex; vfy_status want; } bad[] = {
        { "", VFY_E_TRUNCATED }, { "00", VFY_E_TRUNCATED }, { "00a4020c05011e", VFY_E_TRUNCATED },
        { "00a4020c02011e0000", VFY_E_TRAILING_BYTES }, { "008600000000", VFY_E_TRUNCATED },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n;
        uint8_t *in = hex_decode(bad[i].hex, &n);
        vfy_apdu a;
        vfy_detail d;
        vfy_detail_clear(&d);
        vfy_status s = vfy_apdu_decode(in, n, &a, &d);
        cr_expect_eq(s, bad[i].want, "%s: %s", bad[i].hex, vfy_status_name(s));
        free(in);
    }
    cr_assert_str_eq(vfy_sw_name(0x6982), "6982 security status not satisfied");
    cr_assert_str_eq(vfy_sw_name(0x61FF), "61xx more response bytes available");
}

/* Appendix D.4, terminal side and chip side. */
Test(sm, appendix_d4_both_sides)
{
    json_t *v = vec_load("secure_messaging_3des_appendix_d4.json");
    size_t n;
    uint8_t *kenc = vec_hex(v, "ks_enc", &n), *kmac = vec_hex(v, "ks_mac", &n);
    uint8_t *ssc = vec_hex(v, "ssc_initial", &n);
    vfy_sm term = { 0 };
    sm_chip chip;
    cr_assert_eq(vfy_sm_init(&term, VFY_CIPHER_3DES, kenc, kmac, ssc, NULL), VFY_OK);
    cr_assert_eq(sm_chip_open(&chip, VFY_CIPHER_3DES, kenc, kmac, ssc), VFY_OK);
    for (int i = 0; i < 3; i++) {
        char p[64];
        snprintf(p, sizeof p, "exchanges.%d.unprotected_command", i);
        size_t pn;
        uint8_t *plain_bytes = vec_hex(v, p, &pn);
        vfy_apdu plain;
        cr_assert_eq(vfy_apdu_decode(plain_bytes, pn, &plain, NULL), VFY_OK);
        uint8_t prot[300];
        size_t prot_len;
        cr_assert_eq(vfy_sm_wrap_command(&term, &plain, prot, sizeof prot, &prot_len, NULL),
                     VFY_OK);
        snprintf(p, sizeof p, "exchanges.%d.protected_command", i);
        vec_expect(v, p, prot, prot_len);

        /* chip: unwrap the command, answer with the example's data */
        vfy_apdu seen;
        uint8_t buf[300];
        cr_assert_eq(sm_chip_unwrap(&chip, prot, prot_len, &seen, buf, sizeof buf), 0x9000);
        cr_assert_eq(seen.ins, plain.ins);
        cr_assert_eq(seen.le, plain.le);
        cr_assert_eq(seen.data_len, plain.data_len);
        snprintf(p, sizeof p, "exchanges.%d.decrypted_data", i);
        size_t dn;
        uint8_t *answer = vec_hex(v, p, &dn);
        uint8_t rsp[300];
        size_t rsp_len;
        cr_assert_eq(sm_chip_wrap(&chip, seen.ins, answer, dn, 0x9000, rsp, sizeof rsp, &rsp_len),
                     VFY_OK);
        snprintf(p, sizeof p, "exchanges.%d.protected_response", i);
        vec_expect(v, p, rsp, rsp_len);

        uint8_t data[300];
        size_t data_len;
        uint16_t sw;
        cr_assert_eq(vfy_sm_unwrap_response(&term, rsp, rsp_len, data, sizeof data, &data_len,
                                            &sw, NULL), VFY_OK);
        cr_assert_eq(sw, 0x9000);
        snprintf(p, sizeof p, "exchanges.%d.decrypted_data", i);
        vec_expect(v, p, data, data_len);
        free(answer);
        free(plain_bytes);
    }
    vfy_sm_wipe(&term);
    sm_chip_close(&chip);
    cr_assert_null(term.ks_enc.bytes);
    free(kenc);
    free(kmac);
    free(ssc);
    json_decref(v);
}

Test(sm, response_mac_checked_before_data)
{
    json_t *v = vec_load("secure_messaging_3des_appendix_d4.json");
    size_t n;
    uint8_t *kenc = vec_hex(v, "ks_enc", &n), *kmac = vec_hex(v, "ks_mac", &n);
    uint8_t *ssc = vec_hex(v, "ssc_initial", &n);
    size_t rn;
    uint8_t *rsp = vec_hex(v, "exchanges.2.protected_response", &rn);
    /* Every single-byte change of the DOs fails, and never returns data. */
    for (size_t i = 0; i < rn - 2; i++) {
        vfy_sm term = { 0 };
        cr_assert_eq(vfy_sm_init(&term, VFY_CIPHER_3DES, kenc, kmac, ssc, NULL), VFY_OK);
        term.ssc[7] += 5; /* the SSC of the third response minus one */
        rsp[i] ^= 0x01;
        uint8_t data[64];
        size_t len = 99;
        uint16_t sw = 1;
        vfy_detail d;
        vfy_detail_clear(&d);
        vfy_status s = vfy_sm_unwrap_response(&term, rsp, rn, data, sizeof data, &len, &sw, &d);
        /* the structure (a tag or length byte) or else the MAC catches it */
        cr_expect(s == VFY_E_SM_MAC || s == VFY_E_SM_FORMAT || s == VFY_E_SM_REQUIRED,
                  "flipping byte %zu: %s", i, vfy_status_name(s));
        cr_expect_eq(len, 0);
        rsp[i] ^= 0x01;
        vfy_sm_wipe(&term);
    }
    /* Unchanged, with the right SSC, it verifies. */
    vfy_sm term = { 0 };
    cr_assert_eq(vfy_sm_init(&term, VFY_CIPHER_3DES, kenc, kmac, ssc, NULL), VFY_OK);
    term.ssc[7] += 5;
    uint8_t data[64];
    size_t len;
    uint16_t sw;
    cr_assert_eq(vfy_sm_unwrap_response(&term, rsp, rn, data, sizeof data, &len, &sw, NULL),
                 VFY_OK);
    cr_assert_eq(len, 18);
    /* An unprotected 9000 is refused; an unprotected error status comes back without data. */
    const uint8_t ok[2] = { 0x90, 0x00 }, err[2] = { 0x6A, 0x82 };
    cr_assert_eq(vfy_sm_unwrap_response(&term, ok, 2, data, sizeof data, &len, &sw, NULL),
                 VFY_E_SM_REQUIRED);
    cr_assert_eq(vfy_sm_unwrap_response(&term, err, 2, data, sizeof data, &len, &sw, NULL),
                 VFY_OK);
    cr_assert_eq(sw, 0x6A82);
    cr_assert_eq(len, 0);
    vfy_sm_wipe(&term);
    free(rsp);
    free(kenc);
    free(kmac);
    free(ssc);
    json_decref(v);
}

Test(sm, aes_round_trips_every_key_size)
{
    const vfy_cipher cs[] = { VFY_CIPHER_AES128, VFY_CIPHER_AES192, VFY_CIPHER_AES256,
                              VFY_CIPHER_3DES };
    uint8_t kenc[32], kmac[32], payload[1000];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 7);
    memset(kenc, 0x11, sizeof kenc);
    memset(kmac, 0x22, sizeof kmac);
    for (size_t k = 0; k < 4; k++) {
        vfy_sm term = { 0 };
        sm_chip chip;
        cr_assert_eq(vfy_sm_init(&term, cs[k], kenc, kmac, NULL, NULL), VFY_OK);
        cr_assert_eq(sm_chip_open(&chip, cs[k], kenc, kmac, NULL), VFY_OK);
        const size_t sizes[] = { 0, 1, 15, 16, 17, 223, 255, 256, 999 };
        for (size_t j = 0; j < sizeof sizes / sizeof sizes[0]; j++) {
            for (int odd = 0; odd < 2; odd++) {
                vfy_apdu plain = { .ins = odd ? 0xB1 : 0xD6, .data = payload,
                                   .data_len = sizes[j], .le = sizes[j] > 300 ? 1000 : 256 };
                uint8_t prot[1200], buf[1200], rsp[1200], out[1200];
                size_t pl, rl, ol;
                cr_assert_eq(vfy_sm_wrap_command(&term, &plain, prot, sizeof prot, &pl, NULL),
                             VFY_OK);
                vfy_apdu seen;
                cr_assert_eq(sm_chip_unwrap(&chip, prot, pl, &seen, buf, sizeof buf), 0x9000);
                cr_assert_eq(seen.data_len, sizes[j]);
                cr_assert_eq(seen.le, plain.le);
                cr_assert(sizes[j] == 0 || memcmp(seen.data, payload, sizes[j]) == 0);
                cr_assert_eq(sm_chip_wrap(&chip, seen.ins, payload, sizes[j], 0x6282, rsp,
                                          sizeof rsp, &rl), VFY_OK);
                cr_assert_eq(rl, sizes[j] + vfy_sm_response_overhead(cs[k], sizes[j]) + 2 -
                                     (odd && sizes[j] > 0 ? 1 : 0));
                uint16_t sw;
                cr_assert_eq(vfy_sm_unwrap_response(&term, rsp, rl, out, sizeof out, &ol, &sw,
                                                    NULL), VFY_OK);
                cr_assert_eq(sw, 0x6282);
                cr_assert_eq(ol, sizes[j]);
                cr_assert(ol == 0 || memcmp(out, payload, ol) == 0);
            }
        }
        cr_assert_eq(memcmp(term.ssc, sm_chip_ssc(&chip), term.ssc_len), 0);
        /* A skewed counter is caught by the MAC. */
        vfy_apdu plain = { .ins = 0xB0, .le = 4 };
        uint8_t prot[64], buf[64];
        size_t pl;
        cr_assert_eq(vfy_sm_wrap_command(&term, &plain, prot, sizeof prot, &pl, NULL), VFY_OK);
        sm_chip_ssc(&chip)[term.ssc_len - 1] ^= 1;
        vfy_apdu seen;
        cr_assert_eq(sm_chip_unwrap(&chip, prot, pl, &seen, buf, sizeof buf), 0x6988,
                     "a command MACed under another counter is refused with 6988");
        cr_assert(!sm_chip_active(&chip), "and the chip ends the session");
        vfy_sm_wipe(&term);
        sm_chip_close(&chip);
    }
}

/* ---- the channel against a small in-test chip ------------------------------------------ */

typedef struct mini_chip {
    vfy_transport t;
    sm_chip sm;
    uint8_t file[600];
    size_t file_len;
    bool wrong_le_once;      /* first READ BINARY: 6Cxx with the right Le */
    size_t split;            /* > 0: answer in pieces of this size behind 61xx */
    uint8_t pending[1200];
    size_t pending_len, pending_pos;
    unsigned corrupt_response; /* 1-based index of a response to corrupt */
    unsigned responses;
} mini_chip;

static vfy_status chip_answer(mini_chip *c, uint8_t *resp, size_t cap, size_t *len)
{
    size_t left = c->pending_len - c->pending_pos;
    size_t take = c->split > 0 && left > c->split + 2 ? c->split : left;
    if (take > cap)
        return VFY_E_READER_LIMIT;
    memcpy(resp, c->pending + c->pending_pos, take);
    c->pending_pos += take;
    *len = take;
    if (c->pending_pos < c->pending_len) {
        size_t rest = c->pending_len - c->pending_pos;
        resp[take] = 0x61;
        resp[take + 1] = (uint8_t)(rest > 255 ? 0 : rest);
        *len = take + 2;
    }
    return VFY_OK;
}

static vfy_status chip_transmit(vfy_transport *t, const uint8_t *cmd, size_t cmd_len,
                                uint8_t *resp, size_t cap, size_t *resp_len, vfy_detail *detail)
{
    mini_chip *c = (mini_chip *)t;
    if (cmd_len >= 2 && cmd[1] == 0xC0) /* GET RESPONSE */
        return chip_answer(c, resp, cap, resp_len);
    vfy_apdu a;
    uint8_t buf[600];
    if (sm_chip_active(&c->sm)) {
        uint16_t refused = sm_chip_unwrap(&c->sm, cmd, cmd_len, &a, buf, sizeof buf);
        if (refused != 0x9000) {
            resp[0] = (uint8_t)(refused >> 8);
            resp[1] = (uint8_t)refused;
            *resp_len = 2;
            return VFY_OK;
        }
    } else if (vfy_apdu_decode(cmd, cmd_len, &a, detail) != VFY_OK) {
        return VFY_E_APDU;
    }
    uint8_t data[600];
    size_t n = 0;
    uint16_t sw = 0x9000;
    if (a.ins == 0xB0) {
        size_t off = (size_t)((a.p1 << 8) | a.p2);
        size_t avail = off < c->file_len ? c->file_len - off : 0;
        if (c->wrong_le_once && a.le != avail) {
            c->wrong_le_once = false;
            sw = (uint16_t)(0x6C00 | (avail & 0xFF));
        } else {
            n = a.le < avail ? a.le : avail;
            memcpy(data, c->file + off, n);
            sw = n < a.le ? 0x6282 : 0x9000;
        }
    }
    c->responses++;
    if (sm_chip_active(&c->sm)) {
        VFY_TRY(sm_chip_wrap(&c->sm, a.ins, data, n, sw, c->pending, sizeof c->pending,
                             &c->pending_len));
        if (c->responses == c->corrupt_response)
            c->pending[c->pending_len - 4] ^= 0x40;
    } else {
        memcpy(c->pending, data, n);
        c->pending[n] = (uint8_t)(sw >> 8);
        c->pending[n + 1] = (uint8_t)sw;
        c->pending_len = n + 2;
    }
    c->pending_pos = 0;
    return chip_answer(c, resp, cap, resp_len);
}

static void chip_close(vfy_transport *t) { (void)t; }
static const struct vfy_transport_ops chip_ops = { .name = "mini", .transmit = chip_transmit,
                                                   .close = chip_close };

static void mini_init(mini_chip *c, vfy_cipher cipher)
{
    memset(c, 0, sizeof *c);
    c->t.ops = &chip_ops;
    c->t.caps.max_command = 65544;
    c->t.caps.max_response = 65538;
    c->file_len = 500;
    for (size_t i = 0; i < c->file_len; i++)
        c->file[i] = (uint8_t)(i ^ 0x5A);
    if (cipher != VFY_CIPHER_NONE) {
        uint8_t ke[32], km[32];
        memset(ke, 3, sizeof ke);
        memset(km, 4, sizeof km);
        cr_assert_eq(sm_chip_open(&c->sm, cipher, ke, km, NULL), VFY_OK);
    }
}

static void channel_on(vfy_channel *ch, mini_chip *c, vfy_cipher cipher)
{
    cr_assert_eq(vfy_channel_init(ch, &c->t, NULL), VFY_OK);
    if (cipher != VFY_CIPHER_NONE) {
        uint8_t ke[32], km[32];
        memset(ke, 3, sizeof ke);
        memset(km, 4, sizeof km);
        cr_assert_eq(vfy_channel_set_sm(ch, cipher, ke, km, NULL, NULL), VFY_OK);
    }
}

static void read_and_check(vfy_channel *ch, mini_chip *c, size_t off, uint32_t le,
                           size_t want_len, uint16_t want_sw)
{
    vfy_apdu rb = { .ins = 0xB0, .p1 = (uint8_t)(off >> 8), .p2 = (uint8_t)off, .le = le };
    uint8_t data[600];
    size_t n;
    uint16_t sw;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_channel_transmit(ch, &rb, data, sizeof data, &n, &sw, &d), VFY_OK, "%s",
                 d.message);
    cr_assert_eq(sw, want_sw, "sw %04X", sw);
    cr_assert_eq(n, want_len);
    cr_assert_eq(memcmp(data, c->file + off, n), 0);
}

Test(channel, get_response_plain_and_sm)
{
    const vfy_cipher cs[] = { VFY_CIPHER_NONE, VFY_CIPHER_3DES, VFY_CIPHER_AES128 };
    for (size_t k = 0; k < 3; k++) {
        mini_chip c;
        vfy_channel ch;
        mini_init(&c, cs[k]);
        c.split = 40;
        channel_on(&ch, &c, cs[k]);
        read_and_check(&ch, &c, 0, 200, 200, 0x9000);
        read_and_check(&ch, &c, 200, 256, 256, 0x9000);
        cr_assert_gt(ch.get_responses, 8);
        /* the last block: 6282 with data */
        read_and_check(&ch, &c, 456, 119, 44, 0x6282);
        if (cs[k] != VFY_CIPHER_NONE)
            cr_assert_eq(memcmp(ch.sm.ssc, sm_chip_ssc(&c.sm), ch.sm.ssc_len), 0, "SSC out of step");
        vfy_channel_free(&ch);
        sm_chip_close(&c.sm);
    }
}

Test(channel, wrong_le_repeat_keeps_ssc_in_step)
{
    const vfy_cipher cs[] = { VFY_CIPHER_NONE, VFY_CIPHER_3DES, VFY_CIPHER_AES256 };
    for (size_t k = 0; k < 3; k++) {
        mini_chip c;
        vfy_channel ch;
        mini_init(&c, cs[k]);
        c.wrong_le_once = true;
        channel_on(&ch, &c, cs[k]);
        uint64_t before = c.t.stats.apdus;
        read_and_check(&ch, &c, 480, 100, 20, 0x9000);
        cr_assert_eq(ch.le_repeats, 1);
        cr_assert_eq(c.t.stats.apdus - before, 2);
        /* the next exchange still verifies: the counter stayed in step */
        read_and_check(&ch, &c, 0, 16, 16, 0x9000);
        vfy_channel_free(&ch);
        sm_chip_close(&c.sm);
    }
}

Test(channel, corrupted_response_is_a_typed_error_without_data)
{
    mini_chip c;
    vfy_channel ch;
    mini_init(&c, VFY_CIPHER_AES128);
    c.corrupt_response = 2;
    channel_on(&ch, &c, VFY_CIPHER_AES128);
    read_and_check(&ch, &c, 0, 16, 16, 0x9000);
    vfy_apdu rb = { .ins = 0xB0, .le = 16 };
    uint8_t data[64];
    memset(data, 0, sizeof data);
    size_t n = 77;
    uint16_t sw;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_channel_transmit(&ch, &rb, data, sizeof data, &n, &sw, &d), VFY_E_SM_MAC);
    cr_assert_eq(n, 0);
    for (size_t i = 0; i < sizeof data; i++)
        cr_assert_eq(data[i], 0, "data written before the MAC verified");
    cr_assert(strstr(d.message, "MAC") != NULL, "%s", d.message);
    vfy_channel_free(&ch);
    sm_chip_close(&c.sm);
}

Test(channel, appendix_d4_replay)
{
    json_t *v = vec_load("secure_messaging_3des_appendix_d4.json");
    fake_transport f;
    fake_init(&f, false);
    for (int i = 0; i < 3; i++) {
        char pc[64], pr[64];
        snprintf(pc, sizeof pc, "exchanges.%d.protected_command", i);
        snprintf(pr, sizeof pr, "exchanges.%d.protected_response", i);
        fake_add_hex(&f, vec_str(v, pc), vec_str(v, pr));
    }
    size_t n;
    uint8_t *kenc = vec_hex(v, "ks_enc", &n), *kmac = vec_hex(v, "ks_mac", &n);
    uint8_t *ssc = vec_hex(v, "ssc_initial", &n);
    vfy_channel ch;
    cr_assert_eq(vfy_channel_init(&ch, &f.t, NULL), VFY_OK);
    cr_assert_eq(vfy_channel_set_sm(&ch, VFY_CIPHER_3DES, kenc, kmac, ssc, NULL), VFY_OK);
    uint8_t com[32], part[32];
    size_t len;
    vfy_apdu sel = { .ins = 0xA4, .p1 = 2, .p2 = 0x0C, .data = (const uint8_t *)"\x01\x1e",
                     .data_len = 2 };
    cr_assert_eq(vfy_channel_transmit_ok(&ch, &sel, "SELECT EF.COM", part, sizeof part, &len,
                                         NULL), VFY_OK);
    vfy_apdu rb = { .ins = 0xB0, .le = 4 };
    cr_assert_eq(vfy_channel_transmit_ok(&ch, &rb, "READ BINARY", com, sizeof com, &len, NULL),
                 VFY_OK);
    vfy_apdu rb2 = { .ins = 0xB0, .p2 = 4, .le = 18 };
    cr_assert_eq(vfy_channel_transmit_ok(&ch, &rb2, "READ BINARY", com + 4, sizeof com - 4,
                                         &len, NULL), VFY_OK);
    vec_expect(v, "resulting_ef_com", com, 22);
    cr_assert_eq(f.mismatches, 0, "%s", f.first_mismatch);
    cr_assert_eq(f.t.stats.apdus, 3);
    vfy_channel_free(&ch);
    fake_free(&f);
    free(kenc);
    free(kmac);
    free(ssc);
    json_decref(v);
}
