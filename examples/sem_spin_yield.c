/*
 * sem_spin_yield.c: a semaphore competitor written outside the tree.
 *
 *     cc sem_spin_yield.c $(pkg-config --cflags --libs contend-bench) -o mybench
 *     ./mybench --family=sem
 *
 * The design: the free tokens in one atomic word; acquire takes one with a
 * compare-and-swap and, while none is free, yields the CPU and tries again
 * (no sleeping in the kernel, so it declares CT_CAP_SPINNING). The sem
 * workloads check that no more than n holders are ever inside at once.
 */
#define _POSIX_C_SOURCE 200809L /* POSIX threads in full, even under -std=c11 */

#include <sched.h>
#include <stdatomic.h>

#include <contend/sem.h> /* ct_sem_ops, ct_now_ns, CT_TIMEOUT, CT_REGISTER_COMPETITOR */

struct yield_sem {
    ct_sem base;                                   /* first: ct_sem_new sets its ops */
    CT_CACHE_ALIGNED _Atomic unsigned free_tokens; /* its own cache line: every call hits it */
};

static struct yield_sem *ys(ct_sem *s)
{
    return (struct yield_sem *)(void *)s;
}

static ct_sem *ys_create(unsigned n)
{
    struct yield_sem *s = ct_alloc_aligned(sizeof *s);

    if (s)
        atomic_init(&s->free_tokens, n); /* not atomic: ct_sem_new's caller publishes it */
    return s ? &s->base : NULL;
}

static void ys_destroy(ct_sem *s)
{
    ct_free_aligned(s);
}

static int ys_try_acquire(ct_sem *sem)
{
    struct yield_sem *s = ys(sem);
    /* relaxed: only a guess for the CAS below, which does the ordering */
    unsigned n = atomic_load_explicit(&s->free_tokens, memory_order_relaxed);

    while (n > 0) {
        /* acquire: pairs with the release in ys_release, so the previous
         * holder's writes are visible to this one; relaxed on failure: n is
         * reloaded and nothing was taken */
        if (atomic_compare_exchange_weak_explicit(&s->free_tokens, &n, n - 1, memory_order_acquire,
                                                  memory_order_relaxed))
            return 0;
    }
    return CT_WOULDBLOCK;
}

static int ys_acquire_until(ct_sem *sem, int64_t deadline_ns)
{
    for (;;) {
        if (ys_try_acquire(sem) == 0)
            return 0;
        if (deadline_ns >= 0 && ct_now_ns() >= deadline_ns)
            return CT_TIMEOUT; /* the contract: a caller that gives up holds no token */
        sched_yield();         /* let a holder run: it may be on this CPU */
    }
}

static void ys_release(ct_sem *sem)
{
    /* release: pairs with the acquire CAS of the next holder of this token */
    atomic_fetch_add_explicit(&ys(sem)->free_tokens, 1, memory_order_release);
}

static const ct_sem_ops spin_yield_sem = {
    .desc = {.name = "spin_yield",
             .summary =
                 "example from outside the tree: an atomic count, CAS to take, yield to wait",
             .caps = CT_CAP_EXACT | CT_CAP_SPINNING | CT_CAP_MPMC},
    .create = ys_create,
    .destroy = ys_destroy,
    .acquire_until = ys_acquire_until,
    .try_acquire = ys_try_acquire,
    .release = ys_release,
};

CT_REGISTER_COMPETITOR(sem, spin_yield_sem)
