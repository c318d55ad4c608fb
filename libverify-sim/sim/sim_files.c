/* The passport the simulated chip serves: a dump folder or the built-in specimen,
 * plus the profile's changes to it (a generated EF.CardAccess, an oversized TLV). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "specimen/embedded.h"
#include "core/fail.h"
#include "core/tlv.h"
#include "sim/sim_internal.h"
#include "verify/document.h"
#include "verify/mrz.h"

/* EF.CardAccess and EF.CardSecurity live in the master file, the rest in the LDS1 application. */
static enum sim_df file_df(int i)
{
    return i == SIM_FILE_CARD_ACCESS || i == SIM_FILE_CARD_SECURITY ? SIM_DF_MF : SIM_DF_APP;
}

int sim_file_by_fid(const vfy_sim_chip *c, uint16_t fid)
{
    for (int i = 1; i < SIM_FILES; i++)
        if (vfy_file_fid((vfy_file_id)i) == fid && file_df(i) == c->df && c->files[i].data != NULL)
            return i;
    return 0;
}

int sim_file_by_sfi(const vfy_sim_chip *c, uint8_t sfi)
{
    for (int i = 1; i < SIM_FILES; i++)
        if (vfy_file_sfi((vfy_file_id)i) == sfi && file_df(i) == c->df && c->files[i].data != NULL)
            return i;
    return 0;
}

static vfy_status store(struct sim_file *f, const uint8_t *data, size_t len)
{
    free(f->data);
    f->data = malloc(len > 0 ? len : 1);
    if (f->data == NULL)
        return VFY_E_NO_MEMORY;
    if (len > 0)
        memcpy(f->data, data, len);
    f->len = len;
    return VFY_OK;
}

static vfy_status load_from_dir(vfy_sim_chip *c, vfy_detail *d)
{
    vfy_document *doc = NULL;
    VFY_TRY(vfy_document_new(&doc));
    vfy_status s = vfy_document_load_dir(doc, c->p.dir, d);
    for (int i = 1; s == VFY_OK && i < SIM_FILES; i++) {
        const uint8_t *data;
        size_t len;
        if (vfy_document_get_file(doc, (vfy_file_id)i, &data, &len) == VFY_OK)
            s = store(&c->files[i], data, len);
    }
    vfy_document_free(doc);
    VFY_TRY(s);
    if (c->files[SIM_FILE_COM].data == NULL && c->files[1].data == NULL)
        return vfy_fail(d, VFY_E_IO, "reader",
                        "dump folder '%.128s' has neither EF_COM.bin nor DG1.bin", c->p.dir);
    return VFY_OK;
}

static vfy_status load_specimen(vfy_sim_chip *c, vfy_detail *d)
{
    for (int i = 1; i < SIM_FILES; i++) {
        char name[64];
        snprintf(name, sizeof name, "specimen/%s", vfy_file_dump_name((vfy_file_id)i));
        const struct vfy_embedded_file *e = vfy_embedded_find(name);
        if (e != NULL)
            VFY_TRY(store(&c->files[i], e->data, e->len));
    }
    if (c->files[SIM_FILE_COM].data == NULL)
        return vfy_fail(d, VFY_E_INTERNAL, "reader", "the built-in specimen passport is missing");
    return VFY_OK;
}

size_t sim_card_access_encode(const struct sim_profile *p, uint8_t *buf, size_t cap)
{
    static const uint8_t mapping_code[] = { [SIM_MAP_GM] = 2, [SIM_MAP_IM] = 4, [SIM_MAP_CAM] = 6 };
    uint8_t map = mapping_code[p->mapping];
    if (p->param_id < 8)
        map = p->mapping == SIM_MAP_GM ? 1 : 3;   /* DH-GM, DH-IM */
    const uint8_t info[] = {
        0x31, 0x14, 0x30, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, map,
        (uint8_t)(p->cipher + 1), 0x02, 0x01, 0x02, 0x02, 0x01, (uint8_t)p->param_id,
    };
    if (cap < sizeof info)
        return 0;
    memcpy(buf, info, sizeof info);
    return sizeof info;
}

/* Rewrites the file's outer length to 16 MB - 1: the chip then claims far more than it has. */
static vfy_status oversize_tlv(struct sim_file *f)
{
    vfy_cursor cur;
    vfy_cur_init(&cur, f->data, f->len, "sim file", NULL);
    uint32_t tag;
    bool constructed;
    size_t len;
    bool indefinite;
    VFY_TRY(vfy_cur_ber_tag(&cur, &tag, &constructed));
    size_t tag_size = vfy_cur_offset(&cur);
    VFY_TRY(vfy_cur_ber_length(&cur, false, false, &len, &indefinite));
    const uint8_t *rest;
    size_t rest_len;
    vfy_cur_rest(&cur, &rest, &rest_len);
    size_t n = tag_size + 4 + rest_len;
    uint8_t *out = malloc(n);
    if (out == NULL)
        return VFY_E_NO_MEMORY;
    memcpy(out, f->data, tag_size);
    memcpy(out + tag_size, "\x83\xFF\xFF\xFF", 4);
    memcpy(out + tag_size + 4, rest, rest_len);
    free(f->data);
    f->data = out;
    f->len = n;
    return VFY_OK;
}

/* The chip knows its own access password: the MRZ information of DG1. */
static void derive_mrz_key(vfy_sim_chip *c)
{
    c->mrz_key[0] = '\0';
    const struct sim_file *dg1 = &c->files[1];
    if (dg1->data == NULL)
        return;
    static const uint32_t path[] = { 0x61, 0x5F1F };
    vfy_tlv t;
    if (vfy_tlv_find_path(dg1->data, dg1->len, path, 2, 0, "DG1", NULL, &t) != VFY_OK)
        return;
    vfy_mrz mrz;
    const vfy_mrz_options opt = { .today = { 2026, 1, 1 }, .repair = false };
    if (vfy_mrz_parse((const char *)t.value.data, t.value.len, &opt, &mrz, NULL) != VFY_OK ||
        vfy_mrz_key_input(&mrz, c->mrz_key, NULL) != VFY_OK)
        c->mrz_key[0] = '\0';
}

vfy_status sim_files_load(vfy_sim_chip *c, vfy_detail *d)
{
    VFY_TRY(c->p.dir[0] != '\0' ? load_from_dir(c, d) : load_specimen(c, d));
    derive_mrz_key(c);
    if (c->p.pace_overridden || (c->p.pace && c->files[SIM_FILE_CARD_ACCESS].data == NULL &&
                                 c->p.dir[0] == '\0')) {
        uint8_t ca[64];
        size_t n = sim_card_access_encode(&c->p, ca, sizeof ca);
        VFY_TRY(store(&c->files[SIM_FILE_CARD_ACCESS], ca, n));
    }
    if (!c->p.pace || c->p.card_access == SIM_CA_ABSENT) {
        free(c->files[SIM_FILE_CARD_ACCESS].data);
        c->files[SIM_FILE_CARD_ACCESS].data = NULL;
        c->files[SIM_FILE_CARD_ACCESS].len = 0;
    }
    if (c->p.bad_tlv_file > 0 && c->files[c->p.bad_tlv_file].data != NULL &&
        oversize_tlv(&c->files[c->p.bad_tlv_file]) != VFY_OK)
        return vfy_fail(d, VFY_E_BAD_CONNECTION, "reader",
                        "bad_tlv: the file does not start with a TLV header");
    return VFY_OK;
}

void sim_files_free(vfy_sim_chip *c)
{
    for (int i = 0; i < SIM_FILES; i++) {
        free(c->files[i].data);
        c->files[i].data = NULL;
        c->files[i].len = 0;
    }
}
