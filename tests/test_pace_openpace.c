/* PACE against an independent chip: OpenPACE (libeac, BSI TR-03110) plays the chip
 * in-process behind a transport; the terminal under test runs PACE against it, then reads
 * through secure messaging that OpenPACE verifies, decrypts, encrypts and MACs. */
#include <criterion/criterion.h>
#include <eac/eac.h>
#include <eac/objects.h>
#include <eac/pace.h>
#include <openssl/asn1.h>
#include <openssl/buffer.h>
#include <openssl/objects.h>
#include <string.h>

#include "chip/apdu.h"
#include "chip/cardaccess.h"
#include "chip/pace.h"
#include "core/tlv.h"
#include "core/writer.h"
#include "crypto/crypto.h"
#include "transport.h"

static const uint8_t FILE_DATA[20] = "OpenPACE chip data!";

typedef struct op_chip {
    vfy_transport t;
    EAC_CTX *ctx;
    PACE_SEC *pi;
    BUF_MEM *pcd_eph;
    int step;
    bool sm;
    unsigned sm_commands;
    size_t secret_len; /* OpenPACE's shared secret K as it keeps it */
} op_chip;

static BUF_MEM *buf_of(const void *d, size_t n)
{
    BUF_MEM *b = BUF_MEM_new();
    if (b != NULL && BUF_MEM_grow(b, n) == n) {
        memcpy(b->data, d, n);
        return b;
    }
    BUF_MEM_free(b);
    return NULL;
}

static void put(uint8_t *resp, size_t *len, uint16_t sw)
{
    resp[(*len)++] = (uint8_t)(sw >> 8);
    resp[(*len)++] = (uint8_t)sw;
}

/* Answers 7C { tag value } + 9000 and frees value. */
static void answer_7c(uint8_t *resp, size_t cap, size_t *len, uint8_t tag, BUF_MEM *value)
{
    size_t vl = value != NULL ? value->length : 0;
    vfy_writer w;
    vfy_w_init(&w, resp, cap);
    size_t dad = vfy_w_ber_open(&w, 0x7C);
    vfy_w_ber_tl(&w, tag, vl);
    vfy_w_bytes(&w, vl > 0 ? value->data : NULL, vl);
    vfy_w_ber_close(&w, dad);
    BUF_MEM_free(value);
    cr_assert_eq(vfy_w_finish(&w, len, VFY_E_INTERNAL, "answer", NULL), VFY_OK);
    put(resp, len, 0x9000);
}

static bool inner_do(const vfy_apdu *a, uint8_t tag, BUF_MEM **out)
{
    vfy_tlv t, c;
    if (vfy_tlv_parse_one(a->data, a->data_len, 0, "7C", NULL, &t) != VFY_OK)
        return false;
    if (vfy_tlv_child(&t, tag, 0, &c) != VFY_OK)
        return false;
    *out = buf_of(c.value.data, c.value.len);
    return *out != NULL;
}

static void sm_command(op_chip *c, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                       size_t *len)
{
    vfy_apdu a;
    *len = 0;
    cr_assert_eq(vfy_apdu_decode(cmd, cmd_len, &a, NULL), VFY_OK);
    cr_assert_eq(a.cla & 0x0C, 0x0C, "the terminal sent a plain command under SM");
    vfy_cursor cur;
    vfy_cur_init(&cur, a.data, a.data_len, "sm", NULL);
    const uint8_t *ct = NULL, *mac = NULL;
    size_t ct_len = 0, macced = 0;
    while (!vfy_cur_at_end(&cur)) {
        size_t start = cur.pos;
        vfy_tlv t;
        cr_assert_eq(vfy_tlv_next(&cur, 0, &t), VFY_OK);
        if (t.tag == 0x87) {
            ct = t.value.data + 1;
            ct_len = t.value.len - 1;
        } else if (t.tag == 0x8E) {
            mac = t.value.data;
            macced = start;
        }
    }
    cr_assert_not_null(mac);
    EAC_increment_ssc(c->ctx);
    /* MAC input: pad(pad(header) || DOs); OpenPACE prepends the SSC itself */
    uint8_t hdr[4] = { a.cla, a.ins, a.p1, a.p2 };
    BUF_MEM *h = buf_of(hdr, 4), *ph = EAC_add_iso_pad(c->ctx, h);
    uint8_t tmp[600];
    memcpy(tmp, ph->data, ph->length);
    memcpy(tmp + ph->length, a.data, macced);
    BUF_MEM *m = buf_of(tmp, ph->length + macced), *pm = EAC_add_iso_pad(c->ctx, m);
    BUF_MEM *mb = buf_of(mac, 8);
    int ok = EAC_verify_authentication(c->ctx, pm, mb);
    BUF_MEM_free(h);
    BUF_MEM_free(ph);
    BUF_MEM_free(m);
    BUF_MEM_free(pm);
    BUF_MEM_free(mb);
    if (ok != 1) {
        put(resp, len, 0x6988);
        return;
    }
    if (ct != NULL) {
        BUF_MEM *cb = buf_of(ct, ct_len), *pt = EAC_decrypt(c->ctx, cb);
        BUF_MEM *up = EAC_remove_iso_pad(pt);
        cr_assert(a.ins != 0xA4 || (up->length == 2 && memcmp(up->data, "\x01\x1e", 2) == 0));
        BUF_MEM_free(cb);
        BUF_MEM_free(pt);
        BUF_MEM_free(up);
    }
    c->sm_commands++;
    EAC_increment_ssc(c->ctx);
    size_t n = 0;
    if (a.ins == 0xB0) {
        BUF_MEM *d = buf_of(FILE_DATA, sizeof FILE_DATA), *pd = EAC_add_iso_pad(c->ctx, d);
        BUF_MEM *e = EAC_encrypt(c->ctx, pd);
        tmp[n++] = 0x87;
        tmp[n++] = (uint8_t)(e->length + 1);
        tmp[n++] = 0x01;
        memcpy(tmp + n, e->data, e->length);
        n += e->length;
        BUF_MEM_free(d);
        BUF_MEM_free(pd);
        BUF_MEM_free(e);
    }
    memcpy(tmp + n, "\x99\x02\x90\x00", 4);
    n += 4;
    BUF_MEM *r = buf_of(tmp, n), *pr = EAC_add_iso_pad(c->ctx, r);
    BUF_MEM *rm = EAC_authenticate(c->ctx, pr);
    memcpy(resp, tmp, n);
    resp[n++] = 0x8E;
    resp[n++] = 0x08;
    memcpy(resp + n, rm->data, 8);
    n += 8;
    *len = n;
    put(resp, len, 0x9000);
    BUF_MEM_free(r);
    BUF_MEM_free(pr);
    BUF_MEM_free(rm);
}

/* MSE:Set AT as a chip with several PACEInfos handles it: the protocol of 80 with the
 * domain parameters of 84, or, without 84, the chip's first PACEInfo (EF.CardAccess order). */
static bool mse_set_at(op_chip *c, const vfy_apdu *a)
{
    vfy_cursor cur;
    vfy_cur_init(&cur, a->data, a->data_len, "MSE", NULL);
    const uint8_t *oid = NULL;
    size_t oid_len = 0;
    int param = -1;
    while (!vfy_cur_at_end(&cur)) {
        vfy_tlv t;
        if (vfy_tlv_next(&cur, 0, &t) != VFY_OK)
            return false;
        if (t.tag == 0x80) {
            oid = t.value.data;
            oid_len = t.value.len;
        } else if (t.tag == 0x84 && t.value.len == 1) {
            param = t.value.data[0];
        }
    }
    if (param < 0 || oid == NULL || oid_len > 100)
        return true; /* keeps the PACE context EF.CardAccess gave first */
    uint8_t der[128] = { 0x06, (uint8_t)oid_len };
    memcpy(der + 2, oid, oid_len);
    const unsigned char *p = der;
    ASN1_OBJECT *obj = d2i_ASN1_OBJECT(NULL, &p, (long)oid_len + 2);
    int nid = obj != NULL ? OBJ_obj2nid(obj) : NID_undef;
    ASN1_OBJECT_free(obj);
    return nid != NID_undef && EAC_CTX_init_pace(c->ctx, nid, param) == 1;
}

static vfy_status op_transmit(vfy_transport *t, const uint8_t *cmd, size_t cmd_len,
                              uint8_t *resp, size_t cap, size_t *len, vfy_detail *detail)
{
    (void)detail;
    op_chip *c = (op_chip *)t;
    *len = 0;
    if (c->sm) {
        sm_command(c, cmd, cmd_len, resp, len);
        return VFY_OK;
    }
    vfy_apdu a;
    cr_assert_eq(vfy_apdu_decode(cmd, cmd_len, &a, NULL), VFY_OK);
    BUF_MEM *in = NULL;
    if (a.ins == 0x22) {
        put(resp, len, mse_set_at(c, &a) ? 0x9000 : 0x6A80);
    } else if (a.ins == 0x86 && c->step == 0) {
        c->step++;
        answer_7c(resp, cap, len, 0x80, PACE_STEP1_enc_nonce(c->ctx, c->pi));
    } else if (a.ins == 0x86 && c->step == 1 && inner_do(&a, 0x81, &in)) {
        c->step++;
        BUF_MEM *mine = PACE_STEP3A_generate_mapping_data(c->ctx);
        cr_assert_eq(PACE_STEP3A_map_generator(c->ctx, in), 1);
        answer_7c(resp, cap, len, 0x82, mine);
    } else if (a.ins == 0x86 && c->step == 2 && inner_do(&a, 0x83, &in)) {
        c->step++;
        BUF_MEM *mine = PACE_STEP3B_generate_ephemeral_key(c->ctx);
        cr_assert_eq(PACE_STEP3B_compute_shared_secret(c->ctx, in), 1);
        c->secret_len = c->ctx->pace_ctx->ka_ctx->shared_secret->length;
        cr_assert_eq(PACE_STEP3C_derive_keys(c->ctx), 1);
        c->pcd_eph = in;
        in = NULL;
        answer_7c(resp, cap, len, 0x84, mine);
    } else if (a.ins == 0x86 && c->step == 3 && inner_do(&a, 0x85, &in)) {
        c->step++;
        if (PACE_STEP3D_verify_authentication_token(c->ctx, in) != 1) {
            put(resp, len, 0x6300);
        } else {
            BUF_MEM *tok = PACE_STEP3D_compute_authentication_token(c->ctx, c->pcd_eph);
            cr_assert_eq(EAC_CTX_set_encryption_ctx(c->ctx, EAC_ID_PACE), 1);
            c->sm = true;
            answer_7c(resp, cap, len, 0x86, tok);
        }
    } else {
        put(resp, len, 0x6A80);
    }
    BUF_MEM_free(in);
    return VFY_OK;
}

static void op_close(vfy_transport *t) { (void)t; }
static const struct vfy_transport_ops op_ops = { .name = "openpace", .transmit = op_transmit,
                                                 .close = op_close };

static const char *MRZ_INFO = "L898902C<369080619406236";

/* One PACE run: OpenPACE chip configured from a one-PACEInfo EF.CardAccess. *secret_len
 * receives the length of OpenPACE's shared secret K. */
static vfy_status run_with(const uint8_t *ca, size_t ca_len, bool can, enum eac_tr_version tr,
                           const char *terminal_password, size_t *secret_len, vfy_detail *d)
{
    EAC_init();
    op_chip c;
    memset(&c, 0, sizeof c);
    c.t.ops = &op_ops;
    c.t.caps.max_command = 65544;
    c.t.caps.max_response = 65538;
    c.ctx = EAC_CTX_new();
    c.ctx->tr_version = tr;
    cr_assert_eq(EAC_CTX_init_ef_cardaccess(ca, ca_len, c.ctx), 1);
    if (can) {
        c.pi = PACE_SEC_new("123456", 6, PACE_CAN);
    } else {
        uint8_t k[20];
        cr_assert_eq(vfy_sha1((const uint8_t *)MRZ_INFO, strlen(MRZ_INFO), k, NULL), VFY_OK);
        c.pi = PACE_SEC_new((const char *)k, sizeof k, PACE_RAW);
    }
    vfy_card_access parsed;
    cr_assert_eq(vfy_card_access_parse(ca, ca_len, &parsed, NULL), VFY_OK);
    const vfy_pace_info *info = vfy_card_access_best(&parsed);
    cr_assert_not_null(info);

    vfy_channel ch;
    cr_assert_eq(vfy_channel_init(&ch, &c.t, NULL), VFY_OK);
    vfy_pace_password pw = { can ? VFY_PACE_PASSWORD_CAN : VFY_PACE_PASSWORD_MRZ,
                             terminal_password };
    vfy_pace_result r;
    vfy_status s = vfy_pace_run(&ch, &pw, info, &r, d);
    if (s == VFY_OK) {
        /* SM both ways with OpenPACE: SELECT EF.COM, then READ BINARY */
        uint8_t data[64];
        size_t len;
        vfy_apdu sel = { .ins = 0xA4, .p1 = 2, .p2 = 0x0C, .data = (const uint8_t *)"\x01\x1e",
                         .data_len = 2 };
        cr_assert_eq(vfy_channel_transmit_ok(&ch, &sel, "SELECT", data, sizeof data, &len, d),
                     VFY_OK, "%s", d->message);
        vfy_apdu rb = { .ins = 0xB0, .le = 20 };
        cr_assert_eq(vfy_channel_transmit_ok(&ch, &rb, "READ", data, sizeof data, &len, d),
                     VFY_OK, "%s", d->message);
        cr_assert_eq(len, sizeof FILE_DATA);
        cr_assert_eq(memcmp(data, FILE_DATA, len), 0);
        cr_assert_eq(c.sm_commands, 2);
    }
    *secret_len = c.secret_len;
    vfy_channel_free(&ch);
    BUF_MEM_free(c.pcd_eph);
    PACE_SEC_clear_free(c.pi);
    EAC_CTX_clear_free(c.ctx);
    EAC_cleanup();
    return s;
}

static vfy_status run_once(const uint8_t oid_last[2], unsigned param_id, bool can,
                           enum eac_tr_version tr, const char *terminal_password,
                           size_t *secret_len, vfy_detail *d)
{
    uint8_t ca[] = { 0x31, 0x14, 0x30, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02,
                     0x02, 0x04, oid_last[0], oid_last[1], 0x02, 0x01, 0x02, 0x02, 0x01,
                     (uint8_t)param_id };
    return run_with(ca, sizeof ca, can, tr, terminal_password, secret_len, d);
}

/* OpenPACE keeps a DH shared secret without its leading zero bytes (OpenSSL's unpadded
 * DH_compute_key), where the terminal uses |p| bytes like every FE2OS/I2OS encoding of
 * 9303-11; so in 1 of 256 DH sessions the two derive different keys. Such a session must
 * fail closed (the chip refuses the token: 6300), and is then run again, at most 4 times. */
static vfy_status run(const uint8_t oid_last[2], unsigned param_id, bool can,
                      enum eac_tr_version tr, const char *terminal_password, vfy_detail *d)
{
    vfy_status s = VFY_E_INTERNAL;
    for (int attempt = 0; attempt < 4; attempt++) {
        size_t secret_len = 0;
        vfy_detail_clear(d);
        s = run_once(oid_last, param_id, can, tr, terminal_password, &secret_len, d);
        bool dh = oid_last[0] == 1 || oid_last[0] == 3;
        size_t full = param_id == 0 ? 128 : 256;
        if (!dh || secret_len == 0 || secret_len == full)
            return s;
        cr_assert_eq(s, VFY_E_PACE_FAILED, "a session with a stripped K must fail closed");
    }
    return s;
}

static void expect_ok(const uint8_t oid_last[2], unsigned id, bool can, enum eac_tr_version tr)
{
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = run(oid_last, id, can, tr, can ? "123456" : MRZ_INFO, &d);
    cr_assert_eq(s, VFY_OK, "PACE %02x.%02x id %u: %s: %s", oid_last[0], oid_last[1], id,
                 d.field, d.message);
}

Test(openpace, gm_ecdh_every_cipher_and_curve)
{
    const uint8_t aes128[2] = { 2, 2 }, tdes[2] = { 2, 1 }, aes192[2] = { 2, 3 },
                  aes256[2] = { 2, 4 };
    expect_ok(aes128, 13, false, EAC_TR_VERSION_2_02); /* brainpoolP256r1 */
    expect_ok(tdes, 12, false, EAC_TR_VERSION_2_02);   /* NIST P-256 */
    expect_ok(aes192, 16, false, EAC_TR_VERSION_2_02); /* brainpoolP384r1 */
    expect_ok(aes256, 17, true, EAC_TR_VERSION_2_02);  /* brainpoolP512r1, CAN */
    expect_ok(aes256, 15, false, EAC_TR_VERSION_2_02); /* NIST P-384 */
    expect_ok(aes128, 18, false, EAC_TR_VERSION_2_02); /* NIST P-521 */
}

Test(openpace, gm_dh_rfc5114_groups)
{
    const uint8_t aes128[2] = { 1, 2 }, tdes[2] = { 1, 1 };
    expect_ok(aes128, 0, false, EAC_TR_VERSION_2_02);
    expect_ok(tdes, 2, true, EAC_TR_VERSION_2_02);
}

Test(openpace, wrong_password_is_refused_by_the_chip)
{
    const uint8_t aes128[2] = { 2, 2 };
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(run(aes128, 13, false, EAC_TR_VERSION_2_02, "L898902C<369080619406237", &d),
                 VFY_E_PACE_FAILED);
    cr_assert(strstr(d.message, "6300") != NULL, "%s", d.message);
}

/* OpenPACE's integrated mapping is the TR-03110 v2.01 one (Icart's encoding of E(t, s)),
 * not the 9303-11 one (R_p(s, t) with the c0/c1 PRF and the SWU encoding, which the H.1
 * tests check). Against it the terminal must fail closed at the token step, with a typed
 * error, never establish SM. */
Test(openpace, im_of_tr03110_v2_01_is_not_icao_im_and_fails_closed)
{
    const uint8_t im128[2] = { 4, 2 };
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(run(im128, 13, false, EAC_TR_VERSION_2_01, MRZ_INFO, &d), VFY_E_PACE_FAILED);
    cr_assert(strstr(d.message, "6300") != NULL, "%s", d.message);
}


/* A chip with two PACEInfos (GM 3DES on P-256 first, GM AES-128 on brainpoolP256r1 second):
 * the terminal picks AES-128 and names its parameters in MSE:Set AT (84), and the chip
 * switches to them; without 84 the chip would run its first set and the session fails. */
Test(openpace, several_pace_infos_parameter_id_selects_the_set)
{
    static const uint8_t ca[] = {
        0x31, 0x28,
        0x30, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x02, 0x01,
        0x02, 0x01, 0x02, 0x02, 0x01, 0x0C,
        0x30, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x02, 0x02,
        0x02, 0x01, 0x02, 0x02, 0x01, 0x0D,
    };
    vfy_card_access parsed;
    cr_assert_eq(vfy_card_access_parse(ca, sizeof ca, &parsed, NULL), VFY_OK);
    cr_assert_eq(vfy_card_access_best(&parsed)->cipher, VFY_CIPHER_AES128);
    cr_assert_eq(vfy_card_access_best(&parsed)->parameter_id, 13);
    size_t secret_len;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(run_with(ca, sizeof ca, false, EAC_TR_VERSION_2_02, MRZ_INFO, &secret_len, &d),
                 VFY_OK, "%s: %s", d.field, d.message);
}
