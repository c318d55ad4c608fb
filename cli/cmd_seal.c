/* vfy seal: decode and verify a visa seal (VDS, IDB, VDS-NC). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define SEAL_FILE_MAX (2u * VFY_SEAL_MAX_INPUT + 16u)
#define SEAL_MAX_PATHS 16

static void seal_usage(FILE *f)
{
    fprintf(f,
            "usage: vfy seal [--json] [--trust PATH]... [--signers PATH]... [--hex]\n"
            "                [--mrz LINES] [FILE|-]\n"
            "\n"
            "Decodes and verifies a visa seal: an ICAO Visible Digital Seal (binary VDS, as\n"
            "the DataMatrix decoder returns it, or as hex with --hex), an ICAO IDB barcode\n"
            "(RDB1/NDB1 text) or a VDS-NC (JSON). The kind is recognised from the input.\n"
            "\n"
            "options:\n"
            "  --json           print one JSON object\n"
            "  --trust PATH     trust anchors: CSCA certificates, master lists, CRLs; a\n"
            "                   barcode-signer certificate here is only looked up, it must\n"
            "                   chain to a CSCA (repeatable)\n"
            "  --signers PATH   barcode-signer certificates (DER or PEM), not trusted by\n"
            "                   themselves: they must chain to a --trust CSCA (repeatable)\n"
            "  --hex, --seal-hex  the input is a VDS written as hexadecimal text (--seal-hex\n"
            "                   as in vfy read)\n"
            "  --mrz LINES      the passport's MRZ (lines separated by newlines, or joined):\n"
            "                   the seal's MRZ and passport number are compared with it\n"
            "  -h, --help       show this help\n"
            CLI_VERBOSITY_HELP
            "\n"
            "exit codes:\n"
            "  0  valid: signed by a trusted signer, the signature verifies\n"
            "  1  invalid: bad signature, malformed seal, untrusted chain, or a mismatch\n"
            "     with the passport\n"
            "  2  usage error or unreadable input\n"
            "  4  unverified: the seal is unsigned or no trust anchor is known for it\n");
}

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Hex text (whitespace ignored) to bytes, in place. */
bool cli_unhex(char *text, size_t len, size_t *out_len)
{
    size_t o = 0;
    int hi = -1;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)text[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        int v = hex_digit(c);
        if (v < 0)
            return false;
        if (hi < 0) {
            hi = v;
        } else {
            text[o++] = (char)(hi << 4 | v);
            hi = -1;
        }
    }
    *out_len = o;
    return hi < 0;
}

static char *hex_of(const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 1);
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        snprintf(s + 2 * i, 3, "%02x", p[i]);
    s[2 * n] = '\0';
    return s;
}

/* A seal date as ISO 8601 (reduced when parts are unknown), "?" when it has no year. */
static const char *date_str(vfy_date d, char buf[16])
{
    const char *t = vfy_date_iso(d, buf);
    return t != NULL ? t : "?";
}

/* ---- text -------------------------------------------------------------------- */
static void print_messages(const vfy_seal_result *r, int parent, int indent)
{
    for (size_t i = 0; i < r->message_count; i++) {
        const vfy_seal_message *m = &r->messages[i];
        if (m->parent != parent)
            continue;
        printf("%*s0x%02X %-24s", indent, "", m->tag, m->name);
        if (m->coding == VFY_SEAL_GROUP) {
            printf("\n");
            print_messages(r, (int)i, indent + 2);
            continue;
        }
        if (m->text != NULL) {
            for (const char *p = m->text; *p != '\0'; p++) {
                if (*p == '\n')
                    printf("\n%*s", indent + 30, "");
                else
                    putchar(*p);
            }
        } else if (m->conforms && m->coding == VFY_SEAL_UINT) {
            printf("%llu", (unsigned long long)m->number);
        } else if (m->conforms && m->coding == VFY_SEAL_DURATION) {
            printf("%u days, %u months, %u years", m->days, m->months, m->years);
        } else {
            char *hex = hex_of(m->value, m->value_len > 32 ? 32 : m->value_len);
            printf("%s%s (%zu bytes)", hex != NULL ? hex : "", m->value_len > 32 ? "..." : "", m->value_len);
            free(hex);
        }
        printf("%s\n", m->conforms ? ""
                                    : "  [does not fit its profile: its length or characters differ from the "
                                      "feature table; shown as decoded, see docs/seals.md]");
    }
}

void cli_seal_print(const vfy_seal_result *r, bool passport_given)
{
    const vfy_seal_header *h = &r->header;
    char a[16], b[16];
    printf("kind:       %s\n", vfy_seal_kind_name(r->kind));
    if (r->kind == VFY_SEAL_KIND_VDS && h->signer_id[0] != '\0') {
        printf("document:   %s (0x%02X/0x%02X)\n", h->document_type ? h->document_type : "unknown type",
               h->feature_ref, h->type_category);
        printf("header:     version byte 0x%02X, %s layout, country %s, signer %s, reference %s\n",
               h->version_byte, h->layout == VFY_SEAL_LAYOUT_FIXED ? "fixed" : "variable", h->country,
               h->signer_id, h->cert_ref);
        printf("dates:      issued %s, signed %s\n", date_str(h->issue_date, a), date_str(h->signature_date, b));
    } else if (r->kind == VFY_SEAL_KIND_IDB && h->identifier[0] != '\0') {
        printf("header:     %s flag %c (%s, %s), country %s", h->identifier, h->flag,
               h->is_signed ? "signed" : "unsigned", h->compressed ? "compressed" : "not compressed", h->country);
        if (h->is_signed)
            printf(", algorithm %u, certificate reference %s, signed %s", h->signature_algorithm, h->cert_ref,
                   date_str(h->signature_date, a));
        printf("\n");
    } else if (r->kind == VFY_SEAL_KIND_VDSNC && h->type[0] != '\0') {
        printf("document:   %s (%s), version %d, issuer %s, %s\n", h->document_type ? h->document_type : "unknown type",
               h->type, h->nc_version, h->country, h->algorithm);
    }
    if (r->message_count > 0) {
        printf("messages:\n");
        print_messages(r, -1, 2);
    }
    if (r->signer.found) {
        const vfy_seal_signer *s = &r->signer;
        printf("signer:     %s, serial %s, issued by %s\n", s->subject, s->serial, s->issuer);
        printf("            valid %s to %s; at signing: %s; now: %s; %s\n", (cli_format_day(s->not_before, a), a),
               (cli_format_day(s->not_after, b), b), s->has_signing_time ? (s->valid_at_signing ? "yes" : "no") : "n/a",
               s->valid_now ? "yes" : "no",
               s->direct_anchor ? "trusted directly" : s->chained ? "chains to a CSCA" : "not trusted");
    }
    if (r->signature_checked)
        printf("signature:  %s (%s, %s)\n", r->signature_ok ? "verifies" : "DOES NOT VERIFY", r->signer.hash,
               r->signer.key);
    for (unsigned i = 0; i < r->choice_count; i++)
        printf("%s%s", i == 0 ? "choices:    " : ", ", r->choices[i]);
    if (r->choice_count > 0)
        printf("   (see docs/seals.md)\n");
    if (passport_given && !r->mrz_checked)
        printf("passport:   not compared: the seal carries no visa MRZ (MRV-A or MRV-B)\n");
    if (r->mrz_checked) {
        if (r->mismatch_count == 0)
            printf("passport:   matches the seal\n");
        for (unsigned i = 0; i < r->mismatch_count; i++)
            printf("passport:   %s differs: seal \"%s\", passport \"%s\"\n", r->mismatches[i].field,
                   r->mismatches[i].seal, r->mismatches[i].passport);
    }
    printf("verdict:    %s\n", vfy_seal_verdict_name(r->verdict));
    if (r->status != VFY_OK)
        printf("reason:     %s: %s\n", vfy_status_name(r->status),
               r->detail.message[0] ? r->detail.message : vfy_strerror(r->status));
}

int cli_seal_exit(vfy_seal_verdict v)
{
    return v == VFY_SEAL_VALID ? VFY_EXIT_OK : v == VFY_SEAL_INVALID ? VFY_EXIT_INVALID : VFY_EXIT_CONFIG;
}

/* Only hex digits (at least a VDS header's worth) and white space. */
static bool looks_like_hex_text(const char *p, size_t n)
{
    size_t digits = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'))
            digits++;
        else if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t')
            return false;
    }
    return digits >= 16;
}

static int fail(bool json, vfy_status s, const vfy_detail *d, int code)
{
    if (json)
        cli_print_json(cli_error_json(s, d));
    else
        cli_report("seal", s, d);
    return code;
}

int cmd_seal(int argc, char **argv)
{
    char mrz_joined[3 * 45];
    argc = cli_join_mrz_args(argc, argv, mrz_joined, sizeof mrz_joined);
    static const struct option longopts[] = {
        { "json", no_argument, NULL, 'j' },         { "trust", required_argument, NULL, 't' },
        { "signers", required_argument, NULL, 's' }, { "hex", no_argument, NULL, 'x' },
        { "seal-hex", no_argument, NULL, 'x' },
        { "mrz", required_argument, NULL, 'm' },     { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool json = false, hex = false;
    const char *trust_paths[SEAL_MAX_PATHS], *signer_paths[SEAL_MAX_PATHS], *mrz_text = NULL;
    size_t ntrust = 0, nsigners = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'x': hex = true; break;
        case 'm': mrz_text = optarg; break;
        case 't':
        case 's':
            if ((c == 't' ? ntrust : nsigners) >= SEAL_MAX_PATHS) {
                fprintf(stderr, "vfy seal: at most %d --trust and %d --signers paths\n", SEAL_MAX_PATHS,
                        SEAL_MAX_PATHS);
                return VFY_EXIT_USAGE;
            }
            if (c == 't')
                trust_paths[ntrust++] = optarg;
            else
                signer_paths[nsigners++] = optarg;
            break;
        case 'h': seal_usage(stdout); return VFY_EXIT_OK;
        default: return cli_usage_hint("seal");
        }
    }
    if (argc - optind > 1) {
        seal_usage(stderr);
        return VFY_EXIT_USAGE;
    }
    const char *path = optind < argc ? argv[optind] : "-";
    vfy_detail d;
    vfy_detail_clear(&d);

    vfy_mrz passport;
    if (mrz_text != NULL) {
        vfy_status s = vfy_mrz_parse(mrz_text, strlen(mrz_text), NULL, &passport, &d);
        if (s != VFY_OK)
            return fail(json, s, &d, VFY_EXIT_USAGE);
    }
    char *buf = NULL;
    size_t len = 0;
    vfy_status s = cli_read_file(path, SEAL_FILE_MAX, &buf, &len);
    if (s != VFY_OK) {
        snprintf(d.message, sizeof d.message, "cannot read %s", path);
        return fail(json, s, &d, VFY_EXIT_USAGE);
    }
    if (len == 0) {
        free(buf);
        snprintf(d.message, sizeof d.message, "%s is empty: no seal to verify", path);
        return fail(json, VFY_E_SEAL_FORMAT, &d, VFY_EXIT_USAGE);
    }
    if (!hex && looks_like_hex_text(buf, len)) {
        /* A barcode scanner's hex output given as bytes: say what to do rather than call
         * the seal invalid. */
        free(buf);
        snprintf(d.message, sizeof d.message, "%s holds hexadecimal text: pass --hex (or --seal-hex) to decode it", path);
        return fail(json, VFY_E_BAD_ENCODING, &d, VFY_EXIT_USAGE);
    }
    if (hex && !cli_unhex(buf, len, &len)) {
        free(buf);
        snprintf(d.message, sizeof d.message, "%s is not hexadecimal text", path);
        return fail(json, VFY_E_BAD_ENCODING, &d, VFY_EXIT_USAGE);
    }
    vfy_trust *trust = NULL;
    vfy_seal_signers *signers = NULL;
    int rc = VFY_EXIT_OK;
    if (ntrust > 0 && (s = vfy_trust_new(&trust)) != VFY_OK)
        rc = fail(json, s, NULL, VFY_EXIT_CONFIG);
    for (size_t i = 0; rc == VFY_EXIT_OK && i < ntrust; i++)
        if ((s = vfy_trust_add_path(trust, trust_paths[i], &d)) != VFY_OK)
            rc = fail(json, s, &d, VFY_EXIT_CONFIG);
    if (rc == VFY_EXIT_OK && nsigners > 0 && (s = vfy_seal_signers_new(&signers)) != VFY_OK)
        rc = fail(json, s, NULL, VFY_EXIT_CONFIG);
    for (size_t i = 0; rc == VFY_EXIT_OK && i < nsigners; i++)
        if ((s = vfy_seal_signers_add_path(signers, signer_paths[i], &d)) != VFY_OK)
            rc = fail(json, s, &d, VFY_EXIT_CONFIG);
    if (rc == VFY_EXIT_OK) {
        vfy_seal_options opts = { .trust = trust, .signers = signers,
                                  .passport = mrz_text != NULL ? &passport : NULL };
        vfy_seal_result *r = NULL;
        s = vfy_seal_verify((const uint8_t *)buf, len, &opts, &r, &d);
        if (r == NULL) {
            rc = fail(json, s, &d, cli_exit_for_status(s));
        } else {
            if (json)
                cli_print_library_json(vfy_seal_result_to_json(r, VFY_JSON_PRETTY));
            else if (cli_verbosity == CLI_QUIET)
                printf("verdict: %s\n", vfy_seal_verdict_name(r->verdict));
            else
                cli_seal_print(r, mrz_text != NULL);
            rc = cli_seal_exit(r->verdict);
            /* Bytes that are no seal format at all were not examined as a seal: unreadable
             * input, not an invalid seal. */
            if (r->kind == VFY_SEAL_KIND_UNKNOWN)
                rc = VFY_EXIT_USAGE;
            vfy_seal_result_free(r);
        }
    }
    vfy_seal_signers_free(signers);
    vfy_trust_free(trust);
    free(buf);
    return rc;
}
