/* PACE-CAM's chip authentication (ICAO 9303-11 §4.4.3.3.3): the chip proves that it holds
 * the private key of its static key PK_IC by the value CA_IC it sent, encrypted, at the end
 * of PACE: CA_IC x PK_IC must be its mapping key PK_Map,IC. The chip layer only keeps what
 * the chip sent (vfy_pace_result); the judgement is here, beside CA v1 and AA, so that a
 * failed check is a verdict of the inspection and never a reader failure. */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "auth/auth.h"
#include "core/fail.h"
#include "crypto/crypto.h"

vfy_status vfy_pace_cam_verify(const vfy_pace_result *r, const uint8_t *pk_ic, size_t pk_ic_len,
                               vfy_detail *detail)
{
    if (r == NULL || !r->has_chip_auth_data || r->info.ka != VFY_KA_ECDH)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "CAM",
                        "no chip authentication data: PACE did not run with CAM");
    vfy_ka_group *g = NULL;
    VFY_TRY(vfy_ka_group_standard(r->info.parameter_id, &g, detail));
    uint8_t out[VFY_KA_MAX_PUBLIC];
    size_t out_len;
    vfy_status s = vfy_ka_ec_mul(g, r->ca_ic, r->ca_ic_len, pk_ic, pk_ic_len, out, sizeof out,
                                 &out_len, detail);
    vfy_ka_group_free(g);
    if (s == VFY_E_BAD_VALUE)
        return vfy_fail(detail, VFY_E_CA_FAILED, "CAM",
                        "the chip's static public key is not a point on the PACE curve");
    VFY_TRY(s);
    if (out_len != r->chip_mapping_public_len ||
        !vfy_equal_ct(out, r->chip_mapping_public, out_len))
        return vfy_fail(detail, VFY_E_CA_FAILED, "CAM",
                        "CA_IC x PK_IC differs from the chip's mapping key: the chip does not "
                        "hold the private key of this static public key");
    return VFY_OK;
}

vfy_status auth_pace_cam(const vfy_pace_result *r, const uint8_t *dg14, size_t dg14_len,
                         vfy_detail *detail)
{
    if (dg14 == NULL)
        return vfy_fail(detail, VFY_E_CA_FAILED, "PACE-CAM",
                        "PACE-CAM was used but its chip authentication data could not be "
                        "verified: the document has no DG14 Chip Authentication key");
    vfy_security_infos infos;
    vfy_detail inner = { 0 };
    if (vfy_lds_parse_dg14(dg14, dg14_len, &infos, &inner) != VFY_OK)
        return vfy_fail(detail, VFY_E_CA_FAILED, "PACE-CAM",
                        "PACE-CAM's chip authentication data cannot be checked: DG14 is not "
                        "readable (%s)", inner.message);
    const vfy_security_info *key = vfy_security_infos_find(&infos, VFY_SI_CHIP_AUTH_PUBLIC_KEY,
                                                           NULL);
    vfy_status st = vfy_fail(detail, VFY_E_CA_FAILED, "PACE-CAM",
                             "DG14 holds no Chip Authentication key on the PACE curve");
    const unsigned char *der = key != NULL ? key->public_key.data : NULL;
    EVP_PKEY *pk = der != NULL ? d2i_PUBKEY(NULL, &der, (long)key->public_key.len) : NULL;
    uint8_t point[VFY_KA_MAX_PUBLIC];
    size_t n = 0;
    if (pk != NULL &&
        EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &n) == 1) {
        if (detail != NULL)
            vfy_detail_clear(detail);
        st = vfy_pace_cam_verify(r, point, n, detail);
    }
    EVP_PKEY_free(pk);
    vfy_security_infos_free(&infos);
    return st;
}
