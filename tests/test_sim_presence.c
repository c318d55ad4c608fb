/* The simulated reader's presence file (sim?present=PATH): the document is on the
 * reader exactly while PATH exists, through the library's presence API and through
 * vfy kiosk, which then serves one traveller after another. No fixed sleeps: the
 * kiosk's own output says when to place or take away the document. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "verify.h"

#define L1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define L2 "L898902C36UTO7408122F3404159ZE184226B<<<<<16"

static char dir[PATH_MAX];
static char flag[PATH_MAX + 16];

static void make_dir(void)
{
    tmpdir_make("presence", dir, sizeof dir);
    snprintf(flag, sizeof flag, "%s/on-reader", dir);
}

static void remove_dir(void)
{
    unlink(flag);
    rmdir(dir);
}

static void place(void)
{
    int fd = open(flag, O_WRONLY | O_CREAT | O_EXCL, 0600);
    cr_assert_geq(fd, 0, "could not create %s", flag);
    close(fd);
}

static void take_away(void)
{
    cr_assert_eq(unlink(flag), 0);
}

static vfy_session *open_present(void)
{
    char conn[PATH_MAX + 32];
    snprintf(conn, sizeof conn, "sim?present=%s", flag);
    vfy_session *s = NULL;
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_session_open_reader(conn, &s, &d), VFY_OK, "%s", d.message);
    return s;
}

static vfy_access_key key(void)
{
    vfy_mrz mrz;
    vfy_access_key k;
    vfy_detail d = { 0 };
    const char *text = L1 "\n" L2;
    cr_assert_eq(vfy_mrz_parse(text, strlen(text), NULL, &mrz, &d), VFY_OK);
    cr_assert_eq(vfy_access_key_from_mrz(&mrz, &k, &d), VFY_OK);
    return k;
}

static vfy_status inspect(vfy_session *s)
{
    vfy_access_key k = key();
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    vfy_inspection *r = NULL;
    vfy_detail d = { 0 };
    vfy_status st = vfy_inspect_session(s, &k, &o, &r, &d);
    vfy_inspection_free(r);
    vfy_access_key_wipe(&k);
    return st;
}

static bool present(vfy_session *s)
{
    bool p = true;
    vfy_detail d = { 0 };
    cr_assert_eq(vfy_session_document_present(s, &p, &d), VFY_OK);
    return p;
}

TestSuite(sim_presence, .init = make_dir, .fini = remove_dir, .timeout = 30);

Test(sim_presence, document_comes_and_goes_with_the_file)
{
    vfy_session *s = open_present();
    vfy_detail d = { 0 };
    cr_expect_not(present(s));
    cr_expect_eq(vfy_session_wait_document(s, 60, &d), VFY_E_TIMEOUT);
    /* Nothing placed: the chip does not answer. */
    cr_expect_eq(inspect(s), VFY_E_CARD_REMOVED);

    place();
    cr_assert_eq(vfy_session_wait_document(s, 1000, &d), VFY_OK, "%s", d.message);
    cr_expect(present(s));
    cr_expect_eq(inspect(s), VFY_OK);

    take_away();
    cr_expect_not(present(s));
    cr_assert_eq(vfy_session_wait_removal(s, 1000, &d), VFY_OK);

    /* Placed again: a new document from power-up, read from the start (the previous
     * secure-messaging session is gone on both sides). */
    place();
    cr_assert_eq(vfy_session_wait_document(s, 1000, &d), VFY_OK);
    cr_expect_eq(inspect(s), VFY_OK);
    vfy_session_close(s);
}

Test(sim_presence, a_document_taken_away_answers_nothing_until_waited_for_again)
{
    vfy_session *s = open_present();
    vfy_detail d = { 0 };
    place();
    cr_assert_eq(vfy_session_wait_document(s, 1000, &d), VFY_OK);
    take_away();
    cr_expect_eq(inspect(s), VFY_E_CARD_REMOVED);
    /* Back on the reader, but nobody waited for it: still no answer, so a read can
     * never continue on a different document. */
    place();
    cr_expect_eq(inspect(s), VFY_E_CARD_REMOVED);
    cr_assert_eq(vfy_session_wait_document(s, 1000, &d), VFY_OK);
    cr_expect_eq(inspect(s), VFY_OK);
    vfy_session_close(s);
}

Test(sim_presence, a_dangling_link_is_no_document)
{
    char target[PATH_MAX + 16];
    snprintf(target, sizeof target, "%s/nowhere", dir);
    cr_assert_eq(symlink(target, flag), 0);
    vfy_session *s = open_present();
    vfy_detail d = { 0 };
    cr_expect_not(present(s));
    cr_expect_eq(vfy_session_wait_document(s, 40, &d), VFY_E_TIMEOUT);
    vfy_session_close(s);
}

Test(sim_presence, malformed_presence_options_are_refused)
{
    vfy_session *s = NULL;
    vfy_detail d = { 0 };
    cr_expect_eq(vfy_session_open_reader("sim?present=", &s, &d), VFY_E_BAD_CONNECTION);
    cr_expect_null(s);
    char conn[1200] = "sim?present=/";
    memset(conn + strlen(conn), 'a', 1100);
    conn[sizeof conn - 1] = '\0';
    cr_expect_eq(vfy_session_open_reader(conn, &s, &d), VFY_E_BAD_CONNECTION);
    cr_expect_null(s);
}

/* Reads one line of the kiosk's output; fails the test when it ends first. */
static void next_line(FILE *f, char *line, size_t cap)
{
    cr_assert_not_null(fgets(line, (int)cap, f), "the kiosk stopped printing");
}

Test(sim_presence, kiosk_serves_two_travellers_as_documents_come_and_go)
{
    char cmd[4 * PATH_MAX];
    char trust[PATH_MAX];
    snprintf(cmd, sizeof cmd,
             "%s kiosk --reader 'sim?present=%s' --count 2 --trust %s --mrz '" L1 "' '" L2
             "' 2>&1",
             vfy_bin(), flag, repo_path("data/specimen/csca.pem", trust, sizeof trust));
    FILE *f = popen(cmd, "r");
    cr_assert_not_null(f);
    char line[1024];
    next_line(f, line, sizeof line);
    cr_expect_str_eq(line, "waiting for document 1\n");
    place();
    next_line(f, line, sizeof line);
    cr_expect(strncmp(line, "document 1: genuine", 19) == 0, "%s", line);
    next_line(f, line, sizeof line);
    cr_expect_str_eq(line, "take document 1 off the reader\n");
    take_away();
    next_line(f, line, sizeof line);
    cr_expect_str_eq(line, "waiting for document 2\n");
    place();
    next_line(f, line, sizeof line);
    cr_expect(strncmp(line, "document 2: genuine", 19) == 0, "%s", line);
    cr_expect_null(fgets(line, sizeof line, f));
    int st = pclose(f);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "kiosk status %d", st);
}
