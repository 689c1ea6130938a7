/*
 * waitgroup_barrier.c: `barrier`, fork-join on a pthread_barrier of tasks + 1
 * parties: each task's done and the waiter's wait are barrier waits, so the
 * round ends when all have arrived. It fits only a fixed count per round
 * (CT_WAITGROUP_CAP_FIXED): add only tallies the round's count, which wait
 * checks against the barrier's (a mismatch aborts); done blocks until the
 * waiter arrives too.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>

#include "ct_waitreg.h"
#include "waitgroup.h"

struct ct__waitgroup_barrier {
    ct_waitgroup base; /* first: the header ct_waitgroup_new fills in */
    CT_CACHE_ALIGNED pthread_barrier_t barrier;
    _Atomic int64_t added; /* this round's adds, checked and reset by wait */
    unsigned tasks;
};

static inline struct ct__waitgroup_barrier *bar_of(ct_waitgroup *w)
{
    return (struct ct__waitgroup_barrier *)(void *)w;
}

static ct_waitgroup *bar_create(unsigned tasks)
{
    struct ct__waitgroup_barrier *b = ct_alloc_aligned(sizeof *b);
    int err;

    if (!b)
        return NULL;
    if ((err = pthread_barrier_init(&b->barrier, NULL, tasks + 1)) != 0) {
        ct_free_aligned(b);
        errno = err;
        return NULL;
    }
    atomic_init(&b->added, 0); /* not atomic: published by the caller */
    b->tasks = tasks;
    return (ct_waitgroup *)(void *)b;
}

static void bar_destroy(ct_waitgroup *w)
{
    pthread_barrier_destroy(&bar_of(w)->barrier);
    ct_free_aligned(w);
}

static void bar_add(ct_waitgroup *w, int64_t delta)
{
    /* relaxed: a tally; the barrier orders the round */
    atomic_fetch_add_explicit(&bar_of(w)->added, delta, memory_order_relaxed);
}

static void bar_arrive(struct ct__waitgroup_barrier *b)
{
    int err;

    ct_wait_enter("waitgroup barrier", b);
    err = pthread_barrier_wait(&b->barrier);
    ct_wait_exit();
    if (err && err != PTHREAD_BARRIER_SERIAL_THREAD)
        ct_die("waitgroup barrier: pthread_barrier_wait: error %d", err);
}

static void bar_done(ct_waitgroup *w)
{
    bar_arrive(bar_of(w));
}

static void bar_wait(ct_waitgroup *w)
{
    struct ct__waitgroup_barrier *b = bar_of(w);
    /* relaxed: the round's adds happen-before its wait (the contract) */
    int64_t added = atomic_exchange_explicit(&b->added, 0, memory_order_relaxed);

    if (CT_UNLIKELY(added != (int64_t)b->tasks))
        ct_die("waitgroup barrier %p: a round added %lld, the barrier holds %u tasks", (void *)b,
               (long long)added, b->tasks);
    bar_arrive(b);
}

const ct_waitgroup_ops ct_waitgroup_barrier = {
    .desc = {.name = "barrier",
             .summary = "pthread_barrier of tasks + 1: done and wait both arrive (a fixed count "
                        "per round; done blocks until the round ends)",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_WAITGROUP_CAP_FIXED},
    .create = bar_create,
    .destroy = bar_destroy,
    .add = bar_add,
    .done = bar_done,
    .wait = bar_wait,
};
