/* Signed checkpoints (docs/audit.md, "Checkpoints"): 174 bytes
 *   "VFYC" | version 1 | kind 1 | log id 16 | seq 8 | record hash 32 | time 8 |
 *   made_at 8 | signer public key 32 | Ed25519 signature 64 over every byte before it
 * and, for a central system, one line of text: the prefix and the bytes in hex. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit_internal.h"
#include "core/cursor.h"
#include "core/fail.h"

#define FIELD "checkpoint"
#define SIGNED_BYTES (AUD_CP_BYTES - AUD_SIG_BYTES)

static void be(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

vfy_status aud_checkpoint_make(const vfy_audit_key *key, aud_checkpoint *cp,
                               uint8_t out[AUD_CP_BYTES], vfy_detail *detail)
{
    uint8_t *p = out;
    memcpy(p, AUD_CP_MAGIC, 4);
    p[4] = AUD_FORMAT_VERSION;
    p[5] = cp->kind;
    memcpy(p + 6, cp->log_id, AUD_LOG_ID_BYTES);
    be(p + 22, cp->seq);
    memcpy(p + 30, cp->hash, 32);
    be(p + 62, (uint64_t)cp->time);
    be(p + 70, cp->made_at);
    memcpy(cp->public_key, key->public_key, 32);
    memcpy(p + 78, cp->public_key, 32);
    VFY_TRY(aud_sign(key, out, SIGNED_BYTES, cp->signature, detail));
    memcpy(p + SIGNED_BYTES, cp->signature, AUD_SIG_BYTES);
    return VFY_OK;
}

vfy_status aud_checkpoint_decode(const uint8_t *data, size_t len, aud_checkpoint *cp,
                                 vfy_detail *detail)
{
    memset(cp, 0, sizeof *cp);
    vfy_cursor c;
    vfy_cur_init(&c, data, len, FIELD, detail);
    uint8_t magic[4], version;
    uint64_t t;
    VFY_TRY(vfy_cur_copy(&c, magic, 4));
    if (memcmp(magic, AUD_CP_MAGIC, 4) != 0)
        return vfy_fail_at(detail, VFY_E_AUDIT_CHECKPOINT, FIELD, 0, "not a checkpoint (no VFYC)");
    VFY_TRY(vfy_cur_u8(&c, &version));
    if (version != AUD_FORMAT_VERSION)
        return vfy_fail_at(detail, VFY_E_AUDIT_CHECKPOINT, FIELD, 4, "checkpoint version %u",
                           version);
    VFY_TRY(vfy_cur_u8(&c, &cp->kind));
    if (cp->kind > AUD_CP_PRUNE)
        return vfy_fail_at(detail, VFY_E_AUDIT_CHECKPOINT, FIELD, 5, "checkpoint kind %u",
                           cp->kind);
    VFY_TRY(vfy_cur_copy(&c, cp->log_id, AUD_LOG_ID_BYTES));
    VFY_TRY(vfy_cur_uint_be(&c, 8, &cp->seq));
    VFY_TRY(vfy_cur_copy(&c, cp->hash, 32));
    VFY_TRY(vfy_cur_uint_be(&c, 8, &t));
    cp->time = (int64_t)t;
    VFY_TRY(vfy_cur_uint_be(&c, 8, &cp->made_at));
    VFY_TRY(vfy_cur_copy(&c, cp->public_key, 32));
    VFY_TRY(vfy_cur_copy(&c, cp->signature, AUD_SIG_BYTES));
    VFY_TRY(vfy_cur_expect_end(&c));
    if (cp->seq == 0 || cp->made_at < cp->seq)
        return vfy_fail(detail, VFY_E_AUDIT_CHECKPOINT, FIELD,
                        "a checkpoint over record %llu made at record %llu",
                        (unsigned long long)cp->seq, (unsigned long long)cp->made_at);
    return VFY_OK;
}

bool aud_checkpoint_signature_ok(const uint8_t *data, size_t len)
{
    if (len != AUD_CP_BYTES)
        return false;
    return aud_signature_ok(data + 78, data, SIGNED_BYTES, data + SIGNED_BYTES);
}

char *aud_checkpoint_text(const uint8_t data[AUD_CP_BYTES])
{
    size_t plen = strlen(AUD_CP_TEXT_PREFIX);
    char *t = malloc(plen + 2 * AUD_CP_BYTES + 2);
    if (t == NULL)
        return NULL;
    memcpy(t, AUD_CP_TEXT_PREFIX, plen);
    sodium_bin2hex(t + plen, 2 * AUD_CP_BYTES + 1, data, AUD_CP_BYTES);
    t[plen + 2 * AUD_CP_BYTES] = '\n';
    t[plen + 2 * AUD_CP_BYTES + 1] = '\0';
    return t;
}

vfy_status aud_checkpoint_parse_text(const char *text, uint8_t out[AUD_CP_BYTES],
                                     vfy_detail *detail)
{
    size_t plen = strlen(AUD_CP_TEXT_PREFIX);
    if (text == NULL || strncmp(text, AUD_CP_TEXT_PREFIX, plen) != 0)
        return vfy_fail(detail, VFY_E_AUDIT_CHECKPOINT, FIELD,
                        "the checkpoint does not start with '%s'", AUD_CP_TEXT_PREFIX);
    const char *hex = text + plen;
    size_t n = strlen(hex);
    while (n > 0 && (hex[n - 1] == '\n' || hex[n - 1] == '\r'))
        n--;
    size_t got = 0;
    if (n != 2 * AUD_CP_BYTES ||
        sodium_hex2bin(out, AUD_CP_BYTES, hex, n, NULL, &got, NULL) != 0 || got != AUD_CP_BYTES)
        return vfy_fail(detail, VFY_E_AUDIT_CHECKPOINT, FIELD,
                        "the checkpoint is not %u hexadecimal digits after its prefix",
                        2u * AUD_CP_BYTES);
    return VFY_OK;
}
