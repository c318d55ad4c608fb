#define _GNU_SOURCE
/* Active and Chip Authentication against real chip sessions, replayed through a
 * scripted transport, and their negative paths. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "support.h"
#include "transport.h"
#include "verify.h"

#define V "vectors/emrtd/"

/* ---- a transport that replays a recorded session --------------------------------- */

#define SCRIPT_MAX 8
struct script {
    uint8_t *cmd[SCRIPT_MAX], *rsp[SCRIPT_MAX];
    size_t cmd_len[SCRIPT_MAX], rsp_len[SCRIPT_MAX];
    size_t count, next;
    bool all_matched;
};

static vfy_status script_transmit(vfy_transport *t, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                                  size_t cap, size_t *resp_len, vfy_detail *detail)
{
    (void)detail;
    struct script *s = t->impl;
    if (s->next >= s->count) {
        /* Past the recording: the chip has nothing more to say. */
        resp[0] = 0x69;
        resp[1] = 0x85;
        *resp_len = 2;
        s->all_matched = false;
        return VFY_OK;
    }
    size_t i = s->next++;
    if (cmd_len != s->cmd_len[i] || memcmp(cmd, s->cmd[i], cmd_len) != 0)
        s->all_matched = false;
    cr_assert_leq(s->rsp_len[i], cap);
    memcpy(resp, s->rsp[i], s->rsp_len[i]);
    *resp_len = s->rsp_len[i];
    return VFY_OK;
}

static void script_close(vfy_transport *t) { (void)t; }

static const struct vfy_transport_ops script_ops = { "script", script_transmit, NULL, NULL, script_close };

static void script_add(struct script *s, const char *cmd_hex, const char *rsp_hex)
{
    cr_assert_lt(s->count, SCRIPT_MAX);
    s->cmd[s->count] = hex_decode(cmd_hex, &s->cmd_len[s->count]);
    s->rsp[s->count] = hex_decode(rsp_hex, &s->rsp_len[s->count]);
    s->count++;
}

static void script_free(struct script *s)
{
    for (size_t i = 0; i < s->count; i++) {
        free(s->cmd[i]);
        free(s->rsp[i]);
    }
}

/* Deterministic terminal randomness: the recorded key or challenge. */
struct fixed_rng {
    uint8_t bytes[64];
    size_t len;
};

static vfy_status fixed_fn(void *ctx, uint8_t *out, size_t len)
{
    struct fixed_rng *r = ctx;
    cr_assert_eq(len, r->len, "the terminal drew %zu random bytes, %zu recorded", len, r->len);
    memcpy(out, r->bytes, len);
    return VFY_OK;
}

static json_t *load(const char *name)
{
    char rel[128], path[512];
    snprintf(rel, sizeof rel, V "%s", name);
    SHARED_PATH(rel, path);
    json_t *j = json_load_file(path, 0, NULL);
    cr_assert_not_null(j);
    return j;
}

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    cr_assert_not_null(s, "%s", k);
    return s;
}

static vfy_cipher cipher_of(const char *alg, size_t key_len)
{
    if (strcmp(alg, "3des") == 0)
        return VFY_CIPHER_3DES;
    return key_len == 32 ? VFY_CIPHER_AES256 : key_len == 24 ? VFY_CIPHER_AES192 : VFY_CIPHER_AES128;
}

static void open_channel(vfy_channel *ch, vfy_transport *t, struct script *s, json_t *sm,
                         struct fixed_rng *rng)
{
    memset(t, 0, sizeof *t);
    t->ops = &script_ops;
    t->caps = (vfy_transport_caps){ 65544, 65546, true };
    t->impl = s;
    s->all_matched = true;
    cr_assert_eq(vfy_channel_init(ch, t, NULL), VFY_OK);
    ch->rng = (vfy_rng){ fixed_fn, rng };
    size_t ke, km, sl;
    uint8_t *enc = hex_decode(str(sm, "ks_enc"), &ke);
    uint8_t *mac = hex_decode(str(sm, "ks_mac"), &km);
    uint8_t *ssc = hex_decode(str(sm, json_object_get(sm, "ssc") ? "ssc" : "ssc_before"), &sl);
    cr_assert_eq(vfy_channel_set_sm(ch, cipher_of(str(sm, "alg"), ke), enc, mac, ssc, NULL), VFY_OK);
    free(enc);
    free(mac);
    free(ssc);
}

/* ---- Active Authentication ------------------------------------------------------------ */

Test(active_auth, real_rsa_9796_2_signature_verifies)
{
    json_t *j = load("active_authentication.json");
    size_t n15, nc, ns;
    uint8_t *dg15 = hex_decode(str(j, "dg15"), &n15);
    uint8_t *ch = hex_decode(str(j, "challenge_rnd_ifd"), &nc);
    uint8_t *sig = hex_decode(str(j, "signature"), &ns);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_aa_verify(dg15, n15, NULL, 0, ch, nc, sig, ns, &d), VFY_OK, "%s", d.message);
    /* Another challenge (last byte + 1): the signature is not over it. */
    ch[7]++;
    cr_assert_eq(vfy_aa_verify(dg15, n15, NULL, 0, ch, nc, sig, ns, &d), VFY_E_AA_FAILED);
    cr_assert(strstr(d.message, "not over this challenge") != NULL, "%s", d.message);
    ch[7]--;
    /* Any flipped signature bit. */
    sig[100] ^= 0x10;
    cr_assert_eq(vfy_aa_verify(dg15, n15, NULL, 0, ch, nc, sig, ns, &d), VFY_E_AA_FAILED);
    free(dg15);
    free(ch);
    free(sig);
    json_decref(j);
}

Test(active_auth, real_session_replayed_through_secure_messaging)
{
    json_t *j = load("active_authentication.json");
    struct script s = { 0 };
    script_add(&s, str(j, "protected_command"), str(j, "protected_response"));
    struct fixed_rng rng;
    size_t n;
    uint8_t *c = hex_decode(str(j, "challenge_rnd_ifd"), &n);
    memcpy(rng.bytes, c, n);
    rng.len = n;
    free(c);
    vfy_transport t;
    vfy_channel ch;
    json_t *sm = json_object_get(j, "sm");
    json_t *sm2 = json_pack("{s:s,s:s,s:s,s:s}", "alg", str(sm, "alg"), "ks_enc", str(sm, "ks_enc"),
                            "ks_mac", str(sm, "ks_mac"), "ssc", str(sm, "ssc_before"));
    open_channel(&ch, &t, &s, sm2, &rng);
    uint8_t *dg15 = hex_decode(str(j, "dg15"), &n);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(auth_active(&ch, dg15, n, NULL, 0, &d), VFY_OK, "%s", d.message);
    cr_assert(s.all_matched, "the INTERNAL AUTHENTICATE differs from the recorded one");
    cr_assert_eq(s.next, 1);
    vfy_channel_free(&ch);
    free(dg15);
    script_free(&s);
    json_decref(sm2);
    json_decref(j);
}

/* ---- Chip Authentication -------------------------------------------------------------- */

static void replay_ca(const char *state, bool tamper_key)
{
    json_t *j = load("chip_authentication.json");
    json_t *c = json_object_get(json_object_get(j, "cases"), state);
    cr_assert_not_null(c);
    struct script s = { 0 };
    size_t i;
    json_t *apdu;
    json_array_foreach(json_object_get(c, "protected_apdus"), i, apdu)
        script_add(&s, str(apdu, "cmd"), str(apdu, "rsp"));
    json_t *first = json_object_get(c, "first_command_after_ca");
    script_add(&s, str(first, "cmd"), str(first, "rsp"));
    struct fixed_rng rng;
    size_t n;
    uint8_t *priv = hex_decode(str(c, "terminal_private"), &n);
    memcpy(rng.bytes, priv, n);
    rng.len = n;
    free(priv);
    vfy_transport t;
    vfy_channel ch;
    open_channel(&ch, &t, &s, json_object_get(c, "sm_before"), &rng);
    uint8_t *dg14 = hex_decode(str(c, "dg14"), &n);
    if (tamper_key) {
        /* Another chip key: the last byte of the point's X coordinate changes, so the point
         * is no longer the one whose private key the chip holds (or not on the curve). */
        const char *pub = str(c, "chip_public_key");
        size_t pn;
        uint8_t *point = hex_decode(pub, &pn);
        uint8_t *at = memmem(dg14, n, point, pn);
        cr_assert_not_null(at);
        at[pn / 2] ^= 0x01;
        free(point);
    }
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status st = auth_chip(&ch, dg14, n, &d);
    if (!tamper_key) {
        cr_assert_eq(st, VFY_OK, "%s: %s", state, d.message);
        cr_assert(s.all_matched, "%s: the commands differ from the recorded session", state);
        cr_assert_eq(s.next, s.count);
        /* The channel now runs on the new keys with a fresh counter. */
        json_t *after = json_object_get(c, "sm_after");
        size_t kl;
        uint8_t *ks = hex_decode(str(after, "ks_enc"), &kl);
        cr_assert_eq(ch.sm.ks_enc.len, kl);
        cr_assert_eq(memcmp(ch.sm.ks_enc.bytes, ks, kl), 0);
        free(ks);
    } else {
        /* not the chip's key: the chip cannot answer under the derived keys; or no point
         * of the curve at all: refused when DG14's key is decoded */
        cr_assert(st == VFY_E_CA_FAILED || st == VFY_E_BAD_VALUE,
                  "%s: a CA key that does not match DG14: %s", state, vfy_status_name(st));
    }
    vfy_channel_free(&ch);
    free(dg14);
    script_free(&s);
    json_decref(j);
}

Test(chip_auth, real_session_at_ecdh_aes_explicit_params) { replay_ca("AT", false); }
Test(chip_auth, real_session_de_key_id) { replay_ca("DE", false); }
Test(chip_auth, real_session_my_3des) { replay_ca("MY", false); }
Test(chip_auth, real_session_fr_no_cainfo_set_kat) { replay_ca("FR", false); }
Test(chip_auth, key_not_matching_dg14_fails) { replay_ca("AT", true); replay_ca("MY", true); }

Test(chip_auth, plan_defaults_without_chip_authentication_info)
{
    json_t *j = load("chip_authentication.json");
    size_t n;
    uint8_t *dg14 = hex_decode(str(json_object_get(json_object_get(j, "cases"), "FR"), "dg14"), &n);
    vfy_security_infos infos;
    cr_assert_eq(vfy_lds_parse_dg14(dg14, n, &infos, NULL), VFY_OK);
    auth_ca_plan plan;
    cr_assert_eq(auth_ca_plan_from(&infos, &plan, NULL), VFY_OK);
    cr_assert_null(plan.info);
    cr_assert(plan.use_kat);
    cr_assert_eq(plan.cipher, VFY_LDS_3DES);
    cr_assert_eq(plan.agreement, VFY_LDS_KA_ECDH);
    free(dg14);
    json_decref(j);
}
