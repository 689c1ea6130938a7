/*
 * counter_incr.c: the increment workload, run over every counter competitor.
 *
 *   counter/incr/<impl>/work:<ns>/reads:<pct>/real_time/threads:<T>
 *
 * Each of T threads runs its share of operations: an add of 1, or (reads% of
 * the time, spread evenly) a read; then `work` ns of calibrated busy work
 * outside the counter. Verified after every run, outside the timed region:
 * the counter's total equals the adds the threads made (every competitor with
 * CT_CAP_EXACT), or the shortfall is reported as lost_updates (`racy`).
 *
 * Fairness: each thread publishes how many operations it has done; the first
 * thread to finish snapshots everyone's count (the loop_done hook). The coefficient of variation of
 * that snapshot is `fairness_cv` (0: all threads progressed equally; an unfair
 * lock lets one thread run ahead while the others wait).
 *
 * CT_INJECT_NS (ct_bench.h): a matching run's counter gets a copy of its ops
 * table whose add and read run calibrated busy work first, so the regression gate can be shown to
 * catch a known slowdown; every other run keeps the competitor's own table.
 */
#include "counter.h"
#include "ct_bench.h"
#include "ct_common.h"
#include "ct_stats.h"
#include "ct_work.h"
#include "workloads.h"

#include <stdatomic.h>
#include <stdio.h>

/* One thread's figures, on its own line so publishing progress is local. */
typedef struct incr_slot {
    _Atomic uint64_t done CT_CACHE_ALIGNED; /* ops so far; read by the snapshotter */
    uint64_t adds;                          /* written by the owner after its loop */
    uint64_t sink;                          /* what the reads returned, summed */
} incr_slot;

/* CT_INJECT_NS (ct_bench.h): the competitor's table, its add and read
 * wrapped to run calibrated busy work first, so only a matching run's hot
 * path changes. A counted loop, not a spin on the clock: one clock read costs
 * more than the smallest slowdowns the gate is asked to catch, and the loop
 * slows down with the host as the operation it is added to does. */
typedef struct incr_inject {
    ct_counter_ops ops; /* first: the counter's ops pointer points here */
    const ct_counter_ops *inner;
    uint64_t loops;
} incr_inject;

static const incr_inject *inject_of(const ct_counter *c)
{
    return (const incr_inject *)c->ops;
}
static void inject_add(ct_counter *c, unsigned tid, uint64_t delta)
{
    ct_work_spin(inject_of(c)->loops);
    inject_of(c)->inner->add(c, tid, delta);
}
static uint64_t inject_read(ct_counter *c, unsigned tid)
{
    ct_work_spin(inject_of(c)->loops);
    return inject_of(c)->inner->read(c, tid);
}
static void inject_destroy(ct_counter *c)
{
    c->ops = inject_of(c)->inner; /* the design frees what it allocated */
    ct_counter_free(c);
}

typedef struct incr_run {
    const ct_counter_ops *ops;
    incr_inject inject;
    ct_counter *counter;
    uint64_t work_loops;
    unsigned read_pct;
    int threads;
    _Atomic int snapshot_taken CT_CACHE_ALIGNED; /* the first finisher wins it */
    uint64_t *snapshot;                          /* written by that thread only */
    incr_slot *slots;
} incr_run;

static void incr_free(incr_run *r)
{
    if (!r)
        return;
    ct_counter_free(r->counter);
    ct_free_aligned(r->snapshot);
    ct_free_aligned(r->slots);
    ct_free_aligned(r);
}

static void *incr_setup(ct_bench_state *st)
{
    const ct_counter_ops *ops = ct_bench_user(st);
    int64_t work = ct_bench_arg(st, 0), reads = ct_bench_arg(st, 1);
    if (work < 0 || reads < 0 || reads > 100) {
        ct_bench_error(st, "bad parameters work:%lld reads:%lld", (long long)work,
                       (long long)reads);
        return NULL;
    }
    incr_run *r = ct_alloc_aligned(sizeof *r);
    if (!r)
        goto oom;
    r->ops = ops;
    r->threads = ct_bench_threads(st);
    r->work_loops = ct_work_loops((uint64_t)work);
    r->read_pct = (unsigned)reads;
    /* ct_alloc_aligned zeroes, which pre-faults the pages before timing. */
    r->slots = ct_alloc_aligned(sizeof *r->slots * (size_t)r->threads);
    r->snapshot = ct_alloc_aligned(sizeof *r->snapshot * (size_t)r->threads);
    r->counter = ct_counter_new(ops->desc.name, (unsigned)r->threads);
    if (!r->slots || !r->snapshot || !r->counter)
        goto oom;
    double inject_ns = ct_bench_inject_ns(st);
    if (inject_ns > 0) {
        r->inject.ops = *ops;
        r->inject.ops.add = inject_add;
        r->inject.ops.read = inject_read;
        r->inject.ops.destroy = inject_destroy;
        r->inject.inner = ops;
        r->inject.loops = ct_work_loops(inject_ns);
        r->counter->ops = &r->inject.ops;
    }
    return r;
oom:
    ct_bench_error(st, "out of memory creating %s", ops->desc.name);
    incr_free(r);
    return NULL;
}

static void incr_run_thread(ct_bench_state *st)
{
    incr_run *r = ct_bench_shared(st);
    ct_counter *c = r->counter;
    const unsigned tid = (unsigned)ct_bench_thread_index(st);
    const unsigned read_pct = r->read_pct;
    const uint64_t work = r->work_loops;
    incr_slot *me = &r->slots[tid];
    uint64_t adds = 0, sink = 0, done = 0;
    unsigned acc = 0;

    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        acc += read_pct; /* Bresenham: exactly read_pct reads per 100 ops */
        if (acc >= 100) {
            acc -= 100;
            sink += ct_counter_read(c, tid);
        } else {
            ct_counter_add(c, tid, 1);
            adds++;
        }
        if (work)
            ct_work_spin(work);
        /* relaxed: a progress figure only; the snapshot needs no ordering */
        atomic_store_explicit(&me->done, ++done, memory_order_relaxed);
    }

    me->adds = adds;
    me->sink = sink;
    ct_bench_items(st, done);
}

/* The first thread done records how far every thread had got (the others are
 * still running: the harness calls this before its end barrier). */
static void incr_loop_done(ct_bench_state *st, void *shared)
{
    incr_run *r = shared;
    int expected = 0;
    (void)st;
    /* relaxed: only elects the snapshotter; teardown reads after the barrier */
    if (atomic_compare_exchange_strong_explicit(&r->snapshot_taken, &expected, 1,
                                                memory_order_relaxed, memory_order_relaxed)) {
        for (int t = 0; t < r->threads; t++)
            /* relaxed: pairs with the owners' relaxed progress stores */
            r->snapshot[t] = atomic_load_explicit(&r->slots[t].done, memory_order_relaxed);
    }
}

static void incr_teardown(ct_bench_state *st, void *shared)
{
    incr_run *r = shared;
    if (!r)
        return;
    uint64_t expected = 0, ops_done = 0, iters = ct_bench_iterations(st);
    for (int t = 0; t < r->threads; t++) {
        expected += r->slots[t].adds;
        /* relaxed: the run's barrier already ordered the final store */
        ops_done += atomic_load_explicit(&r->slots[t].done, memory_order_relaxed);
    }
    uint64_t total = ct_counter_read(r->counter, 0);

    /* Fewer only when the time budget cut the run (budget_hit > 0). */
    if (ops_done > iters * (uint64_t)r->threads)
        ct_bench_error(st, "%s: %llu operations done, more than the %llu asked", r->ops->desc.name,
                       (unsigned long long)ops_done,
                       (unsigned long long)(iters * (uint64_t)r->threads));
    else if (r->ops->desc.caps & CT_CAP_EXACT) {
        if (total != expected)
            ct_bench_error(st, "%s: counter reads %llu after %llu adds (%lld lost)",
                           r->ops->desc.name, (unsigned long long)total,
                           (unsigned long long)expected, (long long)(expected - total));
    } else {
        /* A racy counter can only lose adds: a stale store overwrites newer ones. */
        uint64_t lost = expected > total ? expected - total : 0;
        ct_bench_counter(st, "lost_updates", (double)lost, CT_COUNTER_TOTAL);
        char label[96];
        snprintf(label, sizeof label, "lost %llu of %llu adds (%.2f%%)", (unsigned long long)lost,
                 (unsigned long long)expected,
                 expected ? 100.0 * (double)lost / (double)expected : 0.0);
        ct_bench_label(st, label);
    }
    ct_bench_counter(st, "fairness_cv", ct_stats_cv_u64(r->snapshot, (size_t)r->threads),
                     CT_COUNTER_TOTAL);
    incr_free(r);
}

void ct_workload_counter_register(const ct_bench_config *cfg)
{
    int threads[CT_SWEEP_MAX];
    const size_t nt = ct_bench_sweep_threads(threads, 1, 0);
    static const int64_t work_full[] = {0, 100}, work_quick[] = {0};
    /* reads:90 (a read-mostly mix) only with FULL: the rwlock and map
     * families answer the read-mostly question; the default keeps the
     * counter's own (adds, with and without work around them) */
    static const int64_t reads_full[] = {0, 90}, reads_0[] = {0};
    char name[96];

    ct_work_calibrate(); /* once, before any benchmark thread starts */
    for (const ct_counter_ops *const *ops = ct_counter_impls(); *ops; ops++) {
        snprintf(name, sizeof name, "counter/incr/%s", (*ops)->desc.name);
        ct_bench *b = ct_bench_register(&(ct_bench_def){.name = name,
                                                        .run = incr_run_thread,
                                                        .setup = incr_setup,
                                                        .teardown = incr_teardown,
                                                        .loop_done = incr_loop_done,
                                                        .user = (void *)*ops});
        ct_bench_param(b, "work", cfg->quick ? work_quick : work_full, cfg->quick ? 1 : 2);
        ct_bench_param(b, "reads", cfg->full ? reads_full : reads_0, cfg->full ? 2 : 1);
        ct_bench_thread_counts(b, threads, nt);
        /* A FIFO spin lock with more threads than cores hands the lock to
         * descheduled waiters: 10^4 times slower, so bound it. */
        ct_bench_time_budget(b, cfg->full ? 0.5 : 0.1);
    }
}
