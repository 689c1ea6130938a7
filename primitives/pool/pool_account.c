/*
 * pool_account.c: what the core counts for every design: tasks pending (or,
 * for a design with vt->submitted, finished against its own submitted sum)
 * and ct_pool_wait, the only reader that sleeps on them; task errors;
 * statistics; the worker-count trace. Kept apart from submitting and idling
 * because these are the numbers wait and the reports trust: one place says
 * how each is ordered.
 */
#include <stdlib.h>
#include <string.h>

#include "ct_waitreg.h"
#include "pool_internal.h"

/* ---- tasks: run, finished, dropped ------------------------------------------ */

void ct_pool_exec_task(ct_pool *p, ct_pool_task t)
{
    int rc = t.fn(t.arg);

    if (rc != 0 && atomic_fetch_add_explicit(&p->nerr, 1, memory_order_relaxed) == 0)
        /* relaxed: published by the seq_cst RMW that accounts for the task
         * afterwards (ct__pool_pending_sub, ct_pool_finish_tasks), which the last
         * task's RMW follows in the counter's modification order */
        atomic_store_explicit(&p->first_err, rc, memory_order_relaxed);
}

void ct_pool_run_task(ct_pool *p, ct_pool_task t)
{
    ct_pool_exec_task(p, t);
    atomic_fetch_add_explicit(&p->done, 1, memory_order_relaxed); /* a statistic */
    ct__pool_pending_sub(p, 1);
}

/* Every task accepted so far has finished or been dropped (vt->submitted
 * designs). finished is read first: it never exceeds the submitted count,
 * and both only grow, so if the later sum of submissions equals it, the
 * two were equal at the instant finished was read. */
static bool quiescent(ct_pool *p, uint64_t finished)
{
    return p->ops->vt->submitted(p) == finished;
}

void ct_pool_finish_tasks(ct_pool *p, uint64_t ran, uint64_t dropped)
{
    uint64_t f;

    if (!ran && !dropped)
        return;
    /* relaxed: statistics */
    if (ran)
        atomic_fetch_add_explicit(&p->done, ran, memory_order_relaxed);
    if (dropped)
        atomic_fetch_add_explicit(&p->dropped, dropped, memory_order_relaxed);
    /* seq_cst: releases the tasks' writes to wait's load; Dekker pair with
     * wait_waiters (wait increments it, then rereads finished) */
    f = atomic_fetch_add_explicit(&p->finished, ran + dropped, memory_order_seq_cst) + ran +
        dropped;
    if (atomic_load_explicit(&p->wait_waiters, memory_order_seq_cst) > 0 && quiescent(p, f)) {
        /* release: the waiter's acquire load of wait_seq sees the bump or
         * its futex_wait fails with EAGAIN */
        atomic_fetch_add_explicit(&p->wait_seq, 1, memory_order_release);
        ct_futex_wake(&p->wait_seq, INT_MAX);
    }
}

void ct_pool_drop_tasks(ct_pool *p, uint64_t n)
{
    if (!n)
        return;
    atomic_fetch_add_explicit(&p->dropped, n, memory_order_relaxed); /* a statistic */
    ct__pool_pending_sub(p, (int64_t)n);
}

/* ---- wait and errors -------------------------------------------------------- */

/* Nothing submitted is unfinished. seq_cst loads: they acquire the finished
 * tasks' writes (ct__pool_pending_sub, ct_pool_finish_tasks) and are the rechecks
 * of the Dekker pair with wait_waiters. */
static bool all_done(ct_pool *p)
{
    if (p->ops->vt->submitted)
        return quiescent(p, atomic_load_explicit(&p->finished, memory_order_seq_cst));
    return atomic_load_explicit(&p->pending, memory_order_seq_cst) == 0;
}

bool ct__pool_wait_until(ct_pool *p, int64_t deadline_ns)
{
    for (;;) {
        uint32_t seq;

        if (all_done(p))
            return true;
        if (deadline_ns >= 0 && ct_now_ns() >= deadline_ns)
            return false;
        /* acquire: pairs with the release bump in ct__pool_pending_sub / finish */
        seq = atomic_load_explicit(&p->wait_seq, memory_order_acquire);
        /* seq_cst: Dekker pair with the decrement (or increment) then read */
        atomic_fetch_add_explicit(&p->wait_waiters, 1, memory_order_seq_cst);
        if (!all_done(p)) {
            ct_wait_enter("pool wait", p);
            ct_futex_wait(&p->wait_seq, seq, deadline_ns);
            ct_wait_exit();
        }
        atomic_fetch_sub_explicit(&p->wait_waiters, 1, memory_order_seq_cst);
    }
}

int ct_pool_wait(ct_pool *p)
{
    ct__pool_wait_until(p, -1);
    /* relaxed: ordered by the seq_cst load of pending (finished) in all_done */
    return atomic_load_explicit(&p->nerr, memory_order_relaxed)
               ? atomic_load_explicit(&p->first_err, memory_order_relaxed)
               : 0;
}

uint64_t ct_pool_errors(const ct_pool *p, int *first)
{
    ct_pool *q = (ct_pool *)p; /* atomic loads take non-const pointers */
    /* relaxed: final once wait or shutdown has returned (they order it) */
    uint64_t n = atomic_load_explicit(&q->nerr, memory_order_relaxed);

    if (first)
        *first = n ? atomic_load_explicit(&q->first_err, memory_order_relaxed) : 0;
    return n;
}

/* ---- threads: statistics and the trace -------------------------------------- */

void ct__pool_trace_add(ct_pool *p, unsigned workers)
{
    if (!p->trace)
        return;
    pthread_mutex_lock(&p->trace_mu);
    if (p->ntrace < CT__POOL_TRACE_MAX)
        p->trace[p->ntrace++] = (ct_pool_sample){ct_now_ns(), workers};
    pthread_mutex_unlock(&p->trace_mu);
}

void ct_pool_thread_started(ct_pool *p)
{
    /* relaxed: statistics, exact after the join */
    unsigned w = atomic_fetch_add_explicit(&p->workers, 1, memory_order_relaxed) + 1;
    unsigned peak = atomic_load_explicit(&p->workers_peak, memory_order_relaxed);

    while (w > peak &&
           !atomic_compare_exchange_weak_explicit(&p->workers_peak, &peak, w, memory_order_relaxed,
                                                  memory_order_relaxed)) {}
    atomic_fetch_add_explicit(&p->started, 1, memory_order_relaxed);
    ct__pool_trace_add(p, w);
}

void ct_pool_thread_ended(ct_pool *p)
{
    /* relaxed: statistics, exact after the join */
    unsigned w = atomic_fetch_sub_explicit(&p->workers, 1, memory_order_relaxed) - 1;

    atomic_fetch_add_explicit(&p->retired, 1, memory_order_relaxed);
    ct__pool_trace_add(p, w);
}

void ct_pool_get_stats(const ct_pool *p, ct_pool_stats *out)
{
    ct_pool *q = (ct_pool *)p; /* atomic loads take non-const pointers */

    /* relaxed: statistics; exact once the pool is joined */
    out->workers = atomic_load_explicit(&q->workers, memory_order_relaxed);
    out->workers_peak = atomic_load_explicit(&q->workers_peak, memory_order_relaxed);
    out->threads_started = atomic_load_explicit(&q->started, memory_order_relaxed);
    out->threads_retired = atomic_load_explicit(&q->retired, memory_order_relaxed);
    out->tasks_done = atomic_load_explicit(&q->done, memory_order_relaxed);
    out->tasks_dropped = atomic_load_explicit(&q->dropped, memory_order_relaxed);
}

size_t ct_pool_trace(const ct_pool *p, ct_pool_sample *out, size_t n)
{
    ct_pool *q = (ct_pool *)p; /* the mutex is not const */
    size_t have;

    if (!q->trace)
        return 0;
    pthread_mutex_lock(&q->trace_mu);
    have = q->ntrace;
    memcpy(out, q->trace, (n < have ? n : have) * sizeof *out);
    pthread_mutex_unlock(&q->trace_mu);
    return have;
}
