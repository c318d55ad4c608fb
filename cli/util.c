/* Shared printing and input helpers of the CLI. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cli.h"

int cli_exit_for_status(vfy_status status)
{
    switch (status) {
    case VFY_OK:
        return VFY_EXIT_OK;
    case VFY_E_BAD_CONNECTION: /* a reader string that does not parse: a usage error */
        return VFY_EXIT_USAGE;
    case VFY_E_CONFIG:
    case VFY_E_TRUST_STORE:
    case VFY_E_NO_TRUST_ANCHOR:
    case VFY_E_RULES_PARSE:
    case VFY_E_RULES_SCHEMA:
    case VFY_E_RULES_SIGNATURE:
    case VFY_E_RULES_UNTRUSTED:
    case VFY_E_RULES_RESIGN:
    case VFY_E_RULES_STATUS:
    case VFY_E_RULES_DEVELOPMENT_KEY:
    case VFY_E_RULES_CONFLICT:
        return VFY_EXIT_CONFIG;
    default:
        break;
    }
    switch (vfy_status_layer(status)) {
    case VFY_LAYER_READER:
    case VFY_LAYER_CHIP:
        return VFY_EXIT_READER;
    case VFY_LAYER_AUTHENTICITY:
    case VFY_LAYER_SEAL:
        return VFY_EXIT_INVALID;
    default:
        return VFY_EXIT_USAGE;
    }
}

/* The last failure cli_report printed, so that a command in --json mode can give it
 * again as the one error object on standard output. */
static vfy_status last_status = VFY_OK;
static vfy_detail last_detail;

void cli_report(const char *cmd, vfy_status status, const vfy_detail *detail)
{
    last_status = status;
    if (detail != NULL)
        last_detail = *detail;
    else
        vfy_detail_clear(&last_detail);
    if (detail != NULL && detail->message[0] != '\0') {
        if (detail->field[0] != '\0')
            fprintf(stderr, "vfy %s: %s (%s): %s\n", cmd, vfy_strerror(status), detail->field,
                    detail->message);
        else
            fprintf(stderr, "vfy %s: %s: %s\n", cmd, vfy_strerror(status), detail->message);
    } else {
        fprintf(stderr, "vfy %s: %s\n", cmd, vfy_strerror(status));
    }
}

void cli_print_json(json_t *value)
{
    if (value == NULL) {
        fprintf(stderr, "vfy: out of memory\n");
        return;
    }
    json_dumpf(value, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    fputc('\n', stdout);
    json_decref(value);
}

json_t *cli_error_json(vfy_status status, const vfy_detail *detail)
{
    /* The library's one error shape (docs/schema/error.schema.json). */
    char *text = vfy_error_to_json(status, detail, 0);
    json_t *o = text != NULL ? json_loads(text, 0, NULL) : NULL;
    vfy_free(text);
    return o != NULL ? o : json_object();
}

void cli_print_reported_error(vfy_status fallback)
{
    vfy_status s = last_status != VFY_OK ? last_status : fallback;
    cli_print_json(cli_error_json(s, last_status != VFY_OK ? &last_detail : NULL));
}

void cli_print_library_json(char *text)
{
    /* Text the library serialized, printed as it is, then released. */
    if (text != NULL)
        puts(text);
    else
        fputs("{\"schema\": \"libverify.error/1\", \"status\": 2, \"code\": \"VFY_E_NO_MEMORY\", "
              "\"message\": \"out of memory\", \"field\": null, \"offset\": null}\n", stdout);
    vfy_free(text);
}

vfy_status cli_read_stream(FILE *f, size_t max, char **out, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    if (buf == NULL)
        return VFY_E_NO_MEMORY;
    for (;;) {
        if (n == cap) {
            if (cap >= max) {
                free(buf);
                return VFY_E_LIMIT;
            }
            cap = cap * 2 > max ? max : cap * 2;
            char *nb = realloc(buf, cap + 1);
            if (nb == NULL) {
                free(buf);
                return VFY_E_NO_MEMORY;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                free(buf);
                return VFY_E_IO;
            }
            break;
        }
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return VFY_OK;
}

vfy_status cli_read_file(const char *path, size_t max, char **out, size_t *len)
{
    if (strcmp(path, "-") == 0)
        return cli_read_stream(stdin, max, out, len);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return VFY_E_IO;
    vfy_status s = cli_read_stream(f, max, out, len);
    fclose(f);
    return s;
}

void cli_detail(vfy_detail *d, vfy_status status, const char *field, const char *fmt, ...)
{
    vfy_detail_clear(d);
    d->status = status;
    snprintf(d->field, sizeof d->field, "%s", field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->message, sizeof d->message, fmt, ap);
    va_end(ap);
}

bool cli_parse_crl_policy(const char *cmd, const char *text, vfy_crl_policy *out)
{
    if (strcmp(text, "warn") == 0)
        *out = VFY_CRL_WARN;
    else if (strcmp(text, "fail") == 0)
        *out = VFY_CRL_FAIL;
    else {
        fprintf(stderr, "vfy %s: --crl-policy takes warn or fail, not '%s'\n", cmd, text);
        return false;
    }
    return true;
}

/* An argument that can only be an MRZ line: the MRZ alphabet, at a format's length. */
static bool mrz_line_like(const char *a)
{
    size_t n = strlen(a);
    if (n != 30 && n != 36 && n != 44)
        return false;
    return strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<") == n;
}

int cli_join_mrz_args(int argc, char **argv, char *joined, size_t cap)
{
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--mrz") != 0 || !mrz_line_like(argv[i + 1]))
            continue;
        int n = 1;
        while (n < 3 && i + 1 + n < argc && mrz_line_like(argv[i + 1 + n]))
            n++;
        if (n == 1)
            return argc;
        size_t used = 0;
        for (int k = 0; k < n; k++) {
            int w = snprintf(joined + used, cap - used, "%s%s", k ? "\n" : "", argv[i + 1 + k]);
            if (w < 0 || (size_t)w >= cap - used)
                return argc;
            used += (size_t)w;
        }
        argv[i + 1] = joined;
        for (int k = i + 2; k + n - 1 < argc; k++)
            argv[k] = argv[k + n - 1];
        argc -= n - 1;
        argv[argc] = NULL;
        return argc;
    }
    return argc;
}

void cli_free_mrz(vfy_mrz *mrz)
{
    if (mrz != NULL)
        sodium_memzero(mrz, sizeof *mrz);
    free(mrz);
}

/* A date YYYY-MM-DD, taken at noon UTC (so that no time zone moves it a day). */
bool cli_parse_date(const char *s, time_t *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int used = 0;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &used) != 3 ||
        used != 10)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_hour = 12;
    *out = timegm(&tm);
    return *out != (time_t)-1;
}

int cli_unknown_option(const char *cmd, const char *arg)
{
    fprintf(stderr, "vfy %s: unknown or incomplete option '%s'\n", cmd, arg);
    return cli_usage_hint(cmd);
}

int cli_usage_hint(const char *cmd)
{
    /* getopt has named the bad option on the line before; one line, not the whole usage. */
    fprintf(stderr, "vfy %s: see 'vfy %s --help' for its options\n", cmd, cmd);
    return VFY_EXIT_USAGE;
}

void cli_format_day(time_t t, char buf[11])
{
    struct tm tm;
    if (t == 0 || gmtime_r(&t, &tm) == NULL)
        snprintf(buf, 11, "-");
    else
        strftime(buf, 11, "%Y-%m-%d", &tm);
}
