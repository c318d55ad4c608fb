/* vfy: dispatch to one command per file. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct cli_command commands[] = {
    { "version", cmd_version, "print the library version" },
    { "mrz", cmd_mrz, "parse and check a machine-readable zone (TD1, TD2, TD3, MRV-A, MRV-B)" },
    { "rules", cmd_rules, "facilitated-visa eligibility: sign, verify, show and evaluate rule sets" },
    { "verify", cmd_verify, "prove a dump folder genuine: Passive Authentication against CSCAs" },
    { "trust", cmd_trust, "show what a trust store holds and why anything was rejected" },
    { "read", cmd_read, "read a document's chip (PACE or BAC) through a reader or the simulated chip" },
    { "specimen", cmd_specimen, "make a validly signed specimen passport dump folder" },
    { "seal", cmd_seal, "decode and verify a visa seal (VDS, IDB, VDS-NC)" },
    { "readers", cmd_readers, "list card readers and whether a document is on each" },
    { "kiosk", cmd_kiosk, "serve travellers on one reader: wait, read, verify, print, repeat" },
    { "audit", cmd_audit, "the tamper-evident audit trail: keys, verify, checkpoint, show, export, prune" },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: vfy COMMAND [OPTIONS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\n'vfy COMMAND --help' describes a command.\n"
            "\nreaders (--reader CONN), the simulated chip:\n");
    for (size_t i = 0; vfy_sim_help_line(i) != NULL; i++)
        fprintf(f, "  %s\n", vfy_sim_help_line(i));
    fprintf(f,
            "\nexit codes:\n"
            "  0  success, or the document is valid / genuine\n"
            "  1  the document was examined and found invalid\n"
            "  2  usage error or unreadable input\n"
            "  3  reader, card or access-control failure\n"
            "  4  configuration or trust-store problem; the document could not be verified\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return VFY_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return VFY_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "vfy: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return VFY_EXIT_USAGE;
}
