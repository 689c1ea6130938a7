/*
 * pool_submit.c: ct_pool_submit, try_submit and submit_ctx over the
 * design's non-blocking try_submit: one try with its pending count, the
 * spin-then-sleep of a submitter facing a full pool, and the space word
 * that wakes it (ct_pool_space_notify). Both sides of that Dekker pair
 * live here, as the idle protocol's do in pool_idle.c.
 */
#include <errno.h>
#include <sched.h>

#include "ct_waitreg.h"
#include "pool_internal.h"

/* ---- the space word: waking blocked submitters ------------------------------ */

void ct_pool_space_notify(ct_pool_space *sp, size_t room, size_t cap)
{
    /* seq_cst: Dekker pair with the submitter's increment then retry */
    if (2 * room >= cap && atomic_load_explicit(&sp->waiters, memory_order_seq_cst) > 0) {
        /* release: pairs with the submitter's acquire load of seq */
        atomic_fetch_add_explicit(&sp->seq, 1, memory_order_release);
        ct_futex_wake(&sp->seq, 1);
    }
}

void ct_pool_space_wake_all(ct_pool_space *sp)
{
    /* release: pairs with the submitter's acquire load of seq */
    atomic_fetch_add_explicit(&sp->seq, 1, memory_order_release);
    ct_futex_wake(&sp->seq, INT_MAX);
}

/* ---- submitting ------------------------------------------------------------- */

static int try_once(ct_pool *p, ct_pool_task t)
{
    int rc;

    if (p->ops->vt->submitted) /* the design counts its own */
        return p->ops->vt->try_submit(p, t);
    /* seq_cst: counted before it can run, so pending never goes below zero */
    atomic_fetch_add_explicit(&p->pending, 1, memory_order_seq_cst);
    rc = p->ops->vt->try_submit(p, t);
    if (rc != 0)
        ct__pool_pending_sub(p, 1);
    return rc;
}

#define SUBMIT_RETRIES 8
/* After the spin, a submitter facing a full queue yields as an idle worker
 * does (pool_idle.c). */
#define SUBMIT_YIELDS 16u

/* How long a submit_ctx sleeps before looking at its context again. */
#define CTX_POLL_NS 1000000

/* Spinning on a full queue pays when a slot frees within the first
 * retries (short tasks). With long tasks a spinning submitter finds room
 * only as each task ends, pushes one task and spins again, for ever: it
 * never sleeps and takes a core from the workers (figures in the README,
 * "Submitters facing a full queue"). So a thread stops spinning after
 * SPIN_MISSES blocked submits in a row where the spin did not pay (no room
 * within SPIN_PAID_TRIES tries), sleeping at once instead (woken with half
 * the queue free: a burst of submits), and tries spinning again every
 * SPIN_RETRY_EVERY blocked submits in case the tasks got shorter. */
#define SPIN_PAID_TRIES 2u
#define SPIN_MISSES 4u
#define SPIN_RETRY_EVERY 16u
static _Thread_local unsigned tl_spin_misses, tl_spin_skipped;

static bool spin_allowed(void)
{
    if (tl_spin_misses < SPIN_MISSES)
        return true;
    return ++tl_spin_skipped % SPIN_RETRY_EVERY == 0;
}

static void spin_outcome(bool paid)
{
    tl_spin_misses = paid ? 0 : tl_spin_misses + 1;
}

static int submit(ct_pool *p, ct_ctx *ctx, ct_pool_task t, bool block)
{
    ct_pool_space *sp = NULL;

    /* a coroutine may move between workers, and share one with another
     * submitter: a queue keyed by the thread would get two producers */
    if (CT_UNLIKELY(ct__co_current != NULL) && (p->ops->desc.caps & CT_POOL_CAP_THREAD_SUBMIT))
        return -EPERM;

    for (;;) {
        int rc, err;
        uint32_t seq;

        if (ctx && (err = ct_ctx_err(ctx)) != 0)
            return err;
        rc = try_once(p, t);
        if (rc != CT_WOULDBLOCK || !block)
            return rc;
        /* Full: retry a few times before sleeping, as idle workers spin
         * (a slot frees within a task's time when the tasks are short),
         * unless spinning has stopped paying for this thread */
        if (spin_allowed()) {
            unsigned tries = 0;

            for (unsigned i = 0; i < SUBMIT_RETRIES && rc == CT_WOULDBLOCK; i++, tries++) {
                for (unsigned j = 0; j < CT__POOL_IDLE_SPINS / SUBMIT_RETRIES; j++)
                    ct_cpu_relax();
                rc = try_once(p, t);
            }
            for (unsigned i = 0; i < SUBMIT_YIELDS && rc == CT_WOULDBLOCK; i++, tries++) {
                ct_yield_cpu();
                rc = try_once(p, t);
            }
            spin_outcome(rc != CT_WOULDBLOCK && tries < SPIN_PAID_TRIES);
        }
        if (rc != CT_WOULDBLOCK)
            return rc;
        if (!sp)
            sp = p->ops->vt->space ? p->ops->vt->space(p) : &p->space;
        /* acquire: pairs with the release bump in space_notify */
        seq = atomic_load_explicit(&sp->seq, memory_order_acquire);
        /* seq_cst: Dekker pair with space_notify's read */
        atomic_fetch_add_explicit(&sp->waiters, 1, memory_order_seq_cst);
        rc = try_once(p, t);
        if (rc == CT_WOULDBLOCK) {
            int64_t deadline = ctx ? ct_now_ns() + CTX_POLL_NS : -1;

            ct_wait_enter("pool submit", p);
            ct_futex_wait(&sp->seq, seq, deadline);
            ct_wait_exit();
        }
        atomic_fetch_sub_explicit(&sp->waiters, 1, memory_order_seq_cst);
        if (rc != CT_WOULDBLOCK)
            return rc;
    }
}

int ct_pool_submit(ct_pool *p, ct_pool_fn fn, void *arg)
{
    return submit(p, NULL, (ct_pool_task){fn, arg}, true);
}

int ct_pool_try_submit(ct_pool *p, ct_pool_fn fn, void *arg)
{
    return submit(p, NULL, (ct_pool_task){fn, arg}, false);
}

int ct_pool_submit_ctx(ct_pool *p, ct_ctx *ctx, ct_pool_fn fn, void *arg)
{
    return submit(p, ctx, (ct_pool_task){fn, arg}, true);
}
