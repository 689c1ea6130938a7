/*
 * pool.c: the pool family's core (see pool_internal.h) and its registry.
 * A new design is one .c file with its ct_pool_ops and one line in registry[].
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ct_asymfence.h"
#include "ct_futex.h"
#include "ct_waitreg.h"
#include "pool_internal.h"

static const ct_pool_ops *const registry[] = {
    &ct_pool_fixed, &ct_pool_dynamic, &ct_pool_stealing, &ct_pool_sharded, &ct_pool_spawn,
    &ct_pool_spawn_sem,
    NULL,
};

const ct_pool_ops *const *ct_pool_impls(void)
{
    return registry;
}

const ct_pool_ops *ct_pool_find(const char *name)
{
    for (size_t i = 0; name && registry[i]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    errno = EINVAL;
    return NULL;
}

/* ---- the ring shared by the queue designs ---------------------------------- */

int ct__ring_init(ct__ring *r, size_t cap)
{
    r->slot = calloc(cap, sizeof *r->slot);
    if (!r->slot)
        return -ENOMEM;
    r->cap = cap;
    r->head = r->size = 0;
    atomic_init(&r->count, 0);
    if (pthread_mutex_init(&r->mu, NULL)) {
        free(r->slot);
        return -ENOMEM;
    }
    return 0;
}

void ct__ring_destroy(ct__ring *r)
{
    pthread_mutex_destroy(&r->mu);
    free(r->slot);
}

uint64_t ct__ring_discard(ct__ring *r)
{
    uint64_t n = 0;
    ct__task t;

    pthread_mutex_lock(&r->mu);
    while (ct__ring_pop_locked(r, &t))
        n++;
    pthread_mutex_unlock(&r->mu);
    return n;
}

int ct__ring_push_grow(ct__ring *r, ct__task t)
{
    if (r->size == r->cap) {
        ct__task *bigger = calloc(2 * r->cap, sizeof *bigger);

        if (!bigger)
            return -ENOMEM;
        for (size_t i = 0; i < r->size; i++)
            bigger[i] = r->slot[(r->head + i) % r->cap];
        free(r->slot);
        r->slot = bigger;
        r->head = 0;
        r->cap *= 2;
    }
    ct__ring_push_locked(r, t);
    return 0;
}

/* ---- accounting ------------------------------------------------------------- */

static void pending_sub(ct_pool *p, int64_t n)
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

void ct__pool_exec(ct_pool *p, ct__task t)
{
    int rc = t.fn(t.arg);

    if (rc != 0 && atomic_fetch_add_explicit(&p->nerr, 1, memory_order_relaxed) == 0)
        /* relaxed: published by the seq_cst RMW that accounts for the task
         * afterwards (pending_sub, ct__pool_finish), which the last task's
         * RMW follows in the counter's modification order */
        atomic_store_explicit(&p->first_err, rc, memory_order_relaxed);
}

void ct__pool_run(ct_pool *p, ct__task t)
{
    ct__pool_exec(p, t);
    atomic_fetch_add_explicit(&p->done, 1, memory_order_relaxed); /* a statistic */
    pending_sub(p, 1);
}

/* Every task accepted so far has finished or been dropped (vt->submitted
 * designs). finished is read first: it never exceeds the submitted count,
 * and both only grow, so if the later sum of submissions equals it, the
 * two were equal at the instant finished was read. */
static bool quiescent(ct_pool *p, uint64_t finished)
{
    return p->ops->vt->submitted(p) == finished;
}

void ct__pool_finish(ct_pool *p, uint64_t ran, uint64_t dropped)
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

void ct__pool_drop(ct_pool *p, uint64_t n)
{
    if (!n)
        return;
    atomic_fetch_add_explicit(&p->dropped, n, memory_order_relaxed); /* a statistic */
    pending_sub(p, (int64_t)n);
}

static void trace_add(ct_pool *p, unsigned workers)
{
    if (!p->trace)
        return;
    pthread_mutex_lock(&p->trace_mu);
    if (p->ntrace < CT__POOL_TRACE_MAX)
        p->trace[p->ntrace++] = (ct_pool_sample){ct_mono_ns(), workers};
    pthread_mutex_unlock(&p->trace_mu);
}

void ct__pool_thread_started(ct_pool *p)
{
    /* relaxed: statistics, exact after the join */
    unsigned w = atomic_fetch_add_explicit(&p->workers, 1, memory_order_relaxed) + 1;
    unsigned peak = atomic_load_explicit(&p->workers_peak, memory_order_relaxed);

    while (w > peak && !atomic_compare_exchange_weak_explicit(
                           &p->workers_peak, &peak, w, memory_order_relaxed,
                           memory_order_relaxed)) {
    }
    atomic_fetch_add_explicit(&p->started, 1, memory_order_relaxed);
    trace_add(p, w);
}

void ct__pool_thread_ended(ct_pool *p)
{
    /* relaxed: statistics, exact after the join */
    unsigned w = atomic_fetch_sub_explicit(&p->workers, 1, memory_order_relaxed) - 1;

    atomic_fetch_add_explicit(&p->retired, 1, memory_order_relaxed);
    trace_add(p, w);
}

int ct__pool_spawn_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
    sigset_t all, old;
    int err;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* inherited by the new thread */
    err = pthread_create(t, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return -err;
}

int ct__pool_start_worker(ct_pool *p, pthread_t *t, void *(*fn)(void *), void *arg)
{
    int rc;

    ct__pool_thread_started(p); /* counted before it can count its end */
    rc = ct__pool_spawn_thread(t, fn, arg);
    if (rc)
        ct__pool_thread_ended(p);
    return rc;
}

/* ---- the idle protocol ------------------------------------------------------ */

/* About 20-60 us of pause hints: the order of one cross-core wake-up, so a
 * worker that would be woken within that time never sleeps. */
#define IDLE_SPINS 1024u
/* A spinner looks for work after 1, 2, 4 ... up to this many pause hints:
 * each look pulls the queue's lines into its cache, so a submitter pushing
 * meanwhile would pay a cache miss per task; backing off lets a few tasks
 * pile up between looks (at most about 2 us at this cap). */
#define IDLE_POLL_MIN 16u
#define IDLE_POLL_MAX 64u
/* Then it yields its core this many times, looking for work in between,
 * before it sleeps: with more threads than cores (submitters and workers
 * on 2 cores) the thread that would make work is often waiting for this
 * very core, and a yield hands it over for a fraction of a sleep and a
 * wake-up (Go's locks spin, yield, then sleep the same way). On an idle
 * machine a yield returns at once: a slower spin. */
#define IDLE_YIELDS 16u
/* A submitter facing a full queue does the same. */
#define SUBMIT_YIELDS 16u

bool ct__pool_idle_wait(ct_pool *p, bool (*has_work)(ct_pool *p), int64_t deadline_ns)
{
    ct__pool_idle *id = &p->idle;
    uint32_t seq;
    int rc;

    /* seq_cst: Dekker pair with ct__pool_idle_notify's read of spinning */
    if (atomic_fetch_add_explicit(&id->spinning, 1, memory_order_seq_cst) < id->max_spinners) {
        for (unsigned spent = 0, d = IDLE_POLL_MIN; spent < IDLE_SPINS; spent += d) {
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

void ct__pool_idle_notify(ct_pool *p)
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

void ct__pool_idle_wake_all(ct_pool *p)
{
    /* release: pairs with the sleeper's acquire load of seq */
    atomic_fetch_add_explicit(&p->idle.seq, 1, memory_order_release);
    ct_futex_wake(&p->idle.seq, INT_MAX);
}

/* ---- blocked submitters ----------------------------------------------------- */

void ct__pool_space_notify(ct__pool_space *sp, size_t room, size_t cap)
{
    /* seq_cst: Dekker pair with the submitter's increment then retry */
    if (2 * room >= cap && atomic_load_explicit(&sp->waiters, memory_order_seq_cst) > 0) {
        /* release: pairs with the submitter's acquire load of seq */
        atomic_fetch_add_explicit(&sp->seq, 1, memory_order_release);
        ct_futex_wake(&sp->seq, 1);
    }
}

void ct__pool_space_wake_all(ct__pool_space *sp)
{
    /* release: pairs with the submitter's acquire load of seq */
    atomic_fetch_add_explicit(&sp->seq, 1, memory_order_release);
    ct_futex_wake(&sp->seq, INT_MAX);
}

static int try_once(ct_pool *p, ct__task t)
{
    int rc;

    if (p->ops->vt->submitted) /* the design counts its own */
        return p->ops->vt->try_submit(p, t);
    /* seq_cst: counted before it can run, so pending never goes below zero */
    atomic_fetch_add_explicit(&p->pending, 1, memory_order_seq_cst);
    rc = p->ops->vt->try_submit(p, t);
    if (rc != 0)
        pending_sub(p, 1);
    return rc;
}

#define SUBMIT_RETRIES 8

/* How long a submit_ctx sleeps before looking at its context again. */
#define CTX_POLL_NS 1000000

/* Spinning on a full queue pays when a slot frees within the first
 * retries (short tasks). With long tasks a spinning submitter finds room
 * only as each task ends, pushes one task and spins again, for ever: it
 * never sleeps and takes a core from the workers (measured: `fixed`, 10 us
 * tasks, 2 submitters on 2 cores: a third of the CPU in this loop, half the
 * workers' throughput). So a thread stops spinning after SPIN_MISSES
 * blocked submits in a row where the spin did not pay (no room within
 * SPIN_PAID_TRIES tries), sleeping at once instead (woken with half the
 * queue free: a burst of submits), and tries spinning again every
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

static int submit(ct_pool *p, ct_ctx *ctx, ct__task t, bool block)
{
    ct__pool_space *sp = NULL;

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
                for (unsigned j = 0; j < IDLE_SPINS / SUBMIT_RETRIES; j++)
                    ct_cpu_relax();
                rc = try_once(p, t);
            }
            for (unsigned i = 0; i < SUBMIT_YIELDS && rc == CT_WOULDBLOCK; i++, tries++) {
                sched_yield();
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
            int64_t deadline = ctx ? ct_mono_ns() + CTX_POLL_NS : -1;

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
    return submit(p, NULL, (ct__task){fn, arg}, true);
}

int ct_pool_try_submit(ct_pool *p, ct_pool_fn fn, void *arg)
{
    return submit(p, NULL, (ct__task){fn, arg}, false);
}

int ct_pool_submit_ctx(ct_pool *p, ct_ctx *ctx, ct_pool_fn fn, void *arg)
{
    return submit(p, ctx, (ct__task){fn, arg}, true);
}

/* Nothing submitted is unfinished. seq_cst loads: they acquire the finished
 * tasks' writes (pending_sub, ct__pool_finish) and are the rechecks of the
 * Dekker pair with wait_waiters. */
static bool all_done(ct_pool *p)
{
    if (p->ops->vt->submitted)
        return quiescent(p, atomic_load_explicit(&p->finished, memory_order_seq_cst));
    return atomic_load_explicit(&p->pending, memory_order_seq_cst) == 0;
}

int ct_pool_wait(ct_pool *p)
{
    for (;;) {
        uint32_t seq;

        if (all_done(p))
            break;
        /* acquire: pairs with the release bump in pending_sub / finish */
        seq = atomic_load_explicit(&p->wait_seq, memory_order_acquire);
        /* seq_cst: Dekker pair with the decrement (or increment) then read */
        atomic_fetch_add_explicit(&p->wait_waiters, 1, memory_order_seq_cst);
        if (!all_done(p)) {
            ct_wait_enter("pool wait", p);
            ct_futex_wait(&p->wait_seq, seq, -1);
            ct_wait_exit();
        }
        atomic_fetch_sub_explicit(&p->wait_waiters, 1, memory_order_seq_cst);
    }
    /* relaxed: ordered by the seq_cst load of pending (finished) above */
    return atomic_load_explicit(&p->nerr, memory_order_relaxed)
               ? atomic_load_explicit(&p->first_err, memory_order_relaxed)
               : 0;
}

/* ---- life cycle ------------------------------------------------------------- */

static int check_params(const ct_pool_ops *ops, const ct_pool_params *in, ct_pool_params *out)
{
    *out = in ? *in : (ct_pool_params){0};
    if (ops == &ct_pool_spawn) /* no bound of any kind */
        return 0;
    if (out->max_workers < 1 || out->max_workers > 4096 || out->min_workers > out->max_workers)
        return -EINVAL;
    if (out->idle_timeout_ns < 0 || out->queue_cap > ((size_t)1 << 30))
        return -EINVAL;
    if (!out->queue_cap)
        out->queue_cap = 1024;
    if (!out->idle_timeout_ns)
        out->idle_timeout_ns = 100 * 1000 * 1000;
    return 0;
}

ct_pool *ct_pool_new(const char *impl, const ct_pool_params *params)
{
    const ct_pool_ops *ops = ct_pool_find(impl);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    ct_pool *p;
    int rc;

    if (!ops)
        return NULL;
    p = ct_alloc_aligned(sizeof *p);
    if (!p)
        return NULL;
    p->ops = ops;
    if ((rc = check_params(ops, params, &p->params)) != 0) {
        ct_free_aligned(p);
        errno = -rc;
        return NULL;
    }
    /* Half the cores spin at most (Go's rule): spinners on every core would
     * starve the submitters. */
    p->idle.max_spinners = ncpu > 2 ? (uint32_t)(ncpu / 2) : 1;
    pthread_mutex_init(&p->shut_mu, NULL);
    pthread_mutex_init(&p->trace_mu, NULL);
    if ((ops->caps & CT_POOL_CAP_TRACE) &&
        !(p->trace = calloc(CT__POOL_TRACE_MAX, sizeof *p->trace)))
        rc = -ENOMEM;
    if (!rc)
        trace_add(p, 0);
    if (!rc) /* on failure, start has joined whatever threads it started */
        rc = ops->vt->start(p);
    if (rc) {
        ops->vt->destroy(p);
        free(p->trace);
        pthread_mutex_destroy(&p->trace_mu);
        pthread_mutex_destroy(&p->shut_mu);
        ct_free_aligned(p);
        errno = -rc;
        return NULL;
    }
    return p;
}

const ct_pool_ops *ct_pool_impl(const ct_pool *p)
{
    return p->ops;
}

uint64_t ct_pool_shutdown(ct_pool *p, int mode)
{
    bool first;

    pthread_mutex_lock(&p->shut_mu);
    first = !p->shut;
    p->shut = true;
    if (first) {
        /* relaxed: read by workers after they see closed (seq_cst) */
        atomic_store_explicit(&p->aborting, mode == CT_POOL_ABORT, memory_order_relaxed);
        /* seq_cst: has_work reads it in the idle Dekker pair */
        atomic_store_explicit(&p->closed, true, memory_order_seq_cst);
        p->ops->vt->close(p, mode == CT_POOL_ABORT);
        ct__pool_space_wake_all(&p->space);
        ct__pool_idle_wake_all(p);
        p->ops->vt->join(p);
    }
    pthread_mutex_unlock(&p->shut_mu);
    /* relaxed: every dropping thread was joined above */
    return first ? atomic_load_explicit(&p->dropped, memory_order_relaxed) : 0;
}

void ct_pool_free(ct_pool *p)
{
    if (!p)
        return;
    ct_pool_shutdown(p, CT_POOL_DRAIN);
    p->ops->vt->destroy(p);
    free(p->trace);
    pthread_mutex_destroy(&p->trace_mu);
    pthread_mutex_destroy(&p->shut_mu);
    ct_free_aligned(p);
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

uint64_t ct_pool_errors(const ct_pool *p, int *first)
{
    ct_pool *q = (ct_pool *)p;
    /* relaxed: final once wait or shutdown has returned (they order it) */
    uint64_t n = atomic_load_explicit(&q->nerr, memory_order_relaxed);

    if (first)
        *first = n ? atomic_load_explicit(&q->first_err, memory_order_relaxed) : 0;
    return n;
}

size_t ct_pool_trace(const ct_pool *p, ct_pool_sample *out, size_t n)
{
    ct_pool *q = (ct_pool *)p;
    size_t have;

    if (!q->trace)
        return 0;
    pthread_mutex_lock(&q->trace_mu);
    have = q->ntrace;
    memcpy(out, q->trace, (n < have ? n : have) * sizeof *out);
    pthread_mutex_unlock(&q->trace_mu);
    return have;
}
