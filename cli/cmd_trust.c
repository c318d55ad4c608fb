/* vfy trust show: what a trust store holds, and why anything in it was rejected. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void trust_usage(FILE *f)
{
    fprintf(f,
            "usage: vfy trust show PATH... [--json]\n"
            "       vfy trust import --store DIR [--strict] [--json] FILE...\n"
            "       vfy trust status [--within DAYS] [--at DATE] [--json] PATH...\n"
            "\n"
            "Loads CSCA certificates (PEM/DER), CSCA master lists (.ml) and CRLs, files or\n"
            "folders (in one order: certificates, lists, CRLs, whatever the order given), and\n"
            "lists every item once: accepted or why not, serial, SHA-256 fingerprint, validity\n"
            "(EXPIRED marked) and every file it came from.\n"
            CLI_VERBOSITY_HELP
            "\n"
            "exit codes:\n"
            "  0  the store holds at least one usable anchor\n"
            "  2  usage error\n"
            "  4  a path could not be loaded, or nothing in it is usable\n");
}

int cmd_trust(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        trust_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? VFY_EXIT_USAGE : VFY_EXIT_OK;
    }
    if (strcmp(argv[1], "import") == 0)
        return cmd_trust_import(argc, argv);
    if (strcmp(argv[1], "status") == 0)
        return cmd_trust_status(argc, argv);
    if (strcmp(argv[1], "show") != 0) {
        fprintf(stderr, "vfy trust: unknown subcommand '%s'\n", argv[1]);
        trust_usage(stderr);
        return VFY_EXIT_USAGE;
    }
    bool json = false;
    char *paths[64];
    size_t n = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            trust_usage(stdout);
            return VFY_EXIT_OK;
        } else if (argv[i][0] == '-')
            return cli_unknown_option("trust show", argv[i]);
        else if (n < sizeof paths / sizeof paths[0])
            paths[n++] = argv[i];
        else {
            fprintf(stderr, "vfy trust show: at most %zu paths\n", sizeof paths / sizeof paths[0]);
            return cli_usage_hint("trust show");
        }
    }
    if (n == 0) {
        fprintf(stderr, "vfy trust show: name at least one PATH (a certificate, master list, CRL or store)\n");
        return cli_usage_hint("trust show");
    }
    vfy_trust *t;
    if (vfy_trust_new(&t) != VFY_OK)
        return VFY_EXIT_CONFIG;
    /* One load of every path, in the library's order: the same files give the same
     * report whatever the order of the arguments. */
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_trust_add_paths(t, (const char *const *)paths, n, &d);
    int rc = s == VFY_OK && vfy_trust_anchor_count(t) > 0 ? VFY_EXIT_OK : VFY_EXIT_CONFIG;
    char *text = vfy_trust_to_json(t, 0, VFY_JSON_PRETTY);
    json_t *report = text != NULL ? json_loads(text, 0, NULL) : NULL;
    vfy_free(text);
    if (report == NULL) {
        vfy_trust_free(t);
        return VFY_EXIT_CONFIG;
    }
    if (json) {
        if (s != VFY_OK)
            json_object_set_new(report, "error", cli_error_json(s, &d));
        cli_print_json(report);
    } else {
        if (s != VFY_OK)
            cli_report("trust", s, &d);
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(report, "items"), i, e) {
            const char *country = json_string_value(json_object_get(e, "country"));
            const char *nb = json_string_value(json_object_get(e, "not_before"));
            const char *na = json_string_value(json_object_get(e, "not_after"));
            bool expired = json_is_true(json_object_get(e, "expired"));
            printf("%-8s %-21s %-2s %.10s..%.10s%s %s\n",
                   json_is_true(json_object_get(e, "accepted")) ? "accepted" : "REJECTED",
                   json_string_value(json_object_get(e, "kind")), country != NULL ? country : "--",
                   nb != NULL ? nb : "-", na != NULL ? na : "-", expired ? " EXPIRED" : "",
                   json_string_value(json_object_get(e, "subject")));
            const char *serial = json_string_value(json_object_get(e, "serial"));
            const char *sha = json_string_value(json_object_get(e, "sha256"));
            if (serial != NULL || sha != NULL)
                printf("         serial %s, SHA-256 %s\n", serial != NULL ? serial : "-", sha != NULL ? sha : "-");
            size_t k;
            json_t *src;
            json_array_foreach(json_object_get(e, "sources"), k, src)
                printf("         from %s\n", json_string_value(src));
            const char *reason = json_string_value(json_object_get(e, "reason"));
            if (reason != NULL)
                printf("         %s\n", reason);
        }
        size_t anchors = vfy_trust_anchor_count(t);
        printf("%zu usable anchor%s; store digest %s\n", anchors, anchors == 1 ? "" : "s",
               json_string_value(json_object_get(report, "digest")));
        json_decref(report);
    }
    vfy_trust_free(t);
    return rc;
}
