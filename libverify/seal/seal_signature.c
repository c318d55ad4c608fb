/*
 * The signature step shared by VDS, IDB and VDS-NC: a plain ECDSA signature r||s
 * (each half the size of the curve order) over the signed bytes exactly as
 * received, converted to a DER ECDSA-Sig-Value for OpenSSL's EVP_DigestVerify.
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "core/fail.h"
#include "seal/seal_internal.h"

/* The hash that belongs to a key size (VDS: "the one matching the key size"). */
static const EVP_MD *md_for_bits(int bits)
{
    if (bits <= 224)
        return EVP_sha224();
    if (bits <= 256)
        return EVP_sha256();
    if (bits <= 384)
        return EVP_sha384();
    return EVP_sha512();
}

static vfy_status rs_to_der(const uint8_t *rs, size_t rs_len, unsigned char **der, int *der_len)
{
    size_t half = rs_len / 2;
    BIGNUM *r = BN_bin2bn(rs, (int)half, NULL);
    BIGNUM *s = BN_bin2bn(rs + half, (int)half, NULL);
    ECDSA_SIG *sig = ECDSA_SIG_new();
    if (r == NULL || s == NULL || sig == NULL || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return VFY_E_NO_MEMORY;
    }
    *der = NULL;
    *der_len = i2d_ECDSA_SIG(sig, der);
    ECDSA_SIG_free(sig);
    return *der_len > 0 ? VFY_OK : VFY_E_CRYPTO;
}

vfy_status seal_ecdsa_verify(X509 *cert, const EVP_MD *md, const uint8_t *data, size_t data_len,
                             const uint8_t *rs, size_t rs_len, vfy_seal_signer *signer,
                             vfy_detail *detail)
{
    EVP_PKEY *key = X509_get0_pubkey(cert);
    if (key == NULL || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC)
        return vfy_fail(detail, VFY_E_ALGORITHM, "signer certificate",
                        "the signer certificate does not hold an elliptic-curve key");
    int bits = EVP_PKEY_get_bits(key);
    char group[32] = "explicit parameters";
    size_t glen = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &glen) != 1)
        snprintf(group, sizeof group, "explicit parameters");
    snprintf(signer->key, sizeof signer->key, "EC %s (%d bit)", group, bits);
    const EVP_MD *want = md_for_bits(bits);
    if (md == NULL) {
        md = want;
    } else if (EVP_MD_get_type(md) != EVP_MD_get_type(want)) {
        return vfy_fail(detail, VFY_E_ALGORITHM, "signature",
                        "the seal names %s, which does not belong to the signer's %d-bit key",
                        EVP_MD_get0_name(md), bits);
    }
    snprintf(signer->hash, sizeof signer->hash, "%s", EVP_MD_get0_name(md));
    size_t half = (size_t)(bits + 7) / 8;
    if (rs_len != 2 * half)
        return vfy_fail(detail, VFY_E_SIGNATURE, "signature",
                        "the signature has %zu bytes; a %d-bit key makes r||s of %zu bytes", rs_len, bits,
                        2 * half);
    unsigned char *der = NULL;
    int der_len = 0;
    vfy_status s = rs_to_der(rs, rs_len, &der, &der_len);
    if (s != VFY_OK)
        return vfy_fail(detail, s, "signature", "could not convert r||s to DER");
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ready = ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) == 1;
    /* Once the context is ready, anything but 1 is a signature that does not verify
     * (OpenSSL also answers -1 for r or s out of range). */
    int rc = ready ? EVP_DigestVerify(ctx, der, (size_t)der_len, data, data_len) : -1;
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    if (rc == 1)
        return VFY_OK;
    if (ready)
        return vfy_fail(detail, VFY_E_SIGNATURE, "signature",
                        "the %s signature does not verify with the key of %s: the seal was altered or "
                        "signed by another key",
                        signer->hash, signer->subject[0] ? signer->subject : "the signer certificate");
    return vfy_fail(detail, VFY_E_CRYPTO, "signature", "OpenSSL could not run the ECDSA verification");
}
