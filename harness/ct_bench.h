/*
 * ct_bench.h: a C API over Google Benchmark.
 *
 * Google Benchmark has no C API; this is ours. A benchmark is registered from
 * C with a name, a function run by every thread, and optional per-run setup
 * and teardown run once, by thread 0, before the other threads start and
 * after they have all stopped:
 *
 *     static void *setup(ct_bench_state *st)           // thread 0, once per run
 *     { return make_shared_object(ct_bench_threads(st)); }
 *     static void run(ct_bench_state *st)               // every thread
 *     {
 *         my_obj *o = ct_bench_shared(st);
 *         CT_BENCH_LOOP(st, i) { op(o); }               // timed, plain C
 *         ct_bench_items(st, ct_bench_iterations(st));
 *     }
 *     static void teardown(ct_bench_state *st, void *o) // thread 0, all stopped
 *     { if (!verify(o)) ct_bench_error(st, "lost %d", ...); free(o); }
 *
 *     ct_bench *b = ct_bench_register(&(ct_bench_def){
 *         .name = "counter/incr/mutex", .run = run, .setup = setup,
 *         .teardown = teardown, .user = &ct_counter_mutex});
 *     ct_bench_param(b, "work", (int64_t[]){0, 100}, 2);
 *     int t[CT_SWEEP_MAX];                            // 1, 2, 4, ... cores, 2x, 4x
 *     ct_bench_thread_counts(b, t, ct_bench_sweep_threads(t, 1, 0));
 *
 * Names read <family>/<workload>/<impl>/<param>:<value>.../real_time/threads:N,
 * so --benchmark_filter and the report group them. Multithreaded runs use real
 * (wall-clock) time. Repetitions, aggregates, random interleaving and every
 * other --benchmark_* flag are Google Benchmark's own.
 *
 * The timed loop: CT_BENCH_LOOP hands out iterations in batches (by default
 * all of them in one), so the loop body is plain C with no call into C++ per
 * iteration. The batch size can be capped with ct_bench_batch_size() when a
 * benchmark pauses the timer between batches.
 *
 * Threading contract: setup happens-before every thread's run; every thread's
 * run (including what it writes after its loop) happens-before teardown.
 *
 * Time: a thread that finishes its loop waits for the others before its timer
 * stops, so the real time reported is the makespan of the whole run (Google
 * Benchmark alone would average the threads' own times, which flatters an
 * unfair design whose favoured threads finish first).
 */
#ifndef CT_BENCH_H
#define CT_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_bench ct_bench;             /* one registration */
typedef struct ct_bench_state ct_bench_state; /* one thread of one run */

typedef struct ct_bench_def {
    const char *name;                   /* family/workload/impl */
    void (*run)(ct_bench_state *st);    /* every thread */
    void *(*setup)(ct_bench_state *st); /* optional; thread 0 */
    /* optional; thread 0, after every run (even one whose setup failed),
     * with what setup returned: verify here, then free. */
    void (*teardown)(ct_bench_state *st, void *shared);
    /* optional; every thread, as its loop ends and before it waits for the
     * others (who may still be running): e.g. the first one snapshots how far
     * everyone has got, for a fairness figure. */
    void (*loop_done)(ct_bench_state *st, void *shared);
    void *user; /* ct_bench_user() */
} ct_bench_def;

/* ---- registration (before ct_bench_main runs them) ---- */

/* Copies def (and the name). Returns NULL only when out of memory. */
ct_bench *ct_bench_register(const ct_bench_def *def);
/* A swept parameter; the sweep is the cartesian product of all of them. */
void ct_bench_param(ct_bench *b, const char *name, const int64_t *values, size_t n);
/* Thread counts to run (default: 1). Oversubscription is allowed. */
void ct_bench_thread_counts(ct_bench *b, const int *counts, size_t n);
/* ---- thread counts that follow the machine ----
 *
 * The thread counts a workload sweeps, written into out (CT_SWEEP_MAX
 * entries); returns how many. By default 1, 2, 4, ... up to the core count
 * (the count itself included), then 2x and 4x it, the oversubscribed region:
 * {1, 2, 4, 8} on 2 cores, {1, 2, 4, 8, 16, 32, 64} on 16. CT_SWEEP_QUICK:
 * the first and the last only; CT_SWEEP_SPARSE: without the 2x point. A list
 * given to ct_bench_sweep_init (make bench THREADS=1,3,16) replaces all of
 * these. min: the fewest threads the workload's shape needs; smaller counts
 * become min (duplicates dropped). The core count is CT_NCPU=<n> when set
 * (to see what another machine's sweep would be), else the online CPUs. */
#define CT_SWEEP_MAX 64
enum { CT_SWEEP_QUICK = 1 << 0, CT_SWEEP_SPARSE = 1 << 1 };
size_t ct_bench_sweep_threads(int *out, int min, unsigned flags);
/* The counts of one role a workload sweeps (a channel's producers, a
 * fan-out's workers, select_both's pairs), written into out (CT_SWEEP_MAX
 * entries); returns how many. By default the core count divided by divisor,
 * then twice the core count divided by divisor (the oversubscribed point):
 * producers {2, 4} on 2 cores, {16, 32} on 16 (divisor 1); pairs {1, 2} and
 * {8, 16} (divisor 2). CT_SWEEP_QUICK: the first only. The caller turns a
 * role count into threads (producers + 1 consumer, 2 x pairs). A list given
 * to ct_bench_sweep_init replaces these, each value a count of the role;
 * counts below min become min (duplicates dropped). */
size_t ct_bench_sweep_role(int *out, int min, int divisor, unsigned flags);
/* The core count the sweep follows (CT_NCPU or the online CPUs). */
int ct_bench_ncpu(void);
/* Reads CT_NCPU and threads ("1,3,16", or NULL for the default sweep), and
 * records both in the JSON context (ct_ncpu, ct_threads). On a bad value
 * prints one line to stderr and returns false. Called before registering;
 * ct_bench_sweep_threads calls it with NULL if nobody has (and exits with
 * status 2 on a bad CT_NCPU). */
bool ct_bench_sweep_init(const char *threads);
/* Measure CPU time instead of real time (real time is the default). */
void ct_bench_cpu_time(ct_bench *b);
/* Fix the iteration count instead of letting Google Benchmark pick it. */
void ct_bench_fixed_iterations(ct_bench *b, uint64_t iters);
/* Cut a run short once it has run this long: the remaining iterations are
 * skipped (so count items yourself: what was done, not what was asked), and
 * the counter budget_hit says how many threads were cut. For designs that can
 * collapse by orders of magnitude (a FIFO spin lock with more threads than
 * cores), whose iteration count, estimated from a lucky fast trial, would
 * otherwise take hours. Checked at batch boundaries: batches adapt to about
 * 100 us each, so the clock is read rarely for fast operations. */
void ct_bench_time_budget(ct_bench *b, double seconds);

/* ---- inside a run ---- */

int ct_bench_thread_index(const ct_bench_state *st);
int ct_bench_threads(const ct_bench_state *st);
int64_t ct_bench_arg(const ct_bench_state *st, size_t i); /* i-th param, in ct_bench_param order */
void *ct_bench_user(const ct_bench_state *st);
void *ct_bench_shared(const ct_bench_state *st); /* what setup returned */
/* Iterations this thread runs in this run (known before the loop starts). */
uint64_t ct_bench_iterations(const ct_bench_state *st);

/* Cap how many iterations one batch hands out (0: no cap). */
void ct_bench_batch_size(ct_bench_state *st, uint64_t n);
/* The next batch: starts the timer on the first call, returns 0 (and stops
 * the timer) when the run is over. Use CT_BENCH_LOOP rather than this. */
uint64_t ct_bench_next_batch(ct_bench_state *st);

/* Every thread must run its loop to the end (Google Benchmark requires it):
 * do not break out of it. Do not nest two CT_BENCH_LOOPs. */
#define CT_BENCH_LOOP(st, i)                                                                       \
    for (uint64_t ct__n_; (ct__n_ = ct_bench_next_batch(st)) != 0;)                                \
        for (uint64_t i = 0; i < ct__n_; i++)

void ct_bench_pause(ct_bench_state *st); /* exclude what follows from the time */
void ct_bench_resume(ct_bench_state *st);

/* Nanoseconds of busy work this run's competitor must add per operation:
 * CT_INJECT_NS=<regex>:<ns> (unset by default) names the runs to slow down,
 * so a comparison can be shown to catch a known regression. ns may be a
 * fraction (0.5): the work is ct_work_spin(ct_work_loops(ns)), a calibrated
 * loop, so it goes below one clock read. A workload that supports it calls
 * this in setup and wraps its competitor's operations when it is > 0, so the
 * timed loops of every other run are untouched. 0 when unset
 * or when this run's name does not match. A matching run whose setup does not
 * call it fails ("does not support injection"): no slowdown passes unnoticed. */
double ct_bench_inject_ns(const ct_bench_state *st);

/* Items (operations) this thread processed: gives items_per_second. */
void ct_bench_items(ct_bench_state *st, uint64_t n);

enum {
    CT_COUNTER_TOTAL = 0,            /* summed over threads, shown as is */
    CT_COUNTER_RATE = 1 << 0,        /* divided by the run's (real) time */
    CT_COUNTER_AVG_THREADS = 1 << 1, /* divided by the thread count */
    CT_COUNTER_PER_ITER = 1 << 2     /* divided by the iterations */
};
/* A custom counter; the value is summed over the threads that set it. */
void ct_bench_counter(ct_bench_state *st, const char *name, double value, int flags);
void ct_bench_label(ct_bench_state *st, const char *label);

/* The run failed (e.g. verification): reported by Google Benchmark as an
 * error, printed to stderr, and ct_bench_main returns non-zero. */
void ct_bench_error(ct_bench_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The run does not apply (e.g. a capability is missing): reported as an error
 * whose message starts with "skipped: ", and not counted as a failure. */
void ct_bench_skip(ct_bench_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool ct_bench_failed(const ct_bench_state *st);
/* The time budget cut this thread's loop short. */
bool ct_bench_truncated(const ct_bench_state *st);

/* ---- running ---- */

/* Add key=value to the JSON "context" block. */
void ct_bench_context(const char *key, const char *value);
/* Initialize from argv (Google Benchmark's flags; unknown flags are an error),
 * run what matches --benchmark_filter, and return 0, 1 when a run reported an
 * error, or 2 for bad flags. Prints progress (i of n, elapsed) to stderr. */
int ct_bench_main(int argc, char **argv);
/* Number of registered benchmark instances matching filter (regex, a
 * leading '-' negates), counting every param and thread combination. */
size_t ct_bench_count(const char *filter);

/* Registers harness/empty/{c_api,native}: the same empty loop through this
 * API and written natively in C++, to measure what the wrapper costs. */
void ct_bench_register_overhead(void);

#ifdef __cplusplus
}
#endif
#endif /* CT_BENCH_H */
