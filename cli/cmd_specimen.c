/* vfy specimen: a validly signed specimen passport as a dump folder. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define PHOTO_MAX (4u * 1024u * 1024u)

static void specimen_usage(FILE *f)
{
    fprintf(f,
            "usage: vfy specimen --out DIR [--mrz LINES] [--photo FILE] [--sig rsa|rsa-pss|ecdsa]\n"
            "                    [--aa rsa|ec|none] [--ca ec|dh|none] [--ca-3des] [--digest SHA-256]\n"
            "\n"
            "Makes a complete specimen passport with fresh keys: csca.pem, ds.pem, EF_COM.bin,\n"
            "EF_SOD.bin, EF_CardSecurity.bin, DG1, DG2 (JPEG), DG11, DG12, DG14, DG15, the chip's\n"
            "private keys aa_private.pem and chipauth_private.pem for the simulated chip\n"
            "(vfy read --reader sim:DIR), and csca_private.pem and ds_private.pem for making\n"
            "CRLs and forgeries in tests. Test material only.\n"
            "\n"
            "options:\n"
            "  --out DIR        the folder to write (created if missing)\n"
            "  --mrz LINES      the MRZ (default: the ICAO Utopia specimen, ERIKSSON ANNA MARIA)\n"
            "  --photo FILE     a JPEG face image for DG2 (default: the built-in synthetic face)\n"
            "  --sig ALG        EF.SOD signature: ecdsa (default), rsa, rsa-pss\n"
            "  --aa ALG         Active Authentication key: rsa (default), ec, none\n"
            "  --ca ALG         Chip Authentication key: ec (default), dh, none\n"
            "  --ca-3des        Chip Authentication with 3DES secure messaging (default AES-128)\n"
            "  --digest NAME    SHA-1, SHA-224, SHA-256 (default), SHA-384, SHA-512\n"
            "  -h, --help       show this help\n"
            CLI_VERBOSITY_HELP);
}

static bool pick(const char *arg, const char *const *names, size_t n, int *out)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(arg, names[i]) == 0) {
            *out = (int)i;
            return true;
        }
    return false;
}

int cmd_specimen(int argc, char **argv)
{
    char mrz_joined[3 * 45];
    argc = cli_join_mrz_args(argc, argv, mrz_joined, sizeof mrz_joined);
    static const struct option opts[] = {
        { "out", required_argument, NULL, 'o' },   { "mrz", required_argument, NULL, 'm' },
        { "photo", required_argument, NULL, 'p' }, { "sig", required_argument, NULL, 's' },
        { "aa", required_argument, NULL, 'a' },    { "ca", required_argument, NULL, 'c' },
        { "ca-3des", no_argument, NULL, '3' },     { "digest", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
    };
    static const char *const sigs[] = { "ecdsa", "rsa", "rsa-pss" };
    static const char *const aas[] = { "rsa", "ec", "none" };
    static const char *const cas[] = { "ec", "dh", "none" };
    vfy_specimen_options o = { 0 };
    const char *out = NULL, *photo = NULL;
    int c, v;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'm': o.mrz = optarg; break;
        case 'p': photo = optarg; break;
        case 's':
            if (!pick(optarg, sigs, 3, &v))
                goto bad;
            o.sig = (vfy_specimen_sig)v;
            break;
        case 'a':
            if (!pick(optarg, aas, 3, &v))
                goto bad;
            o.aa = (vfy_specimen_aa)v;
            break;
        case 'c':
            if (!pick(optarg, cas, 3, &v))
                goto bad;
            o.ca = (vfy_specimen_ca)v;
            break;
        case '3': o.ca_3des = true; break;
        case 'd': o.digest = optarg; break;
        case 'h': specimen_usage(stdout); return VFY_EXIT_OK;
        default: return cli_usage_hint("specimen");
        }
    }
    if (out == NULL || optind != argc) {
        specimen_usage(stderr);
        return VFY_EXIT_USAGE;
    }
    char *jpeg = NULL;
    size_t jpeg_len = 0;
    if (photo != NULL) {
        vfy_status s = cli_read_file(photo, PHOTO_MAX, &jpeg, &jpeg_len);
        if (s != VFY_OK) {
            fprintf(stderr, "vfy specimen: cannot read the photo %s\n", photo);
            return VFY_EXIT_USAGE;
        }
        o.photo = (const uint8_t *)jpeg;
        o.photo_len = jpeg_len;
    }
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status s = vfy_specimen_write(out, &o, &d);
    free(jpeg);
    if (s != VFY_OK) {
        cli_report("specimen", s, &d);
        return cli_exit_for_status(s) == VFY_EXIT_OK ? VFY_EXIT_USAGE : cli_exit_for_status(s);
    }
    printf("specimen written to %s (trust anchor: %s/csca.pem)\n", out, out);
    /* The MRZ to open it with, read back from its DG1: what a test or demo types next. */
    vfy_document *doc = NULL;
    vfy_mrz *mrz = malloc(sizeof *mrz);
    if (mrz != NULL && vfy_document_new(&doc) == VFY_OK && vfy_document_load_dir(doc, out, NULL) == VFY_OK &&
        cli_dg1_mrz(doc, mrz)) {
        printf("MRZ:");
        for (unsigned i = 0; i < mrz->line_count; i++)
            printf(" '%s'", mrz->lines[i]);
        printf("\nread it:  vfy read --reader 'sim:%s' --trust %s/csca.pem --mrz", out, out);
        for (unsigned i = 0; i < mrz->line_count; i++)
            printf(" '%s'", mrz->lines[i]);
        printf("\n");
    }
    vfy_document_free(doc);
    cli_free_mrz(mrz);
    return VFY_EXIT_OK;
bad:
    fprintf(stderr, "vfy specimen: unknown value '%s'\n", optarg);
    specimen_usage(stderr);
    return VFY_EXIT_USAGE;
}
