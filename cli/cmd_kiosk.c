/* vfy kiosk: the border-kiosk loop on one reader — wait for a document, read and verify
 * it, print the outcome, wait for its removal, repeat. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_TRUST 16

static void kiosk_usage(FILE *f)
{
    fprintf(f,
            "usage: vfy kiosk --reader CONN (--mrz LINES | --can CAN) [--trust PATH]...\n"
            "                 [--count N] [--wait SECONDS] [--crl-policy warn|fail] [--json]\n"
            "                 [--progress[=json]] [-q | -v]\n"
            "                 [--audit LOG --audit-key KEY [--audit-lookup-key FILE] [--kiosk-id ID]]\n"
            "\n"
            "Serves travellers one after another on one reader: waits for a document, opens\n"
            "its chip (PACE or BAC), reads every file, verifies it when --trust is given,\n"
            "prints one result, waits until the document is taken away, and starts again.\n"
            "A document pulled away mid-read gives that read a typed error (exit code of the\n"
            "run is not affected); nothing of one traveller is kept for the next.\n"
            "\n"
            "  --reader CONN   sim, sim:DIR?opts, pcsc, pcsc:NAME, nfc, pn532_uart:/dev/ttyUSB0 ...\n"
            "                  ('vfy readers' lists them)\n"
            "  --mrz LINES     the MRZ of the documents expected (lines joined by a newline);\n"
            "                  a real kiosk takes each traveller's MRZ from its scanner\n"
            "  --can CAN       a card access number instead (PACE documents)\n"
            "  --trust PATH    CSCA certificates, master lists, CRLs (repeatable)\n"
            "  --count N       stop after N documents (default: serve until interrupted)\n"
            "  --wait SECONDS  give up when no document comes within SECONDS (default: wait)\n"
            "  --crl-policy P  when revocation cannot be confirmed: warn (default; the gate\n"
            "                  refers) or fail (the document is unverified)\n"
            "  --json          one JSON object per document, one per line\n"
            CLI_PROGRESS_HELP
            CLI_AUDIT_HELP
            CLI_VERBOSITY_HELP
            "\n"
            "exit codes:\n"
            "  0  the loop ended after --count documents, each genuine or data_authentic\n"
            "     (or read, without --trust)\n"
            "  1  at least one document was invalid (its failing checks are printed)\n"
            "  2  usage error\n"
            "  3  the reader failed, or no document came within --wait\n"
            "  4  the trust store could not be loaded, or a document was unverified, or an\n"
            "     inspection could not be recorded in the audit log (the kiosk stops)\n");
}

struct kiosk {
    vfy_session *session;
    vfy_access_key key;
    vfy_mrz mrz;
    bool have_mrz;
    vfy_trust *trust;
    vfy_crl_policy crl_policy;
    bool json;
    struct cli_progress progress;   /* --progress, or -v's line per file */
    struct cli_audit audit;
    bool audit_failed;
};

static void print_failure(const struct kiosk *k, long n, const char *stage, vfy_status s,
                          const vfy_detail *d, const vfy_read_stats *stats)
{
    if (k->json) {
        json_t *o = cli_error_json(s, d);
        json_object_set_new(o, "document", json_integer(n));
        json_object_set_new(o, "stage", json_string(stage));
        json_object_set_new(o, "apdus", json_integer((json_int_t)stats->apdus));
        json_dumpf(o, stdout, JSON_COMPACT);
        putchar('\n');
        json_decref(o);
    } else {
        printf("document %ld: %s failed: %s: %s\n", n, stage, vfy_status_name(s),
               d->message[0] ? d->message : vfy_strerror(s));
    }
}

/* One traveller: the inspection, printed. Returns the inspection's exit code, or
 * VFY_EXIT_OK when the read itself failed (that traveller's error is printed; the run
 * goes on). Nothing of one traveller is kept for the next. */
static int serve(struct kiosk *k, long n)
{
    vfy_detail d = { 0 };
    vfy_inspection *r = NULL;
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = k->trust;
    o.mrz = k->have_mrz ? &k->mrz : NULL;
    o.crl_policy = k->crl_policy;
    vfy_read_options ro = { .allow_bac_fallback = false };
    if (k->progress.mode != CLI_PROGRESS_OFF) {
        k->progress.file[0] = '\0';
        k->progress.percent = -1;
        ro.progress = cli_progress_update;
        ro.progress_ctx = &k->progress;
        o.read = &ro;
    }
    vfy_status s = vfy_inspect_session(k->session, &k->key, &o, &r, &d);
    cli_progress_finish(&k->progress, s == VFY_OK);
    if (s != VFY_OK) {
        vfy_read_stats stats = { 0 };
        vfy_session_stats(k->session, &stats);
        print_failure(k, n, "read", s, &d, &stats);
        return VFY_EXIT_OK;
    }
    if (cli_audit_record("kiosk", &k->audit, r) != VFY_EXIT_OK) {
        /* Not recorded, not reported: the kiosk stops (see cmd_kiosk). */
        k->audit_failed = true;
        vfy_inspection_free(r);
        return VFY_EXIT_CONFIG;
    }
    vfy_access_info access;
    vfy_read_stats stats;
    vfy_inspection_access(r, &access);
    vfy_inspection_stats(r, &stats);
    if (k->json) {
        /* One line per traveller: the library's inspection (access, files, read statistics
         * with the same keys and shapes as vfy read) and the traveller's number. */
        json_t *j = json_object();
        json_object_set_new(j, "document", json_integer(n));
        cli_inspection_add_json(j, r);
        json_dumpf(j, stdout, JSON_COMPACT);
        putchar('\n');
        json_decref(j);
    } else {
        printf("document %ld: %s, gate %s (%s, %u files, %llu APDUs): %s\n", n,
               vfy_inspection_outcome_name(vfy_inspection_get_outcome(r)),
               vfy_gate_name(vfy_inspection_gate(r)), vfy_access_protocol_name(access.protocol),
               stats.files_read, (unsigned long long)stats.apdus, vfy_inspection_summary(r));
        vfy_inspection_check c;
        for (size_t i = 0; vfy_inspection_check_at(r, i, &c); i++)
            if (c.status == VFY_OUTCOME_FAILED)
                printf("  failed %-22s %s (%s)\n", c.id, c.reason, vfy_status_name(c.code));
    }
    int rc = k->trust != NULL ? vfy_inspection_exit_code(r) : VFY_EXIT_OK;
    vfy_inspection_free(r);
    return rc;
}

/* The worse of two exit codes: invalid beats unverified beats success. */
static int worse(int a, int b)
{
    static const int rank[5] = { 0, 2, 4, 3, 1 }; /* by exit code 0..4 */
    return rank[a] >= rank[b] ? a : b;
}

static int parse_key(struct kiosk *k, const char *mrz_text, const char *can)
{
    vfy_detail d = { 0 };
    vfy_status s;
    if ((mrz_text == NULL) == (can == NULL)) {
        fprintf(stderr, "vfy kiosk: give exactly one of --mrz and --can\n");
        return VFY_EXIT_USAGE;
    }
    if (mrz_text != NULL) {
        s = vfy_mrz_parse(mrz_text, strlen(mrz_text), NULL, &k->mrz, &d);
        if (s == VFY_OK)
            s = vfy_access_key_from_mrz(&k->mrz, &k->key, &d);
        k->have_mrz = s == VFY_OK;
    } else {
        s = vfy_access_key_from_can(can, &k->key, &d);
    }
    if (s != VFY_OK) {
        cli_report("kiosk", s, &d);
        return VFY_EXIT_USAGE;
    }
    return VFY_EXIT_OK;
}

int cmd_kiosk(int argc, char **argv)
{
    char mrz_joined[3 * 45];
    argc = cli_join_mrz_args(argc, argv, mrz_joined, sizeof mrz_joined);
    static const struct option opts[] = {
        { "reader", required_argument, NULL, 'r' }, { "mrz", required_argument, NULL, 'm' },
        { "can", required_argument, NULL, 'c' },    { "trust", required_argument, NULL, 't' },
        { "count", required_argument, NULL, 'n' },  { "wait", required_argument, NULL, 'w' },
        { "json", no_argument, NULL, 'j' },         { "help", no_argument, NULL, 'h' },
        { "crl-policy", required_argument, NULL, 'P' },
        { "progress", optional_argument, NULL, 'G' },
        CLI_AUDIT_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    struct kiosk k = { 0 };
    k.progress.cmd = "vfy kiosk";
    /* -v without --progress: a line for each file read (--progress below overrides). */
    k.progress.mode = cli_verbosity == CLI_VERBOSE ? CLI_PROGRESS_LINES : CLI_PROGRESS_OFF;
    const char *reader = NULL, *mrz_text = NULL, *can = NULL;
    char *trust_paths[MAX_TRUST];
    size_t trust_count = 0;
    long count = 0, wait_s = 0;
    char *end;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'r': reader = optarg; break;
        case 'm': mrz_text = optarg; break;
        case 'c': can = optarg; break;
        case 't':
            if (trust_count == MAX_TRUST) {
                fprintf(stderr, "vfy kiosk: at most %d --trust paths\n", MAX_TRUST);
                return VFY_EXIT_USAGE;
            }
            trust_paths[trust_count++] = optarg;
            break;
        case 'n':
            count = strtol(optarg, &end, 10);
            if (*end != '\0' || count <= 0) {
                fprintf(stderr, "vfy kiosk: --count takes a positive number\n");
                return VFY_EXIT_USAGE;
            }
            break;
        case 'w':
            wait_s = strtol(optarg, &end, 10);
            if (*end != '\0' || wait_s <= 0 || wait_s > 86400) {
                fprintf(stderr, "vfy kiosk: --wait takes seconds from 1 to 86400\n");
                return VFY_EXIT_USAGE;
            }
            break;
        case 'j': k.json = true; break;
        case 'G':
            if (!cli_progress_parse("kiosk", optarg, &k.progress))
                return VFY_EXIT_USAGE;
            break;
        case 'P':
            if (!cli_parse_crl_policy("kiosk", optarg, &k.crl_policy))
                return VFY_EXIT_USAGE;
            break;
        case 'h': kiosk_usage(stdout); return VFY_EXIT_OK;
        default:
            if (cli_audit_option(c, optarg, &k.audit))
                break;
            return cli_usage_hint("kiosk");
        }
    }
    if (reader == NULL || optind != argc) {
        kiosk_usage(stderr);
        return VFY_EXIT_USAGE;
    }
    int rc = parse_key(&k, mrz_text, can);
    if (rc != VFY_EXIT_OK)
        return rc;
    if (trust_count > 0 && cli_load_trust("kiosk", trust_paths, trust_count, &k.trust) != VFY_OK) {
        vfy_access_key_wipe(&k.key);
        return VFY_EXIT_CONFIG;
    }
    if ((rc = cli_audit_open("kiosk", &k.audit, reader)) != VFY_EXIT_OK) {
        vfy_trust_free(k.trust);
        vfy_access_key_wipe(&k.key);
        return rc;
    }
    vfy_detail d = { 0 };
    vfy_status s = vfy_session_open_reader(reader, &k.session, &d);
    if (s != VFY_OK) {
        cli_report("kiosk", s, &d);
        vfy_trust_free(k.trust);
        vfy_access_key_wipe(&k.key);
        cli_audit_close("kiosk", &k.audit);
        return cli_exit_for_status(s);
    }
    /* Without --wait, wait in slices of an hour: the loop never gives up. */
    unsigned slice_ms = wait_s > 0 ? (unsigned)wait_s * 1000u : 3600u * 1000u;
    for (long n = 1; count == 0 || n <= count; n++) {
        if (!k.json) {
            printf("waiting for document %ld\n", n);
            fflush(stdout);
        }
        while ((s = vfy_session_wait_document(k.session, slice_ms, &d)) == VFY_E_TIMEOUT &&
               wait_s == 0) {
        }
        if (s == VFY_OK) {
            rc = worse(rc, serve(&k, n));
            fflush(stdout);
            if (k.audit_failed) {
                rc = VFY_EXIT_CONFIG;   /* no traveller is served without a record */
                break;
            }
            if (count != 0 && n == count)
                break;   /* the last traveller may keep the document on the reader */
            /* Asked only while the document is still there: one pulled away mid-read
             * needs no prompt (the next line is the next traveller's). */
            bool still = false;
            vfy_detail pd = { 0 };
            if (!k.json && vfy_session_document_present(k.session, &still, &pd) == VFY_OK &&
                still) {
                printf("take document %ld off the reader\n", n);
                fflush(stdout);
            }
            while ((s = vfy_session_wait_removal(k.session, slice_ms, &d)) == VFY_E_TIMEOUT &&
                   wait_s == 0) {
            }
        }
        if (s != VFY_OK) {
            cli_report("kiosk", s, &d);
            rc = VFY_EXIT_READER;
            break;
        }
    }
    vfy_session_close(k.session);
    vfy_trust_free(k.trust);
    vfy_access_key_wipe(&k.key);
    int closed = cli_audit_close("kiosk", &k.audit);
    return rc == VFY_EXIT_OK ? closed : rc;
}
