/*
 * ct_spinlock.h: busy-waiting locks shared by the families, static inline:
 * test-and-set (ct_spin_tas_*), test-and-test-and-set with bounded
 * exponential backoff (ct_spin_ttas_*) and a FIFO ticket lock (ct_ticket_*).
 *
 * Synchronization table, for each of the three locks:
 *
 *              | lock | trylock | unlock             | init
 * -------------+------+---------+--------------------+-----
 *  lock        | yes  | yes     | yes (by the owner) | no
 *  trylock     | yes  | yes     | yes (by the owner) | no
 *  unlock      | yes  | yes     | no (one owner)     | no
 *  init        | no   | no      | no                 | no
 *
 *  - unlock happens-before the lock (or successful trylock) that next takes
 *    the lock: the releasing store in unlock pairs with the acquiring read in
 *    lock, so whatever the previous owner wrote inside its critical section is
 *    visible to the next owner. TSan sees this through the C11 atomics; no
 *    annotation is needed.
 *  - Only the owner may unlock. None of these locks is recursive or checks its
 *    owner: unlocking a lock you do not hold breaks mutual exclusion silently.
 *  - A zero-filled lock is an unlocked lock (ct_alloc_aligned zeroes), but
 *    call init anyway: it says so in the code.
 *
 * None of them ever calls sched_yield or sleeps: spinning is the point. With
 * more runnable threads than cores, a waiter burns its whole time slice while
 * the owner (or, for the ticket lock, the next in line) sits preempted; the
 * benchmarks show that collapse next to the blocking mutex. Competitors built
 * on these locks declare CT_CAP_SPINNING. The one exception is
 * ct_spin_ttas_lock_yield, for a design's internal slow-path lock (not the
 * competitor being measured): it spins as long as an idle pool worker does,
 * then yields between looks, as the project's other spin-then-yield loops do.
 *
 * The state is C11 _Atomic: include this from C only (never from a header
 * the C++ shim includes); families embed the lock in their private structs.
 */
#ifndef CT_SPINLOCK_H
#define CT_SPINLOCK_H

#ifdef __cplusplus
#error "ct_spinlock.h uses C11 <stdatomic.h>; include it from C files only"
#endif

#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "ct_common.h"

/* ---- test-and-set ----------------------------------------------------------
 * Every attempt is an atomic exchange, i.e. a write: each waiter keeps pulling
 * the line into its own cache in exclusive state, so the line ping-pongs
 * between waiters even while the owner works. The baseline the others beat.
 * Unfair: whoever's exchange lands first after unlock wins.
 */
typedef struct ct_spin_tas {
    atomic_bool locked;
} ct_spin_tas;

static inline void ct_spin_tas_init(ct_spin_tas *l)
{
    /* atomic_init is not an atomic operation: whatever publishes the lock to
     * other threads (thread creation, a release store) orders it. */
    atomic_init(&l->locked, false);
}

static inline bool ct_spin_tas_trylock(ct_spin_tas *l)
{
    /* acquire: pairs with the release store in ct_spin_tas_unlock */
    return !atomic_exchange_explicit(&l->locked, true, memory_order_acquire);
}

static inline void ct_spin_tas_lock(ct_spin_tas *l)
{
    /* acquire: pairs with the release store in ct_spin_tas_unlock */
    while (atomic_exchange_explicit(&l->locked, true, memory_order_acquire))
        ct_cpu_relax();
}

static inline void ct_spin_tas_unlock(ct_spin_tas *l)
{
    /* release: pairs with the acquire exchange in ct_spin_tas_lock/trylock */
    atomic_store_explicit(&l->locked, false, memory_order_release);
}

/* ---- test-and-test-and-set with bounded exponential backoff ----------------
 * Waiters spin on a plain load, which keeps the line shared in every waiter's
 * cache and costs no traffic until the owner's unlock invalidates it; only
 * then do they try the exchange. After a failed exchange a waiter backs off
 * for a doubling number of pause hints (capped), so the stampede that follows
 * each unlock thins out. Unfair, like TAS.
 */
#define CT_SPIN_BACKOFF_MIN 4u
#define CT_SPIN_BACKOFF_MAX 1024u /* pauses; ~10-40 us on current x86 */
/* ct_spin_ttas_lock_yield: pause hints in one wait for the line before each
 * further look yields the CPU (the owner may be preempted). */
#define CT_SPIN_YIELD_AFTER 1024u

typedef struct ct_spin_ttas {
    atomic_bool locked;
} ct_spin_ttas;

static inline void ct_spin_ttas_init(ct_spin_ttas *l)
{
    /* not atomic: ordered by whatever publishes the lock (see tas_init) */
    atomic_init(&l->locked, false);
}

static inline bool ct_spin_ttas_trylock(ct_spin_ttas *l)
{
    /* relaxed: only a hint that saves a write when the lock is taken; the
     * exchange below does the acquiring. */
    if (atomic_load_explicit(&l->locked, memory_order_relaxed))
        return false;
    /* acquire: pairs with the release store in ct_spin_ttas_unlock */
    return !atomic_exchange_explicit(&l->locked, true, memory_order_acquire);
}

/* The lock; yield: see ct_spin_ttas_lock_yield. */
static inline void ct__spin_ttas_lock(ct_spin_ttas *l, bool yield)
{
    unsigned backoff = CT_SPIN_BACKOFF_MIN;

    for (;;) {
        /* acquire: pairs with the release store in ct_spin_ttas_unlock */
        if (!atomic_exchange_explicit(&l->locked, true, memory_order_acquire))
            return;
        /* Lost: wait out a backoff, then watch the line without writing it. */
        for (unsigned i = 0; i < backoff; i++)
            ct_cpu_relax();
        if (backoff < CT_SPIN_BACKOFF_MAX)
            backoff <<= 1;
        /* relaxed: a hint only; the exchange above re-checks and acquires */
        for (unsigned spins = 0; atomic_load_explicit(&l->locked, memory_order_relaxed); spins++) {
            if (yield && spins >= CT_SPIN_YIELD_AFTER)
                sched_yield(); /* the owner may be waiting for this CPU */
            else
                ct_cpu_relax();
        }
    }
}

static inline void ct_spin_ttas_lock(ct_spin_ttas *l)
{
    ct__spin_ttas_lock(l, false);
}

/* The same lock, for a slow path that is not itself being measured: after
 * CT_SPIN_YIELD_AFTER pauses of one wait it yields between looks, so on an
 * oversubscribed machine a preempted owner gets the CPU back instead of
 * waiting out the waiter's time slice. */
static inline void ct_spin_ttas_lock_yield(ct_spin_ttas *l)
{
    ct__spin_ttas_lock(l, true);
}

static inline void ct_spin_ttas_unlock(ct_spin_ttas *l)
{
    /* release: pairs with the acquire exchange in ct_spin_ttas_lock/trylock */
    atomic_store_explicit(&l->locked, false, memory_order_release);
}

/* ---- ticket lock -------------------------------------------------------------
 * A waiter draws a ticket with one fetch_add and spins (reading only) until
 * `owner` shows its number: FIFO, so starvation-free and fair. The price of
 * fairness: the lock is handed to the next ticket even if that thread is not
 * running, so when threads outnumber cores every handoff can wait for a
 * context switch; of the three, it collapses hardest under oversubscription.
 * Tickets wrap around modulo 2^32; only equality is compared, so that is fine
 * while fewer than 2^32 threads wait at once.
 */
typedef struct ct_ticket {
    atomic_uint next;  /* the next ticket to hand out */
    atomic_uint owner; /* the ticket now allowed in */
} ct_ticket;

static inline void ct_ticket_init(ct_ticket *l)
{
    /* not atomic: ordered by whatever publishes the lock (see tas_init) */
    atomic_init(&l->next, 0);
    atomic_init(&l->owner, 0);
}

static inline void ct_ticket_lock(ct_ticket *l)
{
    /* relaxed: drawing a ticket orders nothing by itself; the RMW alone makes
     * tickets unique. The acquire is on `owner` below. */
    unsigned me = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);

    /* acquire: pairs with the release store in ct_ticket_unlock */
    while (atomic_load_explicit(&l->owner, memory_order_acquire) != me)
        ct_cpu_relax();
}

static inline bool ct_ticket_trylock(ct_ticket *l)
{
    /* acquire: pairs with the release store in ct_ticket_unlock; if we then
     * take ticket `cur`, this load read the unlock that let `cur` in. */
    unsigned cur = atomic_load_explicit(&l->owner, memory_order_acquire);

    /* Free iff nobody holds or waits for a ticket: next == owner. Taking
     * ticket `cur` only if next is still `cur` makes us the owner at once.
     * relaxed (both): the acquire load above already ordered us after the
     * last unlock, and `owner` cannot move while next == owner. */
    return atomic_compare_exchange_strong_explicit(&l->next, &cur, cur + 1, memory_order_relaxed,
                                                   memory_order_relaxed);
}

static inline void ct_ticket_unlock(ct_ticket *l)
{
    /* relaxed: only the owner writes `owner`, so it reads its own last value */
    unsigned me = atomic_load_explicit(&l->owner, memory_order_relaxed);

    /* release: pairs with the acquire load in ct_ticket_lock/trylock. A plain
     * store, not a fetch_add: the owner is the only writer, so no lock prefix
     * is needed. */
    atomic_store_explicit(&l->owner, me + 1, memory_order_release);
}

#endif /* CT_SPINLOCK_H */
