/* DER value helpers for the LDS parsers; all reads go through the bounded cursor. */
#include <stdio.h>
#include <string.h>

#include "core/fail.h"
#include "lds/der.h"

vfy_status der_small_int(const vfy_tlv *t, long *out)
{
    vfy_cursor c = t->value;
    c.pos = 0;
    if (t->tag != DER_INTEGER)
        return vfy_cur_fail(&c, VFY_E_BAD_TAG, "expected an INTEGER, found tag 0x%X", t->tag);
    size_t n = vfy_cur_remaining(&c);
    if (n == 0)
        return vfy_cur_fail(&c, VFY_E_BAD_VALUE, "INTEGER has no content");
    if (n > 8)
        return vfy_cur_fail(&c, VFY_E_LIMIT, "INTEGER of %zu bytes is larger than expected", n);
    uint64_t v;
    VFY_TRY(vfy_cur_uint_be(&c, n, &v));
    uint8_t first = t->value.data[0];
    if (first & 0x80) {
        /* Sign-extend a negative value (JMRTD notes negative keyIds in the field). */
        if (n < 8)
            v |= ~(uint64_t)0 << (8 * n);
    }
    *out = (long)(int64_t)v;
    return VFY_OK;
}

vfy_status der_next_int(vfy_cursor *c, long *out)
{
    vfy_tlv t;
    VFY_TRY(vfy_tlv_expect(c, DER_INTEGER, 0, &t));
    return der_small_int(&t, out);
}

vfy_status der_next_oid(vfy_cursor *c, vfy_bytes *oid)
{
    vfy_tlv t;
    VFY_TRY(vfy_tlv_expect(c, DER_OID, 0, &t));
    if (t.value.len == 0)
        return vfy_cur_fail(c, VFY_E_BAD_VALUE, "empty OBJECT IDENTIFIER at offset %zu", t.offset);
    *oid = der_view(&t);
    return VFY_OK;
}

bool der_oid_eq(const vfy_bytes *oid, der_oid want)
{
    return oid->present && oid->len == want.len && memcmp(oid->data, want.bytes, want.len) == 0;
}

bool der_oid_has_prefix(const vfy_bytes *oid, der_oid prefix)
{
    return oid->present && oid->len > prefix.len && memcmp(oid->data, prefix.bytes, prefix.len) == 0;
}

void der_oid_text(const uint8_t *bytes, size_t len, char *buf, size_t cap)
{
    if (cap == 0)
        return;
    buf[0] = '\0';
    vfy_cursor c;
    vfy_cur_init(&c, bytes, len, NULL, NULL);
    size_t used = 0;
    bool first = true;
    while (!vfy_cur_at_end(&c)) {
        uint64_t v = 0;
        uint8_t b;
        unsigned n = 0;
        do {
            if (vfy_cur_u8(&c, &b) != VFY_OK || ++n > 9) {
                snprintf(buf, cap, "?");
                return;
            }
            v = (v << 7) | (b & 0x7F);
        } while (b & 0x80);
        int w;
        if (first) {
            uint64_t a = v < 40 ? 0 : v < 80 ? 1 : 2;
            w = snprintf(buf + used, cap - used, "%llu.%llu", (unsigned long long)a,
                         (unsigned long long)(v - 40 * a));
            first = false;
        } else {
            w = snprintf(buf + used, cap - used, ".%llu", (unsigned long long)v);
        }
        if (w < 0 || (size_t)w >= cap - used) {
            snprintf(buf, cap, "?");
            return;
        }
        used += (size_t)w;
    }
    if (first)
        snprintf(buf, cap, "?");
}

vfy_status der_copy_printable(const vfy_tlv *t, char *buf, size_t cap)
{
    vfy_cursor c = t->value;
    c.pos = 0;
    size_t n = vfy_cur_remaining(&c);
    if (n + 1 > cap)
        return vfy_cur_fail(&c, VFY_E_BAD_LENGTH, "text of %zu bytes where at most %zu fit", n,
                            cap - 1);
    for (size_t i = 0; i < n; i++) {
        uint8_t b;
        VFY_TRY(vfy_cur_u8(&c, &b));
        if (b < 0x20 || b > 0x7E)
            return vfy_cur_fail(&c, VFY_E_BAD_ENCODING, "byte 0x%02X is not printable text", b);
        buf[i] = (char)b;
    }
    buf[n] = '\0';
    return VFY_OK;
}

void lds_note_unknown(vfy_lds_unknown *u, uint32_t tag)
{
    if (u->count < VFY_LDS_MAX_UNKNOWN)
        u->tags[u->count] = tag;
    if (u->count < UINT32_MAX)
        u->count++;
}

static const struct {
    digest_alg alg;
    der_oid oid;
} digests[] = {
    { { "SHA-1", "SHA1", 20 }, DER_OID(0x2B, 0x0E, 0x03, 0x02, 0x1A) },
    { { "SHA-224", "SHA224", 28 }, DER_OID(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04) },
    { { "SHA-256", "SHA256", 32 }, DER_OID(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01) },
    { { "SHA-384", "SHA384", 48 }, DER_OID(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02) },
    { { "SHA-512", "SHA512", 64 }, DER_OID(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03) },
};

const digest_alg *digest_from_oid(const vfy_bytes *oid)
{
    for (size_t i = 0; i < sizeof digests / sizeof digests[0]; i++)
        if (der_oid_eq(oid, digests[i].oid))
            return &digests[i].alg;
    return NULL;
}

const digest_alg *digest_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof digests / sizeof digests[0]; i++)
        if (strcmp(digests[i].alg.name, name) == 0 || strcmp(digests[i].alg.ossl, name) == 0)
            return &digests[i].alg;
    return NULL;
}
