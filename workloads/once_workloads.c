/*
 * once_workloads.c: the once family's workloads, registered for every once of
 * once_list.h:
 *
 *   once/race/<impl>/rounds:<R>/init_ns:<c>/real_time/threads:<T>
 *       R fresh onces, made before the run; every thread calls do on each in
 *       turn, so the T threads race for the first call of each round (the
 *       first there runs an init of c ns of calibrated work, the others wait
 *       for it or, arriving later, take the fast path). One iteration is one
 *       round; the iteration count is fixed to R.
 *   once/fast/<impl>/real_time/threads:<T>
 *       one once, done before the run: every call is the fast path.
 *
 * Verified outside the timed region: every round's init ran exactly once,
 * and every call returned only after its round's init had finished (the
 * caller read the init's mark right after do; a zero is counted as early).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "ct_bench.h"
#include "ct_work.h"
#include "once.h"
#include "workloads.h"

#define RACE_ROUNDS 20000

typedef struct once_round {
    ct_once *once;
    _Atomic unsigned runs; /* inits run: must end at 1 */
    unsigned mark;         /* written by the init; read by every caller after do */
    const uint64_t *loops; /* the init's work */
} once_round;

typedef struct once_run {
    const ct_once_ops *ops;
    size_t rounds;
    uint64_t loops;
    once_round *round;
    _Atomic uint64_t early CT_CACHE_ALIGNED; /* calls that returned before the init's mark */
} once_run;

static void once_init(void *arg)
{
    once_round *r = arg;

    /* relaxed: counted; read after the run's joins */
    atomic_fetch_add_explicit(&r->runs, 1, memory_order_relaxed);
    if (*r->loops)
        ct_work_spin(*r->loops);
    r->mark = 1; /* plain: published by do's own ordering, which is under test */
}

static void once_free_run(once_run *r)
{
    if (!r)
        return;
    if (r->round)
        for (size_t i = 0; i < r->rounds; i++)
            ct_once_free(r->round[i].once);
    ct_free_aligned(r->round);
    ct_free_aligned(r);
}

static once_run *once_make(ct_bench_state *st, size_t rounds, int64_t init_ns)
{
    const ct_once_ops *ops = ct_bench_user(st);
    once_run *r = ct_alloc_aligned(sizeof *r);

    if (!r || !(r->round = ct_alloc_aligned(sizeof *r->round * rounds)))
        goto oom;
    r->ops = ops;
    r->loops = ct_work_loops((uint64_t)init_ns);
    for (; r->rounds < rounds; r->rounds++) {
        once_round *rd = &r->round[r->rounds];

        rd->loops = &r->loops;
        if (!(rd->once = ct_once_new(ops->desc.name)))
            goto oom;
    }
    return r;
oom:
    ct_bench_error(st, "%s: cannot create: %s", ops->desc.name, strerror(errno));
    once_free_run(r);
    return NULL;
}

/* Call do on round i and check that its init is visible. */
static inline void once_call(once_run *r, size_t i, uint64_t *early)
{
    once_round *rd = &r->round[i];

    ct_once_do(rd->once, once_init, rd);
    if (CT_UNLIKELY(!rd->mark))
        (*early)++;
}

static void once_finish(ct_bench_state *st, once_run *r, uint64_t early, uint64_t done)
{
    /* relaxed: summed; teardown reads it after the run's barrier */
    atomic_fetch_add_explicit(&r->early, early, memory_order_relaxed);
    ct_bench_items(st, done);
}

static void once_check(ct_bench_state *st, once_run *r)
{
    /* relaxed: every thread's run has ended (the harness's barrier) */
    uint64_t early = atomic_load_explicit(&r->early, memory_order_relaxed);

    for (size_t i = 0; i < r->rounds; i++) {
        unsigned runs = atomic_load_explicit(&r->round[i].runs, memory_order_relaxed);

        if (runs != 1) {
            ct_bench_error(st, "%s: round %zu: the init ran %u times", r->ops->desc.name, i, runs);
            return;
        }
    }
    if (early)
        ct_bench_error(st, "%s: %llu calls returned before the init had finished",
                       r->ops->desc.name, (unsigned long long)early);
}

/* ---- once/race --------------------------------------------------------------- */

static void *race_setup(ct_bench_state *st)
{
    if (ct_bench_arg(st, 0) != RACE_ROUNDS || ct_bench_arg(st, 1) < 0) {
        ct_bench_error(st, "bad parameters");
        return NULL;
    }
    return once_make(st, RACE_ROUNDS, ct_bench_arg(st, 1));
}

static void race_thread(ct_bench_state *st)
{
    once_run *r = ct_bench_shared(st);
    uint64_t early = 0, done = 0;

    if (!r)
        return;
    CT_BENCH_LOOP(st, i)
    {
        once_call(r, done % r->rounds, &early); /* the fixed count is the rounds */
        (void)i;
        done++;
    }
    once_finish(st, r, early, done);
}

static void race_teardown(ct_bench_state *st, void *shared)
{
    once_run *r = shared;

    if (!r)
        return;
    if (ct_bench_iterations(st) != r->rounds)
        ct_bench_error(st, "%s: %llu iterations for %zu rounds", r->ops->desc.name,
                       (unsigned long long)ct_bench_iterations(st), r->rounds);
    else
        once_check(st, r);
    once_free_run(r);
}

/* ---- once/fast --------------------------------------------------------------- */

static void *fast_setup(ct_bench_state *st)
{
    once_run *r = once_make(st, 1, 0);
    uint64_t early = 0;

    if (r)
        once_call(r, 0, &early); /* done before the run: every timed call is the fast path */
    return r;
}

static void fast_thread(ct_bench_state *st)
{
    once_run *r = ct_bench_shared(st);
    uint64_t early = 0, done = 0;

    if (!r)
        return;
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        once_call(r, 0, &early);
        done++;
    }
    once_finish(st, r, early, done);
}

static void fast_teardown(ct_bench_state *st, void *shared)
{
    once_run *r = shared;

    if (!r)
        return;
    once_check(st, r);
    once_free_run(r);
}

void ct_workload_once_register(const ct_bench_config *cfg)
{
    static const int64_t rounds[] = {RACE_ROUNDS}, init_ns[] = {200};
    int t[CT_SWEEP_MAX];
    const size_t nt = ct_bench_sweep_threads(t, 1, cfg->quick ? CT_SWEEP_QUICK : 0);
    char name[96];
    ct_bench *b;

    ct_work_calibrate(); /* once, before any benchmark thread starts */
    for (const ct_once_ops *const *o = ct_once_impls(); *o; o++) {
        snprintf(name, sizeof name, "once/race/%s", (*o)->desc.name);
        b = ct_bench_register(&(ct_bench_def){.name = name,
                                              .run = race_thread,
                                              .setup = race_setup,
                                              .teardown = race_teardown,
                                              .user = (void *)*o});
        if (!b)
            ct_die("%s: out of memory registering it", name);
        ct_bench_param(b, "rounds", rounds, 1);
        ct_bench_param(b, "init_ns", init_ns, 1);
        ct_bench_thread_counts(b, t, nt);
        ct_bench_fixed_iterations(b, RACE_ROUNDS); /* each thread calls every round once */

        snprintf(name, sizeof name, "once/fast/%s", (*o)->desc.name);
        b = ct_bench_register(&(ct_bench_def){.name = name,
                                              .run = fast_thread,
                                              .setup = fast_setup,
                                              .teardown = fast_teardown,
                                              .user = (void *)*o});
        if (!b)
            ct_die("%s: out of memory registering it", name);
        ct_bench_thread_counts(b, t, nt);
        ct_bench_time_budget(b, cfg->quick ? 0.25 : 0.5);
    }
}
