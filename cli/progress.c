/*
 * --progress for the commands that read a chip: on a terminal, one line rewritten in place
 * (\r) with the file being read and its percentage; with --progress=json, one JSON object
 * per line on standard error (docs/schema/progress-event.schema.json) for a kiosk UI to
 * follow. Neither carries personal data: file names and byte counts only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

bool cli_progress_parse(const char *cmd, const char *arg, struct cli_progress *p)
{
    if (arg == NULL || strcmp(arg, "bar") == 0) {
        p->mode = CLI_PROGRESS_BAR;
    } else if (strcmp(arg, "json") == 0) {
        p->mode = CLI_PROGRESS_JSON;
    } else {
        fprintf(stderr, "vfy %s: --progress takes 'bar' (the default) or 'json', not '%.40s'\n", cmd, arg);
        return false;
    }
    return true;
}

static void event(const char *name, const char *file, size_t done, size_t total, int percent)
{
    json_t *o = json_pack("{s:s, s:s}", "schema", "libverify.progress/1", "event", name);
    if (o == NULL)
        return;
    if (file != NULL) {
        json_object_set_new(o, "file", json_string(file));
        json_object_set_new(o, "done", json_integer((json_int_t)done));
        json_object_set_new(o, "total", json_integer((json_int_t)total));
        json_object_set_new(o, "percent", json_integer(percent));
    }
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (text != NULL) {
        fprintf(stderr, "%s\n", text);
        fflush(stderr);
    }
    free(text);
}

bool cli_progress_update(void *ctx, const char *file, size_t done, size_t total)
{
    struct cli_progress *p = ctx;
    int percent = total == 0 ? 100 : (int)(done * 100 / total);
    if (percent > 100)
        percent = 100;
    /* One report per whole percent and file: a 30 kB photo read in 200-byte blocks makes
     * 150 callbacks, not 150 lines. */
    bool same_file = strncmp(p->file, file, sizeof p->file - 1) == 0;
    if (same_file && percent == p->percent)
        return true;
    snprintf(p->file, sizeof p->file, "%s", file);
    p->percent = percent;
    if (p->mode == CLI_PROGRESS_JSON) {
        event("file", file, done, total, percent);
    } else if (p->mode == CLI_PROGRESS_LINES) {
        if (done >= total)
            fprintf(stderr, "%s: read %s, %zu bytes\n", p->cmd, file, total);
    } else if (p->mode == CLI_PROGRESS_BAR && isatty(STDERR_FILENO)) {
        char bar[21];
        int filled = percent / 5;
        for (int i = 0; i < 20; i++)
            bar[i] = i < filled ? '#' : '.';
        bar[20] = '\0';
        /* \r and a cleared line end: the line is rewritten, never scrolled. */
        fprintf(stderr, "\r%s: %-14.14s [%s] %3d%%  %zu/%zu bytes\033[K", p->cmd, file, bar, percent,
                done, total);
        fflush(stderr);
        p->drawn = true;
    }
    return true;
}

void cli_progress_finish(struct cli_progress *p, bool ok)
{
    if (p->mode == CLI_PROGRESS_JSON) {
        event(ok ? "done" : "failed", NULL, 0, 0, 0);
    } else if (p->drawn) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
        p->drawn = false;
    }
}
