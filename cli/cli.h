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

/* One function per command, each in cli/cmd_NAME.c. */
int cmd_version(int argc, char **argv);
int cmd_mrz(int argc, char **argv);
int cmd_rules(int argc, char **argv);

#endif
