/*
 * Coverage of issue 12 for lds/security_infos.c and lds/sod.c: SecurityInfos (ICAO
 * 9303-11 §9.2, BSI TR-03110-3 A.1) whose OIDs sit under id-BSI protocols but name none
 * of ours (a multi-byte arc, id-PK with a third algorithm, id-CA with an undefined
 * cipher), one entry more than the limit, a DG14 whose content is malformed, and an
 * EF.CardSecurity (a CMS structure made here by OpenSSL around hand-encoded
 * SecurityInfos) whose copy cannot be allocated.
 */
#include <criterion/criterion.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <string.h>

#include "faults.h"
#include "verify.h"

#define BSI 0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02

/* SET { SEQ { OID 0.4.0.127.0.7.2.2.a.b.c, INTEGER 1 } ... } with a DER length. */
static size_t infos(uint8_t *out, const uint8_t (*arcs)[3], size_t n)
{
    size_t body = n * 17, k = 0;
    out[k++] = 0x31;
    if (body < 0x80) {
        out[k++] = (uint8_t)body;
    } else if (body < 0x100) {
        out[k++] = 0x81;
        out[k++] = (uint8_t)body;
    } else {
        out[k++] = 0x82;
        out[k++] = (uint8_t)(body >> 8);
        out[k++] = (uint8_t)body;
    }
    for (size_t i = 0; i < n; i++) {
        static const uint8_t head[] = { 0x30, 0x0F, BSI };
        memcpy(out + k, head, sizeof head);
        k += sizeof head;
        memcpy(out + k, arcs[i], 3);
        k += 3;
        out[k++] = 0x02;
        out[k++] = 0x01;
        out[k++] = 0x01;
    }
    return k;
}

Test(cov2_chip_secinfo, bsi_oids_that_name_no_protocol_of_ours)
{
    static const uint8_t arcs[][3] = {
        { 0x03, 0x81, 0x01 }, /* id-CA with a multi-byte arc */
        { 0x01, 0x03, 0x00 }, /* id-PK.3.0: neither DH (1) nor ECDH (2) */
        { 0x03, 0x02, 0x09 }, /* id-CA-ECDH with cipher 9 */
        { 0x03, 0x02, 0x02 }, /* id-CA-ECDH-AES-CBC-CMAC-128: the reference, recognised */
    };
    uint8_t buf[128];
    size_t n = infos(buf, arcs, 4);
    vfy_security_infos out = { 0 };
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_lds_parse_security_infos(buf, n, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.count, 4);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(out.items[i].kind, VFY_SI_UNKNOWN, "entry %d", i);
    cr_assert_eq(out.items[3].kind, VFY_SI_CHIP_AUTH);
    cr_assert_str_eq(out.items[2].oid, "0.4.0.127.0.7.2.2.3.2.9");
}

Test(cov2_chip_secinfo, one_entry_over_the_limit)
{
    uint8_t arcs[VFY_SECURITY_INFOS_MAX + 1][3];
    for (int i = 0; i <= VFY_SECURITY_INFOS_MAX; i++) {
        arcs[i][0] = 0x03;
        arcs[i][1] = 0x02;
        arcs[i][2] = 0x02;
    }
    uint8_t buf[400];
    size_t n = infos(buf, (const uint8_t (*)[3])arcs, VFY_SECURITY_INFOS_MAX);
    vfy_security_infos out = { 0 };
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_lds_parse_security_infos(buf, n, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.count, VFY_SECURITY_INFOS_MAX);
    /* 17 entries (289 bytes of content). */
    uint8_t big[400];
    size_t m = infos(big, (const uint8_t (*)[3])arcs, VFY_SECURITY_INFOS_MAX + 1);
    cr_assert_eq(m, 4 + 289);
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_lds_parse_security_infos(big, m, &out, &d), VFY_E_LIMIT, "%s", d.message);
    cr_assert(strstr(d.message, "more than 16") != NULL, "%s", d.message);
}

Test(cov2_chip_secinfo, dg14_with_malformed_content_names_dg14)
{
    /* 6E { 31 { 30 { 02 01 01 } } }: a SecurityInfo starting with an INTEGER, not an OID. */
    static const uint8_t dg14[] = { 0x6E, 0x07, 0x31, 0x05, 0x30, 0x03, 0x02, 0x01, 0x01 };
    vfy_security_infos out;
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_lds_parse_dg14(dg14, sizeof dg14, &out, &d), VFY_E_BAD_TAG);
    cr_assert(strstr(d.field, "DG14") != NULL, "%s", d.field);
    vfy_security_infos_free(NULL);
    vfy_lds_sod sod;
    cr_assert_eq(vfy_lds_parse_sod(dg14, sizeof dg14, NULL, &d), VFY_E_INVALID_ARGUMENT);
    (void)sod;
}

Test(cov2_chip_secinfo, card_security_copy_out_of_memory)
{
    /* A CMS id-data structure around one ChipAuthenticationInfo. */
    static const uint8_t arcs[][3] = { { 0x03, 0x02, 0x02 } };
    uint8_t buf[32];
    size_t n = infos(buf, arcs, 1);
    BIO *in = BIO_new_mem_buf(buf, (int)n);
    CMS_ContentInfo *cms = CMS_data_create(in, CMS_BINARY);
    cr_assert_not_null(cms);
    unsigned char *der = NULL;
    int dl = i2d_CMS_ContentInfo(cms, &der);
    cr_assert_gt(dl, 0);
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    vfy_security_infos out;
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_lds_parse_card_security(der, (size_t)dl, &out, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(out.count, 1);
    cr_assert_eq(out.items[0].kind, VFY_SI_CHIP_AUTH);
    vfy_security_infos_free(&out);
    /* The library's copy of the content is the last allocation of the parse. */
    fault_arm(0);
    fault_enter();
    cr_assert_eq(vfy_lds_parse_card_security(der, (size_t)dl, &out, &d), VFY_OK);
    fault_leave();
    bool fired;
    unsigned long total = fault_disarm(&fired);
    vfy_security_infos_free(&out);
    fault_arm(total);
    fault_enter();
    vfy_status s = vfy_lds_parse_card_security(der, (size_t)dl, &out, &d);
    fault_leave();
    fault_disarm(&fired);
    cr_assert(fired);
    cr_assert_eq(s, VFY_E_NO_MEMORY, "%s: %s", vfy_status_name(s), d.message);
    cr_assert_eq(out.count, 0);
    cr_assert_null(out.owned);
    OPENSSL_free(der);
}
