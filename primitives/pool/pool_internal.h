/*
 * pool_internal.h: what the pool designs share (not installed).
 *
 * The core is the same for every design and owns what they all need the
 * same way; a design supplies a vt (start its threads, try to queue a task,
 * close, join). The core's files, one concern each:
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
#include "pool.h"

typedef struct ct__task {
    ct_pool_fn fn;
    void *arg;
} ct__task;

/* A task in a lock-free queue's slot: a thief or a stale consumer may read
 * a slot while its owner rewrites it (and then loses its CAS and drops what
 * it read), so both words are relaxed atomics; the queue's release/acquire
 * on its indices publishes them. */
typedef struct ct__aslot {
    _Atomic(ct_pool_fn) fn;
    _Atomic(void *) arg;
} ct__aslot;

static inline void ct__aslot_put(ct__aslot *s, ct__task t)
{
    /* relaxed: published by the caller's release store of its index */
    atomic_store_explicit(&s->fn, t.fn, memory_order_relaxed);
    atomic_store_explicit(&s->arg, t.arg, memory_order_relaxed);
}

static inline ct__task ct__aslot_get(ct__aslot *s)
{
    /* relaxed: acquired by the caller's load of the index; valid only if
     * the caller's claim (a CAS) then succeeds */
    return (ct__task){atomic_load_explicit(&s->fn, memory_order_relaxed),
                      atomic_load_explicit(&s->arg, memory_order_relaxed)};
}

/* Idle workers: the wake-up policy shared by every design with workers.
 * A worker that finds nothing spins a while (counted in `spinning`), then
 * sleeps on `seq` (counted in `sleeping`). Whoever makes work visible calls
 * ct__pool_idle_notify: it wakes one sleeper only when no worker is
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

/* Blocked submitters sleep on a space word: the pool's own, or one per queue
 * for a design with several (vt->space). */
typedef struct ct__pool_space {
    _Atomic uint32_t seq;     /* futex word: bumped per wake */
    _Atomic uint32_t waiters; /* submitters asleep on seq, or about to be */
} ct__pool_space;

typedef struct ct__pool_vt {
    /* Start the design's threads; p->params is validated. 0 or -errno. */
    int (*start)(ct_pool *p);
    /* Queue t: 0, CT_WOULDBLOCK (full), CT_CLOSED or -errno. Never blocks. */
    int (*try_submit)(ct_pool *p, ct__task t);
    /* Stop accepting (try_submit returns CT_CLOSED from now on); if abort,
     * drop what is queued through ct__pool_drop. Wake every thread. */
    void (*close)(ct_pool *p, bool abort);
    /* Join every thread (after close). */
    void (*join)(ct_pool *p);
    /* Free the design's memory (after join, or after a failed start). */
    void (*destroy)(ct_pool *p);
    /* Optional. A design that counts the tasks it accepted itself (per
     * submitting thread, so no submit writes a shared line) returns their
     * sum here, read seq_cst and only ever growing; it then reports
     * finished tasks in batches through ct__pool_finish, runs them with
     * ct__pool_exec, and the core keeps no per-task shared counter. */
    uint64_t (*submitted)(ct_pool *p);
    /* Optional: the space word the calling thread sleeps on after its
     * try_submit said CT_WOULDBLOCK (default: the pool's). */
    ct__pool_space *(*space)(ct_pool *p);
} ct__pool_vt;

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
     * design calls ct__pool_space_notify whenever it frees room. */
    ct__pool_space space CT_CACHE_ALIGNED;

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
 * task, in pool_account.c's ct__pool_run and pool_submit.c's failed try. */
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

/* Run one task and account for it (done, errors, pending, wait). */
void ct__pool_run(ct_pool *p, ct__task t);
/* Designs with vt->submitted: run one task, recording only its error; and
 * account for `ran` tasks run and `dropped` dropped since the last call
 * (statistics, wait). */
void ct__pool_exec(ct_pool *p, ct__task t);
void ct__pool_finish(ct_pool *p, uint64_t ran, uint64_t dropped);
/* Wait until every submitted task has finished or been dropped (true), or
 * deadline_ns (absolute, < 0: none) has passed first (false). */
bool ct__pool_wait_until(ct_pool *p, int64_t deadline_ns);
/* n tasks were dropped (abort): account for them. */
void ct__pool_drop(ct_pool *p, uint64_t n);
/* Record a point of the worker-count trace (CT_POOL_CAP_TRACE pools). */
void ct__pool_trace_add(ct_pool *p, unsigned workers);
/* A thread of the pool started / ended (statistics and trace). */
void ct__pool_thread_started(ct_pool *p);
void ct__pool_thread_ended(ct_pool *p);
/* Room was freed: `room` slots are free out of `cap`. Wakes one blocked
 * submitter, if any, once at least half the room is free: a woken
 * submitter then has a burst of submits before it blocks again, instead of
 * paying a cross-core wake-up per task. Call it after every freeing (the
 * room only grows until a submitter runs, so the threshold is crossed). */
void ct__pool_space_notify(ct__pool_space *sp, size_t room, size_t cap);
/* Shutdown began: wake every submitter blocked on sp. */
void ct__pool_space_wake_all(ct__pool_space *sp);

/* The idle protocol. has_work(p) must read the design's work state with
 * seq_cst loads (it is the recheck of the Dekker pair); it should also be
 * true once p->closed is set, so sleepers leave at shutdown. Returns true if
 * it saw work or was woken, false when deadline_ns (absolute, < 0: none)
 * passed while asleep. */
bool ct__pool_idle_wait(ct_pool *p, bool (*has_work)(ct_pool *p), int64_t deadline_ns);
/* Work was made visible (after a seq_cst store that has_work reads). */
void ct__pool_idle_notify(ct_pool *p);
/* The same after a release store, for a pool with idle.asym set: the
 * notifier's fence is ct_asymfence_light, the sleeper's the heavy one. */
void ct__pool_idle_notify_light(ct_pool *p);
/* Wake every idle worker (shutdown). */
void ct__pool_idle_wake_all(ct_pool *p);

/* Start a thread of the pool: -errno on failure. Signals are blocked in it
 * (a pool thread never handles the process's signals). */
int ct__pool_spawn_thread(pthread_t *t, void *(*fn)(void *), void *arg);
/* The same for a worker started at creation, counted in the statistics
 * (and uncounted if it could not start). */
int ct__pool_start_worker(ct_pool *p, pthread_t *t, void *(*fn)(void *), void *arg);

/* The bounded MPMC ring under a mutex that fixed, dynamic and stealing's
 * injection queue share. `count` mirrors the size for lock-free peeks. */
typedef struct ct__ring {
    pthread_mutex_t mu;
    ct__task *slot;
    size_t cap, head, size; /* guarded by mu */
    _Atomic size_t count;   /* == size; stored seq_cst under mu, read without it */
} ct__ring;

int ct__ring_init(ct__ring *r, size_t cap);
void ct__ring_destroy(ct__ring *r);
/* Under r->mu. */
static inline bool ct__ring_push_locked(ct__ring *r, ct__task t)
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
int ct__ring_push_grow(ct__ring *r, ct__task t);
static inline bool ct__ring_pop_locked(ct__ring *r, ct__task *t)
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
extern const ct__pool_vt ct__pool_queue_vt;
/* The spawn engine (pool_spawn.c) behind spawn and spawn_sem. */
extern const ct__pool_vt ct__pool_spawn_vt;

#endif /* CT_POOL_INTERNAL_H */
