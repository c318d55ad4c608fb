/* Listing the readers of every backend (verify/reader.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fail.h"
#include "nfc/nfc_transport.h"
#include "pcsc/pcsc_transport.h"
#include "transport.h"
#include "verify/reader.h"

#define READERS_MAX 64

struct listing {
    vfy_reader_info *items;
    size_t count;
};

static vfy_reader_info *next_slot(struct listing *l)
{
    if (l->count == READERS_MAX)
        return NULL;
    vfy_reader_info *r = &l->items[l->count++];
    memset(r, 0, sizeof *r);
    return r;
}

static void add_pcsc(void *ctx, const char *name, bool present)
{
    vfy_reader_info *r = next_slot(ctx);
    if (r == NULL)
        return;
    snprintf(r->backend, sizeof r->backend, "pcsc");
    snprintf(r->connection, sizeof r->connection, "pcsc:%.200s", name);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->card_present = present;
}

static void add_nfc(void *ctx, const char *connstring, const char *name, bool present)
{
    vfy_reader_info *r = next_slot(ctx);
    if (r == NULL)
        return;
    snprintf(r->backend, sizeof r->backend, "nfc");
    snprintf(r->connection, sizeof r->connection, "%.250s", connstring);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->card_present = present;
}

static void backend_note(vfy_reader_backend *b, const char *name, vfy_status st, const vfy_detail *d)
{
    memset(b, 0, sizeof *b);
    snprintf(b->backend, sizeof b->backend, "%s", name);
    b->status = st;
    if (st != VFY_OK)
        snprintf(b->message, sizeof b->message, "%.190s", d->message[0] != 0 ? d->message : vfy_strerror(st));
}

vfy_status vfy_readers_list(vfy_reader_info **out, size_t *count, vfy_detail *detail)
{
    vfy_reader_backend backends[VFY_READER_BACKENDS];
    return vfy_readers_list_backends(out, count, backends, detail);
}

vfy_status vfy_readers_list_backends(vfy_reader_info **out, size_t *count,
                                     vfy_reader_backend backends[VFY_READER_BACKENDS], vfy_detail *detail)
{
    if (out == NULL || count == NULL || backends == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "readers", "no output list");
    *out = NULL;
    *count = 0;
    struct listing l = { .items = calloc(READERS_MAX, sizeof(vfy_reader_info)) };
    if (l.items == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "readers", "out of memory listing readers");
    /* A backend that is absent (no pcscd, no NFC device) lists nothing, and says why. */
    vfy_detail ignored = { 0 }, why = { 0 };
    backend_note(&backends[0], "pcsc", vfy_pcsc_list(add_pcsc, &l, &why), &why);
    vfy_detail_clear(&why);
    backend_note(&backends[1], "nfc", vfy_nfc_list(add_nfc, &l, &why), &why);
    /* Backends registered at run time (libverify-sim's "sim") list their bare scheme. */
    const vfy_transport_backend *reg;
    for (size_t i = 0; (reg = vfy_transport_registered(i)) != NULL; i++) {
        vfy_transport *t = NULL;
        if (reg->listing == NULL || vfy_transport_open(reg->scheme, &t, &ignored) != VFY_OK)
            continue;
        vfy_reader_info *r = next_slot(&l);
        if (r != NULL) {
            snprintf(r->backend, sizeof r->backend, "%s", reg->scheme);
            snprintf(r->connection, sizeof r->connection, "%s", reg->scheme);
            snprintf(r->name, sizeof r->name, "%s", reg->listing);
            r->card_present = true;
        }
        vfy_transport_close(t);
    }
    *out = l.items;
    *count = l.count;
    return VFY_OK;
}

void vfy_readers_free(vfy_reader_info *list)
{
    free(list);
}
