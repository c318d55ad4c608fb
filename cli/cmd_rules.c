/* vfy rules: key generation, signing, verification, summaries and eligibility decisions. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"

static void rules_usage(FILE *f)
{
    fprintf(f,
            "usage: vfy rules keygen --publisher NAME --out PREFIX\n"
            "       vfy rules sign --key PREFIX.key [--out FILE] RULES.json\n"
            "       vfy rules verify --rules-trust KEYS.json RULES.json...\n"
            "       vfy rules show [--rules-trust KEYS.json | --test-mode] RULES.json...\n"
            "       vfy rules eval --rules FILE|DIR... (--case CASE.json | --batch [CASES.jsonl])\n"
            "                      [--json] [--test-mode] [--rules-trust KEYS.json] [--pii]\n"
            "                      [--allow-development-key] [--full-trail] [--header]\n"
            "\n"
            "Production mode (the default) loads only rule sets signed by a key in --rules-trust\n"
            "(the same name as in vfy read; --trust is still accepted here) and\n"
            "refuses hypothetical and draft sets; --test-mode accepts them and every decision\n"
            "says so. --batch reads one case per line (JSON Lines, '-' or no file for standard\n"
            "input) and writes one decision per line, with a compact trail (rule and result;\n"
            "--full-trail for predicates and explanations); --header writes the time, library\n"
            "version and rule sets once, in a first line (libverify.rules-batch-header/1), and\n"
            "leaves them out of each decision. Sets signed with the development key are\n"
            "refused in production mode unless --allow-development-key (tests only; every\n"
            "decision then says so). The rule sets shipped are in " VFY_DATADIR "/rules,\n"
            "their publishers' public keys in " VFY_DATADIR "/rules/keys; the rule language\n"
            "is described in docs/rules.md of libverify's source.\n"
            "\n"
            "options of every subcommand:\n"
            CLI_VERBOSITY_HELP);
}

/* Collects the arguments after an option up to the next option. */
static int collect(int argc, char **argv, int i, const char **list, int max, int *n)
{
    while (i < argc && strncmp(argv[i], "--", 2) != 0 && *n < max)
        list[(*n)++] = argv[i++];
    return i;
}

static int fail(const char *cmd, vfy_status s, const vfy_detail *d)
{
    cli_report(cmd, s, d);
    return cli_exit_for_status(s);
}

/* A new file only (verify/files.h: 0600, no link, no overwrite), the text and a newline. */
static int write_file(const char *path, const char *text)
{
    size_t n = strlen(text);
    char *line = malloc(n + 1);
    if (line == NULL)
        return VFY_EXIT_USAGE;
    memcpy(line, text, n);
    line[n] = '\n';
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_write_new_file(path, (const uint8_t *)line, n + 1, &d);
    sodium_memzero(line, n + 1); /* the secret key's text */
    free(line);
    if (s != VFY_OK) {
        cli_report("rules", s, &d);
        return VFY_EXIT_USAGE;
    }
    return VFY_EXIT_OK;
}

static int cmd_keygen(int argc, char **argv)
{
    const char *publisher = NULL, *prefix = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--publisher") == 0 && i + 1 < argc)
            publisher = argv[++i];
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            prefix = argv[++i];
        else
            return cli_unknown_option("rules keygen", argv[i]);
    }
    if (publisher == NULL || prefix == NULL || strlen(prefix) > 4000) {
        fprintf(stderr, "vfy rules keygen: --publisher NAME and --out PREFIX (at most 4000 bytes) are needed\n");
        return cli_usage_hint("rules keygen");
    }
    char *sec = NULL, *pub = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_rules_keygen(publisher, &sec, &pub, &d);
    if (s != VFY_OK)
        return fail("rules keygen", s, &d);
    char path[4096 + 8];
    snprintf(path, sizeof path, "%s.key", prefix);
    int rc = write_file(path, sec);
    if (rc == VFY_EXIT_OK) {
        snprintf(path, sizeof path, "%s.pub", prefix);
        rc = write_file(path, pub);
    }
    if (rc == VFY_EXIT_OK)
        printf("wrote %s.key (secret: keep it offline) and %s.pub (for trust files)\n", prefix, prefix);
    vfy_free_secret(sec);
    vfy_free(pub);
    return rc;
}

static int read_or_report(const char *cmd, const char *path, size_t max, char **buf, size_t *len)
{
    vfy_status s = cli_read_file(path, max, buf, len);
    if (s != VFY_OK) {
        vfy_detail d;
        cli_detail(&d, s, "", "cannot read %s", path);
        cli_report(cmd, s, &d);
        return VFY_EXIT_USAGE;
    }
    return VFY_EXIT_OK;
}

static int cmd_sign(int argc, char **argv)
{
    const char *key = NULL, *out = NULL, *in = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
            key = argv[++i];
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (in == NULL && strncmp(argv[i], "--", 2) != 0)
            in = argv[i];
        else
            return cli_unknown_option("rules sign", argv[i]);
    }
    if (key == NULL || in == NULL) {
        fprintf(stderr, "vfy rules sign: --key PREFIX.key and the RULES.json to sign are needed\n");
        return cli_usage_hint("rules sign");
    }
    char *kbuf = NULL, *rbuf = NULL, *signed_text = NULL;
    size_t klen = 0, rlen = 0, slen = 0;
    int rc = read_or_report("rules sign", key, 1 << 16, &kbuf, &klen);
    if (rc == VFY_EXIT_OK)
        rc = read_or_report("rules sign", in, VFY_RULES_MAX_FILE, &rbuf, &rlen);
    if (rc == VFY_EXIT_OK) {
        vfy_detail d;
        vfy_detail_clear(&d);
        vfy_status s = vfy_rules_sign(rbuf, rlen, kbuf, klen, &signed_text, &slen, &d);
        if (s != VFY_OK) {
            rc = fail("rules sign", s, &d);
        } else if (out == NULL) {
            fwrite(signed_text, 1, slen, stdout);
        } else {
            vfy_detail_clear(&d);
            s = vfy_write_new_file(out, (const uint8_t *)signed_text, slen, &d);
            if (s != VFY_OK) {
                cli_report("rules sign", s, &d);
                rc = VFY_EXIT_USAGE;
            }
        }
    }
    if (kbuf != NULL)
        memset(kbuf, 0, klen);
    free(kbuf);
    free(rbuf);
    vfy_free(signed_text);
    return rc;
}

static int load_trust(const char *cmd, const char *path, vfy_rules_trust **trust)
{
    *trust = NULL;
    if (path == NULL)
        return VFY_EXIT_OK;
    char *buf;
    size_t len;
    int rc = read_or_report(cmd, path, 1 << 16, &buf, &len);
    if (rc != VFY_EXIT_OK)
        return VFY_EXIT_CONFIG;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_rules_trust_load(buf, len, trust, &d);
    free(buf);
    return s == VFY_OK ? VFY_EXIT_OK : fail(cmd, s, &d);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds one file, or every *.json file of a directory in name order. `fatal` is set
 * when a set fails for a reason other than its status (a status refusal only drops
 * that set, and is reported in the decision). */
static int add_path(const char *cmd, vfy_rules_builder *b, const char *path, bool *fatal, bool quiet)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        DIR *dir = opendir(path);
        if (dir == NULL) {
            vfy_detail d;
            cli_detail(&d, VFY_E_IO, "", "cannot open the directory %s", path);
            cli_report(cmd, VFY_E_IO, &d);
            return VFY_EXIT_USAGE;
        }
        char *names[64];
        int n = 0;
        struct dirent *de;
        while ((de = readdir(dir)) != NULL && n < 64) {
            size_t l = strlen(de->d_name);
            if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0)
                names[n++] = strdup(de->d_name);
        }
        closedir(dir);
        qsort(names, (size_t)n, sizeof names[0], cmp_str);
        int rc = VFY_EXIT_OK;
        for (int i = 0; i < n; i++) {
            char full[4096];
            if (names[i] != NULL && rc == VFY_EXIT_OK) {
                snprintf(full, sizeof full, "%s/%s", path, names[i]);
                rc = add_path(cmd, b, full, fatal, quiet);
            }
            free(names[i]);
        }
        return rc;
    }
    char *buf;
    size_t len;
    int rc = read_or_report(cmd, path, VFY_RULES_MAX_FILE, &buf, &len);
    if (rc != VFY_EXIT_OK)
        return VFY_EXIT_CONFIG;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_rules_builder_add(b, buf, len, path, &d);
    free(buf);
    if (s == VFY_OK)
        return VFY_EXIT_OK;
    if (!quiet || s != VFY_E_RULES_STATUS) {
        char label[4200];
        snprintf(label, sizeof label, "%s: %s", cmd, path);
        cli_report(label, s, &d);
    }
    if (s != VFY_E_RULES_STATUS)
        *fatal = true;
    return VFY_EXIT_OK;
}

int cli_rules_engine(const char *cmd, const char **paths, int n, const char *trust_path, bool allow_dev,
                        bool test_mode, bool quiet, vfy_rules_trust **trust, vfy_rules_engine **engine)
{
    *engine = NULL;
    if (!test_mode && trust_path == NULL) {
        vfy_detail d;
        cli_detail(&d, VFY_E_CONFIG, "--rules-trust",
                   "production mode needs --rules-trust KEYS.json (the publishers whose signed rule "
                   "sets you accept); --test-mode is for tests only");
        cli_report(cmd, VFY_E_CONFIG, &d);
        return VFY_EXIT_CONFIG;
    }
    int rc = load_trust(cmd, trust_path, trust);
    if (rc != VFY_EXIT_OK)
        return rc;
    vfy_rules_builder *b;
    vfy_status s = vfy_rules_builder_new(test_mode ? VFY_RULES_TEST : VFY_RULES_PRODUCTION, *trust, &b);
    if (s == VFY_OK && allow_dev)
        s = vfy_rules_builder_allow_development_key(b);
    if (s != VFY_OK) {
        vfy_rules_builder_free(b);
        return fail(cmd, s, NULL);
    }
    bool fatal = false;
    for (int i = 0; i < n && rc == VFY_EXIT_OK; i++)
        rc = add_path(cmd, b, paths[i], &fatal, quiet);
    if (rc != VFY_EXIT_OK || fatal) {
        vfy_rules_builder_free(b);
        return rc != VFY_EXIT_OK ? rc : VFY_EXIT_CONFIG;
    }
    vfy_detail d;
    vfy_detail_clear(&d);
    s = vfy_rules_build(b, engine, &d);
    return s == VFY_OK ? VFY_EXIT_OK : fail(cmd, s, &d);
}

static int cmd_verify_or_show(int argc, char **argv, bool show)
{
    const char *cmd = show ? "rules show" : "rules verify";
    const char *trust_path = NULL, *files[64];
    int n = 0;
    bool test_mode = false;
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "--rules-trust") == 0 || strcmp(argv[i], "--trust") == 0) && i + 1 < argc)
            trust_path = argv[++i];
        else if (show && strcmp(argv[i], "--test-mode") == 0)
            test_mode = true;
        else if (strncmp(argv[i], "--", 2) != 0 && n < 64)
            files[n++] = argv[i];
        else
            return cli_unknown_option(cmd, argv[i]);
    }
    if (n == 0) {
        fprintf(stderr, "vfy %s: name at least one RULES.json\n", cmd);
        return cli_usage_hint(cmd);
    }
    vfy_rules_trust *trust = NULL;
    vfy_rules_engine *e = NULL;
    /* verify and show decide nothing: a development signature is reported, not refused. */
    int rc = cli_rules_engine(cmd, files, n, trust_path, true, test_mode, false, &trust, &e);
    if (rc == VFY_EXIT_OK && vfy_rules_engine_rejected_count(e) > 0)
        rc = VFY_EXIT_CONFIG;
    if (e != NULL && show) {
        char *text = vfy_rules_engine_summary(e);
        if (text != NULL)
            fputs(text, stdout);
        vfy_free(text);
    } else if (e != NULL) {
        for (size_t i = 0; i < vfy_rules_engine_count(e); i++) {
            vfy_rules_set_info info;
            if (vfy_rules_engine_set(e, i, &info) == VFY_OK)
                printf("%s %s: signature verified (key %s), status %s, digest %s\n", info.id, info.version,
                       info.key_id != NULL ? info.key_id : "-", info.status, info.digest);
        }
    }
    vfy_rules_engine_free(e);
    vfy_rules_trust_free(trust);
    return rc;
}

void cli_rules_print(const vfy_rules_decision *dec)
{
    if (vfy_rules_decision_test_mode(dec))
        printf("TEST MODE: unsigned or hypothetical rule sets may have decided this\n");
    for (int dim = 0; dim < VFY_RULES_DIM_COUNT; dim++) {
        vfy_rules_outcome o;
        if (vfy_rules_decision_outcome(dec, (vfy_rules_dimension)dim, &o) != VFY_OK)
            continue;
        printf("%-16s %s [%s]", vfy_rules_dimension_name((vfy_rules_dimension)dim),
               o.value_text != NULL ? o.value_text : o.value_json, vfy_rules_modality_name(o.modality));
        if (o.winner_rule != NULL)
            printf(" by %s/%s", o.winner_ruleset, o.winner_rule);
        printf("\n");
        if (o.reason != NULL) {
            printf("    %s\n", o.reason);
            if (o.modality == VFY_MODALITY_NOT_APPLICABLE)
                continue; /* nothing was tried: the reason is the whole trail */
        }
        static const char *const labels[] = { "decides", "set aside", "does not apply", "suspended",
                                              "not in force", "may be granted", "holds", "not evaluated",
                                              "not applicable" };
        for (size_t i = 0; i < o.trail_length; i++) {
            vfy_rules_step st;
            if (vfy_rules_decision_step(dec, (vfy_rules_dimension)dim, i, &st) != VFY_OK)
                continue;
            if (st.result == VFY_RULES_STEP_NOT_IN_FORCE || st.result == VFY_RULES_STEP_NOT_APPLICABLE)
                continue;
            printf("    %-14s %s/%s %s [%s]", labels[st.result], st.ruleset ? st.ruleset : "-",
                   st.rule ? st.rule : "-", st.legal_ref ? st.legal_ref : "", st.confidence ? st.confidence : "-");
            if (st.beat != NULL)
                printf(" (prevails over %s)", st.beat);
            if (st.explanation != NULL && st.explanation[0] != '\0')
                printf("\n                   %s", st.explanation);
            printf("\n");
        }
    }
    printf("\nLegend: [shall] an obligation, [entitled] a right, [may] the authority's discretion,\n"
           "[not_applicable] does not arise, [officer_review] an officer decides. Rule marks: [V] checked\n"
           "against the legal text, [S] official statement, secondary source or derived, [U] not verified.\n");
}

/* Evaluates one case text; prints the decision; returns an exit code. */
static int eval_one(const vfy_rules_engine *e, const char *text, size_t len, bool json, bool pii)
{
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_rules_case *c = NULL;
    vfy_status s = vfy_rules_case_parse(text, len, &c, &d);
    vfy_rules_decision *dec = NULL;
    vfy_rules_eval_options opt = { .include_pii = pii };
    if (s == VFY_OK)
        s = vfy_rules_evaluate(e, c, &opt, &dec, &d);
    vfy_rules_case_free(c);
    if (s != VFY_OK) {
        /* --json: the refusal is the one error object on standard output. */
        if (json)
            cli_print_json(cli_error_json(s, &d));
        else
            cli_report("rules eval", s, &d);
        return cli_exit_for_status(s);
    }
    if (json) {
        char *out = vfy_rules_decision_json(dec, 2);
        if (out != NULL)
            puts(out);
        vfy_free(out);
    } else {
        cli_rules_print(dec);
    }
    vfy_rules_decision_free(dec);
    return VFY_EXIT_OK;
}

/* Reads one line into `buf` (at most `cap` - 1 bytes, NUL-terminated, without its end
 * of line). A longer line is consumed to its end without being kept, so that no more
 * than one bounded line is ever held: returns 1 for a line, 2 for an over-long line,
 * 0 at the end of the input. */
static int read_line(FILE *f, char *buf, size_t cap, size_t *len)
{
    size_t n = 0;
    bool over = false, any = false;
    int ch;
    while ((ch = getc_unlocked(f)) != EOF) {
        any = true;
        if (ch == '\n')
            break;
        if (n + 1 < cap)
            buf[n++] = (char)ch;
        else
            over = true;
    }
    if (!any)
        return 0;
    while (n > 0 && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    *len = n;
    return over ? 2 : 1;
}

/* One refused line of a batch: the library's error object and the line number. */
static void batch_error(vfy_status s, const vfy_detail *d, size_t line_no)
{
    json_t *err = cli_error_json(s, d);
    if (line_no > 0) /* 0: the batch as a whole (its file cannot be opened) */
        json_object_set_new(err, "line", json_integer((json_int_t)line_no));
    char *t = json_dumps(err, JSON_COMPACT);
    puts(t != NULL ? t : "{}");
    free(t);
    json_decref(err);
}

/* --batch: one case per line in, one decision per line out, through one workspace (no
 * JSON tree per decision; the library writes each line). With --header the metadata
 * goes once into a first line and the decisions leave it out. */
static int run_batch(const vfy_rules_engine *e, const char *path, bool pii, bool compact, bool header)
{
    FILE *f = path == NULL || strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (f == NULL) {
        vfy_detail d;
        cli_detail(&d, VFY_E_IO, "--batch", "cannot open %s", path);
        cli_report("rules eval", VFY_E_IO, &d);
        batch_error(VFY_E_IO, &d, 0);
        return VFY_EXIT_USAGE;
    }
    /* One line of at most VFY_RULES_MAX_CASE bytes is held at a time. */
    size_t cap = (size_t)VFY_RULES_MAX_CASE + 2, len = 0, line_no = 0;
    char *line = malloc(cap), *members = malloc(cap + 64);
    vfy_rules_workspace *ws = NULL;
    if (line == NULL || members == NULL || vfy_rules_workspace_new(e, &ws) != VFY_OK) {
        free(line);
        free(members);
        if (f != stdin)
            fclose(f);
        return VFY_EXIT_USAGE;
    }
    int rc = VFY_EXIT_OK, r;
    /* Decisions are a few KiB each: from a file, a large stdio buffer makes one write of
     * many lines. From a pipe or a terminal the default buffering is kept, so that a
     * program feeding cases one at a time gets each decision without waiting for more. */
    static char out_buffer[1u << 18];
    struct stat in_st;
    if (fstat(fileno(f), &in_st) == 0 && S_ISREG(in_st.st_mode))
        setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
    if (header) {
        char *h = vfy_rules_batch_header_json(e, time(NULL));
        if (h == NULL)
            rc = VFY_EXIT_USAGE;
        else
            puts(h);
        vfy_free(h);
    }
    vfy_rules_eval_options opt = { .include_pii = pii, .compact_trail = compact };
    while ((r = read_line(f, line, cap, &len)) != 0) {
        line_no++;
        if (r == 2 || len > VFY_RULES_MAX_CASE) {
            vfy_detail d;
            cli_detail(&d, VFY_E_LIMIT, "", "the case line is longer than %u bytes", VFY_RULES_MAX_CASE);
            batch_error(VFY_E_LIMIT, &d, line_no);
            rc = VFY_EXIT_USAGE;
            continue;
        }
        if (len == 0)
            continue;
        vfy_detail d;
        vfy_detail_clear(&d);
        vfy_rules_case *c = NULL;
        vfy_status s = vfy_rules_case_parse(line, len, &c, &d);
        if (s == VFY_OK)
            s = vfy_rules_evaluate_into(e, c, &opt, ws, &d);
        if (s == VFY_OK) {
            /* The case id (never personal data) ties an output line to its input line. */
            snprintf(members, cap + 64, "\"case_id\":%s,\"line\":%zu", vfy_rules_case_id_json(c), line_no);
            s = vfy_rules_workspace_write(ws, header ? VFY_RULES_JSON_NO_METADATA : 0, members, stdout);
            if (s != VFY_OK) {
                vfy_rules_case_free(c);
                fprintf(stderr, "vfy rules eval: cannot write the decisions\n");
                rc = VFY_EXIT_USAGE;
                break;
            }
        } else {
            batch_error(s, &d, line_no);
            rc = VFY_EXIT_USAGE;
        }
        vfy_rules_case_free(c);
    }
    vfy_rules_workspace_free(ws);
    free(line);
    free(members);
    if (f != stdin)
        fclose(f);
    return rc;
}

static int cmd_eval(int argc, char **argv)
{
    const char *rules[64], *case_path = NULL, *trust_path = NULL, *batch_path = NULL;
    int n_rules = 0;
    bool json = false, test_mode = false, pii = false, batch = false, allow_dev = false, full_trail = false,
         header = false;
    for (int i = 1; i < argc;) {
        if (strcmp(argv[i], "--rules") == 0) {
            int before = n_rules;
            i = collect(argc, argv, i + 1, rules, 64, &n_rules);
            if (n_rules == before)
                return cli_unknown_option("rules eval", argv[i - 1]);
            continue;
        }
        if (strcmp(argv[i], "--case") == 0 && i + 1 < argc)
            case_path = argv[++i];
        else if ((strcmp(argv[i], "--rules-trust") == 0 || strcmp(argv[i], "--trust") == 0) && i + 1 < argc)
            trust_path = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--test-mode") == 0)
            test_mode = true;
        else if (strcmp(argv[i], "--pii") == 0)
            pii = true;
        else if (strcmp(argv[i], "--allow-development-key") == 0)
            allow_dev = true;
        else if (strcmp(argv[i], "--full-trail") == 0)
            full_trail = true;
        else if (strcmp(argv[i], "--header") == 0)
            header = true;
        else if (strcmp(argv[i], "--batch") == 0) {
            batch = true;
            if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
                batch_path = argv[++i];
        } else {
            return cli_unknown_option("rules eval", argv[i]);
        }
        i++;
    }
    const char *missing = n_rules == 0                      ? "--rules FILE|DIR... is needed"
                          : case_path == NULL && !batch     ? "give --case CASE.json or --batch [CASES.jsonl]"
                          : case_path != NULL && batch      ? "--case and --batch exclude each other"
                          : header && !batch                ? "--header goes with --batch only"
                                                            : NULL;
    if (missing != NULL) {
        fprintf(stderr, "vfy rules eval: %s\n", missing);
        return cli_usage_hint("rules eval");
    }
    vfy_rules_trust *trust = NULL;
    vfy_rules_engine *e = NULL;
    int rc = cli_rules_engine("rules eval", rules, n_rules, trust_path, allow_dev, test_mode, true, &trust, &e);
    if (rc != VFY_EXIT_OK && json)
        cli_print_reported_error(VFY_E_CONFIG); /* --json: the one error object, too */
    if (rc == VFY_EXIT_OK) {
        for (size_t i = 0; i < vfy_rules_engine_rejected_count(e); i++) {
            const char *label, *reason;
            vfy_status st;
            if (vfy_rules_engine_rejected(e, i, &label, &st, &reason) == VFY_OK && !json && !batch)
                fprintf(stderr, "vfy rules eval: not used: %s: %s\n", label, reason);
        }
        if (batch) {
            rc = run_batch(e, batch_path, pii, !full_trail, header);
        } else {
            char *text;
            size_t len;
            rc = read_or_report("rules eval", case_path, VFY_RULES_MAX_CASE, &text, &len);
            if (rc != VFY_EXIT_OK && json)
                cli_print_reported_error(VFY_E_IO);
            if (rc == VFY_EXIT_OK) {
                rc = eval_one(e, text, len, json, pii);
                free(text);
            }
        }
    }
    vfy_rules_engine_free(e);
    vfy_rules_trust_free(trust);
    return rc;
}

int cmd_rules(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        rules_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? VFY_EXIT_USAGE : VFY_EXIT_OK;
    }
    const char *sub = argv[1];
    /* `vfy rules SUB --help` (the hint after a bad option points there). */
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            rules_usage(stdout);
            return VFY_EXIT_OK;
        }
    if (strcmp(sub, "keygen") == 0)
        return cmd_keygen(argc - 1, argv + 1);
    if (strcmp(sub, "sign") == 0)
        return cmd_sign(argc - 1, argv + 1);
    if (strcmp(sub, "verify") == 0)
        return cmd_verify_or_show(argc - 1, argv + 1, false);
    if (strcmp(sub, "show") == 0)
        return cmd_verify_or_show(argc - 1, argv + 1, true);
    if (strcmp(sub, "eval") == 0)
        return cmd_eval(argc - 1, argv + 1);
    fprintf(stderr, "vfy rules: unknown subcommand '%s'\n", sub);
    rules_usage(stderr);
    return VFY_EXIT_USAGE;
}
