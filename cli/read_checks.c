/* vfy read and vfy kiosk: what the inspection needs besides the chip — the trust store,
 * a visa seal, an eligibility case and its rule sets — loaded and checked before any
 * reader is touched, and the face image (--photo) written after. Loading and printing
 * only; every decision is the library's (verify/inspection.h). */
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

static int load_seal(const struct read_checks *rc, struct read_inputs *in)
{
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = cli_read_file(rc->seal, READ_SEAL_MAX, &in->seal, &in->seal_len);
    if (s != VFY_OK) {
        cli_detail(&d, s, "--seal", "cannot read the seal file %s", rc->seal);
    } else if (rc->seal_hex && !cli_unhex(in->seal, in->seal_len, &in->seal_len)) {
        s = VFY_E_BAD_ENCODING;
        cli_detail(&d, s, "--seal", "%s is not hexadecimal text", rc->seal);
    } else if (in->seal_len == 0) {
        s = VFY_E_TRUNCATED;
        cli_detail(&d, s, "--seal", "the seal file %s is empty", rc->seal);
    }
    if (s != VFY_OK) {
        cli_report("read", s, &d);
        return VFY_EXIT_USAGE;
    }
    return VFY_EXIT_OK;
}

static int load_case(const struct read_checks *rc, struct read_inputs *in)
{
    int code = cli_rules_engine("read", rc->rules, rc->rules_count, rc->rules_trust, rc->allow_dev_key,
                                rc->test_mode, true, &in->rules_keys, &in->engine);
    if (code != VFY_EXIT_OK)
        return code;
    vfy_detail d;
    vfy_detail_clear(&d);
    char *text = NULL;
    size_t len = 0;
    vfy_status s = cli_read_file(rc->case_path, READ_CASE_MAX, &text, &len);
    if (s != VFY_OK)
        cli_detail(&d, s, "--case", "cannot read the case file %s", rc->case_path);
    else
        s = vfy_rules_case_parse(text, len, &in->eligibility_case, &d);
    free(text);
    if (s != VFY_OK) {
        cli_report("read", s, &d);
        return VFY_EXIT_USAGE;
    }
    return VFY_EXIT_OK;
}

int cli_read_prepare(const struct read_checks *rc, struct read_inputs *in)
{
    memset(in, 0, sizeof *in);
    if (rc->trust_count > 0 &&
        cli_load_trust("read", rc->trust_paths, rc->trust_count, &in->trust) != VFY_OK)
        return VFY_EXIT_CONFIG;
    int code = VFY_EXIT_OK;
    if (rc->seal != NULL)
        code = load_seal(rc, in);
    if (code == VFY_EXIT_OK && rc->case_path != NULL)
        code = load_case(rc, in);
    return code;
}

void cli_read_options(const struct read_inputs *in, const vfy_mrz *opened_with,
                      vfy_inspect_options *o)
{
    o->trust = in->trust;
    o->mrz = opened_with;
    if (in->seal != NULL) {
        o->seal = (const uint8_t *)in->seal;
        o->seal_len = in->seal_len;
    }
    if (in->eligibility_case != NULL) {
        o->rules = in->engine;
        o->eligibility_case = in->eligibility_case;
    }
}

void cli_read_inputs_free(struct read_inputs *in)
{
    vfy_trust_free(in->trust);
    free(in->seal);
    vfy_rules_case_free(in->eligibility_case);
    vfy_rules_engine_free(in->engine);
    vfy_rules_trust_free(in->rules_keys);
    memset(in, 0, sizeof *in);
}

int cli_save_photo(const char *path, const vfy_document *doc, json_t *out)
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
        /* A browser shows no JPEG 2000: PATH.png beside it, converted by the library. */
        vfy_face_png png = { 0 };
        char png_path[4096] = "";
        if (s == VFY_OK && face->image_type == VFY_IMAGE_JPEG2000) {
            if ((size_t)snprintf(png_path, sizeof png_path, "%s.png", path) >= sizeof png_path) {
                s = VFY_E_LIMIT;
                cli_detail(&d, s, "photo", "the photo's path is too long");
            }
            if (s == VFY_OK)
                s = vfy_face_image_to_png(face->image.data, face->image.len, &png, &d);
            if (s == VFY_OK)
                s = vfy_write_new_file(png_path, png.data, png.len, &d);
        }
        if (s == VFY_OK && out != NULL) {
            json_t *photo = json_pack("{s:s,s:s,s:I,s:i,s:i}", "file", path, "type",
                                      face->image_type == VFY_IMAGE_JPEG2000 ? "jpeg2000"
                                                                             : "jpeg",
                                      "bytes", (json_int_t)face->image.len, "width",
                                      (int)face->width, "height", (int)face->height);
            if (png.data != NULL)
                json_object_set_new(photo, "png",
                                    json_pack("{s:s,s:I,s:i,s:i}", "file", png_path, "bytes",
                                              (json_int_t)png.len, "width", (int)png.width,
                                              "height", (int)png.height));
            json_object_set_new(out, "photo", photo);
        } else if (s == VFY_OK) {
            printf("%-17s %s (%zu bytes, %ux%u)\n", "Photo", path, face->image.len,
                   (unsigned)face->width, (unsigned)face->height);
            if (png.data != NULL)
                printf("%-17s %s (JPEG 2000 converted to PNG, %ux%u)\n", "", png_path,
                       png.width, png.height);
        }
        vfy_face_png_clear(&png);
    }
    if (s != VFY_OK) {
        if (out != NULL)
            json_object_set_new(out, "photo_error", cli_error_json(s, &d));
        else
            cli_report("read", s, &d);
        code = VFY_EXIT_USAGE;
    }
    free(dg2);
    return code;
}
