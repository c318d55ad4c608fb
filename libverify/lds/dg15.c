/* DG15 (9303-10 §4.7.15): the Active Authentication public key, RSA or EC, as a
 * SubjectPublicKeyInfo. The key itself is decoded by OpenSSL. */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/fail.h"
#include "lds/lds_internal.h"
#include "lds/pubkey.h"

vfy_status vfy_lds_parse_dg15(const uint8_t *data, size_t len, vfy_lds_dg15 *out, vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "DG15", "no output structure");
    memset(out, 0, sizeof *out);
    vfy_tlv outer, spki;
    VFY_TRY(lds_open(data, len, 0x6F, "DG15", detail, &outer));
    vfy_cursor c = outer.value;
    VFY_TRY(vfy_tlv_expect(&c, DER_SEQUENCE, VFY_TLV_DER, &spki));
    VFY_TRY(vfy_cur_expect_end(&c));
    EVP_PKEY *key = NULL;
    VFY_TRY(lds_decode_spki(spki.raw, spki.raw_len, "DG15", detail, &key));
    lds_describe_key(key, &out->key_type, &out->bits, out->curve, sizeof out->curve);
    EVP_PKEY_free(key);
    if (out->key_type != VFY_KEY_RSA && out->key_type != VFY_KEY_EC)
        return vfy_fail_at(detail, VFY_E_UNSUPPORTED, "DG15", spki.offset,
                           "the Active Authentication key is neither RSA nor EC");
    out->public_key = (vfy_bytes){ spki.raw, spki.raw_len, true };
    return VFY_OK;
}
