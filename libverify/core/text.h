/* Internal: appending to a fixed text buffer without overrunning it (the bounded writer
 * for short strings: messages, lists in explanations). */
#ifndef VFY_CORE_TEXT_H
#define VFY_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Appends `s` to the NUL-terminated text in buf[cap]. Appends nothing and returns false
 * when the whole of `s` would not fit, so a list never ends in half a word. */
bool vfy_text_append(char *buf, size_t cap, const char *s);

#endif
