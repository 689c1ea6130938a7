/*
 * chan_go_like.c: `go_like`, the design of Go's runtime (runtime/chan.go,
 * runtime/select.go), rewritten for threads.
 *
 *  - One lock per channel guards everything: the ring buffer, the closed
 *    flag and two FIFO queues of waiters (Go's sudogs): blocked senders and
 *    blocked receivers. The lock is glibc's adaptive mutex, which spins
 *    briefly before sleeping, as Go's runtime lock does.
 *  - Direct hand-off: a sender that finds a waiting receiver copies its value
 *    straight into the receiver's destination and wakes it; the buffer is not
 *    touched. A receiver that finds a waiting sender on a full buffer takes
 *    the head and moves the sender's value into the freed tail slot, so FIFO
 *    order holds; unbuffered, it copies from the sender directly.
 *  - Every blocked operation owns a `sel` (Go's g.selectDone plus the park
 *    state): whoever wants to complete a waiter first wins a CAS on sel.done.
 *    A select enqueues one waiter per case, all pointing at one sel, so at
 *    most one of its cases is ever completed; the losers' stale waiters are
 *    skipped (and dropped) by whoever finds them, as Go's dequeue does. A
 *    timed-out waiter cancels by winning the same CAS under the lock.
 *  - select locks its channels in address order (duplicates once), polls the
 *    cases in the random order chan.c drew, and if none is ready enqueues
 *    itself on all of them, unlocks, parks, then relocks all to dequeue its
 *    other waiters. Its own waiters are only ever completed by other threads,
 *    so it never pairs its own send with its own receive.
 *  - Parking: a futex parker (ct_futex.h), no spinning (a goroutine park is
 *    cheap in Go; a thread's is a syscall: that difference is what the
 *    benchmarks show). `go_spin`, defined at the end of this file, is the same
 *    design with a bounded spin before the park. The completer fires the parker while still holding
 *    the channel lock, so an owner that relocks after a timeout sees every
 *    write of a completer that beat it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "chan_internal.h"
#include "ct_futex.h"

typedef struct gl_sel {
    _Atomic int done; /* 0: open; 1: claimed by a completer or by its owner */
    ct_parker park;
    int fired;    /* the case completed: written by the claimer, before unpark */
    bool success; /* true: transferred; false: the channel closed */
} gl_sel;

typedef struct gl_waiter {
    struct gl_waiter *prev, *next;
    bool queued; /* guarded by the lock of the channel it waits on */
    gl_sel *sel;
    void *elem; /* send: the value; recv: its destination */
    int idx;    /* case index (0 for send/recv) */
} gl_waiter;

typedef struct gl_queue {
    gl_waiter *head, *tail;
} gl_queue;

typedef struct gl_chan {
    ct_chan hdr;
    unsigned spins;  /* pause hints before parking: 0 for go_like */
    unsigned yields; /* sched_yield calls after the spin, before parking */
    CT_CACHE_ALIGNED pthread_mutex_t lock;
    size_t count, recvx, sendx; /* guarded by lock */
    bool closed;
    gl_queue recvq, sendq;
    unsigned char *buf; /* cap * elem_size bytes, after the struct */
} gl_chan;

static inline gl_chan *gl(ct_chan *c)
{
    return (gl_chan *)(void *)c;
}

static void lock(gl_chan *g)
{
    int err = pthread_mutex_lock(&g->lock);
    if (CT_UNLIKELY(err))
        ct_die("go_like channel: lock: error %d", err);
}

static void unlock(gl_chan *g)
{
    int err = pthread_mutex_unlock(&g->lock);
    if (CT_UNLIKELY(err))
        ct_die("go_like channel: unlock: error %d", err);
}

static void enqueue(gl_queue *q, gl_waiter *w)
{
    w->next = NULL;
    w->prev = q->tail;
    if (q->tail)
        q->tail->next = w;
    else
        q->head = w;
    q->tail = w;
    w->queued = true;
}

static void unlink_waiter(gl_queue *q, gl_waiter *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        q->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        q->tail = w->prev;
    w->queued = false;
}

static bool claim(gl_sel *s)
{
    int open = 0;
    /* acq_rel: the winner orders its completion after the owner's setup
     * (also published by the lock); pairs with the owner's cancel CAS and
     * with other completers' CAS on the same sel. */
    return atomic_compare_exchange_strong_explicit(&s->done, &open, 1, memory_order_acq_rel,
                                                   memory_order_acquire);
}

/* The first waiter whose sel we win; stale ones (select losers) are dropped. */
static gl_waiter *dequeue_live(gl_queue *q)
{
    gl_waiter *w;

    while ((w = q->head) != NULL) {
        unlink_waiter(q, w);
        if (claim(w->sel))
            return w;
    }
    return NULL;
}

/* Called with the channel locked, after claim: the owner may return as soon
 * as the parker fires, so the waiter is not touched afterwards. */
static void fire(gl_waiter *w, bool success)
{
    gl_sel *s = w->sel;

    s->fired = w->idx;
    s->success = success;
    ct_parker_unpark(&s->park);
}

static unsigned char *slot(gl_chan *g, size_t i)
{
    return g->buf + i * g->hdr.elem_size;
}

/* ---- the single-channel steps, with the lock held ---------------------------
 * Each returns CT_OK / CT_CLOSED when it completed, CT_WOULDBLOCK if not ready. */

static int try_send_locked(gl_chan *g, const void *elem)
{
    size_t es = g->hdr.elem_size;
    gl_waiter *w;

    if (g->closed)
        return CT_CLOSED;
    if ((w = dequeue_live(&g->recvq)) != NULL) { /* hand-off, buffer untouched */
        memcpy(w->elem, elem, es);
        fire(w, true);
        return CT_OK;
    }
    if (g->count < g->hdr.cap) {
        memcpy(slot(g, g->sendx), elem, es);
        if (++g->sendx == g->hdr.cap)
            g->sendx = 0;
        g->count++;
        return CT_OK;
    }
    return CT_WOULDBLOCK;
}

static int try_recv_locked(gl_chan *g, void *out)
{
    size_t es = g->hdr.elem_size;
    gl_waiter *w;

    if ((w = dequeue_live(&g->sendq)) != NULL) {
        if (g->hdr.cap == 0) {
            memcpy(out, w->elem, es);
        } else { /* full: take the head, the sender's value goes to the tail */
            memcpy(out, slot(g, g->recvx), es);
            memcpy(slot(g, g->recvx), w->elem, es);
            if (++g->recvx == g->hdr.cap)
                g->recvx = 0;
            g->sendx = g->recvx;
        }
        fire(w, true);
        return CT_OK;
    }
    if (g->count > 0) {
        memcpy(out, slot(g, g->recvx), es);
        if (++g->recvx == g->hdr.cap)
            g->recvx = 0;
        g->count--;
        return CT_OK;
    }
    if (g->closed) {
        ct__zero(out, es);
        return CT_CLOSED;
    }
    return CT_WOULDBLOCK;
}

/* Park a single waiter (send or recv) enqueued on q; the lock is not held. */
static int wait_one(gl_chan *g, gl_sel *s, gl_waiter *me, gl_queue *q, int64_t deadline)
{
    ct__wait_begin(q == &g->sendq ? "chan send" : "chan recv", g, deadline);
    bool fired = ct_parker_park_yield(&s->park, g->spins, g->yields, deadline);
    ct__wait_end(deadline);
    if (!fired) {
        lock(g);
        if (claim(s)) { /* nobody completed us: cancel */
            if (me->queued)
                unlink_waiter(q, me);
            unlock(g);
            return CT_TIMEOUT;
        }
        unlock(g); /* a completer won first and fired under this lock */
    }
    return s->success ? CT_OK : CT_CLOSED;
}

static void sel_init(gl_sel *s)
{
    /* not atomic: published to completers by the channel lock */
    atomic_init(&s->done, 0);
    ct_parker_arm(&s->park);
    s->fired = -1;
    s->success = false;
}

static int gl_send(ct_chan *c, const void *elem, int64_t deadline)
{
    gl_chan *g = gl(c);
    gl_sel s;
    gl_waiter me = {.elem = (void *)elem, .sel = &s};
    int r;

    lock(g);
    r = try_send_locked(g, elem);
    if (r != CT_WOULDBLOCK || deadline == CT__NOWAIT) {
        unlock(g);
        return r;
    }
    sel_init(&s);
    enqueue(&g->sendq, &me);
    unlock(g);
    return wait_one(g, &s, &me, &g->sendq, deadline);
}

static int gl_recv(ct_chan *c, void *out, int64_t deadline)
{
    gl_chan *g = gl(c);
    gl_sel s;
    gl_waiter me = {.elem = out, .sel = &s};
    int r;

    lock(g);
    r = try_recv_locked(g, out);
    if (r != CT_WOULDBLOCK || deadline == CT__NOWAIT) {
        unlock(g);
        return r;
    }
    sel_init(&s);
    enqueue(&g->recvq, &me);
    unlock(g);
    r = wait_one(g, &s, &me, &g->recvq, deadline);
    if (r == CT_CLOSED)
        ct__zero(out, c->elem_size);
    return r;
}

static int gl_close(ct_chan *c)
{
    gl_chan *g = gl(c);
    gl_waiter *w;

    lock(g);
    if (g->closed) {
        unlock(g);
        return CT_CLOSED;
    }
    g->closed = true;
    while ((w = dequeue_live(&g->recvq)) != NULL)
        fire(w, false); /* the owner zero-fills its destination */
    while ((w = dequeue_live(&g->sendq)) != NULL)
        fire(w, false);
    unlock(g);
    return CT_OK;
}

static size_t gl_len(ct_chan *c)
{
    gl_chan *g = gl(c);
    size_t n;

    lock(g);
    n = g->count;
    unlock(g);
    return n;
}

/* ---- select -------------------------------------------------------------------- */

#define SMALL 16

static void lock_all(ct_chan **cs, size_t k)
{
    for (size_t i = 0; i < k; i++)
        lock(gl(cs[i]));
}

static void unlock_all(ct_chan **cs, size_t k)
{
    for (size_t i = k; i-- > 0;)
        unlock(gl(cs[i]));
}

static gl_queue *queue_of(const ct_case *cs)
{
    gl_chan *g = gl(cs->chan);
    return cs->dir == CT_SEND ? &g->sendq : &g->recvq;
}

static int gl_select(ct_case *cases, const uint32_t *order, size_t m, int64_t deadline)
{
    ct_chan *small_locks[SMALL], **locks = small_locks;
    gl_waiter small_ws[SMALL], *ws = small_ws;
    gl_sel s;
    size_t k;
    int r = CT_WOULDBLOCK;

    if (m > SMALL) {
        locks = malloc(m * sizeof *locks);
        ws = malloc(m * sizeof *ws);
        if (!locks || !ws) {
            free(locks);
            free(ws);
            return -ENOMEM;
        }
    }
    k = ct__chan_lock_order(cases, order, m, locks);
    lock_all(locks, k);

    /* Pass 1: the first ready case in the random order. */
    for (size_t i = 0; i < m; i++) {
        ct_case *cs = &cases[order[i]];
        int st = cs->dir == CT_SEND ? try_send_locked(gl(cs->chan), cs->elem)
                                    : try_recv_locked(gl(cs->chan), cs->elem);
        if (st != CT_WOULDBLOCK) {
            cs->status = st;
            r = (int)order[i];
            break;
        }
    }
    if (r != CT_WOULDBLOCK || deadline == CT__NOWAIT) {
        unlock_all(locks, k);
        goto out;
    }

    /* Pass 2: wait on every case at once. */
    sel_init(&s);
    for (size_t i = 0; i < m; i++) {
        ws[i] = (gl_waiter){.sel = &s, .elem = cases[order[i]].elem, .idx = (int)order[i]};
        enqueue(queue_of(&cases[order[i]]), &ws[i]);
    }
    unlock_all(locks, k);
    ct__wait_begin("chan select", cases[order[0]].chan, deadline);
    bool fired = ct_parker_park_yield(&s.park, gl(locks[0])->spins, gl(locks[0])->yields, deadline);
    ct__wait_end(deadline);

    /* Pass 3: relock, take our other waiters off their queues. */
    lock_all(locks, k);
    bool timed_out = !fired && claim(&s);
    for (size_t i = 0; i < m; i++)
        if (ws[i].queued)
            unlink_waiter(queue_of(&cases[order[i]]), &ws[i]);
    unlock_all(locks, k);
    if (timed_out) {
        r = CT_TIMEOUT;
    } else {
        ct_case *cs = &cases[s.fired];
        cs->status = s.success ? CT_OK : CT_CLOSED;
        if (!s.success && cs->dir == CT_RECV)
            ct__zero(cs->elem, cs->chan->elem_size);
        r = s.fired;
    }
out:
    if (locks != small_locks) {
        free(locks);
        free(ws);
    }
    return r;
}

/* ---- create / destroy ---------------------------------------------------------- */

static ct_chan *create(size_t elem_size, size_t cap, unsigned spins, unsigned yields)
{
    size_t head = (sizeof(gl_chan) + CT_CACHELINE - 1) / CT_CACHELINE * CT_CACHELINE;
    gl_chan *g = ct_alloc_aligned(head + cap * elem_size);
    pthread_mutexattr_t a;
    int err;

    if (!g)
        return NULL;
    g->spins = spins;
    g->yields = yields;
    g->buf = (unsigned char *)g + head;
    pthread_mutexattr_init(&a);
    /* glibc's adaptive mutex spins a little before sleeping, like Go's lock */
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ADAPTIVE_NP);
    err = pthread_mutex_init(&g->lock, &a);
    pthread_mutexattr_destroy(&a);
    if (err) {
        ct_free_aligned(g);
        errno = err;
        return NULL;
    }
    return &g->hdr;
}

/* Spin about as long as a futex wake-up costs on this VM (see spin_park). */
#define GO_SPIN_SPINS 800u

/* go_yield: Go's own lock strategy (runtime lock2: a short spin, then
 * yield, then sleep): a little spinning for a partner running on the other
 * core, then a few yields for one waiting for this core. */
#define GO_YIELD_SPINS 100u
#define GO_YIELD_YIELDS 16u

static ct_chan *gl_create(size_t elem_size, size_t cap)
{
    return create(elem_size, cap, 0, 0);
}
static ct_chan *gs_create(size_t elem_size, size_t cap)
{
    return create(elem_size, cap, GO_SPIN_SPINS, 0);
}
static ct_chan *gy_create(size_t elem_size, size_t cap)
{
    return create(elem_size, cap, GO_YIELD_SPINS, GO_YIELD_YIELDS);
}

static void gl_destroy(ct_chan *c)
{
    gl_chan *g = gl(c);

    pthread_mutex_destroy(&g->lock);
    ct_free_aligned(g);
}

CT__CHAN_GENERAL_OPS(ct_chan_go_like, gl, "go_like",
                     "Go's runtime design: one lock, waiter queues, direct hand-off, select on all",
                     CT_CAP_EXACT | CT_CAP_MPMC | CT_CAP_BLOCKING | CT_CAP_COROUTINE, gl_create);

/* go_like whose parked threads spin first (bounded), standing in for what Go
 * gets from its scheduler: a hand-off to a receiver that is still spinning
 * costs no wake-up system call. */
CT__CHAN_GENERAL_OPS(ct_chan_go_spin, gl, "go_spin",
                     "go_like whose waiters spin (bounded, pause) before they park",
                     CT_CAP_EXACT | CT_CAP_MPMC | CT_CAP_BLOCKING | CT_CAP_COROUTINE |
                         CT_CAP_SPINNING,
                     gs_create);

/* go_like whose waiters spin a little, then yield the CPU a few times, then
 * park: with more threads than cores, the thread that will wake us is often
 * runnable on this very CPU, and yielding lets it run without a wake-up. */
CT__CHAN_GENERAL_OPS(
    ct_chan_go_yield, gl, "go_yield",
    "go_like whose waiters spin briefly, then yield, then park (Go's lock strategy)",
    CT_CAP_EXACT | CT_CAP_MPMC | CT_CAP_BLOCKING | CT_CAP_COROUTINE, gy_create);
