/*
 * test_harness_bench.c: a benchmark binary written against ct_bench.h only,
 * for tests/test_harness.py to run and inspect. Every benchmark checks the
 * API's contract itself and reports a violation with ct_bench_error, which
 * makes the binary exit 1; the Python side checks names, counters and exit
 * codes in the JSON.
 *
 *   test/visits/<impl>/n:<n>/real_time/threads:<T>  setup once per run, shared
 *       by all threads, teardown after all: counts visits and iterations
 *   test/batch/capped/real_time/threads:<T>          batches never exceed the cap
 *   test/skip/always/real_time/threads:2             skipped from setup
 *   test/budget/slow/iterations:100000/real_time/threads:2
 *       100 us per iteration, 10 s asked, cut by a 50 ms time budget
 *   test/fail/always/real_time/threads:2             fails in teardown (--fail only)
 *   test/fail/early/real_time/threads:4              thread 1 fails before its
 *       loop starts; must not deadlock the others (--fail only)
 */
#include "ct_bench.h"
#include "ct_common.h"
#include "ct_perf.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct visits {
    _Atomic int visits;          /* threads that ran */
    _Atomic uint64_t iterations; /* iterations they ran, summed */
    int64_t n;
} visits;

static _Atomic int setups_in_flight; /* > 1 would mean two runs overlap */

static void *visits_setup(ct_bench_state *st)
{
    /* relaxed: only a counter of overlapping runs, checked by this thread */
    if (atomic_fetch_add_explicit(&setups_in_flight, 1, memory_order_relaxed) != 0)
        ct_bench_error(st, "setup ran while another run was in flight");
    visits *v = calloc(1, sizeof *v);
    if (!v) {
        ct_bench_error(st, "out of memory");
        return NULL;
    }
    v->n = ct_bench_arg(st, 0);
    return v;
}

static void visits_run(ct_bench_state *st)
{
    visits *v = ct_bench_shared(st);
    uint64_t sum = 0;
    if (!v || v->n != ct_bench_arg(st, 0)) {
        ct_bench_error(st, "thread %d did not see setup's object", ct_bench_thread_index(st));
    }
    CT_BENCH_LOOP(st, i)
    {
        sum += i & 1;
        __asm__ __volatile__("" : "+r"(sum));
    }
    (void)sum;
    if (v) {
        /* relaxed: teardown reads after the harness's barrier */
        atomic_fetch_add_explicit(&v->visits, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&v->iterations, ct_bench_iterations(st), memory_order_relaxed);
    }
    ct_bench_items(st, ct_bench_iterations(st));
    ct_bench_counter(st, "per_thread_one", 1.0, CT_COUNTER_TOTAL);
    ct_bench_counter(st, "ops_rate", (double)ct_bench_iterations(st), CT_COUNTER_RATE);
}

static void visits_teardown(ct_bench_state *st, void *shared)
{
    visits *v = shared;
    atomic_fetch_sub_explicit(&setups_in_flight, 1, memory_order_relaxed);
    if (!v)
        return;
    int seen = atomic_load_explicit(&v->visits, memory_order_relaxed);
    if (seen != ct_bench_threads(st))
        ct_bench_error(st, "teardown saw %d of %d threads", seen, ct_bench_threads(st));
    uint64_t iters = atomic_load_explicit(&v->iterations, memory_order_relaxed);
    if (iters != ct_bench_iterations(st) * (uint64_t)ct_bench_threads(st))
        ct_bench_error(st, "iterations: %llu, expected %llu x %d", (unsigned long long)iters,
                       (unsigned long long)ct_bench_iterations(st), ct_bench_threads(st));
    ct_bench_counter(st, "teardown_threads", seen, CT_COUNTER_TOTAL);
    ct_bench_counter(st, "n_seen", (double)v->n, CT_COUNTER_TOTAL);
    ct_bench_label(st, "verified");
    free(v);
}

enum { BATCH_CAP = 7 };

static void batch_run(ct_bench_state *st)
{
    uint64_t total = 0, n;
    ct_bench_batch_size(st, BATCH_CAP);
    while ((n = ct_bench_next_batch(st)) != 0) {
        if (n > BATCH_CAP)
            ct_bench_error(st, "batch of %llu > cap", (unsigned long long)n);
        ct_bench_pause(st); /* exercised; not measured */
        ct_bench_resume(st);
        total += n;
    }
    if (total != ct_bench_iterations(st))
        ct_bench_error(st, "batches summed to %llu, not %llu", (unsigned long long)total,
                       (unsigned long long)ct_bench_iterations(st));
    ct_bench_items(st, total);
}

static void *skip_setup(ct_bench_state *st)
{
    ct_bench_skip(st, "not applicable here");
    return NULL;
}

static void never_run(ct_bench_state *st)
{
    ct_bench_error(st, "run() called after setup skipped");
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
    }
}

static void fail_teardown(ct_bench_state *st, void *shared)
{
    (void)shared;
    ct_bench_error(st, "deliberate verification failure");
}

static void plain_run(ct_bench_state *st)
{
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
    }
}

static void early_fail_run(ct_bench_state *st)
{
    if (ct_bench_thread_index(st) == 1)
        ct_bench_error(st, "thread 1 fails before its loop");
    if (ct_bench_thread_index(st) == 1 && !ct_bench_failed(st))
        fprintf(stderr, "ct_bench_failed() is false after ct_bench_error\n");
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
    }
}

static void slow_run(ct_bench_state *st)
{
    uint64_t done = 0;
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        int64_t until = ct_now_ns() + 100000;
        while (ct_now_ns() < until) {}
        done++;
    }
    if (!ct_bench_truncated(st) || done >= ct_bench_iterations(st))
        ct_bench_error(st, "the budget did not cut the run (%llu done)", (unsigned long long)done);
    ct_bench_items(st, done);
}

int main(int argc, char **argv)
{
    int fail = 0, out = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--fail") == 0)
            fail = 1;
        else
            argv[out++] = argv[i];
    }
    argv[out] = NULL;

    static const int64_t ns[] = {1, 3};
    static const int threads[] = {1, 2, 4};
    for (int k = 0; k < 2; k++) {
        ct_bench *b =
            ct_bench_register(&(ct_bench_def){.name = k ? "test/visits/beta" : "test/visits/alpha",
                                              .run = visits_run,
                                              .setup = visits_setup,
                                              .teardown = visits_teardown});
        ct_bench_param(b, "n", ns, 2);
        ct_bench_thread_counts(b, threads, 3);
    }
    ct_bench *b = ct_bench_register(&(ct_bench_def){.name = "test/batch/capped", .run = batch_run});
    ct_bench_thread_counts(b, threads, 2);
    b = ct_bench_register(
        &(ct_bench_def){.name = "test/skip/always", .run = never_run, .setup = skip_setup});
    ct_bench_thread_counts(b, (const int[]){2}, 1);
    b = ct_bench_register(&(ct_bench_def){.name = "test/budget/slow", .run = slow_run});
    ct_bench_thread_counts(b, (const int[]){2}, 1);
    ct_bench_fixed_iterations(b, 100000);
    ct_bench_time_budget(b, 0.05);
    if (fail) {
        b = ct_bench_register(&(ct_bench_def){.name = "test/fail/early", .run = early_fail_run});
        ct_bench_thread_counts(b, (const int[]){4}, 1);
        b = ct_bench_register(&(ct_bench_def){
            .name = "test/fail/always", .run = plain_run, .teardown = fail_teardown});
        ct_bench_thread_counts(b, (const int[]){2}, 1);
    }
    ct_bench_context("ct_test", "harness");
    ct_bench_context("ct_perf", ct_perf_status()); /* what perf_threads is checked against */
    return ct_bench_main(out, argv);
}
