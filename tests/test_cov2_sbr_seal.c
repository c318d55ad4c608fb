/*
 * Branches of seal/vdsnc.c: each structural rule of a VDS-NC (ICAO TR "VDS for
 * non-constrained environments", 2021: {"data":{"hdr":{"t","v","is"},"msg":{}},
 * "sig":{"alg","cer","sigvl"}}, version 1, ES256/384/512, no other members, no duplicate
 * names) broken alone, each refused with the status seal.h gives the rule.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "verify.h"

#define HDR "\"hdr\":{\"t\":\"icao.vacc\",\"v\":1,\"is\":\"UTO\"}"
#define SIG "\"sig\":{\"alg\":\"ES256\",\"cer\":\"AAAA\",\"sigvl\":\"AAAA\"}"

Test(cov2_sbr_seal, vdsnc_structure_one_rule_at_a_time)
{
    static const struct { const char *doc; vfy_status want; } c[] = {
        {"[1]", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}}," SIG ",\"x\":1}", VFY_E_SEAL_FORMAT},
        {"{" SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":[]," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{},\"y\":1}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR "}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{\"hdr\":[],\"msg\":{}}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{\"hdr\":{\"v\":1,\"is\":\"UTO\"},\"msg\":{}}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":1},\"msg\":{}}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":\"1\",\"is\":\"UTO\"},\"msg\":{}}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{\"hdr\":{\"t\":1,\"v\":1,\"is\":\"UTO\"},\"msg\":{}}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":2,\"is\":\"UTO\"},\"msg\":{}}," SIG "}", VFY_E_SEAL_VERSION},
        {"{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":1,\"is\":\"UT\"},\"msg\":{}}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{\"hdr\":{\"t\":\"icao.vacc\",\"v\":1,\"is\":\"UTOP\"},\"msg\":{}}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{\"a\":1}}}", VFY_E_SEAL_UNSIGNED},
        {"{\"data\":{" HDR ",\"msg\":{}},\"sig\":[]}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}},\"sig\":{\"alg\":\"ES256\",\"cer\":\"AAAA\",\"sigvl\":\"AAAA\",\"z\":0}}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}},\"sig\":{\"alg\":\"ES256\",\"cer\":\"AAAA\"}}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}},\"sig\":{\"alg\":\"ES256\",\"sigvl\":\"AAAA\"}}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}},\"sig\":{\"cer\":\"AAAA\",\"sigvl\":\"AAAA\"}}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}},\"sig\":{\"alg\":\"RS256\",\"cer\":\"AAAA\",\"sigvl\":\"AAAA\"}}", VFY_E_ALGORITHM},
        {"{\"data\":{" HDR ",\"msg\":{\"a\":[1,\"x\"]}}," SIG "}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}},\"sig\":{\"alg\":\"ES384\",\"cer\":\"AAAA\",\"sigvl\":\"AAAA\"}}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}},\"sig\":{\"alg\":\"ES512\",\"cer\":\"AAAA\",\"sigvl\":\"AAAA\"}}", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}}," SIG "", VFY_E_SEAL_FORMAT},
        {"{\"data\":{" HDR ",\"msg\":{}}," SIG ",\"data\":{}}", VFY_E_SEAL_FORMAT},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        vfy_seal_options o = { .trust = NULL };
        vfy_seal_result *r = NULL;
        vfy_detail d;
        vfy_detail_clear(&d);
        vfy_status s = vfy_seal_verify((const uint8_t *)c[i].doc, strlen(c[i].doc), &o, &r, &d);
        cr_expect_eq(s, c[i].want, "case %zu: got %s (%s) want %s", i, vfy_status_name(s), d.message,
                     vfy_status_name(c[i].want));
        vfy_seal_result_free(r);
    }
}
