/* CSCA master lists (ICAO 9303-12 §9): CMS SignedData over
 *   CscaMasterList ::= SEQUENCE { version INTEGER, certList SET OF Certificate }
 * with eContentType id-icao-cscaMasterList. The list's certificates join the store
 * only when the CMS signature verifies and its signer is issued by a CSCA already in
 * the store. */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <stdio.h>
#include <string.h>

#include "core/fail.h"
#include "core/tlv.h"
#include "trust/trust_store.h"

#define OID_CSCA_MASTER_LIST "2.23.136.1.1.2"

static vfy_status reject(vfy_trust *t, const char *source, X509 *signer, vfy_status status,
                         vfy_detail *detail, const char *why)
{
    ERR_clear_error();
    vfy_status s = vfy_trust_record(t, VFY_TRUST_MASTER_LIST, false, source, signer, NULL, why);
    if (s != VFY_OK)
        return s;
    return vfy_fail(detail, status, source, "master list %s rejected: %s", source, why);
}

/* Walks the list content through the bounded cursor and adds each certificate. */
static vfy_status add_list_certs(vfy_trust *t, const uint8_t *content, size_t len,
                                 const char *source, size_t *added, vfy_detail *detail)
{
    vfy_tlv list, version, set;
    VFY_TRY(vfy_tlv_parse_one(content, len, 0, "CscaMasterList", detail, &list));
    if (list.tag != 0x30)
        return vfy_fail(detail, VFY_E_BAD_TAG, "CscaMasterList", "the list is not a SEQUENCE");
    VFY_TRY(vfy_tlv_expect(&list.value, 0x02, 0, &version));
    VFY_TRY(vfy_tlv_expect(&list.value, 0x31, 0, &set));
    VFY_TRY(vfy_cur_expect_end(&list.value));
    char src[256];
    snprintf(src, sizeof src, "%s (master list)", source);
    while (!vfy_cur_at_end(&set.value)) {
        vfy_tlv cert;
        VFY_TRY(vfy_tlv_next(&set.value, 0, &cert));
        const unsigned char *p = cert.raw;
        X509 *x = d2i_X509(NULL, &p, (long)cert.raw_len);
        if (x == NULL || p != cert.raw + cert.raw_len) {
            X509_free(x);
            ERR_clear_error();
            VFY_TRY(vfy_trust_record(t, VFY_TRUST_MASTER_LIST_CERT, false, src, NULL, NULL,
                                     "an entry of the list is not a readable certificate"));
            continue;
        }
        vfy_status s = vfy_trust_add_anchor(t, x, VFY_TRUST_MASTER_LIST_CERT, src);
        X509_free(x);
        VFY_TRY(s);
        (*added)++;
    }
    return VFY_OK;
}

vfy_status vfy_trust_add_master_list(vfy_trust *t, const uint8_t *data, size_t len,
                                     const char *source, vfy_detail *detail)
{
    BIO *in = BIO_new_mem_buf(data, (int)len);
    if (in == NULL)
        return VFY_E_NO_MEMORY;
    CMS_ContentInfo *cms = d2i_CMS_bio(in, NULL);
    BIO_free(in);
    if (cms == NULL)
        return reject(t, source, NULL, VFY_E_TRUST_STORE, detail,
                      "not a certificate, a CRL or a CMS master list");

    vfy_status s = VFY_OK;
    BIO *out = NULL;
    char oid[64] = "";
    if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
        s = reject(t, source, NULL, VFY_E_TRUST_STORE, detail, "CMS content is not SignedData");
        goto done;
    }
    OBJ_obj2txt(oid, sizeof oid, CMS_get0_eContentType(cms), 1);
    if (strcmp(oid, OID_CSCA_MASTER_LIST) != 0) {
        s = reject(t, source, NULL, VFY_E_TRUST_STORE, detail,
                   "eContentType is not id-icao-cscaMasterList (2.23.136.1.1.2)");
        goto done;
    }
    out = BIO_new(BIO_s_mem());
    if (out == NULL) {
        s = VFY_E_NO_MEMORY;
        goto done;
    }
    /* The signature is checked here with the signer certificate the list carries; the
     * signer itself is checked against the store below, not by OpenSSL's chain builder. */
    if (CMS_verify(cms, NULL, NULL, NULL, out, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
        s = reject(t, source, NULL, VFY_E_SIGNATURE, detail,
                   "the CMS signature over the list does not verify");
        goto done;
    }
    STACK_OF(X509) *signers = CMS_get0_signers(cms);
    if (signers == NULL || sk_X509_num(signers) != 1) {
        sk_X509_free(signers);
        s = reject(t, source, NULL, VFY_E_SIGNATURE, detail,
                   "the list must have exactly one signer certificate");
        goto done;
    }
    X509 *signer = sk_X509_value(signers, 0);
    sk_X509_free(signers);
    bool name_matched = false;
    X509 *issuer = vfy_trust_find_issuer(t, signer, &name_matched);
    if (issuer == NULL) {
        s = reject(t, source, signer, VFY_E_NO_TRUST_ANCHOR, detail,
                   name_matched
                       ? "the list signer's certificate does not verify under the CSCA of the same name"
                       : "the list signer is not issued by any CSCA in the store: load the "
                         "issuing state's CSCA before its master list");
        goto done;
    }
    BUF_MEM *content;
    BIO_get_mem_ptr(out, &content);
    size_t added = 0;
    vfy_detail inner;
    vfy_detail_clear(&inner);
    size_t entries_before = t->entry_count;
    int anchors_before = sk_X509_num(t->anchors);
    s = add_list_certs(t, (const uint8_t *)content->data, content->length, source, &added, &inner);
    if (s != VFY_OK) {
        /* A malformed list is rejected whole, with nothing of it in the store. */
        char why[192];
        snprintf(why, sizeof why, "the list content is malformed: %.150s", inner.message);
        t->entry_count = entries_before;
        while (sk_X509_num(t->anchors) > anchors_before)
            X509_free(sk_X509_pop(t->anchors));
        s = reject(t, source, signer, s == VFY_E_NO_MEMORY ? s : VFY_E_TRUST_STORE, detail, why);
        goto done;
    }
    char note[192];
    snprintf(note, sizeof note, "%zu certificates; signed by a certificate issued by a trusted CSCA",
             added);
    s = vfy_trust_record(t, VFY_TRUST_MASTER_LIST, true, source, signer, NULL, note);
done:
    BIO_free(out);
    CMS_ContentInfo_free(cms);
    ERR_clear_error();
    return s;
}
