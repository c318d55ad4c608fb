/* vfy serve: the local inspection service. This file parses the arguments and prepares
 * what the service needs before it touches the reader (trust, token, audit trail);
 * the service itself is service/ (docs/service.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../service/serve.h"

#define MAX_TRUST 16

static void serve_usage(FILE *f)
{
    fprintf(f,
            "usage: vfy serve --reader CONN [--trust PATH]... [--listen ADDR:PORT]\n"
            "                 [--token-file FILE] [--result-ttl SECONDS] [--console DIR]\n"
            "                 [--crl-policy warn|fail]\n"
            "                 [--audit LOG --audit-key KEY [--audit-lookup-key FILE] [--kiosk-id ID]]\n"
            "\n"
            "A local inspection service on one reader (docs/service.md): an integrator posts\n"
            "the traveller's MRZ or CAN, the service waits for the document, reads and\n"
            "inspects it, and serves the library's inspection JSON; events stream as\n"
            "Server-Sent Events; the officer console is served at /.\n"
            "\n"
            "  --reader CONN       sim, sim?present=FILE, pcsc, nfc ... ('vfy readers')\n"
            "  --trust PATH        CSCA certificates, master lists, CRLs (repeatable);\n"
            "                      reloaded on SIGHUP, between inspections\n"
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
    struct cli_audit audit;
};

static vfy_status load_trust(void *ctx, vfy_trust **out)
{
    struct serve_cli *s = ctx;
    return cli_load_trust("serve", s->trust_paths, s->trust_count, out);
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

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        { "reader", required_argument, NULL, 'r' },     { "trust", required_argument, NULL, 't' },
        { "listen", required_argument, NULL, 'l' },     { "token-file", required_argument, NULL, 'k' },
        { "result-ttl", required_argument, NULL, 'T' }, { "console", required_argument, NULL, 'C' },
        { "crl-policy", required_argument, NULL, 'P' }, { "help", no_argument, NULL, 'h' },
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
    int rc = cli_audit_open("serve", &sc.audit, cfg.reader);
    if (rc != VFY_EXIT_OK)
        return rc;
    cfg.load_trust = load_trust;
    cfg.record = record;
    cfg.ctx = &sc;
    s = serve_run(&cfg, &d);
    if (s != VFY_OK)
        cli_report("serve", s, &d);
    int closed = cli_audit_close("serve", &sc.audit);
    if (s != VFY_OK)
        return s == VFY_E_INVALID_ARGUMENT ? VFY_EXIT_USAGE : VFY_EXIT_CONFIG;
    return closed;
}
