/* vfy read against the simulated chip: the built-in specimen through PACE and BAC, the
 * JSON contract, --save, failures as JSON with exit 3, and every simulated-reader option
 * documented in vfy --help and vfy(1). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "specimen/embedded.h"
#include "support.h"
#include "verify.h"
#include "verify/sim.h"

#define L1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define L2 "L898902C36UTO7408122F3404159ZE184226B<<<<<16"

static int vfy_read(const char *args, char **out)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s read %s 2>/dev/null", vfy_bin(), args);
    return run_capture(cmd, out);
}

static const char *str_at(json_t *o, const char *a, const char *b)
{
    json_t *v = json_object_get(o, a);
    if (b != NULL)
        v = json_object_get(v, b);
    cr_assert(json_is_string(v), "%s.%s is not a string", a, b != NULL ? b : "");
    return json_string_value(v);
}

static json_int_t file_bytes(json_t *o, const char *file)
{
    json_t *v = json_object_get(json_object_get(json_object_get(o, "files"), file), "bytes");
    cr_assert(json_is_integer(v), "files.%s.bytes missing", file);
    return json_integer_value(v);
}

Test(cli_read, pace_json_on_the_specimen)
{
    char *out;
    int rc = vfy_read("--reader sim --json --mrz '" L1 "' '" L2 "'", &out);
    cr_assert_eq(rc, 0, "%s", out);
    json_t *j = json_parse_or_fail(out);
    cr_expect_str_eq(str_at(j, "access", "protocol"), "PACE");
    cr_expect_str_eq(str_at(j, "access", "mapping"), "GM");
    cr_expect_str_eq(str_at(j, "access", "cipher"), "AES-128");
    cr_expect_str_eq(str_at(j, "access", "curve"), "brainpoolP256r1");
    cr_expect_str_eq(str_at(j, "mrz", "document_number"), "L898902C3");
    cr_expect_str_eq(str_at(j, "mrz", "surname"), "ERIKSSON");
    cr_expect_str_eq(str_at(j, "mrz", "expiry_date"), "2034-04-15");
    cr_expect_eq(json_object_get(json_object_get(j, "mrz"), "valid"), json_true());
    const struct vfy_embedded_file *dg2 = vfy_embedded_find("specimen/DG2.bin");
    cr_expect_eq(file_bytes(j, "DG2"), (json_int_t)dg2->len);
    cr_expect_eq(file_bytes(j, "DG1"), 93);
    cr_expect_eq(file_bytes(j, "EF.COM"), (json_int_t)vfy_embedded_find("specimen/EF_COM.bin")->len);
    cr_expect_eq(file_bytes(j, "EF.CardAccess"), 22);
    json_int_t apdus = json_integer_value(json_object_get(json_object_get(j, "read"), "apdus"));
    json_int_t bytes = json_integer_value(json_object_get(json_object_get(j, "read"), "bytes_exchanged"));
    cr_expect_gt(apdus, 5);
    cr_expect_gt(bytes, (json_int_t)dg2->len);
    json_decref(j);
    free(out);
}

Test(cli_read, bac_with_typed_values_and_joined_mrz)
{
    char *out;
    int rc = vfy_read("--reader 'sim?pace=off' --json --doc L898902C3 --dob 740812 "
                      "--expiry 340415", &out);
    cr_assert_eq(rc, 0, "%s", out);
    json_t *j = json_parse_or_fail(out);
    cr_expect_str_eq(str_at(j, "access", "protocol"), "BAC");
    cr_expect_null(json_object_get(json_object_get(j, "access"), "mapping"));
    json_decref(j);
    free(out);
    rc = vfy_read("--reader 'sim?pace=off' --mrz \"$(printf '%s\\n%s' '" L1 "' '" L2 "')\"", &out);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "Access            BAC") != NULL, "%s", out);
    cr_expect(strstr(out, L2) != NULL, "%s", out);
    free(out);
}

Test(cli_read, can_and_save)
{
    char dir[64];
    tmpdir_make("cli-read", dir, sizeof dir);
    char args[512], *out;
    snprintf(args, sizeof args, "--reader sim --can 123456 --save %s/dump", dir);
    cr_assert_eq(vfy_read(args, &out), 0, "%s", out);
    cr_expect(strstr(out, "PACE GM AES-128 brainpoolP256r1") != NULL, "%s", out);
    free(out);
    /* the saved folder is the specimen, byte for byte */
    static const char *names[] = { "EF_COM.bin", "DG1.bin", "DG2.bin", "EF_CardAccess.bin" };
    for (size_t i = 0; i < 4; i++) {
        char path[600], emb[64];
        snprintf(path, sizeof path, "%s/dump/%s", dir, names[i]);
        snprintf(emb, sizeof emb, "specimen/%s", names[i]);
        size_t n;
        uint8_t *got = read_file_or_fail(path, &n);
        const struct vfy_embedded_file *e = vfy_embedded_find(emb);
        cr_assert_eq(n, e->len, "%s", names[i]);
        cr_assert_eq(memcmp(got, e->data, n), 0, "%s", names[i]);
        free(got);
    }
    /* and the simulated chip serves it back */
    snprintf(args, sizeof args, "--reader 'sim:%s/dump?pace=off' --json --mrz '" L1 "' '" L2 "'",
             dir);
    cr_assert_eq(vfy_read(args, &out), 0, "%s", out);
    free(out);
    tmpdir_remove(dir);
}

Test(cli_read, failures_print_json_and_exit_3_or_2_for_a_bad_reader_string)
{
    static const struct {
        const char *reader;
        const char *error;
    } f[] = {
        { "sim?bad_mac=9", "VFY_E_SM_MAC" },
        { "sim?remove_after=4", "VFY_E_CARD_REMOVED" },
        { "sim?bad_tlv=DG2", "VFY_E_LIMIT" },
        { "sim?nosuch=1", "VFY_E_BAD_CONNECTION" },
        { "sim?can=000000&bac=off", "VFY_E_PACE_FAILED" },
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        char args[512], *out;
        snprintf(args, sizeof args, "--reader '%s' --json --can 123456", f[i].reader);
        int rc = vfy_read(args, &out);
        /* A reader string that does not parse is a usage error (2); the rest, 3. */
        int want = strcmp(f[i].error, "VFY_E_BAD_CONNECTION") == 0 ? 2 : 3;
        cr_expect_eq(rc, want, "%s: rc %d: %s", f[i].reader, rc, out);
        json_t *j = json_parse_or_fail(out);
        cr_expect_str_eq(str_at(j, "code", NULL), f[i].error, "%s", f[i].reader);
        cr_expect_gt(strlen(str_at(j, "message", NULL)), 10);
        json_decref(j);
        free(out);
    }
}

Test(cli_read, usage_errors)
{
    static const char *bad[] = { "--reader sim", "--mrz x", "--reader sim --can 12 --doc X",
                                 "--reader sim --doc L898902C3 --dob 740812" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *out;
        cr_expect_eq(vfy_read(bad[i], &out), 2, "%s", bad[i]);
        free(out);
    }
}

/* Every option of the simulated reader appears in vfy --help, vfy read --help and vfy(1). */
Test(cli_read, every_sim_option_is_documented)
{
    char man_path[512], cmd[512];
    size_t n;
    char *man = (char *)read_file_or_fail(repo_path("docs/vfy.1", man_path, sizeof man_path), &n);
    man = realloc(man, n + 1);
    man[n] = '\0';
    char *help, *read_help;
    snprintf(cmd, sizeof cmd, "%s help sim", vfy_bin());
    cr_assert_eq(run_capture(cmd, &help), 0);
    snprintf(cmd, sizeof cmd, "%s read --help", vfy_bin());
    cr_assert_eq(run_capture(cmd, &read_help), 0);
    unsigned keys = 0;
    for (size_t i = 0; vfy_sim_help_line(i) != NULL; i++) {
        const char *line = vfy_sim_help_line(i);
        while (*line == ' ')
            line++;
        const char *eq = strchr(line, '='), *sp = strchr(line, ' ');
        if (eq == NULL || (sp != NULL && sp < eq))
            continue;
        char key[32];
        snprintf(key, sizeof key, "%.*s=", (int)(eq - line), line);
        cr_expect(strstr(man, key) != NULL, "vfy(1) lacks %s", key);
        cr_expect(strstr(help, key) != NULL, "vfy help sim lacks %s", key);
        cr_expect(strstr(read_help, key) != NULL, "vfy read --help lacks %s", key);
        keys++;
    }
    cr_expect_geq(keys, 18, "only %u options found", keys);
    free(man);
    free(help);
    free(read_help);
}

/* Without --trust, `vfy read --json` is still the library's inspection
 * (libverify.inspection/1, schema-valid), and fails closed: the document signer cannot be
 * chained, so the chain and revocation checks say no trust store was given and the verdict
 * is unverified, never genuine, although the chip proved itself and every hash holds.
 * The exit code stays 0: no verdict was asked for, the chip was read. */
Test(cli_read, json_without_trust_is_the_inspection_never_genuine, .timeout = 60)
{
    char *out;
    int rc = vfy_read("--reader sim --json --mrz '" L1 "' '" L2 "'", &out);
    cr_assert_eq(rc, 0, "%s", out);
    json_t *j = json_parse_or_fail(out);
    cr_expect_str_eq(str_at(j, "schema", NULL), "libverify.inspection/1");
    cr_expect_str_eq(str_at(j, "verdict", NULL), "unverified");
    cr_expect_str_eq(str_at(j, "document_verdict", NULL), "unverified");
    cr_expect_str_neq(str_at(j, "gate", NULL), "accept");
    cr_expect_str_eq(json_check_status(j, "pa.ds_chain"), "not_checked");
    cr_expect_str_eq(json_check_code(j, "pa.ds_chain"), "VFY_E_NO_TRUST_ANCHOR");
    cr_expect_str_eq(json_check_status(j, "pa.crl"), "not_checked");
    cr_expect_str_eq(json_check_status(j, "pa.hash.dg1"), "ok");
    cr_expect(json_is_null(json_object_get(j, "trust_store")));
    cr_expect_str_eq(str_at(j, "mrz", "document_number"), "L898902C3");
    json_decref(j);

    char root[512], path[] = "/tmp/vfy-read-notrust-XXXXXX", cmd[2048], *err;
    repo_path("", root, sizeof root);
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, out, strlen(out)), (ssize_t)strlen(out));
    close(fd);
    snprintf(cmd, sizeof cmd, "python3 %s/tests/tools/validate_json.py %s/docs/schema/inspection.schema.json < %s 2>&1",
             root, root, path);
    rc = run_capture(cmd, &err);
    unlink(path);
    cr_expect_eq(rc, 0, "%s", err);
    free(err);
    free(out);
}
