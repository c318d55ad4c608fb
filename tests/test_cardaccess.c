/* EF.CardAccess: real and specimen files, the choice among several PACEInfos, negatives. */
#include <criterion/criterion.h>
#include <string.h>

#include "chip/cardaccess.h"
#include "verify/lds.h"
#include "chip_vectors.h"
#include "support.h"

static void parse_hex(const char *hex, vfy_card_access *ca, vfy_status want)
{
    size_t n;
    uint8_t *b = hex_decode(hex, &n);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_card_access_parse(b, n, ca, &d), want, "%s: %s", hex, d.message);
    free(b);
}

Test(cardaccess, examples_of_lds_examples_json)
{
    json_t *v = vec_load("lds_examples.json");
    vfy_card_access ca;
    /* AT passport: GM AES-128 brainpoolP256r1 */
    parse_hex(vec_str(v, "ef_cardaccess.0.hex"), &ca, VFY_OK);
    cr_assert_eq(ca.n_pace, 1);
    const vfy_pace_info *p = vfy_card_access_best(&ca);
    cr_assert_eq(p->mapping, VFY_PACE_GM);
    cr_assert_eq(p->ka, VFY_KA_ECDH);
    cr_assert_eq(p->cipher, VFY_CIPHER_AES128);
    cr_assert_eq(p->parameter_id, 13);
    /* DE passport: GM and CAM: CAM is chosen */
    parse_hex(vec_str(v, "ef_cardaccess.1.hex"), &ca, VFY_OK);
    cr_assert_eq(ca.n_pace, 2);
    cr_assert_eq(vfy_card_access_best(&ca)->mapping, VFY_PACE_CAM);
    /* NZ: 3DES */
    parse_hex(vec_str(v, "ef_cardaccess.2.hex"), &ca, VFY_OK);
    cr_assert_eq(vfy_card_access_best(&ca)->cipher, VFY_CIPHER_3DES);
    /* G.2: DH, parameter id 0 */
    parse_hex(vec_str(v, "ef_cardaccess.4.hex"), &ca, VFY_OK);
    cr_assert_eq(vfy_card_access_best(&ca)->ka, VFY_KA_DH);
    cr_assert_eq(vfy_card_access_best(&ca)->parameter_id, 0);
    /* gmrtd priority: AES-256 brainpoolP384r1 GM and CAM: CAM */
    parse_hex(vec_str(v, "ef_cardaccess.5.hex"), &ca, VFY_OK);
    cr_assert_eq(vfy_card_access_best(&ca)->mapping, VFY_PACE_CAM);
    cr_assert_eq(vfy_card_access_best(&ca)->cipher, VFY_CIPHER_AES256);
    cr_assert_eq(vfy_card_access_best(&ca)->parameter_id, 16);
    /* negatives: no parameter id; unknown OID: nothing runnable */
    parse_hex(vec_str(v, "ef_cardaccess.6.hex"), &ca, VFY_OK);
    cr_assert_eq(ca.n_pace_total, 1);
    cr_assert_null(vfy_card_access_best(&ca));
    parse_hex(vec_str(v, "ef_cardaccess.7.hex"), &ca, VFY_OK);
    cr_assert_eq(ca.n_pace_total, 2);
    cr_assert_null(vfy_card_access_best(&ca));
    json_decref(v);
}

/* Checks one file; returns a failure text or NULL (the caller frees the buffer first). */
static const char *check_sample(const uint8_t *b, size_t n, bool dh, char *why, size_t cap)
{
    vfy_card_access ca;
    vfy_detail d;
    vfy_detail_clear(&d);
    if (vfy_card_access_parse(b, n, &ca, &d) != VFY_OK) {
        snprintf(why, cap, "parse: %s", d.message);
        return why;
    }
    const vfy_pace_info *p = vfy_card_access_best(&ca);
    if (ca.n_pace_total == 0 || p == NULL || !p->has_parameter_id)
        return "no runnable PACEInfo";
    if (dh && p->ka != VFY_KA_DH)
        return "the DH file did not give DH";
    return NULL;
}

Test(cardaccess, openpace_sample_files)
{
    const char *files[] = { "bsi_worked_example_dh_EF_CardAccess.bin",
                            "bsi_worked_example_ecdh_EF_CardAccess.bin", "ca3_EF_CardAccess.bin",
                            "de_eid_dan_EF_CardAccess.bin",
                            "de_eid_new_testcard_EF_CardAccess.bin" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char rel[128], buf[1024], why[300];
        snprintf(rel, sizeof rel, "vectors/emrtd/samples/openpace/%s", files[i]);
        size_t n;
        uint8_t *b = read_file_or_fail(SHARED_PATH(rel, buf), &n);
        const char *fail = check_sample(b, n, strstr(files[i], "_dh_") != NULL, why, sizeof why);
        free(b);
        cr_assert_null(fail, "%s: %s", files[i], fail);
    }
}

/* The old German test card: PACEInfo version 1 with explicit (proprietary) domain
 * parameters, which this library does not run. It parses, and offers nothing runnable. */
Test(cardaccess, proprietary_domain_parameters_are_not_offered)
{
    char buf[1024];
    size_t n;
    uint8_t *b = read_file_or_fail(
        SHARED_PATH("vectors/emrtd/samples/openpace/de_eid_old_testcard_EF_CardAccess.bin", buf),
        &n);
    vfy_card_access ca;
    vfy_status st = vfy_card_access_parse(b, n, &ca, NULL);
    free(b);
    cr_assert_eq(st, VFY_OK);
    cr_assert_eq(ca.n_pace_total, 1);
    cr_assert_gt(ca.n_domain_params, 0);
    cr_assert_null(vfy_card_access_best(&ca));
    /* The Slovenian file offers chip and terminal authentication only, no PACE. */
    b = read_file_or_fail(SHARED_PATH("vectors/emrtd/samples/openpace/si_EF_CardAccess.bin", buf),
                          &n);
    st = vfy_card_access_parse(b, n, &ca, NULL);
    free(b);
    cr_assert_eq(st, VFY_OK);
    cr_assert_eq(ca.n_pace_total, 0);
    cr_assert_eq(ca.n_other, 4);
}

Test(cardaccess, malformed_files_are_typed_errors)
{
    vfy_card_access ca;
    parse_hex("30143012060a04007f0007020204020202010202010d", &ca, VFY_E_BAD_TAG);
    parse_hex("31153012060a04007f0007020204020202010202010d", &ca, VFY_E_LENGTH_OVERFLOW);
    parse_hex("31143012060a04007f0007020204020202010202010d00", &ca, VFY_OK); /* file slack */
    parse_hex("31163014060a04007f0007020204020202010202010d0500", &ca, VFY_E_TRAILING_BYTES);
    parse_hex("31143012060a04007f000702020402020201ff02010d", &ca, VFY_E_BAD_VALUE);
    parse_hex("3100", &ca, VFY_OK);
    cr_assert_eq(ca.n_pace, 0);
}

/* One SecurityInfos parser: EF.CardAccess is read by the same parser as DG14 and
 * EF.CardSecurity, so a PACEInfo means the same wherever it stands. */
Test(cardaccess, same_parser_as_dg14)
{
    json_t *v = vec_load("lds_examples.json");
    size_t n;
    uint8_t *b = hex_decode(vec_str(v, "ef_cardaccess.1.hex"), &n);
    vfy_card_access ca;
    cr_assert_eq(vfy_card_access_parse(b, n, &ca, NULL), VFY_OK);
    vfy_security_infos infos;
    infos.owned = NULL;
    cr_assert_eq(vfy_lds_parse_security_infos(b, n, &infos, NULL), VFY_OK);
    size_t pace = 0;
    for (const vfy_security_info *si = vfy_security_infos_find(&infos, VFY_SI_PACE, NULL);
         si != NULL; si = vfy_security_infos_find(&infos, VFY_SI_PACE, si)) {
        cr_assert(pace < ca.n_pace);
        cr_assert_eq(si->key_id, (long)ca.pace[pace].parameter_id);
        cr_assert_eq(si->oid_der.len, ca.pace[pace].oid_len);
        cr_assert_eq(memcmp(si->oid_der.data, ca.pace[pace].oid, si->oid_der.len), 0);
        pace++;
    }
    cr_assert_eq(pace, ca.n_pace);
    /* The same PACEInfo with trailing data is refused by both readings. */
    static const char bad[] = "31163014060a04007f0007020204020202010202010d0500";
    uint8_t *c = hex_decode(bad, &n);
    cr_assert_eq(vfy_lds_parse_security_infos(c, n, &infos, NULL), VFY_E_TRAILING_BYTES);
    cr_assert_eq(vfy_card_access_parse(c, n, &ca, NULL), VFY_E_TRAILING_BYTES);
    free(c);
    free(b);
    json_decref(v);
}
