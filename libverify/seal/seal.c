/*
 * The public entry point: recognise the kind, decode, find the signer, verify the
 * signature, decide trust, compare with the passport, and turn it all into one
 * verdict that fails closed.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "core/fail.h"
#include "seal/seal_internal.h"
#include "seal/seal_signer.h"

const char *vfy_seal_kind_name(vfy_seal_kind kind)
{
    switch (kind) {
    case VFY_SEAL_KIND_VDS: return "vds";
    case VFY_SEAL_KIND_IDB: return "idb";
    case VFY_SEAL_KIND_VDSNC: return "vdsnc";
    case VFY_SEAL_KIND_UNKNOWN: break;
    }
    return "unknown";
}

const char *vfy_seal_verdict_name(vfy_seal_verdict verdict)
{
    switch (verdict) {
    case VFY_SEAL_VALID: return "valid";
    case VFY_SEAL_INVALID: return "invalid";
    case VFY_SEAL_UNVERIFIED: break;
    }
    return "unverified";
}

vfy_seal_kind vfy_seal_detect(const uint8_t *data, size_t len)
{
    vfy_cursor c;
    vfy_cur_init(&c, data, len, NULL, NULL);
    uint8_t b = 0;
    if (vfy_cur_peek(&c, 0, &b) != VFY_OK)
        return VFY_SEAL_KIND_UNKNOWN;
    if (b == 0xDC)
        return VFY_SEAL_KIND_VDS;
    const uint8_t *id;
    vfy_cursor t = c;
    if (vfy_cur_bytes(&t, 4, &id) == VFY_OK && (memcmp(id, "RDB1", 4) == 0 || memcmp(id, "NDB1", 4) == 0))
        return VFY_SEAL_KIND_IDB;
    /* JSON: the first non-blank character opens an object. */
    while (vfy_cur_u8(&c, &b) == VFY_OK)
        if (b != ' ' && b != '\t' && b != '\r' && b != '\n')
            return b == '{' ? VFY_SEAL_KIND_VDSNC : VFY_SEAL_KIND_UNKNOWN;
    return VFY_SEAL_KIND_UNKNOWN;
}

static const EVP_MD *idb_md(uint8_t alg)
{
    switch (alg) {
    case 1: return EVP_sha256();
    case 2: return EVP_sha384();
    case 3: return EVP_sha512();
    default: return NULL;
    }
}

/* Noon UTC of a date: the header gives only the day. */
static bool date_to_time(const vfy_date *d, time_t *out)
{
    if (d->year == 0 || d->month == 0 || d->day == 0)
        return false;
    struct tm tm = { .tm_year = d->year - 1900, .tm_mon = d->month - 1, .tm_mday = d->day, .tm_hour = 12 };
    *out = timegm(&tm);
    return true;
}

static vfy_status decode(vfy_seal_result *r, const uint8_t *copy, size_t len, vfy_detail *detail)
{
    switch (r->kind) {
    case VFY_SEAL_KIND_VDS: return seal_vds_parse(r, copy, len, detail);
    case VFY_SEAL_KIND_IDB: return seal_idb_parse(r, copy, len, detail);
    case VFY_SEAL_KIND_VDSNC: return seal_vdsnc_parse(r, copy, len, detail);
    case VFY_SEAL_KIND_UNKNOWN: break;
    }
    return vfy_fail(detail, VFY_E_SEAL_FORMAT, "seal",
                    "the input is neither a VDS (first byte 0xDC), an IDB (RDB1/NDB1) nor a VDS-NC (JSON)");
}

static vfy_status verify_signed(vfy_seal_result *r, const vfy_seal_options *o, vfy_detail *detail)
{
    X509 *cert = NULL;
    VFY_TRY(seal_find_signer(r, o, &cert, detail));
    time_t now = o->now != 0 ? o->now : time(NULL);
    time_t signed_at = now;
    bool has_time = r->kind != VFY_SEAL_KIND_VDSNC && date_to_time(&r->header.signature_date, &signed_at);
    seal_describe_signer(r, cert, signed_at, has_time, now);
    const EVP_MD *md = NULL;
    if (r->kind == VFY_SEAL_KIND_IDB)
        md = idb_md(r->header.signature_algorithm);
    else if (r->kind == VFY_SEAL_KIND_VDSNC)
        md = seal_vdsnc_md(r->header.algorithm);
    r->signature_checked = true;
    VFY_TRY(seal_ecdsa_verify(cert, md, r->signed_bytes, r->signed_length, r->signature, r->signature_length,
                              &r->signer, detail));
    r->signature_ok = true;
    return seal_trust_signer(r, o->trust, cert, has_time ? signed_at : now, detail);
}

static vfy_seal_verdict verdict_for(vfy_status s)
{
    switch (s) {
    case VFY_OK: return VFY_SEAL_VALID;
    case VFY_E_SEAL_UNSIGNED:
    case VFY_E_SEAL_SIGNER_UNKNOWN:
    case VFY_E_CRL_STALE:
    case VFY_E_NO_TRUST_ANCHOR: return VFY_SEAL_UNVERIFIED;
    default: return VFY_SEAL_INVALID;
    }
}

vfy_status vfy_seal_verify(const uint8_t *data, size_t len, const vfy_seal_options *options,
                           vfy_seal_result **out, vfy_detail *detail)
{
    if (out == NULL || (data == NULL && len > 0))
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "seal", "no result pointer or no data given");
    *out = NULL;
    vfy_seal_options none = { 0 };
    const vfy_seal_options *o = options != NULL ? options : &none;
    vfy_seal_result *r = calloc(1, sizeof *r);
    if (r == NULL || (r->owned_ = calloc(1, sizeof *r->owned_)) == NULL) {
        free(r);
        return vfy_fail(detail, VFY_E_NO_MEMORY, "seal", "out of memory");
    }
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s;
    r->kind = vfy_seal_detect(data, len);
    const uint8_t *copy = len > 0 ? seal_dup(r, data, len) : NULL;
    if (len > VFY_SEAL_MAX_INPUT)
        s = vfy_fail(&d, VFY_E_LIMIT, "seal", "the input has %zu bytes; a seal has at most %u", len,
                     VFY_SEAL_MAX_INPUT);
    else if (len > 0 && copy == NULL)
        s = vfy_fail(&d, VFY_E_NO_MEMORY, "seal", "out of memory");
    else
        s = decode(r, copy, len, &d);
    if (s == VFY_OK)
        s = verify_signed(r, o, &d);
    if ((s == VFY_OK || verdict_for(s) == VFY_SEAL_UNVERIFIED) && o->passport != NULL && r->message_count > 0) {
        vfy_detail md;
        vfy_detail_clear(&md);
        vfy_status m = vfy_seal_check_passport(r, o->passport, &md);
        /* A seal that does not belong to the passport is refused whatever its signature. */
        if (m == VFY_E_MISMATCH) {
            s = m;
            d = md;
        }
    }
    r->status = s;
    r->verdict = verdict_for(s);
    if (s != VFY_OK) {
        r->detail = d;
        if (detail != NULL)
            *detail = d;
    }
    *out = r;
    return s;
}
