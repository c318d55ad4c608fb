/*
 * vfy — the command-line front end. Argument parsing and printing only: every
 * decision is made by the library through its public API.
 */
#ifndef VFY_CLI_H
#define VFY_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "verify.h"
#include "verify/sim.h"
#include "vfy_datadir.h" /* VFY_DATADIR: where make install puts the data (build/gen) */

/* Exit codes of every vfy command (documented in vfy --help and vfy(1)). */
enum vfy_exit {
    VFY_EXIT_OK = 0,          /* success, or the document is valid / genuine */
    VFY_EXIT_INVALID = 1,     /* the document was examined and found invalid */
    VFY_EXIT_USAGE = 2,       /* usage error or unreadable input */
    VFY_EXIT_READER = 3,      /* reader, card or access-control failure */
    VFY_EXIT_CONFIG = 4,      /* configuration or trust-store problem; unverified */
};

/* `--mrz L1 L2 [L3]`: the lines given as separate arguments are joined (with newlines,
 * into `joined`) into the one argument every command's --mrz takes, so that every
 * command accepts both forms. Only arguments that can only be MRZ lines are joined.
 * Returns the new argc. */
int cli_join_mrz_args(int argc, char **argv, char *joined, size_t cap);

/* Wipes (the MRZ holds the chip's access password) and frees a parsed MRZ. */
void cli_free_mrz(vfy_mrz *mrz);

/* --crl-policy warn|fail; false (with a message) for anything else. */
bool cli_parse_crl_policy(const char *cmd, const char *text, vfy_crl_policy *out);

/* The exit code a failure status maps to. */
int cli_exit_for_status(vfy_status status);

/* Prints "vfy CMD: <sentence>: <detail message>" to stderr. */
void cli_report(const char *cmd, vfy_status status, const vfy_detail *detail);

/* Fills a detail for a failure the CLI itself found (a file it could not read ...). */
void cli_detail(vfy_detail *d, vfy_status status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* DG1's MRZ of a document, parsed; false when there is none that parses. */
bool cli_dg1_mrz(const vfy_document *doc, vfy_mrz *mrz);

/* Prints a JSON value to stdout, indented, with a newline; takes ownership. */
void cli_print_json(json_t *value);

/* {"error": NAME, "message": TEXT} plus the detail's field/offset where known. */
json_t *cli_error_json(vfy_status status, const vfy_detail *detail);
/* Prints JSON text the library serialized (then vfy_free); NULL means out of memory. */
void cli_print_library_json(char *text);

/* A date YYYY-MM-DD (noon UTC); false when it is not one. */
bool cli_parse_date(const char *text, time_t *out);

/* After a bad option: one line pointing at the command's --help; returns VFY_EXIT_USAGE. */
int cli_usage_hint(const char *cmd);
/* An option the command does not know (or lacks its value): that line and the hint. */
int cli_unknown_option(const char *cmd, const char *arg);
/* --json after a failure that cli_report printed: the same failure as the one error
 * object (libverify.error/1) on standard output; `fallback` when none was reported. */
void cli_print_reported_error(vfy_status fallback);

/* A UTC day, YYYY-MM-DD, or "-" for 0. */
void cli_format_day(time_t t, char buf[11]);

/* Reads all of a stream (at most max bytes) into a new buffer; NUL-terminated. */
vfy_status cli_read_stream(FILE *f, size_t max, char **out, size_t *len);
/* Reads a file, or standard input for "-". */
vfy_status cli_read_file(const char *path, size_t max, char **out, size_t *len);

struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);   /* argv[0] is the command name */
    const char *summary;
    bool quiet_self;   /* handles -q itself: prints its verdict line (else stdout is silenced) */
};

/* Inspections (cli/inspection_out.c): the JSON keys "verdict" (the overall outcome),
 * "document_verdict", "gate", "summary", "live", "time", "time_source", "checks" (an
 * array of {id, status, code, reason}), "warnings", "signer", and "seal_verdict"/"seal",
 * "eligibility", "face_match" when present, added to obj; or a text table. The exit
 * code is the library's (vfy_inspection_exit_code). */
void cli_inspection_add_json(json_t *obj, const vfy_inspection *r);
void cli_inspection_print(FILE *f, const vfy_inspection *r);
/* A trust store from --trust paths (NULL when count is 0); failures are reported. */
vfy_status cli_load_trust(const char *cmd, char **paths, size_t count, vfy_trust **out);

/* Seals (cli/cmd_seal.c): the text of a result (its JSON is the library's,
 * vfy_seal_result_to_json), the exit code of a verdict; hex text decoded in place. */
void cli_seal_print(const vfy_seal_result *r, bool passport_given);
int cli_seal_exit(vfy_seal_verdict v);
bool cli_unhex(char *text, size_t len, size_t *out_len);

/* Rules (cli/cmd_rules.c): an engine from rule-set files (production mode needs the
 * publisher keys in trust_path); a decision as text. Returns an exit code. */
int cli_rules_engine(const char *cmd, const char **paths, int n, const char *trust_path, bool allow_dev,
                     bool test_mode, bool quiet, vfy_rules_trust **trust, vfy_rules_engine **engine);
void cli_rules_print(const vfy_rules_decision *dec);

/* The parts of `vfy read` beyond the read itself (cli/read_checks.c). */
struct read_checks {
    char **trust_paths;         /* --trust */
    size_t trust_count;
    const char *photo;          /* --photo FILE */
    const char *case_path;      /* --case CASE.json */
    const char **rules;         /* --rules FILE... */
    int rules_count;
    const char *rules_trust;    /* --rules-trust KEYS.json */
    bool test_mode;             /* --test-mode (rule sets) */
    bool allow_dev_key;         /* --allow-development-key (rule sets, tests only) */
    const char *seal;           /* --seal FILE */
    bool seal_hex;              /* --seal-hex */
};
/* What the inspection needs besides the chip, loaded before any reader is touched. */
struct read_inputs {
    vfy_trust *trust;
    char *seal;
    size_t seal_len;
    vfy_rules_trust *rules_keys;
    vfy_rules_engine *engine;
    vfy_rules_case *eligibility_case;
};
/* Loads the trust store, the seal and the case with its rule sets; returns an exit code
 * (2 for unreadable input, 4 for a trust store or rule set that cannot be loaded). */
int cli_read_prepare(const struct read_checks *rc, struct read_inputs *in);
/* Points the inspection options at the loaded inputs. */
void cli_read_options(const struct read_inputs *in, const vfy_mrz *opened_with,
                      vfy_inspect_options *o);
void cli_read_inputs_free(struct read_inputs *in);
/* Writes DG2's first face image as stored; adds "photo" (or "photo_error") to out, or
 * prints a line. Returns an exit code. */
int cli_save_photo(const char *path, const vfy_document *doc, json_t *out);

/* --audit LOG --audit-key KEY [--audit-lookup-key FILE] [--kiosk-id ID] on read, verify
 * and kiosk (cli/cmd_audit.c): each inspection is appended to the log before it is
 * reported, and a failed append is an error (the inspection is then not reported). */
enum { CLI_OPT_AUDIT = 0x1000, CLI_OPT_AUDIT_KEY, CLI_OPT_AUDIT_LOOKUP, CLI_OPT_KIOSK_ID };
#define CLI_AUDIT_LONGOPTS \
    { "audit", required_argument, NULL, CLI_OPT_AUDIT }, \
    { "audit-key", required_argument, NULL, CLI_OPT_AUDIT_KEY }, \
    { "audit-lookup-key", required_argument, NULL, CLI_OPT_AUDIT_LOOKUP }, \
    { "kiosk-id", required_argument, NULL, CLI_OPT_KIOSK_ID }
#define CLI_AUDIT_HELP \
    "  --audit LOG          record the inspection in the audit log LOG (created when missing)\n" \
    "  --audit-key KEY      the kiosk's signing key ('vfy audit keygen')\n" \
    "  --audit-lookup-key F the lookup key that hashes document number and birth date\n" \
    "  --kiosk-id ID        the kiosk's name in the records (default: the host name)\n"
struct cli_audit {
    const char *log, *key, *lookup, *kiosk_id;
    vfy_audit_key *signing;
    vfy_audit_lookup_key *lookup_key;
    vfy_audit_log *open;
};
/* True when `opt` was one of the audit options (then stored). */
bool cli_audit_option(int opt, const char *arg, struct cli_audit *a);
/* Loads the keys and opens the log when --audit was given; returns an exit code. */
int cli_audit_open(const char *cmd, struct cli_audit *a, const char *reader);
/* Appends the inspection (nothing without --audit); returns an exit code. */
int cli_audit_record(const char *cmd, struct cli_audit *a, const vfy_inspection *r);
/* Checkpoints, closes and frees; returns an exit code. */
int cli_audit_close(const char *cmd, struct cli_audit *a);

/* -q / -v on every command, taken out of argv by main (cli/main.c) before the command
 * parses its options: quiet prints only the verdict (or nothing) and errors, verbose adds
 * each phase (every file read, every policy decision). */
enum cli_verbosity { CLI_QUIET = -1, CLI_NORMAL = 0, CLI_VERBOSE = 1 };
extern enum cli_verbosity cli_verbosity;
#define CLI_VERBOSITY_HELP \
    "  -q, --quiet          print only the verdict (or nothing) and errors\n" \
    "  -v, --verbose        print every phase: each file read, each policy decision\n"

/* --progress[=bar|json] (cli/progress.c): a line rewritten in place on a terminal, or one
 * JSON event per line on stderr (docs/schema/progress-event.schema.json). */
enum cli_progress_mode {
    CLI_PROGRESS_OFF = 0,
    CLI_PROGRESS_BAR,    /* --progress: one line rewritten in place, on a terminal only */
    CLI_PROGRESS_JSON,   /* --progress=json */
    CLI_PROGRESS_LINES,  /* -v: one line per file read */
};
struct cli_progress {
    enum cli_progress_mode mode;
    const char *cmd;       /* "vfy read" */
    char file[24];         /* the file last reported */
    int percent;
    bool drawn;            /* a bar line is on the terminal */
};
#define CLI_PROGRESS_HELP \
    "  --progress[=json]    show the read: a line with the file and its percentage on a\n" \
    "                       terminal; =json: one JSON event per line on standard error\n"
/* Parses --progress's optional argument ("bar", "json"); false (with a message) otherwise. */
bool cli_progress_parse(const char *cmd, const char *arg, struct cli_progress *p);
/* A vfy_progress_fn; ctx is the struct cli_progress. */
bool cli_progress_update(void *ctx, const char *file, size_t done, size_t total);
/* Clears the terminal line, or emits the final JSON event ("done" or "failed"). */
void cli_progress_finish(struct cli_progress *p, bool ok);

/* One function per command, each in cli/cmd_NAME.c. */
int cmd_version(int argc, char **argv);
int cmd_mrz(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_trust(int argc, char **argv);
int cmd_trust_import(int argc, char **argv);
int cmd_trust_status(int argc, char **argv);
int cmd_specimen(int argc, char **argv);
int cmd_seal(int argc, char **argv);
int cmd_read(int argc, char **argv);
int cmd_readers(int argc, char **argv);
int cmd_kiosk(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_audit(int argc, char **argv);

#endif
