/*
 * Internal: the one serializer of decisions. It writes a record (rules/record.h) as the
 * JSON of docs/rules.md into a bounded buffer that is either grown (a decision's text
 * for the API) or flushed to a sink when full (vfy rules eval --batch), so that the
 * library's document and a batch line are the same bytes.
 */
#ifndef VFY_RULES_WRITER_H
#define VFY_RULES_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "rules/engine.h"
#include "rules/record.h"

struct rw {
    char *buf;
    size_t len, cap;
    /* NULL: the buffer grows; otherwise called with the buffered bytes when full. */
    bool (*sink)(void *ctx, const char *data, size_t len);
    void *ctx;
    bool failed;
    /* The last day written as text: the steps of a decision repeat a few dates. */
    bool day_known;
    int32_t day;
    char day_text[10];
};

void rw_raw_slow(struct rw *w, const char *s, size_t n);
/* Appends n bytes (the common case inline: they fit in the buffer). */
static inline void rw_raw(struct rw *w, const char *s, size_t n)
{
    if (w->len + n <= w->cap && !w->failed) {
        __builtin_memcpy(w->buf + w->len, s, n);
        w->len += n;
        return;
    }
    rw_raw_slow(w, s, n);
}
void rw_str(struct rw *w, const char *s);   /* a JSON string, escaped as jansson does */
void rw_strn(struct rw *w, const char *s, size_t n);
void rw_int(struct rw *w, long long v);
bool rw_flush(struct rw *w);

/* Parts of the document, for a header line that carries the metadata once. */
enum rw_parts {
    RW_METADATA = 1,   /* "rulesets" and "rejected" */
};

/* Writes the decision of `ws` as one JSON object, without its closing brace (so that a
 * batch can add "case_id" and "line"); `parts` chooses what is written. */
void rr_write_open(struct rw *w, const struct vfy_rules_workspace *ws, unsigned parts);
/* The metadata members ("rulesets":[...],"rejected":[...]) of an engine, no braces. */
void rr_write_metadata(struct rw *w, const struct vfy_rules_engine *e);

/* Text the plan writes once per rule or set (rules/plan.c), so that deciding escapes
 * nothing it could have escaped when the engine was built: "SET/rule" (or "SET/rule: text",
 * an open point), and the opening
 * of an out-of-force explanation, "SET is in force [FROM, TO);  (quote left open). */
struct ruleset;
struct frag rr_ref_fragment(struct rw *w, const char *set, const char *rule, const char *text);
struct frag rr_in_force_fragment(struct rw *w, const struct ruleset *rs);

#endif
