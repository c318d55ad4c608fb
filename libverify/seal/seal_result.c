/* The memory a seal result owns, and its life cycle. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fail.h"
#include "seal/seal_internal.h"

void *seal_alloc(vfy_seal_result *r, size_t n)
{
    struct vfy_seal_owned *o = r->owned_;
    if (o->block_count == o->block_cap) {
        size_t cap = o->block_cap ? o->block_cap * 2 : 16;
        void **nb = realloc(o->blocks, cap * sizeof *nb);
        if (nb == NULL)
            return NULL;
        o->blocks = nb;
        o->block_cap = cap;
    }
    void *p = calloc(1, n ? n : 1);
    if (p != NULL)
        o->blocks[o->block_count++] = p;
    return p;
}

void *seal_dup(vfy_seal_result *r, const void *data, size_t n)
{
    void *p = seal_alloc(r, n + 1); /* +1: a NUL after text copies */
    if (p != NULL && n > 0)
        memcpy(p, data, n);
    return p;
}

char *seal_strdup(vfy_seal_result *r, const char *s)
{
    return seal_dup(r, s, strlen(s));
}

char *seal_sprintf(vfy_seal_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = seal_alloc(r, (size_t)n + 1);
    if (p == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

vfy_seal_message *seal_add_message(vfy_seal_result *r, vfy_detail *detail)
{
    struct vfy_seal_owned *o = r->owned_;
    if (r->message_count >= SEAL_MAX_MESSAGES) {
        vfy_fail(detail, VFY_E_LIMIT, "messages", "the seal holds more than %d messages",
                 SEAL_MAX_MESSAGES);
        return NULL;
    }
    if (r->message_count == o->message_cap) {
        size_t cap = o->message_cap ? o->message_cap * 2 : 16;
        vfy_seal_message *nm = realloc(o->messages, cap * sizeof *nm);
        if (nm == NULL) {
            vfy_fail(detail, VFY_E_NO_MEMORY, "messages", "out of memory");
            return NULL;
        }
        o->messages = nm;
        o->message_cap = cap;
    }
    vfy_seal_message *m = &o->messages[r->message_count++];
    memset(m, 0, sizeof *m);
    m->parent = -1;
    m->conforms = true;
    r->messages = o->messages;
    return m;
}

void seal_choice(vfy_seal_result *r, const char *id)
{
    for (unsigned i = 0; i < r->choice_count; i++)
        if (strcmp(r->choices[i], id) == 0)
            return;
    if (r->choice_count < VFY_SEAL_MAX_CHOICES)
        r->choices[r->choice_count++] = id;
}

void vfy_seal_result_free(vfy_seal_result *r)
{
    if (r == NULL)
        return;
    struct vfy_seal_owned *o = r->owned_;
    if (o != NULL) {
        for (size_t i = 0; i < o->block_count; i++)
            free(o->blocks[i]);
        free(o->blocks);
        free(o->messages);
        X509_free(o->embedded_cert);
        free(o);
    }
    free(r);
}
