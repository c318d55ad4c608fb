/* Properties of the release build that an integrator relies on: only the public API is
 * exported, and the binaries are hardened (PIE, full RELRO, stack protector, NX stack). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static const char *build_dir(void)
{
    const char *b = getenv("VFY_BUILD");
    return b != NULL ? b : "build";
}

Test(build, shared_library_exports_only_the_public_api)
{
    char lib[512], cmd[1024];
    snprintf(lib, sizeof lib, "%s/lib/libverify.so", build_dir());
    if (access(lib, R_OK) != 0)
        cr_skip_test("%s not built", lib);
    snprintf(cmd, sizeof cmd, "nm -D --defined-only %s | awk '$2 ~ /[TDBR]/ {print $3}'", lib);
    char *out;
    cr_assert_eq(run_capture(cmd, &out), 0);
    int count = 0;
    for (char *line = strtok(out, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (line[0] == '_' || strcmp(line, "") == 0)
            continue; /* _init, _fini, __bss_start ... */
        cr_assert(strncmp(line, "vfy_", 4) == 0, "exported symbol %s is not public API", line);
        count++;
    }
    cr_assert_gt(count, 10);
    free(out);
    snprintf(cmd, sizeof cmd, "readelf -d %s | grep -c 'SONAME.*libverify.so.0'", lib);
    cr_assert_eq(run_capture(cmd, NULL), 0, "versioned soname libverify.so.0");
}

/* The simulated chip and the specimen generator are libverify-sim: libverify.so holds no
 * symbol of theirs, not even a local one, nor the embedded specimen's chip keys; the
 * simulator's library exports its own API only and needs libverify.so. */
Test(build, product_library_does_not_contain_the_simulator)
{
    char lib[512], sim[512], cmd[1200];
    snprintf(lib, sizeof lib, "%s/lib/libverify.so", build_dir());
    snprintf(sim, sizeof sim, "%s/lib/libverify-sim.so", build_dir());
    if (access(lib, R_OK) != 0 || access(sim, R_OK) != 0)
        cr_skip_test("%s or %s not built", lib, sim);
    static const char *const words[] = { "sim_", "specimen", "embedded" };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        /* Positive control: the simulator's library has them. */
        snprintf(cmd, sizeof cmd, "nm %s | grep -c '%s'", sim, words[i]);
        cr_assert_eq(run_capture(cmd, NULL), 0, "%s has %s symbols", sim, words[i]);
        snprintf(cmd, sizeof cmd, "{ nm %s; nm -D %s; } | grep '%s'", lib, lib, words[i]);
        char *out = NULL;
        cr_assert_eq(run_capture(cmd, &out), 1, "libverify.so holds %s symbols:\n%s", words[i], out);
        free(out);
    }
    snprintf(cmd, sizeof cmd, "grep -c 'PRIVATE KEY' %s", sim);
    cr_assert_eq(run_capture(cmd, NULL), 0, "the simulator embeds the specimen's chip keys");
    snprintf(cmd, sizeof cmd, "grep -c 'PRIVATE KEY' %s", lib);
    cr_assert_eq(run_capture(cmd, NULL), 1, "libverify.so embeds a private key");

    snprintf(cmd, sizeof cmd,
             "nm -D --defined-only %s | awk '$2 ~ /[TDBR]/ {print $3}' | grep -v '^LIBVERIFY_SIM_0$' | "
             "grep -vE '^vfy_(sim|specimen)_'", sim);
    char *out = NULL;
    cr_assert_eq(run_capture(cmd, &out), 1, "libverify-sim.so exports beyond its API:\n%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "readelf -d %s | grep -q 'SONAME.*libverify-sim.so.0' && "
             "readelf -d %s | grep -q 'NEEDED.*libverify.so.0'", sim, sim);
    cr_assert_eq(run_capture(cmd, NULL), 0, "soname libverify-sim.so.0, needs libverify.so.0");
}

/* The static archives: only the exported API is global (an integrator's functions cannot
 * collide with libverify's internals); internals are still there, as local symbols. */
Test(build, static_archives_expose_only_the_api)
{
    char a[512], so[512], sa[512], cmd[1400];
    snprintf(a, sizeof a, "%s/lib/libverify.a", build_dir());
    snprintf(so, sizeof so, "%s/lib/libverify.so", build_dir());
    snprintf(sa, sizeof sa, "%s/lib/libverify-sim.a", build_dir());
    if (access(a, R_OK) != 0 || access(so, R_OK) != 0 || access(sa, R_OK) != 0)
        cr_skip_test("%s, %s or %s not built", a, so, sa);
    /* Every global definition of the archive is exported by the shared library and the
     * other way round: the same API in both forms. */
    snprintf(cmd, sizeof cmd,
             "nm -g --defined-only %s | awk 'NF == 3 {print $3}' | sort > /tmp/vfy_a_$$ && "
             "nm -D --defined-only %s | awk '$3 ~ /^vfy_/ {sub(/@.*/, \"\", $3); print $3}' | sort > /tmp/vfy_so_$$ && "
             "diff /tmp/vfy_a_$$ /tmp/vfy_so_$$; r=$?; wc -l < /tmp/vfy_a_$$; rm -f /tmp/vfy_a_$$ /tmp/vfy_so_$$; exit $r",
             a, so);
    char *out = NULL;
    cr_assert_eq(run_capture(cmd, &out), 0, "libverify.a's globals differ from the exports:\n%s", out);
    cr_assert_gt(atoi(out), 100, "the API is there");
    free(out);
    snprintf(cmd, sizeof cmd, "nm %s | grep -q ' t vfy_cur_init$'", a);
    cr_assert_eq(run_capture(cmd, NULL), 0, "internals are present, as local symbols");
    snprintf(cmd, sizeof cmd,
             "nm -g --defined-only %s | awk 'NF == 3 {print $3}' | grep -vE '^vfy_(sim|specimen)_'", sa);
    cr_assert_eq(run_capture(cmd, &out), 1, "libverify-sim.a's globals beyond its API:\n%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "nm -g --defined-only %s | grep -q ' T vfy_sim_register$'", sa);
    cr_assert_eq(run_capture(cmd, NULL), 0);
}

/* Issue 12: the public structures' arrays are sized with the named constants of
 * verify/vfy_limits.h, never with a bare number. */
Test(build, public_arrays_are_sized_by_name)
{
    char root[512], cmd[1024];
    repo_path("", root, sizeof root);
    snprintf(cmd, sizeof cmd,
             "cd %s && grep -nE '\\[ *[0-9]+ *\\]' include/verify.h include/verify/*.h | "
             "grep -v '^include/verify/vfy_limits.h:'", root);
    char *out = NULL;
    cr_assert_eq(run_capture(cmd, &out), 1, "arrays sized with a bare number:\n%s", out);
    free(out);
    /* The probe finds what it looks for. */
    snprintf(cmd, sizeof cmd, "printf 'char a[12];\\n' | grep -cE '\\[ *[0-9]+ *\\]'");
    cr_assert_eq(run_capture(cmd, NULL), 0);
}

Test(build, cli_is_hardened)
{
    char bin[512], cmd[1024];
    snprintf(bin, sizeof bin, "%s/bin/vfy", build_dir());
    if (access(bin, X_OK) != 0)
        cr_skip_test("%s not built", bin);
    snprintf(cmd, sizeof cmd, "readelf -h %s | grep -q 'DYN'", bin);
    cr_assert_eq(run_capture(cmd, NULL), 0, "PIE");
    snprintf(cmd, sizeof cmd, "readelf -l %s | grep -q GNU_RELRO", bin);
    cr_assert_eq(run_capture(cmd, NULL), 0, "RELRO");
    snprintf(cmd, sizeof cmd, "readelf -d %s | grep -q 'FLAGS.*BIND_NOW'", bin);
    cr_assert_eq(run_capture(cmd, NULL), 0, "full RELRO (BIND_NOW)");
    snprintf(cmd, sizeof cmd, "readelf -lW %s | grep GNU_STACK | grep -qv RWE", bin);
    cr_assert_eq(run_capture(cmd, NULL), 0, "non-executable stack");
    snprintf(cmd, sizeof cmd, "nm %s | grep -q __stack_chk_fail", bin);
    cr_assert_eq(run_capture(cmd, NULL), 0, "stack protector");
}

/* A front end prints what the library decided: nothing in cli/ or examples/ reaches the
 * internal functions that set checks or combine them into a verdict. */
Test(build, front_ends_do_not_decide)
{
    char root[512], cmd[1024];
    repo_path("", root, sizeof root);
    snprintf(cmd, sizeof cmd,
             "cd %s && grep -rlE 'verdict_internal|inspect_internal|vfy_verify_document|"
             "vfy_verdict_finish|vfy_verdict_set_check|vfy_session_authenticate' cli examples",
             root);
    char *out = NULL;
    int rc = run_capture(cmd, &out);
    cr_assert_eq(rc, 1, "front ends that decide a verdict themselves:\n%s", out);
    free(out);
}

/* Issue 12: text is written through bounded writers (core/text, snprintf), never with
 * strcpy, strcat or sprintf, in the library and its public headers. */
Test(build, library_writes_no_unbounded_strings)
{
    char root[512], cmd[1024];
    repo_path("", root, sizeof root);
    snprintf(cmd, sizeof cmd, "cd %s && grep -rnE '\\b(strcpy|strcat|sprintf|vsprintf)\\(' libverify libverify-sim include", root);
    char *out = NULL;
    int rc = run_capture(cmd, &out);
    cr_assert_eq(rc, 1, "unbounded string writes:\n%s", out);
    free(out);
}

/* Issue 12: bytes are written through the bounded writer (core/writer.h), never poked
 * into an output buffer with `buf[n++] =` or `*p++ =`, anywhere in the library or the
 * simulated chip outside core/. The pattern, as an extended regular expression: */
#define POKE_ERE "\\[[^]]*\\+\\+\\)?\\] *=[^=]|\\*\\(?\\*?[A-Za-z_][A-Za-z0-9_]*\\)?\\+\\+ *=[^=]"

/* Appends of typed elements (structures, pointers, tag numbers) to a fixed array behind an
 * explicit count check are not byte output; each is listed here by file and array name,
 * so any other poke, and any new one in these files, fails the test. */
static const char *const ELEMENT_APPENDS[] = {
    "libverify/chip/cardaccess.c:.*out->pace\\[",     /* PACEInfos, VFY_CARD_ACCESS_MAX_PACE */
    "libverify/lds/com.c:.*out->tags\\[",             /* EF.COM tags, VFY_LDS_MAX_TAGS */
    "libverify/lds/dg11.c:.*names\\[",                /* name views, VFY_LDS_MAX_NAMES */
    "libverify/rules/evaluate.c:.*(unknowns|alts)\\[", /* condition pointers, counted */
    /* decision records appended to the workspace's grown pools (rules/record.h) */
    "libverify/rules/evaluate.c:.*w->(miss|preds|ops|vals|waives)\\[",
    /* the plan's tables, built once per engine: codes, vocabulary, superseders, hits,
     * class entries */
    "libverify/rules/plan.c:.*(e->codes|e->names|\\(\\*v\\)|p->superseders|e->hits|e->own_rules)\\[",
    "libverify/rules/decision.c:.*d->pool\\[",        /* owned strings, grown array */
    "libverify/seal/jcs.c:.*names\\[",                /* object keys, sized to the object */
    "libverify/seal/seal_result.c:.*(o->blocks|r->choices)\\[", /* owned blocks, choice ids */
    "hw/pcsc/pcsc.c:.*match\\[",                      /* reader names, PCSC_MAX_READERS */
};

static void poke_grep(const char *where, char *cmd, size_t cap)
{
    int n = snprintf(cmd, cap, "grep -rnE '%s' %s | grep -v '^libverify/core/'", POKE_ERE, where);
    cr_assert(n > 0 && (size_t)n < cap);
    for (size_t i = 0; i < sizeof ELEMENT_APPENDS / sizeof ELEMENT_APPENDS[0]; i++) {
        size_t len = strlen(cmd);
        n = snprintf(cmd + len, cap - len, " | grep -vE '^%s'", ELEMENT_APPENDS[i]);
        cr_assert(n > 0 && (size_t)n < cap - len);
    }
}

Test(build, encoders_write_through_the_bounded_writer)
{
    char root[512], cmd[4096];
    repo_path("", root, sizeof root);
    /* The pattern finds the forms it is meant to find (and not comparisons). */
    char dir[64];
    tmpdir_make("poke", dir, sizeof dir);
    char file[600];
    snprintf(file, sizeof file, "%s/poke.c", dir);
    FILE *f = fopen(file, "w");
    cr_assert_not_null(f);
    fputs("buf[n++] = 1;\n*p++ = 2;\nout[(*len)++] = 3;\n*(*p)++ = 4;\n"
          "if (a[i++] == 5) {}\nx = y[k];\n",
          f);
    fclose(f);
    char probe[4096];
    poke_grep(dir, probe, sizeof probe);
    char *out = NULL;
    cr_assert_eq(run_capture(probe, &out), 0);
    unsigned lines = 0;
    for (const char *q = out; *q != '\0'; q++)
        lines += *q == '\n';
    cr_assert_eq(lines, 4, "the four pokes and nothing else:\n%s", out);
    free(out);
    unlink(file);
    rmdir(dir);

    poke_grep("libverify libverify-sim hw", cmd + snprintf(cmd, 600, "cd %s && ", root), sizeof cmd - 600);
    out = NULL;
    int rc = run_capture(cmd, &out);
    cr_assert_eq(rc, 1, "bytes poked into a buffer outside core/writer:\n%s", out);
    free(out);
}

/* Issue 10 item 13: every buffer that held chip data (DG1 holds the MRZ, the chip's access
 * password; DG2 the face; DG11 the personal details), keys or secure-messaging traffic is
 * wiped before it is freed. In the files that hold such buffers, a plain free() must follow
 * a wipe within three lines; everything else goes through vfy_wipe_free/vfy_wipe_realloc,
 * and no realloc() (which may leave a copy behind) is used. */
Test(build, buffers_with_personal_data_are_wiped_before_free)
{
    static const char *const files[] = {
        "libverify/chip/apdu.c",      "libverify/chip/bac.c",     "libverify/chip/cardaccess.c",
        "libverify/chip/channel.c",   "libverify/chip/file_read.c", "libverify/chip/pace.c",
        "libverify/chip/session.c",   "libverify/chip/sm.c",      "libverify/document/document.c",
        "libverify/auth/session_auth.c", "libverify/auth/cam.c",  "libverify/inspect/inspect.c",
    };
    size_t checked = 0;
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char path[512];
        repo_path(files[f], path, sizeof path);
        size_t n;
        uint8_t *raw = read_file_or_fail(path, &n);
        char *text = malloc(n + 1);
        memcpy(text, raw, n);
        text[n] = '\0';
        free(raw);
        const char *prev[3] = { "", "", "" };
        unsigned lineno = 0;
        for (char *line = text, *next; line != NULL; line = next) {
            next = strchr(line, '\n');
            if (next != NULL)
                *next++ = '\0';
            lineno++;
            const char *re = strstr(line, "realloc(");
            cr_assert(re == NULL || (re > line && re[-1] == '_'), "%s:%u uses realloc: %s",
                      files[f], lineno, line);
            for (const char *p = strstr(line, "free("); p != NULL; p = strstr(p + 1, "free(")) {
                if (p > line && (p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z')))
                    continue;   /* vfy_wipe_free, vfy_secret_free, X509_free ... */
                bool wiped = false;
                for (int i = 0; i < 3; i++)
                    wiped |= strstr(prev[i], "wipe") != NULL || strstr(prev[i], "memzero") != NULL;
                cr_expect(wiped, "%s:%u frees without wiping first: %s", files[f], lineno, line);
                checked++;
            }
            prev[2] = prev[1];
            prev[1] = prev[0];
            prev[0] = line;
        }
        free(text);
    }
    cr_assert_gt(checked, 0);
}

/* The free paths themselves: the document, the session and the channel wipe. */
Test(build, document_and_session_free_paths_wipe)
{
    char root[512], cmd[1024];
    repo_path("", root, sizeof root);
    static const char *const wants[] = {
        "grep -A8 '^void vfy_document_free' libverify/document/document.c | grep -q document_wipe",
        "grep -A8 '^void vfy_session_close' libverify/chip/session.c | grep -q 'vfy_wipe_free(s, '",
        "grep -A8 '^void vfy_channel_free' libverify/chip/channel.c | grep -q 'vfy_wipe_free(ch->resp_buf'",
        "grep -A8 '^void vfy_inspection_free' libverify/inspect/inspect.c | grep -q sodium_memzero",
    };
    for (size_t i = 0; i < sizeof wants / sizeof wants[0]; i++) {
        snprintf(cmd, sizeof cmd, "cd %s && %s", root, wants[i]);
        cr_expect_eq(run_capture(cmd, NULL), 0, "%s", wants[i]);
    }
}

/* Issue 12: one header per concept. Every vfy_session_* call is declared in
 * verify/session.h, and every header that declares a function says in a "Thread
 * safety:" line what may be shared between threads (tests/test_threads.c exercises it). */
Test(build, session_calls_in_one_header_and_thread_safety_stated)
{
    char root[512], cmd[1400];
    repo_path("", root, sizeof root);
    snprintf(cmd, sizeof cmd,
             "cd %s && grep -lE 'VFY_API.*[^_a-z]vfy_session_[a-z_]+ *\\(' include/verify/*.h", root);
    char *out = NULL;
    cr_assert_eq(run_capture(cmd, &out), 0);
    char where[512];
    snprintf(where, sizeof where, "%s", out);
    free(out);
    cr_assert_str_eq(where, "include/verify/session.h\n", "vfy_session_* calls declared in:\n%s", where);
    snprintf(cmd, sizeof cmd,
             "cd %s && for h in include/verify/*.h; do grep -q 'VFY_API' $h || continue; "
             "grep -q 'Thread safety:' $h || echo $h; done", root);
    out = NULL;
    cr_assert_eq(run_capture(cmd, &out), 0);
    snprintf(where, sizeof where, "%s", out);
    free(out);
    cr_assert_str_eq(where, "", "headers without a \"Thread safety:\" line:\n%s", where);
}

/* VFY_NONNULL reaches a caller's compiler (a NULL for a required pointer is a warning,
 * an error under -Werror) and not the library's own build, whose NULL checks must stay. */
Test(build, nonnull_warns_callers_not_the_library)
{
    char root[512], cmd[2048];
    repo_path("", root, sizeof root);
    static const char prog[] =
        "#include \\\"verify.h\\\"\\n"
        "int f(void) { vfy_session *s; return (int)vfy_session_open(%s, &s, 0); }\\n";
    const char *cases[][3] = {
        { "0", "", "1" },                 /* a caller passing NULL: refused */
        { "\\\"sim\\\"", "", "0" },       /* a caller passing a reader: fine */
        { "0", "-DVFY_BUILDING", "0" },   /* the library's own build: no promise */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, prog, cases[i][0]);
        snprintf(cmd, sizeof cmd,
                 "printf \"%s\" | cc -std=c11 -fsyntax-only -Wall -Werror %s -I%s/include -x c - 2>&1 | "
                 "grep -q 'nonnull'; test $? -eq %s",
                 text, cases[i][1], root, strcmp(cases[i][2], "1") == 0 ? "0" : "1");
        cr_assert_eq(run_capture(cmd, NULL), 0, "case %zu: %s", i, cmd);
    }
}
