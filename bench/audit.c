/* Audit trail throughput: appends per second of inspection records with synchronous
 * writes (WAL, synchronous=FULL: each append is one fsync'd commit), the default
 * checkpoint every 64 records, to a log in $TMPDIR (default /tmp); then verification
 * speed over the same log. Wall-clock time, since the disk's fsync is the cost. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "verify.h"
#include "verify/sim.h"

#define APPENDS 500

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, const vfy_detail *d)
{
    fprintf(stderr, "bench/audit: %s: %s\n", what, d->message);
    return 1;
}

int main(void)
{
    const char *tmp = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
    char dir[256], key_path[300], dump[300], log_path[300], cmd[400];
    snprintf(dir, sizeof dir, "%s/vfy-bench-audit-XXXXXX", tmp);
    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(key_path, sizeof key_path, "%s/kiosk", dir);
    snprintf(dump, sizeof dump, "%s/dump", dir);
    snprintf(log_path, sizeof log_path, "%s/log.db", dir);
    vfy_detail d;
    vfy_detail_clear(&d);
    char *secret, *pub;
    vfy_audit_key *key = NULL;
    vfy_document *doc = NULL;
    vfy_inspection *r = NULL;
    int rc = 1;
    if (vfy_audit_keygen(&secret, &pub, &d) != VFY_OK)
        return fail("keygen", &d);
    vfy_status s = vfy_write_new_file(key_path, (const uint8_t *)secret, strlen(secret), &d);
    vfy_audit_text_wipe_free(secret);
    if (s == VFY_OK)
        s = vfy_audit_key_load(key_path, &key, &d);
    if (s == VFY_OK)
        s = vfy_specimen_write(dump, NULL, &d);
    if (s == VFY_OK)
        s = vfy_document_new(&doc);
    if (s == VFY_OK)
        s = vfy_document_load_dir(doc, dump, &d);
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    if (s == VFY_OK)
        s = vfy_inspect_files(doc, &o, &r, &d);
    vfy_audit_log *log = NULL;
    if (s == VFY_OK)
        s = vfy_audit_open(log_path, key, NULL, NULL, &log, &d);
    if (s != VFY_OK) {
        fail("setup", &d);
        goto out;
    }
    double t0 = now_s();
    for (int i = 0; i < APPENDS; i++)
        if (vfy_audit_record_inspection(log, r, NULL, &d) != VFY_OK) {
            fail("append", &d);
            goto out;
        }
    double t1 = now_s();
    s = vfy_audit_close(log, &d);
    log = NULL;
    if (s != VFY_OK) {
        fail("close", &d);
        goto out;
    }
    uint8_t pk[VFY_AUDIT_PUBLIC_KEY_BYTES];
    vfy_audit_key_public(key, pk);
    vfy_audit_verify_result res;
    double t2 = now_s();
    if (vfy_audit_verify(log_path, pk, NULL, &res, &d) != VFY_OK || res.problem != VFY_AUDIT_INTACT) {
        fail("verify", &d);
        goto out;
    }
    double t3 = now_s();
    printf("audit append (synchronous, %s): %d records in %.2f s = %.0f appends/s (%.2f ms each)\n",
           tmp, APPENDS, t1 - t0, APPENDS / (t1 - t0), 1000.0 * (t1 - t0) / APPENDS);
    printf("audit verify: %llu records in %.3f s = %.0f records/s\n",
           (unsigned long long)res.records, t3 - t2, (double)res.records / (t3 - t2));
    rc = 0;
out:
    if (vfy_audit_close(log, NULL) != VFY_OK)
        rc = 1;
    vfy_free(pub);
    vfy_inspection_free(r);
    vfy_document_free(doc);
    vfy_audit_key_free(key);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
