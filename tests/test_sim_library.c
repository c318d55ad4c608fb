/* libverify-sim is a library of its own: libverify knows only its hardware backends and
 * offers "sim" once libverify-sim registered it (vfy_sim_register). The registry's rules
 * in-process, and the two shared libraries as an integrator's program loads them. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "transport.h"
#include "verify/session.h"
#include "verify/sim.h"

/* A backend that opens nothing and remembers what it was asked to open. */
static char fake_seen[64];

static vfy_status fake_open(const char *conn, vfy_transport **out, vfy_detail *detail)
{
    *out = NULL;
    snprintf(fake_seen, sizeof fake_seen, "%s", conn);
    return vfy_detail_set(detail, VFY_E_NO_CARD, "reader", "the fake reader is empty");
}

static vfy_status other_open(const char *conn, vfy_transport **out, vfy_detail *detail)
{
    (void)conn;
    *out = NULL;
    return vfy_detail_set(detail, VFY_E_READER, "reader", "not this one");
}

static const vfy_transport_backend fake = { .scheme = "fake", .open = fake_open };

static vfy_status reg(const vfy_transport_backend *b)
{
    vfy_detail d = { 0 };
    vfy_status s = vfy_transport_register(b, &d);
    cr_assert_eq(d.status, s, "the detail names the status");
    return s;
}

static vfy_status open_status(const char *conn, vfy_detail *d)
{
    vfy_transport *t = NULL;
    vfy_status s = vfy_transport_open(conn, &t, d);
    if (t != NULL)
        vfy_transport_close(t);
    return s;
}

/* The test programs register the simulator at start (tests/support.c), as vfy does. */
Test(sim_library, the_test_program_has_registered_sim)
{
    const vfy_transport_backend *b = vfy_transport_registered(0);
    cr_assert_not_null(b);
    cr_assert_str_eq(b->scheme, "sim");
    cr_assert_null(vfy_transport_registered(1));
    vfy_detail d = { 0 };
    cr_assert_eq(open_status("sim", &d), VFY_OK, "%s", d.message);
    cr_assert_eq(vfy_sim_register(&d), VFY_OK, "registering again is a no-op");
    cr_assert_null(vfy_transport_registered(1));
}

Test(sim_library, a_registered_backend_gets_its_connection_strings)
{
    cr_assert_eq(reg(&fake), VFY_OK);
    vfy_detail d = { 0 };
    cr_assert_eq(open_status("fake:dev/one?x=1", &d), VFY_E_NO_CARD);
    cr_assert_str_eq(fake_seen, "fake:dev/one?x=1");
    fake_seen[0] = '\0';
    cr_assert_eq(open_status("fake", &d), VFY_E_NO_CARD);
    cr_assert_str_eq(fake_seen, "fake");
    /* A longer word that starts with the scheme is another reader. */
    fake_seen[0] = '\0';
    cr_assert_eq(open_status("fakery", &d), VFY_E_BAD_CONNECTION);
    cr_assert_str_eq(fake_seen, "");
}

Test(sim_library, schemes_cannot_be_taken_twice)
{
    cr_assert_eq(reg(&fake), VFY_OK);
    cr_assert_eq(reg(&fake), VFY_OK, "the same backend again is a no-op");
    static const vfy_transport_backend same_fn = { .scheme = "fake", .open = fake_open };
    cr_assert_eq(reg(&same_fn), VFY_OK, "the same scheme and function is the same backend");
    static const vfy_transport_backend thief = { .scheme = "fake", .open = other_open };
    cr_assert_eq(reg(&thief), VFY_E_BACKEND_CONFLICT);
    static const vfy_transport_backend sim_thief = { .scheme = "sim", .open = other_open };
    cr_assert_eq(reg(&sim_thief), VFY_E_BACKEND_CONFLICT);
    static const vfy_transport_backend pcsc_thief = { .scheme = "pcsc", .open = other_open };
    cr_assert_eq(reg(&pcsc_thief), VFY_E_BACKEND_CONFLICT, "a built-in scheme");
    vfy_detail d = { 0 };
    cr_assert_eq(open_status("fake", &d), VFY_E_NO_CARD, "the first one keeps the scheme");
}

Test(sim_library, malformed_backends_are_refused)
{
    static const vfy_transport_backend bad[] = {
        { .scheme = "", .open = other_open },
        { .scheme = "Sim2", .open = other_open },
        { .scheme = "a:b", .open = other_open },
        { .scheme = "a?b", .open = other_open },
        { .scheme = "abcdefghijklmnopq", .open = other_open },   /* 17 characters */
        { .scheme = NULL, .open = other_open },
        { .scheme = "noopen", .open = NULL },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(reg(&bad[i]), VFY_E_INVALID_ARGUMENT, "entry %zu", i);
    cr_assert_eq(reg(NULL), VFY_E_INVALID_ARGUMENT);
    static const vfy_transport_backend longest = { .scheme = "abcdefghijklmnop", .open = other_open };
    cr_assert_eq(reg(&longest), VFY_OK, "16 characters");
    cr_assert_null(vfy_transport_registered(2));
}

Test(sim_library, the_table_is_bounded)
{
    static const vfy_transport_backend more[] = {
        { .scheme = "b1", .open = other_open },
        { .scheme = "b2", .open = other_open },
        { .scheme = "b3", .open = other_open },
        { .scheme = "b4", .open = other_open },
    };
    /* "sim" holds one of the VFY_TRANSPORT_REGISTERED_MAX slots. */
    cr_assert_eq(VFY_TRANSPORT_REGISTERED_MAX, 4);
    for (size_t i = 0; i < 3; i++)
        cr_assert_eq(reg(&more[i]), VFY_OK, "backend %zu", i);
    cr_assert_eq(reg(&more[3]), VFY_E_BACKEND_TABLE_FULL);
    cr_assert_eq(reg(&more[0]), VFY_OK, "a registered one is still found when full");
    vfy_detail d = { 0 };
    cr_assert_eq(open_status("b4", &d), VFY_E_BAD_CONNECTION);
    cr_assert_eq(open_status("b3:x", &d), VFY_E_READER);
}

/* Racing registrations of one backend take one slot; of distinct ones, one each. */
static const vfy_transport_backend racers[] = {
    { .scheme = "r0", .open = other_open }, { .scheme = "r1", .open = other_open },
    { .scheme = "r2", .open = other_open },
};

static void *race(void *arg)
{
    size_t i = (size_t)arg;
    vfy_status *res = malloc(2 * sizeof *res);
    if (res != NULL) {
        res[0] = vfy_transport_register(&racers[i % 3], NULL);
        res[1] = vfy_transport_register(&racers[i % 3], NULL);
    }
    return res;
}

Test(sim_library, concurrent_registration_is_consistent)
{
    pthread_t th[12];
    for (size_t i = 0; i < 12; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, race, (void *)i), 0);
    for (size_t i = 0; i < 12; i++) {
        void *r;
        cr_assert_eq(pthread_join(th[i], &r), 0);
        cr_assert_not_null(r);
        cr_expect_eq(((vfy_status *)r)[0], VFY_OK);
        cr_expect_eq(((vfy_status *)r)[1], VFY_OK);
        free(r);
    }
    int seen[3] = { 0 };
    const vfy_transport_backend *b;
    size_t n = 0;
    for (; (b = vfy_transport_registered(n)) != NULL; n++)
        for (int k = 0; k < 3; k++)
            seen[k] += b == &racers[k];
    cr_assert_eq(n, 4, "sim and the three racers");
    for (int k = 0; k < 3; k++)
        cr_assert_eq(seen[k], 1, "racer %d registered once", k);
}

/* The release shared libraries, loaded as a program that links them would load them:
 * libverify.so alone does not know "sim" (its detail says where the simulator is);
 * after libverify-sim.so's vfy_sim_register, the same libverify.so opens it. */
Test(sim_library, shared_libraries_register_across_the_boundary, .timeout = 60)
{
    const char *build = getenv("VFY_BUILD") != NULL ? getenv("VFY_BUILD") : "build";
    char lib[512], sim[512];
    snprintf(lib, sizeof lib, "%s/lib/libverify.so.0", build);
    snprintf(sim, sizeof sim, "%s/lib/libverify-sim.so.0", build);
    if (access(lib, R_OK) != 0 || access(sim, R_OK) != 0)
        cr_skip_test("%s or %s not built", lib, sim);
    if (run_capture("python3 -c 'import ctypes' 2>/dev/null", NULL) != 0)
        cr_skip_test("python3 (ctypes) is not installed");
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "LD_LIBRARY_PATH=%s/lib python3 -c '\n"
             "import ctypes\n"
             "lib = ctypes.CDLL(\"%s\")\n"
             "d = ctypes.create_string_buffer(4096)\n"
             "s = ctypes.c_void_p()\n"
             "st = lib.vfy_session_open(b\"sim\", ctypes.byref(s), d)\n"
             "print(\"before\", st, b\"vfy_sim_register\" in d.raw)\n"
             "sim = ctypes.CDLL(\"%s\")\n"
             "print(\"register\", sim.vfy_sim_register(d))\n"
             "st = lib.vfy_session_open(b\"sim\", ctypes.byref(s), d)\n"
             "print(\"after\", st)\n"
             "lib.vfy_session_close(s)\n"
             "' 2>&1",
             build, lib, sim);
    char *out = NULL;
    cr_assert_eq(run_capture(cmd, &out), 0, "%s", out);
    char expect[128];
    snprintf(expect, sizeof expect, "before %d True\nregister 0\nafter 0\n", (int)VFY_E_BAD_CONNECTION);
    cr_assert_str_eq(out, expect);
    free(out);
}
