/* Files the library and the CLI write (verify/files.h): new files only, 0600 whatever the
 * umask, in 0700 folders, never through a link, never over an existing file. Every attack
 * plants a link or a file first and then checks that what it points at is unchanged. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "specimen/embedded.h"
#include "support.h"
#include "verify.h"

#define L1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define L2 "L898902C36UTO7408122F3404159ZE184226B<<<<<16"
#define TARGET_TEXT "the link's target: must stay as it is\n"

typedef struct scratch {
    char root[64];       /* a fresh folder for the test */
    char outside[128];   /* a file outside the save folder, where planted links point */
} scratch;

static void scratch_make(scratch *s)
{
    tmpdir_make("safe", s->root, sizeof s->root);
    snprintf(s->outside, sizeof s->outside, "%s/outside.txt", s->root);
    FILE *f = fopen(s->outside, "w");
    cr_assert_not_null(f);
    fputs(TARGET_TEXT, f);
    fclose(f);
}

static void scratch_remove(scratch *s)
{
    tmpdir_remove(s->root);
}

static void path_in(const scratch *s, const char *rel, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", s->root, rel);
}

static void assert_outside_unchanged(const scratch *s)
{
    size_t n;
    uint8_t *got = read_file_or_fail(s->outside, &n);
    cr_assert_eq(n, strlen(TARGET_TEXT), "the link's target was written through");
    cr_assert_eq(memcmp(got, TARGET_TEXT, n), 0, "the link's target was written through");
    free(got);
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    cr_assert_eq(lstat(path, &st), 0, "%s missing", path);
    return st.st_mode;
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static const uint8_t face[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0xFF, 0xD9 };

Test(safe_file, new_file_is_0600_whatever_the_umask)
{
    scratch s;
    scratch_make(&s);
    static const mode_t masks[] = { 0, 0277, 0777 };
    for (size_t i = 0; i < 3; i++) {
        char p[160], name[16];
        snprintf(name, sizeof name, "face%zu.jpg", i);
        path_in(&s, name, p, sizeof p);
        mode_t old = umask(masks[i]);
        vfy_detail d;
        vfy_detail_clear(&d);
        vfy_status st = vfy_write_new_file(p, face, sizeof face, &d);
        umask(old);
        cr_assert_eq(st, VFY_OK, "umask %o: %s", (unsigned)masks[i], d.message);
        cr_assert(S_ISREG(mode_of(p)));
        cr_assert_eq(mode_of(p) & 07777, 0600, "umask %o gave mode %o", (unsigned)masks[i],
                     (unsigned)(mode_of(p) & 07777));
        size_t n;
        uint8_t *got = read_file_or_fail(p, &n);
        cr_assert_eq(n, sizeof face);
        cr_assert_eq(memcmp(got, face, n), 0);
        free(got);
    }
    scratch_remove(&s);
}

Test(safe_file, planted_link_is_not_followed)
{
    scratch s;
    scratch_make(&s);
    char link[160], dangling[160], where[160];
    path_in(&s, "face.jpg", link, sizeof link);
    cr_assert_eq(symlink(s.outside, link), 0);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_write_new_file(link, face, sizeof face, &d), VFY_E_EXISTS);
    cr_assert(strstr(d.message, "symbolic link") != NULL, "%s", d.message);
    assert_outside_unchanged(&s);
    /* a dangling link would create its target: refused, nothing created */
    path_in(&s, "dangling.jpg", dangling, sizeof dangling);
    path_in(&s, "created-through-link", where, sizeof where);
    cr_assert_eq(symlink(where, dangling), 0);
    cr_assert_eq(vfy_write_new_file(dangling, face, sizeof face, &d), VFY_E_EXISTS);
    cr_assert(!exists(where), "a file was created through a dangling link");
    scratch_remove(&s);
}

Test(safe_file, existing_file_is_never_replaced)
{
    scratch s;
    scratch_make(&s);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_write_new_file(s.outside, face, sizeof face, &d), VFY_E_EXISTS);
    cr_assert_eq(d.status, VFY_E_EXISTS);
    assert_outside_unchanged(&s);
    /* a folder of that name too */
    cr_assert_eq(vfy_write_new_file(s.root, face, sizeof face, &d), VFY_E_EXISTS);
    scratch_remove(&s);
}

Test(safe_file, linked_folder_on_the_path_is_refused)
{
    scratch s;
    scratch_make(&s);
    char real[160], link[160], p[200], via[200];
    path_in(&s, "real", real, sizeof real);
    path_in(&s, "link", link, sizeof link);
    cr_assert_eq(mkdir(real, 0700), 0);
    cr_assert_eq(symlink(real, link), 0);
    vfy_detail d;
    vfy_detail_clear(&d);
    /* the link as the last folder, and as a folder further up the path */
    snprintf(p, sizeof p, "%s/face.jpg", link);
    cr_assert_eq(vfy_write_new_file(p, face, sizeof face, &d), VFY_E_SYMLINK);
    cr_assert(strstr(d.message, "\"link\"") != NULL, "%s", d.message);
    cr_assert_eq(mkdir(strcat(strcpy(via, real), "/sub"), 0700), 0);
    snprintf(p, sizeof p, "%s/sub/face.jpg", link);
    cr_assert_eq(vfy_write_new_file(p, face, sizeof face, &d), VFY_E_SYMLINK);
    snprintf(p, sizeof p, "%s/sub/face.jpg", real);
    cr_assert(!exists(p), "written through the linked folder");
    snprintf(p, sizeof p, "%s/face.jpg", real);
    cr_assert(!exists(p), "written through the linked folder");
    /* the real path works */
    cr_assert_eq(vfy_write_new_file(p, face, sizeof face, &d), VFY_OK, "%s", d.message);
    scratch_remove(&s);
}

Test(safe_file, bad_arguments)
{
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_write_new_file(NULL, face, 1, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_write_new_file("", face, 1, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_write_new_file("/tmp/", face, 1, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_write_new_file("/tmp/..", face, 1, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_write_new_file("/tmp/x", NULL, 1, &d), VFY_E_INVALID_ARGUMENT);
    cr_assert_eq(vfy_write_new_file("/nonexistent-vfy/x", face, 1, &d), VFY_E_IO);
}

/* A document holding the built-in specimen's DG1, DG2, DG11 and EF.SOD. */
static vfy_document *specimen_doc(void)
{
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    static const struct { vfy_file_id id; const char *name; } f[] = {
        { VFY_FILE_DG1, "specimen/DG1.bin" }, { (vfy_file_id)2, "specimen/DG2.bin" },
        { (vfy_file_id)11, "specimen/DG11.bin" }, { VFY_FILE_SOD, "specimen/EF_SOD.bin" },
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        const struct vfy_embedded_file *e = vfy_embedded_find(f[i].name);
        cr_assert_not_null(e, "%s", f[i].name);
        cr_assert_eq(vfy_document_set_file(doc, f[i].id, e->data, e->len), VFY_OK);
    }
    return doc;
}

static const char *const saved[] = { "DG1.bin", "DG2.bin", "DG11.bin", "EF_SOD.bin" };

Test(safe_file, save_dir_modes_0700_and_0600_with_umask_0)
{
    scratch s;
    scratch_make(&s);
    vfy_document *doc = specimen_doc();
    char dir[160], p[200];
    path_in(&s, "dump", dir, sizeof dir);
    mode_t old = umask(0);
    vfy_detail d;
    vfy_detail_clear(&d);
    vfy_status st = vfy_document_save_dir(doc, dir, 0, &d);
    umask(old);
    cr_assert_eq(st, VFY_OK, "%s", d.message);
    cr_assert_eq(mode_of(dir) & 07777, 0700, "folder mode %o", (unsigned)(mode_of(dir) & 07777));
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, saved[i]);
        cr_assert_eq(mode_of(p) & 07777, 0600, "%s mode %o", saved[i],
                     (unsigned)(mode_of(p) & 07777));
    }
    /* saving again into the same (now full) folder is refused, even with the flag */
    cr_assert_eq(vfy_document_save_dir(doc, dir, 0, &d), VFY_E_EXISTS);
    cr_assert_eq(vfy_document_save_dir(doc, dir, VFY_SAVE_ALLOW_EXISTING_DIR, &d), VFY_E_EXISTS);
    cr_assert(strstr(d.message, "DG1.bin") != NULL, "%s", d.message);
    vfy_document_free(doc);
    scratch_remove(&s);
}

Test(safe_file, save_dir_refuses_a_folder_holding_files)
{
    scratch s;
    scratch_make(&s);
    vfy_document *doc = specimen_doc();
    char link[200];
    /* the attack of issue 10 item 8: a link named like a dump file, in the save folder */
    path_in(&s, "DG11.bin", link, sizeof link);
    cr_assert_eq(symlink(s.outside, link), 0);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_document_save_dir(doc, s.root, 0, &d), VFY_E_EXISTS);
    cr_assert(strstr(d.message, "holds files") != NULL, "%s", d.message);
    assert_outside_unchanged(&s);
    char p[200];
    path_in(&s, "DG1.bin", p, sizeof p);
    cr_assert(!exists(p), "a refused save wrote DG1");
    vfy_document_free(doc);
    scratch_remove(&s);
}

Test(safe_file, save_dir_with_flag_never_replaces_nor_follows)
{
    scratch s;
    scratch_make(&s);
    vfy_document *doc = specimen_doc();
    char link[200], p[200];
    path_in(&s, "DG11.bin", link, sizeof link);
    cr_assert_eq(symlink(s.outside, link), 0);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_document_save_dir(doc, s.root, VFY_SAVE_ALLOW_EXISTING_DIR, &d),
                 VFY_E_EXISTS);
    cr_assert(strstr(d.message, "DG11.bin") != NULL && strstr(d.message, "symbolic link"),
              "%s", d.message);
    assert_outside_unchanged(&s);
    /* every name is checked first: nothing was written */
    for (size_t i = 0; i < 4; i++) {
        path_in(&s, saved[i], p, sizeof p);
        cr_assert(strcmp(saved[i], "DG11.bin") == 0 || !exists(p), "%s written", saved[i]);
    }
    /* a same-name regular file is not replaced either */
    cr_assert_eq(unlink(link), 0);
    path_in(&s, "DG2.bin", p, sizeof p);
    FILE *f = fopen(p, "w");
    fputs("old", f);
    fclose(f);
    cr_assert_eq(vfy_document_save_dir(doc, s.root, VFY_SAVE_ALLOW_EXISTING_DIR, &d),
                 VFY_E_EXISTS);
    size_t n;
    uint8_t *got = read_file_or_fail(p, &n);
    cr_assert(n == 3 && memcmp(got, "old", 3) == 0, "DG2.bin was replaced");
    free(got);
    /* without a clash the flag lets the dump go beside other files, which stay */
    cr_assert_eq(unlink(p), 0);
    cr_assert_eq(vfy_document_save_dir(doc, s.root, VFY_SAVE_ALLOW_EXISTING_DIR, &d), VFY_OK,
                 "%s", d.message);
    assert_outside_unchanged(&s);
    path_in(&s, "DG2.bin", p, sizeof p);
    cr_assert_eq(mode_of(p) & 07777, 0600);
    vfy_document_free(doc);
    scratch_remove(&s);
}

Test(safe_file, save_dir_refuses_a_linked_folder)
{
    scratch s;
    scratch_make(&s);
    vfy_document *doc = specimen_doc();
    char real[160], link[160], p[200];
    path_in(&s, "real", real, sizeof real);
    path_in(&s, "dump", link, sizeof link);
    cr_assert_eq(mkdir(real, 0755), 0);
    cr_assert_eq(symlink(real, link), 0);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_document_save_dir(doc, link, 0, &d), VFY_E_SYMLINK);
    cr_assert_eq(vfy_document_save_dir(doc, link, VFY_SAVE_ALLOW_EXISTING_DIR, &d),
                 VFY_E_SYMLINK);
    snprintf(p, sizeof p, "%s/DG1.bin", real);
    cr_assert(!exists(p), "written through the linked folder");
    /* a link further up; and a file where the folder should be */
    snprintf(p, sizeof p, "%s/new", link);
    cr_assert_eq(vfy_document_save_dir(doc, p, 0, &d), VFY_E_SYMLINK);
    cr_assert_eq(vfy_document_save_dir(doc, s.outside, 0, &d), VFY_E_EXISTS);
    assert_outside_unchanged(&s);
    /* an existing empty folder is used as it is, its files 0600 */
    cr_assert_eq(vfy_document_save_dir(doc, real, 0, &d), VFY_OK, "%s", d.message);
    snprintf(p, sizeof p, "%s/DG1.bin", real);
    cr_assert_eq(mode_of(p) & 07777, 0600);
    cr_assert_eq(vfy_document_save_dir(doc, real, 0x80, &d), VFY_E_INVALID_ARGUMENT);
    vfy_document_free(doc);
    scratch_remove(&s);
}

/* ---- the CLI: vfy read --save and --photo against the simulated chip ---- */

/* Runs vfy read; *out is its JSON, or {"text": what it printed} (stderr merged when asked). */
static int vfy_read_json(const char *args, bool merge_stderr, json_t **out)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s read --reader sim --json --mrz '" L1 "' '" L2 "' %s %s",
             vfy_bin(), args, merge_stderr ? "2>&1" : "2>/dev/null");
    char *text;
    int rc = run_capture(cmd, &text);
    *out = json_loads(text, 0, NULL);
    if (*out == NULL)
        *out = json_pack("{s:s}", "text", text);
    free(text);
    return rc;
}

Test(safe_file_cli, read_save_refuses_a_planted_link)
{
    scratch s;
    scratch_make(&s);
    char link[200], args[300];
    path_in(&s, "DG11.bin", link, sizeof link);
    cr_assert_eq(symlink(s.outside, link), 0);
    snprintf(args, sizeof args, "--save %s", s.root);
    json_t *o;
    cr_assert_eq(vfy_read_json(args, true, &o), 2);
    char *dump = json_dumps(o, 0);
    cr_assert(strstr(dump, "exists already") != NULL || strstr(dump, "holds files") != NULL,
              "%s", dump);
    free(dump);
    json_decref(o);
    assert_outside_unchanged(&s);
    /* into a linked folder */
    char real[160], dlink[160], p[200];
    path_in(&s, "real", real, sizeof real);
    path_in(&s, "dump", dlink, sizeof dlink);
    cr_assert_eq(mkdir(real, 0700), 0);
    cr_assert_eq(symlink(real, dlink), 0);
    snprintf(args, sizeof args, "--save %s", dlink);
    cr_assert_eq(vfy_read_json(args, false, &o), 2);
    json_decref(o);
    snprintf(p, sizeof p, "%s/DG1.bin", real);
    cr_assert(!exists(p), "vfy read --save wrote through a linked folder");
    /* a new folder: 0700, its files 0600 */
    snprintf(p, sizeof p, "%s/new", s.root);
    snprintf(args, sizeof args, "--save %s", p);
    cr_assert_eq(vfy_read_json(args, false, &o), 0);
    json_decref(o);
    cr_assert_eq(mode_of(p) & 07777, 0700);
    snprintf(p, sizeof p, "%s/new/DG1.bin", s.root);
    cr_assert_eq(mode_of(p) & 07777, 0600);
    scratch_remove(&s);
}

Test(safe_file_cli, read_photo_refuses_a_planted_link)
{
    scratch s;
    scratch_make(&s);
    char link[200], args[300];
    path_in(&s, "face.jpg", link, sizeof link);
    cr_assert_eq(symlink(s.outside, link), 0);
    snprintf(args, sizeof args, "--photo %s", link);
    json_t *o;
    cr_assert_eq(vfy_read_json(args, false, &o), 2);
    json_t *err = json_object_get(o, "photo_error");
    cr_assert(json_is_object(err), "no photo_error");
    cr_assert_str_eq(json_string_value(json_object_get(err, "code")), "VFY_E_EXISTS");
    json_decref(o);
    assert_outside_unchanged(&s);
    /* a new name: written 0600 */
    char p[200];
    path_in(&s, "new.jpg", p, sizeof p);
    snprintf(args, sizeof args, "--photo %s", p);
    mode_t old = umask(0);
    int rc = vfy_read_json(args, false, &o);
    umask(old);
    cr_assert_eq(rc, 0);
    json_decref(o);
    cr_assert_eq(mode_of(p) & 07777, 0600);
    scratch_remove(&s);
}
