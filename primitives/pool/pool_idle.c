/*
 * pool_idle.c: the idle-worker protocol every design with workers shares
 * (pool_internal.h, ct__pool_idle): a worker that finds nothing spins, then
 * yields, then sleeps on a futex; whoever makes work visible wakes one
 * sleeper only if nobody spins. Its own file because both sides of its
 * Dekker pair must be read together to see that no wake-up is lost.
 */
#include <errno.h>
#include <sched.h>

#include "ct_asymfence.h"
#include "ct_waitreg.h"
#include "pool_internal.h"

/* The spin (CT__POOL_IDLE_SPINS pause hints) looks for work after 1, 2, 4
 * ... up to this many pause hints: each look pulls the queue's lines into
 * its cache, so a submitter pushing meanwhile would pay a cache miss per
 * task; backing off lets a few tasks pile up between looks (at most about
 * 2 us at this cap). */
#define IDLE_POLL_MIN 16u
#define IDLE_POLL_MAX 64u
/* Then it yields its core this many times, looking for work in between,
 * before it sleeps: with more threads than cores (submitters and workers
 * on 2 cores) the thread that would make work is often waiting for this
 * very core, and a yield hands it over for a fraction of a sleep and a
 * wake-up (Go's locks spin, yield, then sleep the same way). On an idle
 * machine a yield returns at once: a slower spin. */
#define IDLE_YIELDS 16u

bool ct_pool_idle_wait(ct_pool *p, bool (*has_work)(ct_pool *p), int64_t deadline_ns)
{
    ct__pool_idle *id = &p->idle;
    uint32_t seq;
    int rc;

    /* seq_cst: Dekker pair with ct_pool_idle_notify's read of spinning */
    if (atomic_fetch_add_explicit(&id->spinning, 1, memory_order_seq_cst) < id->max_spinners) {
        for (unsigned spent = 0, d = IDLE_POLL_MIN; spent < CT__POOL_IDLE_SPINS; spent += d) {
            if (has_work(p)) {
                atomic_fetch_sub_explicit(&id->spinning, 1, memory_order_seq_cst);
                return true;
            }
            for (unsigned i = 0; i < d; i++)
                ct_cpu_relax();
            if (d < IDLE_POLL_MAX)
                d *= 2;
        }
        for (unsigned y = 0; y < IDLE_YIELDS; y++) {
            if (has_work(p)) {
                atomic_fetch_sub_explicit(&id->spinning, 1, memory_order_seq_cst);
                return true;
            }
            sched_yield();
        }
    }
    /* acquire: pairs with the waker's release bump; loaded before we
     * announce ourselves, so a bump after our recheck fails the futex_wait */
    seq = atomic_load_explicit(&id->seq, memory_order_acquire);
    /* seq_cst, both: a spinner becomes a sleeper with no instant at which a
     * notifier would see neither */
    atomic_fetch_add_explicit(&id->sleeping, 1, memory_order_seq_cst);
    atomic_fetch_sub_explicit(&id->spinning, 1, memory_order_seq_cst);
    if (id->asym) /* the heavy side of notify_light's pair */
        ct_asymfence_heavy();
    if (has_work(p)) {
        atomic_fetch_sub_explicit(&id->sleeping, 1, memory_order_seq_cst);
        return true;
    }
    ct_wait_enter("pool idle", p);
    rc = ct_futex_wait(&id->seq, seq, deadline_ns);
    ct_wait_exit();
    atomic_fetch_sub_explicit(&id->sleeping, 1, memory_order_seq_cst);
    return rc != -ETIMEDOUT;
}

void ct_pool_idle_notify(ct_pool *p)
{
    ct__pool_idle *id = &p->idle;

    /* seq_cst: the notifier's side of the Dekker pair; the work it made
     * visible was stored seq_cst before */
    if (atomic_load_explicit(&id->spinning, memory_order_seq_cst) == 0 &&
        atomic_load_explicit(&id->sleeping, memory_order_seq_cst) > 0) {
        /* release: pairs with the sleeper's acquire load of seq */
        atomic_fetch_add_explicit(&id->seq, 1, memory_order_release);
        ct_futex_wake(&id->seq, 1);
    }
}

void ct__pool_idle_notify_light(ct_pool *p)
{
    ct__pool_idle *id = &p->idle;

    ct_asymfence_light(); /* pairs with ct_asymfence_heavy in idle_wait */
    /* relaxed: ordered by the fences (their Dekker pair) */
    if (atomic_load_explicit(&id->spinning, memory_order_relaxed) == 0 &&
        atomic_load_explicit(&id->sleeping, memory_order_relaxed) > 0) {
        /* release: pairs with the sleeper's acquire load of seq */
        atomic_fetch_add_explicit(&id->seq, 1, memory_order_release);
        ct_futex_wake(&id->seq, 1);
    }
}

void ct_pool_idle_wake_all(ct_pool *p)
{
    /* release: pairs with the sleeper's acquire load of seq */
    atomic_fetch_add_explicit(&p->idle.seq, 1, memory_order_release);
    ct_futex_wake(&p->idle.seq, INT_MAX);
}
