/*
 * Barcode-signer certificates given beside the trust store (`vfy seal --signers`,
 * vfy_seal_signers_*): the PEM and file paths, their refusals, and what such a
 * certificate may and may not do to a verdict (issue 12 coverage). The seal is the BSI
 * TR-03137 Annex F worked example, signed by DETS32 (shared/vectors/vds, whose README
 * records the signature checked with the OpenSSL command line).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "verify.h"

#define SEAL "vectors/vds/vds/bsi_annexF_visa_mrvb.hex"
#define DETS32 "vectors/vds/certs/DETS32.pem"
#define DETS27 "vectors/vds/certs/DETS27.pem"

static uint8_t *seal_bytes(size_t *n)
{
    char p[1024];
    size_t len;
    uint8_t *text = read_file_or_fail(SHARED_PATH(SEAL, p), &len);
    char *hex = calloc(1, len + 1);
    cr_assert_not_null(hex);
    size_t k = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] != '\n' && text[i] != '\r')
            hex[k++] = (char)text[i];
    free(text);
    uint8_t *bin = hex_decode(hex, n);
    free(hex);
    cr_assert_not_null(bin);
    return bin;
}

static vfy_seal_signers *signers_from_pem_files(const char *a, const char *b)
{
    char pa[1024], pb[1024];
    size_t la, lb;
    uint8_t *ta = read_file_or_fail(SHARED_PATH(a, pa), &la);
    uint8_t *tb = b != NULL ? read_file_or_fail(SHARED_PATH(b, pb), &lb) : NULL;
    uint8_t *both = malloc(la + (tb != NULL ? lb : 0));
    cr_assert_not_null(both);
    memcpy(both, ta, la);
    if (tb != NULL)
        memcpy(both + la, tb, lb);
    vfy_seal_signers *s;
    cr_assert_eq(vfy_seal_signers_new(&s), VFY_OK);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_seal_signers_add_memory(s, both, la + (tb != NULL ? lb : 0), &d), VFY_OK, "%s",
                 d.message);
    free(ta);
    free(tb);
    free(both);
    return s;
}

/* Two PEM certificates in one text are both taken (the DER path is tested in
 * test_seal_pki.c). */
Test(cov_seal, pem_text_with_two_certificates)
{
    vfy_seal_signers *s = signers_from_pem_files(DETS32, DETS27);
    cr_assert_eq(vfy_seal_signers_count(s), 2);
    vfy_seal_signers_free(s);
}

/* A signer certificate alone finds the signer and checks the signature, but it is "not
 * trusted": without a trust store the verdict stays unverified, never valid. */
Test(cov_seal, a_signer_without_trust_is_never_valid)
{
    size_t n;
    uint8_t *seal = seal_bytes(&n);
    vfy_seal_signers *s = signers_from_pem_files(DETS32, NULL);
    vfy_seal_options o = { .signers = s, .now = 1638532800 /* 2021-12-03, the signing day */ };
    vfy_seal_result *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status st = vfy_seal_verify(seal, n, &o, &r, &d);
    cr_assert_not_null(r);
    cr_expect(r->signer.found, "DETS32 is the seal's signer (DE, TS, serial 0x32)");
    cr_expect(r->signature_ok, "the signature verifies under DETS32 (README: checked with OpenSSL)");
    cr_expect_eq(r->verdict, VFY_SEAL_UNVERIFIED, "%s", vfy_seal_verdict_name(r->verdict));
    cr_expect_neq(st, VFY_OK, "VFY_OK only for a valid seal");
    vfy_seal_result_free(r);
    vfy_seal_signers_free(s);
    free(seal);
}

/* Another certificate of the same signer id (DETS27: DE, TS, serial 0x27) is not the
 * seal's signer: the signer stays unknown, the signature is not checked against it. */
Test(cov_seal, another_serial_of_the_same_signer_is_not_the_signer)
{
    size_t n;
    uint8_t *seal = seal_bytes(&n);
    vfy_seal_signers *s = signers_from_pem_files(DETS27, NULL);
    vfy_seal_options o = { .signers = s };
    vfy_seal_result *r = NULL;
    vfy_status st = vfy_seal_verify(seal, n, &o, &r, NULL);
    cr_assert_not_null(r);
    cr_expect_not(r->signer.found);
    cr_expect_not(r->signature_ok);
    cr_expect_eq(st, VFY_E_SEAL_SIGNER_UNKNOWN, "%s", vfy_status_name(st));
    cr_expect_eq(r->verdict, VFY_SEAL_UNVERIFIED);
    vfy_seal_result_free(r);
    vfy_seal_signers_free(s);
    free(seal);
}

/* Refusals: text that holds no certificate, missing arguments, a missing file, a file
 * over the limit, and the file path that works. */
Test(cov_seal, signer_files_and_their_refusals)
{
    vfy_seal_signers *s;
    cr_assert_eq(vfy_seal_signers_new(NULL), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_seal_signers_new(&s), VFY_OK);
    vfy_detail d;
    static const char junk[] = "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n";
    cr_expect_eq(vfy_seal_signers_add_memory(s, (const uint8_t *)junk, sizeof junk - 1, &d), VFY_E_TRUST_STORE);
    cr_expect(strstr(d.message, "no X.509 certificate") != NULL, "%s", d.message);
    cr_expect_eq(vfy_seal_signers_add_memory(s, (const uint8_t *)"x", 0, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_seal_signers_add_memory(NULL, (const uint8_t *)"x", 1, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_seal_signers_add_path(s, NULL, &d), VFY_E_INVALID_ARGUMENT);
    cr_expect_eq(vfy_seal_signers_add_path(s, "/nonexistent/signer.pem", &d), VFY_E_IO);
    cr_expect_eq(vfy_seal_signers_count(s), 0);

    char dir[128], big[256], p[1024];
    tmpdir_make("seal-signers", dir, sizeof dir);
    snprintf(big, sizeof big, "%s/big.pem", dir);
    FILE *f = fopen(big, "wb");
    cr_assert_not_null(f);
    /* larger than any signer file the library reads: refused before parsing */
    static char block[65536];
    memset(block, 'A', sizeof block);
    for (int i = 0; i < 64; i++)
        cr_assert_eq(fwrite(block, 1, sizeof block, f), sizeof block);
    fclose(f);
    cr_expect_eq(vfy_seal_signers_add_path(s, big, &d), VFY_E_LIMIT, "%s", d.message);
    cr_expect_eq(vfy_seal_signers_add_path(s, SHARED_PATH(DETS32, p), &d), VFY_OK, "%s", d.message);
    cr_expect_eq(vfy_seal_signers_count(s), 1);
    cr_expect_eq(vfy_seal_signers_count(NULL), 0);
    vfy_seal_signers_free(s);
    vfy_seal_signers_free(NULL);
    tmpdir_remove(dir);
}
