/*
 * Branch coverage of libverify/trust/trust_json.c (issue 12, area tbr): the JSON view
 * of the trust store when the caller gives no time (at == 0: "now" is taken) and when
 * the first allocation (the ordering array) fails. The expected JSON fields are the
 * schema documented in trust_json.c ("libverify.trust/1"); an empty store has no items
 * and no anchors.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "trust/trust_store.h"
#include "verify.h"

Test(cov2_tbr_json, empty_store_without_a_time_is_valid_json_with_no_items)
{
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    char *s = vfy_trust_to_json(t, 0, 0);
    cr_assert_not_null(s);
    json_error_t err;
    json_t *root = json_loads(s, 0, &err);
    cr_assert_not_null(root, "not JSON: %s", err.text);
    cr_assert_str_eq(json_string_value(json_object_get(root, "schema")), "libverify.trust/1");
    cr_assert_eq(json_integer_value(json_object_get(root, "anchors")), 0);
    json_t *items = json_object_get(root, "items");
    cr_assert(json_is_array(items), "items is an array");
    cr_assert_eq(json_array_size(items), 0);
    json_decref(root);
    free(s);
    vfy_trust_free(t);
}

Test(cov2_tbr_json, null_store_and_failed_first_allocation_give_null)
{
    cr_assert_null(vfy_trust_to_json(NULL, 1, 0));
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    bool fired = false;
    fault_arm(1);
    fault_enter();
    char *s = vfy_trust_to_json(t, 1, 0);
    fault_leave();
    fault_disarm(&fired);
    cr_assert(fired, "the first allocation (the ordering array) was failed");
    cr_assert_null(s, "no JSON when the ordering array cannot be allocated");
    vfy_trust_free(t);
}

/* vfy_trust_status_make allocates the status, its items, then the country list (three
 * callocs); each failed in turn must give VFY_E_NO_MEMORY, no status, and leak nothing
 * (LeakSanitizer under test-one). Unfailed, an empty store is healthy with no items. */
Test(cov2_tbr_json, trust_status_each_allocation_failed_is_out_of_memory)
{
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    vfy_trust_status *s = NULL;
    cr_assert_eq(vfy_trust_status_make(t, 0, 30, &s), VFY_OK);
    cr_assert_not_null(s);
    cr_assert_eq(vfy_trust_status_item_count(s), 0);
    cr_assert(vfy_trust_status_healthy(s), "an empty store has nothing stale");
    vfy_trust_status_free(s);
    for (unsigned long n = 1; n <= 3; n++) {
        bool fired = false;
        s = (vfy_trust_status *)1;
        fault_arm(n);
        fault_enter();
        vfy_status st = vfy_trust_status_make(t, 1000, 30, &s);
        fault_leave();
        fault_disarm(&fired);
        cr_assert(fired, "allocation %lu was failed", n);
        cr_assert_eq(st, VFY_E_NO_MEMORY, "allocation %lu: %s", n, vfy_status_name(st));
        cr_assert_null(s, "allocation %lu: no status on failure", n);
    }
    vfy_trust_free(t);
}

/* The store digest in the JSON needs an allocation of its own (vfy_trust_digest); when
 * it fails the JSON is still made, with an empty digest rather than a made-up one. Swept
 * over every allocation of vfy_trust_to_json: each failed run gives either no JSON or
 * JSON whose digest is the true one or empty — never another value — and at least one
 * run (the digest's own allocation) gives the empty digest. The true digest is the
 * unfailed run's, 64 hex characters (SHA-256). */
Test(cov2_tbr_json, digest_allocation_failed_gives_an_empty_digest)
{
    vfy_trust *t;
    cr_assert_eq(vfy_trust_new(&t), VFY_OK);
    char *good = vfy_trust_to_json(t, 1, 0);
    json_t *g = json_loads(good, 0, NULL);
    cr_assert_not_null(g);
    const char *want = json_string_value(json_object_get(g, "digest"));
    cr_assert_eq(strlen(want), 64);
    unsigned empty = 0;
    for (unsigned long n = 1; n < 1000; n++) {
        bool fired = false;
        fault_arm(n);
        fault_enter();
        char *s = vfy_trust_to_json(t, 1, 0);
        fault_leave();
        fault_disarm(&fired);
        if (!fired) {
            cr_assert_not_null(s, "unfailed run %lu", n);
            free(s);
            break;
        }
        if (s == NULL)
            continue;
        json_t *root = json_loads(s, 0, NULL);
        if (root != NULL) {
            const char *d = json_string_value(json_object_get(root, "digest"));
            if (d != NULL) {
                cr_assert(strcmp(d, want) == 0 || d[0] == '\0', "allocation %lu: digest %s", n, d);
                empty += d[0] == '\0';
            }
            json_decref(root);
        }
        free(s);
    }
    cr_assert_gt(empty, 0, "the digest's failed allocation gives an empty digest");
    json_decref(g);
    free(good);
    vfy_trust_free(t);
}
