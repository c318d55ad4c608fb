#define _XOPEN_SOURCE 700
#include <ctype.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "support.h"
#include "verify/sim.h"

/* Every test program links libverify-sim, as vfy does, and offers its simulated chip as
 * the reader "sim" before any test runs (test_sim_library checks libverify without it). */
__attribute__((constructor)) static void register_simulated_chip(void)
{
    vfy_detail d = { 0 };
    if (vfy_sim_register(&d) != VFY_OK) {
        fprintf(stderr, "tests: vfy_sim_register failed: %s\n", d.message);
        abort();
    }
}

static const char *shared_root(void)
{
    const char *env = getenv("VFY_SHARED");
    return env != NULL && env[0] != '\0' ? env : VFY_SHARED_DIR;
}

const char *shared_path(const char *relative, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%s", shared_root(), relative);
    if (access(buf, R_OK) != 0)
        cr_skip_test("test data %s is missing (set SHARED=path/to/shared)", buf);
    return buf;
}

const char *repo_path(const char *relative, char *buf, size_t cap)
{
    const char *root = getenv("VFY_ROOT");
    snprintf(buf, cap, "%s/%s", root != NULL ? root : ".", relative);
    return buf;
}

uint8_t *read_file_or_fail(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    cr_assert_not_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

uint8_t *hex_decode(const char *hex, size_t *len)
{
    size_t n = strlen(hex);
    uint8_t *out = malloc(n / 2 + 1);
    cr_assert_not_null(out);
    size_t o = 0;
    int hi = -1;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)hex[i];
        if (isspace(c))
            continue;
        int v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        else
            cr_assert_fail("bad hex character '%c'", c);
        if (hi < 0) {
            hi = v;
        } else {
            out[o++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    cr_assert_lt(hi, 0, "odd number of hex digits");
    *len = o;
    return out;
}

char *hex_encode(const uint8_t *data, size_t len)
{
    char *s = malloc(len * 2 + 1);
    cr_assert_not_null(s);
    for (size_t i = 0; i < len; i++)
        snprintf(s + 2 * i, 3, "%02x", data[i]);
    s[len * 2] = '\0';
    return s;
}

int run_capture(const char *cmd, char **out)
{
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "cannot run %s", cmd);
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
    }
    buf[n] = '\0';
    int st = pclose(p);
    if (out != NULL)
        *out = buf;
    else
        free(buf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

const char *vfy_bin(void)
{
    const char *b = getenv("VFY_BIN");
    return b != NULL ? b : "build/asan/vfy";
}

json_t *json_parse_or_fail(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    cr_assert_not_null(j, "not JSON (%s): %s", err.text, text);
    return j;
}

json_t *json_check(json_t *inspection, const char *id)
{
    json_t *checks = json_object_get(inspection, "checks");
    for (size_t i = 0; i < json_array_size(checks); i++) {
        json_t *c = json_array_get(checks, i);
        const char *cid = json_string_value(json_object_get(c, "id"));
        if (cid != NULL && strcmp(cid, id) == 0)
            return c;
    }
    return NULL;
}

const char *json_check_status(json_t *inspection, const char *id)
{
    const char *s = json_string_value(json_object_get(json_check(inspection, id), "status"));
    return s != NULL ? s : "";
}

const char *json_check_code(json_t *inspection, const char *id)
{
    const char *s = json_string_value(json_object_get(json_check(inspection, id), "code"));
    return s != NULL ? s : "";
}

const char *tmpdir_make(const char *name, char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "/tmp/vfy-%s-XXXXXX", name);
    cr_assert(n > 0 && (size_t)n < cap, "temporary folder name for %s does not fit", name);
    cr_assert_not_null(mkdtemp(buf), "mkdtemp %s", buf);
    return buf;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path);
}

void tmpdir_remove(const char *dir)
{
    cr_assert(strncmp(dir, "/tmp/vfy-", 9) == 0 && strstr(dir, "..") == NULL,
              "refusing to remove %s", dir);
    /* depth first (contents before their folder), links removed, never followed */
    cr_assert_eq(nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0, "removing %s", dir);
}

void copy_file_or_fail(const char *from_dir, const char *from, const char *to_dir, const char *to)
{
    char src[300], dst[300];
    snprintf(src, sizeof src, "%s/%s", from_dir, from);
    snprintf(dst, sizeof dst, "%s/%s", to_dir, to);
    size_t n;
    uint8_t *data = read_file_or_fail(src, &n);
    FILE *f = fopen(dst, "wb");
    cr_assert_not_null(f, "%s", dst);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    cr_assert_eq(fclose(f), 0);
    free(data);
}
