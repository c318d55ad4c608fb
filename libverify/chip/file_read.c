/* Reading a chip file: TLV header first, then the largest blocks the chip accepts. */
#include <stdlib.h>
#include <string.h>

#include "chip/file_read.h"
#include "core/cursor.h"
#include "core/fail.h"
#include "verify/document.h"

#define HEADER_READ 8          /* a tag and the longest length field of an LDS file */
#define SMALLEST_BLOCK 16
#define B0_MAX_OFFSET 0x7FFF   /* beyond it only the odd instruction reaches */

void vfy_file_reader_init(vfy_file_reader *r, vfy_channel *ch)
{
    memset(r, 0, sizeof *r);
    r->ch = ch;
}

/* Largest response data field the link carries, SW excluded. */
static size_t wire_limit(const vfy_file_reader *r, bool extended)
{
    const vfy_transport_caps *caps = &r->ch->transport->caps;
    size_t m = caps->max_response > 2 ? caps->max_response - 2 : 0;
    size_t lim = extended ? VFY_APDU_LE_EXT_MAX : VFY_APDU_LE_SHORT_MAX;
    return m < lim ? m : lim;
}

/* The most plain bytes whose protected answer still fits in `wire` bytes. */
static size_t fit_plain(const vfy_file_reader *r, size_t wire)
{
    if (!vfy_channel_sm_active(r->ch))
        return wire;
    size_t n = wire;
    while (n > 0 && n + vfy_sm_response_overhead(r->ch->sm.cipher, n) > wire)
        n--;
    return n;
}

static size_t short_block(const vfy_file_reader *r)
{
    return fit_plain(r, wire_limit(r, false));
}

size_t vfy_file_reader_block(const vfy_file_reader *r)
{
    bool ext = r->ch->transport->caps.extended_length && !r->ext_refused;
    size_t b = fit_plain(r, wire_limit(r, ext));
    if (r->chip_limit != 0 && r->chip_limit < b)
        b = r->chip_limit;
    return b;
}

/* After a refusal of `tried` bytes: a smaller block, remembered for the session. A
 * protected answer cut short on the way (`cut` bytes arrived, 0 if unknown) tells how
 * much the link carries. */
static bool step_down(vfy_file_reader *r, size_t tried, size_t cut)
{
    r->fallbacks++;
    if (cut > 2 + SMALLEST_BLOCK && vfy_channel_sm_active(r->ch)) {
        size_t fits = fit_plain(r, cut - 2);
        if (fits >= SMALLEST_BLOCK && fits < tried) {
            r->chip_limit = fits;
            return true;
        }
    }
    if (tried > short_block(r)) {
        r->ext_refused = true;
        return true;
    }
    if (tried <= SMALLEST_BLOCK)
        return false;
    r->chip_limit = tried / 2;
    return true;
}

static vfy_status sw_failure(uint16_t sw, const char *name, vfy_detail *detail)
{
    switch (sw) {
    case 0x6A82:
        return vfy_fail(detail, VFY_E_FILE_NOT_FOUND, name, "the chip has no %s (6A82)", name);
    case 0x6982:
        return vfy_fail(detail, VFY_E_ACCESS_DENIED, name,
                        "the chip refused to give %s (6982): it needs another access right",
                        name);
    case 0x6987:
    case 0x6988:
        return vfy_fail(detail, VFY_E_SM_MAC, name,
                        "the chip rejected the protected command for %s (%04X): the secure "
                        "messaging counters are out of step or the session ended",
                        name, sw);
    case 0x6B00:
        return vfy_fail(detail, VFY_E_TRUNCATED, name,
                        "%s ends before its TLV header says (6B00 on a read inside it)", name);
    default:
        return vfy_fail(detail, VFY_E_STATUS_WORD, name, "the chip answered %s while reading %s",
                        vfy_sw_name(sw), name);
    }
}

/* A refusal the reader absorbs by asking for less (6700, a mangled protected answer). */
static bool is_refusal(vfy_status s, uint16_t sw, size_t got)
{
    if (s == VFY_E_SM_FORMAT || s == VFY_E_SM_REQUIRED)
        return true;
    if (s != VFY_OK)
        return false;
    return sw == 0x6700 || ((sw == 0x9000 || sw == 0x6282) && got == 0);
}

struct read_req {
    bool by_sfi;
    uint8_t sfi;
    size_t offset;
    size_t want;   /* plain data bytes asked for */
};

static vfy_status read_raw(vfy_file_reader *r, const struct read_req *q, uint8_t *dst,
                           size_t *got, uint16_t *sw, vfy_detail *detail);

/* One READ BINARY; the data goes to dst (room for req->want bytes). *cut is the size of
 * a single answer that secure messaging could not parse (a truncation), else 0. */
static vfy_status read_once(vfy_file_reader *r, const struct read_req *q, uint8_t *dst,
                            size_t *got, uint16_t *sw, size_t *cut, vfy_detail *detail)
{
    const vfy_transport_stats before = r->ch->transport->stats;
    vfy_status s = read_raw(r, q, dst, got, sw, detail);
    const vfy_transport_stats *after = &r->ch->transport->stats;
    *cut = 0;
    if ((s == VFY_E_SM_FORMAT || s == VFY_E_SM_REQUIRED) && after->apdus == before.apdus + 1)
        *cut = (size_t)(after->bytes_received - before.bytes_received);
    return s;
}

static vfy_status read_raw(vfy_file_reader *r, const struct read_req *q, uint8_t *dst,
                           size_t *got, uint16_t *sw, vfy_detail *detail)
{
    *got = 0;
    *sw = 0;
    if (q->offset <= B0_MAX_OFFSET) {
        vfy_apdu a = { .ins = 0xB0, .le = (uint32_t)q->want };
        if (q->by_sfi) {
            a.p1 = (uint8_t)(0x80 | q->sfi);
            a.p2 = (uint8_t)q->offset;
        } else {
            a.p1 = (uint8_t)(q->offset >> 8);
            a.p2 = (uint8_t)q->offset;
        }
        return vfy_channel_transmit(r->ch, &a, dst, q->want, got, sw, detail);
    }
    /* B1: offset in DO'54', answer in DO'53' */
    uint8_t off[5] = { 0x54, 0 };
    size_t ol = q->offset > 0xFFFF ? 3 : 2;
    off[1] = (uint8_t)ol;
    for (size_t i = 0; i < ol; i++)
        off[2 + i] = (uint8_t)(q->offset >> (8 * (ol - 1 - i)));
    size_t head = q->want < 0x80 ? 2 : q->want < 0x100 ? 3 : q->want < 0x10000 ? 4 : 5;
    size_t cap = q->want + head;
    uint8_t *buf = malloc(cap);
    if (buf == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "READ BINARY", "no memory for a block");
    vfy_apdu a = { .ins = 0xB1, .p1 = 0, .p2 = q->by_sfi ? q->sfi : 0, .data = off,
                   .data_len = 2 + ol, .le = (uint32_t)cap };
    size_t n;
    vfy_status s = vfy_channel_transmit(r->ch, &a, buf, cap, &n, sw, detail);
    if (s == VFY_OK && n > 0) {
        vfy_cursor c;
        vfy_cur_init(&c, buf, n, "DO'53'", detail);
        uint32_t tag;
        bool constructed, indefinite;
        size_t len;
        const uint8_t *v;
        if ((s = vfy_cur_ber_tag(&c, &tag, &constructed)) == VFY_OK &&
            (s = vfy_cur_ber_length(&c, false, false, &len, &indefinite)) == VFY_OK &&
            (s = vfy_cur_bytes(&c, len, &v)) == VFY_OK && (s = vfy_cur_expect_end(&c)) == VFY_OK) {
            if (tag != 0x53 || len > q->want)
                s = vfy_fail(detail, VFY_E_CHIP_PROTOCOL, "READ BINARY",
                             "the answer to B1 is not one DO'53' of at most %zu bytes", q->want);
            else {
                memcpy(dst, v, len);
                *got = len;
            }
        } else {
            s = vfy_fail(detail, VFY_E_CHIP_PROTOCOL, "READ BINARY",
                         "the answer to B1 is not a well-formed DO'53'");
        }
    }
    vfy_wipe_free(buf, cap);
    return s;
}

static vfy_status select_fid(vfy_file_reader *r, uint16_t fid, const char *name,
                             vfy_detail *detail)
{
    uint8_t id[2] = { (uint8_t)(fid >> 8), (uint8_t)fid };
    vfy_apdu a = { .ins = 0xA4, .p1 = 0x02, .p2 = 0x0C, .data = id, .data_len = 2 };
    uint8_t none[4];
    size_t n;
    uint16_t sw;
    VFY_TRY(vfy_channel_transmit(r->ch, &a, none, sizeof none, &n, &sw, detail));
    return sw == 0x9000 ? VFY_OK : sw_failure(sw, name, detail);
}

/* Length of the file from the TLV header at the start of data. */
static vfy_status parse_header(const uint8_t *data, size_t n, const char *name, size_t *total,
                               vfy_detail *detail)
{
    vfy_cursor c;
    vfy_cur_init(&c, data, n, name, detail);
    uint32_t tag;
    bool constructed, indefinite;
    size_t len;
    VFY_TRY(vfy_cur_ber_tag(&c, &tag, &constructed));
    VFY_TRY(vfy_cur_ber_length(&c, false, false, &len, &indefinite));
    size_t head = vfy_cur_offset(&c);
    if (len > VFY_FILE_MAX_BYTES - head)
        return vfy_fail_at(detail, VFY_E_LIMIT, name, 0,
                           "%s claims %zu bytes, more than the %u accepted from a chip", name,
                           len, VFY_FILE_MAX_BYTES);
    *total = head + len;
    return VFY_OK;
}

static bool report(vfy_file_reader *r, const char *name, size_t done, size_t total)
{
    return r->progress == NULL || r->progress(r->progress_ctx, name, done, total);
}

/* The first block: whole if the file is short, at least its TLV header. */
static vfy_status read_first(vfy_file_reader *r, struct read_req *q, uint16_t fid,
                             const char *name, uint8_t **buf, size_t *cap, size_t *got,
                             size_t *total, vfy_detail *detail)
{
    bool header_only = false;
    for (;;) {
        q->want = header_only ? HEADER_READ : vfy_file_reader_block(r);
        /* each attempt reads from the start: the old block is wiped, not copied */
        vfy_wipe_free(*buf, *cap);
        *cap = 0;
        *buf = malloc(q->want);
        if (*buf == NULL)
            return vfy_fail(detail, VFY_E_NO_MEMORY, name, "no memory to read %s", name);
        *cap = q->want;
        uint16_t sw;
        size_t cut;
        vfy_status s = read_once(r, q, *buf, got, &sw, &cut, detail);
        if (s == VFY_OK && q->by_sfi && (sw == 0x6A86 || sw == 0x6A81 || sw == 0x6D00 ||
                                         sw == 0x6986 || sw == 0x6E00)) {
            /* no short EF identifiers on this chip: select by file identifier */
            r->sfi_refused = true;
            q->by_sfi = false;
            VFY_TRY(select_fid(r, fid, name, detail));
            continue;
        }
        if (is_refusal(s, sw, *got)) {
            if (!header_only && (q->want > short_block(r) || cut != 0) &&
                step_down(r, q->want, cut))
                continue;
            if (!header_only) {
                r->fallbacks++;
                header_only = true;   /* the chip wants no read past the end */
                continue;
            }
            return vfy_fail(detail, VFY_E_CHIP_PROTOCOL, name,
                            "the chip refuses even an %d-byte read of %s", HEADER_READ, name);
        }
        VFY_TRY(s);
        if (sw != 0x9000 && sw != 0x6282)
            return sw_failure(sw, name, detail);
        VFY_TRY(parse_header(*buf, *got, name, total, detail));
        if (*got > *total)
            *got = *total;
        if (*got < q->want && *got < *total) {
            if (sw == 0x6282)
                return vfy_fail(detail, VFY_E_TRUNCATED, name,
                                "%s ends after %zu bytes, its TLV header says %zu", name, *got,
                                *total);
            if (!header_only && *got >= SMALLEST_BLOCK) {
                r->chip_limit = *got;   /* the chip (or the link) shortened the answer */
                r->fallbacks++;
            }
        }
        return VFY_OK;
    }
}

vfy_status vfy_file_read(vfy_file_reader *r, uint16_t fid, uint8_t sfi, const char *name,
                         uint8_t **out, size_t *len, vfy_detail *detail)
{
    *out = NULL;
    *len = 0;
    struct read_req q = { .by_sfi = sfi != 0 && sfi <= 0x1E && !r->sfi_refused, .sfi = sfi };
    if (!q.by_sfi)
        VFY_TRY(select_fid(r, fid, name, detail));
    uint8_t *buf = NULL;
    size_t cap = 0, got = 0, total = 0;
    vfy_status s = read_first(r, &q, fid, name, &buf, &cap, &got, &total, detail);
    if (s != VFY_OK) {
        vfy_wipe_free(buf, cap);
        return s;
    }
    size_t file_cap = total > 0 ? total : 1;
    uint8_t *file = vfy_wipe_realloc(buf, cap, file_cap);
    if (file == NULL) {
        vfy_wipe_free(buf, cap);
        return vfy_fail(detail, VFY_E_NO_MEMORY, name, "no memory for %s (%zu bytes)", name,
                        total);
    }
    if (!report(r, name, got, total)) {
        vfy_wipe_free(file, file_cap);
        return vfy_fail(detail, VFY_E_CANCELLED, name, "reading %s was cancelled", name);
    }
    q.by_sfi = false;   /* the file is now the current EF */
    while (got < total) {
        size_t block = vfy_file_reader_block(r);
        q.offset = got;
        if (got > B0_MAX_OFFSET)
            block = block > 5 + SMALLEST_BLOCK ? block - 5 : SMALLEST_BLOCK;   /* DO'53' */
        q.want = total - got < block ? total - got : block;
        size_t n, cut;
        uint16_t sw;
        s = read_once(r, &q, file + got, &n, &sw, &cut, detail);
        if (is_refusal(s, sw, n)) {
            if (!step_down(r, q.want, cut)) {
                s = vfy_fail(detail, VFY_E_CHIP_PROTOCOL, name,
                             "the chip refuses every block size while reading %s at %zu", name,
                             got);
                break;
            }
            continue;
        }
        if (s != VFY_OK)
            break;
        if (sw != 0x9000 && sw != 0x6282) {
            s = sw_failure(sw, name, detail);
            break;
        }
        if (n < q.want && sw == 0x6282) {
            s = vfy_fail(detail, VFY_E_TRUNCATED, name,
                         "%s ends after %zu bytes, its TLV header says %zu", name, got + n, total);
            break;
        }
        if (n < q.want && n >= SMALLEST_BLOCK) {
            r->chip_limit = n;   /* silently shortened: ask for no more from now on */
            r->fallbacks++;
        }
        got += n;
        if (!report(r, name, got, total)) {
            s = vfy_fail(detail, VFY_E_CANCELLED, name, "reading %s was cancelled", name);
            break;
        }
    }
    if (s != VFY_OK) {
        vfy_wipe_free(file, file_cap);
        return s;
    }
    *out = file;
    *len = total;
    return VFY_OK;
}
