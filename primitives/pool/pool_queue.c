/*
 * pool_queue.c: the engine of `fixed` and `dynamic`: workers on one bounded
 * ring under a mutex (pool_internal.h), idle workers spin then sleep
 * (ct_pool_idle_*).
 *
 * fixed starts max_workers workers and never retires one. dynamic starts
 * min_workers; a submit that leaves more tasks queued than there are idle
 * workers (spinning or asleep) starts one more, up to max_workers; a worker
 * that has found no task for idle_timeout_ns retires, down to min_workers.
 * Growth and retirement are decided under the ring's mutex, on the same
 * state the ring's pushes and pops change, so no task is stranded: a worker
 * retires only when the ring is empty under the lock, and a task queued
 * after that sees the lower worker count (and may start a new one).
 *
 * Threads live in a slot array of max_workers entries; a retired worker's
 * slot is reused by a later growth, which joins the old thread first (it has
 * left the mutex for good, so the join is short). Shutdown joins them all.
 */
#include <errno.h>
#include <stdlib.h>

#include "ct_futex.h"
#include "pool_internal.h"

enum { SLOT_FREE, SLOT_RUNNING, SLOT_RETIRED };

typedef struct qslot {
    pthread_t thread;
    int state; /* SLOT_*, guarded by the ring's mutex */
    struct qpool *q;
} qslot;

typedef struct qpool {
    ct__ring ring;
    ct_pool *p;
    bool dynamic;
    unsigned live; /* workers not retired, guarded by ring.mu */
    qslot *slots;  /* max_workers */
} qpool;

static bool has_work(ct_pool *p)
{
    qpool *q = p->impl;

    /* seq_cst: the recheck of the idle Dekker pair (closed: shutdown's store) */
    return ct__ring_peek(&q->ring) > 0 || atomic_load_explicit(&p->closed, memory_order_seq_cst);
}

static void *worker(void *arg);

/* Under ring.mu: start a worker in a free or retired slot. */
static int grow_locked(qpool *q)
{
    for (unsigned i = 0; i < q->p->params.max_workers; i++) {
        qslot *s = &q->slots[i];
        int rc;

        if (s->state == SLOT_RUNNING)
            continue;
        if (s->state == SLOT_RETIRED)
            pthread_join(s->thread, NULL); /* it left the mutex for good */
        s->state = SLOT_FREE;
        rc = ct_pool_spawn_thread(&s->thread, worker, s);
        if (rc)
            return rc;
        s->state = SLOT_RUNNING;
        q->live++;
        ct_pool_thread_started(q->p);
        return 0;
    }
    return -EAGAIN; /* not reached: live < max_workers was checked */
}

static void *worker(void *arg)
{
    qslot *me = arg;
    qpool *q = me->q;
    ct_pool *p = q->p;
    int64_t idle_since = -1;

    pthread_mutex_lock(&q->ring.mu);
    for (;;) {
        ct_pool_task t;

        if (ct__ring_pop_locked(&q->ring, &t)) {
            bool more = q->ring.size > 0;
            size_t room = q->ring.cap - q->ring.size;

            pthread_mutex_unlock(&q->ring.mu);
            ct_pool_space_notify(&p->space, room, q->ring.cap);
            if (more) /* keep a worker awake while the backlog lasts */
                ct_pool_idle_notify(p);
            ct_pool_run_task(p, t);
            idle_since = -1;
            pthread_mutex_lock(&q->ring.mu);
            continue;
        }
        /* seq_cst: shutdown's store; with the ring empty under the lock and
         * close having stopped pushes, nothing is left for us */
        if (atomic_load_explicit(&p->closed, memory_order_seq_cst))
            break;
        if (q->dynamic && idle_since >= 0 && q->live > p->params.min_workers &&
            ct_now_ns() - idle_since >= p->params.idle_timeout_ns) {
            q->live--;
            me->state = SLOT_RETIRED; /* joined by a later growth or shutdown */
            ct_pool_thread_ended(p);  /* under the lock: workers <= max */
            pthread_mutex_unlock(&q->ring.mu);
            return NULL;
        }
        pthread_mutex_unlock(&q->ring.mu);
        if (idle_since < 0)
            idle_since = ct_now_ns();
        ct_pool_idle_wait(p, has_work,
                          q->dynamic ? ct_deadline_add(idle_since, p->params.idle_timeout_ns) : -1);
        pthread_mutex_lock(&q->ring.mu);
    }
    pthread_mutex_unlock(&q->ring.mu);
    ct_pool_thread_ended(p);
    return NULL;
}

static int q_try_submit(ct_pool *p, ct_pool_task t)
{
    qpool *q = p->impl;
    int rc = 0;

    pthread_mutex_lock(&q->ring.mu);
    /* seq_cst: shutdown stores closed before close() takes this mutex, so
     * a push after close is impossible */
    if (atomic_load_explicit(&p->closed, memory_order_seq_cst))
        rc = CT_CLOSED;
    else if (!ct__ring_push_locked(&q->ring, t))
        rc = CT_WOULDBLOCK;
    else if (q->dynamic && q->live < p->params.max_workers &&
             q->ring.size > (size_t)atomic_load_explicit(&p->idle.spinning, memory_order_seq_cst) +
                                atomic_load_explicit(&p->idle.sleeping, memory_order_seq_cst) &&
             (rc = grow_locked(q)) != 0) {
        /* seq_cst, both: the idle counts; a stale count only grows late
         * or early by one, never strands a task (the queued task is taken
         * by whichever worker is there). A failed growth leaves it queued
         * while a worker is left (it cannot retire with a task queued);
         * with none left (min_workers 0) the task would wait for ever, so
         * it is taken back and the submit fails with the error. */
        if (q->live > 0)
            rc = 0;
        else
            ct__ring_unpush_locked(&q->ring);
    }
    pthread_mutex_unlock(&q->ring.mu);
    if (rc == 0)
        ct_pool_idle_notify(p);
    return rc;
}

static int q_start(ct_pool *p)
{
    qpool *q = calloc(1, sizeof *q);
    unsigned n;
    int rc;

    if (!q)
        return -ENOMEM;
    p->impl = q;
    q->p = p;
    q->dynamic = p->ops == &ct_pool_dynamic;
    q->slots = calloc(p->params.max_workers, sizeof *q->slots);
    if (!q->slots)
        return -ENOMEM;
    for (unsigned i = 0; i < p->params.max_workers; i++)
        q->slots[i].q = q;
    if ((rc = ct__ring_init(&q->ring, p->params.queue_cap)) != 0) {
        free(q->slots);
        q->slots = NULL;
        return rc;
    }
    n = q->dynamic ? p->params.min_workers : p->params.max_workers;
    pthread_mutex_lock(&q->ring.mu);
    for (unsigned i = 0; i < n && rc == 0; i++)
        rc = grow_locked(q);
    pthread_mutex_unlock(&q->ring.mu);
    if (rc) {                                                          /* stop what started */
        atomic_store_explicit(&p->closed, true, memory_order_seq_cst); /* has_work reads it */
        ct_pool_idle_wake_all(p);
        for (unsigned i = 0; i < p->params.max_workers; i++)
            if (q->slots[i].state != SLOT_FREE)
                pthread_join(q->slots[i].thread, NULL);
    }
    return rc;
}

static void q_close(ct_pool *p, bool abort)
{
    qpool *q = p->impl;

    if (abort)
        ct_pool_drop_tasks(p, ct__ring_discard(&q->ring));
}

static void q_join(ct_pool *p)
{
    qpool *q = p->impl;

    for (unsigned i = 0; i < p->params.max_workers; i++) {
        int state;

        /* closed: no growth can change the slots any more */
        pthread_mutex_lock(&q->ring.mu);
        state = q->slots[i].state;
        pthread_mutex_unlock(&q->ring.mu);
        if (state != SLOT_FREE)
            pthread_join(q->slots[i].thread, NULL);
        q->slots[i].state = SLOT_FREE;
    }
}

static void q_destroy(ct_pool *p)
{
    qpool *q = p->impl;

    if (!q)
        return;
    if (q->slots) {
        ct__ring_destroy(&q->ring);
        free(q->slots);
    }
    free(q);
}

const ct_pool_vt ct__pool_queue_vt = {
    .start = q_start,
    .try_submit = q_try_submit,
    .close = q_close,
    .join = q_join,
    .destroy = q_destroy,
};
