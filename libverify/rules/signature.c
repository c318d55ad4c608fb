/* Canonical form, digest, Ed25519 keys, trust files, signing and verification. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/fail.h"
#include "core/jcs.h"
#include "core/writer.h"
#include "rules/jsonload.h"
#include "rules/signature.h"
#include "core/json_out.h"

/* Version 2 of the signed message: the RFC 8785 canonical form. Version 1 (jansson's
 * sorted compact dump) is retired: such sets are refused with VFY_E_RULES_RESIGN. */
#define DOMAIN_PREFIX "vfy-rules/2\n"
#define CANONICALIZATION "RFC 8785"
/* The canonical form of a set within VFY_RULES_MAX_FILE bytes (escapes never grow). */
#define MAX_CANONICAL (2 * (size_t)VFY_RULES_MAX_FILE)
#define KEY_FORMAT "vfy-rules-key/1"
#define MAX_KEY_FILE (64u << 10)
#define MAX_TRUSTED_KEYS 64

static vfy_status sodium_ready(vfy_detail *detail)
{
    if (sodium_init() < 0)
        return vfy_fail(detail, VFY_E_CRYPTO, "libsodium", "libsodium could not be initialised");
    return VFY_OK;
}

/* The RFC 8785 form of v without its member `omit` (NULL: whole), or a failure a
 * publisher can act on. */
static vfy_status canonical(const json_t *v, const char *omit, char **out, size_t *len, vfy_detail *detail)
{
    vfy_status s = vfy_jcs_serialize_without(v, omit, MAX_CANONICAL, out, len);
    if (s == VFY_E_BAD_VALUE || s == VFY_E_TOO_DEEP)
        return vfy_fail(detail, VFY_E_RULES_SCHEMA, "$",
                        "the rule set has no RFC 8785 canonical form (a number that is not "
                        "finite, an integer beyond 2^53, or nesting deeper than 64)");
    if (s != VFY_OK)
        return vfy_fail(detail, s, "$", "the canonical form of the rule set could not be made");
    return VFY_OK;
}

/* The signed message: domain prefix plus the RFC 8785 form of the set without its
 * signature. */
static vfy_status canonical_message(const json_t *root, char **msg, size_t *len,
                                    vfy_detail *detail)
{
    char *body;
    size_t body_len;
    VFY_TRY(canonical(root, "signature", &body, &body_len, detail));
    size_t prefix = strlen(DOMAIN_PREFIX), n = prefix + body_len;
    char *m = malloc(n + 1);
    if (m == NULL) {
        free(body);
        return VFY_E_NO_MEMORY;
    }
    vfy_writer w;
    vfy_w_init_text(&w, m, n + 1);
    vfy_w_bytes(&w, DOMAIN_PREFIX, prefix);
    vfy_w_bytes(&w, body, body_len);
    vfy_w_text_end(&w);
    free(body);
    *msg = m;
    *len = n;
    return VFY_OK;
}

/* The layout of a signed file, defined here and not by a JSON library's printer: the
 * RFC 8785 text of the whole set (signature included) with a line break and two spaces
 * per level after every '{', '[' and ',' and before every '}' and ']' (empty ones stay
 * "{}" and "[]"), a space after every ':' between a name and its value, and one final
 * line break. Runs twice: once to measure (w NULL), once to write. */
typedef struct layout {
    vfy_writer *w; /* NULL: measure only */
    size_t out;    /* bytes of the layout so far */
    size_t depth;
} layout;

static void emit(layout *l, const char *p, size_t k)
{
    if (l->w != NULL)
        vfy_w_bytes(l->w, p, k);
    l->out += k;
}

static void line_break(layout *l)
{
    emit(l, "\n", 1);
    for (size_t lv = 0; lv < l->depth; lv++)
        emit(l, "  ", 2);
}

static size_t lay_out(const char *t, size_t n, vfy_writer *w)
{
    layout l = { .w = w, .out = 0, .depth = 0 };
    bool in_string = false;
    for (size_t i = 0; i < n; i++) {
        char ch = t[i];
        if (in_string) {
            emit(&l, &t[i], 1);
            if (ch == '\\' && i + 1 < n) {
                i++;
                emit(&l, &t[i], 1); /* the escaped character, even a quote */
            } else if (ch == '"') {
                in_string = false;
            }
            continue;
        }
        switch (ch) {
        case '"':
            in_string = true;
            emit(&l, &t[i], 1);
            break;
        case '{':
        case '[':
            emit(&l, &t[i], 1);
            if (i + 1 < n && (t[i + 1] == '}' || t[i + 1] == ']')) {
                i++;
                emit(&l, &t[i], 1); /* empty: "{}" or "[]" */
                break;
            }
            l.depth++;
            line_break(&l);
            break;
        case '}':
        case ']':
            if (l.depth > 0) /* always, for the text of vfy_jcs_serialize */
                l.depth--;
            line_break(&l);
            emit(&l, &t[i], 1);
            break;
        case ',':
            emit(&l, ",", 1);
            line_break(&l);
            break;
        case ':':
            emit(&l, ": ", 2);
            break;
        default:
            emit(&l, &t[i], 1);
        }
    }
    emit(&l, "\n", 1);
    return l.out;
}

static vfy_status file_form(const json_t *root, char **form, size_t *form_len, vfy_detail *detail)
{
    *form = NULL;
    char *canon;
    size_t n;
    VFY_TRY(canonical(root, NULL, &canon, &n, detail));
    size_t need = lay_out(canon, n, NULL);
    char *f = malloc(need + 1);
    if (f == NULL) {
        free(canon);
        return VFY_E_NO_MEMORY;
    }
    vfy_writer w;
    vfy_w_init_text(&w, f, need + 1);
    lay_out(canon, n, &w);
    vfy_w_text_end(&w);
    free(canon);
    if (!vfy_w_ok(&w)) {
        free(f);
        return vfy_fail(detail, VFY_E_INTERNAL, "$", "the signed file's layout was mismeasured");
    }
    *form = f;
    *form_len = need;
    return VFY_OK;
}

vfy_status rs_digest(const json_t *root, char digest_hex[65], vfy_detail *detail)
{
    VFY_TRY(sodium_ready(detail));
    char *msg;
    size_t len;
    VFY_TRY(canonical_message(root, &msg, &len, detail));
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)msg, len, NULL, 0);
    free(msg);
    sodium_bin2hex(digest_hex, 65, h, sizeof h);
    return VFY_OK;
}

static void key_id_of(const unsigned char pk[32], char out[RS_KEY_ID_HEX + 1])
{
    unsigned char h[16];
    crypto_generichash(h, sizeof h, pk, 32, NULL, 0);
    sodium_bin2hex(out, RS_KEY_ID_HEX + 1, h, sizeof h);
}

static vfy_status hex_member(rj_path *p, const json_t *o, const char *key, unsigned char *out,
                             size_t n)
{
    char *hex = NULL;
    VFY_TRY(rj_string(p, o, key, true, 2 * n, &hex));
    size_t got = 0;
    int rc = sodium_hex2bin(out, n, hex, strlen(hex), NULL, &got, NULL);
    sodium_memzero(hex, strlen(hex));
    free(hex);
    if (rc != 0 || got != n) {
        size_t m = rj_push_key(p, key);
        vfy_status s = rj_fail(p, "%zu bytes in hexadecimal are required", n);
        rj_pop(p, m);
        return s;
    }
    return VFY_OK;
}

/* One public-key object: its key id must match the key, so a typo cannot trust a
 * different key than the one named. */
static vfy_status parse_public_key(rj_path *p, const json_t *o, struct trusted_key *k)
{
    static const char *const keys[] = { "format", "algorithm", "key_id", "publisher", "public_key",
                                        "note", NULL };
    VFY_TRY(rj_object(p, o));
    VFY_TRY(rj_only_keys(p, o, keys));
    static const char *const algs[] = { "Ed25519" };
    int e;
    VFY_TRY(rj_enum(p, o, "algorithm", true, algs, 1, 0, &e));
    VFY_TRY(rj_string(p, o, "publisher", true, 256, &k->publisher));
    char *kid = NULL;
    VFY_TRY(rj_string(p, o, "key_id", true, RS_KEY_ID_HEX, &kid));
    vfy_status s = hex_member(p, o, "public_key", k->public_key, 32);
    if (s == VFY_OK) {
        key_id_of(k->public_key, k->key_id);
        if (strcmp(kid, k->key_id) != 0)
            s = rj_fail(p, "key_id %s does not match the public key (its id is %s)", kid, k->key_id);
    }
    free(kid);
    /* The shipped development key, or any key its publisher labels as such: its
     * signatures prove nothing outside tests. */
    k->development = strcmp(k->key_id, RS_DEVELOPMENT_KEY_ID) == 0 ||
                     (k->publisher != NULL && strncmp(k->publisher, "DEVELOPMENT ONLY", 16) == 0);
    return s;
}

bool rs_key_is_development(const struct vfy_rules_trust *trust, const char *key_id)
{
    for (size_t i = 0; trust != NULL && key_id != NULL && i < trust->n_keys; i++)
        if (strcmp(trust->keys[i].key_id, key_id) == 0)
            return trust->keys[i].development;
    return false;
}

vfy_status vfy_rules_trust_load(const void *json, size_t len, vfy_rules_trust **out,
                                vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "trust", "no output pointer was given");
    *out = NULL;
    VFY_TRY(sodium_ready(detail));
    json_t *root;
    VFY_TRY(rj_load(json, len, MAX_KEY_FILE, 8, "trust file", VFY_E_TRUST_STORE, &root, detail));
    vfy_rules_trust *t = calloc(1, sizeof *t);
    if (t == NULL) {
        json_decref(root);
        return VFY_E_NO_MEMORY;
    }
    rj_path p;
    rj_path_init(&p, VFY_E_TRUST_STORE, detail);
    vfy_status s = VFY_OK;
    const json_t *keys = json_object_get(root, "keys");
    size_t n = keys != NULL ? json_array_size(keys) : 1;
    if (keys != NULL && (!json_is_array(keys) || n == 0 || n > MAX_TRUSTED_KEYS)) {
        rj_push_key(&p, "keys");
        s = rj_fail(&p, "an array of 1 to %d public keys is required", MAX_TRUSTED_KEYS);
    } else if ((t->keys = calloc(n, sizeof *t->keys)) == NULL) {
        s = VFY_E_NO_MEMORY;
    }
    for (size_t i = 0; s == VFY_OK && i < n; i++) {
        size_t m = p.len;
        if (keys != NULL) {
            rj_push_key(&p, "keys");
            rj_push_index(&p, i);
        }
        t->n_keys = i + 1;
        s = parse_public_key(&p, keys != NULL ? json_array_get(keys, i) : root, &t->keys[i]);
        rj_pop(&p, m);
    }
    json_decref(root);
    if (s != VFY_OK) {
        vfy_rules_trust_free(t);
        return s;
    }
    *out = t;
    return VFY_OK;
}

void vfy_rules_trust_free(vfy_rules_trust *trust)
{
    if (trust == NULL)
        return;
    for (size_t i = 0; i < trust->n_keys; i++)
        free(trust->keys[i].publisher);
    free(trust->keys);
    free(trust);
}

/* A key document, written without jansson so that no copy of a secret is left in
 * memory we cannot wipe: only the publisher name goes through jansson, for escaping. */
static char *dump_key(const char *publisher, const char *kid, const char *member, const char *hex,
                      const char *note, bool guarded)
{
    json_t *pub = json_string(publisher);
    char *quoted = pub != NULL ? vfy_json_text_(pub, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;
    json_decref(pub);
    if (quoted == NULL)
        return NULL;
    static const char fmt[] = "{\n  \"format\": \"" KEY_FORMAT "\",\n  \"algorithm\": \"Ed25519\",\n"
                              "  \"key_id\": \"%s\",\n  \"publisher\": %s,\n  \"%s\": \"%s\",\n"
                              "  \"note\": \"%s\"\n}";
    size_t n = sizeof fmt + strlen(kid) + strlen(quoted) + strlen(member) + strlen(hex) + strlen(note);
    /* The secret document goes to guarded memory (guard pages, locked, wiped when
     * released with vfy_free_secret); the public one to the heap (vfy_free). */
    char *out = guarded ? sodium_malloc(n) : malloc(n);
    if (out != NULL)
        snprintf(out, n, fmt, kid, quoted, member, hex, note);
    free(quoted);
    return out;
}

vfy_status vfy_rules_keygen(const char *publisher, char **secret_json, char **public_json,
                            vfy_detail *detail)
{
    if (publisher == NULL || publisher[0] == '\0' || strlen(publisher) > 256 || secret_json == NULL ||
        public_json == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "publisher",
                        "a publisher name of 1 to 256 bytes and two output pointers are required");
    *secret_json = *public_json = NULL;
    VFY_TRY(sodium_ready(detail));
    unsigned char pk[32];
    unsigned char *sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
    char *sk_hex = sodium_malloc(2 * crypto_sign_SECRETKEYBYTES + 1);
    if (sk == NULL || sk_hex == NULL) {
        sodium_free(sk);
        sodium_free(sk_hex);
        return VFY_E_NO_MEMORY;
    }
    crypto_sign_keypair(pk, sk);
    char kid[RS_KEY_ID_HEX + 1], pk_hex[65];
    key_id_of(pk, kid);
    sodium_bin2hex(pk_hex, sizeof pk_hex, pk, sizeof pk);
    sodium_bin2hex(sk_hex, 2 * crypto_sign_SECRETKEYBYTES + 1, sk, crypto_sign_SECRETKEYBYTES);
    *secret_json = dump_key(publisher, kid, "secret_key", sk_hex,
                            "SECRET: whoever holds this file can sign rule sets for this publisher",
                            true);
    *public_json = dump_key(publisher, kid, "public_key", pk_hex,
                            "public key: add it to the trust file of every engine that accepts this publisher",
                            false);
    sodium_free(sk);
    sodium_free(sk_hex);
    if (*secret_json == NULL || *public_json == NULL) {
        vfy_free_secret(*secret_json);
        free(*public_json);
        *secret_json = *public_json = NULL;
        return VFY_E_NO_MEMORY;
    }
    return VFY_OK;
}

vfy_status vfy_rules_sign(const void *ruleset, size_t len, const void *secret_json,
                          size_t secret_len, char **signed_out, size_t *signed_len,
                          vfy_detail *detail)
{
    if (signed_out == NULL || signed_len == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "output", "no output pointer was given");
    *signed_out = NULL;
    *signed_len = 0;
    VFY_TRY(sodium_ready(detail));
    json_t *key;
    VFY_TRY(rj_load(secret_json, secret_len, MAX_KEY_FILE, 4, "key file", VFY_E_CONFIG, &key, detail));
    rj_path p;
    rj_path_init(&p, VFY_E_CONFIG, detail);
    unsigned char *sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
    if (sk == NULL) {
        json_decref(key);
        return VFY_E_NO_MEMORY;
    }
    char *kid = NULL;
    vfy_status s = rj_string(&p, key, "key_id", true, RS_KEY_ID_HEX, &kid);
    if (s == VFY_OK)
        s = hex_member(&p, key, "secret_key", sk, crypto_sign_SECRETKEYBYTES);
    /* jansson's own copy of the secret, wiped before it is freed. */
    json_t *secret_member = json_object_get(key, "secret_key");
    if (json_is_string(secret_member))
        sodium_memzero((char *)json_string_value(secret_member), json_string_length(secret_member));
    json_decref(key);
    char real_kid[RS_KEY_ID_HEX + 1];
    if (s == VFY_OK) {
        unsigned char pk[32];
        crypto_sign_ed25519_sk_to_pk(pk, sk);
        key_id_of(pk, real_kid);
        if (strcmp(real_kid, kid) != 0)
            s = vfy_fail(detail, VFY_E_CONFIG, "key_id", "the key file's key_id does not match its key");
    }
    free(kid);
    json_t *root = NULL;
    if (s == VFY_OK)
        s = rj_load(ruleset, len, VFY_RULES_MAX_FILE, VFY_RULES_MAX_DEPTH, "rule set",
                    VFY_E_RULES_PARSE, &root, detail);
    char *msg = NULL;
    size_t msg_len = 0;
    if (s == VFY_OK)
        s = canonical_message(root, &msg, &msg_len, detail);
    if (s == VFY_OK) {
        unsigned char sig[crypto_sign_BYTES];
        crypto_sign_detached(sig, NULL, (const unsigned char *)msg, msg_len, sk);
        char b64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(b64, sizeof b64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
        json_object_set_new(root, "signature",
                            json_pack("{s:s, s:s, s:s, s:s}", "algorithm", "Ed25519",
                                      "canonicalization", CANONICALIZATION, "key_id", real_kid,
                                      "value", b64));
        s = file_form(root, signed_out, signed_len, detail);
    }
    free(msg);
    json_decref(root);
    sodium_free(sk);
    return s;
}

vfy_status rs_verify(const json_t *root, const void *bytes, size_t len,
                     const struct vfy_rules_trust *trust, char key_id[RS_KEY_ID_HEX + 1],
                     vfy_detail *detail)
{
    VFY_TRY(sodium_ready(detail));
    key_id[0] = '\0';
    const json_t *sig = json_object_get(root, "signature");
    if (sig == NULL)
        return vfy_fail(detail, VFY_E_RULES_SIGNATURE, "$.signature",
                        "the rule set is not signed; production mode loads signed sets only "
                        "(sign it with 'vfy rules sign', or use test mode)");
    rj_path p;
    rj_path_init(&p, VFY_E_RULES_SIGNATURE, detail);
    rj_push_key(&p, "signature");
    static const char *const keys[] = { "algorithm", "canonicalization", "key_id", "value", NULL };
    static const char *const algs[] = { "Ed25519" };
    VFY_TRY(rj_object(&p, sig));
    VFY_TRY(rj_only_keys(&p, sig, keys));
    /* Fail closed on the retired form: a set signed over jansson's dump (vfy-rules/1, no
     * "canonicalization") is refused, never verified the old way, with what to do. */
    const json_t *canon = json_object_get(sig, "canonicalization");
    if (canon == NULL)
        return vfy_fail(detail, VFY_E_RULES_RESIGN, "$.signature",
                        "the rule set is signed in the retired form (message vfy-rules/1, jansson's "
                        "sorted dump), which this version no longer verifies: its publisher "
                        "must re-sign it with 'vfy rules sign' (RFC 8785, vfy-rules/2)");
    if (!json_is_string(canon) || strcmp(json_string_value(canon), CANONICALIZATION) != 0)
        return vfy_fail(detail, VFY_E_RULES_SIGNATURE, "$.signature.canonicalization",
                        "the signature's canonicalization must be \"" CANONICALIZATION "\"");
    int e;
    VFY_TRY(rj_enum(&p, sig, "algorithm", true, algs, 1, 0, &e));
    char *kid = NULL, *value = NULL;
    VFY_TRY(rj_string(&p, sig, "key_id", true, RS_KEY_ID_HEX, &kid));
    snprintf(key_id, RS_KEY_ID_HEX + 1, "%s", kid);
    const struct trusted_key *k = NULL;
    for (size_t i = 0; trust != NULL && i < trust->n_keys && k == NULL; i++)
        if (strcmp(trust->keys[i].key_id, kid) == 0)
            k = &trust->keys[i];
    free(kid);
    if (k == NULL)
        return vfy_fail(detail, VFY_E_RULES_UNTRUSTED, "$.signature.key_id",
                        "key %s is not in the trust file; add its public key only if you trust "
                        "its publisher", key_id);
    VFY_TRY(rj_string(&p, sig, "value", true, 128, &value));
    unsigned char raw[crypto_sign_BYTES];
    size_t got = 0;
    int rc = sodium_base642bin(raw, sizeof raw, value, strlen(value), NULL, &got, NULL,
                               sodium_base64_VARIANT_ORIGINAL);
    free(value);
    if (rc != 0 || got != sizeof raw)
        return vfy_fail(detail, VFY_E_RULES_SIGNATURE, "$.signature.value",
                        "the signature value is not 64 bytes of base64");
    /* The file itself must be the canonical layout: whitespace and key order included. */
    char *form;
    size_t form_len;
    VFY_TRY(file_form(root, &form, &form_len, detail));
    bool exact = form_len == len && memcmp(form, bytes, len) == 0;
    free(form);
    if (!exact)
        return vfy_fail(detail, VFY_E_RULES_SIGNATURE, "$",
                        "the signed file is not byte for byte the canonical form 'vfy rules sign' "
                        "wrote: it was altered after signing");
    char *msg;
    size_t msg_len;
    VFY_TRY(canonical_message(root, &msg, &msg_len, detail));
    rc = crypto_sign_verify_detached(raw, (const unsigned char *)msg, msg_len, k->public_key);
    free(msg);
    if (rc != 0)
        return vfy_fail(detail, VFY_E_RULES_SIGNATURE, "$.signature.value",
                        "the Ed25519 signature by key %s does not verify: the rule set was "
                        "altered or signed by another key", key_id);
    return VFY_OK;
}
