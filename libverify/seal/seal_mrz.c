/*
 * Cross-check of a visa seal with the passport it is in: the seal protects MRZ line 1
 * and the first 28 characters of line 2 of the visa (MRV-A or MRV-B), and the number
 * of the passport. Compared with the passport's MRZ: passport number, name,
 * nationality, birth date and sex. The visa's own number and expiry are not the
 * passport's and are not compared.
 */
#include <stdio.h>
#include <string.h>

#include "core/fail.h"
#include "core/writer.h"
#include "seal/seal_internal.h"

#define VISA_LINE2_PROTECTED 28

static void strip_filler(const char *in, size_t n, char *out, size_t cap)
{
    vfy_writer w;
    vfy_w_init_text(&w, out, cap); /* a longer field is cut to cap - 1, as before */
    for (size_t i = 0; i < n && in[i] != '\0' && in[i] != '\n' && vfy_w_ok(&w); i++)
        vfy_w_char(&w, in[i]);
    vfy_w_text_end(&w);
    size_t len = strlen(out);
    while (len > 0 && (out[len - 1] == '<' || out[len - 1] == ' '))
        len--;
    out[len] = '\0';
}

static void add_mismatch(vfy_seal_result *r, const char *field, const char *seal, const char *passport)
{
    if (r->mismatch_count >= VFY_SEAL_MAX_MISMATCHES)
        return;
    vfy_seal_mismatch *m = &r->mismatches[r->mismatch_count++];
    snprintf(m->field, sizeof m->field, "%s", field);
    snprintf(m->seal, sizeof m->seal, "%s", seal);
    snprintf(m->passport, sizeof m->passport, "%s", passport);
}

static void compare(vfy_seal_result *r, const char *field, const char *seal, size_t seal_n, const char *passport,
                    size_t passport_n)
{
    char a[48], b[48];
    strip_filler(seal, seal_n, a, sizeof a);
    strip_filler(passport, passport_n, b, sizeof b);
    if (strcmp(a, b) != 0)
        add_mismatch(r, field, a, b);
}

/* The name field (primary and secondary identifier) of the passport's MRZ. */
static const char *passport_name_field(const vfy_mrz *p, size_t *n)
{
    switch (p->format) {
    case VFY_MRZ_TD1: *n = 30; return p->lines[2];
    case VFY_MRZ_TD2: *n = 31; return p->lines[0] + 5;
    case VFY_MRZ_TD3: *n = 39; return p->lines[0] + 5;
    default: *n = 0; return "";
    }
}

vfy_status vfy_seal_check_passport(vfy_seal_result *r, const vfy_mrz *passport, vfy_detail *detail)
{
    if (r == NULL || passport == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "passport", "no seal or no passport MRZ given");
    const vfy_seal_message *mrz = NULL, *number = NULL;
    for (size_t i = 0; i < r->message_count; i++) {
        const vfy_seal_message *m = &r->messages[i];
        if (m->text != NULL && (strcmp(m->name, "MRZ_MRVA") == 0 || strcmp(m->name, "MRZ_MRVB") == 0))
            mrz = m;
    }
    if (mrz == NULL || !mrz->conforms)
        return vfy_fail(detail, VFY_E_NOT_FOUND, "visa MRZ", "the seal carries no visa MRZ (MRV-A or MRV-B)");
    for (size_t i = 0; i < r->message_count; i++)
        if (r->messages[i].parent == mrz->parent && r->messages[i].text != NULL &&
            strcmp(r->messages[i].name, "PASSPORT_NUMBER") == 0)
            number = &r->messages[i];
    r->mrz_checked = true;
    r->mismatch_count = 0;
    const char *line1 = mrz->text;
    const char *nl = strchr(line1, '\n');
    if (nl == NULL || strlen(nl + 1) != VISA_LINE2_PROTECTED)
        return vfy_fail(detail, VFY_E_NOT_FOUND, "visa MRZ", "the visa MRZ in the seal is not two lines");
    size_t line1_len = (size_t)(nl - line1);
    const char *line2 = nl + 1;

    if (number != NULL)
        compare(r, "passport_number", number->text, strlen(number->text), passport->document_number,
                strlen(passport->document_number));
    size_t pn;
    const char *pname = passport_name_field(passport, &pn);
    char seal_name[48], pass_name[48];
    strip_filler(line1 + 5, line1_len - 5, seal_name, sizeof seal_name);
    strip_filler(pname, pn, pass_name, sizeof pass_name);
    /* A full visa name field may be a truncation of the passport's longer one. */
    bool truncated = strlen(seal_name) == line1_len - 5;
    if (truncated ? strncmp(pass_name, seal_name, strlen(seal_name)) != 0 : strcmp(seal_name, pass_name) != 0)
        add_mismatch(r, "name", seal_name, pass_name);
    compare(r, "nationality", line2 + 10, 3, passport->nationality, strlen(passport->nationality));
    compare(r, "birth_date", line2 + 13, 6, passport->birth_date_raw, strlen(passport->birth_date_raw));
    char seal_sex[2] = { line2[20] == '<' ? 'X' : line2[20], 0 }, pass_sex[2] = { passport->sex, 0 };
    compare(r, "sex", seal_sex, 1, pass_sex, 1);
    if (r->mismatch_count == 0)
        return VFY_OK;
    char list[160] = "";
    for (unsigned i = 0; i < r->mismatch_count; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", r->mismatches[i].field);
    return vfy_fail(detail, VFY_E_MISMATCH, "passport",
                    "the visa seal does not match the passport: %s differ%s", list,
                    r->mismatch_count == 1 ? "s" : "");
}
