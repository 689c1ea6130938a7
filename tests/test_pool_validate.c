/*
 * test_pool_validate.c: the pool family's validate driver, every tree.
 *
 *  validate/<impl>/<T>t   T = 1, 2, 4, 8 submitters, released together, mix
 *                         submit and try_submit on a small queue (so they
 *                         block); every task must run exactly once (a
 *                         counter per task), its submitter's write before
 *                         submit must be visible to it, wait must return
 *                         with all done, the statistics must add up, and
 *                         shutdown must leave no thread (stats, and the
 *                         runner's leak check). dynamic runs with a 1 ms
 *                         idle timeout, so it grows and retires meanwhile.
 *  shutdown_running/<impl>  shutdown (drain) while tasks run and more are
 *                         queued: every accepted task runs, submit then
 *                         says CT_CLOSED
 *  shutdown_blocked/<impl>  bounded designs: abort while submitters are
 *                         blocked on the full pool: they return CT_CLOSED,
 *                         and accepted == ran + dropped
 *  abort_count/<impl>     the exact dropped count: 1 worker held, 50 queued
 *  deadline_drain/<impl>  ct_pool_shutdown_deadline, DRAIN with a minute to
 *                         spare: 50 tasks, none dropped, all ran once
 *  deadline_expires/<impl> DRAIN whose 20 ms deadline passes with 1 worker
 *                         held and 50 queued: exactly the 50 dropped
 *  deadline_drop/<impl>   DROP: the 50 dropped at once (a minute's deadline)
 *  ctx_cancel/<impl>      100 threads in submit_ctx on one context, on a full
 *                         pool whose worker is held (so they can only wait):
 *                         cancelling it returns CT_CANCELED to all, none of
 *                         their tasks runs; a deadline gives
 *                         CT_DEADLINE_EXCEEDED
 *  errors/<impl>          every non-zero return counted, the first kept
 *  dynamic_bounds         never above max, reaches max under a backlog,
 *                         back to min after idling; the trace agrees
 *  dynamic_no_thread      min 0, no worker, and the thread for a task cannot
 *                         start (pthread_create fails, ct_fault.h): the
 *                         submit fails with that error and wait returns at
 *                         once; with a worker held busy the same failure
 *                         leaves the task queued for it
 *  dynamic_idle_max       an idle timeout of INT64_MAX: the worker's
 *                         retirement deadline saturates (UBSan: no overflow)
 *  registry, find, params
 *
 * Nothing waits on a sleep for another thread's progress: tasks hold on a
 * gate (mutex + condition); blocked submitters are seen in the wait
 * registry (ct_wait_snapshot). Only dynamic_bounds waits for time to pass,
 * since retiring after an idle timeout is what it checks.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ct_fault.h"
#include "ct_test.h"
#include "ct_waitreg.h"
#include "pool.h"

#define MS 1000000LL

static const unsigned thread_counts[] = {1, 2, 4, 8};
#define NCOUNTS (sizeof thread_counts / sizeof thread_counts[0])

static ct_pool *make(const ct_pool_ops *ops, unsigned min, unsigned max, size_t cap,
                     int64_t idle_ns)
{
    ct_pool_params pp = {
        .min_workers = min, .max_workers = max, .queue_cap = cap, .idle_timeout_ns = idle_ns};
    ct_pool *p = ct_pool_new(ops->desc.name, &pp);

    if (!p)
        ct_test_fail("%s: ct_pool_new: %s", ops->desc.name, strerror(errno));
    CT_CHECK(ct_pool_impl(p) == ops);
    return p;
}

/* After shutdown: no thread, every start matched by an end. */
static void check_joined(ct_pool *p)
{
    ct_pool_stats s;

    ct_pool_get_stats(p, &s);
    if (s.workers != 0 || s.threads_started != s.threads_retired)
        ct_test_fail("%s: after shutdown %u workers, %llu started, %llu ended",
                     ct_pool_impl(p)->desc.name, s.workers, (unsigned long long)s.threads_started,
                     (unsigned long long)s.threads_retired);
}

/* ---- a gate that tasks hold on -------------------------------------------------- */

typedef struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned started, ran;
    bool open;
} gate;

static void gate_init(gate *g)
{
    *g = (gate){.open = false};
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
}

static void gate_destroy(gate *g)
{
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
}

static int gated_task(void *arg)
{
    gate *g = arg;

    pthread_mutex_lock(&g->mu);
    g->started++;
    pthread_cond_broadcast(&g->cv);
    while (!g->open)
        pthread_cond_wait(&g->cv, &g->mu);
    g->ran++;
    pthread_mutex_unlock(&g->mu);
    return 0;
}

static void gate_wait_started(gate *g, unsigned n)
{
    pthread_mutex_lock(&g->mu);
    while (g->started < n)
        pthread_cond_wait(&g->cv, &g->mu);
    pthread_mutex_unlock(&g->mu);
}

static void gate_open(gate *g)
{
    pthread_mutex_lock(&g->mu);
    g->open = true;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

static unsigned gate_ran(gate *g)
{
    unsigned n;

    pthread_mutex_lock(&g->mu);
    n = g->ran;
    pthread_mutex_unlock(&g->mu);
    return n;
}

/* Threads blocked in op on p, per the wait registry. */
static size_t blocked_in(const char *op, const ct_pool *p)
{
    ct_wait_info w[256];
    size_t n = ct_wait_snapshot(w, 256), k = 0;

    for (size_t i = 0; i < n; i++)
        if (w[i].obj == p && strcmp(w[i].op, op) == 0)
            k++;
    return k;
}

static void wait_blocked(const char *op, const ct_pool *p, size_t n)
{
    while (blocked_in(op, p) < n)
        sched_yield(); /* bounded by the case's timeout */
}

/* A thread that shuts the pool down (shutdown joins, so it can block). */
typedef struct shutter {
    pthread_t t;
    ct_pool *p;
    int mode;
    uint64_t dropped;
} shutter;

static void *shutter_main(void *arg)
{
    shutter *s = arg;

    s->dropped = ct_pool_shutdown(s->p, s->mode);
    return NULL;
}

static void shutter_start(shutter *s, ct_pool *p, int mode)
{
    *s = (shutter){.p = p, .mode = mode};
    if (pthread_create(&s->t, NULL, shutter_main, s))
        ct_test_fail("pthread_create");
    /* shutdown has begun once try_submit says closed; the probes that got
     * in run (or are dropped) like any other task */
}

/* ---- validate/<impl>/<T>t ------------------------------------------------------- */

typedef struct vtask {
    _Atomic unsigned runs; /* exactly 1 at the end */
    uint64_t payload;      /* written by the submitter before submit */
    bool bad;              /* the task did not see the payload */
} vtask;

typedef struct vrun {
    ct_pool *p;
    vtask *tasks;
    unsigned per_thread;
    ct_test_barrier start;
    _Atomic uint64_t wouldblock;
} vrun;

static int vtask_fn(void *arg)
{
    vtask *t = arg;

    if (t->payload != (uint64_t)(uintptr_t)t * 3 + 1)
        t->bad = true;
    /* relaxed: a count; the pool's wait orders it before the check */
    atomic_fetch_add_explicit(&t->runs, 1, memory_order_relaxed);
    return 0;
}

static void vsubmitter(unsigned idx, void *arg)
{
    vrun *r = arg;
    uint64_t wb = 0;

    ct_test_barrier_wait(&r->start);
    for (unsigned i = 0; i < r->per_thread; i++) {
        vtask *t = &r->tasks[(size_t)idx * r->per_thread + i];
        int rc;

        t->payload = (uint64_t)(uintptr_t)t * 3 + 1;
        if (i % 2) { /* try first; on a full pool, block */
            while ((rc = ct_pool_try_submit(r->p, vtask_fn, t)) == CT_WOULDBLOCK && ++wb % 4)
                sched_yield();
            if (rc == CT_WOULDBLOCK)
                rc = ct_pool_submit(r->p, vtask_fn, t);
        } else {
            rc = ct_pool_submit(r->p, vtask_fn, t);
        }
        if (rc != 0)
            ct_test_fail("submit: %s", ct_strstatus(rc));
    }
    atomic_fetch_add(&r->wouldblock, wb);
}

static int test_validate(void *arg)
{
    const ct_test_cell *cell = arg;
    const ct_pool_ops *ops = cell->impl;
    bool per_task = ops->desc.caps & CT_POOL_CAP_PER_TASK;
    bool bounded = ops->desc.caps & CT_POOL_CAP_BOUNDED;
    vrun r = {.per_thread = per_task ? 300 : 3000};
    size_t total = (size_t)cell->threads * r.per_thread;
    ct_pool_stats s;

    r.tasks = calloc(total, sizeof *r.tasks);
    CT_CHECK(r.tasks != NULL);
    r.p = make(ops, 1, 4, 16, 1 * MS);
    ct_test_barrier_init(&r.start, cell->threads);
    ct_test_run_threads(cell->threads, vsubmitter, &r);
    ct_test_barrier_destroy(&r.start);
    CT_CHECK(ct_pool_wait(r.p) == 0);
    for (size_t i = 0; i < total; i++) {
        unsigned n = atomic_load(&r.tasks[i].runs);

        if (n != 1 || r.tasks[i].bad)
            ct_test_fail("%s: task %zu ran %u times%s", ops->desc.name, i, n,
                         r.tasks[i].bad ? ", without its submitter's write" : "");
    }
    ct_pool_get_stats(r.p, &s);
    CT_CHECK(s.tasks_done == total && s.tasks_dropped == 0);
    CT_CHECK(s.workers_peak <= (per_task && !bounded ? total : 4));
    CT_CHECK(ct_pool_errors(r.p, NULL) == 0);
    CT_CHECK(ct_pool_shutdown(r.p, CT_POOL_DRAIN) == 0);
    CT_CHECK(ct_pool_shutdown(r.p, CT_POOL_ABORT) == 0); /* only the first acts */
    check_joined(r.p);
    CT_CHECK(ct_pool_submit(r.p, vtask_fn, &r.tasks[0]) == CT_CLOSED);
    CT_CHECK(ct_pool_try_submit(r.p, vtask_fn, &r.tasks[0]) == CT_CLOSED);
    printf("  %s, %u submitters: %zu tasks, peak %u workers, %llu threads started, "
           "%llu would-blocks\n",
           ops->desc.name, cell->threads, total, s.workers_peak,
           (unsigned long long)s.threads_started, (unsigned long long)atomic_load(&r.wouldblock));
    ct_pool_free(r.p);
    free(r.tasks);
    return 0;
}

/* More submitting threads than `sharded` has private queues (the rest share
 * one under a lock), on small queues: every task exactly once. */
static int test_many_threads(void *arg)
{
    const ct_pool_ops *ops = arg;
    enum { THREADS = 80, PER = 40 };
    vrun r = {.per_thread = PER};

    r.tasks = calloc(THREADS * PER, sizeof *r.tasks);
    CT_CHECK(r.tasks != NULL);
    r.p = make(ops, 1, 3, 4, 1 * MS);
    ct_test_barrier_init(&r.start, THREADS);
    ct_test_run_threads(THREADS, vsubmitter, &r);
    ct_test_barrier_destroy(&r.start);
    CT_CHECK(ct_pool_wait(r.p) == 0);
    for (size_t i = 0; i < THREADS * PER; i++)
        if (atomic_load(&r.tasks[i].runs) != 1 || r.tasks[i].bad)
            ct_test_fail("%s: task %zu ran %u times", ops->desc.name, i,
                         atomic_load(&r.tasks[i].runs));
    ct_pool_free(r.p);
    free(r.tasks);
    return 0;
}

/* One task at a time, the submitter waiting for each, and idle gaps long
 * enough for the workers to fall asleep (the sleep only makes gaps; nothing
 * is synchronized by it): a lost wake-up, of a worker or of the waiter,
 * leaves a task queued and this case hangs, which its timeout reports. */
static int count_task(void *arg)
{
    atomic_fetch_add((_Atomic unsigned *)arg, 1);
    return 0;
}

static int test_wakeups(void *arg)
{
    const ct_pool_ops *ops = arg;
    enum { ROUNDS = 2000 };
    _Atomic unsigned ran = 0;
    ct_pool *p = make(ops, 1, 2, 16, 100 * MS);
    struct timespec gap = {0, 200000};

    for (unsigned i = 0; i < ROUNDS; i++) {
        if (i % 8 == 0)
            nanosleep(&gap, NULL);
        CT_CHECK(ct_pool_submit(p, count_task, &ran) == 0);
        CT_CHECK(ct_pool_wait(p) == 0);
        CT_CHECK(atomic_load(&ran) == i + 1);
    }
    ct_pool_free(p);
    return 0;
}

/* Tasks that submit tasks (a tree, 4 children each, 5 levels: 341 tasks):
 * wait covers what is submitted while it waits. */
typedef struct tnode {
    ct_pool *p;
    _Atomic unsigned *ran;
    unsigned depth;
} tnode;

static int tree_task(void *arg)
{
    tnode *n = arg;

    atomic_fetch_add(n->ran, 1);
    for (unsigned i = 0; n->depth > 0 && i < 4; i++) {
        tnode *c = malloc(sizeof *c);

        CT_CHECK(c != NULL);
        *c = (tnode){n->p, n->ran, n->depth - 1};
        CT_CHECK(ct_pool_submit(n->p, tree_task, c) == 0);
    }
    free(n);
    return 0;
}

static int test_nested(void *arg)
{
    const ct_pool_ops *ops = arg;
    _Atomic unsigned ran = 0;
    ct_pool *p = make(ops, 2, 2, 1024, 100 * MS);
    tnode *root = malloc(sizeof *root); /* the task frees it */

    CT_CHECK(root != NULL);
    *root = (tnode){p, &ran, 4};
    CT_CHECK(ct_pool_submit(p, tree_task, root) == 0);
    CT_CHECK(ct_pool_wait(p) == 0);
    CT_CHECK(atomic_load(&ran) == 341);
    ct_pool_free(p);
    return 0;
}

/* ---- shutdown while running; while blocked; abort counts ---------------------- */

/* Probe until shutdown has begun; returns how many probes got in. */
static unsigned probe_until_closed(ct_pool *p, gate *g)
{
    unsigned in = 0;
    int rc;

    while ((rc = ct_pool_try_submit(p, gated_task, g)) != CT_CLOSED) {
        if (rc == 0)
            in++;
        sched_yield();
    }
    return in;
}

static int test_shutdown_running(void *arg)
{
    const ct_pool_ops *ops = arg;
    gate g;
    shutter sh;
    unsigned accepted = 0, probes;

    gate_init(&g);
    ct_pool *p = make(ops, 2, 2, 64, 100 * MS);
    for (unsigned i = 0; i < 10; i++) /* spawn_sem takes 2, the others all */
        if (ct_pool_try_submit(p, gated_task, &g) == 0)
            accepted++;
    CT_CHECK(accepted == 10 || (accepted == 2 && (ops->desc.caps & CT_POOL_CAP_PER_TASK) &&
                                (ops->desc.caps & CT_POOL_CAP_BOUNDED)));
    gate_wait_started(&g, 2); /* two run, the rest queue (spawn: all run) */
    shutter_start(&sh, p, CT_POOL_DRAIN);
    probes = probe_until_closed(p, &g);
    gate_open(&g);
    pthread_join(sh.t, NULL);
    CT_CHECK(sh.dropped == 0);
    CT_CHECK(gate_ran(&g) == accepted + probes);
    CT_CHECK(ct_pool_submit(p, gated_task, &g) == CT_CLOSED);
    check_joined(p);
    ct_pool_free(p);
    gate_destroy(&g);
    return 0;
}

typedef struct brun {
    ct_pool *p;
    gate *g;
    _Atomic unsigned accepted;
} brun;

static void bsubmitter(unsigned idx, void *arg)
{
    brun *b = arg;
    int rc;

    (void)idx;
    while ((rc = ct_pool_submit(b->p, gated_task, b->g)) == 0)
        atomic_fetch_add(&b->accepted, 1);
    if (rc != CT_CLOSED)
        ct_test_fail("a blocked submit returned %s, not closed", ct_strstatus(rc));
}

typedef struct bctl {
    brun *b;
    unsigned submitters;
} bctl;

static void *bsubmitters_main(void *arg)
{
    bctl *c = arg;

    ct_test_run_threads(c->submitters, bsubmitter, c->b);
    return NULL;
}

static int test_shutdown_blocked(void *arg)
{
    const ct_pool_ops *ops = arg;
    gate g;
    shutter sh;
    brun b = {0};
    bctl c = {&b, 4};
    pthread_t t;
    unsigned ran;

    gate_init(&g);
    b.g = &g;
    b.p = make(ops, 1, 1, 2, 100 * MS);
    if (pthread_create(&t, NULL, bsubmitters_main, &c))
        ct_test_fail("pthread_create");
    gate_wait_started(&g, 1);
    /* The worker is held, so once the pool says full it stays full: then
     * every submitter blocks, for good */
    while (ct_pool_try_submit(b.p, gated_task, &g) == 0)
        atomic_fetch_add(&b.accepted, 1);
    wait_blocked("pool submit", b.p, 4);
    shutter_start(&sh, b.p, CT_POOL_ABORT);
    pthread_join(t, NULL); /* they all saw CT_CLOSED */
    gate_open(&g);
    pthread_join(sh.t, NULL);
    ran = gate_ran(&g);
    printf("  %s: %u accepted, %u ran, %llu dropped\n", ops->desc.name, atomic_load(&b.accepted),
           ran, (unsigned long long)sh.dropped);
    CT_CHECK(ran >= 1 && atomic_load(&b.accepted) == ran + sh.dropped);
    if (ops->desc.caps & CT_POOL_CAP_PER_TASK) /* nothing is queued: nothing to drop */
        CT_CHECK(sh.dropped == 0);
    else /* the queue was full */
        CT_CHECK(sh.dropped >= 2);
    check_joined(b.p);
    ct_pool_free(b.p);
    gate_destroy(&g);
    return 0;
}

static int test_abort_count(void *arg)
{
    const ct_pool_ops *ops = arg;
    gate g;
    shutter sh;
    ct_pool_stats s;

    gate_init(&g);
    ct_pool *p = make(ops, 1, 1, 100, 100 * MS);
    CT_CHECK(ct_pool_submit(p, gated_task, &g) == 0);
    gate_wait_started(&g, 1);
    for (unsigned i = 0; i < 50; i++)
        CT_CHECK(ct_pool_submit(p, gated_task, &g) == 0);
    shutter_start(&sh, p, CT_POOL_ABORT);
    /* The queue is dropped before shutdown joins (which waits for the
     * gate); open the gate only then, or the held worker could take a
     * queued task first (run, not dropped: legal, but not this check). */
    do {
        sched_yield();
        ct_pool_get_stats(p, &s);
    } while (s.tasks_dropped < 50);
    gate_open(&g);
    pthread_join(sh.t, NULL);
    CT_CHECK(gate_ran(&g) == 1);
    if (sh.dropped != 50)
        ct_test_fail("%s: abort dropped %llu, expected 50", ops->desc.name,
                     (unsigned long long)sh.dropped);
    ct_pool_get_stats(p, &s);
    CT_CHECK(s.tasks_done == 1 && s.tasks_dropped == sh.dropped);
    CT_CHECK(ct_pool_wait(p) == 0); /* dropped tasks count as finished */
    check_joined(p);
    ct_pool_free(p);
    gate_destroy(&g);
    return 0;
}

/* ---- shutdown by a deadline ------------------------------------------------------ */

typedef struct dshutter {
    pthread_t t;
    ct_pool *p;
    int64_t deadline;
    int mode;
    uint64_t dropped;
} dshutter;

static void *dshutter_main(void *arg)
{
    dshutter *s = arg;

    s->dropped = ct_pool_shutdown_deadline(s->p, s->deadline, s->mode);
    return NULL;
}

/* A drain with time to spare: nothing dropped, every task ran once. */
static int test_deadline_drain(void *arg)
{
    const ct_pool_ops *ops = arg;
    gate g;
    ct_pool_stats s;
    uint64_t dropped;

    gate_init(&g);
    gate_open(&g); /* the tasks just count */
    ct_pool *p = make(ops, 1, 2, 100, 100 * MS);
    for (unsigned i = 0; i < 50; i++)
        CT_CHECK(ct_pool_submit(p, gated_task, &g) == 0);
    dropped = ct_pool_shutdown_deadline(p, ct_now_ns() + 60000 * MS, CT_POOL_DRAIN);
    if (dropped != 0 || gate_ran(&g) != 50)
        ct_test_fail("%s: a drain with a minute to spare dropped %llu, ran %u of 50",
                     ops->desc.name, (unsigned long long)dropped, gate_ran(&g));
    ct_pool_get_stats(p, &s);
    CT_CHECK(s.tasks_done == 50 && s.tasks_dropped == 0);
    CT_CHECK(ct_pool_submit(p, gated_task, &g) == CT_CLOSED);
    CT_CHECK(ct_pool_shutdown_deadline(p, -1, CT_POOL_DRAIN) == 0); /* the second: no effect */
    check_joined(p);
    ct_pool_free(p);
    gate_destroy(&g);
    return 0;
}

/* One worker held, 50 queued: a drain whose deadline passes drops the 50
 * (mode DRAIN, 20 ms); DROP drops them at once, though its deadline is a
 * minute away (the test's timeout would end a wait for it). */
static int deadline_held(const ct_pool_ops *ops, int mode, int64_t timeout_ns)
{
    gate g;
    dshutter sh;
    ct_pool_stats s;

    gate_init(&g);
    ct_pool *p = make(ops, 1, 1, 100, 100 * MS);
    CT_CHECK(ct_pool_submit(p, gated_task, &g) == 0);
    gate_wait_started(&g, 1);
    for (unsigned i = 0; i < 50; i++)
        CT_CHECK(ct_pool_submit(p, gated_task, &g) == 0);
    sh = (dshutter){.p = p, .deadline = ct_now_ns() + timeout_ns, .mode = mode};
    if (pthread_create(&sh.t, NULL, dshutter_main, &sh))
        ct_test_fail("pthread_create");
    /* as abort_count: open the gate only once the queue is dropped */
    do {
        sched_yield();
        ct_pool_get_stats(p, &s);
    } while (s.tasks_dropped < 50);
    gate_open(&g);
    pthread_join(sh.t, NULL);
    if (sh.dropped != 50 || gate_ran(&g) != 1)
        ct_test_fail("%s: %s: dropped %llu (expected 50), ran %u (expected 1)", ops->desc.name,
                     mode == CT_POOL_DRAIN ? "drain past its deadline" : "drop",
                     (unsigned long long)sh.dropped, gate_ran(&g));
    CT_CHECK(ct_pool_wait(p) == 0); /* dropped tasks count as finished */
    check_joined(p);
    ct_pool_free(p);
    gate_destroy(&g);
    return 0;
}

static int test_deadline_expires(void *arg)
{
    return deadline_held(arg, CT_POOL_DRAIN, 20 * MS);
}

static int test_deadline_drop(void *arg)
{
    return deadline_held(arg, CT_POOL_DROP, 60000 * MS);
}

/* ---- submit_ctx ----------------------------------------------------------------- */

typedef struct crun {
    ct_pool *p;
    ct_ctx *ctx;
    gate *g;
    _Atomic unsigned entered, canceled, other;
} crun;

static int never_task(void *arg)
{
    (void)arg;
    ct_test_fail("a task whose submit_ctx was cancelled ran");
}

static void csubmitter(unsigned idx, void *arg)
{
    crun *c = arg;
    int rc;

    (void)idx;
    /* Fill whatever queue is this thread's: sharded gives each submitting
     * thread its own (the others' one queue is full already) */
    while (ct_pool_try_submit(c->p, gated_task, c->g) == 0) {}
    atomic_fetch_add(&c->entered, 1);
    rc = ct_pool_submit_ctx(c->p, c->ctx, never_task, NULL);
    if (rc == CT_CANCELED)
        atomic_fetch_add(&c->canceled, 1);
    else
        atomic_fetch_add(&c->other, 1);
}

static void *csubmitters_main(void *arg)
{
    ct_test_run_threads(100, csubmitter, arg);
    return NULL;
}

static int test_ctx_cancel(void *arg)
{
    const ct_pool_ops *ops = arg;
    gate g;
    crun c = {0};
    pthread_t t;

    gate_init(&g);
    c.g = &g;
    c.p = make(ops, 1, 1, 1, 100 * MS);
    c.ctx = ct_ctx_with_cancel(ct_ctx_background());
    CT_CHECK(c.ctx != NULL);
    CT_CHECK(ct_pool_submit(c.p, gated_task, &g) == 0);
    gate_wait_started(&g, 1);
    /* fill the queue: spawn_sem's limit is reached already */
    while (ct_pool_try_submit(c.p, gated_task, &g) == 0) {}
    if (pthread_create(&t, NULL, csubmitters_main, &c))
        ct_test_fail("pthread_create");
    /* The pool is full and its worker held: a submit_ctx that has begun
     * cannot succeed, only wait (it sleeps 1 ms at a time between looks
     * at its context, so a snapshot rarely holds all 100 at once under a
     * loaded TSan run: count them in, and see them block). */
    while (atomic_load(&c.entered) < 100)
        sched_yield();
    wait_blocked("pool submit", c.p, 10);
    ct_ctx_cancel(c.ctx);
    pthread_join(t, NULL);
    CT_CHECK(atomic_load(&c.canceled) == 100 && atomic_load(&c.other) == 0);
    CT_CHECK(ct_pool_submit_ctx(c.p, c.ctx, never_task, NULL) == CT_CANCELED);
    ct_ctx_release(c.ctx);
    /* a deadline, while blocked */
    c.ctx = ct_ctx_with_timeout(ct_ctx_background(), 5 * MS);
    CT_CHECK(ct_pool_submit_ctx(c.p, c.ctx, never_task, NULL) == CT_DEADLINE_EXCEEDED);
    ct_ctx_release(c.ctx);
    gate_open(&g);
    CT_CHECK(ct_pool_wait(c.p) == 0);
    ct_pool_free(c.p);
    gate_destroy(&g);
    return 0;
}

/* ---- errors --------------------------------------------------------------------- */

static int err_task(void *arg)
{
    return (int)(intptr_t)arg;
}

static int test_errors(void *arg)
{
    const ct_pool_ops *ops = arg;
    ct_pool *p = make(ops, 1, 1, 256, 100 * MS);
    uint64_t want = 0;
    int first = 0, ret;

    for (intptr_t i = 0; i < 200; i++) {
        intptr_t rc = i % 7 == 3 ? -(i + 1) : 0;

        want += rc != 0;
        CT_CHECK(ct_pool_submit(p, err_task, (void *)rc) == 0);
    }
    ret = ct_pool_wait(p);
    CT_CHECK(ct_pool_errors(p, &first) == want);
    CT_CHECK(ret == first && first < 0 && (-first - 1) % 7 == 3);
    if (!(ops->desc.caps & CT_POOL_CAP_PER_TASK))
        CT_CHECK(first == -4); /* one worker runs them in order */
    ct_pool_free(p);
    return 0;
}

/* ---- dynamic -------------------------------------------------------------------- */

static int test_dynamic_bounds(void *arg)
{
    ct_pool *p = make(ct_pool_find("dynamic"), 1, 3, 64, 20 * MS);
    ct_pool_sample tr[256];
    ct_pool_stats s;
    gate g;
    size_t n;
    struct timespec ms = {0, 1000000};

    (void)arg;
    gate_init(&g);
    ct_pool_get_stats(p, &s);
    CT_CHECK(s.workers == 1);
    for (unsigned i = 0; i < 40; i++)
        CT_CHECK(ct_pool_submit(p, gated_task, &g) == 0);
    gate_wait_started(&g, 3); /* the backlog grew it to max */
    ct_pool_get_stats(p, &s);
    CT_CHECK(s.workers == 3 && s.workers_peak == 3);
    gate_open(&g);
    CT_CHECK(ct_pool_wait(p) == 0);
    /* Idle for 20 ms: the extra workers retire. Polling is bounded by the
     * case's timeout; the idle timeout is what is being tested. */
    for (;;) {
        ct_pool_get_stats(p, &s);
        if (s.workers == 1)
            break;
        nanosleep(&ms, NULL);
    }
    CT_CHECK(s.workers_peak == 3 && s.threads_retired == 2);
    n = ct_pool_trace(p, tr, 256);
    CT_CHECK(n >= 5 && n <= 256);
    for (size_t i = 0; i < n; i++) {
        CT_CHECK(tr[i].workers <= 3);
        CT_CHECK(i == 0 || tr[i].t_ns >= tr[i - 1].t_ns);
    }
    CT_CHECK(tr[n - 1].workers == 1);
    ct_pool_free(p);
    gate_destroy(&g);
    /* min 0: it retires everyone, and grows again on demand */
    p = make(ct_pool_find("dynamic"), 0, 2, 8, 1 * MS);
    for (int round = 0; round < 3; round++) {
        CT_CHECK(ct_pool_submit(p, err_task, (void *)0) == 0);
        CT_CHECK(ct_pool_wait(p) == 0);
        for (;;) {
            ct_pool_get_stats(p, &s);
            if (s.workers == 0)
                break;
            nanosleep(&ms, NULL);
        }
    }
    CT_CHECK(s.tasks_done == 3 && s.threads_started >= 3);
    ct_pool_free(p);
    return 0;
}

/* A dynamic pool whose thread for a task cannot start. With no worker left
 * (min 0), a queued task would never run and wait would hang: the submit
 * must fail instead. With a worker left, the task waits for it. */
static int test_dynamic_no_thread(void *arg)
{
    ct_pool *p = make(ct_pool_find("dynamic"), 0, 2, 8, 100 * MS);
    ct_pool_stats s;
    gate g;
    int rc;

    (void)arg;
    ct_pool_get_stats(p, &s);
    CT_CHECK(s.workers == 0);
    ct_fault_arm(CT_FAULT_PTHREAD_CREATE, 0, EAGAIN);
    rc = ct_pool_submit(p, err_task, (void *)0);
    ct_fault_disarm(CT_FAULT_PTHREAD_CREATE);
    CT_CHECK(ct_fault_failed(CT_FAULT_PTHREAD_CREATE) == 1); /* the growth was tried */
    if (rc != -EAGAIN)
        ct_test_fail("submit with no worker and none startable: %s, expected -EAGAIN "
                     "(the task would be stranded)",
                     ct_strstatus(rc));
    CT_CHECK(ct_pool_wait(p) == 0); /* nothing pending: returns at once */
    ct_fault_arm(CT_FAULT_PTHREAD_CREATE, 0, EAGAIN);
    CT_CHECK(ct_pool_try_submit(p, err_task, (void *)0) == -EAGAIN);
    ct_fault_disarm(CT_FAULT_PTHREAD_CREATE);
    CT_CHECK(ct_fault_failed(CT_FAULT_PTHREAD_CREATE) == 2);
    ct_pool_get_stats(p, &s);
    CT_CHECK(s.workers == 0 && s.tasks_done == 0);

    /* A worker busy on a gated task: a second task's growth fails, and the
     * task stays queued for that worker. */
    gate_init(&g);
    CT_CHECK(ct_pool_submit(p, gated_task, &g) == 0);
    gate_wait_started(&g, 1);
    ct_fault_arm(CT_FAULT_PTHREAD_CREATE, 0, EAGAIN);
    rc = ct_pool_submit(p, err_task, (void *)0);
    ct_fault_disarm(CT_FAULT_PTHREAD_CREATE);
    CT_CHECK(ct_fault_failed(CT_FAULT_PTHREAD_CREATE) == 3);
    CT_CHECK(rc == 0);
    gate_open(&g);
    CT_CHECK(ct_pool_wait(p) == 0);
    ct_pool_get_stats(p, &s);
    CT_CHECK(s.tasks_done == 2);
    ct_pool_free(p);
    gate_destroy(&g);
    return 0;
}

/* The largest idle timeout: a worker's retirement deadline, idle_since +
 * INT64_MAX, saturates instead of overflowing (UBSan stops at the
 * overflow in the ASan tree). The worker goes idle at once; seen asleep
 * in "pool idle", it has computed that deadline. */
static int test_dynamic_idle_max(void *arg)
{
    ct_pool *p = make(ct_pool_find("dynamic"), 1, 2, 8, INT64_MAX);
    ct_wait_info w[16];
    ct_pool_stats s;
    bool idle = false;

    (void)arg;
    while (!idle) { /* bounded by the case's timeout */
        size_t n = ct_wait_snapshot(w, 16);

        for (size_t i = 0; i < n; i++)
            idle |= w[i].obj == (const void *)p && strcmp(w[i].op, "pool idle") == 0;
        if (!idle)
            sched_yield();
    }
    CT_CHECK(ct_pool_submit(p, err_task, (void *)0) == 0);
    CT_CHECK(ct_pool_wait(p) == 0);
    ct_pool_get_stats(p, &s);
    CT_CHECK(s.tasks_done == 1 && s.threads_retired == 0);
    ct_pool_free(p);
    return 0;
}

/* ---- registry and parameters --------------------------------------------------- */

CT_TEST_REGISTRY_ADAPTERS(pool)

static void *pool_new_one(const char *name)
{
    return ct_pool_new(name, &(ct_pool_params){.max_workers = 1});
}

static int test_registry(void *arg)
{
    /* The release list, in report order (a test build may list more). */
    static const char *const want[] = {"fixed", "dynamic",   "stealing", "sharded",
                                       "spawn", "spawn_sem", "go"};
    const ct_pool_ops *const *impls = ct_pool_impls();
    const ct_impl_desc *const *descs = ct_pool_descs();
    long last = -1;
    size_t n;
    ct_pool *p;

    (void)arg;
    /* Every pool is exact. */
    n = ct_test_check_registry(
        &(ct_test_registry){CT_TEST_REGISTRY_OF(pool), .create = pool_new_one,
                            .known_caps = CT_POOL_CAP_BOUNDED | CT_POOL_CAP_TRACE |
                                          CT_POOL_CAP_PER_TASK | CT_POOL_CAP_THREAD_SUBMIT,
                            .required_caps = CT_CAP_EXACT});
    for (size_t i = 0; i < n; i++)
        CT_CHECK(impls[i]->vt);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        long at = ct_registry_index(descs, want[i]);

        if (at <= last)
            ct_test_fail("'%s' is missing or out of report order (at %ld)", want[i], at);
        last = at;
    }
    const char *bad[] = {NULL, "", "Fixed", "fixed ", "no_such_pool"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errno = 0;
        CT_CHECK(ct_pool_find(bad[i]) == NULL && errno == EINVAL);
        if (!bad[i])
            continue; /* ct_pool_new(NULL): the first listed, below */
        errno = 0;
        CT_CHECK(ct_pool_new(bad[i], NULL) == NULL && errno == EINVAL);
    }
    p = ct_pool_new(NULL, &(ct_pool_params){.max_workers = 1});
    CT_CHECK(p && ct_pool_impl(p) == impls[0]);
    ct_pool_free(p);
    return 0;
}

static int test_params(void *arg)
{
    const ct_pool_params bad[] = {
        {.max_workers = 0},
        {.min_workers = 3, .max_workers = 2},
        {.max_workers = 2, .idle_timeout_ns = -1},
    };

    (void)arg;
    for (const ct_pool_ops *const *o = ct_pool_impls(); *o; o++) {
        if (((*o)->desc.caps & CT_POOL_CAP_PER_TASK) && !((*o)->desc.caps & CT_POOL_CAP_BOUNDED))
            continue; /* takes no bound */
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            errno = 0;
            CT_CHECK(ct_pool_new((*o)->desc.name, &bad[i]) == NULL && errno == EINVAL);
        }
    }
    /* an idle pool frees cleanly, and a wait with nothing submitted returns */
    for (const ct_pool_ops *const *o = ct_pool_impls(); *o; o++) {
        ct_pool *p = make(*o, 1, 2, 0, 0); /* no task: a broken pool too */

        CT_CHECK(ct_pool_wait(p) == 0);
        ct_pool_free(p);
    }
    return 0;
}

/* ---- the table ------------------------------------------------------------------ */

#define PER_IMPL 11
#define NFIXED 5

int main(int argc, char **argv)
{
    static const struct {
        const char *what;
        ct_test_fn fn;
        bool bounded_only;
    } per[PER_IMPL] = {
        {"shutdown_running", test_shutdown_running, false},
        {"shutdown_blocked", test_shutdown_blocked, true},
        {"abort_count", test_abort_count, true},
        {"deadline_drain", test_deadline_drain, false},
        {"deadline_expires", test_deadline_expires, true},
        {"deadline_drop", test_deadline_drop, true},
        {"ctx_cancel", test_ctx_cancel, true},
        {"errors", test_errors, false},
        {"many_threads", test_many_threads, true},
        {"nested", test_nested, true},
        {"wakeups", test_wakeups, true},
    };
    /* Sized from the list, so no competitor can be left out. */
    const size_t ncomp = ct_registry_count(ct_pool_descs());
    ct_test_case *fixed = calloc(NFIXED + PER_IMPL * ncomp, sizeof *fixed);
    ct_test_competitor *comps = calloc(ncomp ? ncomp : 1, sizeof *comps);
    size_t nf = 0, nc = 0;
    int rc;

    if (!fixed || !comps)
        ct_die("test_pool_validate: out of memory for %zu competitors", ncomp);
    fixed[nf++] = (ct_test_case){.name = "registry", .fn = test_registry};
    fixed[nf++] = (ct_test_case){.name = "params", .fn = test_params};
    fixed[nf++] =
        (ct_test_case){.name = "dynamic_bounds", .fn = test_dynamic_bounds, .timeout_s = 20};
    fixed[nf++] = (ct_test_case){.name = "dynamic_no_thread", .fn = test_dynamic_no_thread};
    fixed[nf++] = (ct_test_case){.name = "dynamic_idle_max", .fn = test_dynamic_idle_max};
    for (const ct_pool_ops *const *o = ct_pool_impls(); *o; o++) {
        bool bounded = (*o)->desc.caps & CT_POOL_CAP_BOUNDED;
        bool queued = bounded && !((*o)->desc.caps & CT_POOL_CAP_PER_TASK);

        const char *broken = ct_test_broken((*o)->desc.caps);

        comps[nc++] = (ct_test_competitor){*o, (*o)->desc.name, NULL, broken};
        for (size_t i = 0; i < PER_IMPL; i++) {
            char *name;

            if (per[i].bounded_only && !bounded)
                continue;
            if ((per[i].fn == test_abort_count || per[i].fn == test_deadline_expires ||
                 per[i].fn == test_deadline_drop || per[i].fn == test_many_threads ||
                 per[i].fn == test_nested || per[i].fn == test_wakeups) &&
                !queued)
                continue; /* spawn_sem queues nothing (and starts a thread per task) */
            if (asprintf(&name, "%s/%s", per[i].what, (*o)->desc.name) < 0)
                ct_die("test_pool_validate: out of memory");
            /* a broken pool fails (or hangs) these at random: its validate
             * cases are the ones that must catch it */
            fixed[nf++] = (ct_test_case){.name = name,
                                         .fn = per[i].fn,
                                         .arg = (void *)*o,
                                         .timeout_s = 20,
                                         .skip = broken ? "a broken competitor (CT_CAP_BROKEN): "
                                                          "its validate/ cases must fail instead"
                                                        : NULL};
        }
    }
    rc = ct_test_main_matrix(argc, argv, fixed, nf, comps, nc, thread_counts, NCOUNTS,
                             test_validate, 30);
    for (size_t i = NFIXED; i < nf; i++)
        free((char *)fixed[i].name);
    free(comps);
    free(fixed);
    return rc;
}
