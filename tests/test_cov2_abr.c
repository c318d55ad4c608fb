/*
 * Branch coverage of libverify/audit/ (issue 12): the checkpoint codec's compound checks,
 * one operand at a time. Checkpoints are written here byte by byte from the layout in
 * checkpoint.c / docs/audit.md ("VFYC" | version 1 | kind 1 | log id 16 | seq 8 |
 * record hash 32 | time 8 | made_at 8 | signer public key 32 | Ed25519 signature 64),
 * signed with libsodium's crypto_sign_detached from a fixed seed, so the expected
 * outcome of each damaged copy follows from the layout, not from the library.
 */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit_internal.h"
#include "verify.h"

static void put_be(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* A well-formed, correctly signed checkpoint over record seq made at record made_at. */
static void cp_build(uint8_t out[AUD_CP_BYTES], uint8_t version, uint8_t kind, uint64_t seq,
                     uint64_t made_at)
{
    cr_assert_eq(sodium_init() < 0, 0);
    uint8_t seed[32], pk[32], sk[64];
    memset(seed, 0x5a, sizeof seed);
    cr_assert_eq(crypto_sign_seed_keypair(pk, sk, seed), 0);
    memcpy(out, "VFYC", 4);
    out[4] = version;
    out[5] = kind;
    memset(out + 6, 0x11, 16);
    put_be(out + 22, seq);
    memset(out + 30, 0x22, 32);
    put_be(out + 62, 1735732800);
    put_be(out + 70, made_at);
    memcpy(out + 78, pk, 32);
    cr_assert_eq(crypto_sign_detached(out + 110, NULL, out, 110, sk), 0);
}

static vfy_status decode(const uint8_t *b, size_t n, aud_checkpoint *cp, vfy_detail *d)
{
    vfy_detail_clear(d);
    return aud_checkpoint_decode(b, n, cp, d);
}

Test(cov2_abr_cp, a_good_checkpoint_decodes_field_by_field)
{
    uint8_t b[AUD_CP_BYTES];
    cp_build(b, AUD_FORMAT_VERSION, AUD_CP_PRUNE, 7, 7); /* made_at == seq: allowed */
    aud_checkpoint cp;
    vfy_detail d;
    cr_assert_eq(decode(b, sizeof b, &cp, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(cp.kind, AUD_CP_PRUNE);
    cr_assert_eq(cp.seq, 7);
    cr_assert_eq(cp.made_at, 7);
    cr_assert_eq(cp.time, 1735732800);
    cr_assert_eq(memcmp(cp.public_key, b + 78, 32), 0);
    cr_assert_eq(memcmp(cp.signature, b + 110, 64), 0);
    cr_assert(aud_checkpoint_signature_ok(b, sizeof b));
}

Test(cov2_abr_cp, every_truncation_and_one_byte_more_are_refused)
{
    uint8_t b[AUD_CP_BYTES + 1];
    cp_build(b, AUD_FORMAT_VERSION, AUD_CP_REGULAR, 3, 5);
    b[AUD_CP_BYTES] = 0;
    aud_checkpoint cp;
    vfy_detail d;
    for (size_t n = 0; n < AUD_CP_BYTES; n++)
        cr_assert_eq(decode(b, n, &cp, &d), VFY_E_TRUNCATED, "length %zu", n);
    cr_assert_eq(decode(b, AUD_CP_BYTES + 1, &cp, &d), VFY_E_TRAILING_BYTES);
    cr_assert_not(aud_checkpoint_signature_ok(b, AUD_CP_BYTES - 1));
    cr_assert_not(aud_checkpoint_signature_ok(b, AUD_CP_BYTES + 1));
}

Test(cov2_abr_cp, each_header_field_wrong_alone_is_named)
{
    uint8_t b[AUD_CP_BYTES];
    aud_checkpoint cp;
    vfy_detail d;
    for (int i = 0; i < 4; i++) {
        cp_build(b, AUD_FORMAT_VERSION, AUD_CP_REGULAR, 3, 5);
        b[i] ^= 0x20;
        cr_assert_eq(decode(b, sizeof b, &cp, &d), VFY_E_AUDIT_CHECKPOINT);
        cr_assert_eq(d.offset, 0);
        cr_assert(strstr(d.message, "VFYC") != NULL, "%s", d.message);
    }
    const uint8_t versions[] = { 0, AUD_FORMAT_VERSION + 1, 255 };
    for (size_t i = 0; i < sizeof versions; i++) {
        cp_build(b, versions[i], AUD_CP_REGULAR, 3, 5);
        cr_assert_eq(decode(b, sizeof b, &cp, &d), VFY_E_AUDIT_CHECKPOINT);
        cr_assert_eq(d.offset, 4);
    }
    cp_build(b, AUD_FORMAT_VERSION, AUD_CP_PRUNE + 1, 3, 5);
    cr_assert_eq(decode(b, sizeof b, &cp, &d), VFY_E_AUDIT_CHECKPOINT);
    cr_assert_eq(d.offset, 5);
    cr_assert(strstr(d.message, "kind 2") != NULL, "%s", d.message);
    /* seq 0, then made_at one below seq; made_at == seq is accepted above */
    cp_build(b, AUD_FORMAT_VERSION, AUD_CP_REGULAR, 0, 5);
    cr_assert_eq(decode(b, sizeof b, &cp, &d), VFY_E_AUDIT_CHECKPOINT);
    cr_assert(strstr(d.message, "record 0 made at record 5") != NULL, "%s", d.message);
    cp_build(b, AUD_FORMAT_VERSION, AUD_CP_REGULAR, 6, 5);
    cr_assert_eq(decode(b, sizeof b, &cp, &d), VFY_E_AUDIT_CHECKPOINT);
    cr_assert(strstr(d.message, "record 6 made at record 5") != NULL, "%s", d.message);
    /* a flipped signed byte and a flipped signature byte */
    cp_build(b, AUD_FORMAT_VERSION, AUD_CP_REGULAR, 3, 5);
    b[40] ^= 1;
    cr_assert_not(aud_checkpoint_signature_ok(b, sizeof b));
    b[40] ^= 1;
    b[150] ^= 1;
    cr_assert_not(aud_checkpoint_signature_ok(b, sizeof b));
}

Test(cov2_abr_cp, the_text_form_round_trips_and_each_damage_is_refused)
{
    uint8_t b[AUD_CP_BYTES], back[AUD_CP_BYTES];
    cp_build(b, AUD_FORMAT_VERSION, AUD_CP_REGULAR, 3, 5);
    char *t = aud_checkpoint_text(b);
    cr_assert_not_null(t);
    size_t plen = strlen(AUD_CP_TEXT_PREFIX);
    cr_assert_eq(strlen(t), plen + 2 * AUD_CP_BYTES + 1);
    cr_assert_eq(strncmp(t, AUD_CP_TEXT_PREFIX, plen), 0);
    char hex[2 * AUD_CP_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, b, sizeof b);
    cr_assert_eq(memcmp(t + plen, hex, 2 * AUD_CP_BYTES), 0);
    cr_assert_eq(t[plen + 2 * AUD_CP_BYTES], '\n');
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(aud_checkpoint_parse_text(t, back, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(memcmp(back, b, sizeof b), 0);

    char buf[512];
    /* CRLF and no line end at all */
    snprintf(buf, sizeof buf, "%s%s\r\n", AUD_CP_TEXT_PREFIX, hex);
    cr_assert_eq(aud_checkpoint_parse_text(buf, back, &d), VFY_OK);
    snprintf(buf, sizeof buf, "%s%s", AUD_CP_TEXT_PREFIX, hex);
    cr_assert_eq(aud_checkpoint_parse_text(buf, back, &d), VFY_OK);
    cr_assert_eq(memcmp(back, b, sizeof b), 0);
    /* NULL, wrong prefix, one digit short, one digit more, a non-hex digit, nothing */
    cr_assert_eq(aud_checkpoint_parse_text(NULL, back, &d), VFY_E_AUDIT_CHECKPOINT);
    snprintf(buf, sizeof buf, "libverify-audit-checkpoint/2 %s", hex);
    cr_assert_eq(aud_checkpoint_parse_text(buf, back, &d), VFY_E_AUDIT_CHECKPOINT);
    cr_assert(strstr(d.message, "does not start with") != NULL, "%s", d.message);
    snprintf(buf, sizeof buf, "%s%.*s\n", AUD_CP_TEXT_PREFIX, 2 * AUD_CP_BYTES - 1, hex);
    cr_assert_eq(aud_checkpoint_parse_text(buf, back, &d), VFY_E_AUDIT_CHECKPOINT);
    snprintf(buf, sizeof buf, "%s%s0\n", AUD_CP_TEXT_PREFIX, hex);
    cr_assert_eq(aud_checkpoint_parse_text(buf, back, &d), VFY_E_AUDIT_CHECKPOINT);
    snprintf(buf, sizeof buf, "%s%s\n", AUD_CP_TEXT_PREFIX, hex);
    buf[plen + 100] = 'g';
    cr_assert_eq(aud_checkpoint_parse_text(buf, back, &d), VFY_E_AUDIT_CHECKPOINT);
    cr_assert(strstr(d.message, "hexadecimal") != NULL, "%s", d.message);
    cr_assert_eq(aud_checkpoint_parse_text(AUD_CP_TEXT_PREFIX, back, &d),
                 VFY_E_AUDIT_CHECKPOINT);
    free(t);
}

/* ---- records: every truncation, the record number's bound -------------------------- */

/* Record layout of docs/audit.md ("Record encoding"): "VFYA" | version | kind |
 * seq u64 | time i64 | time source | prev 32, then tag u8 | length u16 | value. */
struct rec {
    uint8_t b[AUD_RECORD_MAX + 64];
    size_t n;
    size_t ends[16]; /* offsets where a whole field (or the header) ends */
    size_t n_ends;
};

static void rec_bytes(struct rec *r, const void *p, size_t n)
{
    cr_assert_leq(r->n + n, sizeof r->b);
    memcpy(r->b + r->n, p, n);
    r->n += n;
}

static void rec_be(struct rec *r, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t b = (uint8_t)(v >> (8 * (n - 1 - i)));
        rec_bytes(r, &b, 1);
    }
}

static void rec_head(struct rec *r, uint8_t kind, uint64_t seq)
{
    r->n = 0;
    r->n_ends = 0;
    rec_bytes(r, "VFYA", 4);
    rec_be(r, AUD_FORMAT_VERSION, 1);
    rec_be(r, kind, 1);
    rec_be(r, seq, 8);
    rec_be(r, 1735732800, 8);
    rec_be(r, VFY_TIME_CALLER, 1);
    uint8_t prev[32];
    memset(prev, 0x33, sizeof prev);
    rec_bytes(r, prev, 32);
    r->ends[r->n_ends++] = r->n;
}

static void rec_field(struct rec *r, uint8_t tag, const void *v, size_t n)
{
    rec_be(r, tag, 1);
    rec_be(r, n, 2);
    rec_bytes(r, v, n);
    if (r->n_ends < 16)
        r->ends[r->n_ends++] = r->n;
}

Test(cov2_abr_record, every_truncation_is_refused_except_at_a_field_boundary)
{
    struct rec r;
    rec_head(&r, AUD_KIND_INSPECTION, 9);
    cr_assert_eq(r.n, 55);
    rec_field(&r, AUD_T_KIOSK, "kiosk-7", 7);
    uint8_t live = 0;
    rec_field(&r, AUD_T_LIVE, &live, 1);
    const uint8_t check[] = { VFY_OUTCOME_OK, 0x01, 0x02, 'm', 'r', 'z' };
    rec_field(&r, AUD_T_CHECK, check, sizeof check);
    const uint8_t set[] = { 2, 'i', 'd', 'a', 'b' };
    rec_field(&r, AUD_T_RULESET, set, sizeof set);
    const uint8_t dim[] = { 3, 'f', 'e', 'e', 8, 'r', 'e', 'q', 'u', 'i', 'r', 'e', 'd', '1' };
    rec_field(&r, AUD_T_DIMENSION, dim, sizeof dim);
    uint8_t h[32];
    memset(h, 0x44, sizeof h);
    rec_field(&r, AUD_T_DOC_HASH, h, sizeof h);
    rec_field(&r, AUD_T_EVENT, "inspection", 10);

    aud_record rec;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(aud_record_decode(r.b, r.n, &rec, &d), VFY_OK, "%s", d.message);
    cr_expect_eq(rec.seq, 9);
    cr_expect_str_eq(rec.kiosk, "kiosk-7");
    cr_expect_eq(rec.n_checks, 1);
    cr_expect_eq(rec.checks[0].code, 0x0102);
    cr_expect_str_eq(rec.checks[0].id, "mrz");
    cr_expect_str_eq(rec.sets[0].id, "id");
    cr_expect_str_eq(rec.sets[0].digest, "ab");
    cr_expect_str_eq(rec.dims[0].value, "1");
    cr_expect_str_eq(rec.event, "inspection");

    size_t e = 0;
    for (size_t n = 0; n < r.n; n++) {
        bool boundary = e < r.n_ends && r.ends[e] == n;
        vfy_detail_clear(&d);
        vfy_status s = aud_record_decode(r.b, n, &rec, &d);
        if (boundary) {
            /* a shorter record made of whole fields: still a valid inspection record */
            cr_expect_eq(s, VFY_OK, "length %zu: %s", n, d.message);
            e++;
        } else {
            cr_expect_eq(s, VFY_E_TRUNCATED, "length %zu: %s (%s)", n, vfy_status_name(s),
                         d.message);
        }
    }
}

Test(cov2_abr_record, the_record_number_is_1_to_int64_max)
{
    struct rec r;
    aud_record rec;
    vfy_detail d;
    const uint64_t ok[] = { 1, (uint64_t)INT64_MAX };
    for (size_t i = 0; i < 2; i++) {
        rec_head(&r, AUD_KIND_INSPECTION, ok[i]);
        vfy_detail_clear(&d);
        cr_expect_eq(aud_record_decode(r.b, r.n, &rec, &d), VFY_OK, "%s", d.message);
        cr_expect_eq(rec.seq, ok[i]);
    }
    const uint64_t bad[] = { 0, (uint64_t)INT64_MAX + 1, UINT64_MAX };
    for (size_t i = 0; i < 3; i++) {
        rec_head(&r, AUD_KIND_INSPECTION, bad[i]);
        vfy_detail_clear(&d);
        cr_expect_eq(aud_record_decode(r.b, r.n, &rec, &d), VFY_E_BAD_VALUE);
        cr_expect(strstr(d.message, "record number") != NULL, "%s", d.message);
    }
}

/* Names (dimension, modality): a length byte, then 1..AUD_NAME_MAX of a-z and '_';
 * texts: 1..AUD_TEXT_MAX bytes of 0x20..0x7e (record.c's get_name/get_text, docs/audit.md). */
static vfy_status decode_with_dim(const uint8_t *dim, size_t n, vfy_detail *d)
{
    struct rec r;
    rec_head(&r, AUD_KIND_INSPECTION, 3);
    rec_field(&r, AUD_T_DIMENSION, dim, n);
    aud_record rec;
    vfy_detail_clear(d);
    return aud_record_decode(r.b, r.n, &rec, d);
}

Test(cov2_abr_record, each_bound_of_a_name_and_a_text_alone)
{
    vfy_detail d;
    uint8_t dim[300];
    /* name length 0, AUD_NAME_MAX + 1 */
    const size_t lens[] = { 0, AUD_NAME_MAX + 1 };
    for (size_t i = 0; i < 2; i++) {
        size_t n = 0;
        dim[n++] = (uint8_t)lens[i];
        memset(dim + n, 'a', lens[i]);
        n += lens[i];
        dim[n++] = 1;
        dim[n++] = 'x';
        dim[n++] = '1';
        cr_expect_eq(decode_with_dim(dim, n, &d), VFY_E_BAD_LENGTH, "name length %zu: %s",
                     lens[i], d.message);
    }
    /* AUD_NAME_MAX itself is accepted */
    size_t n = 0;
    dim[n++] = AUD_NAME_MAX;
    memset(dim + n, 'z', AUD_NAME_MAX);
    n += AUD_NAME_MAX;
    dim[n++] = 1;
    dim[n++] = '_';
    dim[n++] = '1';
    cr_expect_eq(decode_with_dim(dim, n, &d), VFY_OK, "%s", d.message);
    /* a name byte just outside a-z on either side, and an upper-case letter */
    const uint8_t bad[] = { 'a' - 1, 'z' + 1, 'A' };
    for (size_t i = 0; i < sizeof bad; i++) {
        const uint8_t b[] = { 3, 'f', bad[i], 'e', 1, 'x', '1' };
        cr_expect_eq(decode_with_dim(b, sizeof b, &d), VFY_E_BAD_ENCODING, "byte 0x%02x", bad[i]);
        cr_expect(strstr(d.message, "a name holds byte") != NULL, "%s", d.message);
    }
    /* a dimension's value: a text of AUD_TEXT_MAX + 1 bytes, and bytes 0x1f and 0x7f */
    n = 0;
    dim[n++] = 1;
    dim[n++] = 'f';
    dim[n++] = 1;
    dim[n++] = 'x';
    memset(dim + n, '7', AUD_TEXT_MAX + 1);
    cr_expect_eq(decode_with_dim(dim, n + AUD_TEXT_MAX + 1, &d), VFY_E_BAD_LENGTH, "%s", d.message);
    cr_expect_eq(decode_with_dim(dim, n + AUD_TEXT_MAX, &d), VFY_OK, "%s", d.message);
    dim[n] = 0x1f;
    cr_expect_eq(decode_with_dim(dim, n + 1, &d), VFY_E_BAD_ENCODING, "%s", d.message);
    dim[n] = 0x7f;
    cr_expect_eq(decode_with_dim(dim, n + 1, &d), VFY_E_BAD_ENCODING, "%s", d.message);
    dim[n] = 0x7e;
    cr_expect_eq(decode_with_dim(dim, n + 1, &d), VFY_OK, "%s", d.message);
}

/* Repeatable fields: at most AUD_MAX_CHECKS checks, AUD_MAX_SETS rule sets and
 * AUD_MAX_DIMS dimensions; the bound is accepted, one more is VFY_E_LIMIT. */
Test(cov2_abr_record, each_repeatable_field_at_its_bound_and_one_past_it)
{
    static const struct {
        uint8_t tag;
        size_t max;
        const char *words;
        uint8_t v[8];
        size_t n;
    } kinds[] = {
        { AUD_T_CHECK, AUD_MAX_CHECKS, "checks", { VFY_OUTCOME_FAILED, 0, 7, 'c' }, 4 },
        { AUD_T_RULESET, AUD_MAX_SETS, "rule sets", { 1, 'i', 'd' }, 3 },
        { AUD_T_DIMENSION, AUD_MAX_DIMS, "dimensions", { 1, 'f', 1, 'm', 'v' }, 5 },
    };
    for (size_t k = 0; k < 3; k++) {
        struct rec r;
        aud_record rec;
        vfy_detail d;
        rec_head(&r, AUD_KIND_INSPECTION, 3);
        for (size_t i = 0; i < kinds[k].max; i++)
            rec_field(&r, kinds[k].tag, kinds[k].v, kinds[k].n);
        cr_assert_leq(r.n + 3 + kinds[k].n, AUD_RECORD_MAX);
        vfy_detail_clear(&d);
        cr_expect_eq(aud_record_decode(r.b, r.n, &rec, &d), VFY_OK, "%s: %s", kinds[k].words,
                     d.message);
        rec_field(&r, kinds[k].tag, kinds[k].v, kinds[k].n);
        vfy_detail_clear(&d);
        cr_expect_eq(aud_record_decode(r.b, r.n, &rec, &d), VFY_E_LIMIT, "%s: %s",
                     kinds[k].words, d.message);
        cr_expect(strstr(d.message, kinds[k].words) != NULL, "%s", d.message);
    }
}

/* The first record ("open") must carry its signature, the log id AND the first public
 * key (docs/audit.md); each of the two missing alone is refused, both present decode. */
Test(cov2_abr_record, an_open_record_missing_its_log_id_or_its_key_alone)
{
    uint8_t id[AUD_LOG_ID_BYTES], pk[32], sig[AUD_SIG_BYTES];
    memset(id, 1, sizeof id);
    memset(pk, 2, sizeof pk);
    memset(sig, 3, sizeof sig);
    for (int which = 0; which < 3; which++) {
        struct rec r;
        aud_record rec;
        vfy_detail d;
        rec_head(&r, AUD_KIND_OPEN, 1);
        if (which != 0)
            rec_field(&r, AUD_T_LOG_ID, id, sizeof id);
        if (which != 1)
            rec_field(&r, AUD_T_PUBLIC_KEY, pk, sizeof pk);
        rec_field(&r, AUD_T_SIGNATURE, sig, sizeof sig);
        vfy_detail_clear(&d);
        vfy_status s = aud_record_decode(r.b, r.n, &rec, &d);
        if (which == 2) {
            cr_expect_eq(s, VFY_OK, "%s", d.message);
            cr_expect_eq(memcmp(rec.log_id, id, sizeof id), 0);
        } else {
            cr_expect_eq(s, VFY_E_BAD_VALUE, "case %d: %s", which, d.message);
            cr_expect(strstr(d.message, "the log id and the first public key") != NULL, "%s",
                      d.message);
        }
    }
}

/* A field shorter than what it declares inside: live of 2 bytes (1 belongs), a dimension
 * without even its name's length byte, and a name whose length runs past the field. */
Test(cov2_abr_record, fields_whose_inside_does_not_fit_their_length)
{
    vfy_detail d;
    struct rec r;
    aud_record rec;
    const uint8_t live2[] = { 1, 0 };
    rec_head(&r, AUD_KIND_INSPECTION, 3);
    rec_field(&r, AUD_T_LIVE, live2, sizeof live2);
    vfy_detail_clear(&d);
    cr_expect_eq(aud_record_decode(r.b, r.n, &rec, &d), VFY_E_BAD_LENGTH, "%s", d.message);
    cr_expect(strstr(d.message, "2 bytes where 1 belong") != NULL, "%s", d.message);
    const uint8_t short_name[] = { 5, 'f', 'e' };
    cr_expect_eq(decode_with_dim(short_name, 0, &d), VFY_E_TRUNCATED, "%s", d.message);
    cr_expect_eq(decode_with_dim(short_name, sizeof short_name, &d), VFY_E_TRUNCATED, "%s",
                 d.message);
}
