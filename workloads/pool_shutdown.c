/*
 * pool_shutdown.c: pool/shutdown/<impl>/queued:<N>/drop:<D>/real_time/threads:1
 *
 * Graceful shutdown, the seeds' pattern: each iteration makes a pool (2
 * workers, a queue of N), submits N tasks of 1 us of calibrated work
 * (ct_work.h) and stops it with ct_pool_shutdown_deadline: drop:0 drains
 * with a deadline 10 s away (it must lose nothing), drop:1 stops at once
 * (CT_POOL_DROP: what is still queued is lost). Counters: stop_ns, the mean
 * time ct_pool_shutdown_deadline took (the pool's making and the submits
 * are not in it), and lost_per_stop, the mean tasks dropped; items are the
 * pools stopped.
 *
 * Verified after each stop, from a run count per task: none ran twice, the
 * tasks that never ran are exactly the dropped ones (dropped + ran == N),
 * and drop:0 dropped none. The first task is waited for before the others
 * are submitted, so even a stop that drops everything else has one task
 * the pool says it finished: a pool that finishes a task without running
 * it fails then too.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct_work.h"
#include "pool_common.h"

#define SHUT_WORKERS 2
#define SHUT_TASK_NS 1000
#define SHUT_DRAIN_DEADLINE_NS (10 * 1000000000LL)

static uint64_t shut_loops; /* set before the first pool starts */

/* arg: the task's run count; read after the shutdown's join */
static int shut_task(void *arg)
{
    _Atomic uint32_t *runs = arg;

    ct_work_spin(shut_loops);
    atomic_fetch_add_explicit(runs, 1, memory_order_relaxed); /* read after the join */
    return 0;
}

static void shut_thread(ct_bench_state *st)
{
    const ct_pool_ops *ops = ct_bench_user(st);
    const int64_t queued = ct_bench_arg(st, 0), drop = ct_bench_arg(st, 1);
    _Atomic uint32_t *runs = calloc((size_t)(queued > 0 ? queued : 1), sizeof *runs);
    uint64_t stops = 0, stop_ns = 0, lost = 0;
    bool failed = runs == NULL;

    if (!runs)
        ct_bench_error(st, "out of memory");
    shut_loops = ct_work_loops(SHUT_TASK_NS);

    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        if (failed)
            continue;
        ct_pool *p = ct_pool_new(ops->desc.name, &(ct_pool_params){.min_workers = SHUT_WORKERS,
                                                                   .max_workers = SHUT_WORKERS,
                                                                   .queue_cap = (size_t)queued});
        uint64_t submitted = 0, dropped, t0;
        int rc = 0;

        if (!p) {
            ct_bench_error(st, "ct_pool_new(%s): %s", ops->desc.name, strerror(errno));
            failed = true;
            continue;
        }
        for (int64_t k = 0; k < queued; k++) /* relaxed: no task runs yet */
            atomic_store_explicit(&runs[k], 0, memory_order_relaxed);
        for (int64_t k = 0; k < queued && rc == 0; k++) {
            if ((rc = ct_pool_submit(p, shut_task, &runs[k])) == 0)
                submitted++;
            if (k == 0 && rc == 0)
                ct_pool_wait(p); /* one task finished before the stop, dropped or not */
        }
        t0 = ct_now_ns();
        dropped = ct_pool_shutdown_deadline(p, drop ? -1 : (int64_t)t0 + SHUT_DRAIN_DEADLINE_NS,
                                            drop ? CT_POOL_DROP : CT_POOL_DRAIN);
        stop_ns += ct_now_ns() - t0;
        stops++;
        lost += dropped;
        uint64_t never = 0, twice = 0;
        for (uint64_t k = 0; k < submitted; k++) {
            /* relaxed: the shutdown joined every task's thread */
            uint32_t n = atomic_load_explicit(&runs[k], memory_order_relaxed);
            never += n == 0;
            twice += n > 1;
        }
        ct_pool_free(p);
        if (rc != 0) {
            ct_bench_error(st, "pool/shutdown/%s: a submit failed with %s", ops->desc.name,
                           ct_strstatus(rc));
            failed = true;
        } else if (twice || never != dropped) {
            /* a task that never ran but was not counted dropped, or ran twice */
            uint64_t bad = twice + (never > dropped ? never - dropped : dropped - never);
            ct_bench_error(st,
                           "pool/shutdown/%s: %llu of %llu tasks did not run exactly once (%llu "
                           "ran twice or more, %llu never ran, %llu reported dropped)",
                           ops->desc.name, (unsigned long long)bad, (unsigned long long)submitted,
                           (unsigned long long)twice, (unsigned long long)never,
                           (unsigned long long)dropped);
            failed = true;
        } else if (!drop && dropped) {
            ct_bench_error(st,
                           "pool/shutdown/%s: a drain with 10 s to spare dropped %llu of %llu "
                           "tasks",
                           ops->desc.name, (unsigned long long)dropped,
                           (unsigned long long)submitted);
            failed = true;
        }
    }
    free(runs);
    ct_bench_items(st, stops); /* items_per_second: pools stopped per second */
    if (stops) {
        ct_bench_counter(st, "stop_ns", (double)stop_ns / (double)stops, CT_COUNTER_TOTAL);
        ct_bench_counter(st, "lost_per_stop", (double)lost / (double)stops, CT_COUNTER_TOTAL);
    }
}

void ct__pool_shutdown_register(const ct_bench_config *cfg, const ct_pool_ops *ops)
{
    static const int one[] = {1};
    static const int64_t q_full[] = {16, 256, 1024}, q_dflt[] = {256}, q_quick[] = {64};
    static const int64_t modes[] = {0, 1};
    char name[96];
    ct_bench *b;

    snprintf(name, sizeof name, "pool/shutdown/%s", ops->desc.name);
    b = ct_bench_register(&(ct_bench_def){.name = name, .run = shut_thread, .user = (void *)ops});
    if (!b)
        ct_die("%s: out of memory registering it", name);
    ct_bench_param(b, "queued",
                   cfg->quick  ? q_quick
                   : cfg->full ? q_full
                               : q_dflt,
                   cfg->full ? 3 : 1);
    ct_bench_param(b, "drop", modes, 2);
    ct_bench_thread_counts(b, one, 1);
    ct_bench_time_budget(b, cfg->quick ? 0.1 : 0.2);
}
