/*
 * Coverage of issue 12 for chip/file_read.c: reading an EF from a scripted chip (plain
 * APDUs, ISO/IEC 7816-4 SELECT A4 020C and READ BINARY B0 / B1 with DO'54'/DO'53', ICAO
 * 9303-10 §3.6) that refuses short EF identifiers, answers 6700 to every large Le,
 * shortens answers silently, ends early with 6282, answers 6B00 or a malformed DO'53', or
 * holds bytes after the file's TLV element. The truth is the file the chip holds: each
 * successful read returns exactly its TLV element; each failure has its exact status.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "chip/apdu.h"
#include "chip/channel.h"
#include "chip/file_read.h"
#include "faults.h"
#include "verify.h"

typedef struct fchip {
    vfy_transport t;
    uint8_t *file;          /* what the chip holds */
    size_t file_len;
    size_t answer_max;      /* > 0: at most this many data bytes an answer ... */
    size_t answer_max_from; /* ... for reads at or after this offset */
    size_t refuse_above;    /* > 0: 6700 to any Le above it */
    uint16_t sfi_sw;        /* != 0: the answer to a READ BINARY by SFI */
    uint16_t select_sw;     /* the answer to SELECT (0: 9000) */
    uint16_t err_sw;        /* != 0: the answer to reads at or after err_from */
    size_t err_from;
    int b1_mode;            /* 0 DO'53', 1 another tag, 3 DO'53' cut short */
    unsigned selects, reads, b1_reads;
} fchip;

static void answer(uint8_t *resp, size_t *len, const uint8_t *data, size_t n, uint16_t sw)
{
    if (n > 0)
        memcpy(resp, data, n);
    resp[n] = (uint8_t)(sw >> 8);
    resp[n + 1] = (uint8_t)sw;
    *len = n + 2;
}

static vfy_status fchip_transmit(vfy_transport *t, const uint8_t *cmd, size_t cmd_len,
                                 uint8_t *resp, size_t cap, size_t *resp_len, vfy_detail *detail)
{
    fchip *c = (fchip *)t;
    vfy_apdu a;
    cr_assert_eq(vfy_apdu_decode(cmd, cmd_len, &a, detail), VFY_OK);
    if (a.ins == 0xA4) {
        c->selects++;
        cr_assert_eq(a.p1, 0x02);
        cr_assert_eq(a.data_len, 2);
        answer(resp, resp_len, NULL, 0, c->select_sw ? c->select_sw : 0x9000);
        return VFY_OK;
    }
    cr_assert(a.ins == 0xB0 || a.ins == 0xB1, "instruction %02X", a.ins);
    c->reads++;
    size_t off;
    bool sfi = false;
    if (a.ins == 0xB0) {
        sfi = (a.p1 & 0x80) != 0;
        off = sfi ? a.p2 : (size_t)((a.p1 << 8) | a.p2);
    } else {
        c->b1_reads++;
        cr_assert_eq(a.data[0], 0x54);
        off = 0;
        for (size_t i = 0; i < a.data[1]; i++)
            off = (off << 8) | a.data[2 + i];
    }
    if (sfi && c->sfi_sw) {
        answer(resp, resp_len, NULL, 0, c->sfi_sw);
        return VFY_OK;
    }
    if (c->refuse_above && a.le > c->refuse_above) {
        answer(resp, resp_len, NULL, 0, 0x6700);
        return VFY_OK;
    }
    if (c->err_sw && off >= c->err_from) {
        answer(resp, resp_len, NULL, 0, c->err_sw);
        return VFY_OK;
    }
    size_t want = a.le;
    if (a.ins == 0xB1)
        want -= want < 0x82 ? 2 : want < 0x103 ? 3 : 4; /* room for the DO'53' header */
    size_t avail = off < c->file_len ? c->file_len - off : 0;
    size_t n = want < avail ? want : avail;
    if (c->answer_max && off >= c->answer_max_from && n > c->answer_max)
        n = c->answer_max;
    uint16_t sw = n < want && n == avail ? 0x6282 : 0x9000;
    if (a.ins == 0xB0) {
        cr_assert_leq(n + 2, cap);
        answer(resp, resp_len, c->file + off, n, sw);
        return VFY_OK;
    }
    uint8_t r[1100]; /* not malloc: the test's own allocations must not be failed */
    cr_assert_leq(n + 8, sizeof r);
    size_t k = 0;
    r[k++] = c->b1_mode == 1 ? 0x54 : 0x53;
    size_t dl = c->b1_mode == 3 ? n + 5 : n;
    if (dl < 0x80) {
        r[k++] = (uint8_t)dl;
    } else if (dl < 0x100) {
        r[k++] = 0x81;
        r[k++] = (uint8_t)dl;
    } else {
        r[k++] = 0x82;
        r[k++] = (uint8_t)(dl >> 8);
        r[k++] = (uint8_t)dl;
    }
    memcpy(r + k, c->file + off, n);
    k += n;
    cr_assert_leq(k + 2, cap);
    answer(resp, resp_len, r, k, sw);
    return VFY_OK;
}

static void fchip_close(vfy_transport *t) { (void)t; }
static const struct vfy_transport_ops fchip_ops = { .name = "cov2", .transmit = fchip_transmit,
                                                    .close = fchip_close };

/* A file of `content` bytes inside 0x6C 82 LL LL (tag of DG12: any LDS tag will do),
 * then `extra` bytes after the element. */
static void fchip_init(fchip *c, size_t content, size_t extra, bool ext, size_t max_resp)
{
    memset(c, 0, sizeof *c);
    c->t.ops = &fchip_ops;
    c->t.caps.max_command = 300;
    c->t.caps.max_response = max_resp;
    c->t.caps.extended_length = ext;
    c->file_len = 4 + content + extra;
    c->file = malloc(c->file_len);
    cr_assert_not_null(c->file);
    c->file[0] = 0x6C;
    c->file[1] = 0x82;
    c->file[2] = (uint8_t)(content >> 8);
    c->file[3] = (uint8_t)content;
    for (size_t i = 4; i < c->file_len; i++)
        c->file[i] = (uint8_t)(i * 7 + (i >> 8));
}

typedef struct run {
    vfy_status status;
    vfy_detail detail;
    uint8_t *data;
    size_t len;
    unsigned fallbacks;
    size_t chip_limit;
} run;

static bool cancel_first(void *ctx, const char *file, size_t done, size_t total)
{
    (void)file;
    (void)done;
    (void)total;
    ++*(unsigned *)ctx;
    return false;
}

static bool in_fault_window;

static run read_file(fchip *c, uint8_t sfi, vfy_read_progress_fn progress, void *pctx)
{
    run o = { 0 };
    vfy_channel ch;
    cr_assert_eq(vfy_channel_init(&ch, &c->t, NULL), VFY_OK);
    vfy_file_reader r;
    vfy_file_reader_init(&r, &ch);
    r.progress = progress;
    r.progress_ctx = pctx;
    vfy_detail_clear(&o.detail);
    if (in_fault_window)
        fault_enter();
    o.status = vfy_file_read(&r, 0x010C, sfi, "DG12", &o.data, &o.len, &o.detail);
    if (in_fault_window)
        fault_leave();
    o.fallbacks = r.fallbacks;
    o.chip_limit = r.chip_limit;
    vfy_channel_free(&ch);
    if (o.status != VFY_OK) {
        cr_assert_null(o.data);
        cr_assert_eq(o.len, 0);
    }
    return o;
}

/* The read returned exactly the TLV element the chip holds. */
static void assert_file(const fchip *c, run *o, size_t element_len)
{
    cr_assert_eq(o->status, VFY_OK, "%s: %s", vfy_status_name(o->status), o->detail.message);
    cr_assert_eq(o->len, element_len);
    cr_assert_eq(memcmp(o->data, c->file, element_len), 0);
    free(o->data);
}

Test(cov2_chip_read, select_by_fid_when_no_sfi)
{
    fchip c;
    fchip_init(&c, 300, 0, false, 258);
    run o = read_file(&c, 0, NULL, NULL);
    assert_file(&c, &o, 304);
    cr_assert_eq(c.selects, 1);
    /* SELECT answered 6A82: the file is not there. */
    c.select_sw = 0x6A82;
    o = read_file(&c, 0, NULL, NULL);
    cr_assert_eq(o.status, VFY_E_FILE_NOT_FOUND);
    free(c.file);
}

Test(cov2_chip_read, sfi_refused_falls_back_to_select)
{
    static const uint16_t sws[] = { 0x6A86, 0x6A81, 0x6D00, 0x6986, 0x6E00 };
    for (size_t i = 0; i < sizeof sws / sizeof sws[0]; i++) {
        fchip c;
        fchip_init(&c, 100, 0, false, 258);
        c.sfi_sw = sws[i];
        run o = read_file(&c, 0x0C, NULL, NULL);
        assert_file(&c, &o, 104);
        cr_assert_eq(c.selects, 1, "%04X", sws[i]);
        free(c.file);
    }
}

Test(cov2_chip_read, bytes_after_the_element_are_not_returned)
{
    fchip c;
    fchip_init(&c, 20, 30, false, 258); /* the first answer holds 54 bytes */
    run o = read_file(&c, 0x0C, NULL, NULL);
    assert_file(&c, &o, 24);
    free(c.file);
}

Test(cov2_chip_read, every_le_refused_down_to_the_header)
{
    fchip c;
    /* 6700 to any Le above 10: the 8-byte header read passes, then every block size
     * (256, 128, 64, 32, 16) is refused. */
    fchip_init(&c, 300, 0, false, 258);
    c.refuse_above = 10;
    run o = read_file(&c, 0x0C, NULL, NULL);
    cr_assert_eq(o.status, VFY_E_CHIP_PROTOCOL, "%s", vfy_status_name(o.status));
    cr_assert(strstr(o.detail.message, "refuses every block size") != NULL, "%s", o.detail.message);
    /* Above 4: even the header read is refused. */
    c.refuse_above = 4;
    o = read_file(&c, 0x0C, NULL, NULL);
    cr_assert_eq(o.status, VFY_E_CHIP_PROTOCOL);
    cr_assert(strstr(o.detail.message, "8-byte read") != NULL, "%s", o.detail.message);
    /* Above 16: the reader ends on 16-byte blocks and reads the whole file. */
    c.refuse_above = 16;
    o = read_file(&c, 0x0C, NULL, NULL);
    assert_file(&c, &o, 304);
    free(c.file);
}

Test(cov2_chip_read, early_end_with_6282_is_truncated)
{
    fchip c;
    /* The header says 304 bytes, the chip holds 100: the first answer ends with 6282. */
    fchip_init(&c, 300, 0, false, 258);
    c.file_len = 100;
    run o = read_file(&c, 0x0C, NULL, NULL);
    cr_assert_eq(o.status, VFY_E_TRUNCATED);
    cr_assert(strstr(o.detail.message, "ends after 100 bytes, its TLV header says 304") != NULL,
              "%s", o.detail.message);
    /* The header says 1004, the chip holds 400: the second block ends with 6282. */
    free(c.file);
    fchip_init(&c, 1000, 0, false, 258);
    c.file_len = 400;
    o = read_file(&c, 0x0C, NULL, NULL);
    cr_assert_eq(o.status, VFY_E_TRUNCATED);
    cr_assert(strstr(o.detail.message, "ends after 400 bytes, its TLV header says 1004") != NULL,
              "%s", o.detail.message);
    free(c.file);
}

Test(cov2_chip_read, silently_shortened_answers_set_the_block)
{
    fchip c;
    /* Every answer at most 100 bytes, with 9000: the first read learns it. */
    fchip_init(&c, 1000, 0, false, 258);
    c.answer_max = 100;
    run o = read_file(&c, 0x0C, NULL, NULL);
    cr_assert_eq(o.chip_limit, 100);
    cr_assert_eq(o.fallbacks, 1);
    assert_file(&c, &o, 1004);
    /* Only answers after the first are shortened: the loop learns it. */
    c.answer_max_from = 1;
    c.reads = 0;
    o = read_file(&c, 0x0C, NULL, NULL);
    cr_assert_eq(o.chip_limit, 100);
    cr_assert_eq(o.fallbacks, 1);
    cr_assert_eq(c.reads, 1 + 8); /* 256, then 748 bytes in 100s */
    assert_file(&c, &o, 1004);
    free(c.file);
}

Test(cov2_chip_read, error_words_inside_the_file)
{
    fchip c;
    fchip_init(&c, 1000, 0, false, 258);
    c.err_from = 256;
    static const struct { uint16_t sw; vfy_status want; } cases[] = {
        { 0x6B00, VFY_E_TRUNCATED },   /* offset outside the EF: shorter than its header */
        { 0x6982, VFY_E_ACCESS_DENIED },
        { 0x6988, VFY_E_SM_MAC },
        { 0x6581, VFY_E_STATUS_WORD },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        c.err_sw = cases[i].sw;
        run o = read_file(&c, 0x0C, NULL, NULL);
        cr_assert_eq(o.status, cases[i].want, "%04X: %s", cases[i].sw, vfy_status_name(o.status));
    }
    free(c.file);
}

Test(cov2_chip_read, cancelled_at_the_first_block)
{
    fchip c;
    fchip_init(&c, 1000, 0, false, 258);
    unsigned calls = 0;
    run o = read_file(&c, 0x0C, cancel_first, &calls);
    cr_assert_eq(o.status, VFY_E_CANCELLED);
    cr_assert_eq(calls, 1);
    cr_assert_eq(c.reads, 1);
    free(c.file);
}

/* ---- offsets beyond 7FFF: READ BINARY B1 ---- */

Test(cov2_chip_read, odd_read_binary_answers)
{
    fchip c;
    fchip_init(&c, 34000, 0, true, 1002);
    run o = read_file(&c, 0x0C, NULL, NULL);
    cr_assert_gt(c.b1_reads, 0);
    assert_file(&c, &o, 34004);
    static const struct { int mode; const char *text; } bad[] = {
        { 1, "not one DO'53'" },
        { 3, "not a well-formed DO'53'" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        c.b1_mode = bad[i].mode;
        o = read_file(&c, 0x0C, NULL, NULL);
        cr_assert_eq(o.status, VFY_E_CHIP_PROTOCOL, "mode %d: %s", bad[i].mode,
                     vfy_status_name(o.status));
        cr_assert(strstr(o.detail.message, bad[i].text) != NULL, "%s", o.detail.message);
    }
    free(c.file);
}

Test(cov2_chip_read, out_of_memory_anywhere_in_a_long_read)
{
    fchip c;
    fchip_init(&c, 34000, 0, true, 1002);
    /* Count the reader's allocations, then fail each in turn: every failure is
     * VFY_E_NO_MEMORY, and one of them is the B1 block buffer. */
    in_fault_window = true; /* only vfy_file_read's own allocations count */
    fault_arm(0);
    run o = read_file(&c, 0x0C, NULL, NULL);
    bool fired;
    unsigned long total = fault_disarm(&fired);
    assert_file(&c, &o, 34004);
    cr_assert_gt(total, 0);
    bool block = false;
    for (unsigned long nth = 1; nth <= total; nth++) {
        fault_arm(nth);
        o = read_file(&c, 0x0C, NULL, NULL);
        fault_disarm(&fired);
        if (!fired) {
            assert_file(&c, &o, 34004);
            continue;
        }
        cr_assert_eq(o.status, VFY_E_NO_MEMORY, "allocation %lu: %s", nth, vfy_status_name(o.status));
        if (strstr(o.detail.message, "no memory for a block") != NULL)
            block = true;
    }
    cr_assert(block, "the B1 buffer's allocation was failed");
    free(c.file);
}
