/*
 * sem_workloads.c: the semaphore family's workloads, registered for every
 * semaphore of sem_list.h:
 *
 *   sem/makespan/<impl>[/rt:go]/tasks:100/limit:10/task_us:5000/real_time/threads:1
 *       the seeds' own (002, 004): 100 tasks, each a thread that acquires,
 *       sleeps, releases, at most 10 at once; one iteration is one whole
 *       batch, so its real time is the makespan. The seeds sleep 50 ms
 *       ("about 0.5 s" in all); here 5 ms, a tenth, to keep `make bench`
 *       in its budget: the ideal is 100 x 5 ms / 10 = 50 ms
 *       (reports/sections/sem.py projects it back to the seeds' tasks).
 *       rt:go, for the designs that park coroutines (CT_CAP_COROUTINE): the
 *       tasks are coroutines (go.h) asleep through ct_sleep_until, as the
 *       seeds' are goroutines; bench thread 0 drives them (go_drive.h)
 *   sem/hold/<impl>/limit:<k>/real_time/threads:<T>
 *       saturated: each of T threads acquires and releases as fast as it
 *       can, nothing in between
 *
 * Both verify outside the timed region: the holders seen at once never
 * exceed the limit (each holder counts itself in and out), every task ran
 * exactly once, and after the run the semaphore has all its tokens again
 * (limit try_acquires succeed, one more does not).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ct_bench.h"
#include "ct_futex.h"
#include "go_drive.h"
#include "sem.h"
#include "workloads.h"

#define MAKESPAN_TASKS 100
#define MAKESPAN_LIMIT 10
#define MAKESPAN_TASK_US 5000 /* the seeds' 50 ms, scaled down by 10 */

/* Holders in and out, and the most seen at once. */
typedef struct sem_occupancy {
    _Atomic unsigned in CT_CACHE_ALIGNED;
    _Atomic unsigned peak;
} sem_occupancy;

static void occ_enter(sem_occupancy *o)
{
    /* relaxed: the semaphore orders the holders; this only counts them */
    unsigned now = atomic_fetch_add_explicit(&o->in, 1, memory_order_relaxed) + 1;
    /* relaxed: a maximum, read after the run's joins */
    unsigned p = atomic_load_explicit(&o->peak, memory_order_relaxed);

    while (now > p && !atomic_compare_exchange_weak_explicit(
                          &o->peak, &p, now, memory_order_relaxed, memory_order_relaxed)) {}
}

static void occ_leave(sem_occupancy *o)
{
    /* relaxed: as in occ_enter */
    atomic_fetch_sub_explicit(&o->in, 1, memory_order_relaxed);
}

/* After the run: the semaphore holds all `limit` tokens again. NULL, or what
 * is wrong (in buf). */
static const char *sem_full_again(ct_sem *s, unsigned limit, char *buf, size_t len)
{
    unsigned got = 0;

    while (got <= limit && ct_sem_try_acquire(s) == 0)
        got++;
    for (unsigned i = 0; i < got && i < limit; i++)
        ct_sem_release(s);
    if (got == limit)
        return NULL;
    snprintf(buf, len, "after the run %u tokens were free, expected %u", got, limit);
    return buf;
}

/* ---- sem/makespan ------------------------------------------------------------ */

typedef struct makespan_run makespan_run;

typedef struct makespan_task {
    makespan_run *run;
    unsigned ran; /* times this task ran: written by its thread, read after the join */
} makespan_task;

struct makespan_run {
    const ct_sem_ops *ops;
    ct_sem *sem;
    sem_occupancy occ;
    ct_wg *wg; /* rt:go: the batch's coroutines */
    int64_t task_ns;
    uint64_t batches;
    int spawn_err; /* the first pthread_create error, 0 if none */
    makespan_task task[MAKESPAN_TASKS];
    pthread_t th[MAKESPAN_TASKS];
};

static void sleep_ns(int64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* One task: the seeds' goroutine body (acquire, work, release). */
static void *makespan_task_main(void *arg)
{
    makespan_task *t = arg;
    makespan_run *r = t->run;

    ct_sem_acquire(r->sem);
    occ_enter(&r->occ);
    sleep_ns(r->task_ns);
    t->ran++;
    occ_leave(&r->occ);
    ct_sem_release(r->sem);
    return NULL;
}

static void *makespan_setup(ct_bench_state *st)
{
    const ct_sem_ops *ops = ct_bench_user(st);
    makespan_run *r;

    if (ct_bench_arg(st, 0) != MAKESPAN_TASKS || ct_bench_arg(st, 1) != MAKESPAN_LIMIT ||
        ct_bench_arg(st, 2) <= 0) {
        ct_bench_error(st, "bad parameters");
        return NULL;
    }
    r = ct_alloc_aligned(sizeof *r);
    if (!r || !(r->sem = ct_sem_new(ops->desc.name, MAKESPAN_LIMIT))) {
        ct_bench_error(st, "%s: cannot create: %s", ops->desc.name, strerror(errno));
        ct_free_aligned(r);
        return NULL;
    }
    if (!(r->wg = ct_wg_new())) {
        ct_bench_error(st, "%s: out of memory", ops->desc.name);
        ct_sem_free(r->sem);
        ct_free_aligned(r);
        return NULL;
    }
    r->ops = ops;
    r->task_ns = ct_bench_arg(st, 2) * 1000;
    for (unsigned i = 0; i < MAKESPAN_TASKS; i++)
        r->task[i].run = r;
    return r;
}

static void makespan_thread(ct_bench_state *st)
{
    makespan_run *r = ct_bench_shared(st);
    pthread_attr_t attr;
    uint64_t batches = 0;

    if (!r)
        return;
    /* 64 KiB stacks: a task needs little, and 100 default stacks would map
     * 800 MiB per batch */
    if (pthread_attr_init(&attr) || pthread_attr_setstacksize(&attr, 65536))
        ct_die("sem/makespan: pthread_attr");
    CT_BENCH_LOOP(st, i)
    {
        unsigned started = 0;

        (void)i;
        for (; started < MAKESPAN_TASKS; started++) {
            int err = pthread_create(&r->th[started], &attr, makespan_task_main, &r->task[started]);

            if (err) {
                if (!r->spawn_err)
                    r->spawn_err = err;
                break;
            }
        }
        for (unsigned k = 0; k < started; k++)
            pthread_join(r->th[k], NULL);
        batches++;
    }
    pthread_attr_destroy(&attr);
    r->batches = batches;
    ct_bench_items(st, batches * MAKESPAN_TASKS);
}

/* rt:go: one task as a coroutine; its sleep parks it. */
static void makespan_co(void *arg)
{
    makespan_task *t = arg;
    makespan_run *r = t->run;

    ct_sem_acquire(r->sem);
    occ_enter(&r->occ);
    ct_sleep_until(ct_now_ns() + r->task_ns);
    t->ran++;
    occ_leave(&r->occ);
    ct_sem_release(r->sem);
    ct_wg_done(r->wg);
}

static void makespan_co_thread(ct_bench_state *st)
{
    makespan_run *r = ct_bench_shared(st);
    uint64_t batches = 0;

    if (!ct__go_driver(st, r != NULL))
        return;
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        for (unsigned k = 0; k < MAKESPAN_TASKS; k++)
            if (!ct__go_counted(st, r->wg, makespan_co, &r->task[k], "a task"))
                r->spawn_err = EAGAIN;
        ct_wg_wait(r->wg);
        batches++;
    }
    r->batches = batches;
    ct_bench_items(st, batches * MAKESPAN_TASKS);
}

static void makespan_teardown(ct_bench_state *st, void *shared)
{
    makespan_run *r = shared;
    /* relaxed: every task thread was joined */
    unsigned peak = r ? atomic_load_explicit(&r->occ.peak, memory_order_relaxed) : 0;
    char why[96];

    if (!r)
        return;
    if (r->spawn_err)
        ct_bench_error(st, "%s: pthread_create: %s", r->ops->desc.name, strerror(r->spawn_err));
    else if (peak > MAKESPAN_LIMIT)
        ct_bench_error(st, "%s: %u tasks held a token at once, limit %u", r->ops->desc.name, peak,
                       MAKESPAN_LIMIT);
    else if (sem_full_again(r->sem, MAKESPAN_LIMIT, why, sizeof why))
        ct_bench_error(st, "%s: %s", r->ops->desc.name, why);
    else
        for (unsigned i = 0; i < MAKESPAN_TASKS; i++)
            if (r->task[i].ran != r->batches) {
                ct_bench_error(st, "%s: task %u ran %u times in %llu batches", r->ops->desc.name, i,
                               r->task[i].ran, (unsigned long long)r->batches);
                break;
            }
    ct_bench_counter(st, "peak_holders", peak, CT_COUNTER_TOTAL);
    ct_sem_free(r->sem);
    ct_wg_free(r->wg);
    ct_free_aligned(r);
}

/* ---- sem/hold ---------------------------------------------------------------- */

typedef struct hold_slot {
    uint64_t done CT_CACHE_ALIGNED; /* acquire/release pairs; written by its owner */
} hold_slot;

typedef struct hold_run {
    const ct_sem_ops *ops;
    ct_sem *sem;
    unsigned limit;
    sem_occupancy occ;
    hold_slot *slots;
} hold_run;

static void hold_free(hold_run *r)
{
    if (!r)
        return;
    ct_sem_free(r->sem);
    ct_free_aligned(r->slots);
    ct_free_aligned(r);
}

static void *hold_setup(ct_bench_state *st)
{
    const ct_sem_ops *ops = ct_bench_user(st);
    int64_t limit = ct_bench_arg(st, 0);
    hold_run *r;

    if (limit < 1 || limit > (int64_t)CT_SEM_MAX) {
        ct_bench_error(st, "bad parameter limit:%lld", (long long)limit);
        return NULL;
    }
    r = ct_alloc_aligned(sizeof *r);
    if (!r || !(r->slots = ct_alloc_aligned(sizeof *r->slots * (size_t)ct_bench_threads(st))) ||
        !(r->sem = ct_sem_new(ops->desc.name, (unsigned)limit))) {
        ct_bench_error(st, "%s: cannot create: %s", ops->desc.name, strerror(errno));
        hold_free(r);
        return NULL;
    }
    r->ops = ops;
    r->limit = (unsigned)limit;
    return r;
}

static void hold_thread(ct_bench_state *st)
{
    hold_run *r = ct_bench_shared(st);
    uint64_t done = 0;

    if (!r)
        return;
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        ct_sem_acquire(r->sem);
        occ_enter(&r->occ);
        occ_leave(&r->occ);
        ct_sem_release(r->sem);
        done++;
    }
    r->slots[ct_bench_thread_index(st)].done = done;
    ct_bench_items(st, done);
}

static void hold_teardown(ct_bench_state *st, void *shared)
{
    hold_run *r = shared;
    char why[96];
    unsigned peak;

    if (!r)
        return;
    /* relaxed: the run's end barrier ordered every holder's update */
    peak = atomic_load_explicit(&r->occ.peak, memory_order_relaxed);
    if (peak > r->limit)
        ct_bench_error(st, "%s: %u threads held a token at once, limit %u", r->ops->desc.name, peak,
                       r->limit);
    else if (sem_full_again(r->sem, r->limit, why, sizeof why))
        ct_bench_error(st, "%s: %s", r->ops->desc.name, why);
    ct_bench_counter(st, "peak_holders", peak, CT_COUNTER_TOTAL);
    hold_free(r);
}

void ct_workload_sem_register(const ct_bench_config *cfg)
{
    static const int one[] = {1};
    int threads[CT_SWEEP_MAX];
    const size_t nt = ct_bench_sweep_threads(threads, 1, cfg->quick ? CT_SWEEP_QUICK : 0);
    static const int64_t tasks[] = {MAKESPAN_TASKS}, limit10[] = {MAKESPAN_LIMIT},
                         task_us[] = {MAKESPAN_TASK_US}, limit_hold[] = {4};
    char name[96];
    ct_bench *b;

    for (const ct_sem_ops *const *o = ct_sem_impls(); *o; o++) {
        for (int co = 0; co < 2; co++) {
            if (co && !((*o)->desc.caps & CT_CAP_COROUTINE))
                continue; /* its waits would block a worker, not park a task */
            snprintf(name, sizeof name, "sem/makespan/%s%s", (*o)->desc.name, co ? "/rt:go" : "");
            b = ct_bench_register(&(ct_bench_def){.name = name,
                                                  .run = co ? makespan_co_thread : makespan_thread,
                                                  .setup = makespan_setup,
                                                  .teardown = makespan_teardown,
                                                  .user = (void *)*o});
            if (!b)
                ct_die("%s: out of memory registering it", name);
            ct_bench_param(b, "tasks", tasks, 1);
            ct_bench_param(b, "limit", limit10, 1);
            ct_bench_param(b, "task_us", task_us, 1);
            ct_bench_thread_counts(b, one, 1);
            ct_bench_fixed_iterations(b, 1); /* one batch: its real time is the makespan */
        }

        snprintf(name, sizeof name, "sem/hold/%s", (*o)->desc.name);
        b = ct_bench_register(&(ct_bench_def){.name = name,
                                              .run = hold_thread,
                                              .setup = hold_setup,
                                              .teardown = hold_teardown,
                                              .user = (void *)*o});
        if (!b)
            ct_die("%s: out of memory registering it", name);
        ct_bench_param(b, "limit", limit_hold, 1);
        ct_bench_thread_counts(b, threads, nt);
        ct_bench_time_budget(b, cfg->quick ? 0.25 : 0.5);
    }
}
