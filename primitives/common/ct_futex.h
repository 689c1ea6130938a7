/*
 * ct_futex.h: Linux futex wait/wake and a one-shot parker built on them.
 *
 * Synchronization table:
 *
 *                 | futex_wait | futex_wake | parker_park | parker_unpark
 * ----------------+------------+------------+-------------+--------------
 *  futex_wait     | yes        | yes        | -           | -
 *  futex_wake     | yes        | yes        | -           | -
 *  parker_park    | -          | -          | no (owner)  | yes
 *  parker_unpark  | -          | -          | yes         | no (once per arm)
 *
 *  - A parker is armed by its owner (ct_parker_arm), published to one or more
 *    would-be wakers (typically under a lock), and fired at most once by the
 *    waker that won the right to (the caller decides who: e.g. a CAS on its
 *    own "done" word). ct_parker_unpark's release store pairs with the
 *    acquire load in ct_parker_park/ct_parker_fired: whatever the waker wrote
 *    before unpark is visible to the owner once park returns 1. TSan sees
 *    that pairing through the C11 atomics; the futex syscall itself orders
 *    nothing we rely on.
 *  - The waker pays a syscall only if the owner has announced it sleeps
 *    (state CT_PARK_SLEEPING); a waiter that is still spinning or has not yet
 *    gone to sleep sees the state change without any syscall.
 *  - On a coroutine (ct_sched_hooks.h) the owner parks the coroutine, not
 *    the thread, and the waker makes it runnable instead of FUTEX_WAKE: the
 *    parker remembers its owner coroutine at arm time. Spins and yields are
 *    skipped there (the waker may need this very worker to run).
 *  - Lifetime: the owner may return (and reuse the parker's memory) as soon as
 *    it sees the fired state, which the waker stores before its FUTEX_WAKE.
 *    A wake on memory that has since been reused is harmless to us: every
 *    futex waiter in this project rechecks its condition in a loop (as do
 *    glibc's), so a spurious wake-up costs at most a retry.
 *
 * C only (C11 atomics in the struct).
 */
#ifndef CT_FUTEX_H
#define CT_FUTEX_H

#ifdef __cplusplus
#error "ct_futex.h uses C11 <stdatomic.h>; include it from C files only"
#endif

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Sleep while *addr == expected, until woken or the absolute CLOCK_MONOTONIC
 * deadline_ns passes (deadline_ns < 0: no deadline). Returns 0 (woken, maybe
 * spuriously), -EAGAIN (*addr != expected on entry), -ETIMEDOUT or -EINTR.
 * On a coroutine (ct_sched_hooks.h) it parks the coroutine instead, in a
 * parking lot keyed by addr that ct_futex_wake also wakes: a protocol built
 * on a futex word then parks coroutines as it sleeps threads. As with the
 * kernel's futex, the waker changes *addr before it calls ct_futex_wake. */
int ct_futex_wait(_Atomic uint32_t *addr, uint32_t expected, int64_t deadline_ns);
/* Wake up to n sleepers on addr; returns how many were woken. */
int ct_futex_wake(_Atomic uint32_t *addr, int n);

/* Sleep until the absolute CLOCK_MONOTONIC deadline_ns: the thread, or on a
 * coroutine the coroutine only (its worker runs others meanwhile). */
void ct_sleep_until(int64_t deadline_ns);

/* The yield phase of a spin-yield-sleep wait: a thread gives its CPU away
 * (sched_yield), a coroutine lets the others queued on its worker run. */
void ct_yield_cpu(void);

/* The coroutine running on this thread (ct_sched_hooks.h), NULL on a thread. */
extern _Thread_local void *ct__co_current;

/* The spin phase's budget here: none on a coroutine, where the waker may
 * need this very worker (a spin would only delay it). */
static inline unsigned ct_spin_budget(unsigned spins)
{
    return ct__co_current ? 0 : spins;
}

enum { CT_PARK_IDLE = 0, CT_PARK_SLEEPING = 1, CT_PARK_FIRED = 2 };

typedef struct ct_parker {
    _Atomic uint32_t state; /* CT_PARK_* */
    void *co;               /* the owner coroutine, NULL for a thread: set at arm */
} ct_parker;

/* Reset before publishing the parker to wakers (not atomic w.r.t. wakers:
 * publish it afterwards, e.g. under a lock). */
static inline void ct_parker_arm(ct_parker *p)
{
    atomic_init(&p->state, CT_PARK_IDLE);
    p->co = ct__co_current;
}

/* Has it been fired? */
static inline bool ct_parker_fired(ct_parker *p)
{
    /* acquire: pairs with the release exchange in ct_parker_unpark */
    return atomic_load_explicit(&p->state, memory_order_acquire) == CT_PARK_FIRED;
}

/* Spin up to `spins` pause hints, then sleep until fired or the absolute
 * deadline (deadline_ns < 0: none). Returns true if fired (the waker's writes
 * are visible), false on timeout. */
bool ct_parker_park(ct_parker *p, unsigned spins, int64_t deadline_ns);
/* The same with a yield phase between the spin and the sleep: up to `yields`
 * sched_yield calls, each followed by a look. With more runnable threads
 * than cores, the thread that will fire us may be waiting for this very CPU:
 * yielding lets it run now, where a sleep would cost a wake-up. */
bool ct_parker_park_yield(ct_parker *p, unsigned spins, unsigned yields, int64_t deadline_ns);

/* Fire: the owner's park returns true. Syscall only if the owner sleeps. */
void ct_parker_unpark(ct_parker *p);

/* unpark in two halves, for a waker that fires under a lock: fire (no
 * syscall; true if the owner sleeps) under the lock, then wake the sleepers
 * after releasing it. A coroutine owner is made runnable by fire itself (no
 * system call as a rule; fire then returns false). A lock held across a FUTEX_WAKE (~20 us on a VM) keeps
 * every other would-be holder waiting that long. The late wake is safe by the
 * lifetime rule above (a wake on reused memory is a spurious wake-up). */
bool ct_parker_fire(ct_parker *p);
void ct_parker_wake(ct_parker *p);

#endif /* CT_FUTEX_H */
