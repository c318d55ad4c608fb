/* The chip's side of PACE (ICAO 9303-11 §4.4): MSE:Set AT picks one of the PACEInfos
 * of its EF.CardAccess and the password (MRZ or CAN); four GENERAL AUTHENTICATE steps
 * follow: the encrypted nonce, the mapping (generic on ECDH and DH, integrated on
 * ECDH), the ephemeral key agreement and the authentication tokens. Then secure
 * messaging starts with the SSC at zero. */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include "core/tlv.h"
#include "core/fail.h"
#include "core/writer.h"
#include "crypto/crypto.h"
#include "sim/sim_internal.h"

static const uint8_t pace_prefix[] = { 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04 };

enum pace_step { STEP_NONE = 0, STEP_NONCE, STEP_MAP, STEP_KEY, STEP_TOKEN };

struct sim_pace_state {
    enum pace_step step;
    uint8_t oid[10];
    uint8_t mapping;          /* OID byte: 1 DH-GM, 2 ECDH-GM, 3 DH-IM, 4 ECDH-IM, 6 ECDH-CAM */
    vfy_cipher cipher;
    vfy_ka_group *group, *mapped;
    vfy_secret k_pi, s, map_priv, eph_priv, ks_enc, ks_mac;
    uint8_t pk_ifd[VFY_KA_MAX_PUBLIC], pk_ic[VFY_KA_MAX_PUBLIC];
    size_t pk_ifd_len, pk_ic_len;
};

void sim_pace_reset(vfy_sim_chip *c)
{
    struct sim_pace_state *p = c->pace;
    if (p == NULL)
        return;
    vfy_ka_group_free(p->group);
    vfy_ka_group_free(p->mapped);
    vfy_secret_free(&p->k_pi);
    vfy_secret_free(&p->s);
    vfy_secret_free(&p->map_priv);
    vfy_secret_free(&p->eph_priv);
    vfy_secret_free(&p->ks_enc);
    vfy_secret_free(&p->ks_mac);
    free(p);
    c->pace = NULL;
}

/* Key pairs come from OpenSSL's generator, or from a test's scripted worked example. */
static vfy_status chip_rng(void *ctx, uint8_t *out, size_t len)
{
    vfy_sim_chip *c = ctx;
    if (c->scripted_pos < c->scripted_len) {
        sim_random(c, out, len);
        return VFY_OK;
    }
    return vfy_random(NULL, out, len, NULL);
}

/* Finds in the chip's EF.CardAccess a PACEInfo with this OID (and parameter id when
 * the terminal names one; else the first). */
static bool offered(const vfy_sim_chip *c, const uint8_t *oid, size_t oid_len, int want_param,
                    unsigned *param)
{
    const struct sim_file *ca = &c->files[SIM_FILE_CARD_ACCESS];
    vfy_tlv set;
    if (ca->data == NULL || vfy_tlv_parse_one(ca->data, ca->len, 0, "EF.CardAccess", NULL, &set) !=
                                VFY_OK || set.tag != 0x31)
        return false;
    vfy_cursor cur = set.value;
    while (!vfy_cur_at_end(&cur)) {
        vfy_tlv info, o, version, id;
        if (vfy_tlv_next(&cur, 0, &info) != VFY_OK)
            return false;
        if (info.tag != 0x30 || vfy_tlv_expect(&info.value, 0x06, 0, &o) != VFY_OK ||
            o.value.len != oid_len || memcmp(o.value.data, oid, oid_len) != 0 ||
            vfy_tlv_expect(&info.value, 0x02, 0, &version) != VFY_OK)
            continue;
        unsigned p = 0;
        if (vfy_tlv_expect(&info.value, 0x02, 0, &id) == VFY_OK && id.value.len == 1)
            p = id.value.data[0];
        else
            continue;   /* proprietary domain parameters are not simulated */
        if (want_param >= 0 && (unsigned)want_param != p)
            continue;
        *param = p;
        return true;
    }
    return false;
}

void sim_mse(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r)
{
    sim_pace_reset(c);
    sim_resp_set(r, NULL, 0, SW_WRONG_DATA);
    if (!c->p.pace) {
        r->sw = SW_REF_NOT_FOUND;
        return;
    }
    vfy_cursor cur;
    vfy_cur_init(&cur, a->data, a->lc, "MSE:Set AT", NULL);
    const uint8_t *oid = NULL;
    size_t oid_len = 0;
    int ref = -1, param = -1;
    while (!vfy_cur_at_end(&cur)) {
        vfy_tlv t;
        if (vfy_tlv_next(&cur, 0, &t) != VFY_OK)
            return;
        if (t.tag == 0x80)
            oid = t.value.data, oid_len = t.value.len;
        else if (t.tag == 0x83 && t.value.len == 1)
            ref = t.value.data[0];
        else if (t.tag == 0x84 && t.value.len == 1)
            param = t.value.data[0];
        else if (t.tag != 0x7F4C && t.tag != 0x67)
            return;   /* CHAT and auxiliary data are accepted and ignored (no EAC here) */
    }
    unsigned param_id;
    if (oid == NULL || oid_len != 10 || memcmp(oid, pace_prefix, 8) != 0 ||
        !offered(c, oid, oid_len, param, &param_id)) {
        r->sw = SW_REF_NOT_FOUND;
        return;
    }
    if (ref != 1 && ref != 2) {
        r->sw = SW_REF_NOT_FOUND;
        return;
    }
    struct sim_pace_state *p = calloc(1, sizeof *p);
    if (p == NULL) {
        r->sw = SW_UNKNOWN;
        return;
    }
    c->pace = p;
    memcpy(p->oid, oid, 10);
    p->mapping = oid[8];
    p->cipher = (vfy_cipher)oid[9];
    bool dh = p->mapping == 1 || p->mapping == 3;
    bool cam_ready = p->mapping == 6 && p->cipher != VFY_CIPHER_3DES && sim_auth_ca_key(c) != NULL;
    if (p->cipher < VFY_CIPHER_3DES || p->cipher > VFY_CIPHER_AES256 || p->mapping == 3 ||
        p->mapping == 5 || p->mapping > 6 || (p->mapping == 6 && !cam_ready) ||
        p->mapping == 0 || dh != (param_id < 8) ||
        vfy_ka_group_standard(param_id, &p->group, NULL) != VFY_OK) {
        sim_pace_reset(c);
        r->sw = SW_REF_NOT_FOUND;
        return;
    }
    /* K = SHA-1(MRZ information) or the CAN itself; K_pi = KDF_pi(K). */
    uint8_t k[20];
    size_t k_len;
    if (ref == 1) {
        if (c->mrz_key[0] == '\0' ||
            vfy_sha1((const uint8_t *)c->mrz_key, strlen(c->mrz_key), k, NULL) != VFY_OK) {
            sim_pace_reset(c);
            r->sw = SW_REF_NOT_FOUND;
            return;
        }
        k_len = 20;
    } else {
        memcpy(k, c->p.can, 6);
        k_len = 6;
    }
    uint8_t kpi[VFY_CIPHER_MAX_KEY];
    bool ok = vfy_kdf(p->cipher, k, k_len, VFY_KDF_PI, kpi, NULL) == VFY_OK &&
              vfy_secret_set(&p->k_pi, kpi, vfy_cipher_key_len(p->cipher), NULL) == VFY_OK;
    vfy_wipe(k, sizeof k);
    vfy_wipe(kpi, sizeof kpi);
    if (!ok) {
        sim_pace_reset(c);
        r->sw = SW_UNKNOWN;
        return;
    }
    p->step = STEP_NONCE;
    r->sw = SW_OK;
}

/* The public key data object of 9303-11 §4.4.3.4 that the tokens MAC:
 * 7F49 { 06 protocol OID, 84 DH key | 86 EC point }. */
static bool pk_data_object(const struct sim_pace_state *p, const uint8_t *pk, size_t pk_len,
                           uint8_t *out, size_t cap, size_t *out_len)
{
    bool ec = vfy_ka_group_kind(p->group) == VFY_KA_ECDH;
    vfy_writer w;
    vfy_w_init(&w, out, cap);
    size_t key = vfy_w_ber_open(&w, 0x7F49);
    vfy_w_ber_tl(&w, 0x06, 10);
    vfy_w_bytes(&w, p->oid, 10);
    vfy_w_ber_tl(&w, ec ? 0x86 : 0x84, pk_len);
    vfy_w_bytes(&w, pk, pk_len);
    vfy_w_ber_close(&w, key);
    return vfy_w_finish(&w, out_len, VFY_E_INTERNAL, "PACE token input", NULL) == VFY_OK;
}

static vfy_status token(const struct sim_pace_state *p, const uint8_t *pk, size_t pk_len,
                        uint8_t mac[VFY_MAC_LEN])
{
    uint8_t buf[48 + VFY_KA_MAX_PUBLIC];
    size_t n;
    if (!pk_data_object(p, pk, pk_len, buf, sizeof buf, &n))
        return VFY_E_INTERNAL;
    if (p->cipher == VFY_CIPHER_3DES)
        VFY_TRY(vfy_pad(buf, n, sizeof buf, 8, &n, NULL));
    return vfy_mac8(p->cipher, p->ks_mac.bytes, buf, n, mac, NULL);
}

/* Answers 7C { tag: value [, tag2: value2] } into r (tag 0 and no value: an empty 7C). */
static void answer2(struct sim_resp *r, uint8_t tag, const uint8_t *v, size_t len, uint8_t tag2,
                    const uint8_t *v2, size_t len2)
{
    vfy_writer w;
    vfy_w_init(&w, r->data, SIM_RESP_MAX);
    size_t dad = vfy_w_ber_open(&w, 0x7C);
    if (tag != 0 || len > 0) {
        vfy_w_ber_tl(&w, tag, len);
        vfy_w_bytes(&w, v, len);
    }
    if (tag2 != 0) {
        vfy_w_ber_tl(&w, tag2, len2);
        vfy_w_bytes(&w, v2, len2);
    }
    vfy_w_ber_close(&w, dad);
    if (!vfy_w_ok(&w)) {
        sim_resp_set(r, NULL, 0, SW_UNKNOWN);
        return;
    }
    r->len = vfy_w_len(&w);
    r->sw = SW_OK;
}

/* Answers 7C { tag: value } into r; value never points into r->data. */
static void answer(struct sim_resp *r, uint8_t tag, const uint8_t *v, size_t len)
{
    answer2(r, tag, v, len, 0, NULL, 0);
}

static uint16_t step_nonce(vfy_sim_chip *c, struct sim_pace_state *p, struct sim_resp *r)
{
    /* one block; integrated mapping keys its pseudo-random function with s: 16 or 32 bytes */
    size_t b = vfy_cipher_block_len(p->cipher);
    if (p->mapping == 4)
        b = vfy_cipher_key_len(p->cipher) == 16 ? 16 : 32;
    uint8_t s[32], z[32];
    sim_random(c, s, b);
    if (vfy_secret_set(&p->s, s, b, NULL) != VFY_OK ||
        vfy_cbc_encrypt(p->cipher, p->k_pi.bytes, NULL, s, b, z, NULL) != VFY_OK)
        return SW_UNKNOWN;
    vfy_wipe(s, sizeof s);
    answer(r, 0x80, z, b);
    p->step = STEP_MAP;
    return SW_OK;
}

static uint16_t step_map(vfy_sim_chip *c, struct sim_pace_state *p, const vfy_tlv *in,
                         struct sim_resp *r)
{
    if (in->tag != 0x81)
        return SW_WRONG_DATA;
    if (p->mapping == 4) {   /* integrated: the terminal's nonce t */
        if (vfy_ka_map_integrated(p->group, p->cipher, p->s.bytes, p->s.len, in->value.data,
                                  in->value.len, &p->mapped, NULL) != VFY_OK)
            return SW_WRONG_DATA;
        answer(r, 0, NULL, 0);
        p->step = STEP_KEY;
        return SW_OK;
    }
    const vfy_rng rng = { chip_rng, c };
    uint8_t pub[VFY_KA_MAX_PUBLIC], h[VFY_KA_MAX_PUBLIC];
    size_t pub_len, h_len;
    if (vfy_ka_keygen(p->group, &rng, &p->map_priv, pub, sizeof pub, &pub_len, NULL) != VFY_OK)
        return SW_UNKNOWN;
    if (vfy_ka_shared_element(p->group, &p->map_priv, in->value.data, in->value.len, h, sizeof h,
                              &h_len, NULL) != VFY_OK ||
        vfy_ka_map_generic(p->group, p->s.bytes, p->s.len, h, h_len, &p->mapped, NULL) != VFY_OK)
        return SW_WRONG_DATA;
    vfy_wipe(h, sizeof h);
    answer(r, 0x82, pub, pub_len);
    p->step = STEP_KEY;
    return SW_OK;
}

static uint16_t step_key(vfy_sim_chip *c, struct sim_pace_state *p, const vfy_tlv *in,
                         struct sim_resp *r)
{
    if (in->tag != 0x83 || in->value.len > sizeof p->pk_ifd)
        return SW_WRONG_DATA;
    memcpy(p->pk_ifd, in->value.data, in->value.len);
    p->pk_ifd_len = in->value.len;
    const vfy_rng rng = { chip_rng, c };
    uint8_t k[VFY_KA_MAX_SECRET], key[VFY_CIPHER_MAX_KEY];
    size_t k_len;
    if (vfy_ka_keygen(p->mapped, &rng, &p->eph_priv, p->pk_ic, sizeof p->pk_ic, &p->pk_ic_len,
                      NULL) != VFY_OK)
        return SW_UNKNOWN;
    /* the terminal's key must differ from the chip's (9303-11 §4.4.3.3.3) */
    if (p->pk_ifd_len == p->pk_ic_len && memcmp(p->pk_ifd, p->pk_ic, p->pk_ic_len) == 0)
        return SW_WRONG_DATA;
    if (vfy_ka_shared_secret(p->mapped, &p->eph_priv, p->pk_ifd, p->pk_ifd_len, k, sizeof k,
                             &k_len, NULL) != VFY_OK)
        return SW_WRONG_DATA;
    size_t kl = vfy_cipher_key_len(p->cipher);
    bool ok = vfy_kdf(p->cipher, k, k_len, VFY_KDF_ENC, key, NULL) == VFY_OK &&
              vfy_secret_set(&p->ks_enc, key, kl, NULL) == VFY_OK &&
              vfy_kdf(p->cipher, k, k_len, VFY_KDF_MAC, key, NULL) == VFY_OK &&
              vfy_secret_set(&p->ks_mac, key, kl, NULL) == VFY_OK;
    vfy_wipe(k, sizeof k);
    vfy_wipe(key, sizeof key);
    if (!ok)
        return SW_UNKNOWN;
    answer(r, 0x84, p->pk_ic, p->pk_ic_len);
    p->step = STEP_TOKEN;
    return SW_OK;
}

/* PACE-CAM (9303-11 §4.4.3.5): CA_IC = SK_Map,IC * SK_IC^-1 mod n, sent encrypted with
 * KS_enc and the IV E(KS_enc, -1). Out: the encrypted data, padded to the block. */
static bool cam_data(vfy_sim_chip *c, const struct sim_pace_state *p, uint8_t *out,
                     size_t *out_len)
{
    EVP_PKEY *key = sim_auth_ca_key(c);
    char curve[64];
    BIGNUM *sk = NULL, *map = NULL, *ca = NULL;
    BN_CTX *ctx = BN_CTX_new();
    EC_GROUP *g = NULL;
    bool ok = false;
    uint8_t plain[80], iv[16], minus_one[16];
    size_t n_len, padded;
    if (ctx == NULL || key == NULL ||
        EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve,
                                       NULL) != 1 ||
        strcmp(curve, vfy_ka_group_name(p->group)) != 0 ||
        (g = EC_GROUP_new_by_curve_name(OBJ_sn2nid(curve))) == NULL ||
        EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &sk) != 1)
        goto out;
    const BIGNUM *order = EC_GROUP_get0_order(g);
    n_len = (size_t)BN_num_bytes(order);
    map = BN_bin2bn(p->map_priv.bytes, (int)p->map_priv.len, NULL);
    ca = BN_new();
    if (map == NULL || ca == NULL || n_len > 64 || BN_mod_inverse(ca, sk, order, ctx) == NULL ||
        BN_mod_mul(ca, ca, map, order, ctx) != 1 || BN_bn2binpad(ca, plain, (int)n_len) < 0)
        goto out;
    memset(minus_one, 0xFF, sizeof minus_one);
    ok = vfy_pad(plain, n_len, sizeof plain, 16, &padded, NULL) == VFY_OK &&
         vfy_ecb_encrypt(p->cipher, p->ks_enc.bytes, minus_one, 16, iv, NULL) == VFY_OK &&
         vfy_cbc_encrypt(p->cipher, p->ks_enc.bytes, iv, plain, padded, out, NULL) == VFY_OK;
    *out_len = padded;
out:
    vfy_wipe(plain, sizeof plain);
    BN_clear_free(sk);
    BN_clear_free(map);
    BN_clear_free(ca);
    EC_GROUP_free(g);
    BN_CTX_free(ctx);
    return ok;
}

static uint16_t step_token(vfy_sim_chip *c, struct sim_pace_state *p, const vfy_tlv *in,
                           struct sim_resp *r)
{
    uint8_t want[VFY_MAC_LEN], t_ic[VFY_MAC_LEN];
    if (in->tag != 0x85 || in->value.len != VFY_MAC_LEN ||
        token(p, p->pk_ic, p->pk_ic_len, want) != VFY_OK ||
        !vfy_equal_ct(want, in->value.data, VFY_MAC_LEN))
        return SW_AUTH_FAILED;
    if (token(p, p->pk_ifd, p->pk_ifd_len, t_ic) != VFY_OK)
        return SW_UNKNOWN;
    uint8_t ecad[80];
    size_t ecad_len = 0;
    if (p->mapping == 6 && !cam_data(c, p, ecad, &ecad_len))
        return SW_UNKNOWN;
    uint8_t ssc[16] = { 0 };
    enum sim_sm_cipher sm = p->cipher == VFY_CIPHER_3DES ? SIM_SM_3DES : SIM_SM_AES;
    if (sim_session_start(c, sm, p->ks_enc.bytes, p->ks_mac.bytes, p->ks_enc.len, ssc) != VFY_OK)
        return SW_UNKNOWN;
    /* 7C { 86 T_IC [, 8A encrypted chip authentication data (CAM)] } */
    answer2(r, 0x86, t_ic, VFY_MAC_LEN, ecad_len > 0 ? 0x8A : 0, ecad, ecad_len);
    return r->sw;
}

void sim_general_authenticate(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r)
{
    struct sim_pace_state *p = c->pace;
    sim_resp_set(r, NULL, 0, SW_CONDITIONS);
    if (p == NULL || p->step == STEP_NONE || a->p1 != 0 || a->p2 != 0)
        return;
    /* every step but the last is chained (CLA bit 0x10) */
    bool chained = (a->cla & 0x10) != 0;
    vfy_tlv dyn;
    uint16_t sw;
    enum pace_step at = p->step;
    if (chained != (p->step != STEP_TOKEN)) {
        sw = SW_CONDITIONS;
    } else if (vfy_tlv_parse_one(a->data, a->lc, 0, "GENERAL AUTHENTICATE", NULL, &dyn) != VFY_OK ||
               dyn.tag != 0x7C) {
        sw = SW_WRONG_DATA;
    } else if (p->step == STEP_NONCE) {
        sw = dyn.value.len == 0 ? step_nonce(c, p, r) : SW_WRONG_DATA;
    } else {
        vfy_tlv in;
        if (vfy_tlv_next(&dyn.value, 0, &in) != VFY_OK || !vfy_cur_at_end(&dyn.value))
            sw = SW_WRONG_DATA;
        else if (p->step == STEP_MAP)
            sw = step_map(c, p, &in, r);
        else if (p->step == STEP_KEY)
            sw = step_key(c, p, &in, r);
        else
            sw = step_token(c, p, &in, r);
    }
    if (sw != SW_OK) {
        sim_pace_reset(c);
        sim_resp_set(r, NULL, 0, sw);
    } else if (at == STEP_TOKEN) {
        sim_pace_reset(c);   /* done: the session keys now live in the SM state */
    }
}
