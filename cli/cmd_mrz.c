/* vfy mrz: parse and check a machine-readable zone. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"

#define MRZ_STDIN_MAX (64u * 1024u)

static void mrz_usage(FILE *f)
{
    fprintf(f,
            "usage: vfy mrz [--json] [--repair] [--today YYYY-MM-DD] [LINE...]\n"
            "\n"
            "Parses an ICAO 9303 machine-readable zone (TD1, TD2, TD3, MRV-A, MRV-B) and\n"
            "verifies every check digit. The lines come from the arguments, or from\n"
            "standard input when none are given (one per line, or joined).\n"
            "\n"
            "options:\n"
            "  --json               print one JSON object instead of a table\n"
            "  --repair             propose OCR corrections (O/0, I/1, B/8, S/5, Z/2, G/6,\n"
            "                       Q/0) that a check digit proves; all are listed\n"
            "  --today YYYY-MM-DD   reference date for two-digit years (default: today, UTC)\n"
            "  -h, --help           show this help\n"
            CLI_VERBOSITY_HELP
            "\n"
            "exit codes:\n"
            "  0  the MRZ is valid\n"
            "  1  the MRZ was read but a check digit or field is invalid, or a code is one\n"
            "     ICAO 9303 does not allow (document code, issuing state, nationality)\n"
            "  2  usage error, or the input is not an MRZ (wrong lines, bad characters)\n");
}

static bool parse_today(const char *s, vfy_date *d)
{
    int y, m, day, used = 0;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &day, &used) != 3 || used != 10)
        return false;
    d->year = y;
    d->month = m;
    d->day = day;
    return true;
}

static void print_json(const vfy_mrz *m, bool repair)
{
    cli_print_library_json(vfy_mrz_to_json(m, VFY_JSON_PRETTY | (repair ? VFY_MRZ_JSON_REPAIRS : 0)));
}

static const char *check_text(vfy_check c)
{
    return c == VFY_CHECK_OK ? "check digit ok" : c == VFY_CHECK_FAILED ? "CHECK DIGIT FAILED" : "";
}

static void row(const char *label, const char *value, const char *note)
{
    if (note != NULL && note[0] != '\0')
        printf("%-17s %-24s %s\n", label, value, note);
    else if (value[0] != '\0')
        printf("%-17s %s\n", label, value);
    else
        printf("%s\n", label);
}

static void print_errors(const vfy_mrz *m)
{
    for (unsigned i = 0; i < m->error_count; i++)
        printf("error: %s (line %u, column %u, %s): %s\n", m->errors[i].field, m->errors[i].line,
               m->errors[i].column, vfy_status_name(m->errors[i].status), m->errors[i].message);
}

/* -q: the verdict and what is wrong, nothing else. */
static void print_quiet(const vfy_mrz *m)
{
    printf("%s\n", m->valid ? "valid" : "invalid");
    print_errors(m);
}

static void print_table(const vfy_mrz *m, bool repair)
{
    char buf[11], sex[2] = { m->sex != '\0' ? m->sex : '?', '\0' };
    const char *d;
    /* -v: the lines as the parser took them (after any repair), then every field. */
    for (unsigned i = 0; cli_verbosity == CLI_VERBOSE && i < m->line_count; i++) {
        char label[16];
        snprintf(label, sizeof label, "Line %u", i + 1);
        row(label, m->lines[i], NULL);
    }
    row("Format", vfy_mrz_format_name(m->format), NULL);
    row("Document code", m->document_code, NULL);
    row("Issuing state", m->issuing_state, vfy_mrz_code_description(m->issuing_state));
    row("Surname", m->surname, m->name_truncated ? "(name fills its field: may be truncated)" : NULL);
    row("Given names", m->given_names, NULL);
    row("Document number", m->document_number, check_text(m->check_document_number));
    row("Nationality", m->nationality, vfy_mrz_code_description(m->nationality));
    d = vfy_date_iso(m->birth_date, buf);
    row("Birth date", d != NULL ? d : m->birth_date_raw, check_text(m->check_birth_date));
    row("Sex", sex, NULL);
    d = vfy_date_iso(m->expiry_date, buf);
    row("Expiry date", d != NULL ? d : m->expiry_date_raw, check_text(m->check_expiry_date));
    row("Optional data", m->optional_data, check_text(m->check_optional_data));
    if (m->format == VFY_MRZ_TD1)
        row("Optional data 2", m->optional_data_2, NULL);
    if (m->check_composite != VFY_CHECK_ABSENT)
        row("Composite", "", check_text(m->check_composite));
    /* Three facts a kiosk must not confuse: the check digits, what 9303 allows in the
     * fields and codes, and the expiry date. */
    row("Check digits", vfy_mrz_check_digits_ok(m) ? "all correct" : "FAILED (see the errors below)", NULL);
    row("Valid", m->valid ? "yes: check digits, fields and codes as ICAO 9303 requires"
                          : "NO (see the errors below)", NULL);
    int expired = vfy_mrz_expired(m, 0);
    row("Expired", expired < 0 ? "unknown (no full expiry date)" : expired ? "YES: the document has expired" : "no",
        NULL);
    print_errors(m);
    if (repair) {
        for (unsigned i = 0; i < m->repair_count; i++)
            printf("repair: %s (line %u, column %u): '%c' -> '%c'\n", m->repairs[i].field,
                   m->repairs[i].line, m->repairs[i].column, m->repairs[i].from,
                   m->repairs[i].to);
        if (m->repair_count > 0)
            for (unsigned i = 0; i < m->line_count; i++)
                printf("repaired line %u: %s\n", i + 1, m->lines[i]);
    }
}

static int report_failure(bool json, vfy_status s, const vfy_detail *d)
{
    if (json) {
        json_t *o = cli_error_json(s, d);
        if (d->line != 0)
            json_object_set_new(o, "line", json_integer(d->line));
        if (d->column != 0)
            json_object_set_new(o, "column", json_integer(d->column));
        cli_print_json(o);
    } else {
        cli_report("mrz", s, d);
    }
    return s == VFY_E_NO_MEMORY ? VFY_EXIT_USAGE : cli_exit_for_status(s);
}

int cmd_mrz(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "json", no_argument, NULL, 'j' },
        { "repair", no_argument, NULL, 'r' },
        { "today", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool json = false;
    vfy_mrz_options options;
    memset(&options, 0, sizeof options);
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'j':
            json = true;
            break;
        case 'r':
            options.repair = true;
            break;
        case 't':
            if (!parse_today(optarg, &options.today)) {
                fprintf(stderr, "vfy mrz: --today wants a date YYYY-MM-DD, not '%s'\n", optarg);
                return VFY_EXIT_USAGE;
            }
            break;
        case 'h':
            mrz_usage(stdout);
            return VFY_EXIT_OK;
        default:
            return cli_usage_hint("mrz");
        }
    }

    vfy_mrz *m = malloc(sizeof *m);
    if (m == NULL) {
        fprintf(stderr, "vfy mrz: out of memory\n");
        return VFY_EXIT_USAGE;
    }
    vfy_detail detail;
    vfy_detail_clear(&detail);
    vfy_status s;
    if (optind < argc) {
        s = vfy_mrz_parse_lines((const char *const *)(argv + optind), (size_t)(argc - optind),
                                &options, m, &detail);
    } else {
        char *text = NULL;
        size_t len = 0;
        s = cli_read_stream(stdin, MRZ_STDIN_MAX, &text, &len);
        if (s != VFY_OK) {
            fprintf(stderr, "vfy mrz: cannot read standard input: %s\n", vfy_strerror(s));
            free(m);
            return VFY_EXIT_USAGE;
        }
        s = vfy_mrz_parse(text, len, &options, m, &detail);
        sodium_memzero(text, len);
        free(text);
    }
    int rc;
    if (s != VFY_OK) {
        rc = report_failure(json, s, &detail);
    } else {
        if (json)
            print_json(m, options.repair);
        else if (cli_verbosity == CLI_QUIET)
            print_quiet(m);
        else
            print_table(m, options.repair);
        rc = m->valid ? VFY_EXIT_OK : VFY_EXIT_INVALID;
    }
    sodium_memzero(m, sizeof *m); /* the MRZ is the chip's access password */
    free(m);
    return rc;
}
