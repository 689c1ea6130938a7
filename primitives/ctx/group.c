/*
 * group.c: errgroup (see group.h). Thread tasks are joined one by one;
 * coroutine tasks count down a WaitGroup (go.h), whose wait parks a waiting
 * coroutine instead of its worker.
 */
#include "group.h"
#include "go.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

typedef struct task {
    ct_group *g;
    ct_group_fn fn;
    void *arg;
    pthread_t thread;
} task;

struct ct_group {
    ct_ctx *ctx;
    ct_wg *wg;          /* coroutine tasks not yet returned; NULL: threads */
    pthread_mutex_t mu; /* guards everything below */
    task **tasks;
    size_t ntasks, cap;
    int first_err, nerr;
};

static void record(ct_group *g, int err)
{
    int first = 0;
    pthread_mutex_lock(&g->mu);
    if (err) {
        first = g->nerr++ == 0;
        if (first)
            g->first_err = err;
    }
    pthread_mutex_unlock(&g->mu);
    if (first)
        ct_ctx_cancel(g->ctx); /* the others should stop */
}

static void *run(void *p)
{
    task *t = p;
    record(t->g, t->fn(t->g->ctx, t->arg));
    return NULL;
}

static void run_co(void *p)
{
    task *t = p;
    ct_group *g = t->g;

    record(g, t->fn(g->ctx, t->arg));
    ct_wg_done(g->wg); /* last: wait may free the group once it returns */
}

static ct_group *group_new(ct_ctx *parent, bool coroutines)
{
    ct_group *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->ctx = ct_ctx_with_cancel(parent);
    if (coroutines)
        g->wg = ct_wg_new();
    if (!g->ctx || (coroutines && !g->wg) || pthread_mutex_init(&g->mu, NULL)) {
        ct_ctx_release(g->ctx);
        ct_wg_free(g->wg);
        free(g);
        errno = ENOMEM;
        return NULL;
    }
    return g;
}

ct_group *ct_group_new(ct_ctx *parent)
{
    return group_new(parent, false);
}

ct_group *ct_group_new_go(ct_ctx *parent)
{
    return group_new(parent, true);
}

ct_ctx *ct_group_ctx(ct_group *g)
{
    return g->ctx;
}

int ct_group_go(ct_group *g, ct_group_fn fn, void *arg)
{
    task *t = malloc(sizeof *t);
    int err = t ? 0 : ENOMEM;
    pthread_mutex_lock(&g->mu);
    if (!err && g->ntasks == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 8;
        task **bigger = realloc(g->tasks, cap * sizeof *bigger);
        if (bigger) {
            g->tasks = bigger;
            g->cap = cap;
        } else {
            err = ENOMEM;
        }
    }
    if (!err) {
        *t = (task){g, fn, arg, 0};
        if (g->wg) {
            ct_wg_add(g->wg, 1);
            err = -ct_go(run_co, t);
            if (err)
                ct_wg_done(g->wg);
        } else {
            err = pthread_create(&t->thread, NULL, run, t);
        }
        if (!err)
            g->tasks[g->ntasks++] = t;
    }
    pthread_mutex_unlock(&g->mu);
    if (err) {
        free(t);
        record(g, -err); /* a task that could not start is an error too */
        return -err;
    }
    return 0;
}

int ct_group_wait(ct_group *g)
{
    /* No go() runs concurrently with wait (contract): the list is stable. */
    if (g->wg)
        ct_wg_wait(g->wg);
    for (size_t i = 0; i < g->ntasks; i++) {
        if (!g->wg)
            pthread_join(g->tasks[i]->thread, NULL);
        free(g->tasks[i]);
    }
    g->ntasks = 0;
    ct_ctx_cancel(g->ctx); /* as Go's errgroup: done once every task is */
    pthread_mutex_lock(&g->mu);
    int err = g->first_err;
    pthread_mutex_unlock(&g->mu);
    return err;
}

int ct_group_errors(ct_group *g)
{
    pthread_mutex_lock(&g->mu);
    int n = g->nerr;
    pthread_mutex_unlock(&g->mu);
    return n;
}

void ct_group_free(ct_group *g)
{
    if (!g)
        return;
    ct_ctx_release(g->ctx);
    ct_wg_free(g->wg);
    pthread_mutex_destroy(&g->mu);
    free(g->tasks);
    free(g);
}
