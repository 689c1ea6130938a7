/*
 * chan_spsc_ring.c: `spsc_ring`, benchmark-only (not in ct_chan_impls()):
 * one producer thread and one consumer thread, a Lamport ring with cached
 * indices (FastForward's trick): each side keeps its own index on its own
 * cache line and a private copy of the other side's, re-reading the shared
 * one only when the copy says full (producer) or empty (consumer). In steady
 * state a message costs one slot write, one release store and no shared-line
 * read at all most of the time.
 *
 * Restrictions: at most one thread sends and one receives at a time; cap
 * must be > 0 (EINVAL otherwise); no select. Waiting spins (pause) and then
 * yields the CPU: it never sleeps in the kernel, so it declares SPINNING and
 * collapses when oversubscribed. close is safe from any thread; values sent
 * before close are drained first.
 */
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>

#include "chan_internal.h"

typedef struct sp_chan {
    ct_chan hdr;
    CT_CACHE_ALIGNED _Atomic uint64_t tail; /* next slot to write: the producer's */
    uint64_t head_cache;                    /* the producer's copy of head */
    CT_CACHE_ALIGNED _Atomic uint64_t head; /* next slot to read: the consumer's */
    uint64_t tail_cache;                    /* the consumer's copy of tail */
    CT_CACHE_ALIGNED _Atomic bool closed;
    unsigned char *buf;
} sp_chan;

static inline sp_chan *sp(ct_chan *c) { return (sp_chan *)(void *)c; }

#define SPINS 128

/* Spin, then yield; false once the deadline has passed. */
static bool backoff(unsigned *n, int64_t deadline)
{
    if (++*n < SPINS) {
        ct_cpu_relax();
        return true;
    }
    if ((*n & 63) == 0 && ct__deadline_passed(deadline))
        return false;
    sched_yield();
    return true;
}

static int sp_send(ct_chan *c, const void *elem, int64_t deadline)
{
    sp_chan *s = sp(c);
    /* relaxed: only this thread writes tail */
    uint64_t t = atomic_load_explicit(&s->tail, memory_order_relaxed);
    unsigned n = 0;

    /* acquire: pairs with the release exchange in sp_close */
    if (atomic_load_explicit(&s->closed, memory_order_acquire))
        return CT_CLOSED;
    while (t - s->head_cache == c->cap) {
        /* acquire: pairs with the consumer's release store of head, so its
         * read of the slot is done before we overwrite it */
        s->head_cache = atomic_load_explicit(&s->head, memory_order_acquire);
        if (t - s->head_cache < c->cap) break;
        if (atomic_load_explicit(&s->closed, memory_order_acquire)) /* as above */
            return CT_CLOSED;
        if (deadline == CT__NOWAIT) return CT_WOULDBLOCK;
        if (!backoff(&n, deadline)) return CT_TIMEOUT;
    }
    memcpy(s->buf + (t % c->cap) * c->elem_size, elem, c->elem_size);
    /* release: pairs with the consumer's acquire load of tail */
    atomic_store_explicit(&s->tail, t + 1, memory_order_release);
    return CT_OK;
}

static int sp_recv(ct_chan *c, void *out, int64_t deadline)
{
    sp_chan *s = sp(c);
    /* relaxed: only this thread writes head */
    uint64_t h = atomic_load_explicit(&s->head, memory_order_relaxed);
    unsigned n = 0;

    while (h == s->tail_cache) {
        /* acquire: pairs with the producer's release store of tail */
        s->tail_cache = atomic_load_explicit(&s->tail, memory_order_acquire);
        if (h != s->tail_cache) break;
        /* acquire: pairs with sp_close; then re-read tail, since what was
         * sent before close must still be drained */
        if (atomic_load_explicit(&s->closed, memory_order_acquire)) {
            /* acquire: as above (the producer's release store of tail) */
            s->tail_cache = atomic_load_explicit(&s->tail, memory_order_acquire);
            if (h != s->tail_cache) break;
            ct__zero(out, c->elem_size);
            return CT_CLOSED;
        }
        if (deadline == CT__NOWAIT) return CT_WOULDBLOCK;
        if (!backoff(&n, deadline)) return CT_TIMEOUT;
    }
    memcpy(out, s->buf + (h % c->cap) * c->elem_size, c->elem_size);
    /* release: pairs with the producer's acquire load of head */
    atomic_store_explicit(&s->head, h + 1, memory_order_release);
    return CT_OK;
}

static int sp_close(ct_chan *c)
{
    /* acq_rel: release pairs with the sides' acquire loads of closed; the
     * exchange makes a second close see true */
    return atomic_exchange_explicit(&sp(c)->closed, true, memory_order_acq_rel) ? CT_CLOSED
                                                                                 : CT_OK;
}

static size_t sp_len(ct_chan *c)
{
    sp_chan *s = sp(c);
    /* acquire both: a snapshot; head first so the difference never underflows */
    uint64_t h = atomic_load_explicit(&s->head, memory_order_acquire);
    uint64_t t = atomic_load_explicit(&s->tail, memory_order_acquire);
    return (size_t)(t - h);
}

static ct_chan *sp_create(size_t elem_size, size_t cap)
{
    size_t head = (sizeof(sp_chan) + CT_CACHELINE - 1) / CT_CACHELINE * CT_CACHELINE;
    sp_chan *s;

    if (cap == 0) {
        errno = EINVAL;
        return NULL;
    }
    s = ct_alloc_aligned(head + cap * elem_size);
    if (!s)
        return NULL;
    s->buf = (unsigned char *)s + head;
    /* not atomic: published by whatever hands the channel to other threads */
    atomic_init(&s->tail, 0);
    atomic_init(&s->head, 0);
    atomic_init(&s->closed, false);
    return &s->hdr;
}

static void sp_destroy(ct_chan *c) { ct_free_aligned(c); }

const ct__chan_ops ct__chan_spsc_ring = {
    .name = "spsc_ring",
    .summary = "benchmark-only: one producer, one consumer, Lamport ring with cached indices",
    .caps = CT_CAP_EXACT | CT_CAP_SPSC | CT_CAP_SPINNING,
    .general = false,
    .create = sp_create,
    .destroy = sp_destroy,
    .send = sp_send,
    .recv = sp_recv,
    .close = sp_close,
    .len = sp_len,
    .select = NULL,
};
