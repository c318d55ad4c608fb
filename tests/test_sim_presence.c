/*
 * The simulated reader can take a document away (issue 15): with present=PATH the
 * document is on the reader exactly while PATH exists, each placement a new power-up, so
 * the kiosk loop runs end to end without hardware. No sleeps: the tests wait on the
 * library's presence calls and on the kiosk's own lines.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rig.h"
#include "support.h"
#include "verify.h"

#define L1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define L2 "L898902C36UTO7408122F3404159ZE184226B<<<<<16"

static void place(const char *path)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fclose(f);
}

static vfy_inspection *inspect(vfy_session *s, const vfy_trust *t)
{
    vfy_mrz mrz;
    cr_assert_eq(vfy_mrz_parse(L1 "\n" L2, strlen(L1 "\n" L2), NULL, &mrz, NULL), VFY_OK);
    vfy_access_key key;
    cr_assert_eq(vfy_access_key_from_mrz(&mrz, &key, NULL), VFY_OK);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = t;
    o.mrz = &mrz;
    vfy_inspection *r = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_inspect_session(s, &key, &o, &r, &d), VFY_OK, "%s", d.message);
    vfy_access_key_wipe(&key);
    return r;
}

Test(sim_presence, the_document_is_there_while_the_file_exists, .timeout = 60)
{
    char dir[] = "/tmp/vfy-present-XXXXXX", file[64], reader[128], csca[512];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/on-reader", dir);
    snprintf(reader, sizeof reader, "sim?present=%s", file);
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    cr_assert_eq(vfy_trust_add_path(t, repo_path("data/specimen/csca.pem", csca, sizeof csca), NULL), VFY_OK);
    vfy_session *s = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_session_open_reader(reader, &s, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_session_wait_document(s, 50, &d), VFY_E_TIMEOUT, "no file, no document");
    for (int round = 0; round < 2; round++) {
        place(file);
        cr_assert_eq(vfy_session_wait_document(s, 5000, &d), VFY_OK, "%s", d.message);
        vfy_inspection *r = inspect(s, t);
        cr_expect_eq(vfy_inspection_get_outcome(r), VFY_INSPECTION_GENUINE, "round %d: %s", round,
                     vfy_inspection_summary(r));
        vfy_inspection_free(r);
        cr_assert_eq(vfy_session_wait_removal(s, 50, &d), VFY_E_TIMEOUT, "still on the reader");
        cr_assert_eq(unlink(file), 0);
        cr_assert_eq(vfy_session_wait_removal(s, 5000, &d), VFY_OK, "%s", d.message);
    }
    vfy_session_close(s);
    vfy_trust_free(t);
    rmdir(dir);
}

Test(sim_presence, kiosk_serves_two_travellers_and_asks_for_removal, .timeout = 60)
{
    char dir[] = "/tmp/vfy-present-XXXXXX", file[64], reader[128], csca[512], line[1024];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/on-reader", dir);
    snprintf(reader, sizeof reader, "sim?present=%s", file);
    repo_path("data/specimen/csca.pem", csca, sizeof csca);
    char *const argv[] = { (char *)vfy_bin(), "kiosk", "--reader", reader, "--mrz", L1 "\n" L2, "--trust", csca,
                           "--count", "2", "--wait", "20", NULL };
    int out;
    pid_t pid = rig_spawn(argv, &out);
    cr_assert(rig_read_line(out, line, sizeof line, 20000));
    cr_assert_str_eq(line, "waiting for document 1");
    place(file);
    cr_assert(rig_read_line(out, line, sizeof line, 20000));
    cr_assert(strstr(line, "document 1: genuine") == line, "%s", line);
    cr_assert(rig_read_line(out, line, sizeof line, 20000));
    cr_assert_str_eq(line, "please take document 1 off the reader");
    cr_assert_eq(unlink(file), 0);
    cr_assert(rig_read_line(out, line, sizeof line, 20000));
    cr_assert_str_eq(line, "waiting for document 2");
    place(file);
    cr_assert(rig_read_line(out, line, sizeof line, 20000));
    cr_assert(strstr(line, "document 2: genuine") == line, "%s", line);
    /* To the end of its output: the kiosk stops by itself after --count. */
    while (rig_read_line(out, line, sizeof line, 20000)) {
    }
    int status = rig_stop(pid);
    close(out);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "vfy kiosk status 0x%x", status);
    unlink(file);
    rmdir(dir);
}

Test(sim_presence, a_bad_present_option_is_refused)
{
    vfy_session *s = NULL;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_session_open_reader("sim?present=", &s, &d), VFY_E_BAD_CONNECTION);
}
