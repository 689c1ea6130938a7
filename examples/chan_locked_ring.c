/*
 * chan_locked_ring.c: a channel competitor written outside the tree.
 *
 *     cc chan_locked_ring.c $(pkg-config --cflags --libs contend-bench) -o mybench
 *     ./mybench --family=chan
 *
 * The design: a ring buffer under one mutex, with two condition variables
 * (a buffered channel only, cap > 0, and no select). A design without select
 * is benchmark-only (ct_chan_is_general() is false): the chan workloads run
 * it where one sender and one receiver meet at cap > 0 (seq, spsc,
 * pingpong), and check every value arrives once and in order. Give it a
 * select and cap 0 and it runs every chan workload.
 */
#define _POSIX_C_SOURCE 200809L /* POSIX threads in full, even under -std=c11 */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <contend/chan.h>      /* ct_chan_ops, CT_OK, CT_CLOSED, ..., CT_REGISTER_COMPETITOR */
#include <contend/chan_impl.h> /* struct ct_chan (the header), CT__NOWAIT, CT__FOREVER */

struct ring_chan {
    ct_chan hdr;                        /* first: ct_chan_new fills it in */
    CT_CACHE_ALIGNED pthread_mutex_t m; /* guards everything below */
    pthread_cond_t not_empty, not_full; /* on CLOCK_MONOTONIC, the deadlines' clock */
    size_t head, count, cap, elem_size; /* the ring: buf[head .. head+count) mod cap */
    bool closed;
    unsigned char *buf;
};

static struct ring_chan *rc(ct_chan *c)
{
    return (struct ring_chan *)(void *)c;
}

static ct_chan *ring_create(size_t elem_size, size_t cap)
{
    struct ring_chan *r;
    pthread_condattr_t ca;

    if (cap == 0) { /* unbuffered channels are not offered: said in the summary */
        errno = EINVAL;
        return NULL;
    }
    r = ct_alloc_aligned(sizeof *r);
    if (!r)
        return NULL;
    r->buf = malloc(cap * elem_size); /* ct_chan_new bounds cap * elem_size */
    if (!r->buf) {
        ct_free_aligned(r);
        return NULL;
    }
    r->cap = cap;
    r->elem_size = elem_size;
    pthread_mutex_init(&r->m, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->not_empty, &ca);
    pthread_cond_init(&r->not_full, &ca);
    pthread_condattr_destroy(&ca);
    return &r->hdr;
}

static void ring_destroy(ct_chan *c)
{
    struct ring_chan *r = rc(c);

    pthread_cond_destroy(&r->not_empty);
    pthread_cond_destroy(&r->not_full);
    pthread_mutex_destroy(&r->m);
    free(r->buf);
    ct_free_aligned(r);
}

/* Wait on cv (r->m held) until signalled; false once the deadline has passed
 * (CT__NOWAIT: at once). The caller re-checks its condition either way. */
static bool wait_on(struct ring_chan *r, pthread_cond_t *cv, int64_t deadline)
{
    struct timespec ts;

    if (deadline == CT__NOWAIT)
        return false;
    if (deadline == CT__FOREVER) {
        pthread_cond_wait(cv, &r->m);
        return true;
    }
    ts.tv_sec = (time_t)(deadline / 1000000000);
    ts.tv_nsec = (long)(deadline % 1000000000);
    return pthread_cond_timedwait(cv, &r->m, &ts) != ETIMEDOUT;
}

static int ring_send(ct_chan *c, const void *elem, int64_t deadline)
{
    struct ring_chan *r = rc(c);
    int st = CT_OK;

    pthread_mutex_lock(&r->m); /* the mutex orders a send before the recv that takes it */
    while (!r->closed && r->count == r->cap) {
        if (!wait_on(r, &r->not_full, deadline) && !r->closed && r->count == r->cap) {
            st = deadline == CT__NOWAIT ? CT_WOULDBLOCK : CT_TIMEOUT;
            break;
        }
    }
    if (st == CT_OK && r->closed) {
        st = CT_CLOSED;
    } else if (st == CT_OK) {
        memcpy(r->buf + ((r->head + r->count) % r->cap) * r->elem_size, elem, r->elem_size);
        r->count++;
        pthread_cond_signal(&r->not_empty);
    }
    pthread_mutex_unlock(&r->m);
    return st;
}

static int ring_recv(ct_chan *c, void *out, int64_t deadline)
{
    struct ring_chan *r = rc(c);
    int st = CT_OK;

    pthread_mutex_lock(&r->m);
    while (!r->closed && r->count == 0) {
        if (!wait_on(r, &r->not_empty, deadline) && !r->closed && r->count == 0) {
            st = deadline == CT__NOWAIT ? CT_WOULDBLOCK : CT_TIMEOUT;
            break;
        }
    }
    if (st == CT_OK && r->count == 0) { /* closed and drained: Go's zero value */
        memset(out, 0, r->elem_size);
        st = CT_CLOSED;
    } else if (st == CT_OK) {
        memcpy(out, r->buf + r->head * r->elem_size, r->elem_size);
        r->head = (r->head + 1) % r->cap;
        r->count--;
        pthread_cond_signal(&r->not_full);
    }
    pthread_mutex_unlock(&r->m);
    return st;
}

static int ring_close(ct_chan *c)
{
    struct ring_chan *r = rc(c);
    int st = CT_OK;

    pthread_mutex_lock(&r->m);
    if (r->closed) {
        st = CT_CLOSED; /* a second close, as chan.h says */
    } else {
        r->closed = true; /* wake every waiter: senders fail, receivers drain */
        pthread_cond_broadcast(&r->not_empty);
        pthread_cond_broadcast(&r->not_full);
    }
    pthread_mutex_unlock(&r->m);
    return st;
}

static size_t ring_len(ct_chan *c)
{
    struct ring_chan *r = rc(c);
    size_t n;

    pthread_mutex_lock(&r->m);
    n = r->count;
    pthread_mutex_unlock(&r->m);
    return n;
}

static const ct_chan_ops locked_ring_chan = {
    .desc = {.name = "locked_ring",
             .summary = "example from outside the tree: a ring under a mutex and two condvars; "
                        "cap > 0, no select",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC},
    .create = ring_create,
    .destroy = ring_destroy,
    .send = ring_send,
    .recv = ring_recv,
    .close = ring_close,
    .len = ring_len,
    .select = NULL, /* benchmark-only: no select */
};

CT_REGISTER_COMPETITOR(chan, locked_ring_chan)
