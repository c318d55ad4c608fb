/*
 * core/ edges the other suites leave (issue 12 coverage): the bounded cursor's
 * little-endian reads, the writer's refusals on a failed writer and on unencodable
 * tags/lengths, BER helpers, RFC 8785 (JCS) name ordering by UTF-16 code units and its
 * depth limit, the status helpers on a NULL detail, and safe_file's refusals (paths
 * too long, "/" and "/name", "." components, names the kernel refuses, a file-size
 * limit that makes the write fail, a descriptor limit that makes the first open fail).
 * Every expected value is computed by hand from the spec named beside it.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cursor.h"
#include "core/date.h"
#include "core/fail.h"
#include "core/jcs.h"
#include "core/json_out.h"
#include "core/json_tape.h"
#include "core/safe_file.h"
#include "core/tlv.h"
#include "core/utf8.h"
#include "core/writer.h"
#include "faults.h"
#include "support.h"
#include "verify.h"

/* ---- cursor ------------------------------------------------------------------------ */

Test(cov2_seal_core, cursor_u32le_reads_little_endian_and_refuses_short_input)
{
    const uint8_t b[5] = { 0x78, 0x56, 0x34, 0x12, 0xAA };
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_cursor c;
    vfy_cur_init(&c, b, sizeof b, "x", &d);
    uint32_t v = 0;
    cr_assert_eq(vfy_cur_u32le(&c, &v), VFY_OK);
    cr_assert_eq(v, 0x12345678u);
    /* one byte left: a 4-byte read is truncated, and the value is left alone */
    cr_assert_eq(vfy_cur_u32le(&c, &v), VFY_E_TRUNCATED);
    cr_assert_eq(v, 0x12345678u);
    cr_assert_eq(d.status, VFY_E_TRUNCATED);
}

/* ---- writer ------------------------------------------------------------------------ */

Test(cov2_seal_core, writer_fill_of_zero_or_too_many_bytes_writes_nothing)
{
    uint8_t buf[4] = { 1, 2, 3, 4 };
    vfy_writer w;
    vfy_w_init(&w, buf, sizeof buf);
    vfy_w_fill(&w, 0xEE, 0);
    cr_assert_eq(vfy_w_len(&w), 0);
    cr_assert(vfy_w_ok(&w));
    vfy_w_fill(&w, 0xEE, 5); /* more than the room: the writer fails, nothing written */
    cr_assert_not(vfy_w_ok(&w));
    cr_assert_eq(buf[0], 1);
    cr_assert_eq(buf[3], 4);
}

Test(cov2_seal_core, writer_failed_ignores_unclaim_and_close)
{
    uint8_t buf[8];
    vfy_writer w;
    vfy_w_init(&w, buf, sizeof buf);
    size_t mark = vfy_w_ber_open(&w, 0x30);
    cr_assert_eq(mark, 1);
    vfy_w_bytes(&w, "0123456789", 10); /* overflows: the writer fails */
    cr_assert_not(vfy_w_ok(&w));
    vfy_w_unclaim(&w, 1);
    vfy_w_ber_close(&w, mark);
    cr_assert_not(vfy_w_ok(&w));
    cr_assert_eq(vfy_w_room(&w), 0);
}

Test(cov2_seal_core, ber_tag_zero_and_length_above_32_bits_fail)
{
    uint8_t buf[16];
    vfy_writer w;
    vfy_w_init(&w, buf, sizeof buf);
    (void)vfy_w_ber_open(&w, 0); /* writer.h: a tag of 0 fails the writer */
    cr_assert_not(vfy_w_ok(&w));
    cr_assert_eq(vfy_ber_tl_size(0x04, (size_t)0x100000000ULL), 0);
    cr_assert_eq(vfy_ber_tl_size(0x04, 0xFFFFFFFFu), 1 + 5); /* 84 FF FF FF FF */
}

/* ---- tlv --------------------------------------------------------------------------- */

Test(cov2_seal_core, tlv_tag_size_four_bytes_empty_path_and_primitive_validate)
{
    cr_assert_eq(vfy_tlv_tag_size(0x1F818001u), 4);
    cr_assert_eq(vfy_tlv_tag_size(0x5F1F), 2);
    const uint8_t prim[] = { 0x04, 0x02, 0xAB, 0xCD };
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_tlv t;
    cr_assert_eq(vfy_tlv_find_path(prim, sizeof prim, NULL, 0, 0, "p", &d, &t),
                 VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(d.status, VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_tlv_validate(prim, sizeof prim, 0, "p", &d), VFY_OK);
    const uint8_t short_prim[] = { 0x04, 0x03, 0xAB };
    cr_assert_eq(vfy_tlv_validate(short_prim, sizeof short_prim, 0, "p", &d),
                 VFY_E_LENGTH_OVERFLOW);
}

/* ---- utf8, dates, status, json_out ------------------------------------------------- */

Test(cov2_seal_core, utf8_valid_refuses_overlong_and_lone_continuation)
{
    const uint8_t ok[] = { 'a', 0xC3, 0xA9 };             /* "aé" */
    const uint8_t overlong[] = { 0xC0, 0xAF };            /* overlong '/' */
    const uint8_t lone[] = { 'a', 0x80 };
    cr_assert(vfy_utf8_valid(ok, sizeof ok));
    cr_assert_not(vfy_utf8_valid(overlong, sizeof overlong));
    cr_assert_not(vfy_utf8_valid(lone, sizeof lone));
}

Test(cov2_seal_core, iso_day_needs_its_dashes)
{
    int32_t day = -1;
    cr_assert(vfy_day_parse_iso("2024-02-29", &day));
    cr_assert_not(vfy_day_parse_iso("2024/02-29", &day));
    cr_assert_not(vfy_day_parse_iso("2024-02/29", &day));
    cr_assert_not(vfy_day_parse_iso("2023-02-29", &day)); /* not a leap year */
}

Test(cov2_seal_core, status_helpers_on_null_detail_and_null_format)
{
    vfy_detail_clear(NULL); /* must not crash */
    cr_assert_eq(vfy_detail_set(NULL, VFY_E_IO, "f", "x %d", 1), VFY_E_IO);
    cr_assert_eq(vfy_fail_text(NULL, VFY_E_BAD_VALUE, "f", 3, 4, "bad"), VFY_E_BAD_VALUE);
    vfy_detail d;
    /* fmt NULL: the message is vfy_strerror's sentence */
    cr_assert_eq(vfy_detail_set(&d, VFY_E_NOT_FOUND, "thing", NULL), VFY_E_NOT_FOUND);
    cr_assert_str_eq(d.message, vfy_strerror(VFY_E_NOT_FOUND));
    cr_assert_str_eq(d.message, "the requested item does not exist");
    cr_assert_str_eq(d.field, "thing");
    cr_assert_eq(d.offset, VFY_NO_OFFSET);
}

Test(cov2_seal_core, json_dump_of_null_is_null)
{
    cr_assert_null(vfy_json_dump_(NULL, 0));
    json_t *o = json_pack("{s:i}", "a", 1);
    char *s = vfy_json_dump_(o, 0); /* takes the reference */
    cr_assert_str_eq(s, "{\"a\":1}");
    free(s);
}

/* ---- jcs (RFC 8785) --------------------------------------------------------------- */

/* RFC 8785 3.2.3: names sort by their UTF-16 code units. U+1F600 is D83D DE00 and
 * U+1F601 D83D DE01: equal first units, so the order is decided by the low surrogate;
 * U+FB01 (one unit, FB01) sorts after both (D83D < FB01) although its code point is
 * lower; U+20AC (20AC) sorts before them. */
Test(cov2_seal_core, jcs_orders_names_by_utf16_units_through_surrogate_pairs)
{
    json_t *o = json_object();
    json_object_set_new(o, "\xF0\x9F\x98\x81", json_integer(2));     /* U+1F601 */
    json_object_set_new(o, "\xEF\xAC\x81", json_integer(4));         /* U+FB01 */
    json_object_set_new(o, "\xF0\x9F\x98\x80", json_integer(1));     /* U+1F600 */
    json_object_set_new(o, "\xE2\x82\xAC", json_integer(0));         /* U+20AC */
    json_object_set_new(o, "\xF0\x9F\x98\x80" "a", json_integer(3)); /* U+1F600 'a' */
    char *out = NULL;
    size_t len = 0;
    cr_assert_eq(vfy_jcs_serialize(o, 4096, &out, &len), VFY_OK);
    const char *want = "{\"\xE2\x82\xAC\":0,\"\xF0\x9F\x98\x80\":1,\"\xF0\x9F\x98\x80" "a\":3,"
                       "\"\xF0\x9F\x98\x81\":2,\"\xEF\xAC\x81\":4}";
    cr_assert_str_eq(out, want);
    cr_assert_eq(len, strlen(want));
    free(out);
    json_decref(o);
}

/* Nesting deeper than 64 is refused with VFY_E_TOO_DEEP (jcs.c's limit), 64 is kept. */
Test(cov2_seal_core, jcs_refuses_nesting_deeper_than_64)
{
    json_t *deep = json_integer(7);
    for (int i = 0; i < 66; i++) {
        json_t *a = json_array();
        json_array_append_new(a, deep);
        deep = a;
    }
    char *out = NULL;
    size_t len = 0;
    cr_assert_eq(vfy_jcs_serialize(deep, 1 << 20, &out, &len), VFY_E_TOO_DEEP);
    cr_assert_null(out);
    json_decref(deep);

    json_t *ok = json_integer(7);
    for (int i = 0; i < 64; i++) {
        json_t *a = json_array();
        json_array_append_new(a, ok);
        ok = a;
    }
    cr_assert_eq(vfy_jcs_serialize(ok, 1 << 20, &out, &len), VFY_OK);
    cr_assert_eq(len, 64 + 1 + 64);
    cr_assert_eq(out[64], '7');
    free(out);
    json_decref(ok);
}

/* ---- safe_file ---------------------------------------------------------------------- */

static void cleanup_dir(const char *dir) { tmpdir_remove(dir); }

Test(cov2_seal_core, safe_dir_open_refuses_root_and_too_long_paths)
{
    vfy_detail d;
    int fd = 123;
    cr_assert_eq(safe_dir_open("/", false, VFY_SAVE_ALLOW_EXISTING_DIR, &fd, &d), VFY_E_EXISTS);
    cr_assert_eq(fd, -1);
    cr_assert_str_eq(d.message, "/ is not a folder for saved files");
    char *lng = malloc(5000);
    memset(lng, 'a', 4999);
    lng[0] = '/';
    lng[4999] = '\0';
    cr_assert_eq(safe_dir_open(lng, false, 0, &fd, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_str_eq(d.message, "the path is too long");
    free(lng);
}

/* "/tmp" is "/name": the folder "/" is walked, "tmp" opened below it. */
Test(cov2_seal_core, safe_dir_open_of_a_name_below_root)
{
    vfy_detail d;
    int fd = -1;
    cr_assert_eq(safe_dir_open("/tmp", false, VFY_SAVE_ALLOW_EXISTING_DIR, &fd, &d), VFY_OK,
                 "%s", d.message);
    struct stat a, b;
    cr_assert_eq(fstat(fd, &a), 0);
    cr_assert_eq(stat("/tmp", &b), 0);
    cr_assert_eq(a.st_ino, b.st_ino);
    cr_assert_eq(a.st_dev, b.st_dev);
    close(fd);
}

/* "dir/./new/" : a "." component is skipped, a trailing slash is dropped for a folder,
 * and the new folder is created 0700. */
Test(cov2_seal_core, safe_dir_open_skips_dot_and_trailing_slash)
{
    char dir[256], path[512], real[512];
    tmpdir_make("cov2seal", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/./new/", dir);
    vfy_detail d;
    int fd = -1;
    cr_assert_eq(safe_dir_open(path, true, 0, &fd, &d), VFY_OK, "%s", d.message);
    close(fd);
    snprintf(real, sizeof real, "%s/new", dir);
    struct stat st;
    cr_assert_eq(lstat(real, &st), 0);
    cr_assert(S_ISDIR(st.st_mode));
    cr_assert_eq(st.st_mode & 07777, 0700);
    cleanup_dir(dir);
}

/* A folder name longer than NAME_MAX: mkdirat fails with ENAMETOOLONG, an I/O error
 * naming the path, not "exists". */
Test(cov2_seal_core, safe_dir_open_create_fails_on_a_name_the_kernel_refuses)
{
    char dir[256], path[1024];
    tmpdir_make("cov2seal", dir, sizeof dir);
    char name[300];
    memset(name, 'n', 299);
    name[299] = '\0';
    snprintf(path, sizeof path, "%s/%s", dir, name);
    vfy_detail d;
    int fd = -1;
    cr_assert_eq(safe_dir_open(path, true, 0, &fd, &d), VFY_E_IO);
    cr_assert_eq(fd, -1);
    /* the message (its length bounded by vfy_detail) starts with what failed */
    cr_assert(strncmp(d.message, "cannot create the folder /tmp/vfy-cov2seal-", 43) == 0, "%s",
              d.message);
    cleanup_dir(dir);
}

/* Looking at a name the kernel refuses is an I/O error, not "absent". */
Test(cov2_seal_core, absent_at_reports_a_lookup_error)
{
    char dir[256];
    tmpdir_make("cov2seal", dir, sizeof dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    cr_assert_geq(fd, 0);
    char name[300];
    memset(name, 'n', 299);
    name[299] = '\0';
    vfy_detail d;
    cr_assert_eq(safe_file_absent_at(fd, name, "long", &d), VFY_E_IO);
    cr_assert(strstr(d.message, "cannot look at long") != NULL, "%s", d.message);
    /* a file in the way of a folder component: ENOTDIR, also an I/O error */
    cr_assert_eq(safe_file_create_at(fd, "plain", "plain", (const uint8_t *)"x", 1, &d), VFY_OK);
    cr_assert_eq(safe_file_absent_at(fd, "plain/x", "plain/x", &d), VFY_E_IO);
    cr_assert(strstr(d.message, strerror(ENOTDIR)) != NULL, "%s", d.message);
    close(fd);
    cleanup_dir(dir);
}

Test(cov2_seal_core, create_at_refuses_missing_arguments_and_bad_names)
{
    char dir[256], p[512];
    tmpdir_make("cov2seal", dir, sizeof dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    cr_assert_geq(fd, 0);
    vfy_detail d;
    cr_assert_eq(safe_file_create_at(fd, NULL, "x", (const uint8_t *)"a", 1, &d),
                 VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(safe_file_create_at(fd, "x", NULL, (const uint8_t *)"a", 1, &d),
                 VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(safe_file_create_at(fd, "x", "x", NULL, 1, &d), VFY_E_INVALID_ARGUMENT);
    /* a missing folder on the way: ENOENT, an I/O error, nothing created */
    cr_assert_eq(safe_file_create_at(fd, "nowhere/x", "nowhere/x", (const uint8_t *)"a", 1, &d),
                 VFY_E_IO);
    cr_assert(strstr(d.message, "cannot create nowhere/x") != NULL, "%s", d.message);
    snprintf(p, sizeof p, "%s/nowhere", dir);
    cr_assert_eq(access(p, F_OK), -1);
    /* empty data is a valid (empty) file */
    cr_assert_eq(safe_file_create_at(fd, "empty", "empty", NULL, 0, &d), VFY_OK);
    struct stat st;
    cr_assert_eq(fstatat(fd, "empty", &st, AT_SYMLINK_NOFOLLOW), 0);
    cr_assert_eq(st.st_size, 0);
    cr_assert_eq(st.st_mode & 07777, 0600);
    close(fd);
    cleanup_dir(dir);
}

/* RLIMIT_FSIZE below the data's size: the write fails (EFBIG, SIGXFSZ ignored) after a
 * partial write; the error names the write, and the half-written file is removed. */
Test(cov2_seal_core, create_at_removes_a_file_whose_write_failed)
{
    char dir[256];
    tmpdir_make("cov2seal", dir, sizeof dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    cr_assert_geq(fd, 0);
    uint8_t data[1000];
    memset(data, 'z', sizeof data);
    struct rlimit old, lim;
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    lim.rlim_cur = 100;
    lim.rlim_max = old.rlim_max;
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    vfy_detail d;
    vfy_status s = safe_file_create_at(fd, "big", "big.bin", data, sizeof data, &d);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, prev);
    cr_assert_eq(s, VFY_E_IO);
    cr_assert(strstr(d.message, "cannot write big.bin") != NULL, "%s", d.message);
    cr_assert(strstr(d.message, strerror(EFBIG)) != NULL, "%s", d.message);
    struct stat st;
    cr_assert_eq(fstatat(fd, "big", &st, AT_SYMLINK_NOFOLLOW), -1);
    cr_assert_eq(errno, ENOENT);
    close(fd);
    cleanup_dir(dir);
}

/* With no descriptor left (RLIMIT_NOFILE at the lowest free one), the walk's first open
 * fails: an I/O error naming the path, no descriptor returned. */
Test(cov2_seal_core, safe_dir_open_without_a_free_descriptor)
{
    int lowest = dup(0);
    cr_assert_geq(lowest, 0);
    close(lowest);
    struct rlimit old, lim;
    cr_assert_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
    lim.rlim_cur = (rlim_t)lowest;
    lim.rlim_max = old.rlim_max;
    cr_assert_eq(setrlimit(RLIMIT_NOFILE, &lim), 0);
    vfy_detail d;
    int fd = 77;
    vfy_status s = safe_dir_open("/tmp", false, VFY_SAVE_ALLOW_EXISTING_DIR, &fd, &d);
    cr_assert_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
    cr_assert_eq(s, VFY_E_IO);
    cr_assert_eq(fd, -1);
    cr_assert(strstr(d.message, "cannot open the folder of /tmp") != NULL, "%s", d.message);
    cr_assert(strstr(d.message, strerror(EMFILE)) != NULL, "%s", d.message);
}

/* ---- json_out under failed allocations ----------------------------------------------- */

/* jansson's json_dumps ignores a failed append of a member name and returns malformed
 * text (found by the seal sweeps in test_cov2_seal.c: `": "D<<"` with the name lost).
 * Every failed allocation must give NULL or exactly the text of the unfailed run. */
struct dump_fx {
    json_t *o;
    char *want;
};

static void dump_op(void *ctx, bool injected)
{
    struct dump_fx *f = ctx;
    json_incref(f->o); /* vfy_json_dump_ takes the reference */
    fault_enter();
    char *text = vfy_json_dump_(f->o, VFY_JSON_PRETTY);
    fault_leave();
    if (!injected) {
        cr_assert_not_null(text);
        if (f->want == NULL)
            f->want = strdup(text);
        cr_assert_str_eq(text, f->want);
    } else if (text != NULL) {
        cr_assert_str_eq(text, f->want, "a failed allocation changed the text");
    }
    free(text);
}

Test(cov2_seal_core, json_dump_under_failed_allocations_is_whole_or_null)
{
    json_t *o = json_object();
    for (int i = 0; i < 40; i++) {
        char name[64];
        snprintf(name, sizeof name, "member_with_a_long_enough_name_%02d", i);
        json_object_set_new(o, name, json_pack("{s:s,s:i}", "issuing_country", "D<<", "n", i));
    }
    struct dump_fx f = { o, NULL };
    struct fault_sweep_result r = fault_sweep(dump_op, &f, 2000);
    cr_assert_gt(r.fired, 0, "no allocation of the dump failed");
    /* the unfailed text is what jansson's own json_dumps gives */
    char *ref = json_dumps(o, JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(12) |
                                  JSON_INDENT(2));
    cr_assert_str_eq(f.want, ref);
    free(ref);
    free(f.want);
    json_decref(o);
}

/* ---- json_tape (the bounded reader; jansson is the peer its header names) ----------- */

static vfy_status tape(const char *text, vfy_json_tape *t, vfy_json_error *e)
{
    return vfy_json_tape_read(text, strlen(text), 16, t, e);
}

Test(cov2_seal_core, json_tape_refusals_and_arguments)
{
    vfy_json_tape t;
    vfy_json_error e;
    size_t off = 99;
    cr_assert_eq(vfy_json_prescan(NULL, 0, 4, &off), VFY_OK);
    cr_assert_eq(off, 0);
    cr_assert_eq(vfy_json_prescan(NULL, 3, 4, &off), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_json_tape_read(NULL, 3, 4, &t, &e), VFY_E_INVALID_ARGUMENT);
    /* a \u escape cut short by the end of the text */
    cr_assert_eq(tape("[\"\\u12", &t, &e), VFY_E_BAD_VALUE);
    /* a backslash as the last byte */
    cr_assert_eq(tape("[\"abc\\", &t, &e), VFY_E_BAD_VALUE);
    cr_assert_str_eq(e.why, "a string is not terminated");
    /* jansson refuses an integer beyond long long too */
    json_error_t je;
    cr_assert_null(json_loads("[99999999999999999999]", 0, &je));
    cr_assert_eq(tape("[99999999999999999999]", &t, &e), VFY_E_BAD_VALUE);
    cr_assert_eq(tape("[9223372036854775807]", &t, &e), VFY_OK, "%s", e.why);
    cr_assert_eq(vfy_json_at(&t, 1)->integer, 9223372036854775807LL);
    /* an array has no members */
    cr_assert_eq(vfy_json_member(&t, 0, "a"), 0);
    vfy_json_tape_free(&t);
}

/* Compact text of strings with control characters, as jansson writes them (JSON_COMPACT
 * | JSON_ENCODE_ANY); a real cannot be written (the caller refuses reals first). */
Test(cov2_seal_core, json_tape_compact_escapes_like_jansson)
{
    const char *doc = "{\"a\":\"tab\\there\\r\\n\\u0001\\u001f \\\" \\\\ \\/ \\b\\f\",\"b\":[true,false,null,-5]}";
    vfy_json_tape t;
    vfy_json_error e;
    cr_assert_eq(tape(doc, &t, &e), VFY_OK, "%s", e.why);
    char *mine = vfy_json_compact(&t, 0);
    json_error_t je;
    json_t *j = json_loads(doc, 0, &je);
    cr_assert_not_null(j);
    char *peer = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    cr_assert_str_eq(mine, peer);
    free(mine);
    free(peer);
    json_decref(j);
    vfy_json_tape_free(&t);

    cr_assert_eq(tape("[1.5]", &t, &e), VFY_OK, "%s", e.why);
    cr_assert_eq(vfy_json_at(&t, 1)->type, VFY_JSON_REAL);
    cr_assert_null(vfy_json_compact(&t, 0));
    vfy_json_tape_free(&t);
}

static void tape_op(void *ctx, bool injected)
{
    (void)ctx;
    const char *doc = "{\"b\":1,\"a\":{\"y\":[1,2],\"x\":\"s\"},\"c\":null}";
    vfy_json_tape t;
    vfy_json_error e;
    fault_enter();
    vfy_status s = vfy_json_tape_read(doc, strlen(doc), 8, &t, &e);
    char *text = s == VFY_OK ? vfy_json_compact(&t, 0) : NULL;
    fault_leave();
    if (!injected) {
        cr_assert_eq(s, VFY_OK, "%s", e.why);
        cr_assert_str_eq(text, doc);
    } else if (s != VFY_OK) {
        cr_assert_eq(s, VFY_E_NO_MEMORY, "%s", e.why);
    } else if (text != NULL) {
        cr_assert_str_eq(text, doc);
    }
    free(text);
    if (s == VFY_OK)
        vfy_json_tape_free(&t);
}

Test(cov2_seal_core, json_tape_under_failed_allocations)
{
    struct fault_sweep_result r = fault_sweep(tape_op, NULL, 100);
    cr_assert_gt(r.fired, 0);
}

/* An object of more than 32 members is checked for repeated names by sorting them: a
 * repeat is refused (as jansson with JSON_REJECT_DUPLICATES), and an allocation failure
 * there is out of memory, never a document accepted unchecked. */
static char *big_object(bool repeat)
{
    char *doc = malloc(40 * 12 + 4);
    size_t k = 0;
    doc[k++] = '{';
    for (int i = 0; i < 40; i++)
        k += (size_t)sprintf(doc + k, "%s\"k%02d\":%d", i ? "," : "", repeat && i == 39 ? 7 : i, i);
    doc[k++] = '}';
    doc[k] = '\0';
    return doc;
}

static void big_op(void *ctx, bool injected)
{
    const char *doc = ctx;
    vfy_json_tape t;
    vfy_json_error e;
    fault_enter();
    vfy_status s = vfy_json_tape_read(doc, strlen(doc), 8, &t, &e);
    fault_leave();
    if (!injected)
        cr_assert_eq(s, VFY_OK, "%s", e.why);
    else
        cr_assert(s == VFY_OK || s == VFY_E_NO_MEMORY, "%s", vfy_status_name(s));
    if (s == VFY_OK) {
        cr_assert_eq(vfy_json_at(&t, 0)->count, 40);
        vfy_json_tape_free(&t);
    }
}

Test(cov2_seal_core, json_tape_large_object_names)
{
    char *dup = big_object(true);
    json_error_t je;
    cr_assert_null(json_loads(dup, JSON_REJECT_DUPLICATES, &je));
    vfy_json_tape t;
    vfy_json_error e;
    cr_assert_eq(vfy_json_tape_read(dup, strlen(dup), 8, &t, &e), VFY_E_BAD_VALUE);
    free(dup);
    char *ok = big_object(false);
    struct fault_sweep_result r = fault_sweep(big_op, ok, 50);
    cr_assert_geq(r.allocations, 2);
    cr_assert_gt(r.fired, 0);
    free(ok);
}
