/* The ICAO PKD's LDIF downloads through OpenLDAP's LDIF parser; see pkd_ldif.h. */
#include <stdio.h>

#include <lber.h>
#include <ldif.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fail.h"
#include "trust/pkd_ldif.h"

#define FIELD "LDIF"

void pkd_entry_clear(pkd_entry *e)
{
    if (e == NULL)
        return;
    free(e->der);
    memset(e, 0, sizeof *e);
}

/* The attributes a PKD entry may carry, and which object each binary one holds. */
static const struct {
    const char *name;
    pkd_object object;
} pkd_attributes[] = {
    { "pkdMasterListContent", PKD_MASTER_LIST },
    { "userCertificate;binary", PKD_CERTIFICATE },
    { "userCertificate", PKD_CERTIFICATE },
    { "cACertificate;binary", PKD_CERTIFICATE },
    { "certificateRevocationList;binary", PKD_CRL },
    { "certificateRevocationList", PKD_CRL },
    { "authorityRevocationList;binary", PKD_CRL },
    { "objectClass", PKD_NONE },
    { "cn", PKD_NONE },
    { "sn", PKD_NONE },
    { "c", PKD_NONE },
    { "o", PKD_NONE },
    { "ou", PKD_NONE },
    { "dc", PKD_NONE },
    { "description", PKD_NONE },
    { "pkdVersion", PKD_NONE },
    { "pkdConformanceCode", PKD_NONE },
    { "pkdConformanceText", PKD_NONE },
    { "pkdConformancePolicy", PKD_NONE },
};

static bool known_attribute(const char *name, pkd_object *object)
{
    for (size_t i = 0; i < sizeof pkd_attributes / sizeof pkd_attributes[0]; i++)
        if (strcasecmp(name, pkd_attributes[i].name) == 0) {
            *object = pkd_attributes[i].object;
            return true;
        }
    return false;
}

/* The entry's name for messages: its DN when it has one, else its line. */
static const char *who(const pkd_entry *e, char *buf, size_t cap)
{
    if (e->dn[0] != '\0')
        snprintf(buf, cap, "entry '%s' (line %lu)", e->dn, e->line);
    else
        snprintf(buf, cap, "the entry at line %lu", e->line);
    return buf;
}

/* Finds the DN in the raw record before libldap parses it, so that even a record it
 * refuses can be named. The DN line may be base64 ("dn:: …"); then the line is named. */
static void raw_dn(const char *rec, size_t len, char *out, size_t cap)
{
    out[0] = '\0';
    const char *p = rec, *end = rec + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        if (n > 4 && strncasecmp(p, "dn: ", 4) == 0) {
            size_t k = n - 4 < cap - 1 ? n - 4 : cap - 1;
            memcpy(out, p + 4, k);
            out[k] = '\0';
            if (k > 0 && out[k - 1] == '\r')
                out[k - 1] = '\0';
            for (size_t i = 0; out[i] != '\0'; i++) /* print no control bytes */
                if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] == 0x7f)
                    out[i] = '?';
            return;
        }
        if (nl == NULL)
            break;
        p = nl + 1;
    }
}

/*
 * The stated subset of RFC 2849 that reaches libldap: printable ASCII lines (a value that
 * is not, the PKD base64-encodes, "attr:: …"); every line that is not a continuation
 * (leading space) or a comment starts with an attribute description — a letter, then
 * letters, digits, '-' and ';' options — followed by ':'. OpenLDAP's parser is not made
 * for hostile input (a line without an attribute name crashes 2.5's), so nothing else
 * is handed to it.
 */
static bool within_subset(const char *rec, size_t len)
{
    const char *p = rec, *end = rec + len;
    bool first = true;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl != NULL ? nl : end;
        if (stop > p && stop[-1] == '\r')
            stop--;
        for (const char *q = p; q < stop; q++)
            if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e)
                return false;
        if (stop == p) {
            if (nl != NULL && nl + 1 < end)
                return false; /* a blank line inside one record */
        } else if (*p == ' ') {
            if (first)
                return false; /* a continuation of nothing */
        } else if (*p != '#') {
            const char *q = p;
            if (!((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z')))
                return false;
            while (q < stop && ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
                                (*q >= '0' && *q <= '9') || *q == '-' || *q == ';'))
                q++;
            if (q == stop || *q != ':' || q[-1] == ';')
                return false;
        }
        first = false;
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    return true;
}

/* A URL value ("attr:< url") would make libldap read a file or fetch a URL: refused
 * before it sees the record. Continuation lines start with a space and are skipped. */
static bool has_url_value(const char *rec, size_t len)
{
    const char *p = rec, *end = rec + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl != NULL ? nl : end;
        if (*p != ' ' && *p != '#') {
            const char *colon = memchr(p, ':', (size_t)(stop - p));
            if (colon != NULL && colon + 1 < stop && colon[1] == '<')
                return true;
        }
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    return false;
}

vfy_status pkd_ldif_parse_record(char *record, size_t len, unsigned long line_no, pkd_entry *out,
                                 vfy_detail *detail)
{
    memset(out, 0, sizeof *out);
    out->line = line_no;
    char name[700];
    if (record == NULL || len == 0)
        return vfy_fail(detail, VFY_E_LDIF, FIELD, "an empty LDIF record at line %lu", line_no);
    if (len > PKD_LDIF_MAX_RECORD)
        return vfy_fail(detail, VFY_E_LIMIT, FIELD, "the LDIF record at line %lu is larger than %u bytes",
                        line_no, PKD_LDIF_MAX_RECORD);
    if (memchr(record, '\0', len) != NULL)
        return vfy_fail(detail, VFY_E_LDIF, FIELD, "the LDIF record at line %lu holds a NUL byte", line_no);
    raw_dn(record, len, out->dn, sizeof out->dn);
    if (!within_subset(record, len))
        return vfy_fail(detail, VFY_E_LDIF, FIELD,
                        "%s is not LDIF as the PKD writes it: every line must be printable ASCII "
                        "and start with an attribute name and ':' (or a space, continuing a line)",
                        who(out, name, sizeof name));
    if (has_url_value(record, len))
        return vfy_fail(detail, VFY_E_LDIF, FIELD,
                        "%s: URL values (attr:< …) are not accepted in a PKD download",
                        who(out, name, sizeof name));
    /* Line by line with OpenLDAP's line parser (ldif_getline unfolds continuations,
     * ldif_parse_line2 splits "type: value" and decodes base64); the record structure
     * is this subset's own: a DN first, an optional "changetype: add", attributes. */
    vfy_status s = VFY_OK;
    char *next = record, *line;
    bool have_dn = false;
    while (s == VFY_OK && (line = ldif_getline(&next)) != NULL) {
        if (*line == '#' || *line == '\0')
            continue;
        struct berval type = { 0 }, value = { 0 };
        int freeval = 0;
        if (ldif_parse_line2(line, &type, &value, &freeval) != 0 || type.bv_val == NULL) {
            s = vfy_fail(detail, VFY_E_LDIF, FIELD,
                         "%s is not valid LDIF (a bad base64 value, a line without a value, or a "
                         "truncated entry)", who(out, name, sizeof name));
            break;
        }
        if (!have_dn) {
            if (strcasecmp(type.bv_val, "dn") != 0 || value.bv_len == 0) {
                s = vfy_fail(detail, VFY_E_LDIF, FIELD, "%s does not start with its DN",
                             who(out, name, sizeof name));
            } else {
                size_t k = value.bv_len < sizeof out->dn - 1 ? value.bv_len : sizeof out->dn - 1;
                memcpy(out->dn, value.bv_val, k);
                out->dn[k] = '\0';
                for (size_t i = 0; i < k; i++)
                    if ((unsigned char)out->dn[i] < 0x20 || (unsigned char)out->dn[i] >= 0x7f)
                        out->dn[i] = '?';
                have_dn = true;
            }
        } else if (strcasecmp(type.bv_val, "changetype") == 0) {
            if (value.bv_len != 3 || strncasecmp(value.bv_val, "add", 3) != 0)
                s = vfy_fail(detail, VFY_E_LDIF, FIELD,
                             "%s is a change record other than add (delete, modify or rename): not "
                             "applied", who(out, name, sizeof name));
        } else {
            pkd_object object;
            if (!known_attribute(type.bv_val, &object)) {
                char safe[64];
                snprintf(safe, sizeof safe, "%s", type.bv_val);
                s = vfy_fail(detail, VFY_E_LDIF, FIELD,
                             "%s carries the attribute '%s', which a PKD download does not have",
                             who(out, name, sizeof name), safe);
            } else if (object != PKD_NONE && out->object != PKD_NONE) {
                s = vfy_fail(detail, VFY_E_LDIF, FIELD,
                             "%s carries more than one certificate, CRL or master list; a PKD entry "
                             "holds one", who(out, name, sizeof name));
            } else if (object != PKD_NONE && value.bv_len == 0) {
                s = vfy_fail(detail, VFY_E_LDIF, FIELD, "%s has an empty '%s'",
                             who(out, name, sizeof name), type.bv_val);
            } else if (object != PKD_NONE) {
                out->der = malloc(value.bv_len);
                if (out->der == NULL) {
                    s = VFY_E_NO_MEMORY;
                } else {
                    memcpy(out->der, value.bv_val, value.bv_len);
                    out->der_len = value.bv_len;
                    out->object = object;
                }
            }
        }
        if (freeval)
            ber_memfree(value.bv_val);
    }
    if (s == VFY_OK && !have_dn)
        s = vfy_fail(detail, VFY_E_LDIF, FIELD, "%s has no DN", who(out, name, sizeof name));
    if (s != VFY_OK) {
        pkd_entry_clear(out);
        out->line = line_no;
    }
    return s;
}

vfy_status pkd_ldif_each(const char *path, pkd_entry_fn fn, void *ctx, vfy_detail *detail)
{
    LDIFFP *fp = ldif_open(path, "r");
    if (fp == NULL)
        return vfy_fail(detail, VFY_E_TRUST_STORE, path, "cannot open %s", path);
    unsigned long line = 0;
    char *buf = NULL;
    int cap = 0;
    vfy_status s = VFY_OK;
    for (;;) {
        unsigned long start = line + 1;
        int rc = ldif_read_record(fp, &line, &buf, &cap);
        if (rc == 0)
            break; /* end of file */
        if (rc < 0) {
            s = vfy_fail(detail, VFY_E_LDIF, path, "%s: cannot read the record at line %lu", path, start);
            break;
        }
        size_t len = strlen(buf);
        if (len > PKD_LDIF_MAX_RECORD) {
            s = vfy_fail(detail, VFY_E_LIMIT, path, "%s: the record at line %lu is too large", path, start);
            break;
        }
        /* "version: 1" stands alone before the first entry in the PKD's files. */
        if (strncasecmp(buf, "version:", 8) == 0 && strchr(buf, '\n') == buf + len - 1)
            continue;
        pkd_entry e;
        s = pkd_ldif_parse_record(buf, len, start, &e, detail);
        if (s == VFY_OK) {
            s = fn(ctx, &e, detail);
            pkd_entry_clear(&e);
        } else {
            vfy_detail_prefix_field(detail, path);
        }
        if (s != VFY_OK)
            break;
    }
    if (buf != NULL) {
        ber_memfree(buf);
    }
    ldif_close(fp);
    return s;
}
