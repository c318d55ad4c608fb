/*
 * The specimen generator's options and refusals (issue 12, coverage): a caller's own
 * JPEG portrait ends up, byte for byte, as the image of DG2's ISO/IEC 19794-5 facial
 * record (read back with the LDS parser); what is not a JPEG, an unknown digest, an
 * MRZ whose check digits fail and an issuing state with no ISO 3166 country are refused
 * with their own status.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "specimen/specimen_internal.h"
#include "verify.h"

/* Enough of a JFIF file for the format to be recognised: SOI, APP0, EOI. */
static const uint8_t photo[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01,
                                 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9 };

Test(cov_specimen, own_photo_becomes_the_dg2_image)
{
    vfy_specimen_options o = { .photo = photo, .photo_len = sizeof photo };
    specimen s;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(specimen_build(&o, NULL, &s, &d), VFY_OK, "%s", d.message);
    const uint8_t *dg2;
    size_t len;
    cr_assert_eq(vfy_document_get_file(s.doc, (vfy_file_id)2, &dg2, &len), VFY_OK);
    vfy_lds_dg2 parsed;
    cr_assert_eq(vfy_lds_parse_dg2(dg2, len, &parsed, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(parsed.face_count, 1);
    cr_assert_eq(parsed.faces[0].image_type, VFY_IMAGE_JPEG);
    cr_assert_eq(parsed.faces[0].image.len, sizeof photo);
    cr_assert_eq(memcmp(parsed.faces[0].image.data, photo, sizeof photo), 0);
    specimen_free(&s);
}

Test(cov_specimen, refusals)
{
    specimen s;
    vfy_detail d;
    static const uint8_t png[] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };
    vfy_specimen_options o = { .photo = png, .photo_len = sizeof png };
    cr_assert_eq(specimen_build(&o, NULL, &s, &d), VFY_E_BAD_ENCODING, "%s", d.message);
    vfy_specimen_options md5 = { .digest = "MD5" };
    cr_assert_eq(specimen_build(&md5, NULL, &s, &d), VFY_E_INVALID_ARGUMENT);
    /* The ICAO specimen MRZ with its document number changed: check digit 6 fails. */
    vfy_specimen_options bad = { .mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                        "L898902C46UTO7408122F3404159ZE184226B<<<<<16" };
    cr_assert_eq(specimen_build(&bad, NULL, &s, &d), VFY_E_MRZ_CHECK_DIGIT, "%s", d.message);
    /* XXA (stateless person, 9303-3): no country can issue its certificates. The
     * issuing state is in no check digit. */
    vfy_specimen_options xxa = { .mrz = "P<XXAERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                        "L898902C36UTO7408122F3404159ZE184226B<<<<<16" };
    cr_assert_eq(specimen_build(&xxa, NULL, &s, &d), VFY_E_MRZ_FIELD, "%s", d.message);
    cr_assert_eq(vfy_specimen_write(NULL, NULL, &d), VFY_E_INVALID_ARGUMENT);
}
