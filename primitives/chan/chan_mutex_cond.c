/*
 * chan_mutex_cond.c: `mutex_cond`, the textbook channel: one mutex, condition
 * variables, a ring buffer.
 *
 *  - Buffered (cap > 0): senders wait on not_full while the ring is full,
 *    receivers on not_empty while it is empty; each side signals the other.
 *  - Unbuffered (cap 0): a one-slot rendezvous. A sender waits for the slot,
 *    deposits its value with a ticket (put_seq), wakes a receiver, then waits
 *    on `taken` until take_seq reaches its ticket. If the channel closes or
 *    its deadline passes first, it withdraws its value (the slot still holds
 *    it: nobody else deposits while the slot is full) and fails. After close
 *    a receiver never takes the slot, so a sender blocked at close always
 *    gets CT_CLOSED, as in Go.
 *    A non-blocking send (try_send, or a select's send case) deposits only if
 *    a receiver is waiting (recv_waiting counts receivers blocked in recv and
 *    selects waiting with a receive case on this channel); it then waits for
 *    the take, but only while some receiver is still counted: a counted
 *    receiver either takes the slot when it next runs or uncounts itself,
 *    and when the count drops to 0 the depositor withdraws (CT_WOULDBLOCK).
 *  - select: no waiter queues here, so select is generic over this design's
 *    own operations. Each round tries every case without blocking in the
 *    random order chan.c drew (one channel locked at a time); if none
 *    completes, it registers a watcher on each of its channels and checks
 *    readiness in the same critical section (so no wake-up is lost), parks,
 *    unregisters everywhere, and tries again. Every state change of a
 *    channel (put, take, close, a receiver arriving) unparks its watchers.
 *    A select is counted as a receiver only while it is registered. Woken,
 *    it first tries its receive cases while still counted (a receive never
 *    blocks, and the depositor that woke it waits for exactly that), then
 *    unregisters everywhere and tries every case. It tries a send case only
 *    while unregistered, so its own send never sees its own receive, and a
 *    depositor never waits for a select that is itself waiting for a take
 *    (no cycle of waits). One case is performed per call: each try is one
 *    complete operation, and a round stops at the first that completes.
 *    Fairness: the first round is uniform over the ready cases; after a
 *    wake-up, receive cases are tried before send cases. The watchers and
 *    the round of tries are shared with ring_futex (chan_watch_internal.h).
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "chan_internal.h"
#include "chan_watch_internal.h"
#include "ct_futex.h"

typedef struct mc_chan {
    ct_chan hdr;
    CT_CACHE_ALIGNED pthread_mutex_t m;
    pthread_cond_t not_empty, not_full, taken;
    size_t count, head; /* the ring holds buf[head .. head+count) mod cap */
    bool closed;
    size_t recv_waiting;        /* cap 0: receivers that will take a deposit */
    uint64_t put_seq, take_seq; /* cap 0: tickets of deposits and takes */
    ct__chan_watch *watchers;   /* selects waiting on this channel */
    unsigned char *buf;         /* max(cap, 1) slots */
} mc_chan;

static inline mc_chan *mc(ct_chan *c)
{
    return (mc_chan *)(void *)c;
}

static void lock(mc_chan *g)
{
    int err = pthread_mutex_lock(&g->m);
    if (CT_UNLIKELY(err))
        ct_die("mutex_cond channel: lock: error %d", err);
}

static void unlock(mc_chan *g)
{
    int err = pthread_mutex_unlock(&g->m);
    if (CT_UNLIKELY(err))
        ct_die("mutex_cond channel: unlock: error %d", err);
}

/* Wait on cv until signalled or the deadline; true if the deadline passed. */
static bool wait_on(mc_chan *g, pthread_cond_t *cv, int64_t deadline)
{
    int err;

    ct__wait_begin(cv == &g->not_empty ? "chan recv" : "chan send", g, deadline);
    if (deadline == CT__FOREVER) {
        err = pthread_cond_wait(cv, &g->m);
    } else {
        struct timespec ts = {.tv_sec = (time_t)(deadline / 1000000000),
                              .tv_nsec = (long)(deadline % 1000000000)};
        err = pthread_cond_timedwait(cv, &g->m, &ts);
    }
    ct__wait_end(deadline);
    if (err && err != ETIMEDOUT)
        ct_die("mutex_cond channel: cond wait: error %d", err);
    return err == ETIMEDOUT || ct__deadline_passed(deadline);
}

/* A state change: wake the selects watching with a case it may have made
 * ready (dirs: CT_RECV after a put, CT_SEND after a take or when a receiver
 * arrives, both on close; see ct__chan_watch_wants). */
static void notify(mc_chan *g, int dirs, const ct__chan_watch *except)
{
    for (ct__chan_watch *w = g->watchers; w; w = w->next)
        if (w != except && ct__chan_watch_wants(w, dirs))
            ct_parker_unpark(w->park);
}

static unsigned char *slot(mc_chan *g, size_t i)
{
    return g->buf + i * g->hdr.elem_size;
}

/* The slot of an unbuffered channel is buf[0]; count is 0 or 1. A withdrawn
 * deposit was the last one (nobody deposits while the slot is full), so its
 * ticket is returned: take_seq then still counts every deposit before the
 * next one, which the next depositor's `take_seq >= ticket` relies on. */
static void withdraw0(mc_chan *g)
{
    g->put_seq--;
    g->count = 0;
    pthread_cond_signal(&g->not_full);
    notify(g, CT_SEND, NULL);
}

static int send0_locked(mc_chan *g, const void *elem, int64_t deadline)
{
    const bool trying = deadline == CT__NOWAIT;
    bool expired = false;
    uint64_t ticket;

    /* Phase 1: get the slot. */
    for (;;) {
        if (g->closed)
            return CT_CLOSED;
        if (g->count == 0) {
            if (trying && g->recv_waiting == 0)
                return CT_WOULDBLOCK;
            break;
        }
        if (trying || expired)
            return trying ? CT_WOULDBLOCK : CT_TIMEOUT;
        expired = wait_on(g, &g->not_full, deadline);
    }
    memcpy(slot(g, 0), elem, g->hdr.elem_size);
    g->count = 1;
    ticket = ++g->put_seq;
    pthread_cond_signal(&g->not_empty);
    notify(g, CT_RECV, NULL);

    /* Phase 2: wait for a receiver to take it. */
    expired = false;
    for (;;) {
        if (g->take_seq >= ticket)
            return CT_OK;
        if (g->closed) {
            withdraw0(g);
            return CT_CLOSED;
        }
        if (trying && g->recv_waiting == 0) {
            withdraw0(g);
            return CT_WOULDBLOCK;
        }
        if (expired) {
            withdraw0(g);
            return CT_TIMEOUT;
        }
        expired = wait_on(g, &g->taken, trying ? CT__FOREVER : deadline);
    }
}

static int recv0_locked(mc_chan *g, void *out, int64_t deadline)
{
    bool counted = false, expired = false;
    int r;

    for (;;) {
        if (g->closed) {
            ct__zero(out, g->hdr.elem_size);
            r = CT_CLOSED;
            break;
        }
        if (g->count == 1) {
            memcpy(out, slot(g, 0), g->hdr.elem_size);
            g->count = 0;
            g->take_seq++;
            pthread_cond_broadcast(&g->taken);
            pthread_cond_signal(&g->not_full);
            notify(g, CT_SEND, NULL);
            r = CT_OK;
            break;
        }
        if (deadline == CT__NOWAIT)
            return CT_WOULDBLOCK;
        if (expired) {
            r = CT_TIMEOUT;
            break;
        }
        if (!counted) {
            counted = true;
            g->recv_waiting++;
            notify(g, CT_SEND, NULL); /* a select's send case may now deposit */
        }
        expired = wait_on(g, &g->not_empty, deadline);
    }
    if (counted && --g->recv_waiting == 0 && g->count == 1)
        pthread_cond_broadcast(&g->taken); /* a try-depositor may be waiting on us */
    return r;
}

static int send_locked(mc_chan *g, const void *elem, int64_t deadline)
{
    size_t cap = g->hdr.cap;
    bool expired = false;

    if (cap == 0)
        return send0_locked(g, elem, deadline);
    while (!g->closed && g->count == cap) {
        if (deadline == CT__NOWAIT)
            return CT_WOULDBLOCK;
        if (expired)
            return CT_TIMEOUT;
        expired = wait_on(g, &g->not_full, deadline);
    }
    if (g->closed)
        return CT_CLOSED;
    size_t tail = g->head + g->count;
    memcpy(slot(g, tail >= cap ? tail - cap : tail), elem, g->hdr.elem_size);
    g->count++;
    pthread_cond_signal(&g->not_empty);
    notify(g, CT_RECV, NULL);
    return CT_OK;
}

static int recv_locked(mc_chan *g, void *out, int64_t deadline)
{
    size_t cap = g->hdr.cap;
    bool expired = false;

    if (cap == 0)
        return recv0_locked(g, out, deadline);
    while (g->count == 0 && !g->closed) {
        if (deadline == CT__NOWAIT)
            return CT_WOULDBLOCK;
        if (expired)
            return CT_TIMEOUT;
        expired = wait_on(g, &g->not_empty, deadline);
    }
    if (g->count == 0) { /* closed and drained */
        ct__zero(out, g->hdr.elem_size);
        return CT_CLOSED;
    }
    memcpy(out, slot(g, g->head), g->hdr.elem_size);
    if (++g->head == cap)
        g->head = 0;
    g->count--;
    pthread_cond_signal(&g->not_full);
    notify(g, CT_SEND, NULL);
    return CT_OK;
}

static int mc_send(ct_chan *c, const void *elem, int64_t deadline)
{
    mc_chan *g = mc(c);
    lock(g);
    int r = send_locked(g, elem, deadline);
    unlock(g);
    return r;
}

static int mc_recv(ct_chan *c, void *out, int64_t deadline)
{
    mc_chan *g = mc(c);
    lock(g);
    int r = recv_locked(g, out, deadline);
    unlock(g);
    return r;
}

static int mc_close(ct_chan *c)
{
    mc_chan *g = mc(c);

    lock(g);
    if (g->closed) {
        unlock(g);
        return CT_CLOSED;
    }
    g->closed = true;
    pthread_cond_broadcast(&g->not_empty);
    pthread_cond_broadcast(&g->not_full);
    pthread_cond_broadcast(&g->taken);
    notify(g, CT_SEND | CT_RECV, NULL);
    unlock(g);
    return CT_OK;
}

static size_t mc_len(ct_chan *c)
{
    mc_chan *g = mc(c);
    size_t n;

    lock(g);
    n = g->hdr.cap ? g->count : 0; /* a deposit in the rendezvous slot is not buffered */
    unlock(g);
    return n;
}

/* ---- select -------------------------------------------------------------------- */

/* Could one of w's cases on g complete now? (lock held, w registered) */
static bool ready_locked(mc_chan *g, const ct__chan_watch *w)
{
    if (g->closed)
        return true;
    if (w->has_recv && g->count > 0)
        return true;
    if (!w->has_send)
        return false;
    if (g->hdr.cap)
        return g->count < g->hdr.cap;
    return g->count == 0 && g->recv_waiting > (w->recv0 ? 1u : 0u); /* not ourselves */
}

/* One case without blocking (one channel locked at a time). */
static int try_one(ct_case *c)
{
    mc_chan *g = mc(c->chan);
    int st;

    lock(g);
    st = c->dir == CT_SEND ? send_locked(g, c->elem, CT__NOWAIT)
                           : recv_locked(g, c->elem, CT__NOWAIT);
    unlock(g);
    return st;
}

static int try_cases(ct_case *cases, const uint32_t *order, size_t m, int dirs)
{
    return ct__chan_try_cases(cases, order, m, dirs, try_one);
}

static int mc_select(ct_case *cases, const uint32_t *order, size_t m, int64_t deadline)
{
    ct__chan_watchset s;
    ct_chan **cs;
    ct__chan_watch *ws;
    size_t k;
    int r;

    if ((r = ct__chan_watchset_init(&s, cases, order, m)) < 0)
        return r;
    cs = s.chans;
    ws = s.ws;
    k = s.k;

    for (;;) {
        /* Try every case, unregistered, in the random order. */
        if ((r = try_cases(cases, order, m, CT_SEND | CT_RECV)) >= 0)
            goto out;
        if (ct__deadline_passed(deadline)) {
            r = deadline == CT__NOWAIT ? CT_WOULDBLOCK : CT_TIMEOUT;
            goto out;
        }
        /* Register everywhere; a channel already ready fires us at once. */
        ct_parker_arm(&s.park);
        for (size_t j = 0; j < k; j++) {
            mc_chan *g = mc(cs[j]);
            lock(g);
            ct__chan_watch_link(&g->watchers, &ws[j]);
            if (ws[j].recv0) {
                g->recv_waiting++;
                notify(g, CT_SEND, &ws[j]); /* other selects' send cases may deposit now */
            }
            if (ready_locked(g, &ws[j]))
                ct_parker_unpark(&s.park);
            unlock(g);
        }
        ct__wait_begin("chan select", cs[0], deadline);
        ct_parker_park(&s.park, 0, deadline);
        ct__wait_end(deadline);
        /* Receive cases first, still registered (counted): a depositor that
         * woke us waits for exactly this; uncounting first would make it
         * withdraw before we look (a livelock between selects). */
        r = try_cases(cases, order, m, CT_RECV);
        for (size_t j = 0; j < k; j++) {
            mc_chan *g = mc(cs[j]);
            lock(g);
            ct__chan_watch_unlink(&g->watchers, &ws[j]);
            if (ws[j].recv0 && --g->recv_waiting == 0 && g->count == 1)
                pthread_cond_broadcast(&g->taken); /* its depositor withdraws */
            unlock(g);
        }
        if (r >= 0)
            goto out;
    }
out:
    ct__chan_watchset_fini(&s);
    return r;
}

/* ---- create / destroy ---------------------------------------------------------- */

static ct_chan *mc_create(size_t elem_size, size_t cap)
{
    size_t head = (sizeof(mc_chan) + CT_CACHELINE - 1) / CT_CACHELINE * CT_CACHELINE;
    mc_chan *g = ct_alloc_aligned(head + (cap ? cap : 1) * elem_size);
    pthread_condattr_t ca;
    int err;

    if (!g)
        return NULL;
    g->buf = (unsigned char *)g + head;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* deadlines are monotonic */
    err = pthread_mutex_init(&g->m, NULL);
    if (!err)
        err = pthread_cond_init(&g->not_empty, &ca);
    if (!err)
        err = pthread_cond_init(&g->not_full, &ca);
    if (!err)
        err = pthread_cond_init(&g->taken, &ca);
    pthread_condattr_destroy(&ca);
    if (err) { /* glibc's init never fails; no partial cleanup needed there */
        ct_free_aligned(g);
        errno = err;
        return NULL;
    }
    return &g->hdr;
}

static void mc_destroy(ct_chan *c)
{
    mc_chan *g = mc(c);

    pthread_cond_destroy(&g->not_empty);
    pthread_cond_destroy(&g->not_full);
    pthread_cond_destroy(&g->taken);
    pthread_mutex_destroy(&g->m);
    ct_free_aligned(g);
}

const ct_chan_ops ct_chan_mutex_cond = {
    .desc = {.name = "mutex_cond",
             .summary = "textbook: one mutex, condition variables, a ring buffer; "
                        "watcher-based select",
             .caps = CT_CAP_EXACT | CT_CAP_MPMC | CT_CAP_BLOCKING},
    .create = mc_create,
    .destroy = mc_destroy,
    .send = mc_send,
    .recv = mc_recv,
    .close = mc_close,
    .len = mc_len,
    .select = mc_select,
};
