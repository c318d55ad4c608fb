/* vfy: dispatch to one command per file. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum cli_verbosity cli_verbosity = CLI_NORMAL;

static const struct cli_command commands[] = {
    { "version", cmd_version, "print the library version", false },
    { "mrz", cmd_mrz, "parse and check a machine-readable zone (TD1, TD2, TD3, MRV-A, MRV-B)", true },
    { "rules", cmd_rules, "facilitated-visa eligibility: sign, verify, show and evaluate rule sets", false },
    { "verify", cmd_verify, "prove a dump folder genuine: Passive Authentication against CSCAs", true },
    { "trust", cmd_trust, "the trust store: show it, import ICAO PKD downloads, report its freshness", false },
    { "read", cmd_read, "read a document's chip (PACE or BAC) through a reader or the simulated chip", true },
    { "specimen", cmd_specimen, "make a validly signed specimen passport dump folder", false },
    { "seal", cmd_seal, "decode and verify a visa seal (VDS, IDB, VDS-NC)", true },
    { "readers", cmd_readers, "list card readers and whether a document is on each", false },
    { "kiosk", cmd_kiosk, "serve travellers on one reader: wait, read, verify, print, repeat", false },
    { "serve", cmd_serve, "the local inspection service: HTTP API, event stream, officer console", false },
    { "audit", cmd_audit, "the tamper-evident audit trail: keys, verify, checkpoint, show, export, prune", false },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: vfy COMMAND [OPTIONS]\n       vfy --help | --version | help [readers | sim | COMMAND]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\noptions of every command:\n" CLI_VERBOSITY_HELP
            "\n'vfy COMMAND --help' describes a command; 'vfy help readers' the reader strings,\n"
            "'vfy help sim' the simulated chip's options.\n"
            "\ninstalled data (make install):\n"
            "  " VFY_DATADIR "/specimen/csca.pem  the CSCA that signs the built-in specimen\n"
            "      (vfy read --reader sim --trust ...)\n"
            "  " VFY_DATADIR "/rules/             the rule sets (vfy rules eval --rules ...)\n"
            "  " VFY_DATADIR "/rules/keys/        their publishers' public keys\n"
            "  " VFY_DATADIR "/schema/            the JSON Schema of every --json output\n"
            "  " VFY_DATADIR "/console/           the officer console of vfy serve\n"
            "\nexit codes:\n"
            "  0  success, or the document is valid / genuine\n"
            "  1  the document was examined and found invalid\n"
            "  2  usage error or unreadable input\n"
            "  3  reader, card or access-control failure\n"
            "  4  configuration or trust-store problem; the document could not be verified\n");
}

static void help_readers(FILE *f)
{
    fprintf(f,
            "readers (--reader CONN):\n"
            "  pcsc                    the first PC/SC reader (pcscd) with a document\n"
            "  pcsc:NAME               the PC/SC reader whose name contains NAME ('vfy readers' lists them)\n"
            "  nfc                     the first libnfc device (PN532, ACR122 ...)\n"
            "  pn532_uart:/dev/ttyUSB0 a libnfc connection string; add ?timeout=MS for slow cards\n"
            "  sim                     the built-in simulated specimen passport ('vfy help sim')\n"
            "  sim:DIR                 a simulated passport from a dump folder\n");
}

static void help_sim(FILE *f)
{
    fprintf(f, "the simulated chip (--reader sim, sim:DIR, then '?' and options joined by '&'):\n");
    for (size_t i = 0; vfy_sim_help_line(i) != NULL; i++)
        fprintf(f, "  %s\n", vfy_sim_help_line(i));
}

/* The command nearest to a mistyped one (edit distance at most 2), or NULL. */
static const char *nearest(const char *word)
{
    const char *best = NULL;
    size_t best_d = 3, n = strlen(word);
    if (n > 32)
        return NULL;
    for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
        const char *t = commands[c].name;
        size_t m = strlen(t), row[40];
        for (size_t j = 0; j <= m; j++)
            row[j] = j;
        for (size_t i = 1; i <= n; i++) {
            size_t diag = row[0];
            row[0] = i;
            for (size_t j = 1; j <= m; j++) {
                size_t up = row[j];
                size_t sub = diag + (word[i - 1] != t[j - 1]);
                size_t best_here = sub < up + 1 ? sub : up + 1;
                row[j] = best_here < row[j - 1] + 1 ? best_here : row[j - 1] + 1;
                diag = up;
            }
        }
        if (row[m] < best_d) {
            best_d = row[m];
            best = t;
        }
    }
    return best;
}

/* Takes -q/--quiet and -v/--verbose out of argv wherever they stand before "--", so that
 * every command accepts them without knowing; false when both are given. */
static bool take_verbosity(int *argc, char **argv)
{
    bool quiet = false, verbose = false, end = false;
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        end = end || strcmp(a, "--") == 0;
        if (!end && (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)) {
            quiet = true;
            continue;
        }
        if (!end && (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)) {
            verbose = true;
            continue;
        }
        argv[out++] = argv[i];
    }
    argv[out] = NULL;
    *argc = out;
    cli_verbosity = quiet ? CLI_QUIET : verbose ? CLI_VERBOSE : CLI_NORMAL;
    return !(quiet && verbose);
}

/* --json (a result) and --help (asked for) are printed even with -q. */
static bool prints_anyway(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--json") == 0 || strncmp(argv[i], "--json=", 7) == 0 ||
            strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

/* Runs a command. With -q, a command that has no verdict line of its own (the table's
 * `quiet_self` is false) reports only through its exit code and its errors on stderr:
 * its standard output goes to /dev/null. JSON output is a result and help was asked for:
 * neither is silenced. */
static int run(const struct cli_command *c, int argc, char **argv)
{
    if (cli_verbosity != CLI_QUIET || c->quiet_self || prints_anyway(argc, argv))
        return c->run(argc, argv);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved < 0 || null < 0 || dup2(null, STDOUT_FILENO) < 0) {
        fprintf(stderr, "vfy: -q: cannot silence standard output\n");
        return VFY_EXIT_USAGE;
    }
    close(null);
    int rc = c->run(argc, argv);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    return rc;
}

int main(int argc, char **argv)
{
    if (!take_verbosity(&argc, argv)) {
        fprintf(stderr, "vfy: -q and -v contradict each other; give one\n");
        return VFY_EXIT_USAGE;
    }
    /* vfy is a test and demonstration tool as well: it links libverify-sim and offers
     * the simulated chip as the reader "sim". */
    vfy_detail reg = { 0 };
    if (vfy_sim_register(&reg) != VFY_OK) {
        cli_report("", reg.status, &reg);
        return VFY_EXIT_USAGE;
    }
    if (argc < 2) {
        usage(stderr);
        return VFY_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        (strcmp(argv[1], "help") == 0 && argc == 2)) {
        usage(stdout);
        return VFY_EXIT_OK;
    }
    if (strcmp(argv[1], "help") == 0) {
        if (strcmp(argv[2], "sim") == 0) {
            help_sim(stdout);
            return VFY_EXIT_OK;
        }
        if (strcmp(argv[2], "readers") == 0) {
            help_readers(stdout);
            return VFY_EXIT_OK;
        }
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(argv[2], commands[i].name) == 0) {
                char *help_argv[] = { argv[2], (char *)"--help", NULL };
                return run(&commands[i], 2, help_argv);
            }
        fprintf(stderr, "vfy help: no help on '%.40s' (try 'vfy --help')\n", argv[2]);
        return VFY_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return run(&commands[i], argc - 1, argv + 1);
    const char *near = nearest(argv[1]);
    if (near != NULL)
        fprintf(stderr, "vfy: unknown command '%.40s'; did you mean 'vfy %s'? (see 'vfy --help')\n", argv[1], near);
    else
        fprintf(stderr, "vfy: unknown command '%.40s' (see 'vfy --help')\n", argv[1]);
    return VFY_EXIT_USAGE;
}
