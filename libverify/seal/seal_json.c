/*
 * The seal result as JSON (schema "libverify.seal/1", docs/schema/seal.schema.json): the
 * one serializer behind `vfy seal --json` and the "seal" member of an inspection.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json_out.h"
#include "core/error_json.h"
#include "seal/seal_internal.h"
#include "verify/seal.h"
#include "verify/version.h"

const char *vfy_seal_coding_name(vfy_seal_coding c)
{
    switch (c) {
    case VFY_SEAL_BINARY: return "binary";
    case VFY_SEAL_C40: return "c40";
    case VFY_SEAL_MRZ: return "mrz";
    case VFY_SEAL_UINT: return "integer";
    case VFY_SEAL_DATE: return "date";
    case VFY_SEAL_DURATION: return "duration";
    case VFY_SEAL_UTF8: return "utf8";
    case VFY_SEAL_GROUP: return "group";
    case VFY_SEAL_JSON: return "json";
    }
    return "binary";
}

static char *hex_of(const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 1);
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        snprintf(s + 2 * i, 3, "%02x", p[i]);
    s[2 * n] = '\0';
    return s;
}

static const char *date_str(vfy_date d, char buf[16])
{
    snprintf(buf, 16, "%04d-%02d-%02d", d.year % 10000, d.month % 100, d.day % 100);
    return buf;
}

static const char *time_str(time_t t, char buf[16])
{
    struct tm tm;
    if (t == 0 || gmtime_r(&t, &tm) == NULL)
        snprintf(buf, 16, "?");
    else
        strftime(buf, 16, "%Y-%m-%d", &tm);
    return buf;
}

static json_t *message_value_json(const vfy_seal_message *m)
{
    if (m->coding == VFY_SEAL_MRZ && m->text != NULL) {
        json_t *lines = json_array();
        const char *p = m->text;
        for (;;) {
            const char *nl = strchr(p, '\n');
            size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
            json_array_append_new(lines, json_stringn(p, n));
            if (nl == NULL)
                break;
            p = nl + 1;
        }
        return lines;
    }
    if (m->coding == VFY_SEAL_JSON && m->text != NULL) {
        json_t *v = json_loads(m->text, JSON_DECODE_ANY, NULL);
        return v != NULL ? v : json_string(m->text);
    }
    if (m->text != NULL)
        return json_string(m->text);
    if (m->conforms && m->coding == VFY_SEAL_UINT)
        return json_integer((json_int_t)m->number);
    if (m->conforms && m->coding == VFY_SEAL_DURATION)
        return json_pack("{s:i,s:i,s:i}", "days", (int)m->days, "months", (int)m->months, "years", (int)m->years);
    if (m->coding == VFY_SEAL_GROUP)
        return json_null();
    char *hex = hex_of(m->value, m->value_len);
    json_t *v = hex != NULL ? json_string(hex) : json_null();
    free(hex);
    return v;
}

static json_t *messages_json(const vfy_seal_result *r, int parent)
{
    json_t *a = json_array();
    for (size_t i = 0; i < r->message_count; i++) {
        const vfy_seal_message *m = &r->messages[i];
        if (m->parent != parent)
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "tag", json_integer(m->tag));
        json_object_set_new(o, "name", json_string(m->name));
        json_object_set_new(o, "coding", json_string(vfy_seal_coding_name(m->coding)));
        json_object_set_new(o, "length", json_integer((json_int_t)m->value_len));
        json_object_set_new(o, "conforms", json_boolean(m->conforms));
        if (m->coding == VFY_SEAL_GROUP)
            json_object_set_new(o, "messages", messages_json(r, (int)i));
        else
            json_object_set_new(o, "value", message_value_json(m));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *header_json(const vfy_seal_result *r)
{
    const vfy_seal_header *h = &r->header;
    char buf[16], hex[8];
    json_t *o = json_object();
    json_object_set_new(o, "issuing_country", json_string(h->country));
    json_object_set_new(o, "issuing_country_c40", json_string(h->country_c40));
    if (h->document_type != NULL)
        json_object_set_new(o, "document_type", json_string(h->document_type));
    if (r->kind == VFY_SEAL_KIND_VDS) {
        snprintf(hex, sizeof hex, "0x%02x", h->version_byte);
        json_object_set_new(o, "version_byte", json_string(hex));
        json_object_set_new(o, "layout", json_string(h->layout == VFY_SEAL_LAYOUT_FIXED ? "fixed" : "variable"));
        json_object_set_new(o, "signer_identifier", json_string(h->signer_id));
        json_object_set_new(o, "certificate_reference", json_string(h->cert_ref));
        json_object_set_new(o, "document_issue_date", json_string(date_str(h->issue_date, buf)));
        json_object_set_new(o, "signature_creation_date", json_string(date_str(h->signature_date, buf)));
        snprintf(hex, sizeof hex, "0x%02x", h->feature_ref);
        json_object_set_new(o, "doc_feature_def_ref", json_string(hex));
        snprintf(hex, sizeof hex, "0x%02x", h->type_category);
        json_object_set_new(o, "doc_type_category", json_string(hex));
        json_object_set_new(o, "header_length", json_integer((json_int_t)h->header_length));
    } else if (r->kind == VFY_SEAL_KIND_IDB) {
        char flag[2] = { h->flag, 0 };
        json_object_set_new(o, "identifier", json_string(h->identifier));
        json_object_set_new(o, "flag", json_string(flag));
        json_object_set_new(o, "signed", json_boolean(h->is_signed));
        json_object_set_new(o, "compressed", json_boolean(h->compressed));
        json_object_set_new(o, "payload_length", json_integer((json_int_t)h->payload_length));
        if (h->is_signed) {
            json_object_set_new(o, "signature_algorithm", json_integer(h->signature_algorithm));
            json_object_set_new(o, "certificate_reference", json_string(h->cert_ref));
            json_object_set_new(o, "signature_creation_date", json_string(date_str(h->signature_date, buf)));
            json_object_set_new(o, "has_signer_certificate", json_boolean(h->has_certificate));
        }
    } else if (r->kind == VFY_SEAL_KIND_VDSNC) {
        json_object_set_new(o, "type", json_string(h->type));
        json_object_set_new(o, "version", json_integer(h->nc_version));
        json_object_set_new(o, "algorithm", json_string(h->algorithm));
    }
    return o;
}

static json_t *signer_json(const vfy_seal_result *r)
{
    const vfy_seal_signer *s = &r->signer;
    if (!s->found)
        return json_null();
    char a[16], b[16];
    json_t *o = json_object();
    json_object_set_new(o, "subject", json_string(s->subject));
    json_object_set_new(o, "issuer", json_string(s->issuer));
    json_object_set_new(o, "serial", json_string(s->serial));
    json_object_set_new(o, "not_before", json_string(time_str(s->not_before, a)));
    json_object_set_new(o, "not_after", json_string(time_str(s->not_after, b)));
    json_object_set_new(o, "embedded", json_boolean(s->embedded));
    json_object_set_new(o, "direct_anchor", json_boolean(s->direct_anchor));
    json_object_set_new(o, "chained", json_boolean(s->chained));
    json_object_set_new(o, "valid_at_signing", s->has_signing_time ? json_boolean(s->valid_at_signing) : json_null());
    json_object_set_new(o, "valid_now", json_boolean(s->valid_now));
    json_object_set_new(o, "key", json_string(s->key));
    json_object_set_new(o, "hash", json_string(s->hash));
    return o;
}

json_t *vfy_seal_json_object_(const vfy_seal_result *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "schema", json_string("libverify.seal/1"));
    json_object_set_new(o, "library_version", json_string(vfy_version()));
    json_object_set_new(o, "kind", json_string(vfy_seal_kind_name(r->kind)));
    json_object_set_new(o, "verdict", json_string(vfy_seal_verdict_name(r->verdict)));
    json_object_set_new(o, "header", header_json(r));
    json_object_set_new(o, "messages", messages_json(r, -1));
    json_object_set_new(o, "signer", signer_json(r));
    json_t *sig = json_object();
    json_object_set_new(sig, "length", json_integer((json_int_t)r->signature_length));
    json_object_set_new(sig, "signed_length", json_integer((json_int_t)r->signed_length));
    json_object_set_new(sig, "checked", json_boolean(r->signature_checked));
    json_object_set_new(sig, "ok", json_boolean(r->signature_ok));
    json_object_set_new(o, "signature", sig);
    json_t *choices = json_array();
    for (unsigned i = 0; i < r->choice_count; i++)
        json_array_append_new(choices, json_string(r->choices[i]));
    json_object_set_new(o, "choices", choices);
    { /* always present: a seal not compared says passport_checked false */
        json_t *mm = json_array();
        for (unsigned i = 0; i < r->mismatch_count; i++)
            json_array_append_new(mm, json_pack("{s:s,s:s,s:s}", "field", r->mismatches[i].field, "seal",
                                                r->mismatches[i].seal, "passport", r->mismatches[i].passport));
        json_object_set_new(o, "passport_checked", json_boolean(r->mrz_checked));
        json_object_set_new(o, "passport_mismatches", mm);
    }
    if (r->status != VFY_OK) {
        json_object_set_new(o, "error", vfy_error_json_object_(r->status, &r->detail));
    }
    return o;
}


char *vfy_seal_result_to_json(const vfy_seal_result *r, unsigned flags)
{
    if (r == NULL)
        return NULL;
    json_t *o = vfy_seal_json_object_(r);
    return vfy_json_dump_(o, flags);
}
