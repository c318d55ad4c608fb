/* Validation of the service's inspection requests (service/request.h). */
#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fail.h"   /* VFY_TRY only: the service uses the public API */
#include "request.h"

vfy_status serve_error_set(struct serve_error *err, unsigned http_status, vfy_status status,
                           const char *field, size_t offset, const char *fmt, ...)
{
    memset(err, 0, sizeof *err);
    err->http_status = http_status;
    err->detail.status = status;
    err->detail.offset = offset;
    if (field != NULL)
        snprintf(err->detail.field, sizeof err->detail.field, "%s", field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->detail.message, sizeof err->detail.message, fmt, ap);
    va_end(ap);
    return status;
}

char *serve_error_json(const struct serve_error *err)
{
    /* The library's one error shape (libverify.error/1): "status" is the libverify status
     * number, as in every other output; the HTTP status is the response's own. */
    return vfy_error_to_json(err->detail.status, &err->detail, 0);
}

bool serve_content_type_is_json(const char *ct)
{
    static const char want[] = "application/json";
    if (ct == NULL || strncasecmp(ct, want, sizeof want - 1) != 0)
        return false;
    const char *rest = ct + sizeof want - 1;
    while (*rest == ' ')
        rest++;
    if (*rest == '\0')
        return true;
    if (*rest != ';')
        return false;
    rest++;
    while (*rest == ' ')
        rest++;
    /* JSON is UTF-8 (RFC 8259 section 8.1): no other charset is accepted. */
    return strcasecmp(rest, "charset=utf-8") == 0 || strcasecmp(rest, "charset=\"utf-8\"") == 0;
}

static vfy_status malformed(struct serve_error *err, const char *field, const char *message)
{
    return serve_error_set(err, 400, VFY_E_REQUEST_MALFORMED, field, VFY_NO_OFFSET, "%s",
                           message);
}

/* "mrz": an array of two or three strings of at most 44 characters, the MRZ lines. */
static vfy_status take_mrz(json_t *v, struct serve_request *out, struct serve_error *err)
{
    if (!json_is_array(v) || json_array_size(v) < 2 || json_array_size(v) > 3)
        return malformed(err, "mrz", "\"mrz\" must be an array of the two or three MRZ lines");
    char text[3 * 45];
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *line = json_array_get(v, i);
        if (!json_is_string(line) || json_string_length(line) == 0 ||
            json_string_length(line) > 44)
            return malformed(err, "mrz",
                             "each MRZ line must be a string of 1 to 44 characters");
        if (i > 0)
            text[n++] = '\n';
        memcpy(text + n, json_string_value(line), json_string_length(line));
        n += json_string_length(line);
    }
    vfy_detail d = { 0 };
    vfy_status s = vfy_mrz_parse(text, n, NULL, &out->mrz, &d);
    if (s == VFY_OK)
        s = vfy_access_key_from_mrz(&out->mrz, &out->key, &d);
    if (s != VFY_OK)
        return serve_error_set(err, 400, s, "mrz", d.offset,
                               "the MRZ does not parse: %s",
                               d.message[0] != '\0' ? d.message : vfy_strerror(s));
    if (!out->mrz.valid) {
        /* Fail closed: an MRZ whose check digits or fields fail is a misread or a
         * forgery; its access key is not even tried on the chip. */
        const vfy_mrz_error *e = &out->mrz.errors[0];
        bool have = out->mrz.error_count > 0;
        size_t off = have && e->line >= 1 && e->column >= 1
                         ? (size_t)(e->line - 1) * 45u + e->column - 1u
                         : VFY_NO_OFFSET;
        /* The library typed the first failure; the service passes that type on. */
        vfy_status code = have && e->status != VFY_OK ? e->status : VFY_E_MRZ_FIELD;
        return serve_error_set(err, 400, code, "mrz", off, "the MRZ is not valid: %s",
                               have ? e->message : "a field or check digit fails");
    }
    out->have_mrz = true;
    return VFY_OK;
}

static vfy_status take_can(json_t *v, struct serve_request *out, struct serve_error *err)
{
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 16)
        return malformed(err, "can", "\"can\" must be a string of digits");
    vfy_detail d = { 0 };
    vfy_status s = vfy_access_key_from_can(json_string_value(v), &out->key, &d);
    if (s != VFY_OK)
        return serve_error_set(err, 400, s, "can", VFY_NO_OFFSET, "the CAN is refused: %s",
                               d.message[0] != '\0' ? d.message : vfy_strerror(s));
    return VFY_OK;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "seal": the seal's bytes in hex (as a barcode scanner's raw output is commonly
 * passed on), at most SERVE_SEAL_MAX bytes. */
static vfy_status take_seal(json_t *v, struct serve_request *out, struct serve_error *err)
{
    if (!json_is_string(v))
        return malformed(err, "seal", "\"seal\" must be a string of hex digits");
    const char *h = json_string_value(v);
    size_t n = json_string_length(v);
    if (n == 0 || n % 2 != 0 || n / 2 > SERVE_SEAL_MAX)
        return malformed(err, "seal", "\"seal\" must be an even number of hex digits, at most 8192 bytes");
    out->seal = malloc(n / 2);
    if (out->seal == NULL)
        return serve_error_set(err, 503, VFY_E_NO_MEMORY, "seal", VFY_NO_OFFSET, "out of memory");
    for (size_t i = 0; i < n; i += 2) {
        int hi = hex_value(h[i]), lo = hex_value(h[i + 1]);
        if (hi < 0 || lo < 0)
            return serve_error_set(err, 400, VFY_E_REQUEST_MALFORMED, "seal", i,
                                   "\"seal\" has a character that is not a hex digit");
        out->seal[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    out->seal_len = n / 2;
    return VFY_OK;
}

static vfy_status take_case(json_t *v, struct serve_request *out, struct serve_error *err)
{
    if (!json_is_object(v))
        return malformed(err, "case", "\"case\" must be an eligibility case object");
    out->case_json = json_dumps(v, JSON_COMPACT);
    if (out->case_json == NULL)
        return serve_error_set(err, 503, VFY_E_NO_MEMORY, "case", VFY_NO_OFFSET, "out of memory");
    return VFY_OK;
}

static vfy_status parse_members(json_t *root, struct serve_request *out, struct serve_error *err)
{
    if (!json_is_object(root))
        return malformed(err, NULL, "the body must be a JSON object");
    const char *name;
    json_t *v;
    json_object_foreach(root, name, v) {
        if (strcmp(name, "mrz") != 0 && strcmp(name, "can") != 0 && strcmp(name, "seal") != 0 &&
            strcmp(name, "case") != 0)
            return serve_error_set(err, 400, VFY_E_REQUEST_MALFORMED, name, VFY_NO_OFFSET,
                                   "unknown member \"%.40s\"", name);
    }
    json_t *mrz = json_object_get(root, "mrz"), *can = json_object_get(root, "can");
    if ((mrz == NULL) == (can == NULL))
        return malformed(err, mrz != NULL ? "can" : "mrz",
                         "give exactly one of \"mrz\" and \"can\"");
    VFY_TRY(mrz != NULL ? take_mrz(mrz, out, err) : take_can(can, out, err));
    if ((v = json_object_get(root, "seal")) != NULL)
        VFY_TRY(take_seal(v, out, err));
    if ((v = json_object_get(root, "case")) != NULL)
        VFY_TRY(take_case(v, out, err));
    return VFY_OK;
}

vfy_status serve_request_parse(const char *content_type, const uint8_t *body, size_t len,
                               struct serve_request *out, struct serve_error *err)
{
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    if (len > SERVE_BODY_MAX)
        return serve_error_set(err, 413, VFY_E_REQUEST_TOO_LARGE, NULL, VFY_NO_OFFSET,
                               "the body has more than %u bytes", SERVE_BODY_MAX);
    if (!serve_content_type_is_json(content_type))
        return serve_error_set(err, 400, VFY_E_REQUEST_MEDIA_TYPE, NULL, VFY_NO_OFFSET,
                               "%s", "send the body as Content-Type: application/json");
    json_error_t je;
    json_t *root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL)
        return serve_error_set(err, 400, VFY_E_REQUEST_MALFORMED, NULL, (size_t)je.position,
                               "the body is not JSON: %.120s", je.text);
    vfy_status s = parse_members(root, out, err);
    json_decref(root);
    if (s != VFY_OK)
        serve_request_clear(out);
    return s;
}

void serve_request_clear(struct serve_request *r)
{
    vfy_access_key_wipe(&r->key);
    free(r->seal);
    free(r->case_json);
    memset(r, 0, sizeof *r);
}

bool serve_id_valid(const char *id)
{
    if (id == NULL || strlen(id) != 32)
        return false;
    for (size_t i = 0; i < 32; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
            return false;
    return true;
}
