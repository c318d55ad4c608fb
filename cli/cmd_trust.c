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
            "folders, and lists every item with whether it was accepted and why not.\n"
            "\n"
            "exit codes:\n"
            "  0  the store holds at least one usable anchor\n"
            "  2  usage error\n"
            "  4  a path could not be loaded, or nothing in it is usable\n");
}

static const char *kind_name(vfy_trust_kind k)
{
    switch (k) {
    case VFY_TRUST_CERTIFICATE: return "certificate";
    case VFY_TRUST_MASTER_LIST_CERT: return "master-list certificate";
    case VFY_TRUST_MASTER_LIST: return "master list";
    case VFY_TRUST_CRL: return "crl";
    case VFY_TRUST_HINT: return "hint (not an anchor)";
    default: return "unknown";
    }
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
        else if (argv[i][0] == '-') {
            trust_usage(stderr);
            return VFY_EXIT_USAGE;
        } else if (n < sizeof paths / sizeof paths[0])
            paths[n++] = argv[i];
    }
    if (n == 0) {
        trust_usage(stderr);
        return VFY_EXIT_USAGE;
    }
    vfy_trust *t;
    if (vfy_trust_new(&t) != VFY_OK)
        return VFY_EXIT_CONFIG;
    int rc = VFY_EXIT_OK;
    json_t *errors = json_array();
    for (size_t i = 0; i < n; i++) {
        vfy_detail d;
        vfy_detail_clear(&d);
        vfy_status s = vfy_trust_add_path(t, paths[i], &d);
        if (s != VFY_OK) {
            rc = VFY_EXIT_CONFIG;
            if (json)
                json_array_append_new(errors, cli_error_json(s, &d));
            else
                cli_report("trust", s, &d);
        }
    }
    size_t count = vfy_trust_entry_count(t);
    json_t *items = json_array();
    for (size_t i = 0; i < count; i++) {
        vfy_trust_entry e;
        if (vfy_trust_entry_get(t, i, &e) != VFY_OK)
            continue;
        char from[11], to[11];
        cli_format_day(e.not_before, from);
        cli_format_day(e.not_after, to);
        if (json) {
            json_t *o = json_object();
            json_object_set_new(o, "kind", json_string(kind_name(e.kind)));
            json_object_set_new(o, "accepted", json_boolean(e.accepted));
            json_object_set_new(o, "country", json_string(e.country));
            json_object_set_new(o, "subject", json_string(e.subject));
            json_object_set_new(o, "source", json_string(e.source));
            json_object_set_new(o, "not_before", json_string(from));
            json_object_set_new(o, "not_after", json_string(to));
            json_object_set_new(o, "reason", json_string(e.reason));
            json_array_append_new(items, o);
        } else {
            printf("%-8s %-23s %-2s %s..%s %s\n", e.accepted ? "accepted" : "REJECTED", kind_name(e.kind),
                   e.country[0] ? e.country : "--", from, to, e.subject);
            if (e.reason[0] != '\0')
                printf("         %s\n", e.reason);
        }
    }
    size_t anchors = vfy_trust_anchor_count(t);
    if (anchors == 0)
        rc = VFY_EXIT_CONFIG;
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "anchors", json_integer((json_int_t)anchors));
        json_object_set_new(o, "entries", items);
        json_object_set_new(o, "errors", errors);
        cli_print_json(o);
    } else {
        json_decref(items);
        json_decref(errors);
        printf("%zu usable anchor%s\n", anchors, anchors == 1 ? "" : "s");
    }
    vfy_trust_free(t);
    return rc;
}
