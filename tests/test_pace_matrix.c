/* PACE through the whole protocol for the combinations no worked example, peer or the
 * simulator covers: integrated mapping on DH and with 3DES, AES-192 and AES-256. The chip
 * here is written in the test from the crypto primitives (its protocol steps are its own;
 * the arithmetic is the shared, vector-checked one). */
#include <criterion/criterion.h>
#include <string.h>

#include "chip/cardaccess.h"
#include "chip/pace.h"
#include "chip/sm.h"
#include "core/tlv.h"
#include "core/writer.h"
#include "crypto/crypto.h"
#include "sm_chip.h"
#include "transport.h"

typedef struct prim_chip {
    vfy_transport t;
    vfy_pace_info info;
    bool can;
    int step;
    vfy_ka_group *g, *mapped;
    vfy_secret priv;
    uint8_t s[32], ks_enc[32], ks_mac[32], pk_ic[VFY_KA_MAX_PUBLIC], pk_ifd[VFY_KA_MAX_PUBLIC];
    size_t s_len, pk_ic_len, pk_ifd_len;
    sm_chip sm;
} prim_chip;

static const char *PASSWORD = "123456";

static void reply(uint8_t *resp, size_t cap, size_t *len, uint8_t tag, const uint8_t *v,
                  size_t vl)
{
    vfy_writer w;
    vfy_w_init(&w, resp, cap);
    size_t dad = vfy_w_ber_open(&w, 0x7C);
    vfy_w_ber_tl(&w, tag, vl);
    vfy_w_bytes(&w, v, vl);
    vfy_w_ber_close(&w, dad);
    vfy_w_u16be(&w, 0x9000);
    cr_assert_eq(vfy_w_finish(&w, len, VFY_E_INTERNAL, "reply", NULL), VFY_OK);
}

static bool child(const vfy_apdu *a, uint8_t tag, const uint8_t **v, size_t *vl)
{
    vfy_tlv t, c;
    if (vfy_tlv_parse_one(a->data, a->data_len, 0, "7C", NULL, &t) != VFY_OK ||
        vfy_tlv_child(&t, tag, 0, &c) != VFY_OK)
        return false;
    *v = c.value.data;
    *vl = c.value.len;
    return true;
}

static vfy_status chip_transmit(vfy_transport *t, const uint8_t *cmd, size_t cmd_len,
                                uint8_t *resp, size_t cap, size_t *len, vfy_detail *detail)
{
    (void)detail;
    prim_chip *c = (prim_chip *)t;
    const vfy_pace_info *in = &c->info;
    vfy_apdu a;
    uint8_t buf[600], out[VFY_KA_MAX_PUBLIC], k[VFY_KA_MAX_SECRET];
    size_t n;
    if (sm_chip_active(&c->sm)) {
        cr_assert_eq(sm_chip_unwrap(&c->sm, cmd, cmd_len, &a, buf, sizeof buf), 0x9000);
        cr_assert_eq(a.ins, 0xB0);
        return sm_chip_wrap(&c->sm, a.ins, (const uint8_t *)"DG1!", 4, 0x9000, resp, cap, len);
    }
    cr_assert_eq(vfy_apdu_decode(cmd, cmd_len, &a, NULL), VFY_OK);
    const uint8_t *v;
    size_t vl;
    if (a.ins == 0x22) {
        vfy_tlv e;
        vfy_cursor cur;
        vfy_cur_init(&cur, a.data, a.data_len, "MSE", NULL);
        while (vfy_tlv_next(&cur, 0, &e) == VFY_OK) {
            if (e.tag == 0x80)
                cr_assert_eq(vfy_pace_info_from_oid(e.value.data, e.value.len, &c->info, NULL),
                             VFY_OK);
            if (e.tag == 0x84)
                c->info.parameter_id = e.value.data[0];
            if (e.tag == 0x83)
                c->can = e.value.data[0] == 2;
        }
        cr_assert_eq(vfy_ka_group_standard(c->info.parameter_id, &c->g, NULL), VFY_OK);
        resp[0] = 0x90;
        resp[1] = 0x00;
        *len = 2;
    } else if (c->step == 0) {
        size_t kl = vfy_cipher_key_len(in->cipher), bl = vfy_cipher_block_len(in->cipher);
        c->s_len = in->mapping == VFY_PACE_IM ? (kl + bl - 1) / bl * bl : 16;
        uint8_t kpi[32], z[32];
        cr_assert_eq(vfy_random(NULL, c->s, c->s_len, NULL), VFY_OK);
        cr_assert_eq(vfy_kdf(in->cipher, (const uint8_t *)PASSWORD, 6, VFY_KDF_PI, kpi, NULL),
                     VFY_OK);
        cr_assert_eq(vfy_cbc_encrypt(in->cipher, kpi, NULL, c->s, c->s_len, z, NULL), VFY_OK);
        reply(resp, cap, len, 0x80, z, c->s_len);
        c->step++;
    } else if (c->step == 1 && child(&a, 0x81, &v, &vl)) {
        if (in->mapping == VFY_PACE_IM) {
            cr_assert_eq(vfy_ka_map_integrated(c->g, in->cipher, c->s, c->s_len, v, vl,
                                               &c->mapped, NULL), VFY_OK);
            memcpy(resp, "\x7c\x00\x90\x00", 4);
            *len = 4;
        } else {
            uint8_t h[VFY_KA_MAX_PUBLIC];
            size_t hl;
            cr_assert_eq(vfy_ka_keygen(c->g, NULL, &c->priv, out, sizeof out, &n, NULL), VFY_OK);
            cr_assert_eq(vfy_ka_shared_element(c->g, &c->priv, v, vl, h, sizeof h, &hl, NULL),
                         VFY_OK);
            cr_assert_eq(vfy_ka_map_generic(c->g, c->s, c->s_len, h, hl, &c->mapped, NULL),
                         VFY_OK);
            reply(resp, cap, len, 0x82, out, n);
        }
        c->step++;
    } else if (c->step == 2 && child(&a, 0x83, &v, &vl)) {
        size_t kn;
        cr_assert_eq(vfy_ka_keygen(c->mapped, NULL, &c->priv, c->pk_ic, sizeof c->pk_ic,
                                   &c->pk_ic_len, NULL), VFY_OK);
        cr_assert_eq(vfy_ka_shared_secret(c->mapped, &c->priv, v, vl, k, sizeof k, &kn, NULL),
                     VFY_OK);
        cr_assert_eq(vfy_kdf(in->cipher, k, kn, VFY_KDF_ENC, c->ks_enc, NULL), VFY_OK);
        cr_assert_eq(vfy_kdf(in->cipher, k, kn, VFY_KDF_MAC, c->ks_mac, NULL), VFY_OK);
        memcpy(c->pk_ifd, v, vl); /* for the chip's token */
        c->pk_ifd_len = vl;
        reply(resp, cap, len, 0x84, c->pk_ic, c->pk_ic_len);
        c->step++;
    } else if (c->step == 3 && child(&a, 0x85, &v, &vl)) {
        uint8_t want[VFY_MAC_LEN], tok[VFY_MAC_LEN];
        cr_assert_eq(vfy_pace_token(in, c->ks_mac, c->pk_ic, c->pk_ic_len, want, NULL), VFY_OK);
        if (vl != VFY_MAC_LEN || memcmp(v, want, VFY_MAC_LEN) != 0) {
            memcpy(resp, "\x63\x00", 2);
            *len = 2;
            return VFY_OK;
        }
        cr_assert_eq(vfy_pace_token(in, c->ks_mac, c->pk_ifd, c->pk_ifd_len, tok, NULL), VFY_OK);
        reply(resp, cap, len, 0x86, tok, VFY_MAC_LEN);
        cr_assert_eq(sm_chip_open(&c->sm, in->cipher, c->ks_enc, c->ks_mac, NULL), VFY_OK);
        c->step++;
    } else {
        memcpy(resp, "\x6a\x80", 2);
        *len = 2;
    }
    return VFY_OK;
}

static void chip_close(vfy_transport *t) { (void)t; }
static const struct vfy_transport_ops ops = { .name = "prim", .transmit = chip_transmit,
                                              .close = chip_close };

static void run(uint8_t family, uint8_t cipher, unsigned param)
{
    prim_chip c;
    memset(&c, 0, sizeof c);
    c.t.ops = &ops;
    c.t.caps.max_command = 65544;
    c.t.caps.max_response = 65538;
    uint8_t oid[10] = { 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, family, cipher };
    vfy_pace_info info;
    cr_assert_eq(vfy_pace_info_from_oid(oid, sizeof oid, &info, NULL), VFY_OK);
    info.has_parameter_id = true;
    info.parameter_id = param;
    vfy_channel ch;
    cr_assert_eq(vfy_channel_init(&ch, &c.t, NULL), VFY_OK);
    vfy_pace_password pw = { VFY_PACE_PASSWORD_CAN, PASSWORD };
    vfy_pace_result r;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_pace_run(&ch, &pw, &info, &r, &d), VFY_OK,
                 "family %u cipher %u param %u: %s", family, cipher, param, d.message);
    cr_assert(c.can);
    uint8_t data[16];
    size_t n;
    vfy_apdu rb = { .ins = 0xB0, .le = 4 };
    cr_assert_eq(vfy_channel_transmit_ok(&ch, &rb, "READ", data, sizeof data, &n, &d), VFY_OK);
    cr_assert_eq(memcmp(data, "DG1!", 4), 0);
    vfy_channel_free(&ch);
    sm_chip_close(&c.sm);
    vfy_secret_free(&c.priv);
    vfy_ka_group_free(c.mapped);
    vfy_ka_group_free(c.g);
}

Test(pace_matrix, integrated_mapping_on_dh)
{
    run(3, 1, 0); /* DH-IM 3DES, 1024/160 */
    run(3, 2, 1); /* DH-IM AES-128, 2048/224 */
    run(3, 4, 2); /* DH-IM AES-256, 2048/256 */
}

Test(pace_matrix, integrated_mapping_on_ecdh_every_cipher)
{
    run(4, 1, 12); /* 3DES, P-256 */
    run(4, 3, 16); /* AES-192, brainpoolP384r1 */
    run(4, 4, 15); /* AES-256, P-384 */
    run(4, 4, 17); /* AES-256, brainpoolP512r1 */
}
