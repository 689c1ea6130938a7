/*
 * ct_sched_hooks.h: how the waiting code of common/ (the parker, the wait
 * registry, sleeps) reaches a coroutine scheduler (primitives/go) without
 * depending on it: the scheduler sets ct__co_current on every switch and
 * installs its hooks once, before its first coroutine runs.
 *
 * On a plain thread ct__co_current is NULL and nothing here is called: a
 * parker sleeps on a futex, as it always did. On a coroutine, a parker parks
 * the coroutine (its worker runs another) and its unpark makes the coroutine
 * runnable again, so every primitive built on the parker works from
 * coroutines unchanged.
 *
 * Synchronization: ct__co_current is the calling thread's own;
 * ct__sched_hooks is written once, before any coroutine exists (the
 * coroutine's start happens-after it), and only read afterwards.
 *
 * C only (ct_parker holds C11 atomics).
 */
#ifndef CT_SCHED_HOOKS_H
#define CT_SCHED_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

#include "ct_futex.h"
#include "ct_waitreg.h"

/* The coroutine running on this thread, NULL on a plain thread. */
extern _Thread_local void *ct__co_current;

typedef struct ct_sched_hooks {
    /* Park the current coroutine on p (armed by it, state IDLE or FIRED)
     * until fired or until the absolute deadline_ns (< 0: none). true if
     * fired (the waker's writes are visible), false on timeout. */
    bool (*park)(ct_parker *p, int64_t deadline_ns);
    /* co was parked on a parker that has just been fired: make it runnable. */
    void (*ready)(void *co);
    /* The current coroutine announces a wait (op NULL: its wait ended), for
     * the scheduler's report of parked coroutines. */
    void (*wait_note)(const char *op, const void *obj);
    /* The current coroutine lets the others run (queued behind them). */
    void (*yield)(void);
    /* For the deadlock detector: if no coroutine is running or runnable and
     * no timer is pending (every worker asleep), fill out[0..n-1] with the
     * waits of parked coroutines and return how many are parked; else
     * return CT_SCHED_BUSY. *progress: a count of switches, which moves
     * whenever a coroutine runs. */
    size_t (*quiescent)(ct_wait_info *out, size_t n, uint64_t *progress);
} ct_sched_hooks;

#define CT_SCHED_BUSY ((size_t)-1)

extern const ct_sched_hooks *ct__sched_hooks;

#endif /* CT_SCHED_HOOKS_H */
