/* The canonical byte encoding of an audit record (docs/audit.md, "Record encoding"):
 * one encoding per record, so the hash chain can be recomputed by anyone from the bytes
 * alone. The decoder refuses anything the encoder would not have written: fields out
 * of order, empty or oversized text, unknown tags, a signature on a kind that has none. */
#include <sodium.h>
#include <string.h>

#include "audit/audit_internal.h"
#include "core/cursor.h"
#include "core/fail.h"

#define FIELD "audit record"

static const char *const kind_names[] = {
    [AUD_KIND_OPEN] = "open",
    [AUD_KIND_INSPECTION] = "inspection",
    [AUD_KIND_TRUST_CHANGE] = "trust_change",
    [AUD_KIND_RULES_CHANGE] = "rules_change",
    [AUD_KIND_KEY_ROTATION] = "key_rotation",
    [AUD_KIND_LOOKUP_ROTATION] = "lookup_key_rotation",
    [AUD_KIND_PRUNE] = "prune",
};

const char *aud_kind_name(uint8_t kind)
{
    return kind >= AUD_KIND_OPEN && kind <= AUD_KIND_MAX ? kind_names[kind] : "unknown";
}

void aud_set_text(char dst[AUD_TEXT_MAX + 1], const char *src)
{
    size_t n = 0;
    for (; src != NULL && src[n] != '\0' && n < AUD_TEXT_MAX; n++)
        dst[n] = (src[n] >= 0x20 && src[n] <= 0x7e) ? src[n] : '?';
    dst[n] = '\0';
}

void aud_record_hash(const uint8_t *data, size_t len, uint8_t out[32])
{
    crypto_generichash(out, 32, data, len, NULL, 0);
}

/* ---- encoding ------------------------------------------------------------------- */

struct out {
    uint8_t *p;
    size_t cap, len;
    bool overflow;
};

static void put(struct out *o, const void *data, size_t n)
{
    if (o->overflow || n > o->cap - o->len) {
        o->overflow = true;
        return;
    }
    memcpy(o->p + o->len, data, n);
    o->len += n;
}

static void put_u8(struct out *o, uint8_t v) { put(o, &v, 1); }

static void put_be(struct out *o, uint64_t v, size_t n)
{
    uint8_t b[8];
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    put(o, b, n);
}

static void field(struct out *o, uint8_t tag, const void *v, size_t n)
{
    put_u8(o, tag);
    put_be(o, n, 2);
    put(o, v, n);
}

static void text(struct out *o, uint8_t tag, const char *s)
{
    if (s[0] != '\0')
        field(o, tag, s, strlen(s));
}

vfy_status aud_record_encode(const aud_record *r, uint8_t *buf, size_t cap, size_t *len,
                             vfy_detail *detail)
{
    struct out o = { buf, cap, 0, false };
    put(&o, AUD_RECORD_MAGIC, 4);
    put_u8(&o, AUD_FORMAT_VERSION);
    put_u8(&o, r->kind);
    put_be(&o, r->seq, 8);
    put_be(&o, (uint64_t)r->time, 8);
    put_u8(&o, r->time_source);
    put(&o, r->prev, 32);
    text(&o, AUD_T_KIOSK, r->kiosk);
    text(&o, AUD_T_VERSION, r->version);
    text(&o, AUD_T_READER, r->reader);
    text(&o, AUD_T_ACCESS, r->access);
    if (r->has_live) {
        uint8_t v = r->live ? 1 : 0;
        field(&o, AUD_T_LIVE, &v, 1);
    }
    text(&o, AUD_T_OUTCOME, r->outcome);
    text(&o, AUD_T_DOC_OUTCOME, r->doc_outcome);
    text(&o, AUD_T_GATE, r->gate);
    if (r->has_trust)
        field(&o, AUD_T_TRUST, r->trust, 32);
    for (size_t i = 0; i < r->n_checks && i < AUD_MAX_CHECKS; i++) {
        const struct aud_check *c = &r->checks[i];
        size_t n = strlen(c->id);
        put_u8(&o, AUD_T_CHECK);
        put_be(&o, 3 + n, 2);
        put_u8(&o, c->status);
        put_be(&o, c->code, 2);
        put(&o, c->id, n);
    }
    for (size_t i = 0; i < r->n_sets && i < AUD_MAX_SETS; i++) {
        const struct aud_set *s = &r->sets[i];
        size_t a = strlen(s->id), b = strlen(s->digest);
        put_u8(&o, AUD_T_RULESET);
        put_be(&o, 1 + a + b, 2);
        put_u8(&o, (uint8_t)a);
        put(&o, s->id, a);
        put(&o, s->digest, b);
    }
    for (size_t i = 0; i < r->n_dims && i < AUD_MAX_DIMS; i++) {
        const struct aud_dim *d = &r->dims[i];
        size_t n = strlen(d->value), a = strlen(d->dimension), b = strlen(d->modality);
        put_u8(&o, AUD_T_DIMENSION);
        put_be(&o, 2 + a + b + n, 2);
        put_u8(&o, (uint8_t)a);
        put(&o, d->dimension, a);
        put_u8(&o, (uint8_t)b);
        put(&o, d->modality, b);
        put(&o, d->value, n);
    }
    if (r->has_doc_hash)
        field(&o, AUD_T_DOC_HASH, r->doc_hash, 32);
    if (r->has_person_hash)
        field(&o, AUD_T_PERSON_HASH, r->person_hash, 32);
    if (r->has_lookup_id)
        field(&o, AUD_T_LOOKUP_ID, r->lookup_id, 32);
    text(&o, AUD_T_EVENT, r->event);
    if (r->subject_len > 0)
        field(&o, AUD_T_SUBJECT, r->subject, r->subject_len);
    if (r->has_log_id)
        field(&o, AUD_T_LOG_ID, r->log_id, AUD_LOG_ID_BYTES);
    if (r->has_public_key)
        field(&o, AUD_T_PUBLIC_KEY, r->public_key, 32);
    if (r->has_prune) {
        put_u8(&o, AUD_T_PRUNE);
        put_be(&o, 16, 2);
        put_be(&o, (uint64_t)r->prune_before, 8);
        put_be(&o, r->prune_removed, 8);
    }
    if (o.overflow || o.len > AUD_RECORD_MAX)
        return vfy_fail(detail, VFY_E_LIMIT, FIELD, "the record exceeds %u bytes",
                        (unsigned)AUD_RECORD_MAX);
    *len = o.len;
    return VFY_OK;
}

vfy_status aud_record_sign(const vfy_audit_key *key, uint8_t *buf, size_t cap, size_t *len,
                           vfy_detail *detail)
{
    uint8_t sig[AUD_SIG_BYTES];
    VFY_TRY(aud_sign(key, buf, *len, sig, detail));
    struct out o = { buf, cap, *len, false };
    field(&o, AUD_T_SIGNATURE, sig, sizeof sig);
    if (o.overflow || o.len > AUD_RECORD_MAX)
        return vfy_fail(detail, VFY_E_LIMIT, FIELD, "the record exceeds %u bytes",
                        (unsigned)AUD_RECORD_MAX);
    *len = o.len;
    return VFY_OK;
}

/* ---- decoding ------------------------------------------------------------------- */

static vfy_status get_text(vfy_cursor *c, size_t n, char dst[AUD_TEXT_MAX + 1])
{
    if (n == 0 || n > AUD_TEXT_MAX)
        return vfy_cur_fail(c, VFY_E_BAD_LENGTH, "a text field of %zu characters (1 to %u allowed)",
                            n, (unsigned)AUD_TEXT_MAX);
    const uint8_t *p;
    VFY_TRY(vfy_cur_bytes(c, n, &p));
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 || p[i] > 0x7e)
            return vfy_cur_fail(c, VFY_E_BAD_ENCODING, "a text field holds byte 0x%02x", p[i]);
    memcpy(dst, p, n);
    dst[n] = '\0';
    return VFY_OK;
}

/* A length-prefixed name: 1 to AUD_NAME_MAX of a-z and '_'. */
static vfy_status get_name(vfy_cursor *c, char dst[AUD_NAME_MAX + 1])
{
    uint8_t n;
    const uint8_t *p;
    VFY_TRY(vfy_cur_u8(c, &n));
    if (n == 0 || n > AUD_NAME_MAX)
        return vfy_cur_fail(c, VFY_E_BAD_LENGTH, "a name of %u characters (1 to %u allowed)", n,
                            (unsigned)AUD_NAME_MAX);
    VFY_TRY(vfy_cur_bytes(c, n, &p));
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= 'a' && p[i] <= 'z') || p[i] == '_'))
            return vfy_cur_fail(c, VFY_E_BAD_ENCODING, "a name holds byte 0x%02x", p[i]);
    memcpy(dst, p, n);
    dst[n] = '\0';
    return VFY_OK;
}

static vfy_status get_fixed(vfy_cursor *c, size_t n, size_t want, void *dst)
{
    if (n != want)
        return vfy_cur_fail(c, VFY_E_BAD_LENGTH, "a field of %zu bytes where %zu belong", n, want);
    return vfy_cur_copy(c, dst, n);
}

static bool repeatable(uint8_t tag)
{
    return tag == AUD_T_CHECK || tag == AUD_T_RULESET || tag == AUD_T_DIMENSION;
}

static vfy_status decode_field(vfy_cursor *v, uint8_t tag, size_t n, aud_record *r)
{
    switch (tag) {
    case AUD_T_KIOSK: return get_text(v, n, r->kiosk);
    case AUD_T_VERSION: return get_text(v, n, r->version);
    case AUD_T_READER: return get_text(v, n, r->reader);
    case AUD_T_ACCESS: return get_text(v, n, r->access);
    case AUD_T_LIVE: {
        uint8_t b;
        VFY_TRY(get_fixed(v, n, 1, &b));
        if (b > 1)
            return vfy_cur_fail(v, VFY_E_BAD_VALUE, "live is %u, not 0 or 1", b);
        r->has_live = true;
        r->live = b == 1;
        return VFY_OK;
    }
    case AUD_T_OUTCOME: return get_text(v, n, r->outcome);
    case AUD_T_DOC_OUTCOME: return get_text(v, n, r->doc_outcome);
    case AUD_T_GATE: return get_text(v, n, r->gate);
    case AUD_T_TRUST:
        r->has_trust = true;
        return get_fixed(v, n, 32, r->trust);
    case AUD_T_CHECK: {
        if (r->n_checks == AUD_MAX_CHECKS)
            return vfy_cur_fail(v, VFY_E_LIMIT, "more than %u checks", (unsigned)AUD_MAX_CHECKS);
        struct aud_check *c = &r->checks[r->n_checks];
        if (n < 4)
            return vfy_cur_fail(v, VFY_E_BAD_LENGTH, "a check of %zu bytes", n);
        VFY_TRY(vfy_cur_u8(v, &c->status));
        if (c->status > VFY_OUTCOME_NOT_SUPPORTED)
            return vfy_cur_fail(v, VFY_E_BAD_VALUE, "check status %u", c->status);
        VFY_TRY(vfy_cur_u16be(v, &c->code));
        VFY_TRY(get_text(v, n - 3, c->id));
        r->n_checks++;
        return VFY_OK;
    }
    case AUD_T_RULESET: {
        if (r->n_sets == AUD_MAX_SETS)
            return vfy_cur_fail(v, VFY_E_LIMIT, "more than %u rule sets", (unsigned)AUD_MAX_SETS);
        struct aud_set *s = &r->sets[r->n_sets];
        uint8_t a;
        if (n < 3)
            return vfy_cur_fail(v, VFY_E_BAD_LENGTH, "a rule set of %zu bytes", n);
        VFY_TRY(vfy_cur_u8(v, &a));
        if ((size_t)a + 2 > n)
            return vfy_cur_fail(v, VFY_E_LENGTH_OVERFLOW, "a rule-set id of %u bytes in %zu", a, n);
        VFY_TRY(get_text(v, a, s->id));
        VFY_TRY(get_text(v, n - 1 - a, s->digest));
        r->n_sets++;
        return VFY_OK;
    }
    case AUD_T_DIMENSION: {
        if (r->n_dims == AUD_MAX_DIMS)
            return vfy_cur_fail(v, VFY_E_LIMIT, "more than %u dimensions", (unsigned)AUD_MAX_DIMS);
        struct aud_dim *d = &r->dims[r->n_dims];
        VFY_TRY(get_name(v, d->dimension));
        VFY_TRY(get_name(v, d->modality));
        if (vfy_cur_remaining(v) == 0)
            return vfy_cur_fail(v, VFY_E_TRUNCATED, "a dimension without its value");
        VFY_TRY(get_text(v, vfy_cur_remaining(v), d->value));
        r->n_dims++;
        return VFY_OK;
    }
    case AUD_T_DOC_HASH:
        r->has_doc_hash = true;
        return get_fixed(v, n, 32, r->doc_hash);
    case AUD_T_PERSON_HASH:
        r->has_person_hash = true;
        return get_fixed(v, n, 32, r->person_hash);
    case AUD_T_LOOKUP_ID:
        r->has_lookup_id = true;
        return get_fixed(v, n, 32, r->lookup_id);
    case AUD_T_EVENT: return get_text(v, n, r->event);
    case AUD_T_SUBJECT:
        if (n == 0 || n > AUD_DIGEST_MAX)
            return vfy_cur_fail(v, VFY_E_BAD_LENGTH, "a digest of %zu bytes", n);
        r->subject_len = n;
        return vfy_cur_copy(v, r->subject, n);
    case AUD_T_LOG_ID:
        r->has_log_id = true;
        return get_fixed(v, n, AUD_LOG_ID_BYTES, r->log_id);
    case AUD_T_PUBLIC_KEY:
        r->has_public_key = true;
        return get_fixed(v, n, 32, r->public_key);
    case AUD_T_PRUNE: {
        uint64_t before;
        if (n != 16)
            return vfy_cur_fail(v, VFY_E_BAD_LENGTH, "a prune field of %zu bytes", n);
        VFY_TRY(vfy_cur_uint_be(v, 8, &before));
        VFY_TRY(vfy_cur_uint_be(v, 8, &r->prune_removed));
        r->prune_before = (int64_t)before;
        r->has_prune = true;
        return VFY_OK;
    }
    case AUD_T_SIGNATURE:
        r->has_signature = true;
        return get_fixed(v, n, AUD_SIG_BYTES, r->signature);
    default:
        return vfy_cur_fail(v, VFY_E_BAD_TAG, "unknown field 0x%02x", tag);
    }
}

/* What each kind must and may carry. */
static vfy_status check_kind(const aud_record *r, vfy_detail *detail)
{
    bool key_record = r->kind == AUD_KIND_OPEN || r->kind == AUD_KIND_KEY_ROTATION ||
                      r->kind == AUD_KIND_LOOKUP_ROTATION;
    const char *missing = NULL;
    if (key_record && !r->has_signature)
        missing = "its signature";
    else if (!key_record && r->has_signature)
        return vfy_fail(detail, VFY_E_BAD_VALUE, FIELD, "a %s record carries a signature",
                        aud_kind_name(r->kind));
    else if (r->kind == AUD_KIND_OPEN && (!r->has_log_id || !r->has_public_key))
        missing = "the log id and the first public key";
    else if (r->kind != AUD_KIND_OPEN && r->has_log_id)
        return vfy_fail(detail, VFY_E_BAD_VALUE, FIELD, "a log id outside the first record");
    else if (r->kind == AUD_KIND_KEY_ROTATION && !r->has_public_key)
        missing = "the new public key";
    else if (r->kind == AUD_KIND_LOOKUP_ROTATION && !r->has_lookup_id)
        missing = "the new lookup key id";
    else if (r->kind == AUD_KIND_PRUNE && !r->has_prune)
        missing = "what was pruned";
    else if (r->kind != AUD_KIND_PRUNE && r->has_prune)
        return vfy_fail(detail, VFY_E_BAD_VALUE, FIELD, "a prune field in a %s record",
                        aud_kind_name(r->kind));
    else if (r->kind != AUD_KIND_OPEN && r->kind != AUD_KIND_KEY_ROTATION && r->has_public_key)
        return vfy_fail(detail, VFY_E_BAD_VALUE, FIELD, "a public key in a %s record",
                        aud_kind_name(r->kind));
    if (missing != NULL)
        return vfy_fail(detail, VFY_E_BAD_VALUE, FIELD, "a %s record without %s",
                        aud_kind_name(r->kind), missing);
    if (r->seq == 0 || r->seq > (uint64_t)INT64_MAX)
        return vfy_fail(detail, VFY_E_BAD_VALUE, FIELD, "record number %llu",
                        (unsigned long long)r->seq);
    return VFY_OK;
}

vfy_status aud_record_decode(const uint8_t *data, size_t len, aud_record *r, vfy_detail *detail)
{
    memset(r, 0, sizeof *r);
    if (len > AUD_RECORD_MAX)
        return vfy_fail(detail, VFY_E_LIMIT, FIELD, "a record of %zu bytes (at most %u)", len,
                        (unsigned)AUD_RECORD_MAX);
    vfy_cursor c;
    vfy_cur_init(&c, data, len, FIELD, detail);
    uint8_t magic[4], version;
    VFY_TRY(vfy_cur_copy(&c, magic, 4));
    if (memcmp(magic, AUD_RECORD_MAGIC, 4) != 0)
        return vfy_fail_at(detail, VFY_E_BAD_TAG, FIELD, 0, "not an audit record (no VFYA)");
    VFY_TRY(vfy_cur_u8(&c, &version));
    if (version != AUD_FORMAT_VERSION)
        return vfy_fail_at(detail, VFY_E_UNSUPPORTED, FIELD, 4, "record format version %u", version);
    VFY_TRY(vfy_cur_u8(&c, &r->kind));
    if (r->kind < AUD_KIND_OPEN || r->kind > AUD_KIND_MAX)
        return vfy_fail_at(detail, VFY_E_BAD_VALUE, FIELD, 5, "record kind %u", r->kind);
    uint64_t t;
    VFY_TRY(vfy_cur_uint_be(&c, 8, &r->seq));
    VFY_TRY(vfy_cur_uint_be(&c, 8, &t));
    r->time = (int64_t)t;
    VFY_TRY(vfy_cur_u8(&c, &r->time_source));
    if (r->time_source > VFY_TIME_CALLER)
        return vfy_cur_fail(&c, VFY_E_BAD_VALUE, "time source %u", r->time_source);
    VFY_TRY(vfy_cur_copy(&c, r->prev, 32));
    int last = 0;
    while (!vfy_cur_at_end(&c)) {
        size_t start = c.pos;
        uint8_t tag;
        uint16_t n;
        VFY_TRY(vfy_cur_u8(&c, &tag));
        if (last == AUD_T_SIGNATURE)
            return vfy_cur_fail(&c, VFY_E_TRAILING_BYTES, "a field after the signature");
        if (tag < last || (tag == last && !repeatable(tag)))
            return vfy_cur_fail(&c, VFY_E_BAD_TAG, "field 0x%02x out of order or repeated", tag);
        VFY_TRY(vfy_cur_u16be(&c, &n));
        vfy_cursor v;
        VFY_TRY(vfy_cur_sub(&c, n, NULL, &v));
        if (tag == AUD_T_SIGNATURE)
            r->signed_len = start;
        VFY_TRY(decode_field(&v, tag, n, r));
        VFY_TRY(vfy_cur_expect_end(&v));
        last = tag;
    }
    return check_kind(r, detail);
}
