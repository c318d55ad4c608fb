/*
 * Internal to the service: log lines on standard error, which journald collects under
 * systemd (with a "<N>" priority prefix when JOURNAL_STREAM says stderr is the journal).
 * A line never holds personal data: inspection ids, statuses, LDS file names, counts,
 * the listen address and reader family only; never an MRZ, name, CAN, token or path
 * given by a request.
 */
#ifndef VFY_SERVICE_LOG_H
#define VFY_SERVICE_LOG_H

#include <stdbool.h>

enum serve_log_level { SLOG_ERROR = 0, SLOG_WARN, SLOG_INFO, SLOG_DEBUG };

/* "error", "warn", "info", "debug"; false for anything else. */
bool serve_log_parse(const char *name, enum serve_log_level *out);
/* Set once, before the service's threads start. */
void serve_log_set_level(enum serve_log_level level);
bool serve_log_enabled(enum serve_log_level level);
void serve_log(enum serve_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
