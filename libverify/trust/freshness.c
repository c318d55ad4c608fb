/*
 * How current a trust store is: each CSCA's validity and CRL, signer certificates about to
 * expire, countries without any CRL. The thresholds are the caller's (`at`, the window);
 * what counts as a CSCA's CRL is the chain's rule (vfy_trust_crl_of: the CSCA signed it).
 */
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json_out.h"
#include "trust/trust_store.h"
#include "verify/trust_update.h"
#include "verify/version.h"

struct vfy_trust_status {
    vfy_trust_status_item *items;
    size_t count;
    time_t at;
    unsigned window_days;
    char no_crl[3 * 300];
};

static time_t to_time(const ASN1_TIME *a)
{
    struct tm tm;
    return a != NULL && ASN1_TIME_to_tm(a, &tm) == 1 ? timegm(&tm) : 0;
}

static void describe(X509 *c, vfy_trust_status_item *it)
{
    vfy_x509_name_text(X509_get_subject_name(c), it->subject, sizeof it->subject);
    vfy_x509_name_country(X509_get_subject_name(c), it->country);
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(c), NULL);
    char *h = bn != NULL ? BN_bn2hex(bn) : NULL;
    snprintf(it->serial, sizeof it->serial, "%s", h != NULL ? h : "");
    OPENSSL_free(h);
    BN_free(bn);
    unsigned char md[32];
    unsigned len = 0;
    if (X509_digest(c, EVP_sha256(), md, &len) == 1 && len == 32)
        for (unsigned i = 0; i < 32; i++)
            snprintf(it->sha256 + 2 * i, 3, "%02x", md[i]);
    it->not_after = to_time(X509_get0_notAfter(c));
}

static vfy_freshness validity(X509 *c, time_t at, unsigned window_days)
{
    time_t soon = at + (time_t)window_days * 86400;
    if (X509_cmp_time(X509_get0_notBefore(c), &at) > 0 || X509_cmp_time(X509_get0_notAfter(c), &at) < 0)
        return VFY_FRESH_EXPIRED;
    if (X509_cmp_time(X509_get0_notAfter(c), &soon) < 0)
        return VFY_FRESH_EXPIRING;
    return VFY_FRESH;
}

/* Ranking of states, worst last, for "the worst that applies". */
static int rank(vfy_freshness f)
{
    switch (f) {
    case VFY_FRESH: return 0;
    case VFY_FRESH_EXPIRING: return 1;
    case VFY_FRESH_CRL_STALE: return 2;
    case VFY_FRESH_CRL_MISSING: return 3;
    case VFY_FRESH_EXPIRED: return 4;
    }
    return 5;
}

static int by_country(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

vfy_status vfy_trust_status_make(const vfy_trust *t, time_t at, unsigned window_days, vfy_trust_status **out)
{
    if (t == NULL || out == NULL)
        return VFY_E_INVALID_ARGUMENT;
    *out = NULL;
    if (at == 0)
        at = time(NULL);
    size_t anchors = vfy_trust_anchor_count(t), hints = vfy_trust_hint_count(t);
    vfy_trust_status *s = calloc(1, sizeof *s);
    if (s == NULL)
        return VFY_E_NO_MEMORY;
    s->items = calloc(anchors + hints + 1, sizeof *s->items);
    if (s->items == NULL) {
        free(s);
        return VFY_E_NO_MEMORY;
    }
    s->at = at;
    s->window_days = window_days;
    char (*countries)[3] = calloc(anchors + 1, 3);
    if (countries == NULL) { /* else the countries without CRL would silently go unreported */
        vfy_trust_status_free(s);
        return VFY_E_NO_MEMORY;
    }
    size_t nc = 0;
    for (size_t i = 0; i < anchors; i++) {
        X509 *c = vfy_trust_anchor_get(t, i);
        vfy_trust_status_item *it = &s->items[s->count++];
        it->kind = VFY_TRUST_CERTIFICATE;
        describe(c, it);
        vfy_freshness f = validity(c, at, window_days);
        for (int k = 0; k < sk_X509_CRL_num(t->crls); k++) {
            X509_CRL *crl = sk_X509_CRL_value(t->crls, k);
            int of = vfy_trust_crl_of(crl, c);
            if (of < 0) { /* a CRL left out would read as missing or stale */
                free(countries);
                vfy_trust_status_free(s);
                return VFY_E_NO_MEMORY;
            }
            if (of == 0)
                continue;
            it->crl_count++;
            time_t tu = to_time(X509_CRL_get0_lastUpdate(crl));
            if (tu >= it->crl_this_update) {
                it->crl_this_update = tu;
                it->crl_next_update = to_time(X509_CRL_get0_nextUpdate(crl));
            }
        }
        vfy_freshness crl = it->crl_count == 0 ? VFY_FRESH_CRL_MISSING
                            : it->crl_next_update == 0 || it->crl_next_update < at ? VFY_FRESH_CRL_STALE
                                                                                   : VFY_FRESH;
        it->state = rank(crl) > rank(f) ? crl : f;
        if (it->crl_count == 0 && countries != NULL && it->country[0] != '\0')
            memcpy(countries[nc++], it->country, 3);
    }
    /* A country is without CRL only when none of its CSCAs has one. */
    if (countries != NULL) {
        qsort(countries, nc, 3, by_country);
        size_t used = 0;
        for (size_t i = 0; i < nc; i++) {
            if (i > 0 && strcmp(countries[i], countries[i - 1]) == 0)
                continue;
            bool has = false;
            for (size_t k = 0; k < s->count && !has; k++)
                has = strcmp(s->items[k].country, countries[i]) == 0 && s->items[k].crl_count > 0;
            if (has || used + 4 > sizeof s->no_crl)
                continue;
            used += (size_t)snprintf(s->no_crl + used, sizeof s->no_crl - used, "%s%s", used ? "," : "",
                                     countries[i]);
        }
        free(countries);
    }
    for (size_t i = 0; i < hints; i++) {
        X509 *c = vfy_trust_hint_get(t, i);
        vfy_trust_status_item *it = &s->items[s->count++];
        it->kind = VFY_TRUST_HINT;
        describe(c, it);
        it->state = validity(c, at, window_days);
    }
    *out = s;
    return VFY_OK;
}

void vfy_trust_status_free(vfy_trust_status *s)
{
    if (s == NULL)
        return;
    free(s->items);
    free(s);
}

size_t vfy_trust_status_item_count(const vfy_trust_status *s)
{
    return s != NULL ? s->count : 0;
}

bool vfy_trust_status_item_at(const vfy_trust_status *s, size_t i, vfy_trust_status_item *out)
{
    if (s == NULL || out == NULL || i >= s->count)
        return false;
    *out = s->items[i];
    return true;
}

size_t vfy_trust_status_count(const vfy_trust_status *s, vfy_freshness state)
{
    size_t n = 0;
    for (size_t i = 0; s != NULL && i < s->count; i++)
        n += s->items[i].state == state;
    return n;
}

bool vfy_trust_status_healthy(const vfy_trust_status *s)
{
    return s != NULL && vfy_trust_status_count(s, VFY_FRESH) == s->count;
}

const char *vfy_trust_status_countries_without_crl(const vfy_trust_status *s)
{
    return s != NULL ? s->no_crl : "";
}

const char *vfy_freshness_name(vfy_freshness f)
{
    switch (f) {
    case VFY_FRESH: return "fresh";
    case VFY_FRESH_EXPIRING: return "expiring";
    case VFY_FRESH_EXPIRED: return "expired";
    case VFY_FRESH_CRL_STALE: return "crl_stale";
    case VFY_FRESH_CRL_MISSING: return "crl_missing";
    }
    return "unknown";
}

static json_t *jtime(time_t t)
{
    if (t == 0)
        return json_null();
    struct tm tm;
    char buf[32];
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(buf);
}

char *vfy_trust_status_to_json(const vfy_trust_status *s, unsigned flags)
{
    if (s == NULL)
        return NULL;
    json_t *root = json_object(), *items = json_array(), *counts = json_object(), *no_crl = json_array();
    json_object_set_new(root, "schema", json_string("libverify.trust-status/1"));
    json_object_set_new(root, "library_version", json_string(vfy_version()));
    json_object_set_new(root, "time", jtime(s->at));
    json_object_set_new(root, "window_days", json_integer(s->window_days));
    json_object_set_new(root, "healthy", json_boolean(vfy_trust_status_healthy(s)));
    for (int f = VFY_FRESH; f <= VFY_FRESH_CRL_MISSING; f++)
        json_object_set_new(counts, vfy_freshness_name((vfy_freshness)f),
                            json_integer((json_int_t)vfy_trust_status_count(s, (vfy_freshness)f)));
    json_object_set_new(root, "counts", counts);
    for (const char *p = s->no_crl; *p != '\0'; p += p[2] == ',' ? 3 : 2) {
        char c[3] = { p[0], p[1], '\0' };
        json_array_append_new(no_crl, json_string(c));
        if (p[2] == '\0')
            break;
    }
    json_object_set_new(root, "countries_without_crl", no_crl);
    for (size_t i = 0; i < s->count; i++) {
        const vfy_trust_status_item *it = &s->items[i];
        json_t *o = json_object();
        json_object_set_new(o, "kind", json_string(it->kind == VFY_TRUST_CERTIFICATE ? "csca" : "signer"));
        json_object_set_new(o, "state", json_string(vfy_freshness_name(it->state)));
        json_object_set_new(o, "subject", vfy_trust_json_text(it->subject));
        json_object_set_new(o, "country", it->country[0] ? json_string(it->country) : json_null());
        json_object_set_new(o, "serial", json_string(it->serial));
        json_object_set_new(o, "sha256", json_string(it->sha256));
        json_object_set_new(o, "not_after", jtime(it->not_after));
        if (it->kind == VFY_TRUST_CERTIFICATE) {
            json_object_set_new(o, "crl_count", json_integer((json_int_t)it->crl_count));
            json_object_set_new(o, "crl_this_update", jtime(it->crl_this_update));
            json_object_set_new(o, "crl_next_update", jtime(it->crl_next_update));
        }
        json_array_append_new(items, o);
    }
    json_object_set_new(root, "items", items);
    return vfy_json_dump_(root, flags);
}
