/* The 9303 primitives against the ICAO worked examples (appendices D, G, H, I). */
#include <criterion/criterion.h>
#include <string.h>

#include "chip_vectors.h"
#include "crypto/crypto.h"
#include "support.h"

Test(crypto, bac_key_derivation_appendix_d)
{
    json_t *v = vec_load("bac_appendix_d.json");
    const char *mi = vec_str(v, "mrz_information");
    uint8_t sha[20], k[16];
    cr_assert_eq(vfy_sha1((const uint8_t *)mi, strlen(mi), sha, NULL), VFY_OK);
    vec_expect(v, "sha1_mrz_information", sha, 20);
    cr_assert_eq(vfy_kdf(VFY_CIPHER_3DES, sha, 16, VFY_KDF_ENC, k, NULL), VFY_OK);
    vec_expect(v, "key_derivation.kenc", k, 16);
    cr_assert_eq(vfy_kdf(VFY_CIPHER_3DES, sha, 16, VFY_KDF_MAC, k, NULL), VFY_OK);
    vec_expect(v, "key_derivation.kmac", k, 16);
    size_t n;
    uint8_t *seed = vec_hex(v, "kseed_session", &n);
    cr_assert_eq(vfy_kdf(VFY_CIPHER_3DES, seed, n, VFY_KDF_ENC, k, NULL), VFY_OK);
    vec_expect(v, "ks_enc", k, 16);
    cr_assert_eq(vfy_kdf(VFY_CIPHER_3DES, seed, n, VFY_KDF_MAC, k, NULL), VFY_OK);
    vec_expect(v, "ks_mac", k, 16);
    free(seed);
    json_decref(v);
}

Test(crypto, des_parity)
{
    uint8_t k[2] = { 0xab, 0x94 };
    vfy_des_set_parity(k, 2);
    cr_assert_eq(k[0], 0xab);
    cr_assert_eq(k[1], 0x94);
    uint8_t k2[2] = { 0xfc, 0xed };
    vfy_des_set_parity(k2, 2);
    cr_assert_eq(k2[0], 0xfd);
    cr_assert_eq(k2[1], 0xec);
}

Test(crypto, bac_mutual_authentication_cipher_and_mac)
{
    json_t *v = vec_load("bac_appendix_d.json");
    size_t n, kn;
    uint8_t *s = vec_hex(v, "s", &n);
    uint8_t *kenc = vec_hex(v, "key_derivation.kenc", &kn);
    uint8_t *kmac = vec_hex(v, "key_derivation.kmac", &kn);
    uint8_t e[32], m[8], padded[48];
    cr_assert_eq(vfy_cbc_encrypt(VFY_CIPHER_3DES, kenc, NULL, s, 32, e, NULL), VFY_OK);
    vec_expect(v, "e_ifd", e, 32);
    memcpy(padded, e, 32);
    size_t pn;
    cr_assert_eq(vfy_pad(padded, 32, sizeof padded, 8, &pn, NULL), VFY_OK);
    cr_assert_eq(pn, 40);
    cr_assert_eq(vfy_mac8(VFY_CIPHER_3DES, kmac, padded, pn, m, NULL), VFY_OK);
    vec_expect(v, "m_ifd", m, 8);
    uint8_t *eic = vec_hex(v, "e_ic", &n);
    uint8_t r[32];
    cr_assert_eq(vfy_cbc_decrypt(VFY_CIPHER_3DES, kenc, NULL, eic, 32, r, NULL), VFY_OK);
    vec_expect(v, "r", r, 32);
    free(s);
    free(kenc);
    free(kmac);
    free(eic);
    json_decref(v);
}

Test(crypto, retail_mac_appendix_d4)
{
    json_t *v = vec_load("secure_messaging_3des_appendix_d4.json");
    size_t n, kn;
    uint8_t *kmac = vec_hex(v, "ks_mac", &kn);
    const char *paths[][2] = { { "exchanges.0.N", "exchanges.0.cc" },
                               { "exchanges.1.N", "exchanges.1.cc" },
                               { "exchanges.2.N", "exchanges.2.cc" },
                               { "exchanges.2.K", "exchanges.2.cc_rsp" } };
    for (size_t i = 0; i < 4; i++) {
        uint8_t *data = vec_hex(v, paths[i][0], &n);
        uint8_t mac[8];
        cr_assert_eq(vfy_retail_mac(kmac, data, n, mac, NULL), VFY_OK);
        vec_expect(v, paths[i][1], mac, 8);
        free(data);
    }
    uint8_t odd[7] = { 0 }, mac[8];
    cr_assert_eq(vfy_retail_mac(kmac, odd, 7, mac, NULL), VFY_E_INVALID_ARGUMENT);
    free(kmac);
    json_decref(v);
}

Test(crypto, padding_roundtrip_and_rejects)
{
    uint8_t buf[32] = { 1, 2, 3 };
    size_t n, u;
    cr_assert_eq(vfy_pad(buf, 3, sizeof buf, 8, &n, NULL), VFY_OK);
    cr_assert_eq(n, 8);
    cr_assert_eq(buf[3], 0x80);
    cr_assert_eq(buf[7], 0x00);
    cr_assert_eq(vfy_unpad(buf, n, 8, &u, NULL), VFY_OK);
    cr_assert_eq(u, 3);
    cr_assert_eq(vfy_pad(buf, 8, sizeof buf, 8, &n, NULL), VFY_OK);
    cr_assert_eq(n, 16);
    uint8_t bad[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    cr_assert_eq(vfy_unpad(bad, 8, 8, &u, NULL), VFY_E_BAD_VALUE);
    cr_assert_eq(vfy_pad(buf, 8, 8, 8, &n, NULL), VFY_E_INVALID_ARGUMENT);
}

Test(crypto, secrets_are_guarded_and_freed)
{
    vfy_secret s = { 0 };
    const uint8_t k[4] = { 1, 2, 3, 4 };
    cr_assert_eq(vfy_secret_set(&s, k, 4, NULL), VFY_OK);
    cr_assert_eq(s.len, 4);
    cr_assert_eq(memcmp(s.bytes, k, 4), 0);
    vfy_secret_free(&s);
    cr_assert_null(s.bytes);
    vfy_secret_free(&s);
}

/* G.1 end to end on the primitives: K_pi, nonce, mapping, keys, shared secret, tokens. */
Test(crypto, pace_gm_ecdh_appendix_g1)
{
    json_t *v = vec_load("pace_gm_ecdh_appendix_g1.json");
    size_t n, zn;
    const char *mi = vec_str(v, "mrz_information");
    uint8_t k[20], kpi[16];
    cr_assert_eq(vfy_sha1((const uint8_t *)mi, strlen(mi), k, NULL), VFY_OK);
    vec_expect(v, "K_sha1_mrz", k, 20);
    cr_assert_eq(vfy_kdf(VFY_CIPHER_AES128, k, 20, VFY_KDF_PI, kpi, NULL), VFY_OK);
    vec_expect(v, "K_pi", kpi, 16);
    uint8_t *z = vec_hex(v, "encrypted_nonce_z", &zn);
    uint8_t s[16];
    cr_assert_eq(vfy_cbc_decrypt(VFY_CIPHER_AES128, kpi, NULL, z, zn, s, NULL), VFY_OK);
    vec_expect(v, "nonce_s", s, 16);

    vfy_ka_group *g = NULL, *mapped = NULL;
    cr_assert_eq(vfy_ka_group_standard(13, &g, NULL), VFY_OK);
    cr_assert_str_eq(vfy_ka_group_name(g), "brainpoolP256r1");
    script_rng rs = { 0 };
    script_rng_add_hex(&rs, vec_str(v, "terminal_mapping_private"));
    script_rng_add_hex(&rs, vec_str(v, "terminal_ephemeral_private"));
    vfy_rng rng = script_rng_as_rng(&rs);
    vfy_secret priv = { 0 };
    uint8_t pub[VFY_KA_MAX_PUBLIC], h[VFY_KA_MAX_PUBLIC], gen[VFY_KA_MAX_PUBLIC];
    size_t pub_len, h_len, gen_len;
    cr_assert_eq(vfy_ka_keygen(g, &rng, &priv, pub, sizeof pub, &pub_len, NULL), VFY_OK);
    vec_expect(v, "terminal_mapping_public", pub, pub_len);
    uint8_t *chip_map = vec_hex(v, "chip_mapping_public", &n);
    cr_assert_eq(vfy_ka_shared_element(g, &priv, chip_map, n, h, sizeof h, &h_len, NULL), VFY_OK);
    vec_expect(v, "shared_point_H", h, h_len);
    cr_assert_eq(vfy_ka_map_generic(g, s, 16, h, h_len, &mapped, NULL), VFY_OK);
    cr_assert_eq(vfy_ka_generator(mapped, gen, sizeof gen, &gen_len, NULL), VFY_OK);
    vec_expect(v, "mapped_generator", gen, gen_len);
    cr_assert_eq(vfy_ka_keygen(mapped, &rng, &priv, pub, sizeof pub, &pub_len, NULL), VFY_OK);
    vec_expect(v, "terminal_ephemeral_public", pub, pub_len);
    uint8_t *chip_eph = vec_hex(v, "chip_ephemeral_public", &n);
    uint8_t kk[VFY_KA_MAX_SECRET];
    size_t kk_len;
    cr_assert_eq(vfy_ka_shared_secret(mapped, &priv, chip_eph, n, kk, sizeof kk, &kk_len, NULL),
                 VFY_OK);
    vec_expect(v, "shared_secret_K", kk, kk_len);
    uint8_t ks[16];
    cr_assert_eq(vfy_kdf(VFY_CIPHER_AES128, kk, kk_len, VFY_KDF_ENC, ks, NULL), VFY_OK);
    vec_expect(v, "ks_enc", ks, 16);
    cr_assert_eq(vfy_kdf(VFY_CIPHER_AES128, kk, kk_len, VFY_KDF_MAC, ks, NULL), VFY_OK);
    vec_expect(v, "ks_mac", ks, 16);
    uint8_t *tin = vec_hex(v, "t_ifd_input", &n);
    uint8_t t[8];
    cr_assert_eq(vfy_mac8(VFY_CIPHER_AES128, ks, tin, n, t, NULL), VFY_OK);
    vec_expect(v, "t_ifd", t, 8);
    /* A point off the curve is refused. */
    chip_eph[10] ^= 1;
    cr_assert_eq(vfy_ka_check_public(mapped, chip_eph, 65, NULL), VFY_E_BAD_VALUE);
    cr_assert_eq(vfy_ka_check_public(mapped, chip_eph, 33, NULL), VFY_E_BAD_VALUE);
    free(tin);
    free(chip_eph);
    free(chip_map);
    free(z);
    vfy_secret_free(&priv);
    vfy_ka_group_free(mapped);
    vfy_ka_group_free(g);
    script_rng_free(&rs);
    json_decref(v);
}

Test(crypto, pace_gm_dh_appendix_g2)
{
    json_t *v = vec_load("pace_gm_dh_appendix_g2.json");
    vfy_ka_group *g = NULL, *mapped = NULL;
    cr_assert_eq(vfy_ka_group_standard(0, &g, NULL), VFY_OK);
    size_t n;
    uint8_t gen[VFY_KA_MAX_PUBLIC], pub[VFY_KA_MAX_PUBLIC], h[VFY_KA_MAX_PUBLIC];
    size_t gen_len, pub_len, h_len;
    cr_assert_eq(vfy_ka_generator(g, gen, sizeof gen, &gen_len, NULL), VFY_OK);
    vec_expect(v, "group.g", gen, gen_len);
    script_rng rs = { 0 };
    script_rng_add_hex(&rs, vec_str(v, "terminal_mapping_private"));
    script_rng_add_hex(&rs, vec_str(v, "terminal_ephemeral_private"));
    vfy_rng rng = script_rng_as_rng(&rs);
    vfy_secret priv = { 0 };
    cr_assert_eq(vfy_ka_keygen(g, &rng, &priv, pub, sizeof pub, &pub_len, NULL), VFY_OK);
    vec_expect(v, "terminal_mapping_public", pub, pub_len);
    uint8_t *chip_map = vec_hex(v, "chip_mapping_public", &n);
    cr_assert_eq(vfy_ka_shared_element(g, &priv, chip_map, n, h, sizeof h, &h_len, NULL), VFY_OK);
    vec_expect(v, "shared_secret_h", h, h_len);
    uint8_t *s = vec_hex(v, "nonce_s", &n);
    cr_assert_eq(vfy_ka_map_generic(g, s, n, h, h_len, &mapped, NULL), VFY_OK);
    cr_assert_eq(vfy_ka_generator(mapped, gen, sizeof gen, &gen_len, NULL), VFY_OK);
    vec_expect(v, "mapped_generator", gen, gen_len);
    cr_assert_eq(vfy_ka_keygen(mapped, &rng, &priv, pub, sizeof pub, &pub_len, NULL), VFY_OK);
    vec_expect(v, "terminal_ephemeral_public", pub, pub_len);
    uint8_t *chip_eph = vec_hex(v, "chip_ephemeral_public", &n);
    uint8_t kk[VFY_KA_MAX_SECRET];
    size_t kk_len;
    cr_assert_eq(vfy_ka_shared_secret(mapped, &priv, chip_eph, n, kk, sizeof kk, &kk_len, NULL),
                 VFY_OK);
    vec_expect(v, "shared_secret_K", kk, kk_len);
    /* 1 and p-1 are refused as public values. */
    uint8_t one[128] = { 0 };
    one[127] = 1;
    cr_assert_eq(vfy_ka_check_public(mapped, one, 128, NULL), VFY_E_BAD_VALUE);
    free(chip_eph);
    free(s);
    free(chip_map);
    vfy_secret_free(&priv);
    vfy_ka_group_free(mapped);
    vfy_ka_group_free(g);
    script_rng_free(&rs);
    json_decref(v);
}

/* R_p(s, t) and the mapped generator of an integrated-mapping example; returns the mapped
 * group (caller frees). */
static vfy_ka_group *check_im_mapping(json_t *v, unsigned group_id)
{
    size_t sn, tn;
    uint8_t *s = vec_hex(v, "nonce_s", &sn), *t = vec_hex(v, "nonce_t", &tn);
    vfy_ka_group *g = NULL, *mapped = NULL;
    cr_assert_eq(vfy_ka_group_standard(group_id, &g, NULL), VFY_OK);
    uint8_t r[256], gen[VFY_KA_MAX_PUBLIC];
    size_t r_len, gen_len;
    cr_assert_eq(vfy_ka_im_prf(g, VFY_CIPHER_AES128, s, sn, t, tn, r, sizeof r, &r_len, NULL),
                 VFY_OK);
    vec_expect(v, "R_p_s_t", r, r_len);
    cr_assert_eq(vfy_ka_map_integrated(g, VFY_CIPHER_AES128, s, sn, t, tn, &mapped, NULL),
                 VFY_OK);
    cr_assert_eq(vfy_ka_generator(mapped, gen, sizeof gen, &gen_len, NULL), VFY_OK);
    vec_expect(v, "mapped_generator", gen, gen_len);
    free(s);
    free(t);
    vfy_ka_group_free(g);
    return mapped;
}

Test(crypto, pace_im_ecdh_appendix_h1)
{
    json_t *v = vec_load("pace_im_ecdh_appendix_h1.json");
    uint8_t kpi[16];
    const char *pw = vec_str(v, "password");
    cr_assert_eq(vfy_kdf(VFY_CIPHER_AES128, (const uint8_t *)pw, strlen(pw), VFY_KDF_PI, kpi,
                         NULL), VFY_OK);
    vec_expect(v, "K_pi", kpi, 16);
    vfy_ka_group_free(check_im_mapping(v, 13));
    json_decref(v);
}

Test(crypto, cam_check_appendix_i)
{
    json_t *v = vec_load("pace_cam_ecdh_appendix_i.json");
    size_t n, kn, iv_n;
    uint8_t *kenc = vec_hex(v, "ks_enc", &kn);
    uint8_t ff[16], iv[16];
    memset(ff, 0xff, 16);
    cr_assert_eq(vfy_ecb_encrypt(VFY_CIPHER_AES128, kenc, ff, 16, iv, NULL), VFY_OK);
    vec_expect(v, "a_ic_iv", iv, 16);
    uint8_t *a = vec_hex(v, "encrypted_chip_authentication_data_A_IC", &n);
    uint8_t ca[64];
    cr_assert_eq(vfy_cbc_decrypt(VFY_CIPHER_AES128, kenc, iv, a, n, ca, NULL), VFY_OK);
    cr_assert_eq(vfy_unpad(ca, n, 16, &iv_n, NULL), VFY_OK);
    vec_expect(v, "CA_IC", ca, iv_n);
    vfy_ka_group *g = NULL;
    cr_assert_eq(vfy_ka_group_standard(13, &g, NULL), VFY_OK);
    size_t pk_n;
    uint8_t *pk = vec_hex(v, "chip_static_public_key_PK_IC", &pk_n);
    uint8_t out[VFY_KA_MAX_PUBLIC];
    size_t out_len;
    cr_assert_eq(vfy_ka_ec_mul(g, ca, iv_n, pk, pk_n, out, sizeof out, &out_len, NULL), VFY_OK);
    vec_expect(v, "chip_mapping_public", out, out_len);
    free(pk);
    free(a);
    free(kenc);
    vfy_ka_group_free(g);
    json_decref(v);
}

Test(crypto, every_standard_group_makes_keys_that_agree)
{
    const unsigned ids[] = { 0, 1, 2, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18 };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        vfy_ka_group *g = NULL;
        cr_assert_eq(vfy_ka_group_standard(ids[i], &g, NULL), VFY_OK, "id %u", ids[i]);
        vfy_secret a = { 0 }, b = { 0 };
        uint8_t pa[VFY_KA_MAX_PUBLIC], pb[VFY_KA_MAX_PUBLIC];
        uint8_t ka[VFY_KA_MAX_SECRET], kb[VFY_KA_MAX_SECRET];
        size_t la, lb, ska, skb;
        cr_assert_eq(vfy_ka_keygen(g, NULL, &a, pa, sizeof pa, &la, NULL), VFY_OK);
        cr_assert_eq(vfy_ka_keygen(g, NULL, &b, pb, sizeof pb, &lb, NULL), VFY_OK);
        cr_assert_eq(la, vfy_ka_public_len(g));
        cr_assert_eq(vfy_ka_shared_secret(g, &a, pb, lb, ka, sizeof ka, &ska, NULL), VFY_OK);
        cr_assert_eq(vfy_ka_shared_secret(g, &b, pa, la, kb, sizeof kb, &skb, NULL), VFY_OK);
        cr_assert_eq(ska, vfy_ka_secret_len(g), "full field length for id %u", ids[i]);
        cr_assert_eq(ska, skb);
        cr_assert_eq(memcmp(ka, kb, ska), 0);
        vfy_secret_free(&a);
        vfy_secret_free(&b);
        vfy_ka_group_free(g);
    }
    vfy_ka_group *g = NULL;
    cr_assert_eq(vfy_ka_group_standard(5, &g, NULL), VFY_E_UNSUPPORTED);
}

/* H.2: DH integrated mapping. The terminal's private key of the appendix is longer than q,
 * so the key agreement is checked from it directly rather than through keygen. */
Test(crypto, pace_im_dh_appendix_h2)
{
    json_t *v = vec_load("pace_im_dh_appendix_h2.json");
    size_t n, zn;
    uint8_t kpi[16];
    const char *pw = vec_str(v, "password");
    cr_assert_eq(vfy_kdf(VFY_CIPHER_AES128, (const uint8_t *)pw, strlen(pw), VFY_KDF_PI, kpi,
                         NULL), VFY_OK);
    vec_expect(v, "K_pi", kpi, 16);
    uint8_t *z = vec_hex(v, "encrypted_nonce_z", &zn), s_dec[16];
    cr_assert_eq(vfy_cbc_decrypt(VFY_CIPHER_AES128, kpi, NULL, z, zn, s_dec, NULL), VFY_OK);
    vec_expect(v, "nonce_s", s_dec, 16);
    vfy_ka_group *mapped = check_im_mapping(v, 0);
    uint8_t *priv_bytes = vec_hex(v, "terminal_ephemeral_private", &n);
    vfy_secret priv = { 0 };
    cr_assert_eq(vfy_secret_set(&priv, priv_bytes, n, NULL), VFY_OK);
    uint8_t *chip = vec_hex(v, "chip_ephemeral_public", &n);
    uint8_t k[VFY_KA_MAX_SECRET], ks[16], tok[8];
    size_t kl;
    cr_assert_eq(vfy_ka_shared_secret(mapped, &priv, chip, n, k, sizeof k, &kl, NULL), VFY_OK);
    vec_expect(v, "shared_secret_K", k, kl);
    cr_assert_eq(vfy_kdf(VFY_CIPHER_AES128, k, kl, VFY_KDF_ENC, ks, NULL), VFY_OK);
    vec_expect(v, "ks_enc", ks, 16);
    cr_assert_eq(vfy_kdf(VFY_CIPHER_AES128, k, kl, VFY_KDF_MAC, ks, NULL), VFY_OK);
    vec_expect(v, "ks_mac", ks, 16);
    uint8_t *tin = vec_hex(v, "t_ifd_input", &n);
    cr_assert_eq(vfy_mac8(VFY_CIPHER_AES128, ks, tin, n, tok, NULL), VFY_OK);
    vec_expect(v, "t_ifd", tok, 8);
    free(tin);
    free(chip);
    free(priv_bytes);
    vfy_secret_free(&priv);
    free(z);
    vfy_ka_group_free(mapped);
    json_decref(v);
}

/* The pseudo-random mapping accepts the nonce sizes of 9303-11 only: l = 128 bits for 3DES
 * and AES-128, 256 bits for AES-192/256; t = the key size. */
Test(crypto, im_nonce_sizes)
{
    vfy_ka_group *g = NULL, *m = NULL;
    cr_assert_eq(vfy_ka_group_standard(13, &g, NULL), VFY_OK);
    uint8_t s[32] = { 1 }, t[32] = { 2 };
    const struct { vfy_cipher c; size_t s, t; vfy_status want; } cases[] = {
        { VFY_CIPHER_3DES, 16, 16, VFY_OK },     { VFY_CIPHER_3DES, 8, 16, VFY_E_BAD_VALUE },
        { VFY_CIPHER_AES192, 32, 24, VFY_OK },   { VFY_CIPHER_AES192, 16, 24, VFY_E_BAD_VALUE },
        { VFY_CIPHER_AES256, 32, 32, VFY_OK },   { VFY_CIPHER_AES256, 32, 16, VFY_E_BAD_VALUE },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_eq(vfy_ka_map_integrated(g, cases[i].c, s, cases[i].s, t, cases[i].t, &m, NULL),
                     cases[i].want, "case %zu", i);
        vfy_ka_group_free(m);
        m = NULL;
    }
    vfy_ka_group_free(g);
}

/* The wiping helpers behind item 13 of issue 10: vfy_wipe zeroes what it is given (and
 * nothing beyond); vfy_wipe_realloc moves the bytes to a new buffer, shrinking or growing. */
Test(crypto, wipe_helpers)
{
    uint8_t b[32];
    memset(b, 0xA5, sizeof b);
    vfy_wipe(b, 16);
    for (size_t i = 0; i < sizeof b; i++)
        cr_assert_eq(b[i], i < 16 ? 0 : 0xA5, "byte %zu", i);
    vfy_wipe(NULL, 8);          /* no-ops */
    vfy_wipe_free(NULL, 8);
    uint8_t *p = malloc(8);
    cr_assert_not_null(p);
    memcpy(p, "ABCDEFGH", 8);
    uint8_t *q = vfy_wipe_realloc(p, 8, 20);
    cr_assert_not_null(q);
    cr_assert_eq(memcmp(q, "ABCDEFGH", 8), 0);
    uint8_t *r = vfy_wipe_realloc(q, 20, 3);
    cr_assert_not_null(r);
    cr_assert_eq(memcmp(r, "ABC", 3), 0);
    uint8_t *z = vfy_wipe_realloc(r, 3, 0);   /* at least one byte, never NULL for 0 */
    cr_assert_not_null(z);
    vfy_wipe_free(z, 1);
}
