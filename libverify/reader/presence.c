/* A document arriving on and leaving a session's reader (verify/session.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chip/session.h"
#include "core/fail.h"
#include "transport.h"
#include "verify/session.h"

/* How often removal is checked: a presence check costs the reader one short exchange. */
#define REMOVAL_POLL_MS 50u

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

vfy_status vfy_session_open_reader(const char *reader, vfy_session **out, vfy_detail *detail)
{
    if (out == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "reader", "no output session");
    *out = NULL;
    vfy_session *s = calloc(1, sizeof *s);
    if (s == NULL)
        return vfy_fail(detail, VFY_E_NO_MEMORY, "reader", "no memory for a session");
    vfy_status st = vfy_transport_open(reader, &s->transport, detail);
    if (st == VFY_OK)
        st = vfy_channel_init(&s->ch, s->transport, detail);
    if (st != VFY_OK) {
        vfy_transport_close(s->transport);
        free(s);
        return st;
    }
    vfy_file_reader_init(&s->reader, &s->ch);
    *out = s;
    return VFY_OK;
}

/* Forgets the previous document: its keys, what its chip accepted, its figures. */
static void forget_document(vfy_session *s)
{
    vfy_channel_end_sm(&s->ch);
    vfy_file_reader_init(&s->reader, &s->ch);
    memset(&s->access, 0, sizeof s->access);
    s->files_read = 0;
    s->files_denied = 0;
    memset(&s->transport->stats, 0, sizeof s->transport->stats);
}

vfy_status vfy_session_wait_document(vfy_session *s, unsigned timeout_ms, vfy_detail *detail)
{
    if (s == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "reader", "no session");
    forget_document(s);
    return s->transport->ops->wait_card(s->transport, timeout_ms, detail);
}

vfy_status vfy_session_document_present(vfy_session *s, bool *present, vfy_detail *detail)
{
    if (s == NULL || present == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "reader", "no session");
    return s->transport->ops->card_present(s->transport, present, detail);
}

vfy_status vfy_session_wait_removal(vfy_session *s, unsigned timeout_ms, vfy_detail *detail)
{
    if (s == NULL)
        return vfy_fail(detail, VFY_E_INVALID_ARGUMENT, "reader", "no session");
    uint64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        bool present = true;
        VFY_TRY(s->transport->ops->card_present(s->transport, &present, detail));
        if (!present) {
            forget_document(s);
            return VFY_OK;
        }
        uint64_t now = now_ms();
        if (now >= deadline)
            return vfy_fail(detail, VFY_E_TIMEOUT, "reader",
                            "the document was not taken off the reader within %u ms",
                            timeout_ms);
        uint64_t left = deadline - now;
        unsigned ms = left < REMOVAL_POLL_MS ? (unsigned)left : REMOVAL_POLL_MS;
        struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)ms * 1000000L };
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    }
}
