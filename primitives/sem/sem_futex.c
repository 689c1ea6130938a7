/*
 * sem_futex.c: `futex`, a semaphore of ours: one word of free tokens and a
 * count of sleepers, waits through ct_futex_wait (so a coroutine parks
 * instead of blocking its worker).
 *
 * acquire takes a token with a CAS while the word is above zero. Otherwise
 * it counts itself a sleeper and waits on the word while it reads zero.
 * release adds a token and wakes one sleeper only if someone counts
 * themselves one: the sleeper's increment and the releaser's add are a
 * Dekker pair (both seq_cst RMWs, each followed by a seq_cst load of the
 * other's word), so either the releaser sees the sleeper or the sleeper sees
 * the token. A sleeper leaves only having seen zero tokens or having taken
 * one, so a wake-up it absorbed (even at its deadline) never strands a free
 * token beside another sleeper.
 */
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>

#include "ct_futex.h"
#include "ct_waitreg.h"
#include "sem.h"

struct ct__sem_futex {
    ct_sem base;                              /* first: the header ct_sem_new fills in */
    CT_CACHE_ALIGNED _Atomic uint32_t tokens; /* free tokens: the futex word */
    _Atomic uint32_t sleepers;                /* acquirers between their count and their leave */
    uint32_t n;                               /* the tokens it was made with (release's check) */
};

static inline struct ct__sem_futex *futex_of(ct_sem *s)
{
    return (struct ct__sem_futex *)(void *)s;
}

static ct_sem *futex_create(unsigned n)
{
    struct ct__sem_futex *f = ct_alloc_aligned(sizeof *f);

    if (!f)
        return NULL;
    atomic_init(&f->tokens, n); /* not atomic: published by the caller */
    atomic_init(&f->sleepers, 0);
    f->n = n;
    return (ct_sem *)(void *)f;
}

static void futex_destroy(ct_sem *s)
{
    ct_free_aligned(s);
}

/* Take a token if one is free: true on success. */
static inline bool futex_take(struct ct__sem_futex *f)
{
    /* relaxed: a guess, the CAS below decides */
    uint32_t t = atomic_load_explicit(&f->tokens, memory_order_relaxed);

    while (t > 0)
        /* acquire on success: pairs with the release part of the release's
         * fetch_add, so the previous holder's writes are visible */
        if (atomic_compare_exchange_weak_explicit(&f->tokens, &t, t - 1, memory_order_acquire,
                                                  memory_order_relaxed))
            return true;
    return false;
}

static int futex_try_acquire(ct_sem *s)
{
    return futex_take(futex_of(s)) ? 0 : CT_WOULDBLOCK;
}

static int futex_acquire_until(ct_sem *s, int64_t deadline_ns)
{
    struct ct__sem_futex *f = futex_of(s);
    int rc = 0;

    if (CT_LIKELY(futex_take(f)))
        return 0;
    ct_wait_enter("sem acquire", f);
    /* seq_cst: the sleeper's side of the Dekker pair with release (its
     * fetch_add on tokens, then its load of sleepers) */
    atomic_fetch_add_explicit(&f->sleepers, 1, memory_order_seq_cst);
    for (;;) {
        if (futex_take(f))
            break;
        /* seq_cst: the sleeper's load of the Dekker pair above */
        if (atomic_load_explicit(&f->tokens, memory_order_seq_cst) != 0)
            continue; /* a token came back: try again */
        if (deadline_ns >= 0 && ct_now_ns() >= deadline_ns) {
            rc = CT_TIMEOUT; /* saw zero tokens: no wake-up is owed to anyone */
            break;
        }
        /* returns at once if tokens is no longer 0; EINTR, spurious
         * wake-ups and the deadline all come back to the loop */
        (void)ct_futex_wait(&f->tokens, 0, deadline_ns);
    }
    /* relaxed: only the releasers' wake decision reads it; a stale
     * count costs one needless wake */
    atomic_fetch_sub_explicit(&f->sleepers, 1, memory_order_relaxed);
    ct_wait_exit();
    return rc;
}

static void futex_release(ct_sem *s)
{
    struct ct__sem_futex *f = futex_of(s);
    /* seq_cst: the releaser's side of the Dekker pair (its release part
     * pairs with the acquire CAS in futex_take) */
    uint32_t before = atomic_fetch_add_explicit(&f->tokens, 1, memory_order_seq_cst);

    if (CT_UNLIKELY(before >= f->n))
        ct_die("sem futex %p: release of a token not acquired (%u of %u free)", (void *)f,
               before + 1, f->n);
    /* seq_cst: the releaser's load of the Dekker pair */
    if (atomic_load_explicit(&f->sleepers, memory_order_seq_cst) != 0)
        ct_futex_wake(&f->tokens, 1);
}

const ct_sem_ops ct_sem_futex = {
    .desc = {.name = "futex",
             .summary = "a word of free tokens taken by CAS; sleepers counted, woken one per "
                        "release through the futex (parks coroutines)",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC | CT_CAP_COROUTINE |
                     CT_SEM_CAP_CHECKED},
    .create = futex_create,
    .destroy = futex_destroy,
    .acquire_until = futex_acquire_until,
    .try_acquire = futex_try_acquire,
    .release = futex_release,
};
