/* The ICAO documentTypeList extension of a signer certificate (see doc_type_list.h),
 * read through the bounded TLV cursor: its bytes come from a certificate that may be
 * hostile (an IDB or VDS-NC carries it inside the seal). */
#include <openssl/err.h>
#include <string.h>

#include "core/fail.h"
#include "core/tlv.h"
#include "seal/doc_type_list.h"

#define OID_DOCUMENT_TYPE_LIST "2.23.136.1.1.6.2"
#define TAG_PRINTABLE_STRING 0x13

static vfy_status read_set(vfy_cursor *set, seal_doc_types *out)
{
    while (!vfy_cur_at_end(set)) {
        vfy_tlv t;
        VFY_TRY(vfy_tlv_expect(set, TAG_PRINTABLE_STRING, 0, &t));
        size_t n = vfy_cur_remaining(&t.value);
        const uint8_t *p;
        if (n < 1 || n > 2)
            return vfy_cur_fail(&t.value, VFY_E_SEAL_DOC_TYPE,
                                "a document type has %zu characters, not 1 or 2", n);
        if (out->count == SEAL_DOC_TYPES_MAX)
            return vfy_cur_fail(&t.value, VFY_E_LIMIT, "more than %d document types",
                                SEAL_DOC_TYPES_MAX);
        VFY_TRY(vfy_cur_bytes(&t.value, n, &p));
        for (size_t i = 0; i < n; i++)
            if (p[i] < 'A' || p[i] > 'Z')
                return vfy_cur_fail(&t.value, VFY_E_SEAL_DOC_TYPE,
                                    "a document type is not upper-case letters");
        memcpy(out->types[out->count], p, n);
        out->types[out->count][n] = '\0';
        out->count++;
    }
    return VFY_OK;
}

vfy_status seal_doc_types_read(X509 *cert, seal_doc_types *out, vfy_detail *detail)
{
    memset(out, 0, sizeof *out);
    ASN1_OBJECT *oid = OBJ_txt2obj(OID_DOCUMENT_TYPE_LIST, 1);
    if (oid == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "signer certificate", "out of memory");
    int idx = X509_get_ext_by_OBJ(cert, oid, -1);
    bool twice = idx >= 0 && X509_get_ext_by_OBJ(cert, oid, idx) >= 0;
    ASN1_OBJECT_free(oid);
    ERR_clear_error();
    if (idx < 0)
        return VFY_OK;
    out->present = true;
    if (twice)
        return vfy_fail(detail, VFY_E_SEAL_DOC_TYPE, "documentTypeList",
                        "the signer certificate carries the documentTypeList extension twice");
    const ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(X509_get_ext(cert, idx));
    vfy_tlv top;
    VFY_TRY(vfy_tlv_parse_one(ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v), 0,
                              "documentTypeList", detail, &top));
    if (top.tag == 0x31)
        return read_set(&top.value, out);
    if (top.tag != 0x30)
        return vfy_fail(detail, VFY_E_SEAL_DOC_TYPE, "documentTypeList",
                        "the documentTypeList extension is neither a SEQUENCE nor a SET");
    vfy_tlv version, set;
    VFY_TRY(vfy_tlv_expect(&top.value, 0x02, 0, &version));
    VFY_TRY(vfy_tlv_expect(&top.value, 0x31, 0, &set));
    VFY_TRY(vfy_cur_expect_end(&top.value));
    return read_set(&set.value, out);
}

bool seal_doc_types_allow(const seal_doc_types *list, const char *code)
{
    if (code == NULL || code[0] == '\0')
        return false;
    for (size_t i = 0; i < list->count; i++) {
        const char *t = list->types[i];
        if (strcmp(t, code) == 0 || (t[1] == '\0' && t[0] == code[0]))
            return true;
    }
    return false;
}
