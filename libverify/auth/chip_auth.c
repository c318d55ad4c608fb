/* Chip Authentication version 1 (9303-11 §6.2) on the terminal side. */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include "auth/auth.h"
#include "core/fail.h"
#include "core/writer.h"
#include "crypto/crypto.h"
#include "lds/der.h"
#include "lds/pubkey.h"

#define FIELD "chip_auth"

vfy_status auth_ca_plan_from(const vfy_security_infos *infos, auth_ca_plan *out, vfy_detail *detail)
{
    memset(out, 0, sizeof *out);
    const vfy_security_info *info = vfy_security_infos_find(infos, VFY_SI_CHIP_AUTH, NULL);
    const vfy_security_info *key = NULL;
    for (const vfy_security_info *k = vfy_security_infos_find(infos, VFY_SI_CHIP_AUTH_PUBLIC_KEY, NULL);
         k != NULL; k = vfy_security_infos_find(infos, VFY_SI_CHIP_AUTH_PUBLIC_KEY, k)) {
        if (info == NULL || !info->has_key_id || !k->has_key_id || k->key_id == info->key_id) {
            key = k;
            break;
        }
    }
    if (key == NULL)
        return vfy_fail(detail, VFY_E_NOT_FOUND, FIELD,
                        info != NULL && info->has_key_id
                            ? "DG14 has no Chip Authentication key with the keyId its ChipAuthenticationInfo names"
                            : "DG14 has no Chip Authentication public key");
    out->key = key;
    out->info = info;
    out->agreement = key->agreement;
    if (info != NULL) {
        if (info->agreement != key->agreement)
            return vfy_fail(detail, VFY_E_CA_FAILED, FIELD,
                            "DG14's ChipAuthenticationInfo and key disagree on DH versus ECDH");
        if (info->version != 1)
            return vfy_fail(detail, VFY_E_UNSUPPORTED, FIELD,
                            "Chip Authentication version %ld; only version 1 (eMRTD) is supported",
                            info->version);
        out->cipher = info->cipher;
    } else {
        /* FR: no ChipAuthenticationInfo. 9303-11 says the protocol is then the one of
         * the key, with 3DES, run by MSE:Set KAT. */
        out->cipher = VFY_LDS_3DES;
        out->use_kat = true;
    }
    return VFY_OK;
}

/* The terminal's ephemeral key and the shared secret, for either agreement. */
typedef struct ca_exchange {
    uint8_t pub[VFY_KA_MAX_PUBLIC];
    size_t pub_len;
    vfy_secret k;
} ca_exchange;

static vfy_status ecdh_exchange(vfy_channel *ch, EVP_PKEY *chip, ca_exchange *x, vfy_detail *detail)
{
    char curve[64];
    EVP_PKEY *named = lds_ec_key_to_named(chip, curve, sizeof curve);
    EVP_PKEY *use = named != NULL ? named : chip;
    size_t n;
    if (named == NULL &&
        EVP_PKEY_get_utf8_string_param(chip, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, &n) != 1) {
        EVP_PKEY_free(named);
        return vfy_fail(detail, VFY_E_UNSUPPORTED, FIELD,
                        "the Chip Authentication key is on a curve that matches no named curve");
    }
    uint8_t chip_pub[VFY_KA_MAX_PUBLIC];
    size_t chip_len = 0;
    int ok = EVP_PKEY_get_octet_string_param(use, OSSL_PKEY_PARAM_PUB_KEY, chip_pub, sizeof chip_pub, &chip_len);
    EVP_PKEY_free(named);
    if (ok != 1)
        return vfy_fail(detail, VFY_E_BAD_VALUE, FIELD, "the Chip Authentication public point cannot be read");
    vfy_ka_group *g = NULL;
    VFY_TRY(vfy_ka_group_ec(OBJ_sn2nid(curve), &g, detail));
    vfy_secret priv = { 0 };
    uint8_t secret[VFY_KA_MAX_SECRET];
    size_t secret_len = 0;
    vfy_status s = vfy_ka_keygen(g, &ch->rng, &priv, x->pub, sizeof x->pub, &x->pub_len, detail);
    if (s == VFY_OK)
        s = vfy_ka_shared_secret(g, &priv, chip_pub, chip_len, secret, sizeof secret, &secret_len, detail);
    if (s == VFY_OK)
        s = vfy_secret_set(&x->k, secret, secret_len, detail);
    vfy_wipe(secret, sizeof secret);
    vfy_secret_free(&priv);
    vfy_ka_group_free(g);
    return s;
}

static vfy_status dh_exchange(EVP_PKEY *chip, ca_exchange *x, vfy_detail *detail)
{
    EVP_PKEY_CTX *gen = EVP_PKEY_CTX_new(chip, NULL);
    EVP_PKEY *eph = NULL;
    EVP_PKEY_CTX *der = NULL;
    BIGNUM *y = NULL, *p = NULL;
    uint8_t secret[VFY_KA_MAX_SECRET];
    size_t secret_len = sizeof secret;
    vfy_status s = vfy_fail(detail, VFY_E_CRYPTO, FIELD, "DH key agreement failed");
    if (gen == NULL || EVP_PKEY_keygen_init(gen) != 1 || EVP_PKEY_keygen(gen, &eph) != 1)
        goto out;
    if (EVP_PKEY_get_bn_param(eph, OSSL_PKEY_PARAM_PUB_KEY, &y) != 1 ||
        EVP_PKEY_get_bn_param(eph, OSSL_PKEY_PARAM_FFC_P, &p) != 1)
        goto out;
    int plen = BN_num_bytes(p);
    if (plen <= 0 || (size_t)plen > sizeof x->pub || BN_bn2binpad(y, x->pub, plen) != plen)
        goto out;
    x->pub_len = (size_t)plen;
    der = EVP_PKEY_CTX_new(eph, NULL);
    if (der == NULL || EVP_PKEY_derive_init(der) != 1 || EVP_PKEY_CTX_set_dh_pad(der, 1) != 1 ||
        EVP_PKEY_derive_set_peer(der, chip) != 1 || EVP_PKEY_derive(der, secret, &secret_len) != 1)
        goto out;
    s = vfy_secret_set(&x->k, secret, secret_len, detail);
out:
    vfy_wipe(secret, sizeof secret);
    EVP_PKEY_CTX_free(der);
    EVP_PKEY_CTX_free(gen);
    EVP_PKEY_free(eph);
    BN_free(y);
    BN_free(p);
    return s;
}

/* A keyId as the minimal unsigned big-endian bytes of tag 84 (TR-03110-3 B.11.1). */
static void put_key_id(vfy_writer *w, long id)
{
    unsigned long v = (unsigned long)id;
    size_t n = 1;
    while (n < sizeof v && (v >> (8 * n)) != 0)
        n++;
    vfy_w_ber_tl(w, 0x84, n);
    for (size_t i = n; i > 0; i--)
        vfy_w_u8(w, (uint8_t)(v >> (8 * (i - 1))));
}

static void put_tlv(vfy_writer *w, uint32_t tag, const uint8_t *v, size_t len)
{
    vfy_w_ber_tl(w, tag, len);
    vfy_w_bytes(w, v, len);
}

static vfy_status send_commands(vfy_channel *ch, const auth_ca_plan *plan, const ca_exchange *x,
                                vfy_detail *detail)
{
    uint8_t data[VFY_KA_MAX_PUBLIC + 64], resp[64];
    size_t n = 0, rlen = 0;
    vfy_writer w;
    vfy_w_init(&w, data, sizeof data);
    if (plan->use_kat) {
        /* MSE:Set KAT, TR-03110-3 B.11.2: 91 ephemeral key, 84 key id. */
        put_tlv(&w, 0x91, x->pub, x->pub_len);
        if (plan->key->has_key_id)
            put_key_id(&w, plan->key->key_id);
        VFY_TRY(vfy_w_finish(&w, &n, VFY_E_INTERNAL, "MSE:Set KAT", detail));
        vfy_apdu kat = { .cla = 0x00, .ins = 0x22, .p1 = 0x41, .p2 = 0xA6, .data = data, .data_len = n };
        return vfy_channel_transmit_ok(ch, &kat, "MSE:Set KAT", resp, sizeof resp, &rlen, detail);
    }
    /* MSE:Set AT, TR-03110-3 B.11.1: 80 protocol, 84 key id. */
    put_tlv(&w, 0x80, plan->info->oid_der.data, plan->info->oid_der.len);
    if (plan->key->has_key_id)
        put_key_id(&w, plan->key->key_id);
    VFY_TRY(vfy_w_finish(&w, &n, VFY_E_INTERNAL, "MSE:Set AT (Chip Authentication)", detail));
    vfy_apdu at = { .cla = 0x00, .ins = 0x22, .p1 = 0x41, .p2 = 0xA4, .data = data, .data_len = n };
    VFY_TRY(vfy_channel_transmit_ok(ch, &at, "MSE:Set AT (Chip Authentication)", resp, sizeof resp,
                                    &rlen, detail));
    /* GENERAL AUTHENTICATE: 7C { 80 ephemeral key }. */
    vfy_w_init(&w, data, sizeof data);
    size_t dad = vfy_w_ber_open(&w, 0x7C);
    put_tlv(&w, 0x80, x->pub, x->pub_len);
    vfy_w_ber_close(&w, dad);
    VFY_TRY(vfy_w_finish(&w, &n, VFY_E_INTERNAL, "GENERAL AUTHENTICATE (Chip Authentication)",
                         detail));
    vfy_apdu ga = { .cla = 0x00, .ins = 0x86, .p1 = 0x00, .p2 = 0x00, .data = data, .data_len = n,
                    .le = 256 };
    VFY_TRY(vfy_channel_transmit_ok(ch, &ga, "GENERAL AUTHENTICATE (Chip Authentication)", resp,
                                    sizeof resp, &rlen, detail));
    vfy_cursor c;
    vfy_cur_init(&c, resp, rlen, FIELD, detail);
    vfy_tlv t;
    VFY_TRY(vfy_tlv_expect(&c, 0x7C, 0, &t));
    return vfy_cur_expect_end(&c);
}

vfy_status auth_chip(vfy_channel *ch, const uint8_t *dg14, size_t dg14_len, vfy_detail *detail)
{
    if (!vfy_channel_sm_active(ch))
        return vfy_fail(detail, VFY_E_SM_REQUIRED, FIELD,
                        "Chip Authentication needs secure messaging from BAC or PACE first");
    vfy_security_infos infos;
    VFY_TRY(vfy_lds_parse_dg14(dg14, dg14_len, &infos, detail));
    auth_ca_plan plan;
    VFY_TRY(auth_ca_plan_from(&infos, &plan, detail));
    EVP_PKEY *chip = NULL;
    VFY_TRY(lds_decode_spki(plan.key->public_key.data, plan.key->public_key.len, "DG14", detail, &chip));
    ca_exchange x = { 0 };
    vfy_status s = plan.agreement == VFY_LDS_KA_ECDH ? ecdh_exchange(ch, chip, &x, detail)
                                                     : dh_exchange(chip, &x, detail);
    EVP_PKEY_free(chip);
    if (s == VFY_OK)
        s = send_commands(ch, &plan, &x, detail);
    uint8_t ks_enc[VFY_CIPHER_MAX_KEY], ks_mac[VFY_CIPHER_MAX_KEY];
    vfy_cipher cipher = (vfy_cipher)plan.cipher; /* same numbering as the LDS enum */
    if (s == VFY_OK)
        s = vfy_kdf(cipher, x.k.bytes, x.k.len, VFY_KDF_ENC, ks_enc, detail);
    if (s == VFY_OK)
        s = vfy_kdf(cipher, x.k.bytes, x.k.len, VFY_KDF_MAC, ks_mac, detail);
    vfy_secret_free(&x.k);
    if (s == VFY_OK)
        s = vfy_channel_set_sm(ch, cipher, ks_enc, ks_mac, NULL, detail);
    vfy_wipe(ks_enc, sizeof ks_enc);
    vfy_wipe(ks_mac, sizeof ks_mac);
    if (s != VFY_OK)
        return s;
    /* The chip proves it knows the private key by answering under the new keys. */
    static const uint8_t dg14_fid[] = { 0x01, 0x0E };
    vfy_apdu select = { .cla = 0x00, .ins = 0xA4, .p1 = 0x02, .p2 = 0x0C, .data = dg14_fid,
                        .data_len = sizeof dg14_fid };
    uint8_t resp[16];
    size_t rlen;
    vfy_detail inner;
    vfy_detail_clear(&inner);
    s = vfy_channel_transmit_ok(ch, &select, "SELECT after Chip Authentication", resp, sizeof resp,
                                &rlen, &inner);
    if (s != VFY_OK)
        return vfy_fail(detail, VFY_E_CA_FAILED, FIELD,
                        "the chip did not answer under the Chip Authentication keys (%s): "
                        "it does not hold DG14's private key", inner.message);
    return VFY_OK;
}
