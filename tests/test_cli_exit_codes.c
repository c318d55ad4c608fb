/*
 * The README's exit-code table, command by command (issue 13): 0 success, 1 examined and
 * found invalid, 2 usage error or unreadable input, 3 reader/card/access-control failure,
 * 4 configuration or trust-store problem. Each row is a real input that must give its code.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define L1 "'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<'"
#define L2 "'L898902C36UTO7408122F3404159ZE184226B<<<<<16'"

static char dir[64];      /* a specimen dump folder */
static char clone_[80];   /* the same files with another chip's keys */
static char tampered[80]; /* the specimen with one byte of DG1 changed */

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void setup(void)
{
    tmpdir_make("exit", dir, sizeof dir);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s specimen --out %s/s >/dev/null && %s specimen --out %s/o >/dev/null", vfy_bin(),
             dir, vfy_bin(), dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(clone_, sizeof clone_, "%s/c", dir);
    snprintf(tampered, sizeof tampered, "%s/t", dir);
    sh("cp -r %s/s %s", dir, clone_);
    sh("cp %s/o/aa_private.pem %s/ && true", dir, clone_);
    sh("cp %s/o/chipauth_private.pem %s/ && true", dir, clone_);
    sh("cp -r %s/s %s", dir, tampered);
    /* one byte of the holder's name in DG1 */
    snprintf(cmd, sizeof cmd, "printf 'X' | dd of=%s/DG1.bin bs=1 seek=20 conv=notrunc 2>/dev/null", tampered);
    cr_assert_eq(system(cmd), 0);
}

static void teardown(void)
{
    tmpdir_remove(dir);
}

static void expect(int want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void expect(int want, const char *fmt, ...)
{
    char args[3000], cmd[3300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", vfy_bin(), args);
    char *out;
    int rc = run_capture(cmd, &out);
    cr_expect_eq(rc, want, "vfy %s: exit %d, want %d\n%.600s", args, rc, want, out);
    free(out);
}

TestSuite(cli_exit_codes, .init = setup, .fini = teardown, .timeout = 60);

Test(cli_exit_codes, mrz)
{
    expect(0, "mrz " L1 " 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'");
    expect(1, "mrz " L1 " 'L898902C37UTO7408122F1204159ZE184226B<<<<<10'");
    expect(2, "mrz 'NOT AN MRZ'");
    expect(2, "mrz --bogus");
}

Test(cli_exit_codes, verify)
{
    expect(0, "verify %s/s --trust %s/s/csca.pem", dir, dir);
    expect(1, "verify %s --trust %s/s/csca.pem", tampered, dir);
    expect(2, "verify %s/nosuchfolder --trust %s/s/csca.pem", dir, dir);
    /* A CSCA of the same state that did not issue the DS: invalid, not a store problem. */
    expect(1, "verify %s/s --trust %s/o/csca.pem", dir, dir);
    /* A store without any CSCA for the document (a barcode signer is only a hint). */
    char hint[1024];
    SHARED_PATH("vectors/vds/certs/DETS32.pem", hint);
    expect(4, "verify %s/s --trust %s", dir, hint);
}

Test(cli_exit_codes, read)
{
    expect(0, "read --reader sim --trust data/specimen/csca.pem --mrz " L1 " " L2);
    expect(1, "read --reader 'sim:%s' --trust %s/s/csca.pem --mrz " L1 " " L2, clone_, dir);
    expect(2, "read --reader 'sim?nosuch=1' --mrz " L1 " " L2);
    expect(2, "read --mrz " L1 " " L2);
    expect(3, "read --reader sim --trust data/specimen/csca.pem --doc X01234567 --dob 700101 --expiry 300101");
    /* Without --trust vfy read only reads: the chip was read, 0. */
    expect(0, "read --reader sim --mrz " L1 " " L2);
    char hint[1024];
    SHARED_PATH("vectors/vds/certs/DETS32.pem", hint);
    expect(4, "read --reader sim --trust %s --mrz " L1 " " L2, hint);
    expect(4, "read --reader sim --trust %s/nosuch.pem --mrz " L1 " " L2, dir);
}

Test(cli_exit_codes, kiosk)
{
    expect(0, "kiosk --reader sim --trust data/specimen/csca.pem --count 1 --wait 10 --mrz " L1 " " L2);
    expect(1, "kiosk --reader 'sim:%s' --trust %s/s/csca.pem --count 1 --wait 10 --mrz " L1 " " L2, clone_, dir);
    expect(2, "kiosk --reader 'sim?nosuch=1' --count 1 --mrz " L1 " " L2);
    char hint[1024];
    SHARED_PATH("vectors/vds/certs/DETS32.pem", hint);
    expect(4, "kiosk --reader sim --count 1 --wait 10 --trust %s --mrz " L1 " " L2, hint);
}

Test(cli_exit_codes, seal)
{
    char f[1024], empty[128];
    SHARED_PATH("vectors/vds/vds/derived_bsi_visa_sig_bitflip.hex", f);
    char cert[1024];
    SHARED_PATH("vectors/vds/certs/DETS32.pem", cert);
    expect(1, "seal --hex --trust %s %s", cert, f);
    SHARED_PATH("vectors/vds/vds/bsi_annexF_visa_mrvb.hex", f);
    expect(4, "seal --hex --trust %s %s", cert, f);
    expect(2, "seal %s", f); /* hex text without --hex */
    snprintf(empty, sizeof empty, "%s/empty", dir);
    FILE *e = fopen(empty, "w");
    cr_assert_not_null(e);
    fclose(e);
    expect(2, "seal %s", empty);
}

Test(cli_exit_codes, trust_specimen_version_and_unknowns)
{
    expect(0, "trust show %s/s/csca.pem", dir);
    expect(4, "trust show /dev/null");
    expect(2, "trust show --bogus");
    expect(2, "trust status");
    expect(1, "trust status %s/s/csca.pem", dir); /* no CRL: needs attention */
    expect(0, "specimen --out %s/again", dir);
    expect(2, "specimen");
    expect(0, "version");
    expect(2, "bogus");
    expect(2, "help nosuchtopic");
}

/* An option a command does not know gets exit 2 and, on stderr, the option named and one
 * line pointing at that command's --help: never the whole usage (issue 13). And that
 * --help exists and exits 0, so the hint leads somewhere. */
Test(cli_exit_codes, an_unknown_option_gets_one_line_and_a_hint, .timeout = 120)
{
    static const char *const commands[] = {
        "read", "verify", "kiosk", "seal", "mrz", "specimen", "readers", "trust show",
        "trust import", "trust status", "rules eval", "rules show", "rules verify", "rules sign",
        "rules keygen", "serve", "version",
    };
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        char cmd[512], *err = NULL;
        snprintf(cmd, sizeof cmd, "%s %s --bogus 2>&1 >/dev/null", vfy_bin(), commands[i]);
        int rc = run_capture(cmd, &err);
        cr_expect_eq(rc, 2, "%s --bogus: exit %d", commands[i], rc);
        size_t lines = 0;
        for (const char *p = err; *p != '\0'; p++)
            lines += *p == '\n';
        cr_expect_leq(lines, 2, "%s --bogus: %zu lines on stderr:\n%s", commands[i], lines, err);
        cr_expect_not_null(strstr(err, "--bogus"), "%s: the option is named: %s", commands[i], err);
        cr_expect_not_null(strstr(err, "--help"), "%s: a hint to --help: %s", commands[i], err);
        free(err);
        snprintf(cmd, sizeof cmd, "%s %s --help >/dev/null 2>&1", vfy_bin(), commands[i]);
        cr_expect_eq(run_capture(cmd, NULL), 0, "%s --help", commands[i]);
    }
}
