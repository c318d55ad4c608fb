/* Which data groups a read asks for (lds/read_plan.c, the one place that decides it) and
 * the session that follows it: EF.COM's list completed by EF.SOD's, every data group
 * without a usable EF.COM. The specimen's EF.SOD (made by the specimen writer with
 * OpenSSL) lists DG1, DG2, DG11, DG12, DG14 and DG15. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "specimen/embedded.h"
#include "lds/read_plan.h"
#include "support.h"
#include "verify.h"
#include "verify/sim.h"

/* EF.COM of LDS 1.7, Unicode 4.0.0, listing DG1 (61) and DG2 (75) only. */
static const uint8_t com_dg1_dg2[] = { 0x60, 0x14, 0x5F, 0x01, 0x04, '0', '1', '0', '7',
                                       0x5F, 0x36, 0x06, '0', '4', '0', '0', '0', '0',
                                       0x5C, 0x02, 0x61, 0x75 };
/* A tag list without the version fields EF.COM must have: not usable. */
static const uint8_t com_broken[] = { 0x60, 0x04, 0x5C, 0x02, 0x61, 0x75 };

static const struct vfy_embedded_file *specimen_sod(void)
{
    const struct vfy_embedded_file *f = vfy_embedded_find("specimen/EF_SOD.bin");
    cr_assert_not_null(f);
    return f;
}

Test(read_plan, ef_com_completed_by_ef_sod)
{
    const struct vfy_embedded_file *sod = specimen_sod();
    lds_read_plan p;
    lds_read_plan_make(com_dg1_dg2, sizeof com_dg1_dg2, sod->data, sod->len, &p);
    cr_assert(p.com_usable);
    cr_assert(p.sod_usable);
    for (unsigned dg = 1; dg <= 16; dg++) {
        bool listed_by_sod = dg == 1 || dg == 2 || dg == 11 || dg == 12 || dg == 14 || dg == 15;
        cr_expect_eq(p.read[dg], listed_by_sod, "DG%u", dg);
        cr_expect_eq(p.sod_only[dg], listed_by_sod && dg != 1 && dg != 2, "DG%u", dg);
    }
}

Test(read_plan, without_a_usable_ef_com_every_group_is_asked_for)
{
    const struct vfy_embedded_file *sod = specimen_sod();
    lds_read_plan p;
    lds_read_plan_make(NULL, 0, sod->data, sod->len, &p);
    cr_assert(!p.com_usable);
    for (unsigned dg = 1; dg <= 16; dg++) {
        cr_expect(p.read[dg], "DG%u", dg);
        cr_expect(!p.sod_only[dg], "DG%u", dg);
    }
    lds_read_plan_make(com_broken, sizeof com_broken, NULL, 0, &p);
    cr_assert(!p.com_usable);
    cr_assert(!p.sod_usable);
    for (unsigned dg = 1; dg <= 16; dg++)
        cr_expect(p.read[dg], "DG%u", dg);
    /* An EF.SOD that does not parse adds nothing: EF.COM's list stands. */
    static const uint8_t junk[] = { 0x77, 0x03, 0x30, 0x01, 0x00 };
    lds_read_plan_make(com_dg1_dg2, sizeof com_dg1_dg2, junk, sizeof junk, &p);
    cr_assert(p.com_usable);
    cr_assert(!p.sod_usable);
    for (unsigned dg = 1; dg <= 16; dg++)
        cr_expect_eq(p.read[dg], dg == 1 || dg == 2, "DG%u", dg);
}

typedef struct log_lines {
    char text[2048];
} log_lines;

static void collect(void *ctx, const char *line)
{
    log_lines *l = ctx;
    size_t n = strlen(l->text);
    snprintf(l->text + n, sizeof l->text - n, "%s\n", line);
}

/* A specimen chip whose EF.COM is replaced by `com`; returns the document read. */
static vfy_document *read_with_com(const uint8_t *com, size_t com_len, log_lines *log)
{
    char dir[64];
    tmpdir_make("plan", dir, sizeof dir);
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_specimen_write(dir, NULL, &d), VFY_OK, "%s", d.message);
    char path[128];
    snprintf(path, sizeof path, "%s/EF_COM.bin", dir);
    cr_assert_eq(unlink(path), 0);
    FILE *f = fopen(path, "wb");
    cr_assert_eq(fwrite(com, 1, com_len, f), com_len);
    cr_assert_eq(fclose(f), 0);
    char reader[128];
    snprintf(reader, sizeof reader, "sim:%s", dir);
    vfy_session *s;
    cr_assert_eq(vfy_session_open(reader, &s, &d), VFY_OK, "%s", d.message);
    vfy_access_key k;
    cr_assert_eq(vfy_access_key_from_values("L898902C3", "740812", "340415", &k, NULL), VFY_OK);
    vfy_document *doc;
    cr_assert_eq(vfy_document_new(&doc), VFY_OK);
    vfy_read_options o = { .log = collect, .log_ctx = log };
    cr_assert_eq(vfy_session_read_document(s, &k, &o, doc, &d), VFY_OK, "%s", d.message);
    vfy_access_key_wipe(&k);
    vfy_session_close(s);
    tmpdir_remove(dir);
    return doc;
}

/* The session reads what EF.SOD lists even when EF.COM forgets it (one path: nothing
 * reads it again later), and reads every group over an EF.COM that does not parse. */
Test(read_plan, session_reads_what_ef_sod_lists, .timeout = 60)
{
    log_lines log = { "" };
    vfy_document *doc = read_with_com(com_dg1_dg2, sizeof com_dg1_dg2, &log);
    static const unsigned want[] = { 1, 2, 11, 12, 14, 15 };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect(vfy_document_has_file(doc, (vfy_file_id)want[i]), "DG%u", want[i]);
    cr_assert_not_null(strstr(log.text, "DG14 is in EF.SOD but not in EF.COM"), "%s", log.text);
    cr_assert_null(strstr(log.text, "DG1 is in EF.SOD"), "%s", log.text);
    vfy_document_free(doc);

    log.text[0] = '\0';
    doc = read_with_com(com_broken, sizeof com_broken, &log);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect(vfy_document_has_file(doc, (vfy_file_id)want[i]), "DG%u", want[i]);
    cr_assert_not_null(strstr(log.text, "EF.COM does not parse: trying every data group"), "%s",
                       log.text);
    vfy_document_free(doc);
}
