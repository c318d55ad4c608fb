/* Bounded appending to a text buffer; see text.h. */
#include <string.h>

#include "core/text.h"

bool vfy_text_append(char *buf, size_t cap, const char *s)
{
    if (buf == NULL || cap == 0 || s == NULL)
        return false;
    size_t len = strnlen(buf, cap);
    size_t n = strlen(s);
    if (len >= cap || n >= cap - len)
        return false;
    memcpy(buf + len, s, n + 1);
    return true;
}
