/*
 * pool_go.c: `go`: one coroutine per task (primitives/go, go.h): the seeds'
 * `go f()` as Go runs it, on the shared M:N scheduler instead of a thread
 * per task. No bound: try_submit never says CT_WOULDBLOCK.
 *
 * The pool's "threads" are its coroutines (started and ended are counted
 * per task, so stats and the checks of every workload apply as they are);
 * the scheduler's worker threads are the runtime's, shared by every user,
 * and outlive the pool. A task that blocks in a wait that parks coroutines
 * (CT_CAP_COROUTINE channels, ct_sleep_until, ct_wg_wait) frees its worker
 * meanwhile; one that blocks its thread (a mutex, a system call) holds it.
 *
 * Shutdown: submits check `closed` under the pool's mutex and count the
 * task in the WaitGroup under it too, so once join has taken the mutex
 * after closed was set, no task is added and the WaitGroup's wait covers
 * them all.
 */
#include <errno.h>
#include <stdlib.h>

#include "go.h"
#include "pool_internal.h"

typedef struct gpool {
    pthread_mutex_t mu; /* closed-check + count, against join */
    ct_wg *wg;          /* tasks started and not ended */
    ct_pool *p;
} gpool;

typedef struct gtask {
    gpool *g;
    ct_pool_task task;
} gtask;

static void task_co(void *arg)
{
    gtask *t = arg;
    gpool *g = t->g;

    ct_pool_run_task(g->p, t->task);
    free(t);
    ct_pool_thread_ended(g->p);
    ct_wg_done(g->wg); /* last: join may free the pool once it returns */
}

static int g_try_submit(ct_pool *p, ct_pool_task task)
{
    gpool *g = p->impl;
    gtask *t = malloc(sizeof *t);
    int rc;

    if (!t)
        return -ENOMEM;
    *t = (gtask){g, task};
    pthread_mutex_lock(&g->mu);
    /* seq_cst: shutdown's store, before its join takes this mutex */
    if (atomic_load_explicit(&p->closed, memory_order_seq_cst)) {
        pthread_mutex_unlock(&g->mu);
        free(t);
        return CT_CLOSED;
    }
    ct_wg_add(g->wg, 1);
    pthread_mutex_unlock(&g->mu);
    ct_pool_thread_started(p); /* counted before it can count its end */
    rc = ct_go(task_co, t);
    if (rc) {
        ct_pool_thread_ended(p);
        ct_wg_done(g->wg);
        free(t);
    }
    return rc;
}

static int g_start(ct_pool *p)
{
    gpool *g = calloc(1, sizeof *g);

    if (!g)
        return -ENOMEM;
    g->p = p;
    g->wg = ct_wg_new();
    if (!g->wg || pthread_mutex_init(&g->mu, NULL)) {
        ct_wg_free(g->wg);
        free(g);
        return -ENOMEM;
    }
    p->impl = g;
    return 0;
}

static void g_close(ct_pool *p, bool abort)
{
    (void)p; /* nothing is ever queued: a submitted task has its coroutine */
    (void)abort;
}

static void g_join(ct_pool *p)
{
    gpool *g = p->impl;

    pthread_mutex_lock(&g->mu); /* no submit is between its check and its count */
    pthread_mutex_unlock(&g->mu);
    ct_wg_wait(g->wg);
}

static void g_destroy(ct_pool *p)
{
    gpool *g = p->impl;

    if (!g)
        return;
    pthread_mutex_destroy(&g->mu);
    ct_wg_free(g->wg);
    free(g);
}

static const ct_pool_vt vt = {
    .start = g_start,
    .try_submit = g_try_submit,
    .close = g_close,
    .join = g_join,
    .destroy = g_destroy,
};

const ct_pool_ops ct_pool_go = {
    .desc = {.name = "go",
             .summary = "one coroutine per task on the M:N scheduler (Go's go f(), in C)",
             .caps = CT_CAP_EXACT | CT_CAP_MPMC | CT_CAP_COROUTINE | CT_POOL_CAP_PER_TASK},
    .vt = &vt,
};
