/* vfy serve, the local inspection service, as an integrator meets it: started on a
 * free loopback port with the simulated reader sim?present=FILE, driven over HTTP by
 * tests/tools/serve_check.py (every status code against the JSON Schemas of
 * docs/schema/, the event stream, a traveller end to end, a failed read), then stopped
 * with SIGTERM. Also the token file's rules and the refused configurations. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rig.h"
#include "support.h"

#define L1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define L2 "L898902C36UTO7408122F3404159ZE184226B<<<<<16"

static char dir[PATH_MAX];

static void make_dir(void)
{
    tmpdir_make("serve", dir, sizeof dir);
}

static void remove_dir(void)
{
    tmpdir_remove(dir);
}

TestSuite(serve, .init = make_dir, .fini = remove_dir, .timeout = 60);

struct server {
    pid_t pid;
    FILE *out;
    unsigned port;
};

/* Starts vfy serve with extra arguments; returns once it printed its port. */
static struct server start(const char *extra)
{
    char trust[PATH_MAX], console[PATH_MAX], cmd[5 * PATH_MAX];
    snprintf(cmd, sizeof cmd,
             "exec %s serve --reader 'sim?present=%s/doc' --trust %s --listen 127.0.0.1:0 "
             "--token-file %s/token --console %s %s",
             vfy_bin(), dir, repo_path("data/specimen/csca.pem", trust, sizeof trust), dir,
             repo_path("data/console", console, sizeof console), extra);
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    struct server s = { 0 };
    s.pid = fork();
    cr_assert_geq(s.pid, 0);
    if (s.pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    s.out = fdopen(fds[0], "r");
    char line[256];
    cr_assert_not_null(fgets(line, sizeof line, s.out), "vfy serve printed nothing");
    cr_assert_eq(sscanf(line, "listening on http://127.0.0.1:%u", &s.port), 1, "%s", line);
    return s;
}

/* Stops it with SIGTERM; returns its exit status (bounded: SIGKILL after 20 s). */
static int stop(struct server *s)
{
    kill(s->pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 2000; i++) {
        pid_t r = waitpid(s->pid, &status, WNOHANG);
        if (r == s->pid)
            break;
        struct timespec ts = { 0, 10 * 1000000L };
        nanosleep(&ts, NULL);
        if (i == 1999) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &status, 0);
            cr_assert_fail("vfy serve did not stop on SIGTERM within 20 s");
        }
    }
    fclose(s->out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Test(serve, the_http_contract_end_to_end)
{
    struct server s = start("");
    char script[PATH_MAX], schemas[PATH_MAX], cmd[4 * PATH_MAX];
    snprintf(cmd, sizeof cmd,
             "python3 %s --port %u --token-file %s/token --presence %s/doc --schemas %s "
             "--pid %d --mrz '" L1 "' '" L2 "' 2>&1",
             repo_path("tests/tools/serve_check.py", script, sizeof script), s.port, dir, dir,
             repo_path("docs/schema", schemas, sizeof schemas), (int)s.pid);
    char *out = NULL;
    int rc = run_capture(cmd, &out);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, " 0 failed") != NULL, "%s", out);
    free(out);
    cr_expect_eq(stop(&s), 0);
}

Test(serve, a_missing_token_file_is_created_0600)
{
    struct server s = start("");
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/token", dir);
    struct stat st;
    cr_assert_eq(lstat(path, &st), 0);
    cr_expect(S_ISREG(st.st_mode));
    cr_expect_eq(st.st_mode & 0777, 0600);
    cr_expect_eq(st.st_size, 65);   /* 32 random bytes in hex and a newline */
    cr_expect_eq(stop(&s), 0);
}

static int serve_rc(const char *args)
{
    char cmd[4 * PATH_MAX];
    snprintf(cmd, sizeof cmd, "%s serve --reader sim --listen 127.0.0.1:0 %s >/dev/null 2>&1",
             vfy_bin(), args);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(serve, unsafe_token_files_and_bad_arguments_are_refused)
{
    char path[PATH_MAX + 16], args[3 * PATH_MAX];
    /* readable by others */
    snprintf(path, sizeof path, "%s/open-token", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("0123456789abcdef0123456789abcdef0123456789abcdef\n", f);
    fclose(f);
    chmod(path, 0644);
    snprintf(args, sizeof args, "--token-file %s", path);
    cr_expect_eq(serve_rc(args), 4);
    /* through a symbolic link */
    char link[PATH_MAX + 16];
    snprintf(link, sizeof link, "%s/link-token", dir);
    chmod(path, 0600);
    cr_assert_eq(symlink(path, link), 0);
    snprintf(args, sizeof args, "--token-file %s", link);
    cr_expect_eq(serve_rc(args), 4);
    /* too short to be a secret */
    snprintf(path, sizeof path, "%s/short-token", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, "abc\n", 4), 4);
    close(fd);
    snprintf(args, sizeof args, "--token-file %s", path);
    cr_expect_eq(serve_rc(args), 4);
    /* arguments */
    snprintf(args, sizeof args, "--token-file %s/t --listen nowhere", dir);
    cr_expect_eq(serve_rc(args), 2);
    snprintf(args, sizeof args, "--token-file %s/t --result-ttl 0", dir);
    cr_expect_eq(serve_rc(args), 2);
    snprintf(args, sizeof args, "--token-file %s/t --trust %s/missing.pem", dir, dir);
    cr_expect_eq(serve_rc(args), 4);
}

/* ---- operation and faults: tests/tools/serve_ops.py, one scenario per test ---------- */

static void ops(const char *scenario, const char *extra)
{
    char script[PATH_MAX], root[PATH_MAX], cmd[5 * PATH_MAX];
    repo_path("", root, sizeof root);
    snprintf(cmd, sizeof cmd, "python3 %s %s --vfy %s --root %s --work %s %s 2>&1",
             repo_path("tests/tools/serve_ops.py", script, sizeof script), scenario, vfy_bin(),
             root, dir, extra != NULL ? extra : "");
    char *out = NULL;
    int rc = run_capture(cmd, &out);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, " 0 failed") != NULL, "%s", out);
    cr_log_info("serve_ops %s: %s", scenario, out);
    free(out);
}

/* --config FILE (JSON) instead of flags, flags overriding it, unknown or mistyped
 * settings refused with exit 2; --log-level lines on stderr without personal data. */
Test(serve, configuration_file_and_log_levels) { ops("config", NULL); }

/* DNS rebinding: only the service's own address and localhost are accepted in Host. */
Test(serve, host_header_names_the_service_or_is_refused) { ops("host", NULL); }

/* A trust store switched on disk (DIR/current) and SIGHUP are picked up between
 * inspections and recorded in the audit trail; a store that fails leaves the old one. */
Test(serve, trust_store_switch_and_sighup_reload_and_are_audited) { ops("reload", NULL); }

/* --rules/--rules-trust: the eligibility decision comes back inside the result. */
Test(serve, rule_sets_decide_the_posted_case) { ops("rules", NULL); }

/* Faults: the document taken away mid-read; event-stream clients that vanish. */
Test(serve, document_removed_mid_read_is_a_typed_failure) { ops("removed", NULL); }
Test(serve, event_stream_clients_that_disconnect_are_reported) { ops("sse", NULL); }

/* The reader itself disappears mid-read: the PN532 rig (real libnfc) is killed while
 * the service reads through it. */
Test(serve, reader_unplugged_mid_read_is_reported_and_serving_goes_on)
{
    struct pn532_rig rig;
    const char *const args[] = { "--card", "sim", "--type", "A", "--delay-ms", "5", NULL };
    pn532_rig_start(&rig, args);
    char extra[512];
    snprintf(extra, sizeof extra, "--reader '%s' --rig-pid %d", rig.conn, (int)rig.pid);
    ops("reader-gone", extra);
    rig_stop(rig.pid);   /* already killed: this reaps it */
    close(rig.out);
}

/* The load benchmark's smaller run on this (ASan) build: 30 travellers one after
 * another, each genuine, and the service exits 0 on SIGTERM, which
 * under LeakSanitizer means nothing it allocated for an inspection was left behind. The
 * figures of issue 15 come from `make bench` on the release build (bench/serve.py). */
Test(serve, thirty_inspections_leak_nothing_under_asan)
{
    char script[PATH_MAX], root[PATH_MAX], cmd[4 * PATH_MAX];
    repo_path("", root, sizeof root);
    snprintf(cmd, sizeof cmd, "cd %s && python3 %s --vfy %s --count 30 --leak-check 2>&1", root,
             repo_path("bench/serve.py", script, sizeof script), vfy_bin());
    char *out = NULL;
    int rc = run_capture(cmd, &out);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "inspections: 30, not genuine: 0") != NULL, "%s", out);
    cr_expect(strstr(out, "vfy serve exit status: 0") != NULL, "%s", out);
    free(out);
}
