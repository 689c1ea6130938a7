/*
 * pool_cond_queue.c: a worker pool written outside the tree.
 *
 *     cc pool_cond_queue.c $(pkg-config --cflags --libs contend-bench) -o mybench
 *     ./mybench --family=pool
 *
 * The design: the textbook pool. max_workers threads, started with the pool,
 * take tasks from one bounded ring under a mutex and wait on a condition
 * variable while it is empty. A full ring makes try_submit say CT_WOULDBLOCK;
 * the core then parks the submitter on the pool's space word, which every
 * pop notifies. Unlike the tree's `fixed`, an idle worker sleeps at once
 * (no spinning first), so a task submitted to an idle pool pays a wake-up.
 *
 * What the core does for it (pool_impl.h): blocking and context-bound
 * submits, wait, errors, statistics, shutdown and its deadline. The pool
 * workloads check that every task runs exactly once, or is dropped and
 * counted by an aborting shutdown.
 */
#define _POSIX_C_SOURCE 200809L /* POSIX threads in full, even under -std=c11 */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include <contend/pool_impl.h> /* ct_pool_vt, ct_pool_run_task, CT_REGISTER_COMPETITOR */

struct cond_queue {
    pthread_mutex_t mu;
    pthread_cond_t nonempty; /* signalled per push, broadcast by close */
    ct_pool_task *ring;      /* guarded by mu */
    size_t cap, head, size;  /* guarded by mu */
    bool closed;             /* guarded by mu */
    ct_pool *pool;
    unsigned nthreads; /* started; written by start only */
    pthread_t *threads;
};

static void *worker(void *arg)
{
    struct cond_queue *q = arg;

    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (q->size == 0 && !q->closed)
            pthread_cond_wait(&q->nonempty, &q->mu);
        if (q->size == 0)
            break; /* closed, and drained (or dropped by an abort) */
        ct_pool_task t = q->ring[q->head];
        q->head = (q->head + 1) % q->cap;
        q->size--;
        size_t room = q->cap - q->size;
        pthread_mutex_unlock(&q->mu);
        ct_pool_space_notify(ct_pool_default_space(q->pool), room, q->cap);
        ct_pool_run_task(q->pool, t); /* the core counts it: wait, errors */
        pthread_mutex_lock(&q->mu);
    }
    pthread_mutex_unlock(&q->mu);
    ct_pool_thread_ended(q->pool);
    return NULL;
}

static void close_queue(struct cond_queue *q, bool abort, ct_pool *p)
{
    uint64_t dropped = 0;

    pthread_mutex_lock(&q->mu);
    q->closed = true;
    if (abort) {
        dropped = q->size; /* dropped, not run: the core must count them */
        q->size = 0;
    }
    pthread_cond_broadcast(&q->nonempty);
    pthread_mutex_unlock(&q->mu);
    if (p)
        ct_pool_drop_tasks(p, dropped);
}

static int cq_start(ct_pool *p)
{
    const ct_pool_params *pp = ct_pool_params_of(p); /* validated, defaults filled in */
    struct cond_queue *q = calloc(1, sizeof *q);

    if (!q)
        return -ENOMEM;
    ct_pool_set_state(p, q); /* destroy frees it, even after a failed start */
    q->pool = p;
    q->cap = pp->queue_cap;
    q->ring = calloc(q->cap, sizeof *q->ring);
    q->threads = calloc(pp->max_workers, sizeof *q->threads);
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->nonempty, NULL);
    if (!q->ring || !q->threads)
        return -ENOMEM;
    for (unsigned i = 0; i < pp->max_workers; i++) {
        int rc = ct_pool_start_worker(p, &q->threads[i], worker, q);

        if (rc) { /* a failed start joins what it started */
            close_queue(q, false, NULL);
            for (unsigned j = 0; j < q->nthreads; j++)
                pthread_join(q->threads[j], NULL);
            return rc;
        }
        q->nthreads++;
    }
    return 0;
}

static int cq_try_submit(ct_pool *p, ct_pool_task t)
{
    struct cond_queue *q = ct_pool_state(p);
    int rc = 0;

    pthread_mutex_lock(&q->mu); /* publishes the task to the worker that pops it */
    if (q->closed)
        rc = CT_CLOSED;
    else if (q->size == q->cap)
        rc = CT_WOULDBLOCK; /* the core parks the submitter on the space word */
    else {
        q->ring[(q->head + q->size) % q->cap] = t;
        q->size++;
        pthread_cond_signal(&q->nonempty);
    }
    pthread_mutex_unlock(&q->mu);
    return rc;
}

static void cq_close(ct_pool *p, bool abort)
{
    close_queue(ct_pool_state(p), abort, p);
}

static void cq_join(ct_pool *p)
{
    struct cond_queue *q = ct_pool_state(p);

    for (unsigned i = 0; i < q->nthreads; i++)
        pthread_join(q->threads[i], NULL);
}

static void cq_destroy(ct_pool *p)
{
    struct cond_queue *q = ct_pool_state(p);

    if (!q)
        return; /* start failed before it had state */
    pthread_cond_destroy(&q->nonempty);
    pthread_mutex_destroy(&q->mu);
    free(q->threads);
    free(q->ring);
    free(q);
}

static const ct_pool_vt cond_queue_vt = {
    .start = cq_start,
    .try_submit = cq_try_submit,
    .close = cq_close,
    .join = cq_join,
    .destroy = cq_destroy,
};

static const ct_pool_ops cond_queue_pool = {
    .desc = {.name = "cond_queue",
             .summary = "example from outside the tree: N workers on one bounded ring under a "
                        "mutex; idle workers wait on a condition variable",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC | CT_POOL_CAP_BOUNDED},
    .vt = &cond_queue_vt,
};

CT_REGISTER_COMPETITOR(pool, cond_queue_pool)
