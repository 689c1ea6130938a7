/*
 * go_wg.c: the WaitGroup (Go's sync.WaitGroup) over the parker, so a wait
 * parks a coroutine and sleeps a thread.
 *
 * One atomic word holds the count (high bits) and the number of queued
 * waiters (low WAITER_BITS), as Go's does, so the done that brings the count
 * to zero knows from its own read-modify-write whether anyone waits: if not,
 * it touches the WaitGroup no more (a waiter that then sees zero may return
 * and free it). Waiters queue under a spin lock, and count themselves with
 * a CAS that fails if the count moved, so none queues after the last done
 * has looked. A queued waiter leaves only when fired; the last done takes
 * the queue under the lock, clears the word and fires them after unlocking,
 * touching only their own nodes from then on.
 */
#include <errno.h>
#include <stdlib.h>

#include "ct_spinlock.h"
#include "ct_waitreg.h"
#include "go_internal.h"

#define WAITER_BITS 24
#define COUNT_ONE ((int64_t)1 << WAITER_BITS)
#define WAITERS(s) ((s) & (COUNT_ONE - 1))
#define COUNT(s) ((s) >> WAITER_BITS) /* arithmetic shift: a negative count stays negative */

typedef struct wg_waiter {
    ct_parker park;
    struct wg_waiter *next;
} wg_waiter;

struct ct_wg {
    _Atomic int64_t state CT_CACHE_ALIGNED; /* count << WAITER_BITS | waiters */
    ct_spin_ttas lock;                      /* the queue, and waiters' CAS */
    wg_waiter *waiters;
};

ct_wg *ct_wg_new(void)
{
    ct_wg *wg = ct_alloc_aligned(sizeof *wg);

    if (!wg)
        return NULL;
    atomic_init(&wg->state, 0); /* not atomic: published by the caller */
    ct_spin_ttas_init(&wg->lock);
    return wg;
}

void ct_wg_free(ct_wg *wg)
{
    ct_free_aligned(wg);
}

void ct_wg_add(ct_wg *wg, int64_t delta)
{
    /* acq_rel: the release orders the adder's writes before the count a
     * waiter acquires; the acquire makes the last done see every earlier one */
    int64_t st = atomic_fetch_add_explicit(&wg->state, delta * COUNT_ONE, memory_order_acq_rel) +
                 delta * COUNT_ONE;
    wg_waiter *list;

    if (COUNT(st) < 0)
        ct_die("go: WaitGroup %p: negative counter (%lld): more done than add", (void *)wg,
               (long long)COUNT(st));
    if (COUNT(st) > 0 || WAITERS(st) == 0)
        return; /* nobody to wake: do not touch wg again */
    ct_spin_ttas_lock(&wg->lock);
    list = wg->waiters;
    wg->waiters = NULL;
    /* relaxed: under the lock, and no add may race a zero count with
     * waiters (Go's "WaitGroup is reused before previous Wait has returned") */
    atomic_store_explicit(&wg->state, 0, memory_order_relaxed);
    ct_spin_ttas_unlock(&wg->lock);
    while (list) {
        wg_waiter *next = list->next; /* read first: a fired waiter may return */

        ct_parker_unpark(&list->park);
        list = next;
    }
}

void ct_wg_done(ct_wg *wg)
{
    ct_wg_add(wg, -1);
}

void ct_wg_wait(ct_wg *wg)
{
    wg_waiter me;
    int64_t st;

    /* acquire: pairs with the release part of the last done's fetch_add */
    if (COUNT(atomic_load_explicit(&wg->state, memory_order_acquire)) == 0)
        return;
    ct_parker_arm(&me.park);
    ct_spin_ttas_lock(&wg->lock);
    /* acquire: as above */
    st = atomic_load_explicit(&wg->state, memory_order_acquire);
    do {
        if (COUNT(st) == 0) {
            ct_spin_ttas_unlock(&wg->lock);
            return;
        }
        /* acq_rel: fails if a done moved the count meanwhile (then look again) */
    } while (!atomic_compare_exchange_weak_explicit(&wg->state, &st, st + 1, memory_order_acq_rel,
                                                    memory_order_acquire));
    me.next = wg->waiters;
    wg->waiters = &me;
    ct_spin_ttas_unlock(&wg->lock);
    ct_wait_enter("wg wait", wg);
    while (!ct_parker_park(&me.park, 0, -1)) {}
    ct_wait_exit();
}
