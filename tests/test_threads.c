/*
 * The "Thread safety:" lines of the public headers, exercised: what a header says may be
 * shared between threads is shared here by several threads at once, and every thread
 * gets the answer a lone caller gets (under ASan+UBSan; a data race that corrupts a
 * shared trust store or seal verification shows up as a wrong verdict or a crash).
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specimen/specimen_internal.h"
#include "support.h"
#include "trust/trust_internal.h"
#include "verify.h"

#define THREADS 4
#define ROUNDS 12

/* ---- one trust store, many inspections of saved files (inspection.h, trust.h) ---- */

struct files_worker {
    const vfy_trust *trust;
    const vfy_document *genuine, *forged;
    int right;   /* inspections with the lone caller's outcome */
};

static vfy_inspection_outcome inspect(const vfy_document *doc, const vfy_trust *trust)
{
    vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
    o.trust = trust;
    vfy_inspection *r = NULL;
    if (vfy_inspect_files(doc, &o, &r, NULL) != VFY_OK)
        return (vfy_inspection_outcome)-1;
    vfy_inspection_outcome out = vfy_inspection_get_outcome(r);
    vfy_inspection_free(r);
    return out;
}

static void *files_work(void *arg)
{
    struct files_worker *w = arg;
    for (int i = 0; i < ROUNDS; i++) {
        w->right += inspect(w->genuine, w->trust) == VFY_INSPECTION_DATA_AUTHENTIC;
        w->right += inspect(w->forged, w->trust) == VFY_INSPECTION_INVALID;
    }
    return NULL;
}

Test(threads, one_trust_store_shared_by_inspections, .timeout = 300)
{
    specimen genuine, forged;
    specimen_faults stranger = { .sod_signed_by_stranger = true };
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(specimen_build(NULL, NULL, &genuine, &d), VFY_OK, "%s", d.message);
    cr_assert_eq(specimen_build(NULL, &stranger, &forged, &d), VFY_OK, "%s", d.message);
    vfy_trust *trust;
    cr_assert_eq(vfy_trust_new(&trust), VFY_OK);
    cr_assert_eq(vfy_trust_add_x509(trust, genuine.csca, "csca", &d), VFY_OK, "%s", d.message);
    /* The lone caller's answers, so the threads are compared with something real. */
    cr_assert_eq(inspect(genuine.doc, trust), VFY_INSPECTION_DATA_AUTHENTIC);
    cr_assert_eq(inspect(forged.doc, trust), VFY_INSPECTION_INVALID);

    pthread_t t[THREADS];
    struct files_worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct files_worker){ trust, genuine.doc, forged.doc, 0 };
        cr_assert_eq(pthread_create(&t[i], NULL, files_work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(w[i].right, 2 * ROUNDS, "thread %d: %d of %d inspections as alone", i, w[i].right,
                     2 * ROUNDS);
    }
    vfy_trust_free(trust);
    specimen_free(&genuine);
    specimen_free(&forged);
}

/* ---- one trust store, many seal verifications (seal.h) ---------------------------- */

struct seal_worker {
    const vfy_trust *trust;
    const uint8_t *valid, *altered;
    size_t valid_len, altered_len;
    int right;
};

static vfy_seal_verdict verify_seal(const uint8_t *seal, size_t len, const vfy_trust *trust)
{
    vfy_seal_options o = { .trust = trust };
    vfy_seal_result *r = NULL;
    vfy_status s = vfy_seal_verify(seal, len, &o, &r, NULL);
    vfy_seal_verdict v = r != NULL ? r->verdict : (vfy_seal_verdict)-1;
    if (r != NULL && (s == VFY_OK) != (v == VFY_SEAL_VALID))
        v = (vfy_seal_verdict)-1;
    vfy_seal_result_free(r);
    return v;
}

static void *seal_work(void *arg)
{
    struct seal_worker *w = arg;
    for (int i = 0; i < ROUNDS * 4; i++) {
        w->right += verify_seal(w->valid, w->valid_len, w->trust) == VFY_SEAL_VALID;
        w->right += verify_seal(w->altered, w->altered_len, w->trust) == VFY_SEAL_INVALID;
    }
    return NULL;
}

Test(threads, one_trust_store_shared_by_seal_verifications, .timeout = 300)
{
    char path[1024];
    size_t len;
    uint8_t *valid = read_file_or_fail(SHARED_PATH("vectors/vds/vdsnc/kurz_vdsnc_vacc_aus_real.json", path), &len);
    uint8_t *altered = malloc(len);
    cr_assert_not_null(altered);
    memcpy(altered, valid, len);
    for (size_t i = len / 3; i < len; i++)   /* one digit of the signed data */
        if (altered[i] >= '0' && altered[i] <= '8') {
            altered[i]++;
            break;
        }
    cr_assert_neq(memcmp(valid, altered, len), 0);
    vfy_trust *trust;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_new(&trust), VFY_OK);
    cr_assert_eq(vfy_trust_add_path(trust, SHARED_PATH("vectors/vds/certs/AU_CSCA_2020.pem", path), &d), VFY_OK,
                 "%s", d.message);
    cr_assert_eq(verify_seal(valid, len, trust), VFY_SEAL_VALID);
    cr_assert_eq(verify_seal(altered, len, trust), VFY_SEAL_INVALID);

    pthread_t t[THREADS];
    struct seal_worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct seal_worker){ trust, valid, altered, len, len, 0 };
        cr_assert_eq(pthread_create(&t[i], NULL, seal_work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(w[i].right, 8 * ROUNDS, "thread %d: %d of %d verifications as alone", i, w[i].right,
                     8 * ROUNDS);
    }
    vfy_trust_free(trust);
    free(valid);
    free(altered);
}

/* ---- one session per thread, one shared trust store (session.h) ------------------- */

struct live_worker {
    const vfy_trust *trust;
    int genuine;
};

static void *live_work(void *arg)
{
    struct live_worker *w = arg;
    static const char mrz_text[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                                   "L898902C36UTO7408122F3404159ZE184226B<<<<<16";
    vfy_mrz mrz;
    vfy_access_key key;
    if (vfy_mrz_parse(mrz_text, strlen(mrz_text), NULL, &mrz, NULL) != VFY_OK ||
        vfy_access_key_from_mrz(&mrz, &key, NULL) != VFY_OK)
        return NULL;
    for (int i = 0; i < 3; i++) {
        vfy_session *s = NULL;
        vfy_inspection *r = NULL;
        vfy_inspect_options o = VFY_INSPECT_OPTIONS_INIT;
        o.trust = w->trust;
        o.mrz = &mrz;
        if (vfy_session_open("sim", &s, NULL) == VFY_OK && vfy_inspect_session(s, &key, &o, &r, NULL) == VFY_OK)
            w->genuine += vfy_inspection_get_outcome(r) == VFY_INSPECTION_GENUINE;
        vfy_inspection_free(r);
        vfy_session_close(s);
    }
    vfy_access_key_wipe(&key);
    return NULL;
}

Test(threads, sessions_in_parallel_threads, .timeout = 300)
{
    char csca[512];
    vfy_trust *trust;
    vfy_detail d;
    vfy_detail_clear(&d);
    cr_assert_eq(vfy_trust_new(&trust), VFY_OK);
    cr_assert_eq(vfy_trust_add_path(trust, repo_path("data/specimen/csca.pem", csca, sizeof csca), &d), VFY_OK,
                 "%s", d.message);
    pthread_t t[THREADS];
    struct live_worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct live_worker){ trust, 0 };
        cr_assert_eq(pthread_create(&t[i], NULL, live_work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(w[i].genuine, 3, "thread %d: %d of 3 live inspections genuine", i, w[i].genuine);
    }
    vfy_trust_free(trust);
}
