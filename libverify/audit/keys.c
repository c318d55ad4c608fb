/* The audit trail's keys: the kiosk's Ed25519 signing key and the BLAKE2b lookup key.
 * Secrets live in sodium guarded memory (guard pages, locked, no access between uses)
 * and every copy of their text is wiped. Key files are one line:
 *   libverify-audit-signing-key/1 <64 hex digits: the Ed25519 seed>
 *   libverify-audit-public-key/1 <64 hex digits>
 *   libverify-audit-lookup-key/1 <64 hex digits> */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit_internal.h"
#include "core/fail.h"
#include "core/writer.h"

#define SIGNING_PREFIX "libverify-audit-signing-key/1 "
#define PUBLIC_PREFIX "libverify-audit-public-key/1 "
#define LOOKUP_PREFIX "libverify-audit-lookup-key/1 "
#define KEY_FILE_MAX 512
#define LOOKUP_ID_LABEL "libverify.audit.lookup-key-id/1"
#define DOC_LABEL "libverify.audit.document/1"
#define PERSON_LABEL "libverify.audit.person/1"

vfy_status aud_sodium_ready(vfy_detail *detail)
{
    if (sodium_init() < 0)
        return vfy_fail(detail, VFY_E_CRYPTO, "libsodium", "libsodium could not be initialised");
    return VFY_OK;
}

void vfy_audit_text_wipe_free(char *text)
{
    if (text == NULL)
        return;
    sodium_memzero(text, strlen(text));
    free(text);
}

/* prefix + hex of `n` bytes + "\n", in a new buffer. */
static char *key_text(const char *prefix, const uint8_t *key, size_t n)
{
    size_t plen = strlen(prefix);
    char *t = malloc(plen + 2 * n + 2);
    if (t == NULL)
        return NULL;
    memcpy(t, prefix, plen);
    sodium_bin2hex(t + plen, 2 * n + 1, key, n);
    t[plen + 2 * n] = '\n';
    t[plen + 2 * n + 1] = '\0';
    return t;
}

vfy_status vfy_audit_keygen(char **secret_text, char **public_text, vfy_detail *detail)
{
    if (secret_text == NULL || public_text == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "keygen", "no place for the keys");
    *secret_text = *public_text = NULL;
    VFY_TRY(aud_sodium_ready(detail));
    uint8_t *sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
    if (sk == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "keygen", "no guarded memory for the key");
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_keypair(pk, sk);
    *secret_text = key_text(SIGNING_PREFIX, sk, crypto_sign_SEEDBYTES); /* the seed */
    sodium_free(sk);
    *public_text = key_text(PUBLIC_PREFIX, pk, sizeof pk);
    if (*secret_text == NULL || *public_text == NULL) {
        vfy_audit_text_wipe_free(*secret_text);
        free(*public_text);
        *secret_text = *public_text = NULL;
        return vfy_fail(detail, VFY_E_NO_MEMORY, "keygen", "out of memory");
    }
    return VFY_OK;
}

vfy_status vfy_audit_lookup_keygen(char **secret_text, vfy_detail *detail)
{
    if (secret_text == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "keygen", "no place for the key");
    VFY_TRY(aud_sodium_ready(detail));
    uint8_t *k = sodium_malloc(32);
    if (k == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "keygen", "no guarded memory for the key");
    randombytes_buf(k, 32);
    *secret_text = key_text(LOOKUP_PREFIX, k, 32);
    sodium_free(k);
    if (*secret_text == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "keygen", "out of memory");
    return VFY_OK;
}

/* Reads a key file of one line into `out` (32 bytes, guarded or not); the text read is
 * wiped. */
static vfy_status read_key_file(const char *path, const char *prefix, uint8_t out[32],
                                vfy_detail *detail)
{
    char buf[KEY_FILE_MAX + 1];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return vfy_fail(detail, errno == ELOOP ? VFY_E_SYMLINK : VFY_E_IO, path,
                        "cannot open the key file: %s", strerror(errno));
    size_t n = 0;
    ssize_t got;
    while (n < KEY_FILE_MAX && (got = read(fd, buf + n, KEY_FILE_MAX - n)) > 0)
        n += (size_t)got;
    close(fd);
    buf[n] = '\0';
    size_t plen = strlen(prefix);
    vfy_status s = VFY_OK;
    size_t hexlen = n - plen;
    if (n >= plen && hexlen > 0 && buf[n - 1] == '\n')
        hexlen--;
    if (n < plen || memcmp(buf, prefix, plen) != 0) {
        char kind[48];
        snprintf(kind, sizeof kind, "%.*s", (int)(plen - 1), prefix);
        s = vfy_fail(detail, VFY_E_AUDIT_KEY, path, "not a %s file", kind);
    } else if (hexlen != 64 ||
               sodium_hex2bin(out, 32, buf + plen, hexlen, NULL, NULL, NULL) != 0) {
        s = vfy_fail(detail, VFY_E_AUDIT_KEY, path,
                     "the key is not 64 hexadecimal digits on one line");
    }
    sodium_memzero(buf, sizeof buf);
    return s;
}

vfy_status vfy_audit_key_load(const char *path, vfy_audit_key **out, vfy_detail *detail)
{
    if (path == NULL || out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "key", "no key file");
    *out = NULL;
    VFY_TRY(aud_sodium_ready(detail));
    vfy_audit_key *k = calloc(1, sizeof *k);
    uint8_t *seed = sodium_malloc(crypto_sign_SEEDBYTES);
    if (k != NULL)
        k->secret = sodium_malloc(crypto_sign_SECRETKEYBYTES);
    if (k == NULL || seed == NULL || k->secret == NULL) {
        sodium_free(seed);
        vfy_audit_key_free(k);
        return vfy_fail(detail, VFY_E_NO_MEMORY, "key", "no guarded memory for the key");
    }
    vfy_status s = read_key_file(path, SIGNING_PREFIX, seed, detail);
    if (s == VFY_OK)
        crypto_sign_seed_keypair(k->public_key, k->secret, seed);
    sodium_free(seed);
    if (s != VFY_OK) {
        vfy_audit_key_free(k);
        return s;
    }
    sodium_mprotect_noaccess(k->secret);
    *out = k;
    return VFY_OK;
}

void vfy_audit_key_free(vfy_audit_key *key)
{
    if (key == NULL)
        return;
    sodium_free(key->secret);   /* wipes */
    free(key);
}

void vfy_audit_key_public(const vfy_audit_key *key, uint8_t out[32])
{
    if (key != NULL)
        memcpy(out, key->public_key, 32);
}

vfy_status vfy_audit_public_key_load(const char *path, uint8_t out[32], vfy_detail *detail)
{
    if (path == NULL || out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "key", "no key file");
    VFY_TRY(aud_sodium_ready(detail));
    return read_key_file(path, PUBLIC_PREFIX, out, detail);
}

vfy_status vfy_audit_lookup_key_load(const char *path, vfy_audit_lookup_key **out,
                                     vfy_detail *detail)
{
    if (path == NULL || out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "key", "no key file");
    *out = NULL;
    VFY_TRY(aud_sodium_ready(detail));
    vfy_audit_lookup_key *k = calloc(1, sizeof *k);
    if (k != NULL)
        k->secret = sodium_malloc(32);
    if (k == NULL || k->secret == NULL) {
        vfy_audit_lookup_key_free(k);
        return vfy_fail(detail, VFY_E_NO_MEMORY, "key", "no guarded memory for the key");
    }
    vfy_status s = read_key_file(path, LOOKUP_PREFIX, k->secret, detail);
    if (s != VFY_OK) {
        vfy_audit_lookup_key_free(k);
        return s;
    }
    /* The id names the key in records without revealing it. */
    crypto_generichash(k->id, 32, (const uint8_t *)LOOKUP_ID_LABEL, strlen(LOOKUP_ID_LABEL),
                       k->secret, 32);
    sodium_mprotect_noaccess(k->secret);
    *out = k;
    return VFY_OK;
}

void vfy_audit_lookup_key_free(vfy_audit_lookup_key *key)
{
    if (key == NULL)
        return;
    sodium_free(key->secret);
    free(key);
}

vfy_status aud_sign(const vfy_audit_key *key, const uint8_t *msg, size_t len,
                    uint8_t sig[AUD_SIG_BYTES], vfy_detail *detail)
{
    if (key == NULL || key->secret == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "key", "no signing key");
    sodium_mprotect_readonly(key->secret);
    int rc = crypto_sign_detached(sig, NULL, msg, len, key->secret);
    sodium_mprotect_noaccess(key->secret);
    if (rc != 0)
        return vfy_fail(detail, VFY_E_CRYPTO, "key", "Ed25519 signing failed");
    return VFY_OK;
}

bool aud_signature_ok(const uint8_t pub[32], const uint8_t *msg, size_t len,
                      const uint8_t sig[AUD_SIG_BYTES])
{
    return crypto_sign_verify_detached(sig, msg, len, pub) == 0;
}

bool aud_normalise_number(const char *in, char *out, size_t cap)
{
    vfy_writer w;
    vfy_w_init_text(&w, out, cap);
    for (; *in != '\0'; in++) {
        char ch = *in;
        if (ch == '<' || ch == ' ')
            continue;
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')))
            return false;
        vfy_w_char(&w, ch);
    }
    vfy_w_text_end(&w);
    return vfy_w_ok(&w) && vfy_w_len(&w) > 0;
}

/* BLAKE2b-256 keyed with the lookup key over label || 0 || number [|| 0 || dob]. */
static void keyed(const vfy_audit_lookup_key *key, const char *label, const char *number,
                  const char *dob, uint8_t out[32])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, key->secret, 32, 32);
    crypto_generichash_update(&st, (const uint8_t *)label, strlen(label) + 1);
    crypto_generichash_update(&st, (const uint8_t *)number, strlen(number));
    if (dob != NULL) {
        const uint8_t zero = 0;
        crypto_generichash_update(&st, &zero, 1);
        crypto_generichash_update(&st, (const uint8_t *)dob, strlen(dob));
    }
    crypto_generichash_final(&st, out, 32);
    sodium_memzero(&st, sizeof st);
}

void aud_lookup_hashes(const vfy_audit_lookup_key *key, const char *number, const char *dob,
                       uint8_t doc[32], uint8_t person[32])
{
    sodium_mprotect_readonly(key->secret);
    if (doc != NULL)
        keyed(key, DOC_LABEL, number, NULL, doc);
    if (person != NULL && dob != NULL)
        keyed(key, PERSON_LABEL, number, dob, person);
    sodium_mprotect_noaccess(key->secret);
}
