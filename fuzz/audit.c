/* Fuzz target: the audit trail's decoders and its verification. The first byte chooses:
 *   0  one record's canonical bytes (aud_record_decode); a record that decodes must
 *      encode back to exactly the same bytes (one encoding per record, or the chain
 *      would be ambiguous), and render as JSON;
 *   1  a checkpoint's bytes and its text form;
 *   2  a whole log file (SQLite), verified with vfy_audit_verify against the key of the
 *      seeds, then read back with vfy_audit_read: any status, never a crash, and never
 *      "intact" for a log whose first record is not signed by that key.
 * Seeds (fuzz/corpus/audit): a log written by `vfy verify DUMP --audit` and `vfy audit
 * change` with the signing key whose Ed25519 seed is 32 bytes of 0x42, its records and
 * its checkpoints, each behind its mode byte. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit_internal.h"

static uint8_t seed_pub[32];
static char path[64];

static bool count_entry(void *ctx, const vfy_audit_entry *e)
{
    (*(size_t *)ctx) += strlen(e->json) > 0;
    return true;
}

static void one_record(const uint8_t *data, size_t size)
{
    static aud_record r;
    static uint8_t again[AUD_RECORD_MAX];
    if (aud_record_decode(data, size, &r, NULL) != VFY_OK)
        return;
    size_t len = 0;
    if (aud_record_encode(&r, again, sizeof again, &len, NULL) != VFY_OK)
        __builtin_trap();
    size_t covered = r.has_signature ? r.signed_len : size;
    if (len != covered || memcmp(again, data, len) != 0)
        __builtin_trap();   /* two encodings of one record */
    free(aud_record_json(&r));
}

static void one_checkpoint(const uint8_t *data, size_t size)
{
    aud_checkpoint cp;
    if (aud_checkpoint_decode(data, size, &cp, NULL) == VFY_OK) {
        (void)aud_checkpoint_signature_ok(data, size);
        char *text = aud_checkpoint_text(data);
        uint8_t back[AUD_CP_BYTES];
        if (text == NULL || aud_checkpoint_parse_text(text, back, NULL) != VFY_OK ||
            memcmp(back, data, AUD_CP_BYTES) != 0)
            __builtin_trap();
        free(text);
    }
    char *t = malloc(size + 1);
    if (t == NULL)
        return;
    memcpy(t, data, size);
    t[size] = '\0';
    uint8_t out[AUD_CP_BYTES];
    (void)aud_checkpoint_parse_text(t, out, NULL);
    free(t);
}

static void remove_files(void);

static void one_log(const uint8_t *data, size_t size)
{
    remove_files();
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return;
    fwrite(data, 1, size, f);
    fclose(f);
    vfy_audit_verify_result r;
    vfy_status s = vfy_audit_verify(path, seed_pub, NULL, &r, NULL);
    if (s == VFY_OK && r.problem == VFY_AUDIT_INTACT && r.records == 0)
        __builtin_trap();   /* an empty log is never intact */
    size_t n = 0;
    (void)vfy_audit_read(path, NULL, count_entry, &n, NULL);
}

static void remove_files(void)
{
    char side[80];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (sodium_init() < 0)
        abort();
    uint8_t seed[32], sk[64];
    memset(seed, 0x42, sizeof seed);
    crypto_sign_seed_keypair(seed_pub, sk, seed);
    snprintf(path, sizeof path, "/tmp/vfy-fuzz-audit-%ld.db", (long)getpid());
    atexit(remove_files);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0]) {
    case 0: one_record(data + 1, size - 1); break;
    case 1: one_checkpoint(data + 1, size - 1); break;
    case 2: one_log(data + 1, size - 1); break;
    default: break;
    }
    return 0;
}
