/*
 * ICAO Datastructure for Barcode: `RDB1`/`NDB1`, a flag character, base32 without
 * padding of the payload (zlib-compressed when the flag says so). The payload is a
 * 2-byte header (unsigned) or 12-byte header (signed), the message group 0x61, an
 * optional signer certificate 0x7E and the signature 0x7F. The signature covers the
 * header and the whole 0x61 element, uncompressed.
 */
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "core/fail.h"
#include "seal/base32.h"
#include "seal/c40.h"
#include "seal/inflate.h"
#include "seal/seal_date.h"
#include "seal/seal_internal.h"

#define IDB_TAG_MESSAGES 0x61
#define IDB_TAG_CERTIFICATE 0x7E
#define IDB_TAG_SIGNATURE 0x7F

static vfy_status idb_header(vfy_seal_result *r, vfy_cursor *c, vfy_detail *detail)
{
    vfy_seal_header *h = &r->header;
    char country[SEAL_C40_TEXT_CAP(2)];
    size_t n;
    vfy_cur_set_field(c, "IDB header");
    VFY_TRY(seal_c40_decode(c, 2, country, sizeof country, &n));
    if (n == 0)
        return vfy_cur_fail(c, VFY_E_SEAL_FORMAT, "the issuing country is empty");
    memcpy(h->country_c40, country, n + 1);
    memcpy(h->country, "<<<", 4);
    for (size_t i = 0; i < n; i++)
        h->country[i] = country[i] == ' ' ? '<' : country[i];
    if (!h->is_signed) {
        h->header_length = 2;
        return VFY_OK;
    }
    size_t alg_off = vfy_cur_offset(c);
    VFY_TRY(vfy_cur_u8(c, &h->signature_algorithm));
    /* vdstools numbering (docs/seals.md "idb-signature-algorithm"). */
    if (h->signature_algorithm < 1 || h->signature_algorithm > 3)
        return vfy_fail_at(detail, VFY_E_ALGORITHM, "IDB header", alg_off,
                           "signature algorithm 0x%02X is not 1 (SHA-256), 2 (SHA-384) or 3 (SHA-512)",
                           h->signature_algorithm);
    seal_choice(r, "idb-signature-algorithm");
    VFY_TRY(vfy_cur_copy(c, h->cert_ref_bytes, 5));
    for (int i = 0; i < 5; i++)
        snprintf(h->cert_ref + 2 * i, 3, "%02x", h->cert_ref_bytes[i]);
    vfy_cursor date = *c;
    VFY_TRY(vfy_cur_copy(&date, h->signature_date_raw, 4));
    char text[11];
    vfy_cur_set_field(c, "signature creation date");
    VFY_TRY(seal_masked_date_read(c, &h->signature_date, text));
    if (h->signature_date_raw[0] != 0)
        seal_choice(r, "idb-masked-date-bit-order");
    h->header_length = 12;
    return VFY_OK;
}

vfy_status seal_idb_parse(vfy_seal_result *r, const uint8_t *text, size_t len, vfy_detail *detail)
{
    vfy_seal_header *h = &r->header;
    vfy_cursor c;
    vfy_cur_init(&c, text, len, "IDB barcode", detail);
    /* A scanner may hand over a trailing line end. */
    uint8_t last;
    while (c.len > 0 && vfy_cur_peek(&c, c.len - 1, &last) == VFY_OK &&
           (last == '\n' || last == '\r' || last == ' '))
        c.len--;
    VFY_TRY(vfy_cur_copy(&c, h->identifier, 4));
    h->identifier[4] = '\0';
    if (strcmp(h->identifier, "RDB1") != 0 && strcmp(h->identifier, "NDB1") != 0)
        return vfy_fail_at(detail, VFY_E_SEAL_FORMAT, "IDB barcode", 0,
                           "the barcode does not start with RDB1 or NDB1");
    if (h->identifier[0] == 'N')
        seal_choice(r, "idb-ndb1-identifier");
    uint8_t flag;
    VFY_TRY(vfy_cur_u8(&c, &flag));
    if (flag < 'A' || flag > 'D')
        return vfy_fail_at(detail, VFY_E_SEAL_FORMAT, "IDB flag", 4,
                           "flag character 0x%02X is not A (plain), B (signed), C (compressed) or D (both)", flag);
    h->flag = (char)flag;
    h->is_signed = ((flag - 'A') & 1) != 0;
    h->compressed = ((flag - 'A') & 2) != 0;

    vfy_cur_set_field(&c, "IDB base32");
    size_t cap = SEAL_BASE32_DECODED_MAX(vfy_cur_remaining(&c));
    uint8_t *decoded = seal_alloc(r, cap);
    if (decoded == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "IDB", "out of memory");
    size_t decoded_len;
    VFY_TRY(seal_base32_decode(&c, decoded, cap, &decoded_len));
    const uint8_t *payload = decoded;
    size_t payload_len = decoded_len;
    if (h->compressed) {
        uint8_t *inflated = seal_alloc(r, VFY_SEAL_MAX_INFLATED + 1);
        if (inflated == NULL)
            return vfy_fail(detail, VFY_E_NO_MEMORY, "IDB", "out of memory");
        vfy_cursor z;
        vfy_cur_init(&z, decoded, decoded_len, "IDB zlib stream", detail);
        VFY_TRY(seal_inflate(&z, inflated, VFY_SEAL_MAX_INFLATED, &payload_len));
        payload = inflated;
    }
    h->payload_length = payload_len;

    vfy_cursor p;
    vfy_cur_init(&p, payload, payload_len, "IDB payload", detail);
    VFY_TRY(idb_header(r, &p, detail));
    vfy_cur_set_field(&p, "IDB message group");
    seal_tlv group, t;
    VFY_TRY(seal_tlv_next(&p, &group));
    if (group.tag != IDB_TAG_MESSAGES)
        return vfy_fail_at(detail, VFY_E_SEAL_FORMAT, "IDB payload", group.offset,
                           "the payload has tag 0x%02X where the message group 0x61 must start", group.tag);
    r->signed_bytes = payload;
    r->signed_length = group.offset + group.raw_len;
    bool have_cert = false, have_sig = false;
    while (!vfy_cur_at_end(&p)) {
        vfy_cur_set_field(&p, "IDB payload");
        VFY_TRY(seal_tlv_next(&p, &t));
        if (t.tag == IDB_TAG_CERTIFICATE && !have_cert && !have_sig) {
            have_cert = true;
            const unsigned char *der = t.value.data;
            X509 *cert = d2i_X509(NULL, &der, (long)t.value.len);
            if (cert == NULL || der != t.value.data + t.value.len) {
                X509_free(cert);
                return vfy_fail_at(detail, VFY_E_SEAL_FORMAT, "IDB signer certificate", t.offset,
                                   "the embedded signer certificate (tag 0x7E) is not one DER X.509 certificate");
            }
            r->owned_->embedded_cert = cert;
            h->has_certificate = true;
        } else if (t.tag == IDB_TAG_SIGNATURE && !have_sig) {
            have_sig = true;
            if (!h->is_signed)
                return vfy_fail_at(detail, VFY_E_SEAL_FORMAT, "IDB signature", t.offset,
                                   "the flag says unsigned but the payload carries a signature (0x7F)");
            r->signature = t.value.data;
            r->signature_length = t.value.len;
        } else {
            return vfy_fail_at(detail, VFY_E_SEAL_FORMAT, "IDB payload", t.offset,
                               "tag 0x%02X at offset %zu is unknown, repeated or out of order "
                               "(expected 0x61, then 0x7E, then 0x7F)", t.tag, t.offset);
        }
    }
    if (h->is_signed && !have_sig)
        return vfy_fail(detail, VFY_E_SEAL_FORMAT, "IDB signature",
                        "the flag says signed but the payload has no signature (0x7F)");
    vfy_cursor messages = group.value;
    vfy_cur_set_field(&messages, "IDB messages");
    size_t count;
    const seal_feature *table = seal_idb_messages(&count);
    VFY_TRY(seal_decode_run(r, &messages, table, count, -1, detail));
    if (!h->is_signed)
        return vfy_fail(detail, VFY_E_SEAL_UNSIGNED, "IDB flag",
                        "the barcode is not signed (flag %c): its content cannot be trusted", flag);
    return VFY_OK;
}
