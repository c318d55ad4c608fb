/* vfy read: open a document's chip (PACE or BAC) and read its files. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define READ_MAX_PATHS 16

static void read_usage(FILE *f)
{
    fprintf(f,
            "usage: vfy read --reader CONN (--mrz LINE [LINE...] | --doc N --dob YYMMDD --expiry YYMMDD\n"
            "                | --can CAN) [--json] [--save DIR] [--progress[=json]] [-q | -v]\n"
            "                [--allow-bac-fallback]\n"
            "                [--wait SECONDS]\n"
            "                [--trust PATH... [--crl-policy warn|fail]] [--photo FILE]\n"
            "                [--seal FILE [--seal-hex]]\n"
            "                [--case CASE.json --rules FILE... (--rules-trust KEYS.json | --test-mode)]\n"
            "                [--audit LOG --audit-key KEY [--audit-lookup-key FILE] [--kiosk-id ID]]\n"
            "\n"
            "Opens the chip (PACE when EF.CardAccess offers it, else BAC), reads EF.COM, EF.SOD\n"
            "and every data group the chip lets it read, and prints DG1's MRZ, the access\n"
            "protocol and the APDUs and bytes exchanged. With --trust it also proves the\n"
            "document genuine: Passive Authentication against the CSCAs, and Active and Chip\n"
            "Authentication with the chip while it is on the reader.\n"
            "\n"
            "options:\n"
            "  --reader CONN        the reader: sim, sim:DIR?options, pcsc, pcsc:NAME, nfc, ...\n"
            "  --mrz LINE...        the MRZ lines (two or three arguments, or one joined by a newline)\n"
            "  --doc, --dob, --expiry   document number, birth and expiry dates as typed\n"
            "  --can CAN            the card access number (PACE only)\n"
            "  --json               print one JSON object\n"
            "  --save DIR           write the files read as a dump folder\n"
            CLI_PROGRESS_HELP
            "  --allow-bac-fallback after a PACE failure, try BAC (logged); off by default\n"
            "  --wait SECONDS       wait up to SECONDS for a document to be placed on the reader\n"
            "  --trust PATH         CSCA certificates, master lists, CRLs (files or folders);\n"
            "                       repeatable. Adds the verdict and each check. The built-in\n"
            "                       specimen's CSCA: " VFY_DATADIR "/specimen/csca.pem\n"
            "  --crl-policy P       when revocation cannot be confirmed (stale or no CRL): warn\n"
            "                       (default; the gate refers) or fail (unverified, exit 4)\n"
            "  --photo FILE         save the DG2 face image as stored (JPEG or JPEG 2000); a\n"
            "                       JPEG 2000 face is also written as FILE.png, for browsers\n"
            "  --seal FILE          verify a visa seal (VDS, IDB or VDS-NC) against the chip's MRZ\n"
            "  --seal-hex           the seal file holds a binary VDS as hexadecimal text\n"
            "  --case CASE.json     evaluate facilitated-visa eligibility; the traveller comes from\n"
            "                       the chip's DG1\n"
            "  --rules FILE         a rule set for --case; repeatable\n"
            "  --rules-trust KEYS   the trusted rule-set publishers (production mode)\n"
            "  --allow-development-key  accept rule sets signed with the development key in\n"
            "                       production mode (tests only; every decision says so)\n"
            "  --test-mode          accept unsigned, draft or hypothetical rule sets (said in the\n"
            "                       decision)\n"
            CLI_AUDIT_HELP
            "  -h, --help           show this help\n"
            CLI_VERBOSITY_HELP
            "\n"
            "simulated reader:\n");
    for (size_t i = 0; vfy_sim_help_line(i) != NULL; i++)
        fprintf(f, "  %s\n", vfy_sim_help_line(i));
    fprintf(f, "\n"
               "exit codes:\n"
               "  0  the chip was read (and, as asked, the document is genuine, the seal valid)\n"
               "  1  the document or the seal was found invalid\n"
               "  2  usage error\n"
               "  3  reader, card or access-control failure (a JSON object with error and message\n"
               "     with --json)\n"
               "  4  the document or seal could not be verified (no trust anchor), or a trust\n"
               "     store or rule set could not be loaded\n");
}

/* Policy decisions and skipped files, one line each (never personal data); not with -q. */
static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    if (cli_verbosity != CLI_QUIET)
        fprintf(stderr, "vfy read: %s\n", line);
}

/* Files in reading order, for i = -4 .. 16 (0 is none): EF.CardAccess, EF.CardSecurity
 * (PACE-CAM), EF.COM, EF.SOD, DGs. */
static vfy_file_id file_in_order(int i)
{
    static const vfy_file_id first[] = { VFY_FILE_CARD_ACCESS, VFY_FILE_CARD_SECURITY,
                                         VFY_FILE_COM, VFY_FILE_SOD };
    return i < 0 ? first[i + 4] : (vfy_file_id)i;
}

static void print_result_text(const vfy_document *doc, const vfy_access_info *a,
                              const vfy_read_stats *st)
{
    if (a->protocol == VFY_ACCESS_PACE)
        printf("%-17s PACE %s %s %s\n", "Access", a->mapping, a->cipher,
               a->curve[0] != '\0' ? a->curve : a->group);
    else
        printf("%-17s %s%s\n", "Access", vfy_access_protocol_name(a->protocol),
               a->fell_back_to_bac ? " (fallback after a PACE failure, as the policy allows)" : "");
    vfy_mrz *mrz = malloc(sizeof *mrz);
    if (mrz != NULL && cli_dg1_mrz(doc, mrz)) {
        for (unsigned i = 0; i < mrz->line_count; i++)
            printf("%-17s %s\n", i == 0 ? "MRZ (DG1)" : "", mrz->lines[i]);
        char buf[11];
        const char *expiry = vfy_date_iso(mrz->expiry_date, buf);
        printf("%-17s %s, %s\n", "Name", mrz->surname, mrz->given_names);
        printf("%-17s %s (%s), expires %s\n", "Document", mrz->document_number,
               mrz->issuing_state, expiry != NULL ? expiry : mrz->expiry_date_raw);
    } else {
        printf("%-17s (none readable)\n", "MRZ (DG1)");
    }
    cli_free_mrz(mrz);
    printf("%-17s", "Files");
    for (int i = -4; i <= 16; i++) {
        vfy_file_id id = file_in_order(i);
        const uint8_t *data;
        size_t len;
        if (i != 0 && vfy_document_get_file(doc, id, &data, &len) == VFY_OK)
            printf(" %s (%zu B)", vfy_file_name(id), len);
    }
    printf("\n");
    if (st->files_denied > 0)
        printf("%-17s %u (protected by Extended Access Control)\n", "Files refused",
               st->files_denied);
    printf("%-17s %llu APDUs, %llu bytes exchanged", "Link", (unsigned long long)st->apdus,
           (unsigned long long)(st->bytes_sent + st->bytes_received));
    if (st->simulated_us != 0)
        printf(", %.1f ms simulated", (double)st->simulated_us / 1000.0);
    printf("\n");
}

static int fail(bool json, vfy_status s, const vfy_detail *d)
{
    if (json)
        cli_print_json(cli_error_json(s, d));
    else
        cli_report("read", s, d);
    /* Reader, card and access-control failures are 3; a reader string that does not
     * parse is a usage error (2). */
    return s == VFY_E_BAD_CONNECTION ? VFY_EXIT_USAGE : VFY_EXIT_READER;
}

int cmd_read(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "reader", required_argument, NULL, 'r' },
        { "mrz", required_argument, NULL, 'm' },
        { "doc", required_argument, NULL, 'd' },
        { "dob", required_argument, NULL, 'b' },
        { "expiry", required_argument, NULL, 'e' },
        { "can", required_argument, NULL, 'c' },
        { "json", no_argument, NULL, 'j' },
        { "save", required_argument, NULL, 's' },
        { "progress", optional_argument, NULL, 'p' },
        { "allow-bac-fallback", no_argument, NULL, 'f' },
        { "wait", required_argument, NULL, 'w' },
        { "trust", required_argument, NULL, 't' },
        { "photo", required_argument, NULL, 'P' },
        { "seal", required_argument, NULL, 'S' },
        { "seal-hex", no_argument, NULL, 'X' },
        { "case", required_argument, NULL, 'C' },
        { "rules", required_argument, NULL, 'R' },
        { "rules-trust", required_argument, NULL, 'K' },
        { "test-mode", no_argument, NULL, 'T' },
        { "allow-development-key", no_argument, NULL, 'D' },
        { "crl-policy", required_argument, NULL, 'L' },
        { "help", no_argument, NULL, 'h' },
        CLI_AUDIT_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    const char *reader = NULL, *doc_no = NULL, *dob = NULL, *expiry = NULL, *can = NULL,
               *save = NULL;
    const char *mrz_lines[3];
    size_t mrz_count = 0;
    bool json = false, fallback = false;
    struct cli_progress progress = { .cmd = "vfy read", .percent = -1 };
    vfy_crl_policy crl_policy = VFY_CRL_WARN;
    long wait_s = 0;
    char *wait_end = NULL;
    char *trust_paths[READ_MAX_PATHS];
    const char *rules[READ_MAX_PATHS];
    struct read_checks checks = { .trust_paths = trust_paths, .rules = rules };
    struct cli_audit audit = { 0 };
    optind = 1;
    int ch;
    /* "+" stops at the first non-option, so that --mrz takes the lines that follow it */
    while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'r': reader = optarg; break;
        case 'm':
            mrz_count = 0;
            mrz_lines[mrz_count++] = optarg;
            while (optind < argc && argv[optind][0] != '-' && mrz_count < 3)
                mrz_lines[mrz_count++] = argv[optind++];
            break;
        case 'd': doc_no = optarg; break;
        case 'b': dob = optarg; break;
        case 'e': expiry = optarg; break;
        case 'c': can = optarg; break;
        case 'j': json = true; break;
        case 's': save = optarg; break;
        case 'p':
            if (!cli_progress_parse("read", optarg, &progress))
                return VFY_EXIT_USAGE;
            break;
        case 'f': fallback = true; break;
        case 'w':
            wait_s = strtol(optarg, &wait_end, 10);
            if (*wait_end != '\0' || wait_s <= 0 || wait_s > 86400) {
                fprintf(stderr, "vfy read: --wait takes seconds from 1 to 86400\n");
                return VFY_EXIT_USAGE;
            }
            break;
        case 't':
        case 'R':
            if ((ch == 't' ? checks.trust_count : (size_t)checks.rules_count) >= READ_MAX_PATHS) {
                fprintf(stderr, "vfy read: at most %d --trust and %d --rules\n", READ_MAX_PATHS,
                        READ_MAX_PATHS);
                return VFY_EXIT_USAGE;
            }
            if (ch == 't')
                trust_paths[checks.trust_count++] = optarg;
            else
                rules[checks.rules_count++] = optarg;
            break;
        case 'P': checks.photo = optarg; break;
        case 'S': checks.seal = optarg; break;
        case 'X': checks.seal_hex = true; break;
        case 'C': checks.case_path = optarg; break;
        case 'K': checks.rules_trust = optarg; break;
        case 'T': checks.test_mode = true; break;
        case 'D': checks.allow_dev_key = true; break;
        case 'L':
            if (!cli_parse_crl_policy("read", optarg, &crl_policy))
                return VFY_EXIT_USAGE;
            break;
        case 'h': read_usage(stdout); return VFY_EXIT_OK;
        default:
            if (cli_audit_option(ch, optarg, &audit))
                break;
            return cli_usage_hint("read");
        }
    }
    int keys = (mrz_count > 0) + (doc_no != NULL || dob != NULL || expiry != NULL) + (can != NULL);
    if (optind < argc || reader == NULL || keys != 1 ||
        (doc_no != NULL && (dob == NULL || expiry == NULL))) {
        fprintf(stderr, "vfy read: give --reader and exactly one of --mrz, --doc/--dob/--expiry "
                        "or --can\n");
        read_usage(stderr);
        return VFY_EXIT_USAGE;
    }
    if ((checks.case_path != NULL) != (checks.rules_count > 0)) {
        fprintf(stderr, "vfy read: --case and --rules go together\n");
        return VFY_EXIT_USAGE;
    }
    /* Everything the inspection needs besides the chip is loaded first: a trust store,
     * seal or case that cannot be used is reported before any reader is touched. */
    struct read_inputs in;
    int rc = cli_read_prepare(&checks, &in);
    if (rc == VFY_EXIT_OK)
        rc = cli_audit_open("read", &audit, reader);
    if (rc != VFY_EXIT_OK) {
        if (json) /* the failure printed on stderr, as the one error object */
            cli_print_reported_error(VFY_E_CONFIG);
        cli_read_inputs_free(&in);
        return rc;
    }
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_access_key key;
    vfy_status s;
    /* The MRZ that opens the chip is kept: DG1 must agree with it. */
    vfy_mrz *mrz = NULL;
    if (mrz_count > 0) {
        mrz = malloc(sizeof *mrz);
        if (mrz == NULL) {
            cli_read_inputs_free(&in);
            cli_audit_close("read", &audit);
            return fail(json, VFY_E_NO_MEMORY, NULL);
        }
        s = mrz_count == 1 ? vfy_mrz_parse(mrz_lines[0], strlen(mrz_lines[0]), NULL, mrz, &d)
                           : vfy_mrz_parse_lines(mrz_lines, mrz_count, NULL, mrz, &d);
        if (s == VFY_OK)
            s = vfy_access_key_from_mrz(mrz, &key, &d);
    } else if (can != NULL) {
        s = vfy_access_key_from_can(can, &key, &d);
    } else {
        s = vfy_access_key_from_values(doc_no, dob, expiry, &key, &d);
    }
    if (s != VFY_OK) {
        if (json)
            cli_print_json(cli_error_json(s, &d));
        else
            cli_report("read", s, &d);
        cli_free_mrz(mrz);
        cli_read_inputs_free(&in);
        cli_audit_close("read", &audit);
        return VFY_EXIT_USAGE;
    }

    vfy_read_options opt = { .allow_bac_fallback = fallback, .log = log_line };
    /* -v without --progress: a line for each file read. */
    if (progress.mode == CLI_PROGRESS_OFF && cli_verbosity == CLI_VERBOSE)
        progress.mode = CLI_PROGRESS_LINES;
    if (progress.mode != CLI_PROGRESS_OFF) {
        opt.progress = cli_progress_update;
        opt.progress_ctx = &progress;
    }
    vfy_inspect_options io = VFY_INSPECT_OPTIONS_INIT;
    cli_read_options(&in, mrz, &io);
    io.read = &opt;
    io.crl_policy = crl_policy;
    vfy_session *session = NULL;
    vfy_inspection *r = NULL;
    if (wait_s > 0) {   /* reader.h: open idle, then wait for the document */
        s = vfy_session_open_reader(reader, &session, &d);
        if (s == VFY_OK)
            s = vfy_session_wait_document(session, (unsigned)wait_s * 1000u, &d);
    } else {
        s = vfy_session_open(reader, &session, &d);
    }
    /* The one procedure: access control, the read, the chip's proof, Passive
     * Authentication, the seal and eligibility. */
    if (s == VFY_OK)
        s = vfy_inspect_session(session, &key, &io, &r, &d);
    vfy_access_key_wipe(&key);
    cli_progress_finish(&progress, s == VFY_OK);
    if (s != VFY_OK) {
        rc = fail(json, s, &d);
    } else if ((rc = cli_audit_record("read", &audit, r)) != VFY_EXIT_OK) {
        /* not recorded: not reported */
    } else {
        const vfy_document *doc = vfy_inspection_document(r);
        if (save != NULL) {
            s = vfy_document_save_dir(doc, save, 0, &d);
            if (s != VFY_OK) {
                cli_report("read", s, &d);
                rc = VFY_EXIT_USAGE;
            }
        }
        vfy_access_info a;
        vfy_read_stats st;
        vfy_inspection_access(r, &a);
        vfy_inspection_stats(r, &st);
        /* The exit code follows the inspection when a verdict was asked for. */
        bool judged = checks.trust_count > 0 || checks.seal != NULL;
        /* JSON is always the library's inspection (libverify.inspection/1): without
         * --trust its chain and revocation checks say "no trust store was given" and the
         * outcome is never genuine. */
        json_t *o = json ? json_object() : NULL;
        bool quiet = cli_verbosity == CLI_QUIET;
        if (o == NULL && !quiet)
            print_result_text(doc, &a, &st);
        int photo_rc = checks.photo != NULL ? cli_save_photo(checks.photo, doc, o) : VFY_EXIT_OK;
        if (o != NULL) {
            cli_inspection_add_json(o, r);
        } else if ((judged || checks.case_path != NULL) && quiet) {
            printf("verdict: %s\n", vfy_inspection_outcome_name(vfy_inspection_get_outcome(r)));
        } else if (judged || checks.case_path != NULL) {
            printf("\n");
            cli_inspection_print(stdout, r);
        }
        if (o != NULL)
            cli_print_json(o);
        if (rc == VFY_EXIT_OK && judged)
            rc = vfy_inspection_exit_code(r);
        if (rc == VFY_EXIT_OK)
            rc = photo_rc;
    }
    vfy_inspection_free(r);
    cli_free_mrz(mrz);
    vfy_session_close(session);
    cli_read_inputs_free(&in);
    int closed = cli_audit_close("read", &audit);
    return rc == VFY_EXIT_OK ? closed : rc;
}
