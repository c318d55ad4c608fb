/*
 * DG2 (9303-10 §4.7.2): biometric information templates with ISO/IEC 19794-5 facial
 * records. The 19794-5 record length and the block length may disagree with the
 * biometric data block by up to DG2_LENGTH_SLACK bytes (GBR and NZ chips, gmrtd#102):
 * the data block's own TLV length is then trusted. A data block holding a bare JPEG
 * or JPEG 2000 image (CN, older chips) is accepted as the image itself.
 */
#include <string.h>

#include "core/fail.h"
#include "lds/lds_internal.h"

#define DG2_LENGTH_SLACK 8u
#define ISO19794_HEADER_LEN 14u
#define ISO19794_FACE_INFO_LEN 20u
#define ISO19794_IMAGE_INFO_LEN 12u

static bool near(uint64_t declared, size_t actual)
{
    uint64_t a = actual;
    return declared > a ? declared - a <= DG2_LENGTH_SLACK : a - declared <= DG2_LENGTH_SLACK;
}

/* One 19794-5 facial record (header "FAC\0" "010\0") inside a biometric data block. */
static vfy_status parse_facial_record(vfy_cursor *c, vfy_face_image *face)
{
    const uint8_t *magic;
    VFY_TRY(vfy_cur_bytes(c, 8, &magic));
    if (memcmp(magic, "FAC\0", 4) != 0)
        return vfy_cur_fail(c, VFY_E_BAD_VALUE, "facial record does not start with \"FAC\"");
    if (memcmp(magic + 4, "010\0", 4) != 0)
        return vfy_cur_fail(c, VFY_E_UNSUPPORTED,
                            "facial record version is not 010 (ISO/IEC 19794-5:2005)");
    uint32_t record_len;
    uint16_t images;
    VFY_TRY(vfy_cur_u32be(c, &record_len));
    VFY_TRY(vfy_cur_u16be(c, &images));
    if (record_len != c->len) {
        if (!near(record_len, c->len))
            return vfy_cur_fail(c, VFY_E_BAD_LENGTH,
                                "facial record declares %u bytes but its block holds %zu",
                                record_len, c->len);
        face->length_tolerated = true;
    }
    if (images == 0)
        return vfy_cur_fail(c, VFY_E_BAD_VALUE, "facial record holds no image");
    /* Only the first image of a record is extracted; 9303 chips carry one. */
    uint32_t block_len;
    VFY_TRY(vfy_cur_u32be(c, &block_len));
    size_t block_avail = vfy_cur_remaining(c) + 4;
    if (block_len != block_avail) {
        if (images == 1 && !near(block_len, block_avail))
            return vfy_cur_fail(c, VFY_E_BAD_LENGTH,
                                "facial record data declares %u bytes, %zu remain", block_len,
                                block_avail);
        if (images == 1)
            face->length_tolerated = true;
    }
    size_t usable = images == 1 || block_len > block_avail ? block_avail : block_len;
    if (usable < 4 + ISO19794_FACE_INFO_LEN - 4 + ISO19794_IMAGE_INFO_LEN)
        return vfy_cur_fail(c, VFY_E_TRUNCATED, "facial record data of %zu bytes is too short",
                            usable);
    vfy_cursor r;
    VFY_TRY(vfy_cur_sub(c, usable - 4, "DG2/facial record", &r));
    uint16_t points, expression;
    uint32_t mask;
    VFY_TRY(vfy_cur_u16be(&r, &points));
    VFY_TRY(vfy_cur_u8(&r, &face->gender));
    VFY_TRY(vfy_cur_u8(&r, &face->eye_colour));
    VFY_TRY(vfy_cur_u8(&r, &face->hair_colour));
    VFY_TRY(vfy_cur_u24be(&r, &mask));
    VFY_TRY(vfy_cur_u16be(&r, &expression));
    VFY_TRY(vfy_cur_skip(&r, 6)); /* pose angle and its uncertainty */
    face->feature_mask = mask;
    face->expression = expression;
    face->feature_point_count = points;
    for (unsigned i = 0; i < points; i++) {
        vfy_feature_point p;
        VFY_TRY(vfy_cur_u8(&r, &p.type));
        VFY_TRY(vfy_cur_u8(&r, &p.code));
        VFY_TRY(vfy_cur_u16be(&r, &p.x));
        VFY_TRY(vfy_cur_u16be(&r, &p.y));
        VFY_TRY(vfy_cur_skip(&r, 2)); /* reserved */
        if (i < VFY_FACE_MAX_FEATURE_POINTS)
            face->feature_points[i] = p;
    }
    uint8_t data_type;
    uint16_t device, quality;
    VFY_TRY(vfy_cur_u8(&r, &face->face_image_type));
    VFY_TRY(vfy_cur_u8(&r, &data_type));
    VFY_TRY(vfy_cur_u16be(&r, &face->width));
    VFY_TRY(vfy_cur_u16be(&r, &face->height));
    VFY_TRY(vfy_cur_u8(&r, &face->colour_space));
    VFY_TRY(vfy_cur_u8(&r, &face->source_type));
    VFY_TRY(vfy_cur_u16be(&r, &device));
    VFY_TRY(vfy_cur_u16be(&r, &quality));
    if (data_type > 1)
        return vfy_cur_fail(&r, VFY_E_UNSUPPORTED, "image data type %u is neither JPEG nor JPEG 2000",
                            data_type);
    face->image_type = data_type == 0 ? VFY_IMAGE_JPEG : VFY_IMAGE_JPEG2000;
    const uint8_t *img;
    size_t img_len;
    vfy_cur_rest(&r, &img, &img_len);
    if (img_len == 0)
        return vfy_cur_fail(&r, VFY_E_TRUNCATED, "facial record holds no image bytes");
    face->image = (vfy_bytes){ img, img_len, true };
    /* The bytes decide: a record labelled JPEG 2000 that holds a JPEG is a JPEG. */
    vfy_image_type sniffed = lds_sniff_image(img, img_len);
    if (sniffed != VFY_IMAGE_UNKNOWN)
        face->image_type = sniffed;
    face->has_iso19794_header = true;
    vfy_cur_rest(c, &img, &img_len); /* further images of the record are not extracted */
    return VFY_OK;
}

static vfy_status parse_template(const vfy_tlv *bit, vfy_lds_dg2 *out)
{
    vfy_cursor c = bit->value;
    bool have_block = false;
    while (!vfy_cur_at_end(&c)) {
        vfy_tlv t;
        VFY_TRY(vfy_tlv_next(&c, 0, &t));
        if (t.tag == 0xA1)
            continue; /* biometric header template: format owner/type, nothing needed */
        if (t.tag == 0x7F2E)
            return vfy_cur_fail(&c, VFY_E_UNSUPPORTED,
                                "the biometric data block is ISO/IEC 39794-5 (tag 7F2E), not supported");
        if (t.tag != 0x5F2E) {
            lds_note_unknown(&out->unknown, t.tag);
            continue;
        }
        have_block = true;
        if (out->face_count >= VFY_DG2_MAX_FACES)
            continue;
        vfy_face_image *face = &out->faces[out->face_count];
        memset(face, 0, sizeof *face);
        vfy_cursor block = t.value;
        vfy_cur_set_field(&block, "DG2/biometric data block");
        vfy_image_type bare = lds_sniff_image(block.data, block.len);
        if (bare != VFY_IMAGE_UNKNOWN) {
            face->image_type = bare;
            face->image = der_view(&t);
        } else {
            VFY_TRY(parse_facial_record(&block, face));
        }
        out->face_count++;
    }
    if (!have_block)
        return vfy_cur_fail(&c, VFY_E_BAD_VALUE, "biometric template without a data block (5F2E)");
    return VFY_OK;
}

vfy_status vfy_lds_parse_dg2(const uint8_t *data, size_t len, vfy_lds_dg2 *out, vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "DG2", "no output structure");
    memset(out, 0, sizeof *out);
    vfy_tlv outer, group;
    VFY_TRY(lds_open(data, len, 0x75, "DG2", detail, &outer));
    vfy_cursor oc = outer.value;
    VFY_TRY(vfy_tlv_expect(&oc, 0x7F61, 0, &group));
    vfy_cursor c = group.value;
    long declared = -1;
    while (!vfy_cur_at_end(&c)) {
        vfy_tlv t;
        VFY_TRY(vfy_tlv_next(&c, 0, &t));
        if (t.tag == DER_INTEGER) {
            VFY_TRY(der_small_int(&t, &declared));
            if (declared < 1 || declared > 255)
                return vfy_fail_at(detail, VFY_E_BAD_VALUE, "DG2", t.offset,
                                   "the number of biometric templates (%ld) is out of range", declared);
            out->template_count = (unsigned)declared;
        } else if (t.tag == 0x7F60) {
            VFY_TRY(parse_template(&t, out));
        } else {
            lds_note_unknown(&out->unknown, t.tag);
        }
    }
    if (out->face_count == 0)
        return vfy_fail_at(detail, VFY_E_BAD_VALUE, "DG2", group.offset, "DG2 holds no facial image");
    return VFY_OK;
}
