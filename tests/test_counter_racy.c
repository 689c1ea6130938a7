/*
 * test_counter_racy.c: proves that ThreadSanitizer catches the `racy`
 * counter, the project's one deliberate data race (a pitfall that must keep
 * reproducing: if it stops being reported, this test fails).
 *
 * The case re-executes this binary with --racy-child, which runs `racy` with
 * 2 threads x 200000 adds behind a start barrier, in loose lockstep, under
 * TSAN_OPTIONS="<inherited> log_path=<tmpdir>/racy exitcode=66 halt_on_error=0"
 * (exec, not just fork: TSan reads its options at start-up). It then requires
 * that the child exited 66 (TSan's "I reported something") and that the
 * report's "SUMMARY: ThreadSanitizer: data race" line names counter_racy.c.
 *
 * Built and registered only in the TSan tree (CT_SANITIZE=thread); compiled
 * elsewhere, the case is a SKIP.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counter.h"
#include "ct_test.h"
#include "ct_tsan.h"

#define RACY_THREADS 2u
#define RACY_ADDS 200000u
#define RACY_EXIT 66 /* exitcode= in the child's TSAN_OPTIONS */

/* ---- the child: race on purpose ------------------------------------------------ */

/* The adders run in loose lockstep, neither more than RACY_WINDOW adds ahead
 * of the other. Without it, on a loaded machine one thread may finish before
 * the other starts; the race is there all the same (nothing orders the two
 * loops), but clang 14's TSan then reported it in only about half the runs
 * (GCC 12's in every run). The lockstep uses relaxed atomics, which create
 * no happens-before, so it hides nothing from TSan. A waiter yields: on a
 * loaded machine spinning would only keep the other thread off the core. */
#define RACY_WINDOW 1024u

struct racy_run {
    ct_counter *c;
    ct_test_barrier start;
    atomic_uint progress[RACY_THREADS]; /* adds done by each thread */
};

_Static_assert(RACY_THREADS == 2, "the lockstep pairs thread 0 with thread 1");

static void racy_thread(unsigned idx, void *arg)
{
    struct racy_run *r = arg;
    atomic_uint *mine = &r->progress[idx], *other = &r->progress[idx ^ 1];

    ct_test_barrier_wait(&r->start);
    for (unsigned i = 0; i < RACY_ADDS; i++) {
        ct_counter_add(r->c, idx, 1);
        /* relaxed: pairs with nothing, on purpose (see RACY_WINDOW) */
        atomic_store_explicit(mine, i + 1, memory_order_relaxed);
        /* relaxed: as above. The other thread ends at RACY_ADDS > i, and
         * both cannot be ahead of each other, so this always ends. */
        while (atomic_load_explicit(other, memory_order_relaxed) + RACY_WINDOW <= i)
            sched_yield();
    }
}

static int racy_child(void)
{
    struct racy_run r;
    uint64_t want = (uint64_t)RACY_THREADS * RACY_ADDS, got;

    r.c = ct_counter_new("racy", RACY_THREADS);
    if (!r.c)
        ct_test_fail("ct_counter_new(\"racy\"): %s", strerror(errno));
    for (unsigned i = 0; i < RACY_THREADS; i++)
        atomic_init(&r.progress[i], 0);
    ct_test_barrier_init(&r.start, RACY_THREADS);
    ct_test_run_threads(RACY_THREADS, racy_thread, &r);
    ct_test_barrier_destroy(&r.start);
    got = ct_counter_read(r.c, 0);
    /* Informative only: how many updates were lost varies, and may be 0. */
    printf("  racy child: %u threads x %u adds = %" PRIu64 " (expected %" PRIu64 ", %" PRIu64
           " lost)\n",
           RACY_THREADS, RACY_ADDS, got, want, want - got);
    ct_counter_free(r.c);
    return 0; /* TSan turns this into RACY_EXIT if it reported the race */
}

/* ---- the case: run the child, read its TSan log ------------------------------ */

static int test_tsan_reports_race(void *arg)
{
    (void)arg;
    return ct_test_expect_sanitizer("--racy-child", "TSAN_OPTIONS", ' ', RACY_EXIT,
                                    "SUMMARY: ThreadSanitizer: data race", "counter_racy.c");
}

int main(int argc, char **argv)
{
    ct_test_case cases[] = {
        {.name = "racy/tsan_reports_race", .fn = test_tsan_reports_race, .timeout_s = 30},
    };

#ifndef CT_TSAN
    cases[0].skip = "needs a ThreadSanitizer build (CT_SANITIZE=thread)";
#endif
    if (argc == 2 && strcmp(argv[1], "--racy-child") == 0)
        return racy_child();
    return ct_test_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
