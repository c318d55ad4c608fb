/* vfy audit: keys, verification, checkpoints, reading, pruning and rotation of the audit
 * trail (verify/audit.h, docs/audit.md); and the --audit options that vfy read, verify
 * and kiosk share. Parsing and printing only: the library writes and judges. */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define CHECKPOINT_TEXT_MAX 1024

static void audit_usage(FILE *f)
{
    fprintf(f,
            "usage: vfy audit keygen --out KIOSK [--lookup]\n"
            "       vfy audit verify --key KIOSK.pub LOG [--checkpoint FILE]\n"
            "       vfy audit checkpoint LOG\n"
            "       vfy audit show LOG [--since DATE] [--document NUMBER --lookup-key FILE] [--json]\n"
            "       vfy audit export --jsonl LOG [--since DATE]\n"
            "       vfy audit prune LOG --key KIOSK [--lookup-key FILE] --before DATE\n"
            "       vfy audit rotate LOG --key KIOSK [--lookup-key FILE]\n"
            "                        (--new-key NEWKIOSK | --new-lookup-key NEWFILE)\n"
            "       vfy audit change LOG --key KIOSK [--lookup-key FILE] (--trust | --rules)\n"
            "                        --description TEXT [--digest HEX]\n"
            "\n"
            "The audit trail: one record per inspection (vfy read, verify, kiosk with --audit\n"
            "LOG --audit-key KIOSK [--audit-lookup-key FILE]) and per trust-store or rule-set\n"
            "change, chained by BLAKE2b hashes and checkpointed with the kiosk's Ed25519 key.\n"
            "No name, photo or MRZ is recorded; the document number and date of birth only as\n"
            "hashes keyed with the lookup key.\n"
            "\n"
            "  keygen      writes the signing key KIOSK (mode 0600) and KIOSK.pub; with --lookup,\n"
            "              a lookup key (0600, for auditors) at --out instead\n"
            "  verify      checks every record, the chain, the key rotations and the signed\n"
            "              checkpoints from the first key; --checkpoint: a line of 'vfy audit\n"
            "              checkpoint' kept elsewhere, which reveals a truncated tail\n"
            "  checkpoint  prints the log's latest signed checkpoint, one line\n"
            "  show        prints records (--since YYYY-MM-DD[THH:MM:SSZ], UTC); --document finds\n"
            "              one document's records with the lookup key\n"
            "  export      one JSON object per record and line, for a central collector\n"
            "  prune       removes records before DATE; signed checkpoints bridge the gap\n"
            "  rotate      introduces a new signing or lookup key by a record signed with the\n"
            "              key in force\n"
            "  change      records a trust-store (--trust) or rule-set (--rules) change\n"
            CLI_VERBOSITY_HELP
            "\n"
            "exit codes:\n"
            "  0  success; verify: the log is intact\n"
            "  1  verify: a record was modified, deleted, inserted or reordered, the tail was\n"
            "     truncated, or the log was signed by another key (the record is named)\n"
            "  2  usage error, or a log, key or checkpoint that cannot be read\n");
}

static int usage_error(const char *msg)
{
    fprintf(stderr, "vfy audit: %s\n", msg);
    return cli_usage_hint("audit");
}

/* YYYY-MM-DD (midnight UTC) or YYYY-MM-DDTHH:MM:SSZ. */
static bool parse_time(const char *s, time_t *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int used = 0;
    size_t n = strlen(s);
    if (n == 10) {
        if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &used) != 3 || used != 10)
            return false;
    } else if (n == 20) {
        if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                   &tm.tm_min, &tm.tm_sec, &used) != 6 || used != 20)
            return false;
    } else {
        return false;
    }
    if (tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
        tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = timegm(&tm);
    return *out != (time_t)-1;
}

static int report(const char *sub, vfy_status s, const vfy_detail *d)
{
    char cmd[32];
    snprintf(cmd, sizeof cmd, "audit %s", sub);
    cli_report(cmd, s, d);
    return s == VFY_E_AUDIT_TAMPERED ? VFY_EXIT_INVALID : VFY_EXIT_USAGE;
}

/* ---- keygen ------------------------------------------------------------------------ */

static int audit_keygen(const char *out, bool lookup)
{
    vfy_detail d = { 0 };
    char *secret = NULL, *pub = NULL;
    vfy_status s = lookup ? vfy_audit_lookup_keygen(&secret, &d) : vfy_audit_keygen(&secret, &pub, &d);
    if (s == VFY_OK)
        s = vfy_write_new_file(out, (const uint8_t *)secret, strlen(secret), &d);
    char pub_path[4096];
    if (s == VFY_OK && !lookup) {
        if ((size_t)snprintf(pub_path, sizeof pub_path, "%s.pub", out) >= sizeof pub_path) {
            s = VFY_E_INVALID_ARGUMENT;
            cli_detail(&d, s, "--out", "the path is too long");
        } else {
            s = vfy_write_new_file(pub_path, (const uint8_t *)pub, strlen(pub), &d);
        }
    }
    vfy_audit_text_wipe_free(secret);
    vfy_free(pub);
    if (s != VFY_OK)
        return report("keygen", s, &d);
    if (lookup)
        printf("lookup key: %s (mode 0600; give it to auditors only)\n", out);
    else
        printf("signing key: %s (mode 0600)\npublic key:  %s\n", out, pub_path);
    return VFY_EXIT_OK;
}

/* ---- verify, checkpoint ------------------------------------------------------------- */

static int audit_verify(const char *log, const char *key_path, const char *cp_path, bool json)
{
    vfy_detail d = { 0 };
    uint8_t pub[VFY_AUDIT_PUBLIC_KEY_BYTES];
    vfy_status s = vfy_audit_public_key_load(key_path, pub, &d);
    char *cp = NULL;
    size_t cp_len = 0;
    if (s == VFY_OK && cp_path != NULL) {
        s = cli_read_file(cp_path, CHECKPOINT_TEXT_MAX, &cp, &cp_len);
        if (s != VFY_OK)
            cli_detail(&d, s, "--checkpoint", "cannot read the checkpoint file %s", cp_path);
    }
    vfy_audit_verify_result r;
    if (s == VFY_OK)
        s = vfy_audit_verify(log, pub, cp, &r, &d);
    free(cp);
    if (s != VFY_OK) {
        if (json)
            cli_print_json(cli_error_json(s, &d));
        else
            cli_report("audit verify", s, &d);
        return VFY_EXIT_USAGE;
    }
    if (json) {
        json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I}", "schema", "libverify.audit-verify/1",
                              "log", log, "result",
                              vfy_audit_problem_name(r.problem), "records", (json_int_t)r.records,
                              "first", (json_int_t)r.first_seq, "last", (json_int_t)r.last_seq,
                              "checkpoints", (json_int_t)r.checkpoints, "pruned",
                              (json_int_t)r.pruned);
        if (r.problem != VFY_AUDIT_INTACT)
            json_object_set_new(o, "record", json_integer((json_int_t)r.record));
        json_object_set_new(o, "message", json_string(r.message));
        cli_print_json(o);
    } else if (r.problem == VFY_AUDIT_INTACT) {
        printf("%s: %s\n", log, r.message);
    } else {
        printf("%s: NOT INTACT (%s) at record %llu: %s\n", log, vfy_audit_problem_name(r.problem),
               (unsigned long long)r.record, r.message);
    }
    return r.problem == VFY_AUDIT_INTACT ? VFY_EXIT_OK : VFY_EXIT_INVALID;
}

static int audit_checkpoint(const char *log)
{
    vfy_detail d = { 0 };
    char *text = NULL;
    vfy_status s = vfy_audit_checkpoint_latest(log, &text, &d);
    if (s != VFY_OK)
        return report("checkpoint", s, &d);
    fputs(text, stdout);
    vfy_free(text);
    return VFY_EXIT_OK;
}

/* ---- show, export ------------------------------------------------------------------- */

struct show {
    bool jsonl;
    json_t *array;          /* --json: the records, printed once all were read */
    unsigned long long count;
};

static bool show_entry(void *ctx, const vfy_audit_entry *e)
{
    struct show *sh = ctx;
    if (sh->jsonl) {
        printf("%s\n", e->json);
    } else if (sh->array != NULL) {
        json_t *o = json_loads(e->json, 0, NULL);
        if (o == NULL)
            return false;
        json_array_append_new(sh->array, o);
    } else {
        char when[32];
        time_t t = e->time;
        struct tm tm;
        if (gmtime_r(&t, &tm) == NULL || strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
            snprintf(when, sizeof when, "?");
        printf("%6llu %s %-14s", (unsigned long long)e->seq, when, e->kind);
        if (strcmp(e->kind, "inspection") == 0)
            printf(" %-14s gate %-6s %-18s %zu checks, %zu failed%s", e->outcome, e->gate,
                   e->access, e->check_count, e->failed_checks,
                   e->has_document_hash ? "" : ", no document hash");
        else
            printf(" %s", e->event);
        printf("  [%s]\n", e->kiosk_id);
    }
    sh->count++;
    return true;
}

static int audit_show(const char *log, const char *since, const char *document,
                      const char *lookup_path, bool json, bool jsonl)
{
    vfy_audit_query q = VFY_AUDIT_QUERY_INIT;
    if (since != NULL && !parse_time(since, &q.since))
        return usage_error("--since wants YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)");
    if ((document != NULL) != (lookup_path != NULL))
        return usage_error("--document and --lookup-key go together");
    vfy_detail d = { 0 };
    vfy_audit_lookup_key *lookup = NULL;
    vfy_status s = VFY_OK;
    if (lookup_path != NULL)
        s = vfy_audit_lookup_key_load(lookup_path, &lookup, &d);
    q.document_number = document;
    q.lookup = lookup;
    struct show sh = { .jsonl = jsonl, .array = json ? json_array() : NULL };
    if (s == VFY_OK)
        s = vfy_audit_read(log, &q, show_entry, &sh, &d);
    if (s == VFY_OK && json)
        cli_print_json(sh.array);
    else
        json_decref(sh.array);
    vfy_audit_lookup_key_free(lookup);
    if (s != VFY_OK && json) {
        cli_print_json(cli_error_json(s, &d));
        return s == VFY_E_AUDIT_TAMPERED ? VFY_EXIT_INVALID : VFY_EXIT_USAGE;
    }
    if (s != VFY_OK)
        return report(jsonl ? "export" : "show", s, &d);
    if (!json && !jsonl && sh.count == 0)
        printf("no records%s\n", document != NULL ? " of that document" : "");
    return VFY_EXIT_OK;
}

/* ---- prune, rotate, change ------------------------------------------------------------ */

struct keys {
    vfy_audit_key *key;
    vfy_audit_lookup_key *lookup;
};

static vfy_status load_keys(const char *key_path, const char *lookup_path, struct keys *k,
                            vfy_detail *d)
{
    memset(k, 0, sizeof *k);
    vfy_status s = vfy_audit_key_load(key_path, &k->key, d);
    if (s == VFY_OK && lookup_path != NULL)
        s = vfy_audit_lookup_key_load(lookup_path, &k->lookup, d);
    return s;
}

static void free_keys(struct keys *k)
{
    vfy_audit_key_free(k->key);
    vfy_audit_lookup_key_free(k->lookup);
}

static int audit_prune(const char *log, const char *key_path, const char *lookup_path,
                       const char *before)
{
    time_t t;
    if (before == NULL || !parse_time(before, &t))
        return usage_error("prune needs --before YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)");
    vfy_detail d = { 0 };
    struct keys k;
    uint64_t removed = 0;
    vfy_status s = load_keys(key_path, lookup_path, &k, &d);
    if (s == VFY_OK)
        s = vfy_audit_prune(log, k.key, k.lookup, t, &removed, &d);
    free_keys(&k);
    if (s != VFY_OK)
        return report("prune", s, &d);
    printf("%llu records removed from %s; signed checkpoints bridge the gap\n",
           (unsigned long long)removed, log);
    return VFY_EXIT_OK;
}

static int audit_rotate(const char *log, const char *key_path, const char *lookup_path,
                        const char *new_key_path, const char *new_lookup_path)
{
    if ((new_key_path == NULL) == (new_lookup_path == NULL))
        return usage_error("rotate takes exactly one of --new-key and --new-lookup-key");
    vfy_detail d = { 0 };
    struct keys k;
    vfy_audit_key *new_key = NULL;
    vfy_audit_lookup_key *new_lookup = NULL;
    vfy_audit_log *l = NULL;
    vfy_status s = load_keys(key_path, lookup_path, &k, &d);
    if (s == VFY_OK && new_key_path != NULL)
        s = vfy_audit_key_load(new_key_path, &new_key, &d);
    if (s == VFY_OK && new_lookup_path != NULL)
        s = vfy_audit_lookup_key_load(new_lookup_path, &new_lookup, &d);
    if (s == VFY_OK)
        s = vfy_audit_open(log, k.key, k.lookup, NULL, &l, &d);
    if (s == VFY_OK)
        s = new_key != NULL ? vfy_audit_rotate_key(l, new_key, &d)
                            : vfy_audit_rotate_lookup_key(l, new_lookup, &d);
    vfy_status c = vfy_audit_close(l, s == VFY_OK ? &d : NULL);
    if (s == VFY_OK)
        s = c;
    vfy_audit_key_free(new_key);
    vfy_audit_lookup_key_free(new_lookup);
    free_keys(&k);
    if (s != VFY_OK)
        return report("rotate", s, &d);
    printf("%s: the %s key is rotated; use the new one from now on\n", log,
           new_key_path != NULL ? "signing" : "lookup");
    return VFY_EXIT_OK;
}

static int audit_change(const char *log, const char *key_path, const char *lookup_path, int which,
                        const char *description, const char *digest_hex)
{
    if (which == 0 || description == NULL)
        return usage_error("change needs --trust or --rules, and --description");
    uint8_t digest[64];
    size_t digest_len = 0;
    if (digest_hex != NULL &&
        (sodium_hex2bin(digest, sizeof digest, digest_hex, strlen(digest_hex), NULL, &digest_len,
                        NULL) != 0 ||
         digest_len == 0))
        return usage_error("--digest wants 1 to 64 bytes in hexadecimal");
    vfy_detail d = { 0 };
    struct keys k;
    vfy_audit_log *l = NULL;
    uint64_t seq = 0;
    vfy_status s = load_keys(key_path, lookup_path, &k, &d);
    if (s == VFY_OK)
        s = vfy_audit_open(log, k.key, k.lookup, NULL, &l, &d);
    if (s == VFY_OK)
        s = vfy_audit_record_change(l, which == 't' ? VFY_AUDIT_TRUST_CHANGE : VFY_AUDIT_RULES_CHANGE,
                                    description, digest, digest_len, &seq, &d);
    vfy_status c = vfy_audit_close(l, s == VFY_OK ? &d : NULL);
    if (s == VFY_OK)
        s = c;
    free_keys(&k);
    if (s != VFY_OK)
        return report("change", s, &d);
    printf("%s: record %llu\n", log, (unsigned long long)seq);
    return VFY_EXIT_OK;
}

int cmd_audit(int argc, char **argv)
{
    if (argc < 2) {
        audit_usage(stderr);
        return VFY_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        audit_usage(stdout);
        return VFY_EXIT_OK;
    }
    static const char *const subs[] = { "keygen", "verify", "checkpoint", "show", "export",
                                        "prune", "rotate", "change" };
    bool known = false;
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        known |= strcmp(sub, subs[i]) == 0;
    if (!known) {
        fprintf(stderr, "vfy audit: unknown subcommand '%s' (keygen, verify, checkpoint, show,"
                        " export, prune, rotate, change)\n", sub);
        return cli_usage_hint("audit");
    }
    static const struct option opts[] = {
        { "out", required_argument, NULL, 'o' },      { "lookup", no_argument, NULL, 'L' },
        { "key", required_argument, NULL, 'k' },      { "checkpoint", required_argument, NULL, 'c' },
        { "since", required_argument, NULL, 's' },    { "document", required_argument, NULL, 'd' },
        { "lookup-key", required_argument, NULL, 'l' }, { "json", no_argument, NULL, 'j' },
        { "jsonl", no_argument, NULL, 'J' },          { "before", required_argument, NULL, 'b' },
        { "new-key", required_argument, NULL, 'n' },  { "new-lookup-key", required_argument, NULL, 'N' },
        { "trust", no_argument, NULL, 't' },          { "rules", no_argument, NULL, 'r' },
        { "description", required_argument, NULL, 'D' }, { "digest", required_argument, NULL, 'g' },
        { "help", no_argument, NULL, 'h' },           { NULL, 0, NULL, 0 },
    };
    const char *out = NULL, *key = NULL, *cp = NULL, *since = NULL, *document = NULL,
               *lookup = NULL, *before = NULL, *new_key = NULL, *new_lookup = NULL,
               *description = NULL, *digest = NULL;
    bool lookup_gen = false, json = false, jsonl = false;
    int which = 0, c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'L': lookup_gen = true; break;
        case 'k': key = optarg; break;
        case 'c': cp = optarg; break;
        case 's': since = optarg; break;
        case 'd': document = optarg; break;
        case 'l': lookup = optarg; break;
        case 'j': json = true; break;
        case 'J': jsonl = true; break;
        case 'b': before = optarg; break;
        case 'n': new_key = optarg; break;
        case 'N': new_lookup = optarg; break;
        case 't': case 'r':
            if (which != 0)
                return usage_error("give one of --trust and --rules");
            which = c;
            break;
        case 'D': description = optarg; break;
        case 'g': digest = optarg; break;
        case 'h': audit_usage(stdout); return VFY_EXIT_OK;
        default: return cli_usage_hint("audit");
        }
    }
    int rest = argc - 1 - optind;
    const char *log = rest == 1 ? argv[1 + optind] : NULL;
    if (strcmp(sub, "keygen") == 0) {
        if (out == NULL || rest != 0)
            return usage_error("keygen needs --out FILE and nothing else");
        return audit_keygen(out, lookup_gen);
    }
    if (log == NULL)
        return usage_error("give one LOG");
    if (strcmp(sub, "verify") == 0) {
        if (key == NULL)
            return usage_error("verify needs --key KIOSK.pub");
        return audit_verify(log, key, cp, json);
    }
    if (strcmp(sub, "checkpoint") == 0)
        return audit_checkpoint(log);
    if (strcmp(sub, "show") == 0)
        return audit_show(log, since, document, lookup, json, false);
    if (strcmp(sub, "export") == 0) {
        if (!jsonl)
            return usage_error("export writes JSON Lines: give --jsonl");
        return audit_show(log, since, NULL, NULL, false, true);
    }
    if (key == NULL)
        return usage_error("this command needs --key KIOSK (the signing key in force)");
    if (strcmp(sub, "prune") == 0)
        return audit_prune(log, key, lookup, before);
    if (strcmp(sub, "rotate") == 0)
        return audit_rotate(log, key, lookup, new_key, new_lookup);
    if (strcmp(sub, "change") == 0)
        return audit_change(log, key, lookup, which, description, digest);
    return usage_error("unknown subcommand");   /* not reached: checked above */
}

/* ---- --audit on read, verify and kiosk ------------------------------------------------ */

bool cli_audit_option(int opt, const char *arg, struct cli_audit *a)
{
    switch (opt) {
    case CLI_OPT_AUDIT: a->log = arg; return true;
    case CLI_OPT_AUDIT_KEY: a->key = arg; return true;
    case CLI_OPT_AUDIT_LOOKUP: a->lookup = arg; return true;
    case CLI_OPT_KIOSK_ID: a->kiosk_id = arg; return true;
    default: return false;
    }
}

int cli_audit_open(const char *cmd, struct cli_audit *a, const char *reader)
{
    if (a->log == NULL && a->key == NULL && a->lookup == NULL)
        return VFY_EXIT_OK;
    if (a->log == NULL || a->key == NULL) {
        fprintf(stderr, "vfy %s: --audit LOG and --audit-key KEY go together\n", cmd);
        return VFY_EXIT_USAGE;
    }
    vfy_detail d = { 0 };
    vfy_status s = vfy_audit_key_load(a->key, &a->signing, &d);
    if (s == VFY_OK && a->lookup != NULL)
        s = vfy_audit_lookup_key_load(a->lookup, &a->lookup_key, &d);
    vfy_audit_options o = VFY_AUDIT_OPTIONS_INIT;
    o.kiosk_id = a->kiosk_id;
    o.reader = reader;
    if (s == VFY_OK)
        s = vfy_audit_open(a->log, a->signing, a->lookup_key, &o, &a->open, &d);
    if (s != VFY_OK) {
        cli_report(cmd, s, &d);
        cli_audit_close(cmd, a);
        return VFY_EXIT_CONFIG;
    }
    return VFY_EXIT_OK;
}

int cli_audit_record(const char *cmd, struct cli_audit *a, const vfy_inspection *r)
{
    if (a->open == NULL)
        return VFY_EXIT_OK;
    vfy_detail d = { 0 };
    vfy_status s = vfy_audit_record_inspection(a->open, r, NULL, &d);
    if (s != VFY_OK) {
        cli_report(cmd, s, &d);
        fprintf(stderr, "vfy %s: the inspection was not recorded, so it is not reported\n", cmd);
        return VFY_EXIT_CONFIG;
    }
    return VFY_EXIT_OK;
}

int cli_audit_close(const char *cmd, struct cli_audit *a)
{
    vfy_detail d = { 0 };
    vfy_status s = vfy_audit_close(a->open, &d);
    a->open = NULL;
    vfy_audit_key_free(a->signing);
    vfy_audit_lookup_key_free(a->lookup_key);
    a->signing = NULL;
    a->lookup_key = NULL;
    if (s != VFY_OK) {
        cli_report(cmd, s, &d);
        return VFY_EXIT_CONFIG;
    }
    return VFY_EXIT_OK;
}
