/* vfy read: what comes after the read — the document's verdict (--trust), the face
 * image (--photo), facilitated-visa eligibility (--case, --rules) and a visa seal checked
 * against the chip (--seal). Printing only; every decision is the library's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define READ_SEAL_MAX (64u * 1024u)
#define READ_CASE_MAX (1024u * 1024u)

bool cli_dg1_mrz(const vfy_document *doc, vfy_mrz *mrz)
{
    const uint8_t *data;
    size_t len;
    vfy_bytes text;
    if (vfy_document_get_file(doc, VFY_FILE_DG1, &data, &len) != VFY_OK ||
        vfy_lds_dg1_mrz(data, len, &text, NULL) != VFY_OK)
        return false;
    return vfy_mrz_parse((const char *)text.data, text.len, NULL, mrz, NULL) == VFY_OK;
}

/* The worse of two exit codes: invalid beats unverified beats success; a failure to
 * run a check (usage, reader) beats them all. */
static int worse(int a, int b)
{
    int rank[5] = { 0, 2, 4, 3, 1 }; /* by exit code 0..4 */
    return rank[a] >= rank[b] ? a : b;
}

static void report(json_t *out, const char *key, vfy_status s, const vfy_detail *d)
{
    if (out != NULL)
        json_object_set_new(out, key, cli_error_json(s, d));
    else
        cli_report("read", s, d);
}

static int check_authenticity(const struct read_checks *rc, vfy_session *session,
                              vfy_document *doc, const vfy_mrz *opened_with, json_t *out)
{
    vfy_trust *trust = NULL;
    vfy_status s = cli_load_trust("read", rc->trust_paths, rc->trust_count, &trust);
    if (s != VFY_OK)
        return VFY_EXIT_CONFIG;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_chip_checks chip;
    memset(&chip, 0, sizeof chip);
    s = vfy_session_authenticate(session, doc, &chip, &d);
    vfy_verdict *v = calloc(1, sizeof *v);
    if (s == VFY_OK && v == NULL)
        s = VFY_E_NO_MEMORY;
    if (s == VFY_OK) {
        vfy_verify_options opt = { .mrz = opened_with, .chip = &chip };
        s = vfy_verify_document(doc, trust, &opt, v, &d);
    }
    int code;
    if (s != VFY_OK) {
        report(out, "verification_error", s, &d);
        code = cli_exit_for_status(s);
    } else {
        if (out != NULL)
            cli_verdict_add_json(out, v);
        else
            cli_verdict_print(stdout, v);
        code = cli_verdict_exit(v);
    }
    free(v);
    vfy_trust_free(trust);
    return code;
}

static int save_photo(const char *path, const vfy_document *doc, json_t *out)
{
    const uint8_t *data;
    size_t len;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_lds_dg2 *dg2 = calloc(1, sizeof *dg2);
    if (dg2 == NULL)
        return VFY_EXIT_USAGE;
    vfy_status s = vfy_document_get_file(doc, (vfy_file_id)2, &data, &len);
    if (s != VFY_OK)
        cli_detail(&d, s, "DG2", "the chip gave no DG2 (face image)");
    else
        s = vfy_lds_parse_dg2(data, len, dg2, &d);
    if (s == VFY_OK && dg2->face_count == 0) {
        s = VFY_E_NOT_FOUND;
        cli_detail(&d, s, "DG2", "DG2 holds no face image");
    }
    int code = VFY_EXIT_OK;
    if (s == VFY_OK) {
        const vfy_face_image *face = &dg2->faces[0];
        s = vfy_write_new_file(path, face->image.data, face->image.len, &d);
        if (s == VFY_OK && out != NULL) {
            json_object_set_new(out, "photo",
                                json_pack("{s:s,s:s,s:I,s:i,s:i}", "file", path, "type",
                                          face->image_type == VFY_IMAGE_JPEG2000 ? "jpeg2000"
                                                                                 : "jpeg",
                                          "bytes", (json_int_t)face->image.len, "width",
                                          (int)face->width, "height", (int)face->height));
        } else if (s == VFY_OK) {
            printf("%-17s %s (%zu bytes, %ux%u)\n", "Photo", path, face->image.len,
                   (unsigned)face->width, (unsigned)face->height);
        }
    }
    if (s != VFY_OK) {
        report(out, "photo_error", s, &d);
        code = VFY_EXIT_USAGE;
    }
    free(dg2);
    return code;
}

static int check_eligibility(const struct read_checks *rc, const vfy_document *doc, json_t *out)
{
    vfy_rules_trust *keys = NULL;
    vfy_rules_engine *engine = NULL;
    int code = cli_rules_engine("read", rc->rules, rc->rules_count, rc->rules_trust,
                                rc->test_mode, true, &keys, &engine);
    if (code != VFY_EXIT_OK)
        return code;
    vfy_detail d;
    vfy_detail_clear(&d);
    char *text = NULL;
    size_t len = 0;
    vfy_rules_case *c = NULL;
    vfy_rules_decision *dec = NULL;
    vfy_mrz *mrz = malloc(sizeof *mrz);
    vfy_status s = mrz != NULL ? VFY_OK : VFY_E_NO_MEMORY;
    if (s == VFY_OK) {
        s = cli_read_file(rc->case_path, READ_CASE_MAX, &text, &len);
        if (s != VFY_OK)
            cli_detail(&d, s, "--case", "cannot read the case file %s", rc->case_path);
    }
    if (s == VFY_OK)
        s = vfy_rules_case_parse(text, len, &c, &d);
    /* The traveller is the one the chip describes, whatever the case file says. */
    if (s == VFY_OK && !cli_dg1_mrz(doc, mrz)) {
        s = VFY_E_NOT_FOUND;
        cli_detail(&d, s, "DG1", "the chip's DG1 holds no readable MRZ for the traveller");
    }
    if (s == VFY_OK)
        s = vfy_rules_case_set_traveller_from_mrz(c, mrz, &d);
    if (s == VFY_OK)
        s = vfy_rules_evaluate(engine, c, NULL, &dec, &d);
    if (s != VFY_OK) {
        report(out, "eligibility_error", s, &d);
        code = cli_exit_for_status(s);
    } else if (out != NULL) {
        char *json = vfy_rules_decision_json(dec, 0);
        json_t *o = json != NULL ? json_loads(json, 0, NULL) : NULL;
        json_object_set_new(out, "eligibility", o != NULL ? o : json_null());
        free(json);
    } else {
        printf("\nEligibility\n");
        cli_rules_print(dec);
    }
    vfy_rules_decision_free(dec);
    vfy_rules_case_free(c);
    free(mrz);
    free(text);
    vfy_rules_engine_free(engine);
    vfy_rules_trust_free(keys);
    return code;
}

static int check_seal(const struct read_checks *rc, const vfy_document *doc, json_t *out)
{
    vfy_detail d;
    vfy_detail_clear(&d);
    char *buf = NULL;
    size_t len = 0;
    vfy_trust *trust = NULL;
    vfy_mrz *passport = malloc(sizeof *passport);
    vfy_status s = passport != NULL ? VFY_OK : VFY_E_NO_MEMORY;
    if (s == VFY_OK) {
        s = cli_read_file(rc->seal, READ_SEAL_MAX, &buf, &len);
        if (s != VFY_OK)
            cli_detail(&d, s, "--seal", "cannot read the seal file %s", rc->seal);
    }
    if (s == VFY_OK && rc->seal_hex && !cli_unhex(buf, len, &len)) {
        s = VFY_E_BAD_ENCODING;
        cli_detail(&d, s, "--seal", "%s is not hexadecimal text", rc->seal);
    }
    if (s == VFY_OK && !cli_dg1_mrz(doc, passport)) {
        s = VFY_E_NOT_FOUND;
        cli_detail(&d, s, "DG1", "the chip's DG1 holds no readable MRZ to compare the seal with");
    }
    if (s == VFY_OK && rc->trust_count > 0)
        s = cli_load_trust("read", rc->trust_paths, rc->trust_count, &trust);
    int code;
    if (s != VFY_OK) {
        report(out, "seal_error", s, &d);
        code = cli_exit_for_status(s);
    } else {
        vfy_seal_options opt = { .trust = trust, .passport = passport };
        vfy_seal_result *r = NULL;
        s = vfy_seal_verify((const uint8_t *)buf, len, &opt, &r, &d);
        if (r == NULL) {
            report(out, "seal_error", s, &d);
            code = cli_exit_for_status(s);
        } else {
            if (out != NULL) {
                json_object_set_new(out, "seal", cli_seal_json(r, true));
            } else {
                printf("\nVisa seal\n");
                cli_seal_print(r, true);
            }
            code = cli_seal_exit(r->verdict);
            /* A seal issued for another passport does not belong to this traveller. */
            if (r->mrz_checked && r->mismatch_count > 0)
                code = VFY_EXIT_INVALID;
            vfy_seal_result_free(r);
        }
    }
    vfy_trust_free(trust);
    free(passport);
    free(buf);
    return code;
}

int cli_read_checks(const struct read_checks *rc, vfy_session *session, vfy_document *doc,
                    const vfy_mrz *opened_with, json_t *out)
{
    int code = VFY_EXIT_OK;
    if (rc->trust_count > 0)
        code = worse(code, check_authenticity(rc, session, doc, opened_with, out));
    if (rc->photo != NULL)
        code = worse(code, save_photo(rc->photo, doc, out));
    if (rc->case_path != NULL)
        code = worse(code, check_eligibility(rc, doc, out));
    if (rc->seal != NULL)
        code = worse(code, check_seal(rc, doc, out));
    return code;
}
