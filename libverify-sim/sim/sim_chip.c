/* The simulated chip: command dispatch, file selection and reading, and the faults of
 * the profile applied on the way out. */
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "core/fail.h"
#include "core/writer.h"
#include "sim/sim_internal.h"

static const uint8_t emrtd_aid[] = { 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01 };

#define INS_SELECT 0xA4
#define INS_READ_BINARY 0xB0
#define INS_READ_BINARY_ODD 0xB1
#define INS_GET_RESPONSE 0xC0

void sim_resp_set(struct sim_resp *r, const uint8_t *data, size_t len, uint16_t sw)
{
    if (len > 0)
        memmove(r->data, data, len);
    r->len = len;
    r->sw = sw;
}

void sim_random(vfy_sim_chip *c, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (c->scripted_pos < c->scripted_len) {
            out[i] = c->scripted_random[c->scripted_pos++];
            continue;
        }
        /* xorshift64*: reproducible runs, which the benchmarks and tests rely on. */
        c->random_state ^= c->random_state >> 12;
        c->random_state ^= c->random_state << 25;
        c->random_state ^= c->random_state >> 27;
        out[i] = (uint8_t)((c->random_state * 0x2545F4914F6CDD1DULL) >> 56);
    }
}

static bool access_controlled(const vfy_sim_chip *c)
{
    return c->p.bac || c->p.pace;
}

static bool file_readable(const vfy_sim_chip *c, int file)
{
    if (file == SIM_FILE_CARD_ACCESS)
        return true;
    return !access_controlled(c) || c->access_granted;
}

/* Makes `file` (0: not on the chip) the current EF, or answers why not. */
static bool make_current(vfy_sim_chip *c, int file, struct sim_resp *r)
{
    static const uint16_t card_access_refusal[] = { [SIM_CA_ABSENT] = SW_NOT_FOUND,
                                                    [SIM_CA_6A86] = SW_WRONG_P1P2,
                                                    [SIM_CA_6D00] = SW_INS_UNKNOWN };
    if (file == SIM_FILE_CARD_ACCESS && c->p.card_access != SIM_CA_PRESENT) {
        sim_resp_set(r, NULL, 0, card_access_refusal[c->p.card_access]);
        return false;
    }
    if (file == 0 || c->files[file].data == NULL || !file_readable(c, file)) {
        sim_resp_set(r, NULL, 0,
                     file == 0 || c->files[file].data == NULL ? SW_NOT_FOUND : SW_SECURITY_STATUS);
        return false;
    }
    c->current_ef = file;
    return true;
}

static void select_file(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r)
{
    if (a->p2 != 0x0C && a->p2 != 0x00 && a->p2 != 0x04) {
        sim_resp_set(r, NULL, 0, SW_WRONG_P1P2);
        return;
    }
    switch (a->p1) {
    case 0x04: /* by DF name */
        if (a->lc == sizeof emrtd_aid && memcmp(a->data, emrtd_aid, sizeof emrtd_aid) == 0) {
            c->df = SIM_DF_APP;
            c->current_ef = 0;
            sim_resp_set(r, NULL, 0, SW_OK);
        } else {
            sim_resp_set(r, NULL, 0, SW_NOT_FOUND);
        }
        return;
    case 0x00: /* MF, or a file by identifier */
        if (a->lc == 0 || (a->lc == 2 && a->data[0] == 0x3F && a->data[1] == 0x00)) {
            c->df = SIM_DF_MF;
            c->current_ef = 0;
            sim_resp_set(r, NULL, 0, SW_OK);
            return;
        }
        break;
    case 0x02: /* EF under the current DF */
        break;
    default:
        sim_resp_set(r, NULL, 0, SW_WRONG_P1P2);
        return;
    }
    if (a->lc != 2) {
        sim_resp_set(r, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    uint16_t fid = (uint16_t)(a->data[0] << 8 | a->data[1]);
    int file = sim_file_by_fid(c, fid);
    if (fid == 0x011C && c->df == SIM_DF_MF)
        file = SIM_FILE_CARD_ACCESS;   /* so that a quirk answers even when the file is absent */
    if (!make_current(c, file, r))
        return;
    if (a->p2 == 0x0C) {
        sim_resp_set(r, NULL, 0, SW_OK);
        return;
    }
    /* FCP: file size and identifier, so a terminal asking for it gets a true answer. */
    size_t size = c->files[file].len;
    uint8_t fcp[] = { 0x62, 0x0A, 0x80, 0x02, (uint8_t)(size >> 8), (uint8_t)size,
                      0x82, 0x01, 0x01, 0x83, 0x02, (uint8_t)(fid >> 8), (uint8_t)fid };
    if (size > 0xFFFF) {
        sim_resp_set(r, NULL, 0, SW_OK);
        return;
    }
    sim_resp_set(r, fcp, sizeof fcp, SW_OK);
}

/* Copies up to `le` bytes of the current file from `offset`. */
static void read_current(vfy_sim_chip *c, size_t offset, size_t le, struct sim_resp *r,
                         bool odd)
{
    const struct sim_file *f = &c->files[c->current_ef];
    if (offset > f->len || (offset == f->len && f->len > 0)) {
        sim_resp_set(r, NULL, 0, SW_WRONG_OFFSET);
        return;
    }
    size_t avail = f->len - offset;
    if (odd) {
        /* B1 answers DO'53 around the data: Le counts the tag and length too. */
        /* the most data whose DO'53 header still fits in Le */
        size_t head = 2, n = 0;
        for (size_t h = 2; h <= 5; h++) {
            size_t cand = le > h ? (avail < le - h ? avail : le - h) : 0;
            size_t need = cand < 0x80 ? 2 : cand < 0x100 ? 3 : cand < 0x10000 ? 4 : 5;
            if (need <= h) {
                head = need;
                n = cand;
                break;
            }
        }
        vfy_writer w;
        vfy_w_init(&w, r->data, SIM_RESP_MAX);
        vfy_w_ber_tl(&w, 0x53, n); /* head bytes: the shortest form, as computed above */
        vfy_w_bytes(&w, f->data + offset, n);
        if (!vfy_w_ok(&w)) {
            sim_resp_set(r, NULL, 0, SW_UNKNOWN);
            return;
        }
        r->len = vfy_w_len(&w);
        r->sw = n < le - head && c->p.eof_6282 ? SW_EOF : SW_OK;
        return;
    }
    size_t n = avail < le ? avail : le;
    memcpy(r->data, f->data + offset, n);
    r->len = n;
    r->sw = n < le && c->p.eof_6282 ? SW_EOF : SW_OK;
}

static void read_binary(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r)
{
    if (a->le == 0 || a->lc != 0) {
        sim_resp_set(r, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    size_t offset;
    if (a->p1 & 0x80) {
        if (a->p1 & 0x60) {
            sim_resp_set(r, NULL, 0, SW_WRONG_P1P2);
            return;
        }
        if (!make_current(c, sim_file_by_sfi(c, a->p1 & 0x1F), r))
            return;
        offset = a->p2;
    } else {
        offset = (size_t)(a->p1 << 8 | a->p2);
    }
    if (c->current_ef == 0) {
        sim_resp_set(r, NULL, 0, SW_NO_CURRENT_EF);
        return;
    }
    read_current(c, offset, a->le, r, false);
}

static void read_binary_odd(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r)
{
    if (a->le == 0) {
        sim_resp_set(r, NULL, 0, SW_WRONG_LENGTH);
        return;
    }
    uint16_t p1p2 = (uint16_t)(a->p1 << 8 | a->p2);
    if (p1p2 != 0) {
        int file = p1p2 <= 0x1F ? sim_file_by_sfi(c, (uint8_t)p1p2) : sim_file_by_fid(c, p1p2);
        if (!make_current(c, file, r))
            return;
    }
    if (c->current_ef == 0) {
        sim_resp_set(r, NULL, 0, SW_NO_CURRENT_EF);
        return;
    }
    /* The offset comes in DO'54. */
    vfy_cursor cur;
    vfy_cur_init(&cur, a->data, a->lc, "B1 offset", NULL);
    uint8_t tag, len;
    uint64_t offset = 0;
    if (vfy_cur_u8(&cur, &tag) != VFY_OK || tag != 0x54 || vfy_cur_u8(&cur, &len) != VFY_OK ||
        len < 1 || len > 3 || vfy_cur_uint_be(&cur, len, &offset) != VFY_OK ||
        vfy_cur_expect_end(&cur) != VFY_OK) {
        sim_resp_set(r, NULL, 0, SW_WRONG_DATA);
        return;
    }
    read_current(c, (size_t)offset, a->le, r, true);
}

/* Active and Chip Authentication (INTERNAL AUTHENTICATE 88, MSE:Set KAT 22 41A6,
 * MSE:Set AT 22 41A4 followed by GENERAL AUTHENTICATE) join this table from sim_auth.c;
 * the first matching line wins, so their lines go before the PACE ones. */
static const struct sim_command commands[] = {
    { INS_SELECT, 0, 0, false, select_file },
    { INS_READ_BINARY, 0, 0, false, read_binary },
    { INS_READ_BINARY_ODD, 0, 0, false, read_binary_odd },
    { 0x84, 0, 0, false, sim_get_challenge },
    { 0x82, 0, 0, false, sim_mutual_authenticate },
    { 0x88, 0, 0, false, sim_internal_authenticate },
    { 0x22, 0x41A6, 0xFFFF, false, sim_mse_set_kat },
    { 0x22, 0x41A4, 0xFFFF, false, sim_mse_set_at_ca },
    { 0x22, 0xC1A4, 0xFFFF, false, sim_mse },
    { 0x86, 0, 0, false, sim_general_authenticate_any },
};

static void dispatch(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r)
{
    if ((a->cla & 0xF3) != 0x00 && (a->cla & 0xF3) != 0x10) {
        sim_resp_set(r, NULL, 0, SW_CLA_UNKNOWN);
        return;
    }
    uint16_t p1p2 = (uint16_t)(a->p1 << 8 | a->p2);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        const struct sim_command *k = &commands[i];
        if (k->ins != a->ins || (p1p2 & k->p1p2_mask) != k->p1p2)
            continue;
        if (k->needs_access && access_controlled(c) && !c->access_granted) {
            sim_resp_set(r, NULL, 0, SW_SECURITY_STATUS);
            return;
        }
        k->handler(c, a, r);
        return;
    }
    sim_resp_set(r, NULL, 0, SW_INS_UNKNOWN);
}

static void put_sw(uint8_t *out, uint16_t sw)
{
    out[0] = (uint8_t)(sw >> 8);
    out[1] = (uint8_t)sw;
}

/* Serves the next chunk of a chained answer (GET RESPONSE). */
static void get_response(vfy_sim_chip *c, const struct sim_apdu *a, struct sim_resp *r)
{
    size_t left = c->pending_len - c->pending_pos;
    size_t chunk = left - 2;   /* the stored answer ends with its status word */
    size_t n = a->le < c->p.get_response ? a->le : c->p.get_response;
    if (a->le == 0)
        n = c->p.get_response;
    if (n >= chunk) {
        sim_resp_set(r, c->pending + c->pending_pos, chunk,
                     (uint16_t)(c->pending[c->pending_len - 2] << 8 |
                                c->pending[c->pending_len - 1]));
        free(c->pending);
        c->pending = NULL;
        c->pending_len = c->pending_pos = 0;
        return;
    }
    sim_resp_set(r, c->pending + c->pending_pos, n, 0);
    c->pending_pos += n;
    size_t rest = chunk - n;
    r->sw = (uint16_t)(0x6100 | (rest >= 256 ? 0 : rest));
}

static vfy_status emit(const struct sim_resp *r, uint8_t *resp, size_t cap, size_t *rlen)
{
    if (r->len + 2 > cap)
        return VFY_E_READER_LIMIT;
    memcpy(resp, r->data, r->len);
    put_sw(resp + r->len, r->sw);
    *rlen = r->len + 2;
    return VFY_OK;
}

/* The chip's own processing of one command, before the link's quirks. */
static void process(vfy_sim_chip *c, const struct sim_apdu *outer, struct sim_resp *r)
{
    sim_resp_set(r, NULL, 0, SW_UNKNOWN);
    bool protected_cmd = (outer->cla & 0x0C) == 0x0C;
    if (outer->extended && !c->p.extended) {
        r->sw = SW_WRONG_LENGTH;   /* refused before any secure messaging: SSC unchanged */
        return;
    }
    struct sim_apdu inner = *outer;
    if (protected_cmd) {
        uint16_t sw = sim_sm_unwrap(&c->sm, outer, &inner, c->cmd_buf, SIM_RESP_MAX);
        if (sw != SW_OK) {
            c->access_granted = false;
            r->sw = sw;
            return;
        }
    } else if (c->sm.cipher != SIM_SM_NONE) {
        /* A plain command ends the session (9303-11 §9.8.7). */
        sim_sm_close(&c->sm);
        c->access_granted = false;
    }
    if (c->p.sw != 0 && c->apdus == c->p.sw_at) {
        r->sw = c->p.sw;
    } else {
        dispatch(c, &inner, r);
        if (inner.le == 0)
            r->len = 0;   /* no Le: no data expected */
        else if (!protected_cmd && r->len > c->p.max_le)
            sim_resp_set(r, NULL, 0, SW_WRONG_LENGTH);
    }
    if (protected_cmd && c->sm.cipher != SIM_SM_NONE) {
        bool odd = inner.ins & 1;
        size_t wire_le = outer->le != 0 ? outer->le : 256;
        size_t limit = wire_le < c->p.max_le ? wire_le : c->p.max_le;
        if (sim_sm_wrapped_len(&c->sm, r->len, odd) > limit)
            sim_resp_set(r, NULL, 0, SW_WRONG_LENGTH);
        bool corrupt = c->p.bad_mac_at != 0 && c->apdus == c->p.bad_mac_at;
        if (sim_sm_wrap(&c->sm, r, odd, corrupt) != VFY_OK) {
            sim_sm_close(&c->sm);
            c->access_granted = false;
            sim_resp_set(r, NULL, 0, SW_UNKNOWN);
        }
    }
    sim_auth_after_response(c);
    if (outer->le == 65536 && c->p.le65536_empty)
        sim_resp_set(r, NULL, 0, SW_OK);
}

vfy_status sim_session_start(vfy_sim_chip *c, enum sim_sm_cipher cipher, const uint8_t *kenc,
                             const uint8_t *kmac, size_t key_len, const uint8_t *ssc)
{
    VFY_TRY(sim_sm_open(&c->sm, cipher, kenc, kmac, key_len, ssc));
    sim_sm_skip(&c->sm, c->p.ssc_skew);
    c->access_granted = true;
    return VFY_OK;
}

vfy_status vfy_sim_chip_transceive(vfy_sim_chip *c, const uint8_t *cmd, size_t len,
                                   uint8_t *resp, size_t cap, size_t *rlen)
{
    *rlen = 0;
    if (c->removed)
        return VFY_E_CARD_REMOVED;
    c->apdus++;
    if (c->p.remove_after != 0 && c->apdus >= c->p.remove_after) {
        c->removed = true;
        vfy_sim_chip_reset(c);
        return VFY_E_CARD_REMOVED;
    }
    c->busy_us += c->p.slow_us;
    struct sim_resp r = { .data = c->resp_buf, .len = 0, .sw = SW_UNKNOWN };
    struct sim_apdu a;
    if (sim_apdu_parse(cmd, len, &a) != VFY_OK) {
        r.sw = SW_WRONG_LENGTH;
        return emit(&r, resp, cap, rlen);
    }
    if (c->pending != NULL) {
        if (a.ins == INS_GET_RESPONSE && (a.cla & 0x0C) == 0) {
            get_response(c, &a, &r);
            return emit(&r, resp, cap, rlen);
        }
        free(c->pending);   /* any other command drops the chained answer */
        c->pending = NULL;
        c->pending_len = c->pending_pos = 0;
    }
    process(c, &a, &r);

    if (c->p.get_response != 0 && r.len > 0) {
        /* Everything with data comes back as 61xx and waits for GET RESPONSE. */
        c->pending = malloc(r.len + 2);
        if (c->pending == NULL)
            return VFY_E_NO_MEMORY;
        memcpy(c->pending, r.data, r.len);
        put_sw(c->pending + r.len, r.sw);
        c->pending_len = r.len + 2;
        c->pending_pos = 0;
        uint16_t sw = (uint16_t)(0x6100 | (r.len >= 256 ? 0 : r.len));
        sim_resp_set(&r, NULL, 0, sw);
    }
    if (c->p.silent_truncate != 0 && r.len > c->p.silent_truncate)
        r.len = c->p.silent_truncate;
    vfy_status s = emit(&r, resp, cap, rlen);
    if (s == VFY_OK && c->p.truncate_at != 0 && c->apdus == c->p.truncate_at)
        *rlen = 1;   /* the link breaks: one byte arrives, not even a status word */
    return s;
}

void vfy_sim_chip_reset(vfy_sim_chip *c)
{
    c->df = SIM_DF_MF;
    c->current_ef = 0;
    c->challenge_valid = false;
    c->access_granted = false;
    sim_sm_close(&c->sm);
    sim_pace_reset(c);
    sim_auth_reset(c);
    free(c->pending);
    c->pending = NULL;
    c->pending_len = c->pending_pos = 0;
}

vfy_status vfy_sim_chip_new(const char *spec, vfy_sim_chip **out, vfy_detail *d)
{
    *out = NULL;
    vfy_sim_chip *c = calloc(1, sizeof *c);
    if (c == NULL)
        return vfy_fail(d, VFY_E_NO_MEMORY, "reader", "out of memory for the simulated chip");
    c->resp_buf = malloc(SIM_RESP_MAX);
    c->cmd_buf = malloc(SIM_RESP_MAX);
    vfy_status s = c->resp_buf != NULL && c->cmd_buf != NULL ? VFY_OK : VFY_E_NO_MEMORY;
    if (s == VFY_OK)
        s = sim_profile_parse(spec, &c->p, d);
    if (s == VFY_OK)
        s = sim_files_load(c, d);
    if (s != VFY_OK) {
        vfy_sim_chip_free(c);
        return s;
    }
    c->random_state = 0x9E3779B97F4A7C15ULL;
    vfy_sim_chip_reset(c);
    *out = c;
    return VFY_OK;
}

void vfy_sim_chip_free(vfy_sim_chip *c)
{
    if (c == NULL)
        return;
    vfy_sim_chip_reset(c);
    sim_auth_free(c);
    sim_files_free(c);
    free(c->resp_buf);
    free(c->cmd_buf);
    free(c);
}

uint64_t vfy_sim_chip_busy_us(const vfy_sim_chip *c)
{
    return c->busy_us;
}

bool vfy_sim_chip_removed(const vfy_sim_chip *c)
{
    return c->removed;
}
