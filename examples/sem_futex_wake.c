/*
 * sem_futex_wake.c: a semaphore competitor written outside the tree.
 *
 *     cc sem_futex_wake.c $(pkg-config --cflags --libs contend-bench) -o mybench
 *     ./mybench --family=sem
 *
 * The design: the free tokens are one futex word. acquire takes one with a
 * compare-and-swap, or sleeps on the word while it reads 0; release adds a
 * token and always wakes one sleeper (contend's own `futex` keeps a count of
 * sleepers to skip that system call when there are none: this is the design
 * it is measured against). The sem workloads check that no more than n
 * holders are ever inside at once.
 */
#define _POSIX_C_SOURCE 200809L /* POSIX threads in full, even under -std=c11 */

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>

#include <contend/ct_futex.h> /* ct_futex_wait, ct_futex_wake */
#include <contend/sem.h>      /* ct_sem_ops, CT_TIMEOUT, CT_REGISTER_COMPETITOR */

struct wake_sem {
    ct_sem base;                              /* first: ct_sem_new sets its ops */
    CT_CACHE_ALIGNED _Atomic uint32_t tokens; /* its own cache line: every call hits it */
};

static struct wake_sem *ws(ct_sem *s)
{
    return (struct wake_sem *)(void *)s;
}

static ct_sem *ws_create(unsigned n)
{
    struct wake_sem *s = ct_alloc_aligned(sizeof *s);

    if (s)
        atomic_init(&s->tokens, n); /* not atomic: ct_sem_new's caller publishes it */
    return s ? &s->base : NULL;
}

static void ws_destroy(ct_sem *s)
{
    ct_free_aligned(s);
}

static int ws_try_acquire(ct_sem *sem)
{
    struct wake_sem *s = ws(sem);
    /* relaxed: only a guess for the CAS below, which does the ordering */
    uint32_t n = atomic_load_explicit(&s->tokens, memory_order_relaxed);

    while (n > 0) {
        /* acquire: pairs with the release in ws_release, so the previous
         * holder's writes are visible to this one; relaxed on failure: n is
         * reloaded and nothing was taken */
        if (atomic_compare_exchange_weak_explicit(&s->tokens, &n, n - 1, memory_order_acquire,
                                                  memory_order_relaxed))
            return 0;
    }
    return CT_WOULDBLOCK;
}

static int ws_acquire_until(ct_sem *sem, int64_t deadline_ns)
{
    for (;;) {
        if (ws_try_acquire(sem) == 0)
            return 0;
        /* Sleeps only while the word still reads 0, so a release between the
         * try and here is not missed: it changed the word first. */
        if (ct_futex_wait(&ws(sem)->tokens, 0, deadline_ns) == -ETIMEDOUT)
            /* one last try: a wake-up this call absorbed as its deadline
             * passed must not strand a free token beside another sleeper */
            return ws_try_acquire(sem) == 0 ? 0 : CT_TIMEOUT;
    }
}

static void ws_release(ct_sem *sem)
{
    /* release: pairs with the acquire CAS of the next holder of this token */
    atomic_fetch_add_explicit(&ws(sem)->tokens, 1, memory_order_release);
    ct_futex_wake(&ws(sem)->tokens, 1); /* after the add, as a futex wants */
}

static const ct_sem_ops futex_wake_sem = {
    .desc = {.name = "futex_wake",
             .summary = "example from outside the tree: a futex word of tokens; every release "
                        "wakes one sleeper",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC},
    .create = ws_create,
    .destroy = ws_destroy,
    .acquire_until = ws_acquire_until,
    .try_acquire = ws_try_acquire,
    .release = ws_release,
};

CT_REGISTER_COMPETITOR(sem, futex_wake_sem)
