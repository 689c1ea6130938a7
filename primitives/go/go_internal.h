/*
 * go_internal.h: the coroutine runtime's private types (not installed).
 *
 *   go_fcontext_internal.h  Boost.Context's switch, declared once
 *   go_stack.c              stacks: slabs of units (guard page or canary,
 *                           stack, the coroutine's struct at its top), reuse
 *   go_sched.c              workers: run queues, injection, stealing, idle
 *                           and wake-up, start and shutdown
 *   go_timer.c              the timers of parks with a deadline, a heap per
 *                           worker
 *   go_co.c                 spawn, the switch (with the sanitizers' fiber
 *                           calls), park, ready, yield, exit
 *   go_wg.c                 the WaitGroup
 *
 * A coroutine's state moves RUNNABLE -> RUNNING -> (PARKED -> RUNNABLE ...)
 * -> DEAD; only its worker's scheduler loop moves it out of RUNNING, after
 * the switch, so no other worker can resume a coroutine whose stack is
 * still in use (Go's gopark runs its unlock on g0 for the same reason).
 *
 * C only (C11 atomics).
 */
#ifndef CT_GO_INTERNAL_H
#define CT_GO_INTERNAL_H

#ifdef __cplusplus
#error "go_internal.h uses C11 atomics; C only"
#endif

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "ct_deque.h"
#include "ct_futex.h"
#include "ct_sched_hooks.h"
#include "go.h"
#include "go_fcontext_internal.h"

#if defined(__SANITIZE_THREAD__)
#define CT__GO_TSAN 1
#endif
#if defined(__SANITIZE_ADDRESS__)
#define CT__GO_ASAN 1
#endif

enum { CT__CO_FREE, CT__CO_RUNNABLE, CT__CO_RUNNING, CT__CO_PARKED, CT__CO_DEAD };

/* What a coroutine asks of its scheduler when it switches out. */
enum { CT__GO_REQ_YIELD = 1, CT__GO_REQ_PARK, CT__GO_REQ_EXIT };

typedef struct ct__worker ct__worker;

typedef struct ct__timers ct__timers;

typedef struct ct__co {
    /* first: init_unit clears what follows ctx; read by reports at any time */
    _Atomic int state; /* CT__CO_*: relaxed, for reports; the queues order the rest */
    /* its timer armings over the unit's life, kept across reuse (go_timer.c) */
    _Atomic uint64_t timer_seq;
    ct__fcontext ctx; /* saved context while not running */
    ct_go_fn fn;
    void *arg;
    const char *name;
    int req;                /* CT__GO_REQ_*: written by the coroutine before it switches out */
    ct_parker *park;        /* REQ_PARK: the parker */
    int64_t deadline;       /* REQ_PARK: absolute ns, < 0 none */
    ct__timers *timer_heap; /* the heap its last timer was armed on */
    /* the wait it announced (ct_waitreg), for reports: relaxed atomics, read
     * by the deadlock detector while the coroutine may be woken */
    _Atomic(const char *) wait_op;
    _Atomic(const void *) wait_obj;
    struct ct__co *next;   /* injection queue, free lists */
    struct ct__unit *unit; /* its stack */
#ifdef CT__GO_TSAN
    void *tsan_fiber;
#endif
#ifdef CT__GO_ASAN
    void *asan_fake_stack;
#endif
} ct__co;

/* A stack and its coroutine: [guard or canary][stack ........ co struct]. */
typedef struct ct__unit {
    unsigned char *lo; /* lowest usable byte (above the guard page) */
    size_t size;       /* usable bytes, the co struct at the top included */
    bool guarded;      /* a PROT_NONE page below lo; else a canary at lo */
    _Atomic bool used; /* has held a coroutine: reports may read its struct */
    struct ct__unit *next_free;
    ct__co *co;
} ct__unit;

static inline void ct__co_slot_put(_Atomic(ct__co *) *s, ct__co *co)
{
    /* relaxed: published by the deque's seq_cst store of bottom */
    atomic_store_explicit(s, co, memory_order_relaxed);
}

static inline ct__co *ct__co_slot_get(_Atomic(ct__co *) *s)
{
    /* relaxed: acquired by the deque's load of bottom; valid if its CAS wins */
    return atomic_load_explicit(s, memory_order_relaxed);
}

#define CT__GO_DEQUE_CAP 256
CT_DEQUE_DEFINE(ct__co_deque, _Atomic(ct__co *), ct__co *, ct__co_slot_put, ct__co_slot_get,
                CT__GO_DEQUE_CAP)

#define CT__GO_UNIT_CACHE 32 /* stacks a worker keeps for its next spawns */

typedef struct ct__timer {
    int64_t deadline;
    ct__co *co;
    uint64_t seq; /* co->timer_seq when armed: live while they match */
} ct__timer;

/* A worker's timers (go_timer.c). */
struct ct__timers {
    pthread_mutex_t lock; /* the heap, and the seq of the coroutines armed on it */
    ct__timer *heap;
    size_t n, cap;
    _Atomic int64_t next CT_CACHE_ALIGNED; /* heap[0]'s deadline, INT64_MAX if none */
};

struct ct__worker {
    ct__co_deque rq;                            /* first: its top and bottom own their lines */
    _Atomic(ct__co *) runnext CT_CACHE_ALIGNED; /* readied last; thieves may take it */
    ct__fcontext sched_ctx;                     /* the scheduler loop, while a coroutine runs */
    ct__co *cur;                                /* the coroutine running here, NULL in the loop */
    pthread_t thread;
    unsigned id;
    uint64_t rng;
    unsigned tick;
    ct__unit *cache[CT__GO_UNIT_CACHE];
    unsigned ncache;
    ct__timers timers; /* the parks with a deadline that parked here */
    /* this worker's own counts (one writer; stats sum them): relaxed */
    _Atomic uint64_t started CT_CACHE_ALIGNED;
    _Atomic uint64_t exited;
    _Atomic uint64_t runs; /* switches into a coroutine: the detector's progress */
#ifdef CT__GO_TSAN
    void *tsan_sched;
#endif
#ifdef CT__GO_ASAN
    void *asan_fake_stack;
    const void *sched_stack_lo;
    size_t sched_stack_size;
#endif
};

/* ---- go_stack.c ---- */
/* A unit with a fresh coroutine struct at its top, from the worker's cache
 * (w may be NULL) or the global free list or a new slab; NULL + errno. */
ct__unit *ct__go_unit_get(ct__worker *w, size_t stack_size);
/* Back to w's cache (or the global list). */
void ct__go_unit_put(ct__worker *w, ct__unit *u);
/* Abort, naming the coroutine, if its stack overflowed into the canary. */
void ct__go_unit_check(const ct__unit *u);
/* Every unit ever made, for shutdown's report: calls f on each in use. */
void ct__go_units_each(void (*f)(ct__unit *u, void *ctx), void *ctx);
/* Unmap every slab (after shutdown); the counters for stats. */
void ct__go_units_release(void);
void ct__go_units_stats(uint64_t *stacks, uint64_t *guarded);

/* ---- go_sched.c ---- */
/* The worker this thread is, NULL on a plain thread. */
ct__worker *ct__go_self(void);
/* Make co runnable: from a worker, into its run-next slot (the previous one
 * moves to its deque); from a thread, into the injection queue. Wakes an
 * idle worker if none is spinning. */
void ct__go_ready(ct__co *co);
/* w's run queue is full (w's own thread: the next ready overflows). */
bool ct__go_runq_full(ct__worker *w);
bool ct__go_inject_long(void);
/* Queue co behind everything runnable (yield). */
void ct__go_ready_last(ct__co *co);
/* After co switched out to park: announce it sleeps on its parker (and
 * arm its timer); false if the parker was fired meanwhile (run it again). */
bool ct__go_park_commit(ct__co *co);
/* Start the scheduler if it is not running. 0 or -errno. */
int ct__go_ensure_started(void);
/* Count a start (on w, or a plain thread's when w is NULL), an exit, a run. */
void ct__go_count_start(ct__worker *w);
void ct__go_count_exit(ct__worker *w);
void ct__go_count_run(ct__worker *w);
/* The deadlock detector's hook (ct_sched_hooks.h). */
size_t ct__go_quiescent(ct_wait_info *out, size_t n, uint64_t *progress);

/* ---- go_timer.c ---- */
void ct__go_timers_init(ct__timers *t);
void ct__go_timers_destroy(ct__timers *t);
/* Arm co's timer (seq: its timer_seq before the park committed); true if
 * it is now the heap's earliest. */
bool ct__go_timers_add(ct__timers *t, int64_t deadline, ct__co *co, uint64_t seq);
/* co runs again after a park with a deadline: its timer is no longer live. */
void ct__go_timers_cancel(ct__co *co);
/* Take up to max coroutines whose deadline passed by now, each already
 * moved from sleeping to idle on its parker: the caller readies them. */
size_t ct__go_timers_due(ct__timers *t, int64_t now, ct__co **due, size_t max);

/* ---- go_co.c ---- */
/* Run co on worker w until it switches out; then carry out its request. */
void ct__go_run(ct__worker *w, ct__co *co);
/* Free what a coroutine holds besides its unit (shutdown, for parked ones). */
void ct__go_co_release(ct__co *co);
/* The hooks the parker and the wait registry call (ct_sched_hooks.h). */
extern const ct_sched_hooks ct__go_hooks;

#endif /* CT_GO_INTERNAL_H */
