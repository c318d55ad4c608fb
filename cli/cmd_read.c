/* vfy read: open a document's chip (PACE or BAC) and read its files. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void read_usage(FILE *f)
{
    fprintf(f,
            "usage: vfy read --reader CONN (--mrz LINE [LINE...] | --doc N --dob YYMMDD --expiry YYMMDD\n"
            "                | --can CAN) [--json] [--save DIR] [--progress] [--allow-bac-fallback]\n"
            "\n"
            "Opens the chip (PACE when EF.CardAccess offers it, else BAC), reads EF.COM, EF.SOD\n"
            "and every data group the chip lets it read, and prints DG1's MRZ, the access\n"
            "protocol and the APDUs and bytes exchanged. Nothing is verified here: see vfy verify.\n"
            "\n"
            "options:\n"
            "  --reader CONN        the reader: sim, sim:DIR?options, pcsc, pcsc:NAME, nfc, ...\n"
            "  --mrz LINE...        the MRZ lines (two or three arguments, or one joined by a newline)\n"
            "  --doc, --dob, --expiry   document number, birth and expiry dates as typed\n"
            "  --can CAN            the card access number (PACE only)\n"
            "  --json               print one JSON object\n"
            "  --save DIR           write the files read as a dump folder\n"
            "  --progress           report each block on standard error\n"
            "  --allow-bac-fallback after a PACE failure, try BAC (logged); off by default\n"
            "  -h, --help           show this help\n"
            "\n"
            "simulated reader:\n");
    for (size_t i = 0; vfy_sim_help_line(i) != NULL; i++)
        fprintf(f, "  %s\n", vfy_sim_help_line(i));
    fprintf(f, "\n"
               "exit codes:\n"
               "  0  the chip was read\n"
               "  2  usage error\n"
               "  3  reader, card or access-control failure (a JSON object with error and message\n"
               "     with --json)\n");
}

static bool show_progress(void *ctx, const char *file, size_t done, size_t total)
{
    (void)ctx;
    fprintf(stderr, "vfy read: %s %zu/%zu bytes\n", file, done, total);
    return true;
}

static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "vfy read: %s\n", line);
}

/* DG1's MRZ, parsed; false if the chip gave none that parses. */
static bool dg1_mrz(const vfy_document *doc, vfy_mrz *mrz)
{
    const uint8_t *data;
    size_t len;
    vfy_bytes text;
    if (vfy_document_get_file(doc, VFY_FILE_DG1, &data, &len) != VFY_OK ||
        vfy_lds_dg1_mrz(data, len, &text, NULL) != VFY_OK)
        return false;
    return vfy_mrz_parse((const char *)text.data, text.len, NULL, mrz, NULL) == VFY_OK;
}

/* Files in reading order, for i = -3 .. 16 (0 is none): EF.CardAccess, EF.COM, EF.SOD, DGs. */
static vfy_file_id file_in_order(int i)
{
    static const vfy_file_id first[] = { VFY_FILE_CARD_ACCESS, VFY_FILE_COM, VFY_FILE_SOD };
    return i < 0 ? first[i + 3] : (vfy_file_id)i;
}

static json_t *access_json(const vfy_access_info *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "protocol", json_string(vfy_access_protocol_name(a->protocol)));
    if (a->protocol == VFY_ACCESS_PACE) {
        json_object_set_new(o, "mapping", json_string(a->mapping));
        json_object_set_new(o, "cipher", json_string(a->cipher));
        if (a->curve[0] != '\0')
            json_object_set_new(o, "curve", json_string(a->curve));
        if (a->group[0] != '\0')
            json_object_set_new(o, "group", json_string(a->group));
    } else if (a->protocol == VFY_ACCESS_BAC) {
        json_object_set_new(o, "cipher", json_string(a->cipher));
    }
    json_object_set_new(o, "fell_back_to_bac", json_boolean(a->fell_back_to_bac));
    return o;
}

static void print_result_json(const vfy_document *doc, const vfy_access_info *a,
                              const vfy_read_stats *st)
{
    json_t *o = json_object();
    json_object_set_new(o, "access", access_json(a));
    vfy_mrz *mrz = malloc(sizeof *mrz);
    if (mrz != NULL && dg1_mrz(doc, mrz))
        json_object_set_new(o, "mrz", cli_mrz_json(mrz, false));
    else
        json_object_set_new(o, "mrz", json_null());
    free(mrz);
    json_t *files = json_object();
    for (int i = -3; i <= 16; i++) {
        vfy_file_id id = file_in_order(i);
        const uint8_t *data;
        size_t len;
        if (i != 0 && vfy_document_get_file(doc, id, &data, &len) == VFY_OK)
            json_object_set_new(files, vfy_file_name(id),
                                json_pack("{s:I}", "bytes", (json_int_t)len));
    }
    json_object_set_new(o, "files", files);
    json_object_set_new(o, "files_denied", json_integer(st->files_denied));
    json_object_set_new(o, "apdus", json_integer((json_int_t)st->apdus));
    json_object_set_new(o, "bytes_exchanged",
                        json_integer((json_int_t)(st->bytes_sent + st->bytes_received)));
    if (st->simulated_us != 0)
        json_object_set_new(o, "simulated_ms", json_real((double)st->simulated_us / 1000.0));
    cli_print_json(o);
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
    if (mrz != NULL && dg1_mrz(doc, mrz)) {
        for (unsigned i = 0; i < mrz->line_count; i++)
            printf("%-17s %s\n", i == 0 ? "MRZ (DG1)" : "", mrz->lines[i]);
        char buf[11];
        const char *expiry = cli_mrz_date_text(mrz->expiry_date, buf);
        printf("%-17s %s, %s\n", "Name", mrz->surname, mrz->given_names);
        printf("%-17s %s (%s), expires %s\n", "Document", mrz->document_number,
               mrz->issuing_state, expiry != NULL ? expiry : mrz->expiry_date_raw);
    } else {
        printf("%-17s (none readable)\n", "MRZ (DG1)");
    }
    free(mrz);
    printf("%-17s", "Files");
    for (int i = -3; i <= 16; i++) {
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
    return VFY_EXIT_READER;
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
        { "progress", no_argument, NULL, 'p' },
        { "allow-bac-fallback", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *reader = NULL, *doc_no = NULL, *dob = NULL, *expiry = NULL, *can = NULL,
               *save = NULL;
    const char *mrz_lines[3];
    size_t mrz_count = 0;
    bool json = false, progress = false, fallback = false;
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
        case 'p': progress = true; break;
        case 'f': fallback = true; break;
        case 'h': read_usage(stdout); return VFY_EXIT_OK;
        default: read_usage(stderr); return VFY_EXIT_USAGE;
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
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_access_key key;
    vfy_status s;
    if (mrz_count > 0) {
        vfy_mrz *mrz = malloc(sizeof *mrz);
        if (mrz == NULL)
            return fail(json, VFY_E_NO_MEMORY, NULL);
        s = mrz_count == 1 ? vfy_mrz_parse(mrz_lines[0], strlen(mrz_lines[0]), NULL, mrz, &d)
                           : vfy_mrz_parse_lines(mrz_lines, mrz_count, NULL, mrz, &d);
        if (s == VFY_OK)
            s = vfy_access_key_from_mrz(mrz, &key, &d);
        free(mrz);
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
        return VFY_EXIT_USAGE;
    }

    vfy_read_options opt = { .allow_bac_fallback = fallback, .log = log_line };
    if (progress)
        opt.progress = show_progress;
    vfy_session *session = NULL;
    vfy_document *doc = NULL;
    s = vfy_document_new(&doc);
    if (s == VFY_OK)
        s = vfy_session_open(reader, &session, &d);
    if (s == VFY_OK)
        s = vfy_session_read_document(session, &key, &opt, doc, &d);
    vfy_access_key_wipe(&key);
    int rc = VFY_EXIT_OK;
    if (s == VFY_OK && save != NULL) {
        s = vfy_document_save_dir(doc, save, &d);
        if (s != VFY_OK) {
            cli_report("read", s, &d);
            rc = VFY_EXIT_USAGE;
        }
    }
    if (rc == VFY_EXIT_OK && s != VFY_OK) {
        rc = fail(json, s, &d);
    } else if (rc == VFY_EXIT_OK) {
        vfy_access_info a;
        vfy_read_stats st;
        vfy_session_access(session, &a);
        vfy_session_stats(session, &st);
        if (json)
            print_result_json(doc, &a, &st);
        else
            print_result_text(doc, &a, &st);
    }
    vfy_session_close(session);
    vfy_document_free(doc);
    return rc;
}
