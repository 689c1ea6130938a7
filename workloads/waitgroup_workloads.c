/*
 * waitgroup_workloads.c: the WaitGroup family's workload, registered for
 * every WaitGroup of waitgroup_list.h:
 *
 *   waitgroup/forkjoin/<impl>/real_time/threads:<T>
 *       fork-join rounds of T - 1 tasks: bench thread 0 forks (add(T - 1),
 *       then starts the round), threads 1..T-1 are the tasks (each marks
 *       the round as its own, then done), and thread 0 waits; one iteration
 *       is one round. The round is started through an epoch word the tasks
 *       spin on briefly, then sleep on (the same for every design).
 *
 * Verified outside the timed region: after each wait returned, every task
 * had marked that round (thread 0 reads the marks after the wait; a stale
 * one counts as an early return), and the run had as many rounds as asked.
 */
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "ct_bench.h"
#include "ct_futex.h"
#include "waitgroup.h"
#include "workloads.h"

#define EPOCH_SPINS 100

typedef struct fj_task {
    uint64_t round CT_CACHE_ALIGNED; /* the last round this task finished: plain, the
                                        WaitGroup orders it before the wait returns */
} fj_task;

typedef struct fj_run {
    const ct_waitgroup_ops *ops;
    ct_waitgroup *wg;
    unsigned tasks;
    fj_task *task;
    _Atomic uint32_t epoch CT_CACHE_ALIGNED; /* the round started (low 32 bits) */
    _Atomic uint32_t sleepers;               /* tasks asleep on epoch */
    uint64_t early;                          /* rounds whose wait returned too soon */
    uint64_t rounds;
} fj_run;

static void fj_free(fj_run *r)
{
    if (!r)
        return;
    ct_waitgroup_free(r->wg);
    ct_free_aligned(r->task);
    ct_free_aligned(r);
}

static void *fj_setup(ct_bench_state *st)
{
    const ct_waitgroup_ops *ops = ct_bench_user(st);
    int threads = ct_bench_threads(st);
    fj_run *r;

    if (threads < 2) {
        ct_bench_error(st, "forkjoin needs 2 threads or more (one forks, the others are tasks)");
        return NULL;
    }
    r = ct_alloc_aligned(sizeof *r);
    if (!r || !(r->task = ct_alloc_aligned(sizeof *r->task * (size_t)threads)) ||
        !(r->wg = ct_waitgroup_new(ops->desc.name, (unsigned)threads - 1))) {
        ct_bench_error(st, "%s: cannot create: %s", ops->desc.name, strerror(errno));
        fj_free(r);
        return NULL;
    }
    r->ops = ops;
    r->tasks = (unsigned)threads - 1;
    return r;
}

/* A task: wait until round `round` has started (spin, then sleep). */
static void fj_await(fj_run *r, uint32_t round)
{
    for (unsigned k = 0; k < EPOCH_SPINS; k++) {
        /* acquire: pairs with the forker's store of the epoch (its add first) */
        if (atomic_load_explicit(&r->epoch, memory_order_acquire) == round)
            return;
        ct_cpu_relax();
    }
    /* seq_cst: the sleeper's side of the Dekker pair with fj_start */
    atomic_fetch_add_explicit(&r->sleepers, 1, memory_order_seq_cst);
    for (uint32_t e; (e = atomic_load_explicit(&r->epoch, memory_order_seq_cst)) != round;)
        (void)ct_futex_wait(&r->epoch, e, -1);
    /* relaxed: only the forker's wake decision reads it */
    atomic_fetch_sub_explicit(&r->sleepers, 1, memory_order_relaxed);
}

/* The forker: start round `round` (after its add). */
static void fj_start(fj_run *r, uint32_t round)
{
    /* seq_cst: the forker's side of the Dekker pair (and a release: the add
     * happens-before any task's done) */
    atomic_store_explicit(&r->epoch, round, memory_order_seq_cst);
    if (atomic_load_explicit(&r->sleepers, memory_order_seq_cst) != 0)
        ct_futex_wake(&r->epoch, INT_MAX);
}

static void fj_thread(ct_bench_state *st)
{
    fj_run *r = ct_bench_shared(st);
    int me = ct_bench_thread_index(st);
    uint64_t round = 0;

    if (!r)
        return;
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        round++;
        if (me == 0) {
            ct_waitgroup_add(r->wg, r->tasks);
            fj_start(r, (uint32_t)round);
            ct_waitgroup_wait(r->wg);
            for (unsigned t = 1; t <= r->tasks; t++)
                if (r->task[t].round != round) {
                    r->early++;
                    break;
                }
        } else {
            fj_await(r, (uint32_t)round);
            r->task[me].round = round;
            ct_waitgroup_done(r->wg);
        }
    }
    if (me == 0) {
        r->rounds = round;
        ct_bench_items(st, round * r->tasks);
    }
}

static void fj_teardown(ct_bench_state *st, void *shared)
{
    fj_run *r = shared;

    if (!r)
        return;
    if (r->early)
        ct_bench_error(st,
                       "%s: %llu of %llu waits returned before every task of the round "
                       "had finished",
                       r->ops->desc.name, (unsigned long long)r->early,
                       (unsigned long long)r->rounds);
    else if (r->rounds != ct_bench_iterations(st))
        ct_bench_error(st, "%s: %llu rounds, %llu asked", r->ops->desc.name,
                       (unsigned long long)r->rounds, (unsigned long long)ct_bench_iterations(st));
    fj_free(r);
}

void ct_workload_waitgroup_register(const ct_bench_config *cfg)
{
    int threads[CT_SWEEP_MAX]; /* 2 at least: one forks, the others are tasks */
    const size_t nt = ct_bench_sweep_threads(threads, 2, cfg->quick ? CT_SWEEP_QUICK : 0);
    char name[96];

    for (const ct_waitgroup_ops *const *o = ct_waitgroup_impls(); *o; o++) {
        ct_bench *b;

        snprintf(name, sizeof name, "waitgroup/forkjoin/%s", (*o)->desc.name);
        b = ct_bench_register(&(ct_bench_def){.name = name,
                                              .run = fj_thread,
                                              .setup = fj_setup,
                                              .teardown = fj_teardown,
                                              .user = (void *)*o});
        if (!b)
            ct_die("%s: out of memory registering it", name);
        /* no time budget: a round needs every thread, so none may be cut */
        ct_bench_thread_counts(b, threads, nt);
    }
}
