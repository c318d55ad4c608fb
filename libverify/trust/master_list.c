/* CSCA master lists (ICAO 9303-12 §9): CMS SignedData over
 *   CscaMasterList ::= SEQUENCE { version INTEGER, certList SET OF Certificate }
 * with eContentType id-icao-cscaMasterList. The list's certificates join the store
 * only when the CMS signature verifies and its signer
 *  - carries the master-list-signer extended key usage 2.23.136.1.1.3,
 *  - is issued by a CSCA already in the store of the signer's own country,
 *  - was valid when it signed (CMS signingTime, else now),
 *  - is not revoked by a CRL of that CSCA — also one loaded after the list: adding a
 *    CRL re-checks the accepted lists and withdraws a revoked signer's list. */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/fail.h"
#include "core/tlv.h"
#include "trust/trust_store.h"

#define OID_CSCA_MASTER_LIST "2.23.136.1.1.2"
#define OID_ML_SIGNER_EKU "2.23.136.1.1.3"

static bool has_ml_signer_eku(X509 *cert)
{
    EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(cert, NID_ext_key_usage, NULL, NULL);
    bool found = false;
    for (int i = 0; eku != NULL && i < sk_ASN1_OBJECT_num(eku) && !found; i++) {
        char oid[64] = "";
        OBJ_obj2txt(oid, sizeof oid, sk_ASN1_OBJECT_value(eku, i), 1);
        found = strcmp(oid, OID_ML_SIGNER_EKU) == 0;
    }
    EXTENDED_KEY_USAGE_free(eku);
    ERR_clear_error();
    return found;
}

/* The CMS signingTime of the (single) signer, when present and readable. */
static bool signing_time(CMS_ContentInfo *cms, time_t *out)
{
    STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
    if (sis == NULL || sk_CMS_SignerInfo_num(sis) != 1)
        return false;
    CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
    int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
    if (idx < 0)
        return false;
    X509_ATTRIBUTE *attr = CMS_signed_get_attr(si, idx);
    ASN1_TYPE *v = X509_ATTRIBUTE_get0_type(attr, 0);
    if (v == NULL || (v->type != V_ASN1_UTCTIME && v->type != V_ASN1_GENERALIZEDTIME))
        return false;
    struct tm tm;
    if (ASN1_TIME_to_tm((const ASN1_TIME *)v->value.asn1_string, &tm) != 1) {
        ERR_clear_error();
        return false;
    }
    *out = timegm(&tm);
    return true;
}

/* Whether a CRL of `csca` in the store revokes `signer`: 1 yes, 0 no, -1 unknown (out of
 * memory verifying one of them: the signer is then not taken as unrevoked). */
static int revoked_in_store(const vfy_trust *t, X509 *signer, X509 *csca)
{
    for (int i = 0; i < sk_X509_CRL_num(t->crls); i++) {
        X509_CRL *crl = sk_X509_CRL_value(t->crls, i);
        X509_REVOKED *rev = NULL;
        int of = vfy_trust_crl_of(crl, csca);
        if (of < 0)
            return -1;
        if (of == 1 && X509_CRL_get0_by_cert(crl, &rev, signer) == 1)
            return 1;
    }
    return 0;
}

/* Why the list signer cannot vouch for CSCAs, or NULL. *issuer_out is its CSCA. */
static const char *signer_problem(const vfy_trust *t, X509 *signer, time_t signed_at,
                                  X509 **issuer_out, vfy_status *status)
{
    *status = VFY_E_KEY_USAGE;
    if (!has_ml_signer_eku(signer))
        return "the list signer lacks the master-list-signer extended key usage 2.23.136.1.1.3";
    bool name_matched = false;
    X509 *issuer = vfy_trust_find_issuer(t, signer, &name_matched);
    *status = VFY_E_NO_TRUST_ANCHOR;
    if (issuer == NULL)
        return name_matched
                   ? "the list signer's certificate does not verify under the CSCA of the same name"
                   : "the list signer is not issued by any CSCA in the store: load the "
                     "issuing state's CSCA before its master list";
    char sc[3], ic[3];
    *status = VFY_E_MISMATCH;
    if (!vfy_x509_name_country(X509_get_subject_name(signer), sc) ||
        !vfy_x509_name_country(X509_get_subject_name(issuer), ic) || strcmp(sc, ic) != 0)
        return "the list signer and its CSCA are not of the same country";
    *status = VFY_E_CRITICAL_EXTENSION;
    if (!vfy_x509_critical_understood(signer))
        return "the list signer carries an unknown critical extension";
    *status = VFY_E_CERT_EXPIRED;
    if (!vfy_x509_valid_at(signer, signed_at))
        return "the list signer was not valid when the list was signed";
    *status = VFY_E_CERT_REVOKED;
    int revoked = revoked_in_store(t, signer, issuer);
    if (revoked > 0)
        return "the list signer is revoked by a CRL of its CSCA";
    if (revoked < 0) {
        *status = VFY_E_NO_MEMORY;
        return "out of memory checking whether the list signer is revoked";
    }
    *issuer_out = issuer;
    *status = VFY_OK;
    return NULL;
}

static void withdraw(vfy_trust *t, trust_list *l, const char *why)
{
    l->withdrawn = true;
    for (int i = 0; i < sk_X509_num(l->certs); i++) {
        X509 *c = sk_X509_value(l->certs, i);
        for (int k = sk_X509_num(t->anchors) - 1; k >= 0; k--)
            if (sk_X509_value(t->anchors, k) == c)
                X509_free(sk_X509_delete(t->anchors, k));
    }
    for (size_t e = l->entry_first; e < l->entry_end && e < t->entry_count; e++) {
        if (!t->entries[e].accepted)
            continue;
        t->entries[e].accepted = false;
        snprintf(t->entries[e].reason, sizeof t->entries[e].reason, "withdrawn: %s", why);
    }
}

vfy_status vfy_trust_recheck_lists(vfy_trust *t)
{
    for (size_t i = 0; i < t->list_count; i++) {
        trust_list *l = &t->lists[i];
        int revoked = l->withdrawn ? 0 : revoked_in_store(t, l->signer, l->signer_csca);
        if (revoked < 0)
            return VFY_E_NO_MEMORY;
        if (revoked > 0)
            withdraw(t, l, "the list signer is revoked by a CRL of its CSCA loaded after the list");
    }
    return VFY_OK;
}

/* Keeps an accepted list so that later CRLs can withdraw it. */
static vfy_status keep_list(vfy_trust *t, const uint8_t *data, size_t len, X509 *signer,
                            X509 *csca, STACK_OF(X509) *certs, size_t entry_first)
{
    if (t->list_count == t->list_cap) {
        size_t cap = t->list_cap ? t->list_cap * 2 : 8;
        trust_list *n = realloc(t->lists, cap * sizeof *n);
        if (n == NULL)
            return VFY_E_NO_MEMORY;
        t->lists = n;
        t->list_cap = cap;
    }
    trust_list *l = &t->lists[t->list_count];
    memset(l, 0, sizeof *l);
    l->der = malloc(len ? len : 1);
    if (l->der == NULL)
        return VFY_E_NO_MEMORY;
    X509_up_ref(signer);
    X509_up_ref(csca);
    memcpy(l->der, data, len);
    l->der_len = len;
    l->signer = signer;
    l->signer_csca = csca;
    l->certs = certs;
    l->entry_first = entry_first;
    l->entry_end = t->entry_count;
    t->list_count++;
    return VFY_OK;
}

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
                                 const char *source, size_t *added, STACK_OF(X509) *mine,
                                 vfy_detail *detail)
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
            /* Refused for itself only when a second parse fails too: the first may have
             * failed for want of memory, and a CSCA must not be recorded as unreadable
             * (and left out) for that. */
            p = cert.raw;
            x = d2i_X509(NULL, &p, (long)cert.raw_len);
            bool readable = x != NULL && p == cert.raw + cert.raw_len;
            X509_free(x);
            ERR_clear_error();
            if (readable)
                return vfy_fail(detail, VFY_E_NO_MEMORY, "CscaMasterList", "out of memory reading the list's certificates");
            VFY_TRY(vfy_trust_record(t, VFY_TRUST_MASTER_LIST_CERT, false, src, NULL, NULL,
                                     "an entry of the list is not a readable certificate"));
            continue;
        }
        int before = sk_X509_num(t->anchors);
        vfy_status s = vfy_trust_add_anchor(t, x, VFY_TRUST_MASTER_LIST_CERT, src);
        if (s == VFY_OK && sk_X509_num(t->anchors) > before) {
            X509 *kept = sk_X509_value(t->anchors, before);
            if (!X509_up_ref(kept)) {
                s = VFY_E_NO_MEMORY;
            } else if (sk_X509_push(mine, kept) <= 0) {
                X509_free(kept);
                s = VFY_E_NO_MEMORY;
            }
            /* An anchor the list does not track could not be taken back when the list is
             * refused: out of the store with it. */
            if (s != VFY_OK)
                X509_free(sk_X509_delete(t->anchors, before));
            (*added)++;
        }
        X509_free(x);
        VFY_TRY(s);
    }
    return VFY_OK;
}

/* Takes back what a list that is not kept added: its anchors and its entries. */
static void drop_list(vfy_trust *t, STACK_OF(X509) *mine, size_t entries_before)
{
    t->entry_count = entries_before;
    for (int i = 0; i < sk_X509_num(mine); i++) {
        X509 *c = sk_X509_value(mine, i);
        for (int k = sk_X509_num(t->anchors) - 1; k >= 0; k--)
            if (sk_X509_value(t->anchors, k) == c)
                X509_free(sk_X509_delete(t->anchors, k));
    }
    sk_X509_pop_free(mine, X509_free);
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
    time_t signed_at = time(NULL);
    bool dated = signing_time(cms, &signed_at);
    X509 *issuer = NULL;
    vfy_status why_status;
    const char *problem = signer_problem(t, signer, signed_at, &issuer, &why_status);
    if (problem != NULL) {
        char why[192];
        snprintf(why, sizeof why, "%s%s", problem,
                 why_status == VFY_E_CERT_EXPIRED ? (dated ? " (CMS signingTime)" : " (now)") : "");
        s = reject(t, source, signer, why_status, detail, why);
        goto done;
    }
    BUF_MEM *content;
    BIO_get_mem_ptr(out, &content);
    size_t added = 0;
    vfy_detail inner;
    vfy_detail_clear(&inner);
    size_t entries_before = t->entry_count;
    STACK_OF(X509) *mine = sk_X509_new_null();
    if (mine == NULL) {
        s = VFY_E_NO_MEMORY;
        goto done;
    }
    s = add_list_certs(t, (const uint8_t *)content->data, content->length, source, &added, mine,
                       &inner);
    if (s != VFY_OK) {
        /* A malformed list is rejected whole, with nothing of it in the store. */
        char why[192];
        snprintf(why, sizeof why, "the list content is malformed: %.150s", inner.message);
        drop_list(t, mine, entries_before);
        s = reject(t, source, signer, s == VFY_E_NO_MEMORY ? s : VFY_E_TRUST_STORE, detail, why);
        goto done;
    }
    char note[192];
    snprintf(note, sizeof note,
             "%zu certificates; signed by a master-list signer of a trusted CSCA of its country",
             added);
    s = vfy_trust_record(t, VFY_TRUST_MASTER_LIST, true, source, signer, NULL, note);
    if (s == VFY_OK)
        s = keep_list(t, data, len, signer, issuer, mine, entries_before);
    if (s != VFY_OK)
        drop_list(t, mine, entries_before); /* out of memory: nothing of the list stays */
done:
    BIO_free(out);
    CMS_ContentInfo_free(cms);
    ERR_clear_error();
    return s;
}
