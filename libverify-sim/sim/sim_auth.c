/*
 * The simulated chip's side of Active Authentication (INTERNAL AUTHENTICATE) and Chip
 * Authentication v1 (MSE:Set KAT, or MSE:Set AT + GENERAL AUTHENTICATE), with the
 * private keys of the passport: aa_private.pem and chipauth_private.pem of the dump
 * folder, or of the built-in specimen. A chip without the key does not know the
 * command (6D00), as a chip without AA or CA would answer.
 *
 * Written apart from the terminal (libverify/auth): OpenSSL does the RSA, ECDSA, ECDH
 * and DH operations on the chip's keys; the shared crypto layer gives the KDF.
 * After CA the new session keys take effect once the answer to the command that
 * carried the terminal's key has left under the old ones (sim_auth_after_response).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "core/cursor.h"
#include "specimen/embedded.h"
#include "core/tlv.h"
#include "crypto/crypto.h"
#include "sim/sim_internal.h"

struct sim_auth_state {
    bool loaded;
    EVP_PKEY *aa_key, *ca_key;
    bool ca_selected;            /* MSE:Set AT named a CA protocol */
    enum sim_sm_cipher ca_cipher;
    size_t ca_key_len;
    bool switch_pending;         /* new SM keys wait for the current answer to leave */
    enum sim_sm_cipher new_cipher;
    uint8_t new_keys[2 * VFY_CIPHER_MAX_KEY];
    size_t new_key_len;
};

static EVP_PKEY *load_key(const vfy_sim_chip *c, const char *name)
{
    BIO *bio = NULL;
    if (c->p.dir[0] != '\0') {
        char path[SIM_DIR_MAX + 32];
        snprintf(path, sizeof path, "%s/%s", c->p.dir, name);
        bio = BIO_new_file(path, "rb");
    } else {
        char embedded[64];
        snprintf(embedded, sizeof embedded, "specimen/%s", name);
        const struct vfy_embedded_file *f = vfy_embedded_find(embedded);
        if (f != NULL)
            bio = BIO_new_mem_buf(f->data, (int)f->len);
    }
    if (bio == NULL)
        return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return key;
}

static struct sim_auth_state *auth(vfy_sim_chip *c)
{
    if (c->auth == NULL)
        c->auth = calloc(1, sizeof *c->auth);
    if (c->auth != NULL && !c->auth->loaded) {
        c->auth->aa_key = load_key(c, "aa_private.pem");
        c->auth->ca_key = load_key(c, "chipauth_private.pem");
        c->auth->loaded = true;
    }
    return c->auth;
}

void sim_auth_reset(vfy_sim_chip *c)
{
    if (c->auth == NULL)
        return;
    c->auth->ca_selected = false;
    c->auth->switch_pending = false;
    vfy_wipe(c->auth->new_keys, sizeof c->auth->new_keys);
}

void sim_auth_free(vfy_sim_chip *c)
{
    if (c->auth == NULL)
        return;
    sim_auth_reset(c);
    EVP_PKEY_free(c->auth->aa_key);
    EVP_PKEY_free(c->auth->ca_key);
    free(c->auth);
    c->auth = NULL;
}

void sim_auth_after_response(vfy_sim_chip *c)
{
    struct sim_auth_state *s = c->auth;
    if (s == NULL || !s->switch_pending)
        return;
    s->switch_pending = false;
    uint8_t ssc[16] = { 0 };
    if (sim_sm_open(&c->sm, s->new_cipher, s->new_keys, s->new_keys + s->new_key_len, s->new_key_len,
                    ssc) != VFY_OK) {
        sim_sm_close(&c->sm);
        c->access_granted = false;
    }
    vfy_wipe(s->new_keys, sizeof s->new_keys);
}

/* ---- Active Authentication --------------------------------------------------------- */

static bool rsa_9796_2_sign(vfy_sim_chip *c, EVP_PKEY *key, const uint8_t *challenge, size_t n,
                            struct sim_resp *r)
{
    size_t k = (size_t)EVP_PKEY_get_size(key);
    if (k < 64 || k > 512)
        return false;
    uint8_t block[512], input[512 + 8];
    size_t m1 = k - 1 - 32 - 2;
    block[0] = 0x6A;                 /* ISO/IEC 9796-2 scheme 1, partial recovery */
    sim_random(c, block + 1, m1);
    memcpy(input, block + 1, m1);
    memcpy(input + m1, challenge, n);
    if (vfy_sha256(input, m1 + n, block + 1 + m1, NULL) != VFY_OK)
        return false;
    block[k - 2] = 0x34;             /* SHA-256 */
    block[k - 1] = 0xCC;
    size_t out = SIM_RESP_MAX;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
    bool ok = ctx != NULL && EVP_PKEY_sign_init(ctx) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) == 1 &&
              EVP_PKEY_sign(ctx, r->data, &out, block, k) == 1;
    EVP_PKEY_CTX_free(ctx);
    r->len = ok ? out : 0;
    return ok;
}

static bool ecdsa_sign_plain(EVP_PKEY *key, const uint8_t *challenge, size_t n, struct sim_resp *r)
{
    uint8_t der[160];
    size_t der_len = sizeof der;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = md != NULL && EVP_DigestSignInit_ex(md, NULL, "SHA256", NULL, NULL, key, NULL) == 1 &&
              EVP_DigestSign(md, der, &der_len, challenge, n) == 1;
    EVP_MD_CTX_free(md);
    if (!ok)
        return false;
    const unsigned char *p = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    if (sig == NULL)
        return false;
    int field = (EVP_PKEY_get_bits(key) + 7) / 8;
    /* Plain r||s (BSI TR-03111), each at the field length. */
    ok = BN_bn2binpad(ECDSA_SIG_get0_r(sig), r->data, field) == field &&
         BN_bn2binpad(ECDSA_SIG_get0_s(sig), r->data + field, field) == field;
    ECDSA_SIG_free(sig);
    r->len = ok ? 2 * (size_t)field : 0;
    return ok;
}

void sim_internal_authenticate(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r)
{
    struct sim_auth_state *s = auth(c);
    if (s == NULL || s->aa_key == NULL) {
        sim_resp_set(r, NULL, 0, SW_INS_UNKNOWN);
        return;
    }
    if (!c->access_granted) {
        sim_resp_set(r, NULL, 0, SW_SECURITY_STATUS);
        return;
    }
    if (a->lc != 8 || a->p1 != 0 || a->p2 != 0) {
        sim_resp_set(r, NULL, 0, a->lc != 8 ? SW_WRONG_LENGTH : SW_WRONG_P1P2);
        return;
    }
    bool ok = EVP_PKEY_is_a(s->aa_key, "RSA") ? rsa_9796_2_sign(c, s->aa_key, a->data, a->lc, r)
                                               : ecdsa_sign_plain(s->aa_key, a->data, a->lc, r);
    r->sw = ok ? SW_OK : SW_UNKNOWN;
    if (!ok)
        r->len = 0;
}

/* ---- Chip Authentication ------------------------------------------------------------- */

/* The terminal's public key as an EVP_PKEY on the chip key's group. */
static EVP_PKEY *peer_key(EVP_PKEY *chip, const uint8_t *pub, size_t len)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY *peer = NULL;
    BIGNUM *p = NULL, *q = NULL, *g = NULL, *y = NULL;
    char group[64];
    size_t n;
    bool ec = EVP_PKEY_is_a(chip, "EC");
    if (bld == NULL)
        goto out;
    if (ec) {
        if (EVP_PKEY_get_utf8_string_param(chip, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &n) != 1 ||
            OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
            OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, len) != 1)
            goto out;
    } else {
        y = BN_bin2bn(pub, (int)len, NULL);
        if (y == NULL || EVP_PKEY_get_bn_param(chip, OSSL_PKEY_PARAM_FFC_P, &p) != 1 ||
            EVP_PKEY_get_bn_param(chip, OSSL_PKEY_PARAM_FFC_Q, &q) != 1 ||
            EVP_PKEY_get_bn_param(chip, OSSL_PKEY_PARAM_FFC_G, &g) != 1 ||
            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, p) != 1 ||
            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_Q, q) != 1 ||
            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, g) != 1 ||
            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y) != 1)
            goto out;
    }
    params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, ec ? "EC" : "DHX", NULL);
    if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &peer, EVP_PKEY_PUBLIC_KEY, params) != 1)
        peer = NULL;
    EVP_PKEY_CTX_free(ctx);
out:
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(p);
    BN_free(q);
    BN_free(g);
    BN_free(y);
    return peer;
}

/* K from the terminal's key, then KS_enc/KS_mac (CA v1: KDF(K, c)), armed for after
 * the answer. */
static bool agree(vfy_sim_chip *c, struct sim_auth_state *s, const uint8_t *pub, size_t len)
{
    EVP_PKEY *peer = peer_key(s->ca_key, pub, len);
    if (peer == NULL)
        return false;
    uint8_t k[512];
    size_t k_len = sizeof k;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(s->ca_key, NULL);
    bool ok = ctx != NULL && EVP_PKEY_derive_init(ctx) == 1 &&
              (EVP_PKEY_is_a(s->ca_key, "EC") || EVP_PKEY_CTX_set_dh_pad(ctx, 1) == 1) &&
              EVP_PKEY_derive_set_peer(ctx, peer) == 1 && EVP_PKEY_derive(ctx, k, &k_len) == 1;
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(peer);
    vfy_cipher cipher = s->ca_cipher == SIM_SM_3DES ? VFY_CIPHER_3DES
                        : s->ca_key_len == 32       ? VFY_CIPHER_AES256
                        : s->ca_key_len == 24       ? VFY_CIPHER_AES192
                                                    : VFY_CIPHER_AES128;
    ok = ok && vfy_kdf(cipher, k, k_len, VFY_KDF_ENC, s->new_keys, NULL) == VFY_OK &&
         vfy_kdf(cipher, k, k_len, VFY_KDF_MAC, s->new_keys + s->ca_key_len, NULL) == VFY_OK;
    vfy_wipe(k, sizeof k);
    (void)c;
    if (!ok)
        return false;
    s->new_cipher = s->ca_cipher;
    s->new_key_len = s->ca_key_len;
    s->switch_pending = true;
    return true;
}

/* MSE:Set KAT (22 41 A6): 91 <terminal public key> [84 keyId]; CA with 3DES. */
void sim_mse_set_kat(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r)
{
    struct sim_auth_state *s = auth(c);
    if (s == NULL || s->ca_key == NULL) {
        sim_resp_set(r, NULL, 0, SW_INS_UNKNOWN);
        return;
    }
    vfy_cursor cur;
    vfy_cur_init(&cur, a->data, a->lc, "MSE:Set KAT", NULL);
    vfy_tlv t;
    if (!c->access_granted || c->sm.cipher == SIM_SM_NONE) {
        sim_resp_set(r, NULL, 0, SW_CONDITIONS);
        return;
    }
    if (vfy_tlv_expect(&cur, 0x91, 0, &t) != VFY_OK) {
        sim_resp_set(r, NULL, 0, SW_WRONG_DATA);
        return;
    }
    s->ca_cipher = SIM_SM_3DES;
    s->ca_key_len = 16;
    sim_resp_set(r, NULL, 0, agree(c, s, t.value.data, t.value.len) ? SW_OK : SW_WRONG_DATA);
}

/* MSE:Set AT for CA (22 41 A4): 80 <id-CA-* OID> [84 keyId]. */
void sim_mse_set_at_ca(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r)
{
    static const uint8_t id_ca[] = { 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x03 };
    struct sim_auth_state *s = auth(c);
    if (s == NULL || s->ca_key == NULL) {
        sim_resp_set(r, NULL, 0, SW_INS_UNKNOWN);
        return;
    }
    if (!c->access_granted || c->sm.cipher == SIM_SM_NONE) {
        sim_resp_set(r, NULL, 0, SW_CONDITIONS);
        return;
    }
    vfy_cursor cur;
    vfy_cur_init(&cur, a->data, a->lc, "MSE:Set AT", NULL);
    vfy_tlv t;
    if (vfy_tlv_expect(&cur, 0x80, 0, &t) != VFY_OK || t.value.len != sizeof id_ca + 2 ||
        memcmp(t.value.data, id_ca, sizeof id_ca) != 0) {
        sim_resp_set(r, NULL, 0, SW_REF_NOT_FOUND);
        return;
    }
    uint8_t ka = t.value.data[sizeof id_ca], suite = t.value.data[sizeof id_ca + 1];
    bool dh_key = !EVP_PKEY_is_a(s->ca_key, "EC");
    if ((ka == 1) != dh_key || (ka != 1 && ka != 2) || suite < 1 || suite > 4) {
        sim_resp_set(r, NULL, 0, SW_REF_NOT_FOUND);
        return;
    }
    static const size_t key_lens[] = { 0, 16, 16, 24, 32 };
    s->ca_cipher = suite == 1 ? SIM_SM_3DES : SIM_SM_AES;
    s->ca_key_len = key_lens[suite];
    s->ca_selected = true;
    sim_resp_set(r, NULL, 0, SW_OK);
}

/* GENERAL AUTHENTICATE: CA's (7C { 80 <terminal public key> }) after MSE:Set AT for CA,
 * otherwise PACE's. */
void sim_general_authenticate_any(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r)
{
    struct sim_auth_state *s = c->auth;
    if (s == NULL || !s->ca_selected) {
        sim_general_authenticate(c, a, r);
        return;
    }
    s->ca_selected = false;
    vfy_cursor cur;
    vfy_cur_init(&cur, a->data, a->lc, "GENERAL AUTHENTICATE", NULL);
    vfy_tlv dyn, pub;
    if (vfy_tlv_expect(&cur, 0x7C, 0, &dyn) != VFY_OK || vfy_tlv_expect(&dyn.value, 0x80, 0, &pub) != VFY_OK) {
        sim_resp_set(r, NULL, 0, SW_WRONG_DATA);
        return;
    }
    if (!agree(c, s, pub.value.data, pub.value.len)) {
        sim_resp_set(r, NULL, 0, SW_WRONG_DATA);
        return;
    }
    static const uint8_t empty_dynamic[] = { 0x7C, 0x00 };
    sim_resp_set(r, empty_dynamic, sizeof empty_dynamic, SW_OK);
}

struct evp_pkey_st *sim_auth_ca_key(vfy_sim_chip *c)
{
    struct sim_auth_state *s = auth(c);
    return s != NULL ? s->ca_key : NULL;
}
