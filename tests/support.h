/* Helpers shared by the Criterion tests: test data in ../shared, hex, files. */
#ifndef VFY_TESTS_SUPPORT_H
#define VFY_TESTS_SUPPORT_H

#include <criterion/criterion.h>
#include <stddef.h>
#include <stdint.h>

/* Absolute path of a file under the shared test data (Makefile variable SHARED),
 * written into buf. Skips the calling test, naming the path, when it is missing. */
const char *shared_path(const char *relative, char *buf, size_t cap);
#define SHARED_PATH(rel, buf) shared_path((rel), (buf), sizeof(buf))

/* Path of a file in the repository (data/, fuzz/ ...). */
const char *repo_path(const char *relative, char *buf, size_t cap);

/* Reads a whole file; aborts the test on failure. Caller frees. */
uint8_t *read_file_or_fail(const char *path, size_t *len);

/* Copies FROM_DIR/FROM to TO_DIR/TO; aborts the test on failure. */
void copy_file_or_fail(const char *from_dir, const char *from, const char *to_dir, const char *to);

/* Decodes hex (whitespace ignored) into a new buffer; aborts the test on bad hex. */
uint8_t *hex_decode(const char *hex, size_t *len);
/* Lower-case hex of bytes into a new string. */
char *hex_encode(const uint8_t *data, size_t len);

/* Runs a shell command (the CLI under test), capturing stdout; returns the exit code. */
int run_capture(const char *cmd, char **out);

/* Parses JSON text (the CLI's --json output); aborts the test, quoting it, if it is not JSON. */
struct json_t;
struct json_t *json_parse_or_fail(const char *text);
/* The check with this id in an inspection's JSON "checks" array, or NULL; its "status"
 * and "code" strings ("" when absent). */
struct json_t *json_check(struct json_t *inspection, const char *id);
const char *json_check_status(struct json_t *inspection, const char *id);
const char *json_check_code(struct json_t *inspection, const char *id);

/* Path of the vfy binary under test (built with sanitizers). */
const char *vfy_bin(void);

/* A fresh private (0700) folder /tmp/vfy-NAME-XXXXXX, written into buf; aborts the test
 * when it cannot be made or does not fit. Returns buf. */
const char *tmpdir_make(const char *name, char *buf, size_t cap);
/* Removes a folder made by tmpdir_make and everything under it, without a shell and
 * without following links; refuses (aborting the test) any path outside /tmp/vfy-. */
void tmpdir_remove(const char *dir);

#endif
