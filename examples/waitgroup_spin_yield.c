/*
 * waitgroup_spin_yield.c: a WaitGroup competitor written outside the tree.
 *
 *     cc waitgroup_spin_yield.c $(pkg-config --cflags --libs contend-bench) -o mybench
 *     ./mybench --family=waitgroup
 *
 * The design: the count in one atomic word; done decrements it, wait yields
 * the CPU until it reads 0. The waitgroup workloads check that wait returned
 * only after every task's done, and saw what every task wrote.
 */
#define _POSIX_C_SOURCE 200809L /* POSIX threads in full, even under -std=c11 */

#include <sched.h>
#include <stdatomic.h>

#include <contend/waitgroup.h> /* ct_waitgroup_ops, ct_die, CT_REGISTER_COMPETITOR */

struct yield_wg {
    ct_waitgroup base;                      /* first: ct_waitgroup_new sets its ops */
    CT_CACHE_ALIGNED _Atomic int64_t count; /* its own cache line: every task hits it */
};

static struct yield_wg *yw(ct_waitgroup *wg)
{
    return (struct yield_wg *)(void *)wg;
}

static ct_waitgroup *yw_create(unsigned tasks)
{
    struct yield_wg *w = ct_alloc_aligned(sizeof *w);

    (void)tasks; /* any count per round */
    if (w)
        atomic_init(&w->count, 0); /* not atomic: ct_waitgroup_new's caller publishes it */
    return w ? &w->base : NULL;
}

static void yw_destroy(ct_waitgroup *wg)
{
    ct_free_aligned(wg);
}

static void yw_add(ct_waitgroup *wg, int64_t delta)
{
    /* release: a done (add(-1)) publishes its task's writes to the waiter's
     * acquire load in yw_wait; an add > 0 orders nothing (the caller's own
     * happens-before with wait is the contract's) */
    int64_t now = atomic_fetch_add_explicit(&yw(wg)->count, delta, memory_order_release) + delta;

    if (now < 0)
        ct_die("spin_yield waitgroup: negative count %lld", (long long)now);
}

static void yw_done(ct_waitgroup *wg)
{
    yw_add(wg, -1);
}

static void yw_wait(ct_waitgroup *wg)
{
    /* acquire: pairs with every done's release in yw_add (a release sequence
     * of RMWs, so the last one's carries all of them) */
    while (atomic_load_explicit(&yw(wg)->count, memory_order_acquire) != 0)
        sched_yield(); /* the tasks may need this CPU */
}

static const ct_waitgroup_ops spin_yield_waitgroup = {
    .desc = {.name = "spin_yield",
             .summary = "example from outside the tree: an atomic count, wait yields until 0",
             .caps = CT_CAP_EXACT | CT_CAP_SPINNING},
    .create = yw_create,
    .destroy = yw_destroy,
    .add = yw_add,
    .done = yw_done,
    .wait = yw_wait,
};

CT_REGISTER_COMPETITOR(waitgroup, spin_yield_waitgroup)
