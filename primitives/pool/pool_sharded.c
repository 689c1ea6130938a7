/*
 * pool_sharded.c: `sharded`: max_workers workers and a queue per submitting
 * thread, so that no submit writes a line another submitter writes.
 *
 * Each thread that submits gets its own bounded ring (queue_cap tasks):
 * single producer (the thread), many consumers (the workers). The owner
 * writes a slot and moves `tail` (Lamport's ring, the owner caching its
 * last look at `head`); a worker takes a batch, a fair share of what is
 * queued (at most BATCH_MAX), by reading the slots and then one CAS on
 * `head`. Accounting is batched too (pool_internal.h, vt->submitted): the
 * submitted count is the sum of the rings' tails, and a worker adds what it
 * ran to the pool's finished count once per batch. So a task costs its
 * submitter two slot stores and a CAS on a line of its own, and its worker a
 * share of one CAS and one add: the shared lines are touched per batch.
 *
 * Submitters are threads (CT_POOL_CAP_THREAD_SUBMIT): a coroutine's submit
 * is refused with -EPERM, since two coroutines on one worker thread would be
 * two producers on its ring.
 *
 * The first MAX_RINGS - 1 threads to submit get a private ring each, for
 * the pool's life (a ring is not handed on when its thread exits); the
 * threads after them share one last ring under a mutex. A task of this pool
 * that submits to it uses its worker thread's ring like anyone else, and
 * blocks if that ring is full, as on `fixed` (a pool whose every worker
 * blocks so has deadlocked, as in Go).
 *
 * A push has no locked instruction: its two Dekker pairs (with shutdown, and
 * with a worker about to sleep) use asymmetric fences (ct_asymfence.h), the
 * expensive side being the rare one. Shutdown waits out the pushes under
 * way, after which the tails are final (`sealed`): a worker leaves once the
 * rings are sealed and empty.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "ct_asymfence.h"
#include "pool_internal.h"

#define MAX_RINGS 64 /* private rings, the last one shared */
#define BATCH_MAX 64 /* tasks a worker takes at once */
#define TL_CACHE 4
#define LINGER_BELOW 8 /* a batch smaller than this, and nothing left: linger */
#define LINGER_PAUSES 32 /* about a microsecond */ /* pools a thread remembers its ring of */

typedef struct sring {
    /* The workers' line: they CAS head; a blocked owner's space word beside
     * it, read by the worker that just freed room. */
    _Atomic uint64_t head CT_CACHE_ALIGNED;
    ct_pool_space space;
    /* The owner's line. tail: pushes so far; busy: a push is under way
     * (shutdown waits it out). */
    _Atomic uint64_t tail CT_CACHE_ALIGNED;
    _Atomic bool busy;
    uint64_t head_seen; /* the owner's last look at head (under mu if shared) */
    uint64_t owner;     /* the owning thread's id; 0 for the shared ring */
    bool shared;
    pthread_mutex_t mu; /* the shared ring only: one producer at a time */
    uint64_t cap, mask;
    ct__aslot slot[];
} sring;

typedef struct sworker {
    pthread_t thread;
    struct spool *w;
    unsigned next; /* the ring to look at first: round robin */
} sworker;

typedef struct spool {
    ct_pool *p;
    uint64_t id; /* never reused: the key of the submitters' ring caches */
    unsigned n, started;
    sworker *workers;
    pthread_mutex_t reg_mu; /* serializes registering rings and sealing */
    /* rings[i] is written under reg_mu before nrings grows past i (release);
     * readers load nrings (acquire) and then read rings[] below it. */
    _Atomic unsigned nrings CT_CACHE_ALIGNED;
    _Atomic bool sealed; /* every ring is sealed: the tails are final */
    sring *rings[MAX_RINGS];
} spool;

static _Atomic uint64_t next_tid = 1, next_pool = 1;
static _Thread_local uint64_t tl_tid; /* this thread's id, 0 until it submits */
static _Thread_local struct {
    uint64_t pool;
    sring *r;
} tl_ring[TL_CACHE];
static _Thread_local unsigned tl_evict;

/* ---- a ring ------------------------------------------------------------------ */

static sring *ring_new(uint64_t cap, uint64_t owner)
{
    uint64_t size = 1;
    sring *r;

    while (size < cap)
        size *= 2;
    r = ct_alloc_aligned(sizeof *r + size * sizeof(ct__aslot)); /* zeroed: pre-faulted */
    if (!r)
        return NULL;
    r->cap = cap;
    r->mask = size - 1;
    r->owner = owner;
    r->shared = owner == 0;
    if (r->shared && pthread_mutex_init(&r->mu, NULL)) {
        ct_free_aligned(r);
        return NULL;
    }
    return r;
}

static void ring_free(sring *r)
{
    if (r && r->shared)
        pthread_mutex_destroy(&r->mu);
    ct_free_aligned(r);
}

/* The owner (or the holder of mu): 0, CT_WOULDBLOCK or CT_CLOSED.
 *
 * No locked instruction: the two Dekker pairs a push is in (with shutdown,
 * through busy and p->closed; with a worker going to sleep, through tail and
 * the idle counters) use asymmetric fences, the heavy side being the rare
 * one (s_close, ct_pool_idle_wait). */
static int ring_push(ct_pool *p, sring *r, ct_pool_task t)
{
    /* relaxed: only we (or the holder of mu) write tail */
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    ct__aslot *s;

    /* relaxed: ordered by the fences (Dekker pair with s_close) */
    atomic_store_explicit(&r->busy, true, memory_order_relaxed);
    ct_asymfence_light();
    if (atomic_load_explicit(&p->closed, memory_order_relaxed)) {
        atomic_store_explicit(&r->busy, false, memory_order_release);
        return CT_CLOSED;
    }
    if (tail - r->head_seen >= r->cap) {
        /* seq_cst: acquires the workers' slot reads (their CAS on head), and
         * the recheck of the space Dekker pair (ct_pool_space_notify) */
        r->head_seen = atomic_load_explicit(&r->head, memory_order_seq_cst);
        if (tail - r->head_seen >= r->cap) {
            atomic_store_explicit(&r->busy, false, memory_order_release);
            return CT_WOULDBLOCK;
        }
    }
    s = &r->slot[tail & r->mask];
    ct__aslot_put(s, t); /* published by the release store of tail below */
    /* release: pairs with ring_take's acquire load (the slot is written) */
    atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
    /* release: pairs with s_close's acquire load: the push is visible */
    atomic_store_explicit(&r->busy, false, memory_order_release);
    return 0;
}

/* Any thread: take up to a 1/share of what r holds (at most max) into out.
 * Returns how many; *left how many it saw behind them. */
static unsigned ring_take(sring *r, ct_pool_task *out, unsigned share, unsigned max, uint64_t *left)
{
    /* relaxed: the CAS below decides */
    uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);

    for (;;) {
        /* acquire: pairs with ring_push's CAS: the slots below tail are
         * written. Read after head, and head <= tail always: no underflow. */
        uint64_t t = atomic_load_explicit(&r->tail, memory_order_acquire);
        uint64_t avail = t - h, n;

        if (!avail)
            return 0;
        n = (avail + share - 1) / share;
        if (n > max)
            n = max;
        for (uint64_t i = 0; i < n; i++) {
            /* valid only if the CAS succeeds (the owner reuses a slot only
             * after head has moved past it, and head never returns to h) */
            out[i] = ct__aslot_get(&r->slot[(h + i) & r->mask]);
        }
        /* seq_cst (a release at least): pairs with ring_push's load of
         * head, so our slot reads are done before the owner rewrites them;
         * and the space Dekker pair. On failure h is the new head (relaxed:
         * we reread tail with acquire). */
        if (atomic_compare_exchange_weak_explicit(&r->head, &h, h + n, memory_order_seq_cst,
                                                  memory_order_relaxed)) {
            *left = avail - n;
            ct_pool_space_notify(&r->space, (size_t)(r->cap - (t - h - n)), (size_t)r->cap);
            return (unsigned)n;
        }
    }
}

static bool ring_nonempty(sring *r)
{
    /* seq_cst, both: the recheck of the idle Dekker pair (ring_push's store,
     * through the asymmetric fences) */
    return atomic_load_explicit(&r->tail, memory_order_seq_cst) >
           atomic_load_explicit(&r->head, memory_order_seq_cst);
}

/* ---- the submitters' rings --------------------------------------------------- */

/* The calling thread's ring in w, made on its first submit: NULL and
 * *rc = CT_CLOSED once shutdown began, -ENOMEM without memory. */
static sring *my_ring_slow(spool *w, int *rc)
{
    ct_pool *p = w->p;
    sring *r = NULL;
    unsigned n;

    if (!tl_tid) /* relaxed: a unique number is all we need */
        tl_tid = atomic_fetch_add_explicit(&next_tid, 1, memory_order_relaxed);
    pthread_mutex_lock(&w->reg_mu);
    /* relaxed: under reg_mu, which close takes after shutdown stores closed */
    n = atomic_load_explicit(&w->nrings, memory_order_relaxed);
    for (unsigned i = 0; i < n && !r; i++)
        if (w->rings[i]->owner == tl_tid || w->rings[i]->shared)
            r = w->rings[i]; /* evicted from our cache, or the shared one */
    /* seq_cst: shutdown's store; a ring made after close would never be sealed */
    if (!r && atomic_load_explicit(&p->closed, memory_order_seq_cst)) {
        *rc = CT_CLOSED;
    } else if (!r) {
        r = ring_new(p->params.queue_cap, n < MAX_RINGS - 1 ? tl_tid : 0);
        if (r) {
            w->rings[n] = r;
            /* release: publishes rings[n] and the ring to the workers */
            atomic_store_explicit(&w->nrings, n + 1, memory_order_release);
        } else {
            *rc = -ENOMEM;
        }
    }
    pthread_mutex_unlock(&w->reg_mu);
    if (r) {
        unsigned i = tl_evict++ % TL_CACHE;

        tl_ring[i].pool = w->id;
        tl_ring[i].r = r;
    }
    return r;
}

static inline sring *my_ring(spool *w, int *rc)
{
    for (unsigned i = 0; i < TL_CACHE; i++)
        if (CT_LIKELY(tl_ring[i].pool == w->id))
            return tl_ring[i].r;
    return my_ring_slow(w, rc);
}

/* ---- workers ----------------------------------------------------------------- */

static bool rings_nonempty(spool *w)
{
    /* acquire: rings[] below it are written */
    unsigned n = atomic_load_explicit(&w->nrings, memory_order_acquire);

    for (unsigned i = 0; i < n; i++)
        if (ring_nonempty(w->rings[i]))
            return true;
    return false;
}

static bool has_work(ct_pool *p)
{
    /* seq_cst: shutdown's store */
    return atomic_load_explicit(&p->closed, memory_order_seq_cst) || rings_nonempty(p->impl);
}

/* A batch from the first ring, in round-robin order, that has work. */
static unsigned take(spool *w, sworker *k, ct_pool_task *out, uint64_t *left)
{
    /* acquire: rings[] below it are written */
    unsigned n = atomic_load_explicit(&w->nrings, memory_order_acquire);

    for (unsigned i = 0; i < n; i++) {
        unsigned at = (k->next + i) % n;
        unsigned got = ring_take(w->rings[at], out, w->n, BATCH_MAX, left);

        if (got) {
            k->next = at + 1; /* the next batch from the next ring: fairness */
            return got;
        }
    }
    return 0;
}

static bool finished_for_good(spool *w)
{
    /* seq_cst: close's store, after every ring's seal: the tails are final */
    if (!atomic_load_explicit(&w->sealed, memory_order_seq_cst))
        return false;
    return !rings_nonempty(w);
}

/* A worker that found only a few tasks, and none behind them, keeps up
 * with its submitters: taking the next one as soon as it is pushed would
 * pull the ring's lines across for every task. Pausing about a microsecond
 * lets a batch pile up (measured: batches of 1.7 tasks without it, more
 * with; a sched_yield here instead halves the throughput). */
static void linger(void)
{
    for (unsigned i = 0; i < LINGER_PAUSES; i++)
        ct_cpu_relax();
}

static void *worker_main(void *arg)
{
    sworker *k = arg;
    spool *w = k->w;
    ct_pool *p = w->p;
    ct_pool_task batch[BATCH_MAX];

    for (;;) {
        uint64_t left = 0, ran = 0, dropped = 0;
        unsigned n = take(w, k, batch, &left);

        if (n) {
            if (left)
                ct_pool_idle_notify(p); /* more work: keep someone awake */
            for (unsigned i = 0; i < n; i++) {
                /* acquire, then relaxed: aborting is stored before closed */
                if (atomic_load_explicit(&p->closed, memory_order_acquire) &&
                    atomic_load_explicit(&p->aborting, memory_order_relaxed)) {
                    dropped = n - i;
                    break;
                }
                ct_pool_exec_task(p, batch[i]);
                ran++;
            }
            ct_pool_finish_tasks(p, ran, dropped);
            if (n < LINGER_BELOW && !left)
                linger();
            continue;
        }
        if (finished_for_good(w))
            break;
        ct_pool_idle_wait(p, has_work, -1);
    }
    ct_pool_thread_ended(p);
    return NULL;
}

/* ---- the vt ------------------------------------------------------------------ */

static int s_try_submit(ct_pool *p, ct_pool_task t)
{
    spool *w = p->impl;
    int rc = 0;
    sring *r;

    /* relaxed: a prompt answer only; the seal is what makes it exact */
    if (atomic_load_explicit(&p->closed, memory_order_relaxed))
        return CT_CLOSED;
    if (!(r = my_ring(w, &rc)))
        return rc;
    if (CT_UNLIKELY(r->shared)) {
        pthread_mutex_lock(&r->mu);
        rc = ring_push(p, r, t);
        pthread_mutex_unlock(&r->mu);
    } else {
        rc = ring_push(p, r, t);
    }
    if (rc == 0)
        ct__pool_idle_notify_light(p);
    return rc;
}

static uint64_t s_submitted(ct_pool *p)
{
    spool *w = p->impl;
    /* acquire: rings[] below it are written */
    unsigned n = atomic_load_explicit(&w->nrings, memory_order_acquire);
    uint64_t sum = 0;

    for (unsigned i = 0; i < n; i++) /* seq_cst: wait's sandwich (pool_account.c) */
        sum += atomic_load_explicit(&w->rings[i]->tail, memory_order_seq_cst);
    return sum;
}

static ct_pool_space *s_space(ct_pool *p)
{
    int rc;
    sring *r = my_ring(p->impl, &rc); /* made by the try_submit that said full */

    return r ? &r->space : &p->space;
}

static int s_start(ct_pool *p)
{
    spool *w = calloc(1, sizeof *w);
    int rc = 0;

    if (!w)
        return -ENOMEM;
    p->impl = w;
    w->p = p;
    /* relaxed: a unique number is all we need */
    w->id = atomic_fetch_add_explicit(&next_pool, 1, memory_order_relaxed);
    w->n = p->params.max_workers;
    ct_asymfence_init();
    p->idle.asym = true; /* ring_push notifies with the light fence */
    /* cannot fail, so destroy may always destroy it */
    w->reg_mu = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
    w->workers = calloc(w->n, sizeof *w->workers);
    if (!w->workers)
        return -ENOMEM;
    for (unsigned i = 0; i < w->n && rc == 0; i++) {
        w->workers[i].w = w;
        w->workers[i].next = i; /* spread the first looks */
        rc = ct_pool_start_worker(p, &w->workers[i].thread, worker_main, &w->workers[i]);
        if (!rc)
            w->started++;
    }
    if (rc) {
        atomic_store_explicit(&p->closed, true, memory_order_seq_cst); /* has_work reads it */
        /* seq_cst: no ring exists yet, so nothing is left to seal */
        atomic_store_explicit(&w->sealed, true, memory_order_seq_cst);
        ct_pool_idle_wake_all(p);
        for (unsigned i = 0; i < w->started; i++)
            pthread_join(w->workers[i].thread, NULL);
        w->started = 0;
    }
    return rc;
}

static void s_close(ct_pool *p, bool abort)
{
    spool *w = p->impl;
    uint64_t dropped = 0;
    unsigned n;

    /* p->closed is set (seq_cst): a registration after this lock fails */
    pthread_mutex_lock(&w->reg_mu);
    /* relaxed: under reg_mu, which every registration holds */
    n = atomic_load_explicit(&w->nrings, memory_order_relaxed);
    pthread_mutex_unlock(&w->reg_mu);
    /* The heavy side of ring_push's pair: from here on a push either sees
     * closed, or was under way (busy) and we wait for it to end. */
    ct_asymfence_heavy();
    for (unsigned i = 0; i < n; i++)
        /* acquire: pairs with ring_push's release: its tail is visible */
        while (atomic_load_explicit(&w->rings[i]->busy, memory_order_acquire))
            sched_yield(); /* a push is a few instructions, unless preempted */
    /* seq_cst: read by finished_for_good before it looks at the rings */
    atomic_store_explicit(&w->sealed, true, memory_order_seq_cst);
    for (unsigned i = 0; i < n; i++) {
        ct_pool_task batch[BATCH_MAX];
        uint64_t left;
        unsigned got;

        while (abort && (got = ring_take(w->rings[i], batch, 1, BATCH_MAX, &left)) > 0)
            dropped += got;
        ct_pool_space_wake_all(&w->rings[i]->space);
    }
    ct_pool_finish_tasks(p, 0, dropped); /* what workers hold, they drop themselves */
}

static void s_join(ct_pool *p)
{
    spool *w = p->impl;

    for (unsigned i = 0; i < w->started; i++)
        pthread_join(w->workers[i].thread, NULL);
    w->started = 0;
}

static void s_destroy(ct_pool *p)
{
    spool *w = p->impl;

    if (!w)
        return;
    /* relaxed: every thread of the pool is joined */
    for (unsigned i = 0, n = atomic_load_explicit(&w->nrings, memory_order_relaxed); i < n; i++)
        ring_free(w->rings[i]);
    pthread_mutex_destroy(&w->reg_mu);
    free(w->workers);
    free(w);
}

static const ct_pool_vt vt = {
    .start = s_start,
    .try_submit = s_try_submit,
    .close = s_close,
    .join = s_join,
    .destroy = s_destroy,
    .submitted = s_submitted,
    .space = s_space,
};

const ct_pool_ops ct_pool_sharded = {
    .desc = {.name = "sharded",
             .summary = "N workers taking batches from a queue per submitting thread; "
                        "batched accounting",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC | CT_POOL_CAP_BOUNDED |
                     CT_POOL_CAP_THREAD_SUBMIT},
    .vt = &vt,
};
