/* The layers of docs/architecture.md, enforced: every #include "..." in the library, the
 * transports, the simulated chip and the front ends is checked against one table of what
 * each folder may include, so a lower layer that reaches up (an LDS parser including the
 * inspection, the APDU code including secure messaging) fails the build's tests. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* The allowed include graph, lowest layer first. A token ending in '/' allows a whole
 * folder of headers, any other token exactly one header. verify/ and verify.h are the
 * public API, which every layer may use. Rules, seals, the audit trail and the MRZ sit
 * beside the chip stack: they include only the foundation (and seals the trust store,
 * for their signers' certificates). */
static const struct layer {
    const char *folder; /* as in the repository */
    const char *may_include;
    const char *why;
} LAYERS[] = {
    { "libverify/core", "core/ verify/", "the foundation: cursor, writer, TLV, status, dates, JCS" },
    { "libverify/crypto", "core/ crypto/ verify/", "thin wrappers over OpenSSL and libsodium" },
    { "hw", "core/ verify/ transport.h nfc/ pcsc/",
      "transports; the transport table still names the simulated chip's connection "
      "strings (sim_transport.h only)" },
    { "libverify-sim/sim", "core/ crypto/ verify/ transport.h sim/ specimen/",
      "the simulated chip: a transport over the product's crypto, serving the specimen" },
    { "libverify-sim/specimen", "core/ verify/ lds/ specimen/", "the specimen generator (test data)" },
    { "libverify/chip", "core/ crypto/ verify/ transport.h chip/ lds/read_plan.h",
      "APDU, secure messaging, access control, file reader; the read plan is the one LDS "
      "question a read asks (docs/architecture.md, 'The chip layer reads bytes')" },
    { "libverify/document", "core/ verify/ document/", "chip files held byte for byte" },
    { "libverify/lds", "core/ verify/ lds/", "LDS parsers" },
    { "libverify/mrz", "core/ verify/ mrz/", "beside the chip stack" },
    { "libverify/trust", "core/ verify/ trust/", "the trust store" },
    { "libverify/pa", "core/ verify/ lds/ trust/ pa/", "verification: Passive Authentication" },
    { "libverify/auth", "core/ crypto/ verify/ chip/ lds/ pa/ auth/",
      "verification: Active and Chip Authentication on the open channel" },
    { "libverify/seal", "core/ verify/ trust/ seal/", "beside the chip stack" },
    { "libverify/rules", "core/ verify/ rules/", "beside the chip stack" },
    { "libverify/audit", "core/ verify/ audit/", "records finished inspections" },
    { "libverify/inspect", "core/ verify/ mrz/ pa/ seal/ inspect/", "the inspection, owner of the verdict" },
    { "libverify/reader", "core/ verify/ chip/ transport.h nfc/ pcsc/", "reader discovery and presence" },
    { "service", "verify.h verify/ core/fail.h request.h serve.h state.h worker.h",
      "front end: the public API (and the detail helper)" },
    { "cli", "verify.h cli.h vfy_datadir.h ../service/serve.h",
      "front end: the public API only (and the generated install-path header)" },
};

/* Inside chip/, the protocol stack itself: a file may include only the chip headers of
 * its own rank or below (transport, then APDU, SM, channel, access control, file reader,
 * session). */
static const struct { const char *stem; int rank; } CHIP_RANKS[] = {
    { "apdu", 1 },       { "sm", 2 },  { "channel", 3 },   { "cardaccess", 4 },
    { "bac", 4 },        { "pace", 4 }, { "file_read", 5 }, { "session", 6 },
};

/* The rank of chip/NAME.c or chip/NAME.h (0 if unranked: refused by the caller). */
static int chip_rank(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    size_t stem = strcspn(base, ".");
    for (size_t i = 0; i < sizeof CHIP_RANKS / sizeof CHIP_RANKS[0]; i++)
        if (strlen(CHIP_RANKS[i].stem) == stem && strncmp(base, CHIP_RANKS[i].stem, stem) == 0)
            return CHIP_RANKS[i].rank;
    return 0;
}

static const struct layer *layer_of(const char *file)
{
    const struct layer *best = NULL;
    for (size_t i = 0; i < sizeof LAYERS / sizeof LAYERS[0]; i++) {
        size_t n = strlen(LAYERS[i].folder);
        if (strncmp(file, LAYERS[i].folder, n) == 0 && file[n] == '/' &&
            (best == NULL || n > strlen(best->folder)))
            best = &LAYERS[i];
    }
    return best;
}

static bool allowed(const struct layer *l, const char *target)
{
    const char *p = l->may_include;
    while (*p != '\0') {
        size_t n = strcspn(p, " ");
        if (n > 0) {
            bool folder = p[n - 1] == '/';
            if (folder ? strncmp(target, p, n) == 0 : (strlen(target) == n && strncmp(target, p, n) == 0))
                return true;
        }
        p += n;
        while (*p == ' ')
            p++;
    }
    return false;
}

/* Checks the includes of one file's text; appends "file: target" for each violation to
 * report (cap bytes) and returns their number. */
static unsigned check_text(const char *file, const char *text, char *report, size_t cap)
{
    const struct layer *l = layer_of(file);
    unsigned bad = 0;
    bool in_chip = strncmp(file, "libverify/chip/", 15) == 0;
    int my_rank = in_chip ? chip_rank(file) : 0;
    for (const char *line = text; line != NULL && *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        const char *q;
        if (len > 10 && strncmp(line, "#include \"", 10) == 0 && (q = memchr(line + 10, '"', len - 10)) != NULL) {
            char target[256];
            snprintf(target, sizeof target, "%.*s", (int)(q - (line + 10)), line + 10);
            const char *why = NULL;
            if (l == NULL)
                why = "folder not in the layer table";
            else if (!allowed(l, target))
                why = "not allowed for this layer";
            else if (in_chip && my_rank == 0)
                why = "a chip file without a rank in CHIP_RANKS";
            else if (in_chip && strncmp(target, "chip/", 5) == 0 &&
                     (chip_rank(target) == 0 || chip_rank(target) > my_rank))
                why = "a higher layer of the chip stack";
            if (why != NULL) {
                size_t used = strlen(report);
                snprintf(report + used, cap - used, "%s includes \"%s\": %s\n", file, target, why);
                bad++;
            }
        }
        line = end != NULL ? end + 1 : NULL;
    }
    return bad;
}

/* The checker finds what it is meant to find. */
Test(architecture, checker_catches_upward_includes)
{
    char report[2048] = "";
    cr_assert_eq(check_text("libverify/lds/dg1.c", "#include \"core/cursor.h\"\n#include \"verify/lds.h\"\n",
                            report, sizeof report), 0, "%s", report);
    cr_assert_eq(check_text("libverify/lds/dg1.c", "#include \"inspect/inspect_internal.h\"\n", report,
                            sizeof report), 1);
    cr_assert_eq(check_text("libverify/core/cursor.c", "#include \"chip/apdu.h\"\n", report, sizeof report), 1);
    cr_assert_eq(check_text("libverify/chip/apdu.c", "#include \"chip/sm.h\"\n", report, sizeof report), 1,
                 "APDU below secure messaging");
    cr_assert_eq(check_text("libverify/chip/sm.h", "#include \"chip/apdu.h\"\n", report, sizeof report), 0);
    cr_assert_eq(check_text("libverify/chip/channel.c", "#include \"chip/session.h\"\n", report, sizeof report), 1);
    cr_assert_eq(check_text("cli/main.c", "#include \"core/fail.h\"\n", report, sizeof report), 1);
    cr_assert_eq(check_text("libverify/rules/ruleset.c", "#include \"seal/jcs.h\"\n", report, sizeof report), 1,
                 "rules beside seals: shared code lives in core/");
    cr_assert_eq(check_text("libverify/newfolder/x.c", "#include \"core/fail.h\"\n", report, sizeof report), 1,
                 "a new folder must be given its place in the table");
}

Test(architecture, no_layer_includes_a_higher_one)
{
    char root[512], cmd[1024];
    repo_path("", root, sizeof root);
    snprintf(cmd, sizeof cmd,
             "cd %s && find libverify libverify-sim hw cli service -name '*.[ch]' -not -path '*/tools/*' | sort", root);
    char *list = NULL;
    cr_assert_eq(run_capture(cmd, &list), 0);
    static char report[65536];
    report[0] = '\0';
    unsigned bad = 0, files = 0;
    for (char *f = strtok(list, "\n"); f != NULL; f = strtok(NULL, "\n")) {
        char path[1024];
        size_t n;
        uint8_t *raw = read_file_or_fail(repo_path(f, path, sizeof path), &n);
        char *text = malloc(n + 1);
        memcpy(text, raw, n);
        text[n] = '\0';
        free(raw);
        bad += check_text(f, text, report, sizeof report);
        free(text);
        files++;
    }
    free(list);
    cr_assert_gt(files, 100);
    cr_assert_eq(bad, 0, "includes against the layers (docs/architecture.md):\n%s", report);
}
