/* vfy verify: Passive Authentication of a dump folder, offline. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define MAX_TRUST 32

static void verify_usage(FILE *f)
{
    fprintf(f,
            "usage: vfy verify DIR --trust PATH... [--mrz LINES] [--at YYYY-MM-DD]\n"
            "                  [--crl-policy warn|fail] [--json]\n"
            "                  [--audit LOG --audit-key KEY [--audit-lookup-key FILE] [--kiosk-id ID]]\n"
            "\n"
            "Proves the chip files of a dump folder (EF_SOD.bin, DG1.bin ...) genuine:\n"
            "the EF.SOD signature, the document signer chained to a CSCA of the trust\n"
            "store, its validity and revocation, every data-group hash, the issuing\n"
            "state against the certificates' country. Offline, the chip cannot prove\n"
            "itself (Active/Chip Authentication): the best verdict is data_authentic.\n"
            "\n"
            "options:\n"
            "  --trust PATH     CSCA certificate (PEM/DER), master list (.ml), CRL, or a\n"
            "                   folder of them; repeatable\n"
            "  --mrz LINES      the MRZ the chip was opened with (lines joined by a newline\n"
            "                   or given as one string): DG1 must match it\n"
            "  --at DATE        check certificate validity at DATE instead of now\n"
            "  --refuse-sha1    refuse SHA-1 in the security object\n"
            "  --crl-policy P   when revocation cannot be confirmed (stale or no CRL): warn\n"
            "                   (default: the gate refers) or fail (unverified, exit 4)\n"
            "  --json           print one JSON object\n"
            CLI_AUDIT_HELP
            "  -h, --help       show this help\n"
            CLI_VERBOSITY_HELP
            "\n"
            "exit codes:\n"
            "  0  data_authentic: Passive Authentication holds (saved files never show that a\n"
            "     chip proved itself)\n"
            "  1  invalid: a check failed\n"
            "  2  usage error or unreadable folder\n"
            "  4  unverified: a needed trust anchor is missing\n");
}

int cmd_verify(int argc, char **argv)
{
    char mrz_joined[3 * 45];
    argc = cli_join_mrz_args(argc, argv, mrz_joined, sizeof mrz_joined);
    static const struct option opts[] = {
        { "trust", required_argument, NULL, 't' }, { "mrz", required_argument, NULL, 'm' },
        { "at", required_argument, NULL, 'a' },    { "refuse-sha1", no_argument, NULL, 's' },
        { "json", no_argument, NULL, 'j' },        { "help", no_argument, NULL, 'h' },
        { "crl-policy", required_argument, NULL, 'P' },
        CLI_AUDIT_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    char *trust_paths[MAX_TRUST];
    size_t trust_count = 0;
    const char *mrz_text = NULL;
    bool json = false;
    vfy_inspect_options options = VFY_INSPECT_OPTIONS_INIT;
    struct cli_audit audit = { 0 };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (trust_count == MAX_TRUST) {
                fprintf(stderr, "vfy verify: at most %d --trust paths\n", MAX_TRUST);
                return VFY_EXIT_USAGE;
            }
            trust_paths[trust_count++] = optarg;
            break;
        case 'm': mrz_text = optarg; break;
        case 'a':
            if (!cli_parse_date(optarg, &options.at)) {
                fprintf(stderr, "vfy verify: --at wants YYYY-MM-DD, not '%s'\n", optarg);
                return VFY_EXIT_USAGE;
            }
            break;
        case 's': options.refuse_sha1 = true; break;
        case 'P':
            if (!cli_parse_crl_policy("verify", optarg, &options.crl_policy))
                return VFY_EXIT_USAGE;
            break;
        case 'j': json = true; break;
        case 'h': verify_usage(stdout); return VFY_EXIT_OK;
        default:
            if (cli_audit_option(c, optarg, &audit))
                break;
            return cli_usage_hint("verify");
        }
    }
    if (optind != argc - 1) {
        verify_usage(stderr);
        return VFY_EXIT_USAGE;
    }
    const char *dir = argv[optind];
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_mrz mrz;
    if (mrz_text != NULL) {
        vfy_status s = vfy_mrz_parse(mrz_text, strlen(mrz_text), NULL, &mrz, &d);
        if (s != VFY_OK) {
            cli_report("verify", s, &d);
            return VFY_EXIT_USAGE;
        }
        options.mrz = &mrz;
    }
    vfy_document *doc;
    vfy_status s = vfy_document_new(&doc);
    if (s == VFY_OK)
        s = vfy_document_load_dir(doc, dir, &d);
    if (s != VFY_OK) {
        if (json)
            cli_print_json(cli_error_json(s, &d));
        else
            cli_report("verify", s, &d);
        vfy_document_free(doc);
        return VFY_EXIT_USAGE;
    }
    /* -v: what the folder held, file by file (names and sizes only). */
    for (int id = 0; cli_verbosity == CLI_VERBOSE && id < VFY_FILE_COUNT; id++) {
        const uint8_t *data;
        size_t len;
        if (vfy_document_get_file(doc, (vfy_file_id)id, &data, &len) == VFY_OK)
            fprintf(stderr, "vfy verify: loaded %s, %zu bytes\n", vfy_file_name((vfy_file_id)id), len);
    }
    vfy_trust *trust = NULL;
    s = cli_load_trust("verify", trust_paths, trust_count, &trust);
    if (s != VFY_OK) {
        vfy_document_free(doc);
        return VFY_EXIT_CONFIG;
    }
    if (trust == NULL && cli_verbosity != CLI_QUIET)
        fprintf(stderr, "vfy verify: no --trust given: the document cannot be more than unverified\n");
    options.trust = trust;
    int rc = cli_audit_open("verify", &audit, NULL);
    if (rc != VFY_EXIT_OK) {
        vfy_trust_free(trust);
        vfy_document_free(doc);
        return rc;
    }
    vfy_inspection *r = NULL;
    s = vfy_inspect_files(doc, &options, &r, &d);
    if (s != VFY_OK) {
        cli_report("verify", s, &d);
        rc = cli_exit_for_status(s);
    } else if ((rc = cli_audit_record("verify", &audit, r)) != VFY_EXIT_OK) {
        /* not recorded: not reported */
    } else {
        if (json) {
            json_t *o = json_object();
            json_object_set_new(o, "folder", json_string(dir));
            cli_inspection_add_json(o, r);
            cli_print_json(o);
        } else if (cli_verbosity == CLI_QUIET) {
            printf("verdict: %s\n", vfy_inspection_outcome_name(vfy_inspection_get_outcome(r)));
        } else {
            cli_inspection_print(stdout, r);
        }
        rc = vfy_inspection_exit_code(r);
    }
    vfy_inspection_free(r);
    vfy_trust_free(trust);
    vfy_document_free(doc);
    int closed = cli_audit_close("verify", &audit);
    return rc == VFY_EXIT_OK ? closed : rc;
}
