/*
 * pool.c: the pool family's facade: ct_pool_new (parameters, the core's
 * state, the design's start), ct_pool_impl, shutdown and free, and the
 * starting of the pool's threads that every design uses. What the core does
 * per task lives in pool_submit.c, pool_account.c and pool_idle.c (the map
 * is in pool_internal.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "pool_internal.h"

static int check_params(const ct_pool_ops *ops, const ct_pool_params *in, ct_pool_params *out)
{
    *out = in ? *in : (ct_pool_params){0};
    if ((ops->desc.caps & CT_POOL_CAP_PER_TASK) && !(ops->desc.caps & CT_POOL_CAP_BOUNDED))
        return 0; /* a thread or coroutine per task, no bound of any kind */
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
    long i = ct_registry_pick(ct_pool_descs(), impl, 1);
    const ct_pool_ops *ops;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    ct_pool *p;
    int rc;

    if (i < 0)
        return NULL;
    ops = ct_pool_impls()[i];
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
    if ((ops->desc.caps & CT_POOL_CAP_TRACE) &&
        !(p->trace = calloc(CT__POOL_TRACE_MAX, sizeof *p->trace)))
        rc = -ENOMEM;
    if (!rc)
        ct__pool_trace_add(p, 0);
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

/* ---- what a design reads of the core (pool_impl.h) -------------------------- */

void *ct_pool_state(const ct_pool *p)
{
    return p->impl;
}

void ct_pool_set_state(ct_pool *p, void *state)
{
    p->impl = state; /* in start: published by the design's pthread_create */
}

const ct_pool_params *ct_pool_params_of(const ct_pool *p)
{
    return &p->params;
}

bool ct_pool_closed(const ct_pool *p)
{
    /* seq_cst: pairs with shutdown's store; a has_work recheck in the idle
     * protocol's total order */
    return atomic_load_explicit(&p->closed, memory_order_seq_cst);
}

bool ct_pool_aborting(const ct_pool *p)
{
    /* relaxed: stored before the seq_cst store of closed, which the caller
     * has read as true */
    return atomic_load_explicit(&p->aborting, memory_order_relaxed);
}

ct_pool_space *ct_pool_default_space(ct_pool *p)
{
    return &p->space;
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
        ct_pool_space_wake_all(&p->space);
        ct_pool_idle_wake_all(p);
        p->ops->vt->join(p);
    }
    pthread_mutex_unlock(&p->shut_mu);
    /* relaxed: every dropping thread was joined above */
    return first ? atomic_load_explicit(&p->dropped, memory_order_relaxed) : 0;
}

uint64_t ct_pool_shutdown_deadline(ct_pool *p, int64_t deadline_ns, int mode)
{
    /* drain while the deadline allows (the workers run as usual), then stop
     * as drain if that emptied the pool, else as abort: the rest is dropped */
    if (mode == CT_POOL_DRAIN && !ct__pool_wait_until(p, deadline_ns))
        mode = CT_POOL_ABORT;
    return ct_pool_shutdown(p, mode);
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

/* ---- the pool's threads ----------------------------------------------------- */

int ct_pool_spawn_thread(pthread_t *t, void *(*fn)(void *), void *arg)
{
    sigset_t all, old;
    int err;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* inherited by the new thread */
    err = pthread_create(t, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return -err;
}

int ct_pool_start_worker(ct_pool *p, pthread_t *t, void *(*fn)(void *), void *arg)
{
    int rc;

    ct_pool_thread_started(p); /* counted before it can count its end */
    rc = ct_pool_spawn_thread(t, fn, arg);
    if (rc)
        ct_pool_thread_ended(p);
    return rc;
}
