/* vfy serve: the local inspection service. This file parses the arguments and prepares
 * what the service needs before it touches the reader (trust, token, audit trail);
 * the service itself is service/ (docs/service.md). */
#include <getopt.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "../service/log.h"
#include "../service/serve.h"

#define MAX_TRUST 16
#define MAX_RULES 32
#define CONFIG_MAX (64u * 1024u)
/* Options only the long form has. */
enum { OPT_CONFIG = 0x2000, OPT_LOG_LEVEL, OPT_RULES, OPT_RULES_TRUST, OPT_ALLOW_DEV };

static void serve_usage(FILE *f)
{
    fprintf(f,
            "usage: vfy serve [--config FILE] --reader CONN [--trust PATH]... [--listen ADDR:PORT]\n"
            "                 [--token-file FILE] [--result-ttl SECONDS] [--console DIR]\n"
            "                 [--crl-policy warn|fail] [--log-level error|warn|info|debug]\n"
            "                 [--rules PATH... --rules-trust KEYS [--allow-development-key]]\n"
            "                 [--audit LOG --audit-key KEY [--audit-lookup-key FILE] [--kiosk-id ID]]\n"
            "\n"
            "A local inspection service on one reader (docs/service.md): an integrator posts\n"
            "the traveller's MRZ or CAN, the service waits for the document, reads and\n"
            "inspects it, and serves the library's inspection JSON; events stream as\n"
            "Server-Sent Events; the officer console is served at /.\n"
            "\n"
            "  --config FILE       a JSON object of these options by their long names\n"
            "                      ({\"reader\": \"pcsc\", \"trust\": [\"/var/lib/vfy/trust/current\"]});\n"
            "                      flags given as well override it; unknown names are refused\n"
            "  --reader CONN       sim, sim?present=FILE, pcsc, nfc ... ('vfy readers')\n"
            "  --trust PATH        CSCA certificates, master lists, CRLs (repeatable);\n"
            "                      reloaded between inspections on SIGHUP and when it changes\n"
            "                      on disk (vfy trust import switching DIR/current)\n"
            "  --rules PATH        signed rule sets (repeatable): a POST may then carry an\n"
            "                      eligibility case; reloaded like the trust store\n"
            "  --rules-trust KEYS  the rule-set publishers' keys (needed with --rules)\n"
            "  --allow-development-key  accept the development rule-signing key (tests only)\n"
            "  --log-level L       error, warn, info (default) or debug, on stderr (journald\n"
            "                      under systemd); no personal data is ever logged\n"
            "  --listen ADDR:PORT  default 127.0.0.1:8573 (loopback); port 0: any free port\n"
            "  --token-file FILE   the bearer token every /api/ call but health needs;\n"
            "                      created (mode 0600) when missing (default vfy-serve.token)\n"
            "  --result-ttl S      results are forgotten S seconds after they are done\n"
            "                      (default 300; they are never written to disk)\n"
            "  --console DIR       the officer console's files (default " VFY_DATADIR "/console)\n"
            "  --crl-policy P      warn (default) or fail\n"
            CLI_AUDIT_HELP
            CLI_VERBOSITY_HELP
            "\n"
            "exit codes: 0 stopped by SIGINT/SIGTERM, 2 usage, 4 trust, token or audit\n"
            "trail could not be set up or an inspection could not be recorded\n");
}

struct serve_cli {
    char **trust_paths;
    size_t trust_count;
    const char *rules[MAX_RULES];
    int rules_count;
    const char *rules_trust;
    bool allow_dev;
    struct cli_audit audit;
};

static vfy_status load_trust(void *ctx, vfy_trust **out)
{
    struct serve_cli *s = ctx;
    return cli_load_trust("serve", s->trust_paths, s->trust_count, out);
}

static vfy_status load_rules(void *ctx, vfy_rules_engine **out)
{
    struct serve_cli *s = ctx;
    *out = NULL;
    vfy_rules_trust *keys = NULL;
    int rc = cli_rules_engine("serve", s->rules, s->rules_count, s->rules_trust, s->allow_dev,
                              false, true, &keys, out);
    /* The engine keeps what it needs of the publishers' keys. */
    vfy_rules_trust_free(keys);
    return rc == VFY_EXIT_OK ? VFY_OK : VFY_E_CONFIG;
}

/* What the paths are on disk now: a replaced file, a changed folder or a DIR/current
 * switched to another generation changes the digest. Contents are not read here. */
static void fingerprint(void *ctx, bool rules, uint8_t out[32])
{
    struct serve_cli *s = ctx;
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 32);
    size_t n = rules ? (size_t)s->rules_count : s->trust_count;
    for (size_t i = 0; i < n; i++) {
        const char *path = rules ? s->rules[i] : s->trust_paths[i];
        struct stat st[2];
        memset(st, 0, sizeof st);
        (void)lstat(path, &st[0]);
        (void)stat(path, &st[1]);
        for (int k = 0; k < 2; k++) {
            uint64_t f[6] = { (uint64_t)st[k].st_dev, (uint64_t)st[k].st_ino,
                              (uint64_t)st[k].st_size, (uint64_t)st[k].st_mtim.tv_sec,
                              (uint64_t)st[k].st_mtim.tv_nsec, (uint64_t)st[k].st_ctim.tv_nsec };
            crypto_generichash_update(&h, (const uint8_t *)f, sizeof f);
        }
    }
    crypto_generichash_final(&h, out, 32);
}

/* The digest an audit record names new content by: the trust store's own digest
 * (vfy_trust_digest, as vfy trust import records it), or for rule sets BLAKE2b-256 over
 * each set's "id version digest" line in load order. False when there is no content. */
static bool change_digest(const vfy_trust *trust, const vfy_rules_engine *engine, bool rules,
                          uint8_t out[32])
{
    if (!rules)
        return trust != NULL && vfy_trust_digest(trust, out) == VFY_OK;
    if (engine == NULL)
        return false;
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 32);
    for (size_t i = 0; i < vfy_rules_engine_count(engine); i++) {
        vfy_rules_set_info info;
        if (vfy_rules_engine_set(engine, i, &info) != VFY_OK)
            return false;
        char line[512];
        int n = snprintf(line, sizeof line, "%s %s %s\n", info.id, info.version, info.digest);
        if (n < 0 || (size_t)n >= sizeof line)
            return false;
        crypto_generichash_update(&h, (const uint8_t *)line, (size_t)n);
    }
    crypto_generichash_final(&h, out, 32);
    return true;
}

static vfy_status record_change(void *ctx, bool rules, const char *why, const vfy_trust *trust,
                                const vfy_rules_engine *engine)
{
    struct serve_cli *s = ctx;
    if (s->audit.open == NULL)
        return VFY_OK;
    char text[200];
    uint8_t digest[32];
    bool have = change_digest(trust, engine, rules, digest);
    snprintf(text, sizeof text, "vfy serve reloaded the %s (%s)%s",
             rules ? "rule sets" : "trust store", why, have ? "" : ": none given");
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status st = vfy_audit_record_change(s->audit.open,
                                            rules ? VFY_AUDIT_RULES_CHANGE : VFY_AUDIT_TRUST_CHANGE,
                                            text, have ? digest : NULL, have ? sizeof digest : 0,
                                            NULL, &d);
    if (st != VFY_OK)
        cli_report("serve", st, &d);
    return st;
}

/* ---- the configuration file -------------------------------------------------------- */

/* The long options a configuration file may set, and whether they repeat or are flags. */
static const struct config_key {
    const char *name;
    enum { CK_STRING, CK_LIST, CK_NUMBER, CK_FLAG } kind;
} config_keys[] = {
    { "reader", CK_STRING },       { "trust", CK_LIST },          { "listen", CK_STRING },
    { "token-file", CK_STRING },   { "result-ttl", CK_NUMBER },   { "console", CK_STRING },
    { "crl-policy", CK_STRING },   { "log-level", CK_STRING },    { "rules", CK_LIST },
    { "rules-trust", CK_STRING },  { "allow-development-key", CK_FLAG },
    { "audit", CK_STRING },        { "audit-key", CK_STRING },    { "audit-lookup-key", CK_STRING },
    { "kiosk-id", CK_STRING },
};

struct argv_builder {
    char **v;
    int n, cap;
    json_t *strings;   /* owns the texts made here */
    json_t *root;      /* the file, whose strings the options point into */
};

static bool push(struct argv_builder *b, const char *arg)
{
    if (b->n + 2 > b->cap) {
        int cap = b->cap ? b->cap * 2 : 32;
        char **v = realloc(b->v, (size_t)cap * sizeof *v);
        if (v == NULL)
            return false;
        b->v = v;
        b->cap = cap;
    }
    b->v[b->n++] = (char *)arg;
    b->v[b->n] = NULL;
    return true;
}

static bool push_option(struct argv_builder *b, const char *name, const char *value)
{
    json_t *opt = json_sprintf("--%s", name);
    if (opt == NULL || json_array_append_new(b->strings, opt) != 0)
        return false;
    return push(b, json_string_value(opt)) && (value == NULL || push(b, value));
}

/* Whether the command line names the option itself (then it overrides the file's). */
static bool given(int argc, char **argv, const char *name)
{
    size_t n = strlen(name);
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], "--", 2) == 0 && strncmp(argv[i] + 2, name, n) == 0 &&
            (argv[i][2 + n] == '\0' || argv[i][2 + n] == '='))
            return true;
    return false;
}

/* Turns the file into options placed before the command line's, so that the command
 * line's win (the last value of an option counts; a repeatable option given on the
 * command line replaces the file's list). Returns an exit code. */
static int config_argv(const char *path, int argc, char **argv, struct argv_builder *b)
{
    char *text = NULL;
    size_t len = 0;
    if (cli_read_file(path, CONFIG_MAX, &text, &len) != VFY_OK) {
        fprintf(stderr, "vfy serve: cannot read the configuration file %s (at most %u bytes)\n",
                path, CONFIG_MAX);
        return VFY_EXIT_USAGE;
    }
    json_error_t err;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    free(text);
    if (root == NULL || !json_is_object(root)) {
        fprintf(stderr, "vfy serve: %s: %s (line %d, column %d)\n", path,
                root == NULL ? err.text : "not a JSON object", root == NULL ? err.line : 1,
                root == NULL ? err.column : 1);
        json_decref(root);
        return VFY_EXIT_USAGE;
    }
    b->strings = json_array();
    b->root = root;
    if (b->strings == NULL || !push(b, argv[0]))
        return VFY_EXIT_USAGE;
    int rc = VFY_EXIT_OK;
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value) {
        const struct config_key *k = NULL;
        for (size_t i = 0; i < sizeof config_keys / sizeof config_keys[0]; i++)
            if (strcmp(key, config_keys[i].name) == 0)
                k = &config_keys[i];
        if (k == NULL) {
            fprintf(stderr, "vfy serve: %s: unknown setting \"%.64s\" (the settings are the "
                            "long options of vfy serve --help, without --config)\n", path, key);
            rc = VFY_EXIT_USAGE;
            break;
        }
        if (given(argc, argv, key))
            continue;   /* the command line overrides the file */
        bool ok = true;
        switch (k->kind) {
        case CK_STRING:
            ok = json_is_string(value) && push_option(b, key, json_string_value(value));
            break;
        case CK_NUMBER: {
            json_t *t = json_is_integer(value) ? json_sprintf("%lld", (long long)json_integer_value(value))
                                                : NULL;
            ok = t != NULL && json_array_append_new(b->strings, t) == 0 &&
                 push_option(b, key, json_string_value(t));
            break;
        }
        case CK_FLAG:
            ok = json_is_boolean(value);
            if (ok && json_is_true(value))
                ok = push_option(b, key, NULL);
            break;
        case CK_LIST: {
            size_t i;
            json_t *item;
            if (json_is_string(value)) {
                ok = push_option(b, key, json_string_value(value));
                break;
            }
            ok = json_is_array(value);
            json_array_foreach(value, i, item) {
                if (!ok)
                    break;
                ok = json_is_string(item) && push_option(b, key, json_string_value(item));
            }
            break;
        }
        }
        if (!ok) {
            fprintf(stderr, "vfy serve: %s: \"%s\" takes %s\n", path, key,
                    k->kind == CK_STRING ? "a string" : k->kind == CK_NUMBER ? "an integer"
                    : k->kind == CK_FLAG ? "true or false" : "a string or an array of strings");
            rc = VFY_EXIT_USAGE;
            break;
        }
    }
    /* Then the command line, without --config FILE. */
    for (int i = 1; rc == VFY_EXIT_OK && i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0) {
            i++;
            continue;
        }
        if (strncmp(argv[i], "--config=", 9) == 0)
            continue;
        if (!push(b, argv[i]))
            rc = VFY_EXIT_USAGE;
    }
    return rc;
}

static vfy_status record(void *ctx, const vfy_inspection *r)
{
    struct serve_cli *s = ctx;
    return cli_audit_record("serve", &s->audit, r) == VFY_EXIT_OK ? VFY_OK : VFY_E_AUDIT_WRITE;
}

static bool parse_listen(const char *text, struct serve_config *cfg, char *addr, size_t cap)
{
    const char *colon = strrchr(text, ':');
    if (colon == NULL || colon == text || (size_t)(colon - text) >= cap)
        return false;
    memcpy(addr, text, (size_t)(colon - text));
    addr[colon - text] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || port < 0 || port > 65535)
        return false;
    cfg->listen_addr = addr;
    cfg->port = (unsigned)port;
    return true;
}

static int serve_main(int argc, char **argv);


int cmd_serve(int argc, char **argv)
{
    const char *config = NULL;
    int configs = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config = argv[++i];
            configs++;
        } else if (strncmp(argv[i], "--config=", 9) == 0) {
            config = argv[i] + 9;
            configs++;
        }
    }
    if (configs > 1) {
        fprintf(stderr, "vfy serve: --config may be given once\n");
        return VFY_EXIT_USAGE;
    }
    if (config == NULL)
        return serve_main(argc, argv);
    struct argv_builder b = { 0 };
    int rc = config_argv(config, argc, argv, &b);
    if (rc == VFY_EXIT_OK)
        rc = serve_main(b.n, b.v);
    free(b.v);
    json_decref(b.strings);
    json_decref(b.root);
    return rc;
}

static int serve_main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "reader", required_argument, NULL, 'r' },     { "trust", required_argument, NULL, 't' },
        { "listen", required_argument, NULL, 'l' },     { "token-file", required_argument, NULL, 'k' },
        { "result-ttl", required_argument, NULL, 'T' }, { "console", required_argument, NULL, 'C' },
        { "crl-policy", required_argument, NULL, 'P' }, { "help", no_argument, NULL, 'h' },
        { "config", required_argument, NULL, OPT_CONFIG },
        { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
        { "rules", required_argument, NULL, OPT_RULES },
        { "rules-trust", required_argument, NULL, OPT_RULES_TRUST },
        { "allow-development-key", no_argument, NULL, OPT_ALLOW_DEV },
        CLI_AUDIT_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    struct serve_cli sc = { 0 };
    char *trust_paths[MAX_TRUST];
    sc.trust_paths = trust_paths;
    static struct serve_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.listen_addr = "127.0.0.1";
    cfg.port = SERVE_DEFAULT_PORT;
    cfg.result_ttl_s = SERVE_DEFAULT_TTL_S;
    cfg.console_dir = VFY_DATADIR "/console"; /* as make install puts it */
    const char *token_file = "vfy-serve.token";
    enum serve_log_level log_level = SLOG_INFO;
    char addr[64];
    char *end;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'r': cfg.reader = optarg; break;
        case 't':
            if (sc.trust_count == MAX_TRUST) {
                fprintf(stderr, "vfy serve: at most %d --trust paths\n", MAX_TRUST);
                return VFY_EXIT_USAGE;
            }
            trust_paths[sc.trust_count++] = optarg;
            break;
        case 'l':
            if (!parse_listen(optarg, &cfg, addr, sizeof addr)) {
                fprintf(stderr, "vfy serve: --listen takes ADDR:PORT, e.g. 127.0.0.1:8573\n");
                return VFY_EXIT_USAGE;
            }
            break;
        case 'k': token_file = optarg; break;
        case 'T': {
            long ttl = strtol(optarg, &end, 10);
            if (*end != '\0' || ttl < 1 || ttl > 86400) {
                fprintf(stderr, "vfy serve: --result-ttl takes seconds from 1 to 86400\n");
                return VFY_EXIT_USAGE;
            }
            cfg.result_ttl_s = (unsigned)ttl;
            break;
        }
        case 'C': cfg.console_dir = optarg; break;
        case 'P':
            if (!cli_parse_crl_policy("serve", optarg, &cfg.crl_policy))
                return VFY_EXIT_USAGE;
            break;
        case 'h': serve_usage(stdout); return VFY_EXIT_OK;
        case OPT_CONFIG:
            fprintf(stderr, "vfy serve: a configuration file cannot name another\n");
            return VFY_EXIT_USAGE;
        case OPT_LOG_LEVEL:
            if (!serve_log_parse(optarg, &log_level)) {
                fprintf(stderr, "vfy serve: --log-level takes error, warn, info or debug\n");
                return VFY_EXIT_USAGE;
            }
            break;
        case OPT_RULES:
            if (sc.rules_count == MAX_RULES) {
                fprintf(stderr, "vfy serve: at most %d --rules paths\n", MAX_RULES);
                return VFY_EXIT_USAGE;
            }
            sc.rules[sc.rules_count++] = optarg;
            break;
        case OPT_RULES_TRUST: sc.rules_trust = optarg; break;
        case OPT_ALLOW_DEV: sc.allow_dev = true; break;
        default:
            if (cli_audit_option(c, optarg, &sc.audit))
                break;
            return cli_usage_hint("serve");
        }
    }
    if (cfg.reader == NULL || optind != argc) {
        serve_usage(stderr);
        return VFY_EXIT_USAGE;
    }
    if ((sc.rules_trust != NULL || sc.allow_dev) && sc.rules_count == 0) {
        fprintf(stderr, "vfy serve: --rules-trust and --allow-development-key go with --rules\n");
        return VFY_EXIT_USAGE;
    }
    serve_log_set_level(log_level);
    vfy_detail d = { 0 };
    vfy_status s = serve_token_load(token_file, cfg.token, sizeof cfg.token, &d);
    if (s != VFY_OK) {
        cli_report("serve", s, &d);
        return VFY_EXIT_CONFIG;
    }
    /* The trust store must load now: a service that cannot verify does not start. */
    vfy_trust *probe = NULL;
    if (load_trust(&sc, &probe) != VFY_OK)
        return VFY_EXIT_CONFIG;
    vfy_trust_free(probe);
    /* So must the rule sets, when given. */
    if (sc.rules_count > 0) {
        vfy_rules_engine *engine = NULL;
        if (load_rules(&sc, &engine) != VFY_OK)
            return VFY_EXIT_CONFIG;
        vfy_rules_engine_free(engine);
        cfg.load_rules = load_rules;
    }
    int rc = cli_audit_open("serve", &sc.audit, cfg.reader);
    if (rc != VFY_EXIT_OK)
        return rc;
    cfg.load_trust = load_trust;
    cfg.record = record;
    cfg.record_change = record_change;
    cfg.fingerprint = fingerprint;
    cfg.ctx = &sc;
    s = serve_run(&cfg, &d);
    if (s != VFY_OK)
        cli_report("serve", s, &d);
    int closed = cli_audit_close("serve", &sc.audit);
    if (s != VFY_OK)
        return s == VFY_E_INVALID_ARGUMENT ? VFY_EXIT_USAGE : VFY_EXIT_CONFIG;
    return closed;
}
