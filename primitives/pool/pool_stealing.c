/*
 * pool_stealing.c: `stealing`: max_workers workers, each with a Chase-Lev
 * deque (fixed capacity DEQUE_CAP), and a bounded injection queue (the
 * shared ring, queue_cap) for submissions from outside the pool.
 *
 * A worker takes from the bottom of its own deque; when that is empty it
 * moves a batch from the injection queue into its deque (one lock per
 * batch, not per task), else steals from the top of another worker's
 * deque, starting at a random victim. A task submitted by a worker of this
 * pool goes to the bottom of that worker's deque (spilling to the injection
 * queue, past its cap, when the deque is full). Idle workers spin, then
 * sleep (ct_pool_idle_*).
 *
 * The deque is ct_deque.h's (Chase-Lev, after Le et al.), over task slots
 * of two relaxed atomic words.
 */
#include <errno.h>
#include <stdlib.h>

#include "ct_deque.h"
#include "pool_internal.h"

#define DEQUE_CAP 1024 /* a power of two */
#define BATCH_MAX 32   /* tasks moved from the injection queue at once */

CT_DEQUE_DEFINE(task_deque, ct__aslot, ct_pool_task, ct__aslot_put, ct__aslot_get, DEQUE_CAP)

typedef struct worker {
    task_deque dq; /* first: its top and bottom start the worker's lines */
    pthread_t thread;
    struct wpool *w;
    unsigned id;
    uint64_t rng;
} worker;

typedef struct wpool {
    ct__ring inj;
    ct_pool *p;
    unsigned n, started;
    worker **workers;
} wpool;

static _Thread_local worker *self; /* the worker this thread is, if any */

/* ---- workers ----------------------------------------------------------------- */

static bool has_work(ct_pool *p)
{
    wpool *w = p->impl;

    /* seq_cst: shutdown's store (and the ring's count, the deques' bottoms) */
    if (ct__ring_peek(&w->inj) > 0 || atomic_load_explicit(&p->closed, memory_order_seq_cst))
        return true;
    for (unsigned i = 0; i < w->n; i++) /* all made before any thread starts */
        if (task_deque_nonempty(&w->workers[i]->dq))
            return true;
    return false;
}

/* Move up to a fair share of the injection queue into k's deque, and take
 * one. */
static bool grab(wpool *w, worker *k, ct_pool_task *t)
{
    ct_pool_task batch[BATCH_MAX];
    size_t moved = 0, want, room, cap;

    if (ct__ring_peek(&w->inj) == 0)
        return false;
    pthread_mutex_lock(&w->inj.mu);
    want = w->inj.size / w->n + 1;
    if (want > BATCH_MAX)
        want = BATCH_MAX;
    while (moved < want && ct__ring_pop_locked(&w->inj, &batch[moved]))
        moved++;
    cap = w->inj.cap;
    room = cap - w->inj.size;
    pthread_mutex_unlock(&w->inj.mu);
    if (!moved)
        return false;
    for (size_t i = 0; i < moved; i++)
        ct_pool_space_notify(&w->p->space, room, cap);
    /* The oldest is ours to run now; the rest go in newest first, so the
     * owner (taking from the bottom) runs them in submission order and
     * thieves (taking from the top) get the newest. The deque is empty
     * (only its owner fills it, and it found nothing): they fit. */
    *t = batch[0];
    for (size_t i = moved; i-- > 1;)
        (void)task_deque_push(&k->dq, batch[i]);
    return true;
}

static bool find(wpool *w, worker *k, ct_pool_task *t)
{
    if (task_deque_take(&k->dq, t) || grab(w, k, t))
        return true;
    k->rng = k->rng * 6364136223846793005u + 1442695040888963407u; /* an LCG */
    for (unsigned i = 0, v = (unsigned)(k->rng >> 33) % w->n; i < w->n; i++, v = (v + 1) % w->n)
        if (v != k->id && task_deque_steal(&w->workers[v]->dq, t))
            return true;
    return false;
}

static void *worker_main(void *arg)
{
    worker *k = arg;
    wpool *w = k->w;
    ct_pool *p = w->p;

    self = k;
    for (;;) {
        ct_pool_task t;

        if (find(w, k, &t)) {
            /* seq_cst, then relaxed: aborting is stored before closed */
            if (atomic_load_explicit(&p->closed, memory_order_seq_cst) &&
                atomic_load_explicit(&p->aborting, memory_order_relaxed)) {
                ct_pool_drop_tasks(p, 1);
                continue;
            }
            if (task_deque_nonempty(&k->dq) || ct__ring_peek(&w->inj) > 0)
                ct_pool_idle_notify(p); /* more work: keep someone awake */
            ct_pool_run_task(p, t);
            continue;
        }
        /* seq_cst: shutdown's store. Closed and nothing found: the injection
         * queue takes no more, our deque is empty (only we fill it), and the
         * other deques are their owners' to drain. */
        if (atomic_load_explicit(&p->closed, memory_order_seq_cst) && ct__ring_peek(&w->inj) == 0 &&
            !task_deque_nonempty(&k->dq))
            break;
        ct_pool_idle_wait(p, has_work, -1);
    }
    self = NULL;
    ct_pool_thread_ended(p);
    return NULL;
}

/* ---- the vt ------------------------------------------------------------------ */

static int w_try_submit(ct_pool *p, ct_pool_task t)
{
    wpool *w = p->impl;
    int rc = 0;

    if (self && self->w == w) { /* from one of our tasks */
        if (!task_deque_push(&self->dq, t)) {
            pthread_mutex_lock(&w->inj.mu);
            rc = ct__ring_push_grow(&w->inj, t); /* never block a worker */
            pthread_mutex_unlock(&w->inj.mu);
        }
    } else {
        pthread_mutex_lock(&w->inj.mu);
        /* seq_cst: shutdown stores closed before close() takes this mutex */
        if (atomic_load_explicit(&p->closed, memory_order_seq_cst))
            rc = CT_CLOSED;
        else if (!ct__ring_push_locked(&w->inj, t))
            rc = CT_WOULDBLOCK;
        pthread_mutex_unlock(&w->inj.mu);
    }
    if (rc == 0)
        ct_pool_idle_notify(p);
    return rc;
}

static int w_start(ct_pool *p)
{
    wpool *w = calloc(1, sizeof *w);
    int rc;

    if (!w)
        return -ENOMEM;
    p->impl = w;
    w->p = p;
    w->n = p->params.max_workers;
    w->workers = calloc(w->n, sizeof *w->workers);
    if (!w->workers)
        return -ENOMEM;
    if ((rc = ct__ring_init(&w->inj, p->params.queue_cap)) != 0) {
        free(w->workers);
        w->workers = NULL;
        return rc;
    }
    for (unsigned i = 0; i < w->n; i++) {
        worker *k = ct_alloc_aligned(sizeof *k);

        if (!k)
            return -ENOMEM; /* destroy frees what was made */
        k->w = w;
        k->id = i;
        k->rng = i * 0x9E3779B97F4A7C15u + 1;
        w->workers[i] = k;
    }
    /* Every deque exists before any worker looks at the others. */
    for (unsigned i = 0; i < w->n && rc == 0; i++) {
        rc = ct_pool_start_worker(p, &w->workers[i]->thread, worker_main, w->workers[i]);
        if (!rc)
            w->started++;
    }
    if (rc) {
        atomic_store_explicit(&p->closed, true, memory_order_seq_cst); /* has_work reads it */
        ct_pool_idle_wake_all(p);
        for (unsigned i = 0; i < w->started; i++)
            pthread_join(w->workers[i]->thread, NULL);
    }
    return rc;
}

static void w_close(ct_pool *p, bool abort)
{
    wpool *w = p->impl;

    if (abort) /* the deques' tasks are dropped by their workers */
        ct_pool_drop_tasks(p, ct__ring_discard(&w->inj));
}

static void w_join(ct_pool *p)
{
    wpool *w = p->impl;

    for (unsigned i = 0; i < w->started; i++)
        pthread_join(w->workers[i]->thread, NULL);
    w->started = 0;
}

static void w_destroy(ct_pool *p)
{
    wpool *w = p->impl;

    if (!w)
        return;
    if (w->workers) {
        for (unsigned i = 0; i < w->n; i++)
            ct_free_aligned(w->workers[i]);
        ct__ring_destroy(&w->inj);
        free(w->workers);
    }
    free(w);
}

static const ct_pool_vt vt = {
    .start = w_start,
    .try_submit = w_try_submit,
    .close = w_close,
    .join = w_join,
    .destroy = w_destroy,
};

const ct_pool_ops ct_pool_stealing = {
    .desc = {.name = "stealing",
             .summary = "N workers, a Chase-Lev deque each, an injection queue; idle workers steal",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC | CT_POOL_CAP_BOUNDED},
    .vt = &vt,
};
