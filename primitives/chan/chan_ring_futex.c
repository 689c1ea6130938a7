/*
 * chan_ring_futex.c: `ring_futex`, `spin_park` and `ring_yield`, one design
 * with two knobs: how long a waiting thread spins (pause hints), then how
 * many times it yields the CPU, before it parks on a futex. ring_futex
 * parks at once. spin_park spins up to SPIN_PARK_SPINS first, which wins a
 * ping-pong on idle cores (the partner answers within the spin, no syscall
 * on either side) and loses when threads outnumber cores (the spinner burns
 * the time slice its partner needs). ring_yield spins briefly, then yields a
 * few times (Go's lock strategy): with more threads than cores, the partner
 * is often runnable on this very CPU.
 *
 * This file holds the three ops tables and what they point to: send and
 * recv, which pick the half for the channel's cap, close, len, create and
 * destroy. Each half's fast path is static inline in its header, so send
 * and recv compile it in: an operation is still one call. The parts:
 *   cap > 0  a lock-free Vyukov ring; futex parking only when waiting:
 *            chan_ring_futex_ring_internal.h, chan_ring_futex_ring.c
 *   cap 0    a lock-free one-slot exchanger on a futex word:
 *            chan_ring_futex_exchanger_internal.h, chan_ring_futex_exchanger.c
 *   select   the watcher protocol of mutex_cond, with lock-free tries:
 *            chan_ring_futex_select.c (watchers: chan_watch_internal.h)
 *   shared   the channel's layout and the sleep/wake handshake:
 *            chan_ring_futex_internal.h
 */
#include <limits.h>

#include "chan_ring_futex_exchanger_internal.h"
#include "chan_ring_futex_ring_internal.h"

/* Spin for about what a block costs (the competitive rule: never worse than
 * twice the better choice): 800 pauses last about as long as a futex
 * wake-up on the machine of the README's figures. */
#define SPIN_PARK_SPINS 800u

/* ---- the operations -------------------------------------------------------------- */

int ct__rf_send(ct_chan *c, const void *elem, int64_t deadline)
{
    rf_chan *r = rf(c);

    if (c->cap == 0)
        return x_send(r, elem, deadline);
    return ring_send(r, elem, deadline);
}

int ct__rf_recv(ct_chan *c, void *out, int64_t deadline)
{
    rf_chan *r = rf(c);

    if (c->cap == 0)
        return x_recv(r, out, deadline);
    return ring_recv(r, out, deadline);
}

static int ct__rf_close(ct_chan *c)
{
    rf_chan *r = rf(c);

    /* acq_rel: after every enqueue claim in enq's modification order;
     * pairs with the receivers' acquire loads of enq */
    if (atomic_fetch_or_explicit(&r->enq, ENQ_CLOSED, memory_order_acq_rel) & ENQ_CLOSED)
        return CT_CLOSED;
    /* release: after the bit; pairs with the receivers' acquire loads */
    atomic_store_explicit(&r->closed, true, memory_order_release);
    /* acq_rel: as in ct__rf_x_move */
    atomic_fetch_or_explicit(&r->x, X_CLOSED, memory_order_acq_rel);
    atomic_fetch_add_explicit(&r->recv_ev, 1, memory_order_relaxed); /* relaxed: futex words */
    atomic_fetch_add_explicit(&r->send_ev, 1, memory_order_relaxed);
    ct_futex_wake(&r->recv_ev, INT_MAX);
    ct_futex_wake(&r->send_ev, INT_MAX);
    ct_futex_wake(&r->x, INT_MAX);
    ct__rf_notify(r, CT_SEND | CT_RECV, NULL);
    return CT_OK;
}

static size_t ct__rf_len(ct_chan *c)
{
    rf_chan *r = rf(c);

    if (c->cap == 0)
        return 0;
    /* acquire both: a snapshot; deq first, so enq - deq does not underflow */
    uint64_t d = atomic_load_explicit(&r->deq, memory_order_acquire);
    uint64_t e = atomic_load_explicit(&r->enq, memory_order_acquire) & ~ENQ_CLOSED;
    uint64_t n = e > d ? e - d : 0;
    return n > c->cap ? c->cap : (size_t)n;
}

/* ---- create / destroy ---------------------------------------------------------- */

static ct_chan *create(size_t elem_size, size_t cap, unsigned spins, unsigned yields)
{
    size_t head = (sizeof(rf_chan) + CT_CACHELINE - 1) / CT_CACHELINE * CT_CACHELINE;
    size_t stride = (sizeof(uint64_t) + elem_size + 7) / 8 * 8;
    bool inline_x = cap == 0 && elem_size <= X_INLINE;
    rf_chan *r = ct_alloc_aligned(head + (cap ? cap * stride : inline_x ? 0 : elem_size));

    if (!r)
        return NULL;
    r->spins = spins;
    r->yields = yields;
    r->stride = stride;
    r->slots = inline_x ? r->x_inline : (unsigned char *)r + head;
    /* not atomic: published by whatever hands the channel to other threads */
    for (size_t i = 0; i < cap; i++)
        atomic_init((_Atomic uint64_t *)(void *)(r->slots + i * stride), 2 * (uint64_t)i);
    atomic_init(&r->closed, false);
    atomic_init(&r->enq, 0);
    atomic_init(&r->deq, 0);
    atomic_init(&r->recv_ev, 0);
    atomic_init(&r->recv_sleepers, 0);
    atomic_init(&r->send_ev, 0);
    atomic_init(&r->send_sleepers, 0);
    atomic_init(&r->x, (uint32_t)X_EMPTY << X_SHIFT);
    atomic_init(&r->x_sleepers, 0);
    atomic_init(&r->recv_waiting, 0);
#ifdef CT_TSAN
    atomic_init(&r->sb, 0);
#endif
    ct_spin_ttas_init(&r->wlock);
    return &r->hdr;
}

/* ring_yield: a short spin, a few yields, then the futex (Go's lock strategy). */
#define RING_YIELD_SPINS 100u
#define RING_YIELD_YIELDS 16u

static ct_chan *rf_create(size_t elem_size, size_t cap)
{
    return create(elem_size, cap, 0, 0);
}
static ct_chan *sp_create(size_t elem_size, size_t cap)
{
    return create(elem_size, cap, SPIN_PARK_SPINS, 0);
}
static ct_chan *ry_create(size_t elem_size, size_t cap)
{
    return create(elem_size, cap, RING_YIELD_SPINS, RING_YIELD_YIELDS);
}

static void ct__rf_destroy(ct_chan *c)
{
    ct_free_aligned(c);
}

CT__CHAN_GENERAL_OPS(ct_chan_ring_futex, ct__rf, "ring_futex",
                     "lock-free Vyukov ring (cap 0: lock-free exchanger); parks on a futex at once",
                     CT_CAP_EXACT | CT_CAP_MPMC | CT_CAP_BLOCKING | CT_CAP_COROUTINE, rf_create);

/* The same design with a bounded spin before parking (see the header). */
CT__CHAN_GENERAL_OPS(ct_chan_spin_park, ct__rf, "spin_park",
                     "ring_futex that spins (bounded, pause) before it parks",
                     CT_CAP_EXACT | CT_CAP_MPMC | CT_CAP_BLOCKING | CT_CAP_SPINNING |
                         CT_CAP_COROUTINE,
                     sp_create);

/* The same design whose waiters spin briefly, then yield, then park: with
 * more threads than cores the partner is often runnable on this CPU. */
CT__CHAN_GENERAL_OPS(ct_chan_ring_yield, ct__rf, "ring_yield",
                     "ring_futex whose waiters spin briefly, then yield, then park",
                     CT_CAP_EXACT | CT_CAP_MPMC | CT_CAP_BLOCKING | CT_CAP_COROUTINE, ry_create);
