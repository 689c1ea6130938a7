/*
 * once_spin_yield.c: a once competitor written outside the tree.
 *
 *     cc once_spin_yield.c $(pkg-config --cflags --libs contend-bench) -o mybench
 *     ./mybench --family=once
 *
 * The design: a state word (0 not started, 1 running, 2 done). The first
 * caller moves it 0 -> 1 with a compare-and-swap, runs fn and stores 2; the
 * others yield the CPU until they see 2. The once workloads check that fn
 * ran exactly once and that every caller saw what it wrote.
 */
#define _POSIX_C_SOURCE 200809L /* POSIX threads in full, even under -std=c11 */

#include <sched.h>
#include <stdatomic.h>

#include <contend/once.h> /* ct_once_ops, CT_REGISTER_COMPETITOR */

enum { NOT_STARTED, RUNNING, DONE };

struct yield_once {
    ct_once base;                            /* first: ct_once_new sets its ops */
    CT_CACHE_ALIGNED _Atomic unsigned state; /* its own cache line: every caller reads it */
};

static ct_once *yo_create(void)
{
    struct yield_once *o = ct_alloc_aligned(sizeof *o);

    if (o)
        atomic_init(&o->state, NOT_STARTED); /* not atomic: ct_once_new's caller publishes it */
    return o ? &o->base : NULL;
}

static void yo_destroy(ct_once *o)
{
    ct_free_aligned(o);
}

static void yo_run(ct_once *once, ct_once_fn fn, void *arg)
{
    struct yield_once *o = (struct yield_once *)(void *)once;
    unsigned expected = NOT_STARTED;

    /* acquire: pairs with the release store of DONE below (the fast path) */
    if (atomic_load_explicit(&o->state, memory_order_acquire) == DONE)
        return;
    /* relaxed: winning the CAS only elects the runner; DONE's store publishes */
    if (atomic_compare_exchange_strong_explicit(&o->state, &expected, RUNNING, memory_order_relaxed,
                                                memory_order_relaxed)) {
        fn(arg);
        /* release: pairs with the acquire loads of every waiter and later caller */
        atomic_store_explicit(&o->state, DONE, memory_order_release);
        return;
    }
    /* acquire: pairs with the release store of DONE */
    while (atomic_load_explicit(&o->state, memory_order_acquire) != DONE)
        sched_yield(); /* the runner may need this CPU */
}

static const ct_once_ops spin_yield_once = {
    .desc = {.name = "spin_yield",
             .summary = "example from outside the tree: a CAS elects the runner, the rest yield",
             .caps = CT_CAP_EXACT | CT_CAP_SPINNING},
    .create = yo_create,
    .destroy = yo_destroy,
    .run = yo_run,
};

CT_REGISTER_COMPETITOR(once, spin_yield_once)
