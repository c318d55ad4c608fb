/*
 * The trust store as JSON (schema "libverify.trust/1"): what `vfy trust show --json`
 * prints. Order-independent by construction: items are sorted (kind, country, subject,
 * fingerprint) and items with the same fingerprint are one, with every source listed.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json_out.h"
#include "trust/trust_store.h"
#include "verify/version.h"

static int kind_rank(vfy_trust_kind k)
{
    switch (k) {
    case VFY_TRUST_CERTIFICATE:
    case VFY_TRUST_MASTER_LIST_CERT: return 0;
    case VFY_TRUST_HINT: return 1;
    case VFY_TRUST_MASTER_LIST: return 2;
    case VFY_TRUST_CRL: return 3;
    }
    return 4;
}

static const char *kind_name(vfy_trust_kind k)
{
    switch (k) {
    case VFY_TRUST_CERTIFICATE: return "csca";
    case VFY_TRUST_MASTER_LIST_CERT: return "csca_from_master_list";
    case VFY_TRUST_HINT: return "signer";
    case VFY_TRUST_MASTER_LIST: return "master_list";
    case VFY_TRUST_CRL: return "crl";
    }
    return "unknown";
}

static int by_order(const void *a, const void *b)
{
    const vfy_trust_entry *x = *(const vfy_trust_entry *const *)a, *y = *(const vfy_trust_entry *const *)b;
    int c = kind_rank(x->kind) - kind_rank(y->kind);
    if (c == 0)
        c = strcmp(x->country, y->country);
    if (c == 0)
        c = strcmp(x->subject, y->subject);
    if (c == 0)
        c = strcmp(x->sha256, y->sha256);
    if (c == 0)
        c = (int)y->accepted - (int)x->accepted; /* an accepted copy first */
    if (c == 0)
        c = strcmp(x->source, y->source);
    return c;
}

static json_t *day(time_t t)
{
    if (t == 0)
        return json_null();
    struct tm tm;
    char buf[32];
    if (gmtime_r(&t, &tm) == NULL)
        return json_null();
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(buf);
}

char *vfy_trust_to_json(const vfy_trust *t, time_t at, unsigned flags)
{
    if (t == NULL)
        return NULL;
    if (at == 0)
        at = time(NULL);
    const vfy_trust_entry **order = calloc(t->entry_count + 1, sizeof *order);
    if (order == NULL)
        return NULL;
    for (size_t i = 0; i < t->entry_count; i++)
        order[i] = &t->entries[i];
    qsort(order, t->entry_count, sizeof *order, by_order);
    json_t *root = json_object(), *items = json_array();
    json_object_set_new(root, "schema", json_string("libverify.trust/1"));
    json_object_set_new(root, "library_version", json_string(vfy_version()));
    json_object_set_new(root, "anchors", json_integer((json_int_t)vfy_trust_anchor_count(t)));
    uint8_t digest[32];
    char hex[65] = "";
    if (vfy_trust_digest(t, digest) == VFY_OK)
        for (int i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    json_object_set_new(root, "digest", json_string(hex));
    json_object_set_new(root, "built_at", day(vfy_trust_built_at(t)));
    json_t *last = NULL;
    const vfy_trust_entry *prev = NULL;
    for (size_t i = 0; i < t->entry_count; i++) {
        const vfy_trust_entry *e = order[i];
        if (prev != NULL && last != NULL && e->sha256[0] != '\0' && strcmp(e->sha256, prev->sha256) == 0 &&
            e->kind == prev->kind) {
            /* The same item again (another file, or the store's own duplicate): one item. */
            json_array_append_new(json_object_get(last, "sources"), vfy_trust_json_text(e->source));
            continue;
        }
        json_t *o = json_object(), *sources = json_array();
        json_object_set_new(o, "kind", json_string(kind_name(e->kind)));
        json_object_set_new(o, "accepted", json_boolean(e->accepted));
        json_object_set_new(o, "country", e->country[0] ? json_string(e->country) : json_null());
        json_object_set_new(o, "subject", vfy_trust_json_text(e->subject));
        json_object_set_new(o, "serial", e->serial[0] ? json_string(e->serial) : json_null());
        json_object_set_new(o, "sha256", e->sha256[0] ? json_string(e->sha256) : json_null());
        json_object_set_new(o, "not_before", day(e->not_before));
        json_object_set_new(o, "not_after", day(e->not_after));
        json_object_set_new(o, "expired", e->not_after != 0 ? json_boolean(e->not_after < at) : json_null());
        json_object_set_new(o, "reason", e->reason[0] ? vfy_trust_json_text(e->reason) : json_null());
        json_array_append_new(sources, vfy_trust_json_text(e->source));
        json_object_set_new(o, "sources", sources);
        json_array_append_new(items, o);
        last = o;
        prev = e;
    }
    json_object_set_new(root, "items", items);
    free(order);
    return vfy_json_dump_(root, flags);
}
