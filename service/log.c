/* The service's log (log.h): one line per call on stderr, written with one stdio call
 * so that lines from different threads never interleave. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static enum serve_log_level threshold = SLOG_INFO;

static const char *const names[] = { "error", "warn", "info", "debug" };
/* syslog priorities, which journald reads from a "<N>" prefix */
static const int priorities[] = { 3, 4, 6, 7 };

bool serve_log_parse(const char *name, enum serve_log_level *out)
{
    for (int i = 0; name != NULL && i <= SLOG_DEBUG; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (enum serve_log_level)i;
            return true;
        }
    return false;
}

void serve_log_set_level(enum serve_log_level level)
{
    threshold = level;
}

bool serve_log_enabled(enum serve_log_level level)
{
    return level <= threshold;
}

void serve_log(enum serve_log_level level, const char *fmt, ...)
{
    if (!serve_log_enabled(level))
        return;
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    /* One line: a message never carries a line break into the journal. */
    for (char *p = text; *p != '\0'; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    if (getenv("JOURNAL_STREAM") != NULL)
        fprintf(stderr, "<%d>vfy serve: %s: %s\n", priorities[level], names[level], text);
    else
        fprintf(stderr, "vfy serve: %s: %s\n", names[level], text);
}
