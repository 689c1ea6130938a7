/*
 * pool_spawn.c: the engine of `spawn` and `spawn_sem`, and `spawn` itself:
 * one thread per task, the seeds' `go f()` with pthreads. spawn has no
 * bound; spawn_sem (pool_spawn_sem.c) allows max_workers threads at once,
 * the seeds' semaphore pattern: try_submit says CT_WOULDBLOCK at the limit,
 * submit blocks until a task's thread ends.
 *
 * A task's thread moves itself to the `dead` list as it ends; submitters
 * join the dead lazily (outside the lock), shutdown joins everyone.
 * pthread_create runs outside the lock (it costs ~40 us here), counted in
 * `inflight` so shutdown waits for creations in progress.
 */
#include <errno.h>
#include <stdlib.h>

#include "pool_internal.h"

typedef struct sthread {
    pthread_t thread;
    struct spool *s;
    ct_pool_task task;
    struct sthread *prev, *next;
    bool joined; /* by shutdown, before it finds it on the dead list */
} sthread;

typedef struct spool {
    pthread_mutex_t mu;
    pthread_cond_t settled; /* inflight reached 0 during shutdown */
    ct_pool *p;
    unsigned limit;       /* 0: none */
    unsigned running;     /* threads started or being started, not ended */
    unsigned inflight;    /* pthread_create calls in progress */
    unsigned reaping;     /* submitters joining dead threads */
    sthread *live, *dead; /* guarded by mu */
} spool;

static void unlink_live(spool *s, sthread *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        s->live = t->next;
    if (t->next)
        t->next->prev = t->prev;
}

static void join_list(sthread *t)
{
    while (t) {
        sthread *next = t->next;

        if (!t->joined)
            pthread_join(t->thread, NULL);
        free(t);
        t = next;
    }
}

/* Under mu: one in-progress creation or reaping is over. */
static void settle_locked(spool *s)
{
    if (s->inflight == 0 && s->reaping == 0)
        pthread_cond_broadcast(&s->settled);
}

static void *task_thread(void *arg)
{
    sthread *t = arg;
    spool *s = t->s;
    ct_pool *p = s->p;
    size_t room;

    /* aborting: a task whose thread was created is running, never dropped */
    ct_pool_run_task(p, t->task);
    pthread_mutex_lock(&s->mu);
    unlink_live(s, t);
    t->prev = NULL;
    t->next = s->dead;
    s->dead = t;
    ct_pool_thread_ended(p); /* before its place is given away: workers <= limit */
    if (--s->running == 0)
        pthread_cond_broadcast(&s->settled); /* s_join's fallback waits for it */
    room = s->limit ? s->limit - s->running : 1;
    pthread_mutex_unlock(&s->mu);
    ct_pool_space_notify(&p->space, room, s->limit ? s->limit : 1);
    return NULL;
}

static int s_try_submit(ct_pool *p, ct_pool_task task)
{
    spool *s = p->impl;
    sthread *t = malloc(sizeof *t), *dead;
    int rc = 0;

    if (!t)
        return -ENOMEM;
    *t = (sthread){.s = s, .task = task};
    pthread_mutex_lock(&s->mu);
    /* seq_cst: shutdown's store, before its join takes this mutex; after
     * it, the dead are shutdown's to join */
    if (atomic_load_explicit(&p->closed, memory_order_seq_cst)) {
        pthread_mutex_unlock(&s->mu);
        free(t);
        return CT_CLOSED;
    }
    dead = s->dead;
    s->dead = NULL;
    if (dead)
        s->reaping++;
    if (s->limit && s->running >= s->limit)
        rc = CT_WOULDBLOCK;
    else {
        s->running++;
        s->inflight++;
        /* on the live list before it can end: it unlinks itself under mu */
        t->next = s->live;
        if (s->live)
            s->live->prev = t;
        s->live = t;
    }
    pthread_mutex_unlock(&s->mu);
    if (dead) {
        join_list(dead);
        pthread_mutex_lock(&s->mu);
        s->reaping--;
        settle_locked(s);
        pthread_mutex_unlock(&s->mu);
    }
    if (rc) {
        free(t);
        return rc;
    }
    ct_pool_thread_started(p); /* counted before it can count its end */
    rc = ct_pool_spawn_thread(&t->thread, task_thread, t);
    pthread_mutex_lock(&s->mu);
    if (rc) {
        unlink_live(s, t);
        s->running--;
    }
    s->inflight--;
    settle_locked(s);
    pthread_mutex_unlock(&s->mu);
    if (rc) {
        ct_pool_thread_ended(p);
        free(t);
    }
    return rc;
}

static int s_start(ct_pool *p)
{
    spool *s = calloc(1, sizeof *s);

    if (!s)
        return -ENOMEM;
    s->p = p;
    s->limit = p->ops == &ct_pool_spawn ? 0 : p->params.max_workers;
    if (pthread_mutex_init(&s->mu, NULL)) {
        free(s);
        return -ENOMEM;
    }
    if (pthread_cond_init(&s->settled, NULL)) {
        pthread_mutex_destroy(&s->mu);
        free(s);
        return -ENOMEM;
    }
    p->impl = s;
    return 0;
}

static void s_close(ct_pool *p, bool abort)
{
    (void)p; /* nothing is ever queued: a submitted task has its thread */
    (void)abort;
}

static void s_join(ct_pool *p)
{
    spool *s = p->impl;
    sthread **live = NULL, *dead;
    size_t n = 0, cap = 0;

    pthread_mutex_lock(&s->mu);
    /* closed is set: no creation or reaping starts; wait for those begun */
    while (s->inflight || s->reaping)
        pthread_cond_wait(&s->settled, &s->mu);
    for (sthread *t = s->live; t; t = t->next)
        cap++;
    live = cap ? malloc(cap * sizeof *live) : NULL;
    for (sthread *t = s->live; t && live; t = t->next)
        live[n++] = t;
    pthread_mutex_unlock(&s->mu);
    if (cap && !live) { /* no memory for the list: wait for them to end */
        pthread_mutex_lock(&s->mu);
        while (s->running)
            pthread_cond_wait(&s->settled, &s->mu);
        pthread_mutex_unlock(&s->mu);
    }
    /* Each moves itself to the dead list before it ends; none is freed
     * before we collect that list below. */
    for (size_t i = 0; i < n; i++) {
        pthread_join(live[i]->thread, NULL);
        live[i]->joined = true;
    }
    free(live);
    pthread_mutex_lock(&s->mu);
    dead = s->dead;
    s->dead = NULL;
    pthread_mutex_unlock(&s->mu);
    join_list(dead);
}

static void s_destroy(ct_pool *p)
{
    spool *s = p->impl;

    if (!s)
        return;
    pthread_cond_destroy(&s->settled);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

const ct_pool_vt ct__pool_spawn_vt = {
    .start = s_start,
    .try_submit = s_try_submit,
    .close = s_close,
    .join = s_join,
    .destroy = s_destroy,
};

const ct_pool_ops ct_pool_spawn = {
    .desc = {.name = "spawn",
             .summary = "one thread per task, no bound (the seeds' naive go f())",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC | CT_POOL_CAP_PER_TASK},
    .vt = &ct__pool_spawn_vt,
};
