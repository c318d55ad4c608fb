/* The MRZ as JSON (schema "libverify.mrz/1", docs/schema/mrz.schema.json): the one
 * serializer behind `vfy mrz --json` and the "mrz" member of `vfy read --json`. */
#include <jansson.h>
#include <stdio.h>
#include <time.h>

#include "core/json_out.h"
#include "mrz/mrz_json.h"
#include "verify/mrz.h"
#include "verify/version.h"

int vfy_mrz_expired(const vfy_mrz *m, time_t at)
{
    vfy_date e = m != NULL ? m->expiry_date : (vfy_date){ 0 };
    if (e.year == 0 || e.month == 0 || e.day == 0)
        return -1;
    if (at == 0)
        at = time(NULL);
    struct tm tm;
    if (gmtime_r(&at, &tm) == NULL)
        return -1;
    long today = (long)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
    long expiry = (long)e.year * 10000 + e.month * 100 + e.day;
    return expiry < today ? 1 : 0;
}

const char *vfy_date_iso(vfy_date d, char buf[11])
{
    if (d.year == 0 || (d.month == 0 && d.day != 0))
        return NULL;
    if (d.month == 0)
        snprintf(buf, 11, "%04d", d.year);
    else if (d.day == 0)
        snprintf(buf, 11, "%04d-%02d", d.year, d.month);
    else
        snprintf(buf, 11, "%04d-%02d-%02d", d.year, d.month, d.day);
    return buf;
}

static json_t *check_json(vfy_check c)
{
    return c == VFY_CHECK_ABSENT ? json_null() : json_boolean(c == VFY_CHECK_OK);
}

static json_t *string_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

json_t *vfy_mrz_json_object_(const vfy_mrz *m, unsigned flags)
{
    bool repair = (flags & VFY_MRZ_JSON_REPAIRS) != 0;
    char buf[11], sex[2] = { m->sex, '\0' };
    json_t *o = json_object();
    json_object_set_new(o, "schema", json_string("libverify.mrz/1"));
    json_object_set_new(o, "library_version", json_string(vfy_version()));
    json_object_set_new(o, "format", json_string(vfy_mrz_format_name(m->format)));
    json_object_set_new(o, "document_code", json_string(m->document_code));
    json_object_set_new(o, "issuing_state", json_string(m->issuing_state));
    json_object_set_new(o, "surname", json_string(m->surname));
    json_object_set_new(o, "given_names", json_string(m->given_names));
    json_object_set_new(o, "name_truncated", json_boolean(m->name_truncated));
    json_object_set_new(o, "document_number", json_string(m->document_number));
    json_object_set_new(o, "nationality", json_string(m->nationality));
    json_object_set_new(o, "birth_date", string_or_null(vfy_date_iso(m->birth_date, buf)));
    json_object_set_new(o, "birth_date_raw", json_string(m->birth_date_raw));
    json_object_set_new(o, "sex", m->sex != '\0' ? json_string(sex) : json_null());
    json_object_set_new(o, "expiry_date", string_or_null(vfy_date_iso(m->expiry_date, buf)));
    json_object_set_new(o, "expiry_date_raw", json_string(m->expiry_date_raw));
    json_object_set_new(o, "optional_data", json_string(m->optional_data));
    if (m->format == VFY_MRZ_TD1)
        json_object_set_new(o, "optional_data_2", json_string(m->optional_data_2));
    json_t *checks = json_object();
    json_object_set_new(checks, "document_number", check_json(m->check_document_number));
    json_object_set_new(checks, "birth_date", check_json(m->check_birth_date));
    json_object_set_new(checks, "expiry_date", check_json(m->check_expiry_date));
    json_object_set_new(checks, "optional_data", check_json(m->check_optional_data));
    json_object_set_new(checks, "composite", check_json(m->check_composite));
    json_object_set_new(o, "checks", checks);
    /* "valid": format, check digits and codes; "check_digits": the check digits alone;
     * "expired": the expiry date against today (UTC),
     * null when the date is not complete. Two facts a kiosk must not confuse. */
    json_object_set_new(o, "valid", json_boolean(m->valid));
    json_object_set_new(o, "check_digits", json_boolean(vfy_mrz_check_digits_ok(m)));
    int expired = vfy_mrz_expired(m, 0);
    json_object_set_new(o, "expired", expired < 0 ? json_null() : json_boolean(expired == 1));
    json_t *errors = json_array();
    for (unsigned i = 0; i < m->error_count; i++) {
        const vfy_mrz_error *e = &m->errors[i];
        /* The status number and its stable name, as in the error object, so that a
         * kiosk can branch on (and translate) each finding. */
        json_array_append_new(errors, json_pack("{s:i, s:s, s:s, s:i, s:i, s:s}",
                                                "status", (int)e->status,
                                                "code", vfy_status_name(e->status),
                                                "field", e->field, "line", (int)e->line,
                                                "column", (int)e->column,
                                                "message", e->message));
    }
    json_object_set_new(o, "errors", errors);
    if (repair) {
        json_t *repairs = json_array();
        for (unsigned i = 0; i < m->repair_count; i++) {
            const vfy_mrz_repair *r = &m->repairs[i];
            char from[2] = { r->from, '\0' }, to[2] = { r->to, '\0' };
            json_array_append_new(repairs,
                                  json_pack("{s:s, s:i, s:i, s:s, s:s}", "field", r->field,
                                            "line", (int)r->line, "column", (int)r->column,
                                            "from", from, "to", to));
        }
        json_object_set_new(o, "repairs", repairs);
        json_t *lines = json_array();
        for (unsigned i = 0; i < m->line_count; i++)
            json_array_append_new(lines, json_string(m->lines[i]));
        json_object_set_new(o, "lines", lines);
    }
    return o;
}

char *vfy_mrz_to_json(const vfy_mrz *m, unsigned flags)
{
    if (m == NULL)
        return NULL;
    return vfy_json_dump_(vfy_mrz_json_object_(m, flags), flags);
}
