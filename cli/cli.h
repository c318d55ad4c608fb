/*
 * vfy — the command-line front end. Argument parsing and printing only: every
 * decision is made by the library through its public API.
 */
#ifndef VFY_CLI_H
#define VFY_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "verify.h"

/* Exit codes of every vfy command (documented in vfy --help and vfy(1)). */
enum vfy_exit {
    VFY_EXIT_OK = 0,          /* success, or the document is valid / genuine */
    VFY_EXIT_INVALID = 1,     /* the document was examined and found invalid */
    VFY_EXIT_USAGE = 2,       /* usage error or unreadable input */
    VFY_EXIT_READER = 3,      /* reader, card or access-control failure */
    VFY_EXIT_CONFIG = 4,      /* configuration or trust-store problem; unverified */
};

/* The exit code a failure status maps to. */
int cli_exit_for_status(vfy_status status);

/* Prints "vfy CMD: <sentence>: <detail message>" to stderr. */
void cli_report(const char *cmd, vfy_status status, const vfy_detail *detail);

/* Prints a JSON value to stdout, indented, with a newline; takes ownership. */
void cli_print_json(json_t *value);

/* {"error": NAME, "message": TEXT} plus the detail's field/offset where known. */
json_t *cli_error_json(vfy_status status, const vfy_detail *detail);

/* Reads all of a stream (at most max bytes) into a new buffer; NUL-terminated. */
vfy_status cli_read_stream(FILE *f, size_t max, char **out, size_t *len);
/* Reads a file, or standard input for "-". */
vfy_status cli_read_file(const char *path, size_t max, char **out, size_t *len);

struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);   /* argv[0] is the command name */
    const char *summary;
};

/* Verdicts (cli/verdict_out.c): JSON keys "verdict", "summary", "checks", "signer" added
 * to obj; a text table; the exit code (0 genuine, 1 invalid, 4 unverified). */
void cli_verdict_add_json(json_t *obj, const vfy_verdict *v);
void cli_verdict_print(FILE *f, const vfy_verdict *v);
int cli_verdict_exit(const vfy_verdict *v);
/* A trust store from --trust paths (NULL when count is 0); failures are reported. */
vfy_status cli_load_trust(const char *cmd, char **paths, size_t count, vfy_trust **out);

/* An MRZ as the JSON object of `vfy mrz --json` (cli/mrz_json.c); repair adds the
 * proposed repairs and the lines. */
json_t *cli_mrz_json(const vfy_mrz *m, bool repair);
/* ISO 8601 of a date, reduced to its known leading parts; NULL when the year is unknown. */
const char *cli_mrz_date_text(vfy_date d, char buf[11]);

/* One function per command, each in cli/cmd_NAME.c. */
int cmd_version(int argc, char **argv);
int cmd_mrz(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_trust(int argc, char **argv);
int cmd_specimen(int argc, char **argv);
int cmd_seal(int argc, char **argv);
int cmd_read(int argc, char **argv);

#endif
