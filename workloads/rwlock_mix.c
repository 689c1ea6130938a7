/*
 * rwlock_mix.c: the read-mostly workload, run over every rwlock competitor.
 *
 *   rwlock/mix/<impl>/reads:<pct>/cs_ns:<ns>/real_time/threads:<T>
 *
 * Each of T threads runs a fixed number of operations: a read of the record
 * (reads% of them, spread evenly) or a write, each holding its critical
 * section for cs_ns of calibrated busy work (a reader on its snapshot, a
 * writer on the record it updates). A write adds 1 to every word of the
 * record, so a consistent record has all its words equal.
 *
 * Counters: items_per_second (reads and writes), writer_max_wait_us (the
 * longest write, from the call to its return, over every thread: how long a
 * writer can be held back; 0 with no writes), reads_torn (must be 0).
 *
 * Verified after every run, outside the timed region: every snapshot had
 * all words equal (checked by the reader right after the read, counted, and
 * an error if any), no thread's snapshots went back in time, none exceeded
 * the writes made, and the final record equals the number of writes in
 * every word.
 *
 * The iteration count is fixed and the run is bounded in time, so the sweep
 * stays small: an operation costs from tens of ns to a grace period
 * (rcu_sync's writers wait for one each).
 */
#include "ct_bench.h"
#include "ct_common.h"
#include "ct_work.h"
#include "rwlock.h"
#include "workloads.h"

#include <stdio.h>

#define OPS_PER_THREAD 2000u

typedef struct mix_slot {
    uint64_t writes CT_CACHE_ALIGNED; /* written by the owner, read in teardown */
    uint64_t torn;                    /* snapshots whose words differed */
    uint64_t back;                    /* snapshots older than one it saw before */
    uint64_t max_seen;                /* the newest value it read or wrote */
    int64_t max_wait_ns;              /* its longest write */
} mix_slot;

typedef struct mix_run {
    const ct_rwlock_ops *ops;
    ct_rwlock *lock;
    uint64_t cs_loops;
    unsigned read_pct;
    int threads;
    mix_slot *slots;
} mix_run;

static void mix_free(mix_run *r)
{
    if (!r)
        return;
    ct_rwlock_free(r->lock);
    ct_free_aligned(r->slots);
    ct_free_aligned(r);
}

/* The critical section's busy work, for readers and writers alike. */
static void spin_inside(ct_rwlock_rec *rec, void *arg)
{
    (void)rec;
    ct_work_spin(*(const uint64_t *)arg);
}

static void bump(ct_rwlock_rec *rec, void *arg)
{
    for (int i = 0; i < CT_RWLOCK_WORDS; i++)
        rec->w[i]++;
    ct_work_spin(*(const uint64_t *)arg);
}

static void *mix_setup(ct_bench_state *st)
{
    const ct_rwlock_ops *ops = ct_bench_user(st);
    int64_t reads = ct_bench_arg(st, 0), cs = ct_bench_arg(st, 1);
    mix_run *r;

    if (reads < 0 || reads > 100 || cs < 0) {
        ct_bench_error(st, "bad parameters reads:%lld cs_ns:%lld", (long long)reads, (long long)cs);
        return NULL;
    }
    if (ops->desc.unavailable) {
        ct_bench_skip(st, "%s", ops->desc.unavailable);
        return NULL;
    }
    r = ct_alloc_aligned(sizeof *r);
    if (!r)
        goto oom;
    r->ops = ops;
    r->threads = ct_bench_threads(st);
    r->read_pct = (unsigned)reads;
    r->cs_loops = ct_work_loops((uint64_t)cs);
    r->slots = ct_alloc_aligned(sizeof *r->slots * (size_t)r->threads);
    r->lock = ct_rwlock_new(ops->desc.name, (unsigned)r->threads);
    if (!r->slots || !r->lock)
        goto oom;
    return r;
oom:
    ct_bench_error(st, "out of memory creating %s", ops->desc.name);
    mix_free(r);
    return NULL;
}

static void mix_run_thread(ct_bench_state *st)
{
    mix_run *r = ct_bench_shared(st);
    const unsigned tid = (unsigned)ct_bench_thread_index(st);
    const unsigned read_pct = r ? r->read_pct : 0;
    mix_slot *me = r ? &r->slots[tid] : NULL;
    ct_rwlock_fn inside = r && r->cs_loops ? spin_inside : NULL;
    uint64_t done = 0, writes = 0, torn = 0, back = 0, seen = 0;
    int64_t max_wait = 0;
    unsigned acc = 0;

    if (r) {
        /* One read before the timer starts (Google Benchmark's start barrier
         * comes with the first batch): a design's per-thread setup (RCU's
         * registration with liburcu, which waits out a grace period in
         * progress) is paid outside the timed loop. */
        ct_rwlock_rec warm;

        ct_rwlock_read(r->lock, tid, &warm, NULL, NULL);
    }
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        if (!r)
            continue;    /* setup failed or skipped: run the loop out */
        acc += read_pct; /* Bresenham: exactly read_pct reads per 100 ops */
        if (acc >= 100) {
            ct_rwlock_rec snap;

            acc -= 100;
            ct_rwlock_read(r->lock, tid, &snap, inside, &r->cs_loops);
            for (int w = 1; w < CT_RWLOCK_WORDS; w++)
                torn += snap.w[w] != snap.w[0];
            back += snap.w[0] < seen;
            if (snap.w[0] > seen)
                seen = snap.w[0];
        } else {
            int64_t t0 = ct_now_ns(), waited;

            ct_rwlock_write(r->lock, tid, bump, &r->cs_loops);
            waited = ct_now_ns() - t0;
            if (waited > max_wait)
                max_wait = waited;
            writes++;
        }
        done++;
    }
    if (me) {
        me->writes = writes;
        me->torn = torn;
        me->back = back;
        me->max_seen = seen;
        me->max_wait_ns = max_wait;
    }
    ct_bench_items(st, done);
}

static void mix_teardown(ct_bench_state *st, void *shared)
{
    mix_run *r = shared;
    uint64_t writes = 0, torn = 0, back = 0, newest = 0;
    int64_t max_wait = 0;
    ct_rwlock_rec final;
    const char *name;

    if (!r)
        return;
    name = r->ops->desc.name;
    for (int t = 0; t < r->threads; t++) {
        const mix_slot *s = &r->slots[t];

        writes += s->writes;
        torn += s->torn;
        back += s->back;
        if (s->max_seen > newest)
            newest = s->max_seen;
        if (s->max_wait_ns > max_wait)
            max_wait = s->max_wait_ns;
    }
    ct_rwlock_read(r->lock, 0, &final, NULL, NULL);
    if (torn)
        ct_bench_error(st, "%s: %llu torn snapshots (words of different writes)", name,
                       (unsigned long long)torn);
    else if (back)
        ct_bench_error(st, "%s: %llu snapshots older than one the same thread saw before", name,
                       (unsigned long long)back);
    else if (newest > writes)
        ct_bench_error(st, "%s: a snapshot read %llu, but only %llu writes were made", name,
                       (unsigned long long)newest, (unsigned long long)writes);
    else
        for (int w = 0; w < CT_RWLOCK_WORDS; w++)
            if (final.w[w] != writes) {
                ct_bench_error(st, "%s: word %d of the final record is %llu after %llu writes",
                               name, w, (unsigned long long) final.w[w],
                               (unsigned long long)writes);
                break;
            }
    ct_bench_counter(st, "reads_torn", (double)torn, CT_COUNTER_TOTAL);
    ct_bench_counter(st, "writer_max_wait_us", (double)max_wait / 1e3, CT_COUNTER_TOTAL);
    mix_free(r);
}

void ct_workload_rwlock_register(const ct_bench_config *cfg)
{
    /* 1 (uncontended) up to the cores, then 4x them (oversubscribed): the
     * 2x point adds little, and the family's share of make bench is small */
    int threads[CT_SWEEP_MAX];
    const size_t nt =
        ct_bench_sweep_threads(threads, 1, cfg->quick ? CT_SWEEP_QUICK : CT_SWEEP_SPARSE);
    static const int64_t reads_full[] = {50, 90, 99, 100}, reads_quick[] = {50, 99};
    static const int64_t cs_full[] = {0, 100, 1000}, cs_quick[] = {0};
    char name[96];

    ct_work_calibrate(); /* once, before any benchmark thread starts */
    for (const ct_rwlock_ops *const *ops = ct_rwlock_impls(); *ops; ops++) {
        snprintf(name, sizeof name, "rwlock/mix/%s", (*ops)->desc.name);
        ct_bench *b = ct_bench_register(&(ct_bench_def){.name = name,
                                                        .run = mix_run_thread,
                                                        .setup = mix_setup,
                                                        .teardown = mix_teardown,
                                                        .user = (void *)*ops});
        if (cfg->quick) {
            ct_bench_param(b, "reads", reads_quick, 2);
            ct_bench_param(b, "cs_ns", cs_quick, 1);
            ct_bench_thread_counts(b, threads, nt);
        } else {
            ct_bench_param(b, "reads", reads_full, 4);
            ct_bench_param(b, "cs_ns", cs_full, 3);
            ct_bench_thread_counts(b, threads, nt);
        }
        /* A fixed count keeps Google Benchmark from growing the run to
         * min_time for each of the sweep's cells; the budget bounds the
         * slow cells (grace periods, spinning seqlock readers
         * oversubscribed). */
        ct_bench_fixed_iterations(b, OPS_PER_THREAD);
        ct_bench_time_budget(b, 0.05);
    }
}
