/*
 * Allocation-failure injection for the tests (issue 12: the error paths that only an
 * exhausted allocator reaches). Every test program is linked with
 * -Wl,--wrap=malloc,calloc,realloc,strdup,sodium_malloc, so that each allocation the
 * library's own code makes passes through tests/faults.c; OpenSSL's and jansson's
 * allocations are routed there too (CRYPTO_set_mem_functions, json_set_alloc_funcs).
 * Unarmed, the wrappers only count.
 *
 * A sweep runs an operation once to count its allocations, then again and again, each
 * time failing exactly one of them (every one when they are few, else the first ones
 * and an even spread), and lets the operation's own check judge each outcome: an
 * error, or a result no better than the unfailed one. Leaks and memory errors on those
 * paths are the sanitizers' to report.
 */
#ifndef VFY_TESTS_FAULTS_H
#define VFY_TESTS_FAULTS_H

#include <stdbool.h>
#include <stddef.h>

/* Whether OpenSSL's allocations are routed through the injector (false when OpenSSL
 * had allocated before the test program's constructors ran). */
bool fault_openssl_routed(void);

/* The nth allocation from now fails (1: the next one); 0 only counts. */
void fault_arm(unsigned long nth);
/* The allocation armed to fail (0: none), for messages; VFY_FAULT_TRACE=1 in the
 * environment prints the stack of each failed allocation. */
unsigned long fault_armed(void);
/* Stops failing and counting; returns the allocations counted since fault_arm and sets
 * *fired to whether the failure was injected. */
unsigned long fault_disarm(bool *fired);

/* Only allocations between fault_enter and fault_leave count and fail: the operation's
 * setup and its checks (which allocate too) stay outside. */
void fault_enter(void);
void fault_leave(void);

/* The operation under test. `injected` is false for the unfailed runs (record what the
 * operation gives) and true for the failed ones (compare with it). */
typedef void (*fault_op)(void *ctx, bool injected);

struct fault_sweep_result {
    unsigned long allocations; /* in one unfailed run */
    unsigned long runs;        /* failed runs made */
    unsigned long fired;       /* of which the failure was injected */
};

/* Sweeps op over at most max_runs failed runs (after two unfailed ones: the first may
 * fill caches that are then already there). */
struct fault_sweep_result fault_sweep(fault_op op, void *ctx, unsigned long max_runs);

#endif
