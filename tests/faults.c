/* Allocation-failure injection: see faults.h. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "faults.h"

/* Weak: the coverage build has no sanitizer runtime, and then no trace is printed. */
void __sanitizer_print_stack_trace(void) __attribute__((weak));
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__real_sodium_malloc(size_t n);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
void *__wrap_sodium_malloc(size_t n);

/* Written by the test's own thread only; the library may allocate on other threads (the
 * service's), hence the atomics. */
static unsigned long armed_nth;
static unsigned long counted;
static bool counting, window, fired;
static bool openssl_routed;

/* Whether this allocation is the one to fail. */
static bool fail_now(void)
{
    if (!__atomic_load_n(&counting, __ATOMIC_RELAXED) || !__atomic_load_n(&window, __ATOMIC_RELAXED))
        return false;
    unsigned long k = __atomic_add_fetch(&counted, 1, __ATOMIC_RELAXED);
    if (armed_nth != 0 && k == armed_nth) {
        __atomic_store_n(&fired, true, __ATOMIC_RELAXED);
        if (getenv("VFY_FAULT_TRACE") != NULL && __sanitizer_print_stack_trace != NULL)
            __sanitizer_print_stack_trace(); /* where the failed allocation was made */
        return true;
    }
    return false;
}

void *__wrap_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    /* realloc(p, 0) frees; failing it would leak p for a reason no caller expects. */
    return n != 0 && fail_now() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
    return fail_now() ? NULL : __real_strdup(s);
}

void *__wrap_sodium_malloc(size_t n)
{
    return fail_now() ? NULL : __real_sodium_malloc(n);
}

static void *crypto_malloc(size_t n, const char *file, int line)
{
    (void)file, (void)line;
    return fail_now() ? NULL : __real_malloc(n);
}

static void *crypto_realloc(void *p, size_t n, const char *file, int line)
{
    (void)file, (void)line;
    return n != 0 && fail_now() ? NULL : __real_realloc(p, n);
}

static void crypto_free(void *p, const char *file, int line)
{
    (void)file, (void)line;
    free(p);
}

static void *json_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}

/* Before main, so before any OpenSSL allocation (OpenSSL refuses the routing after one). */
__attribute__((constructor)) static void route_allocators(void)
{
    openssl_routed = CRYPTO_set_mem_functions(crypto_malloc, crypto_realloc, crypto_free) == 1;
    json_set_alloc_funcs(json_malloc, free);
}

unsigned long fault_armed(void)
{
    return armed_nth;
}

bool fault_openssl_routed(void)
{
    return openssl_routed;
}

void fault_arm(unsigned long nth)
{
    armed_nth = nth;
    __atomic_store_n(&counted, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&fired, false, __ATOMIC_RELAXED);
    __atomic_store_n(&counting, true, __ATOMIC_SEQ_CST);
}

unsigned long fault_disarm(bool *was_fired)
{
    __atomic_store_n(&counting, false, __ATOMIC_SEQ_CST);
    __atomic_store_n(&window, false, __ATOMIC_SEQ_CST);
    armed_nth = 0;
    if (was_fired != NULL)
        *was_fired = __atomic_load_n(&fired, __ATOMIC_RELAXED);
    return __atomic_load_n(&counted, __ATOMIC_RELAXED);
}

void fault_enter(void)
{
    __atomic_store_n(&window, true, __ATOMIC_SEQ_CST);
}

void fault_leave(void)
{
    __atomic_store_n(&window, false, __ATOMIC_SEQ_CST);
}

struct fault_sweep_result fault_sweep(fault_op op, void *ctx, unsigned long max_runs)
{
    struct fault_sweep_result r = { 0 };
    op(ctx, false);
    fault_arm(0);
    op(ctx, false);
    r.allocations = fault_disarm(NULL);
    if (max_runs == 0 || r.allocations == 0)
        return r;
    /* Every allocation when they are few; else the first quarter of the runs on the
     * first allocations (setup paths) and the rest spread evenly over all of them. */
    /* VFY_FAULT_RUNS=N: more (or fewer) failed runs than the test asks, for a deeper
     * sweep by hand than CI's. */
    const char *runs = getenv("VFY_FAULT_RUNS");
    if (runs != NULL)
        max_runs = strtoul(runs, NULL, 10);
    /* VFY_FAULT_ONLY=N: only allocation N fails (to look at one finding). */
    const char *only = getenv("VFY_FAULT_ONLY");
    if (only != NULL) {
        bool hit;
        fault_arm(strtoul(only, NULL, 10));
        op(ctx, true);
        fault_disarm(&hit);
        r.runs = 1;
        r.fired = hit;
        return r;
    }
    unsigned long head = r.allocations <= max_runs ? r.allocations : max_runs / 4;
    unsigned long spread = r.allocations <= max_runs ? 0 : max_runs - head;
    for (unsigned long i = 0; i < head + spread; i++) {
        unsigned long nth = i < head ? i + 1
                                     : head + 1 + (unsigned long)((double)(i - head) * (double)(r.allocations - head) /
                                                                  (double)spread);
        bool hit;
        fault_arm(nth);
        op(ctx, true);
        fault_disarm(&hit);
        r.runs++;
        r.fired += hit;
    }
    return r;
}
