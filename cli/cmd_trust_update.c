/* vfy trust import / vfy trust status: keeping a managed trust folder current. The
 * library imports, verifies and judges freshness; this file parses arguments and prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

void trust_import_usage(FILE *f)
{
    fprintf(f,
            "usage: vfy trust import --store DIR [--strict] [--json] FILE...\n"
            "\n"
            "Imports the ICAO PKD's LDIF downloads (*.ldif: master lists, document and barcode\n"
            "signer certificates, CRLs) and master lists, certificates and CRLs given as files\n"
            "into the managed trust folder DIR. Everything is verified together with the store\n"
            "in force; the new store is written beside the old one and DIR/current is switched\n"
            "to it atomically. Use DIR/current as --trust elsewhere.\n"
            "\n"
            "options:\n"
            "  --store DIR   the managed trust folder (created 0700 when missing)\n"
            "  --strict      refuse the whole import when any object does not verify\n"
            "  --json        print the report as JSON (schema libverify.trust-import/1)\n"
            "  --audit LOG --audit-key KEY [--audit-lookup-key F] [--kiosk-id ID]\n"
            "                record the switch (counts and the new store's digest) in the\n"
            "                kiosk's audit log\n"
            CLI_VERBOSITY_HELP
            "\n"
            "exit codes:\n"
            "  0  imported (or nothing to change); nothing was rejected\n"
            "  1  some objects were rejected (listed); the rest is in force, or with --strict\n"
            "     nothing changed\n"
            "  2  usage error, or an input is unreadable or malformed: nothing changed\n"
            "  4  the trust folder cannot be written or read\n");
}

void trust_status_usage(FILE *f)
{
    fprintf(f,
            "usage: vfy trust status [--within DAYS] [--at DATE] [--json] PATH...\n"
            "\n"
            "Reports how current a trust store is: each CSCA's validity and its newest CRL\n"
            "(missing, past nextUpdate, or current), CSCAs and signer certificates expiring\n"
            "within DAYS (default 30), and the countries without any CRL.\n"
            CLI_VERBOSITY_HELP
            "\n"
            "exit codes:\n"
            "  0  everything is current\n"
            "  1  something needs attention (a stale or missing CRL, an expired or expiring\n"
            "     certificate)\n"
            "  2  usage error\n"
            "  4  the store cannot be loaded\n");
}

static const char *kind_word(vfy_trust_kind k)
{
    switch (k) {
    case VFY_TRUST_CERTIFICATE:
    case VFY_TRUST_MASTER_LIST_CERT: return "CSCA";
    case VFY_TRUST_HINT: return "signer";
    case VFY_TRUST_MASTER_LIST: return "master list";
    case VFY_TRUST_CRL: return "CRL";
    }
    return "?";
}

int cmd_trust_import(int argc, char **argv)
{
    const char *store = NULL;
    bool json = false, strict = false;
    struct cli_audit audit = { 0 };
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    size_t n = 0;
    if (inputs == NULL)
        return VFY_EXIT_CONFIG;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--store") == 0 && i + 1 < argc)
            store = argv[++i];
        else if (strcmp(argv[i], "--strict") == 0)
            strict = true;
        else if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (i + 1 < argc && strcmp(argv[i], "--audit") == 0)
            cli_audit_option(CLI_OPT_AUDIT, argv[++i], &audit);
        else if (i + 1 < argc && strcmp(argv[i], "--audit-key") == 0)
            cli_audit_option(CLI_OPT_AUDIT_KEY, argv[++i], &audit);
        else if (i + 1 < argc && strcmp(argv[i], "--audit-lookup-key") == 0)
            cli_audit_option(CLI_OPT_AUDIT_LOOKUP, argv[++i], &audit);
        else if (i + 1 < argc && strcmp(argv[i], "--kiosk-id") == 0)
            cli_audit_option(CLI_OPT_KIOSK_ID, argv[++i], &audit);
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            trust_import_usage(stdout);
            free(inputs);
            return VFY_EXIT_OK;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "vfy trust import: unknown option '%s' (see vfy trust import --help)\n", argv[i]);
            free(inputs);
            return VFY_EXIT_USAGE;
        } else
            inputs[n++] = argv[i];
    }
    if (store == NULL || n == 0) {
        fprintf(stderr, "vfy trust import: %s (see vfy trust import --help)\n",
                store == NULL ? "--store DIR is required" : "name at least one file to import");
        free(inputs);
        return VFY_EXIT_USAGE;
    }
    /* The audit log first: a configuration error shows before anything changes. */
    int arc = cli_audit_open("trust import", &audit, NULL);
    if (arc != VFY_EXIT_OK) {
        free(inputs);
        return arc;
    }
    vfy_trust_import_options o = VFY_TRUST_IMPORT_OPTIONS_INIT;
    o.inputs = inputs;
    o.input_count = n;
    o.strict = strict;
    vfy_trust_import_report *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_trust_import(store, &o, &r, &d);
    free(inputs);
    int rc;
    if (s == VFY_OK)
        rc = vfy_trust_import_count(r, VFY_IMPORT_REJECTED) > 0 ? VFY_EXIT_INVALID : VFY_EXIT_OK;
    else if (s == VFY_E_IMPORT_REJECTED)
        rc = VFY_EXIT_INVALID;
    else if (s == VFY_E_LDIF || s == VFY_E_TRUST_STORE || s == VFY_E_LIMIT || s == VFY_E_INVALID_ARGUMENT)
        rc = VFY_EXIT_USAGE;
    else
        rc = VFY_EXIT_CONFIG;
    if (json) {
        char *text = r != NULL ? vfy_trust_import_to_json(r, VFY_JSON_PRETTY) : NULL;
        if (text != NULL) {
            if (s != VFY_OK) {
                /* The report, with the error beside it in the common shape. */
                json_t *o2 = json_loads(text, 0, NULL);
                if (o2 != NULL) {
                    json_object_set_new(o2, "error", cli_error_json(s, &d));
                    cli_print_json(o2);
                }
            } else {
                puts(text);
            }
            vfy_free(text);
        } else {
            cli_print_json(cli_error_json(s, &d)); /* no report: the one error object */
        }
    } else {
        for (size_t i = 0; i < vfy_trust_import_item_count(r); i++) {
            vfy_import_item it;
            if (!vfy_trust_import_item_at(r, i, &it))
                continue;
            printf("%-9s %-11s %-2s %s\n", vfy_import_action_name(it.action), kind_word(it.kind),
                   it.country[0] ? it.country : "--", it.subject[0] ? it.subject : "(unreadable)");
            printf("          from %s\n", it.source);
            if (it.reason[0] != '\0')
                printf("          %s\n", it.reason);
        }
        if (r != NULL)
            printf("added %zu, unchanged %zu, replaced %zu, rejected %zu, removed %zu\n",
                   vfy_trust_import_count(r, VFY_IMPORT_ADDED), vfy_trust_import_count(r, VFY_IMPORT_UNCHANGED),
                   vfy_trust_import_count(r, VFY_IMPORT_REPLACED), vfy_trust_import_count(r, VFY_IMPORT_REJECTED),
                   vfy_trust_import_count(r, VFY_IMPORT_REMOVED));
        if (s != VFY_OK)
            cli_report("trust import", s, &d);
        else if (vfy_trust_import_switched(r))
            printf("in force: %s (%s/current)\n", vfy_trust_import_store(r), store);
        else
            printf("nothing changed: the store in force stays\n");
    }
    if (vfy_trust_import_switched(r) && audit.open != NULL) {
        /* The switch, with the new store's digest, in the kiosk's audit trail. */
        vfy_trust *t = NULL;
        uint8_t digest[32];
        vfy_detail_clear(&d);
        vfy_status as = vfy_trust_new(&t);
        if (as == VFY_OK)
            as = vfy_trust_add_path(t, vfy_trust_import_store(r), &d);
        if (as == VFY_OK)
            as = vfy_trust_digest(t, digest);
        vfy_trust_free(t);
        char what[200];
        snprintf(what, sizeof what, "trust import: added %zu, replaced %zu, removed %zu, rejected %zu",
                 vfy_trust_import_count(r, VFY_IMPORT_ADDED), vfy_trust_import_count(r, VFY_IMPORT_REPLACED),
                 vfy_trust_import_count(r, VFY_IMPORT_REMOVED), vfy_trust_import_count(r, VFY_IMPORT_REJECTED));
        if (as == VFY_OK)
            as = vfy_audit_record_change(audit.open, VFY_AUDIT_TRUST_CHANGE, what, digest, sizeof digest,
                                         NULL, &d);
        if (as != VFY_OK) {
            cli_report("trust import", as, &d);
            fprintf(stderr, "vfy trust import: the new store is in force but its change was not recorded\n");
            rc = VFY_EXIT_CONFIG;
        }
    }
    if (cli_audit_close("trust import", &audit) != VFY_EXIT_OK)
        rc = VFY_EXIT_CONFIG;
    vfy_trust_import_report_free(r);
    return rc;
}

int cmd_trust_status(int argc, char **argv)
{
    bool json = false;
    long within = 30;
    time_t at = 0;
    char **paths = calloc((size_t)argc + 1, sizeof *paths);
    size_t n = 0;
    if (paths == NULL)
        return VFY_EXIT_CONFIG;
    for (int i = 2; i < argc; i++) {
        char *end = NULL;
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--within") == 0 && i + 1 < argc) {
            within = strtol(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || within < 0 || within > 3650) {
                fprintf(stderr, "vfy trust status: --within takes a number of days (0..3650)\n");
                free(paths);
                return VFY_EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--at") == 0 && i + 1 < argc) {
            if (!cli_parse_date(argv[++i], &at)) {
                fprintf(stderr, "vfy trust status: --at takes a date YYYY-MM-DD\n");
                free(paths);
                return VFY_EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            trust_status_usage(stdout);
            free(paths);
            return VFY_EXIT_OK;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "vfy trust status: unknown option '%s' (see vfy trust status --help)\n", argv[i]);
            free(paths);
            return VFY_EXIT_USAGE;
        } else
            paths[n++] = argv[i];
    }
    if (n == 0) {
        fprintf(stderr, "vfy trust status: name a trust store (see vfy trust status --help)\n");
        free(paths);
        return VFY_EXIT_USAGE;
    }
    vfy_trust *t = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_trust_new(&t);
    for (size_t i = 0; s == VFY_OK && i < n; i++)
        s = vfy_trust_add_path(t, paths[i], &d);
    free(paths);
    vfy_trust_status *st = NULL;
    if (s == VFY_OK)
        s = vfy_trust_status_make(t, at, (unsigned)within, &st);
    if (s != VFY_OK) {
        if (json) {
            cli_print_json(cli_error_json(s, &d)); /* no report: the one error object */
        } else {
            cli_report("trust status", s, &d);
        }
        vfy_trust_free(t);
        return VFY_EXIT_CONFIG;
    }
    if (json) {
        char *text = vfy_trust_status_to_json(st, VFY_JSON_PRETTY);
        if (text != NULL)
            puts(text);
        vfy_free(text);
    } else {
        for (size_t i = 0; i < vfy_trust_status_item_count(st); i++) {
            vfy_trust_status_item it;
            if (!vfy_trust_status_item_at(st, i, &it))
                continue;
            char until[11], crl_next[11];
            cli_format_day(it.not_after, until);
            cli_format_day(it.crl_next_update, crl_next);
            printf("%-11s %-6s %-2s until %s  %s\n", vfy_freshness_name(it.state),
                   it.kind == VFY_TRUST_CERTIFICATE ? "CSCA" : "signer", it.country[0] ? it.country : "--",
                   until, it.subject);
            if (it.kind == VFY_TRUST_CERTIFICATE)
                printf("            serial %s, sha256 %s, %zu CRL(s)%s%s\n", it.serial, it.sha256, it.crl_count,
                       it.crl_count ? ", newest next update " : "", it.crl_count ? crl_next : "");
        }
        const char *none = vfy_trust_status_countries_without_crl(st);
        printf("fresh %zu, expiring %zu, expired %zu, CRL stale %zu, CRL missing %zu%s%s\n",
               vfy_trust_status_count(st, VFY_FRESH), vfy_trust_status_count(st, VFY_FRESH_EXPIRING),
               vfy_trust_status_count(st, VFY_FRESH_EXPIRED), vfy_trust_status_count(st, VFY_FRESH_CRL_STALE),
               vfy_trust_status_count(st, VFY_FRESH_CRL_MISSING), none[0] ? "; no CRL for: " : "", none);
    }
    int rc = vfy_trust_status_healthy(st) ? VFY_EXIT_OK : VFY_EXIT_INVALID;
    vfy_trust_status_free(st);
    vfy_trust_free(t);
    return rc;
}
