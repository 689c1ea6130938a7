/*
 * waitgroup_futex.c: `futex`, a WaitGroup of ours: one word holds the count
 * (high 32 bits) and the waiters (low 32), as Go's does, and the waiters
 * sleep on a generation word of their own (ct_futex_wait, so a coroutine
 * parks), not on the count, so a done wakes nobody until the last one.
 *
 * The last done learns from its own read-modify-write whether anyone waits;
 * if not, it touches the WaitGroup no more (a waiter that then sees zero may
 * return and free it). A waiter counts itself with a CAS that fails once the
 * count is zero, so none registers after the last done has looked; a
 * registered waiter leaves only when the generation moves, which the last
 * done does after clearing the word. Its futex wake after that may hit
 * memory the waiter has freed: harmless (ct_futex.h's lifetime rule).
 */
#include <limits.h>
#include <stdatomic.h>

#include "ct_futex.h"
#include "ct_waitreg.h"
#include "waitgroup.h"

#define COUNT_ONE ((int64_t)1 << 32)
#define COUNT(s) ((s) >> 32) /* arithmetic shift: a negative count stays negative */
#define WAITERS(s) ((s) & (COUNT_ONE - 1))

struct ct__waitgroup_futex {
    ct_waitgroup base;                      /* first: the header ct_waitgroup_new fills in */
    CT_CACHE_ALIGNED _Atomic int64_t state; /* count << 32 | waiters */
    _Atomic uint32_t gen;                   /* bumped when the count reaches 0 with waiters */
};

static inline struct ct__waitgroup_futex *futex_of(ct_waitgroup *w)
{
    return (struct ct__waitgroup_futex *)(void *)w;
}

static ct_waitgroup *futex_create(unsigned tasks)
{
    struct ct__waitgroup_futex *f = ct_alloc_aligned(sizeof *f);

    (void)tasks;
    if (f) { /* not atomic: published by the caller */
        atomic_init(&f->state, 0);
        atomic_init(&f->gen, 0);
    }
    return (ct_waitgroup *)(void *)f;
}

static void futex_destroy(ct_waitgroup *w)
{
    ct_free_aligned(w);
}

static void futex_add(ct_waitgroup *w, int64_t delta)
{
    struct ct__waitgroup_futex *f = futex_of(w);
    /* acq_rel: the release orders this task's writes before the count a
     * waiter acquires; the acquire makes the last done carry every earlier one */
    int64_t st = atomic_fetch_add_explicit(&f->state, delta * COUNT_ONE, memory_order_acq_rel) +
                 delta * COUNT_ONE;

    if (CT_UNLIKELY(COUNT(st) < 0))
        ct_die("waitgroup futex %p: negative counter (%lld): more done than add", (void *)f,
               (long long)COUNT(st));
    if (COUNT(st) > 0 || WAITERS(st) == 0)
        return; /* nobody to wake: do not touch f again */
    /* relaxed: no waiter can register on a zero count, and no add may race
     * a zero count with waiters (Go's "reused before previous Wait has returned") */
    atomic_store_explicit(&f->state, 0, memory_order_relaxed);
    /* release: pairs with the waiters' acquire load of gen; it carries the
     * acquire of the fetch_add above, so every task's writes */
    atomic_fetch_add_explicit(&f->gen, 1, memory_order_release);
    ct_futex_wake(&f->gen, INT_MAX);
}

static void futex_done(ct_waitgroup *w)
{
    futex_add(w, -1);
}

static void futex_wait(ct_waitgroup *w)
{
    struct ct__waitgroup_futex *f = futex_of(w);
    /* acquire: pairs with the release part of the last done's fetch_add */
    int64_t st = atomic_load_explicit(&f->state, memory_order_acquire);
    uint32_t g;

    if (COUNT(st) == 0)
        return;
    /* acquire: read before registering, so the bump that releases us (after
     * our CAS, since it follows the last done) is a change from g */
    g = atomic_load_explicit(&f->gen, memory_order_acquire);
    /* acq_rel: registers; on failure (a done moved the count) look again */
    while (!atomic_compare_exchange_weak_explicit(&f->state, &st, st + 1, memory_order_acq_rel,
                                                  memory_order_acquire))
        if (COUNT(st) == 0)
            return;
    ct_wait_enter("waitgroup wait", f);
    /* acquire: pairs with the last done's release increment of gen */
    while (atomic_load_explicit(&f->gen, memory_order_acquire) == g)
        (void)ct_futex_wait(&f->gen, g, -1); /* returns at once if gen moved */
    ct_wait_exit();
}

const ct_waitgroup_ops ct_waitgroup_futex = {
    .desc = {.name = "futex",
             .summary = "Go's state word (count, waiters) in one atomic; waiters asleep on a "
                        "generation word the last done bumps (parks coroutines)",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_COROUTINE},
    .create = futex_create,
    .destroy = futex_destroy,
    .add = futex_add,
    .done = futex_done,
    .wait = futex_wait,
};
