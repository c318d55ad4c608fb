/*
 * Malformed seals through the public API, each refused with its own status and a
 * message: built from the BSI visa example (Annex F) and small IDB / VDS-NC texts.
 * Also every truncation of a real seal, which must be refused, never crash.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "verify/seal.h"

/* BSI TR-03137 Annex F, the German visa sticker (also vectors/vds/bsi_annexF_visa_mrvb.hex). */
static const char *annex_f =
    "dc036abc6d32c8a72cb10f7134b798155d01022cdd52134a74da1347c6fed95cb89f9fce133c133c133c133c203833734aaf47f0"
    "c32f1a1e20eb2625393afe310403a00000050633be1fed20c6ff38d5573247608c9b64cae022c1c5249660e51ae316d600f974aa"
    "c2129c3f093c35955314026304705cd24c1b8100711bd4411f068e8d93e8b7";

static vfy_status verify_bytes(const uint8_t *p, size_t n, vfy_seal_verdict *verdict, char *msg, size_t cap)
{
    vfy_seal_result *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_seal_verify(p, n, NULL, &r, &d);
    cr_assert_not_null(r);
    *verdict = r->verdict;
    if (msg != NULL)
        snprintf(msg, cap, "%s", d.message);
    if (s != VFY_OK && s != VFY_E_SEAL_SIGNER_UNKNOWN && s != VFY_E_SEAL_UNSIGNED && s != VFY_E_NO_TRUST_ANCHOR)
        cr_assert(d.message[0] != '\0', "%s has no message", vfy_status_name(s));
    vfy_seal_result_free(r);
    return s;
}

static vfy_status verify_text(const char *text, vfy_seal_verdict *verdict)
{
    return verify_bytes((const uint8_t *)text, strlen(text), verdict, NULL, 0);
}

/* Annex F with bytes [at, at+remove) replaced by `insert` (hex). */
static vfy_status edited(size_t at, size_t remove, const char *insert, vfy_seal_verdict *v, char *msg)
{
    size_t n, m;
    uint8_t *seal = hex_decode(annex_f, &n);
    uint8_t *ins = hex_decode(insert, &m);
    uint8_t *out = malloc(n + m);
    memcpy(out, seal, at);
    memcpy(out + at, ins, m);
    memcpy(out + at + m, seal + at + remove, n - at - remove);
    vfy_status s = verify_bytes(out, n - remove + m, v, msg, 256);
    free(seal);
    free(ins);
    free(out);
    return s;
}

Test(seal_negative, vds_header_and_zone)
{
    vfy_seal_verdict v;
    char msg[256];
    /* Unmodified, without trust: decoded, signer unknown. */
    cr_assert_eq(edited(0, 0, "", &v, msg), VFY_E_SEAL_SIGNER_UNKNOWN);
    cr_assert_eq(v, VFY_SEAL_UNVERIFIED);
    cr_assert_eq(edited(1, 1, "04", &v, msg), VFY_E_SEAL_VERSION);
    cr_assert(strstr(msg, "0x04") != NULL, "%s", msg);
    cr_assert_eq(v, VFY_SEAL_INVALID);
    cr_assert_eq(edited(1, 1, "01", &v, msg), VFY_E_SEAL_VERSION);
    /* Feature 0x04 (duration) with a non-minimal 0x81 length, and with three length bytes. */
    cr_assert_eq(edited(65, 1, "8103", &v, msg), VFY_E_BAD_LENGTH);
    cr_assert(strstr(msg, "minimal") != NULL, "%s", msg);
    cr_assert_eq(edited(65, 1, "83000003", &v, msg), VFY_E_BAD_LENGTH);
    cr_assert_eq(edited(65, 1, "80", &v, msg), VFY_E_INDEFINITE_LENGTH);
    cr_assert(strstr(msg, "0x80") != NULL, "%s", msg);
    /* The duration feature repeated. */
    cr_assert_eq(edited(69, 0, "0403a00000", &v, msg), VFY_E_SEAL_FORMAT);
    cr_assert(strstr(msg, "twice") != NULL, "%s", msg);
    /* A byte after the signature; the signature tag missing. */
    cr_assert_eq(edited(135, 0, "00", &v, msg), VFY_E_TRAILING_BYTES);
    cr_assert_eq(edited(77, 58, "", &v, msg), VFY_E_SEAL_FORMAT);
    cr_assert(strstr(msg, "signature zone") != NULL, "%s", msg);
    cr_assert_eq(v, VFY_SEAL_INVALID);
    /* An odd-length signature cannot be r||s. */
    cr_assert_eq(edited(78, 57, "0100", &v, msg), VFY_E_SEAL_FORMAT);
    /* Issue date 13/01/2020 and a reserved document type. */
    cr_assert_eq(edited(10, 3, "C68C34", &v, msg), VFY_E_BAD_VALUE);
    cr_assert(strstr(msg, "13012020") != NULL, "%s", msg);
    cr_assert_eq(edited(16, 1, "00", &v, msg), VFY_E_SEAL_FORMAT);
    /* Not a seal at all. */
    cr_assert_eq(verify_text("hello", &v), VFY_E_SEAL_FORMAT);
    cr_assert_eq(verify_bytes(NULL, 0, &v, msg, sizeof msg), VFY_E_SEAL_FORMAT);
}

Test(seal_negative, every_truncation_is_refused)
{
    size_t n;
    uint8_t *seal = hex_decode(annex_f, &n);
    for (size_t len = 0; len < n; len++) {
        vfy_seal_verdict v;
        vfy_status s = verify_bytes(seal, len, &v, NULL, 0);
        cr_assert(s != VFY_OK && s != VFY_E_SEAL_SIGNER_UNKNOWN, "prefix of %zu bytes: %s", len,
                  vfy_status_name(s));
        /* Even a cut between features (no signature zone) is malformed. */
        cr_assert_eq(v, VFY_SEAL_INVALID, "prefix of %zu bytes: %s", len, vfy_status_name(s));
    }
    free(seal);
}

Test(seal_negative, idb_structure)
{
    vfy_seal_verdict v;
    /* vectors/vds/idb/vdstools_idb_synthetic_unsigned.txt: flag A, country D<<, 0x61 { 05: 16 bytes }. */
    cr_assert_eq(verify_text("RDB1ANK6GCEQFCCYLDMVTWS23NN5YXG5LXPF5X27Q", &v), VFY_E_SEAL_UNSIGNED);
    cr_assert_eq(v, VFY_SEAL_UNVERIFIED);
    cr_assert_eq(verify_text("RDB1ANK6GCEQFCCYLDMVTWS23NN5YXG5LXPF5X27Q\r\n", &v), VFY_E_SEAL_UNSIGNED);
    cr_assert_eq(verify_text("RDB1ENK6GCEQFCCYLDMVTWS23NN5YXG5LXPF5X27Q", &v), VFY_E_SEAL_FORMAT); /* flag E */
    cr_assert_eq(verify_text("RDB1ANK6GCEQFCCYLDMVTWS23NN5YXG5LXPF5X27q", &v), VFY_E_BAD_ENCODING);
    cr_assert_eq(verify_text("RDB1ANK6GCEQFCCYLDMVTWS23NN5YXG5LXPF5X27Q=", &v), VFY_E_BAD_ENCODING);
    /* Flag B (signed) on the unsigned payload: no 12-byte header, no signature. */
    vfy_status fb = verify_text("RDB1BNK6GCEQFCCYLDMVTWS23NN5YXG5LXPF5X27Q", &v);
    cr_assert_eq(fb, VFY_E_ALGORITHM, "%s", vfy_status_name(fb));
    cr_assert_eq(v, VFY_SEAL_INVALID);
    /* Flag C on data that is not zlib. */
    cr_assert_eq(verify_text("RDB1CNK6GCEQFCCYLDMVTWS23NN5YXG5LXPF5X27Q", &v), VFY_E_INFLATE);
    /* 6A BC 61 00: an empty message group; then an unknown top-level tag, no group, a
     * signature on an unsigned barcode. */
    cr_assert_eq(verify_text("RDB1ANK6GCAA", &v), VFY_E_SEAL_UNSIGNED); /* 6A BC 61 00 */
    cr_assert_eq(verify_text("RDB1ANK6GCADCAA", &v), VFY_E_SEAL_FORMAT); /* + 62 00 */
    cr_assert_eq(verify_text("RDB1ANK6GEAA", &v), VFY_E_SEAL_FORMAT);     /* 6A BC 62 00: no group */
    cr_assert_eq(verify_text("RDB1ANK6GCAD7AA", &v), VFY_E_SEAL_FORMAT); /* + 7F 00 while unsigned */
}

Test(seal_negative, vdsnc_structure)
{
    vfy_seal_verdict v;
    cr_assert_eq(verify_text("{\"data\":{}", &v), VFY_E_SEAL_FORMAT);
    cr_assert_eq(verify_text("{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":1,\"is\":\"UTO\"},\"msg\":{}},"
                             "\"data\":{}}", &v), VFY_E_SEAL_FORMAT); /* duplicate name */
    cr_assert_eq(verify_text("{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":2,\"is\":\"UTO\"},\"msg\":{}}}", &v),
                 VFY_E_SEAL_VERSION);
    cr_assert_eq(verify_text("{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":1,\"is\":\"UTO\"},\"msg\":{}}}", &v),
                 VFY_E_SEAL_UNSIGNED);
    cr_assert_eq(v, VFY_SEAL_UNVERIFIED);
    cr_assert_eq(verify_text("{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":1,\"is\":\"UTO\"},\"msg\":{}},"
                             "\"sig\":{\"alg\":\"RS256\",\"cer\":\"AA\",\"sigvl\":\"AA\"}}", &v),
                 VFY_E_ALGORITHM);
    cr_assert_eq(verify_text("{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":1,\"is\":\"UTO\"},\"msg\":{}},"
                             "\"sig\":{\"alg\":\"ES256\",\"cer\":\"A+/A\",\"sigvl\":\"AA\"}}", &v),
                 VFY_E_BAD_ENCODING);
    cr_assert_eq(verify_text("{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":1,\"is\":\"UTO\"},\"msg\":{}},"
                             "\"sig\":{\"alg\":\"ES256\",\"cer\":\"AAAA\",\"sigvl\":\"AA\"}}", &v),
                 VFY_E_SEAL_FORMAT); /* not a certificate */
    cr_assert_eq(verify_text("{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":1,\"is\":\"UTO\"},\"msg\":{},\"x\":1}}",
                             &v), VFY_E_SEAL_FORMAT);
}
