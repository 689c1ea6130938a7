/*
 * pool_internal.h: what the core and the designs of this tree share beyond
 * the competitor contract (not installed).
 *
 * The core is the same for every design and owns what they all need the
 * same way; a design supplies a vt (start its threads, try to queue a task,
 * close, join): pool_impl.h, the contract a design outside the tree writes
 * to as well. Here: the core's state (designs of the tree read its fields
 * directly), the ring and slot helpers, the engines. The core's files, one
 * concern each:
 *
 *   pool.c          the facade: parameters, new, shutdown, free, starting
 *                   the pool's threads
 *   pool_submit.c   submit, try_submit, submit_ctx: blocking over the
 *                   design's try_submit, and blocked submitters' wake-ups
 *   pool_account.c  pending tasks and wait, errors, statistics, the trace
 *   pool_idle.c     the idle-worker protocol (spin, yield, sleep; notify)
 *   pool_ring.c     the mutex-guarded ring of fixed, dynamic and stealing
 *   pool_registry.c the list (pool_list.h) as ct_pool_impls / _find
 *
 * A per-task helper that more than one of those files uses is static inline
 * here, so the split adds no call.
 *
 * Synchronization of the core's fields: see each field. The two futex
 * protocols (blocked submitters on `space`, waiters on `idle`) are the same
 * Dekker pattern: the sleeper increments its waiter count and then rechecks
 * the condition; the waker changes the condition and then reads the waiter
 * count, all seq_cst, so at least one of them sees the other. The sleeper
 * loads the futex word before announcing itself, and the waker bumps it
 * before FUTEX_WAKE, so a wake between the recheck and the sleep turns the
 * sleep into an immediate -EAGAIN.
 *
 * C only (C11 atomics).
 */
#ifndef CT_POOL_INTERNAL_H
#define CT_POOL_INTERNAL_H

#ifdef __cplusplus
#error "pool_internal.h uses C11 atomics; C only"
#endif

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "ct_common.h"
#include "ct_futex.h"
#include "pool_impl.h"

/* A task in a lock-free queue's slot: a thief or a stale consumer may read
 * a slot while its owner rewrites it (and then loses its CAS and drops what
 * it read), so both words are relaxed atomics; the queue's release/acquire
 * on its indices publishes them. */
typedef struct ct__aslot {
    _Atomic(ct_pool_fn) fn;
    _Atomic(void *) arg;
} ct__aslot;

static inline void ct__aslot_put(ct__aslot *s, ct_pool_task t)
{
    /* relaxed: published by the caller's release store of its index */
    atomic_store_explicit(&s->fn, t.fn, memory_order_relaxed);
    atomic_store_explicit(&s->arg, t.arg, memory_order_relaxed);
}

static inline ct_pool_task ct__aslot_get(ct__aslot *s)
{
    /* relaxed: acquired by the caller's load of the index; valid only if
     * the caller's claim (a CAS) then succeeds */
    return (ct_pool_task){atomic_load_explicit(&s->fn, memory_order_relaxed),
                          atomic_load_explicit(&s->arg, memory_order_relaxed)};
}

/* Idle workers: the wake-up policy shared by every design with workers.
 * A worker that finds nothing spins a while (counted in `spinning`), then
 * sleeps on `seq` (counted in `sleeping`). Whoever makes work visible calls
 * ct_pool_idle_notify: it wakes one sleeper only when no worker is
 * spinning, since a spinner will take the work without a syscall; a worker
 * that takes a task and sees more work behind it notifies too, so sleepers
 * are woken one at a time as long as the backlog lasts (Go's scheduler does
 * the same with its spinning Ms). At saturation no one sleeps and no one is
 * woken: the ~20 us cross-core wake-up is paid once per burst, not per task. */
typedef struct ct__pool_idle {
    _Atomic uint32_t seq CT_CACHE_ALIGNED; /* futex word: bumped per wake */
    _Atomic uint32_t spinning;             /* workers spinning for work */
    _Atomic uint32_t sleeping;             /* workers asleep on seq */
    uint32_t max_spinners;                 /* at most this many spin at once */
    bool asym; /* notifiers may use ct__pool_idle_notify_light: sleepers pay
                  ct_asymfence_heavy before their recheck (set before start) */
} ct__pool_idle;

#define CT__POOL_TRACE_MAX 4096

struct ct_pool {
    const ct_pool_ops *ops;
    ct_pool_params params; /* validated, defaults filled in; read-only */
    void *impl;            /* the design's state */

    /* Submitted and neither finished nor dropped. seq_cst: the Dekker pair
     * with wait_waiters (see above); its decrement releases the task's
     * writes to the wait that reads zero. */
    _Atomic int64_t pending CT_CACHE_ALIGNED;
    _Atomic uint32_t wait_seq;     /* futex word of wait */
    _Atomic uint32_t wait_waiters; /* threads in wait */

    /* Designs with vt->submitted: tasks finished or dropped. seq_cst: wait
     * reads it, then the design's submitted count; its increments release
     * the tasks' writes to that wait (a release sequence of RMWs). */
    _Atomic uint64_t finished;

    /* Blocked submitters (unless vt->space gives them their own word): a
     * design calls ct_pool_space_notify whenever it frees room. */
    ct_pool_space space CT_CACHE_ALIGNED;

    _Atomic bool closed CT_CACHE_ALIGNED; /* shutdown has begun (seq_cst) */
    _Atomic bool aborting;                /* ...in abort mode: drop, do not run */

    /* Statistics: relaxed counters, exact once the pool is joined. */
    _Atomic uint64_t done CT_CACHE_ALIGNED;
    _Atomic uint64_t dropped;
    _Atomic uint64_t nerr;
    _Atomic int first_err; /* written once, by the task that made nerr 1 */
    _Atomic unsigned workers, workers_peak;
    _Atomic uint64_t started, retired;

    ct__pool_idle idle;

    pthread_mutex_t shut_mu; /* serializes shutdown */
    bool shut;               /* guarded by shut_mu */

    pthread_mutex_t trace_mu; /* guards the trace */
    size_t ntrace;
    ct_pool_sample *trace; /* CT_POOL_CAP_TRACE designs only */
};

/* An idle worker spins about this many pause hints before it yields and
 * sleeps (pool_idle.c): the order of one cross-core wake-up, so a worker
 * that would be woken within that time never sleeps. A blocked submitter
 * spins as long (pool_submit.c). */
#define CT__POOL_IDLE_SPINS 1024u

/* n submitted tasks finished or were dropped (designs without
 * vt->submitted): wakes the waiters once none is left. Inline: it runs per
 * task, in pool_account.c's ct_pool_run_task and pool_submit.c's failed try. */
static inline void ct__pool_pending_sub(ct_pool *p, int64_t n)
{
    /* seq_cst: releases the finished tasks' writes to the wait that reads
     * zero; Dekker pair with wait_waiters (ct_pool_wait increments it, then
     * rereads pending) */
    if (atomic_fetch_sub_explicit(&p->pending, n, memory_order_seq_cst) == n &&
        atomic_load_explicit(&p->wait_waiters, memory_order_seq_cst) > 0) {
        /* release: the waiter's acquire load of wait_seq sees the bump or
         * its futex_wait fails with EAGAIN */
        atomic_fetch_add_explicit(&p->wait_seq, 1, memory_order_release);
        ct_futex_wake(&p->wait_seq, INT_MAX);
    }
}

/* Wait until every submitted task has finished or been dropped (true), or
 * deadline_ns (absolute, < 0: none) has passed first (false). */
bool ct__pool_wait_until(ct_pool *p, int64_t deadline_ns);
/* Record a point of the worker-count trace (CT_POOL_CAP_TRACE pools). */
void ct__pool_trace_add(ct_pool *p, unsigned workers);

/* The same after a release store, for a pool with idle.asym set: the
 * notifier's fence is ct_asymfence_light, the sleeper's the heavy one. */
void ct__pool_idle_notify_light(ct_pool *p);

/* The bounded MPMC ring under a mutex that fixed, dynamic and stealing's
 * injection queue share. `count` mirrors the size for lock-free peeks. */
typedef struct ct__ring {
    pthread_mutex_t mu;
    ct_pool_task *slot;
    size_t cap, head, size; /* guarded by mu */
    _Atomic size_t count;   /* == size; stored seq_cst under mu, read without it */
} ct__ring;

int ct__ring_init(ct__ring *r, size_t cap);
void ct__ring_destroy(ct__ring *r);
/* Under r->mu. */
static inline bool ct__ring_push_locked(ct__ring *r, ct_pool_task t)
{
    if (r->size == r->cap)
        return false;
    r->slot[(r->head + r->size) % r->cap] = t;
    r->size++;
    /* seq_cst: the waker's side of the idle Dekker pair (has_work reads it) */
    atomic_store_explicit(&r->count, r->size, memory_order_seq_cst);
    return true;
}
/* Under r->mu, right after a push under the same hold: take that task back
 * (nobody could pop it in between). */
static inline void ct__ring_unpush_locked(ct__ring *r)
{
    r->size--;
    /* seq_cst: as in push (has_work may have seen the task; it then finds
     * nothing under the lock) */
    atomic_store_explicit(&r->count, r->size, memory_order_seq_cst);
}
/* Takes r->mu: empties the ring (an aborting close); returns how many tasks it held. */
uint64_t ct__ring_discard(ct__ring *r);
/* Under r->mu: push, growing the ring past its cap if needed (-ENOMEM). */
int ct__ring_push_grow(ct__ring *r, ct_pool_task t);
static inline bool ct__ring_pop_locked(ct__ring *r, ct_pool_task *t)
{
    if (r->size == 0)
        return false;
    *t = r->slot[r->head];
    r->head = (r->head + 1) % r->cap;
    r->size--;
    /* seq_cst: read by ct__ring_peek; in the same total order as the idle
     * counters */
    atomic_store_explicit(&r->count, r->size, memory_order_seq_cst);
    return true;
}
static inline size_t ct__ring_peek(ct__ring *r)
{
    /* seq_cst: the sleeper's recheck of the idle Dekker pair; pairs with the
     * seq_cst stores in push/pop */
    return atomic_load_explicit(&r->count, memory_order_seq_cst);
}

/* The queue engine (pool_queue.c) behind fixed and dynamic. */
extern const ct_pool_vt ct__pool_queue_vt;
/* The spawn engine (pool_spawn.c) behind spawn and spawn_sem. */
extern const ct_pool_vt ct__pool_spawn_vt;

#endif /* CT_POOL_INTERNAL_H */
