/*
 * once_futex.c: `futex`, a once of ours: one state word (NEW, RUNNING,
 * RUNNING with waiters, DONE). The fast path is an acquire load that reads
 * DONE. The first caller CASes NEW to RUNNING and runs fn; a waiter marks
 * the word "with waiters" and sleeps on it through ct_futex_wait (so a
 * coroutine parks); the runner stores DONE and wakes everyone only if the
 * word said someone waits.
 */
#include <limits.h>
#include <stdatomic.h>

#include "ct_futex.h"
#include "ct_waitreg.h"
#include "once.h"

enum { NEW = 0, RUNNING = 1, WAITERS = 2, DONE = 3 };

struct ct__once_futex {
    ct_once base;                            /* first: the header ct_once_new fills in */
    CT_CACHE_ALIGNED _Atomic uint32_t state; /* NEW, RUNNING, WAITERS, DONE */
};

static ct_once *futex_create(void)
{
    struct ct__once_futex *f = ct_alloc_aligned(sizeof *f);

    if (f)
        atomic_init(&f->state, NEW); /* not atomic: published by the caller */
    return (ct_once *)(void *)f;
}

static void futex_destroy(ct_once *o)
{
    ct_free_aligned(o);
}

static void futex_slow(struct ct__once_futex *f, ct_once_fn fn, void *arg)
{
    uint32_t st = NEW;

    /* acquire (C11 lets failure be no stronger than success): on failure it
     * pairs with the runner's release exchange when it reads DONE */
    if (atomic_compare_exchange_strong_explicit(&f->state, &st, RUNNING, memory_order_acquire,
                                                memory_order_acquire)) {
        fn(arg);
        /* release: publishes fn's writes to every acquire load of DONE */
        if (atomic_exchange_explicit(&f->state, DONE, memory_order_release) == WAITERS)
            ct_futex_wake(&f->state, INT_MAX);
        return;
    }
    ct_wait_enter("once do", f);
    while (st != DONE) {
        /* acquire: on failure it may read DONE, pairing with the runner's
         * release exchange (success only marks the word: nothing to order) */
        if (st == RUNNING &&
            !atomic_compare_exchange_strong_explicit(&f->state, &st, WAITERS, memory_order_acquire,
                                                     memory_order_acquire))
            continue;
        (void)ct_futex_wait(&f->state, WAITERS, -1); /* returns at once unless WAITERS */
        /* acquire: pairs with the runner's release exchange */
        st = atomic_load_explicit(&f->state, memory_order_acquire);
    }
    ct_wait_exit();
}

static void futex_run(ct_once *o, ct_once_fn fn, void *arg)
{
    struct ct__once_futex *f = (struct ct__once_futex *)(void *)o;

    /* acquire: pairs with the runner's release exchange */
    if (CT_LIKELY(atomic_load_explicit(&f->state, memory_order_acquire) == DONE))
        return;
    futex_slow(f, fn, arg);
}

const ct_once_ops ct_once_futex = {
    .desc = {.name = "futex",
             .summary = "one state word: an acquire load once done; the first CAS runs fn, "
                        "waiters sleep on the word (parks coroutines)",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_COROUTINE},
    .create = futex_create,
    .destroy = futex_destroy,
    .run = futex_run,
};
