/* Test PKI made with OpenSSL at test time: keys, CSCA/DS-style certificates, CRLs.
 * Every helper aborts the test on failure, so callers need no error handling. */
#ifndef VFY_TESTS_PKI_H
#define VFY_TESTS_PKI_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "ec:prime256v1", "ec:brainpoolP256r1", "ec:secp384r1", "rsa:2048", "ed25519" ... */
EVP_PKEY *pki_key(const char *spec);

enum pki_usage {
    PKI_KU_SIGN = 1,       /* digitalSignature (document signer) */
    PKI_KU_CERT_SIGN = 2,  /* keyCertSign + cRLSign (CSCA) */
};

typedef struct pki_cert_spec {
    const char *cn;          /* common name */
    const char *country;     /* C=, two letters; NULL: no C= attribute */
    EVP_PKEY *key;           /* the subject's key */
    X509 *issuer;            /* NULL: self-signed */
    EVP_PKEY *issuer_key;    /* NULL: self-signed with `key` */
    long not_before_days;    /* relative to now (negative: in the past) */
    long not_after_days;
    unsigned usage;          /* pki_usage bits; 0: no key-usage extension */
    bool ca;                 /* basicConstraints CA:TRUE */
    long serial;
    const char *md;          /* "SHA256" by default */
    /* Additions for the trust-store attacks (all default off): */
    bool ca_false;           /* basicConstraints CA:FALSE (with `ca` unset) */
    const char *eku;         /* extendedKeyUsage OID, e.g. "2.23.136.1.1.3" */
    bool unknown_critical;   /* a critical extension with an unknown OID */
    const char *doc_types;   /* ICAO documentTypeList, comma-separated ("V,NV"); NULL: none */
} pki_cert_spec;

X509 *pki_cert(const pki_cert_spec *spec);

/* A CRL of `issuer` revoking `revoked` (may be NULL), next update in `next_days`. */
X509_CRL *pki_crl(X509 *issuer, EVP_PKEY *issuer_key, X509 *revoked, long next_days);

/* The same with thisUpdate `this_days` from now (negative: in the past). */
X509_CRL *pki_crl_at(X509 *issuer, EVP_PKEY *issuer_key, X509 *revoked, long this_days,
                     long next_days);

/* A CSCA master list (ICAO 9303-12 §9: CMS SignedData, eContentType 2.23.136.1.1.2)
 * of `certs`, signed by `signer`, with CMS signingTime now + signed_days. Returns the
 * DER (free with free()). */
uint8_t *pki_master_list(X509 *signer, EVP_PKEY *signer_key, X509 **certs, size_t n,
                         long signed_days, size_t *len);

/* DER of a certificate or CRL (free with OPENSSL_free). */
unsigned char *pki_der(X509 *cert, int *len);
unsigned char *pki_crl_der(X509_CRL *crl, int *len);

/* DER or PEM into a file (path written into out, under a fresh temporary folder). */
void pki_write_der(const char *path, X509 *cert);
void pki_write_pem(const char *path, X509 *cert);
void pki_write_crl_der(const char *path, X509_CRL *crl);
void pki_write_key_pem(const char *path, EVP_PKEY *key);

#endif
