/*
 * chan_spsc_ring.c: `spsc_ring`, benchmark-only (ct_chan_is_general() false):
 * one producer thread and one consumer thread, a ring of slots that each
 * carry a sequence word (FastForward's full/empty in the slot, Vyukov's
 * sequence numbers): the word sits right before the element bytes, so a
 * small element shares its line (always up to 8 bytes: stride 16). The
 * producer waits until its slot says "empty for this lap", copies the
 * element in and marks it "full for this lap" (release); the consumer waits
 * for "full", copies out and marks it "empty for the next lap" (release).
 * Each side keeps its position on its own line and never reads the other's,
 * so in steady state a message moves the slot's line only, even at cap 1
 * where a Lamport ring moves three or four.
 *
 * The word is lap << 1 | full (lap = pos / cap, counted by each side): the
 * plain pos + 1 / pos + cap of Vyukov's queue coincide at cap 1. All zeros
 * is "empty for lap 0", so the zeroed allocation needs no init loop. Slots
 * are 8 + elem_size bytes rounded up to 8 (the word's alignment), not padded
 * to a line, which would multiply a large ring's footprint; the array starts
 * on a line boundary.
 *
 * Restrictions: at most one thread sends and one receives at a time; cap
 * must be > 0 (EINVAL otherwise); no select. A waiter spins (pause), yields
 * a few times, then sleeps on a futex: a thread that only yields stays
 * runnable and burns a CPU for as long as it waits (a 0.5 s recv_timeout on
 * an empty ring used 0.5 s of CPU before, 1 ms now). To sleep it raises its
 * side's `waiting` flag and re-checks its slot; a side that publishes a slot
 * then reads the other side's flag (a Dekker pair). The publishing side is
 * the hot one: it pays a compiler barrier and a load of a line nobody writes
 * per message; the sleeper pays the store-load fence for both, with
 * membarrier (ct_asymfence.h). close is safe from any thread; values sent
 * before close are drained first; a send that races with close (checks
 * closed before close, publishes after the receiver saw the channel closed
 * and empty) returns CT_OK and its value is never received: closing a
 * channel while a send may still be under way is a program error in Go too
 * (it panics), and ruling it out here would put a store-load fence in every
 * send. The general designs do not have this window. len reads two counters the sides keep on
 * their own lines (nobody else reads them per message).
 */
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>

#include "chan_internal.h"
#include "ct_asymfence.h"
#include "ct_futex.h"

typedef struct sp_slot {
    _Atomic uint64_t seq; /* lap << 1 | full */
    unsigned char data[]; /* elem_size bytes */
} sp_slot;

/* One side's state: written by its owner only; len reads pos. */
typedef struct sp_side {
    _Atomic uint64_t pos; /* messages this side has completed */
    size_t idx;           /* pos % cap, kept to avoid a division */
    uint64_t lap;         /* pos / cap */
} sp_side;

/* A side's sleep: raised while its thread sleeps (or is about to) on ev. */
typedef struct sp_park {
    _Atomic uint32_t waiting; /* 1 while asleep or about to be; its owner writes it */
    _Atomic uint32_t ev;      /* the futex word: bumped to wake the owner */
} sp_park;

typedef struct sp_chan {
    ct_chan hdr;
    /* read-mostly, beside hdr: checking it on each send adds no line */
    _Atomic bool closed;
    size_t stride; /* bytes per slot */
    unsigned char *slots;
    CT_CACHE_ALIGNED sp_side tx; /* the producer's */
    CT_CACHE_ALIGNED sp_side rx; /* the consumer's */
    /* written only around a sleep: each publish reads it from its cache */
    CT_CACHE_ALIGNED sp_park tx_park, rx_park;
} sp_chan;

static inline sp_chan *sp(ct_chan *c)
{
    return (sp_chan *)(void *)c;
}

static inline sp_slot *slot_at(sp_chan *s, size_t i)
{
    return (sp_slot *)(void *)(s->slots + i * s->stride);
}

/* Move a side on by one message. */
static inline void advance(sp_side *d, size_t cap)
{
    if (++d->idx == cap) {
        d->idx = 0;
        d->lap++;
    }
}

#define SPINS 128
#define YIELDS 16

/* One step of waiting for *seq to become `want` (or for close): spin, then
 * yield, then sleep on the side's park; false once the deadline has passed.
 * The caller re-reads *seq and closed after each step. A sleep with no
 * deadline is announced as op (ct_waitreg.h), as every design's is. */
static bool sp_wait_step(sp_chan *s, sp_park *pk, _Atomic uint64_t *seq, uint64_t want,
                         unsigned *looks, int64_t deadline, const char *op)
{
    if (*looks == 0 && ct__co_current)
        *looks = SPINS - 1; /* no spin on a coroutine (ct_spin_budget) */
    if (++*looks < SPINS) {
        ct_cpu_relax();
        return true;
    }
    if (ct__deadline_passed(deadline))
        return false;
    if (*looks < SPINS + YIELDS) {
        ct_yield_cpu(); /* the partner may be waiting for this CPU */
        return true;
    }
    /* acquire: pairs with the release bump in sp_wake / sp_close, so a
     * count that already moved comes with what the waker published */
    uint32_t seen = atomic_load_explicit(&pk->ev, memory_order_acquire);
    /* relaxed: the heavy fence orders it before the re-check below */
    atomic_store_explicit(&pk->waiting, 1, memory_order_relaxed);
    /* pairs with the light fence in sp_wake: either the publisher sees
     * waiting, or we see its slot (or close's flag) below */
    ct_asymfence_heavy();
    /* relaxed, both: ordered by the fence; the caller re-reads with acquire */
    if (atomic_load_explicit(seq, memory_order_relaxed) != want &&
        !atomic_load_explicit(&s->closed, memory_order_relaxed)) {
        /* only the sleep is announced: spinning and yielding end by themselves */
        ct__wait_begin(op, s, deadline);
        ct_futex_wait(&pk->ev, seen, deadline);
        ct__wait_end(deadline);
    }
    /* relaxed: a wake-up that comes late is spurious, which is harmless */
    atomic_store_explicit(&pk->waiting, 0, memory_order_relaxed);
    return true;
}

/* After publishing a slot: wake the other side if it sleeps on it. */
static inline void sp_wake(sp_park *pk)
{
    ct_asymfence_light(); /* pairs with the heavy fence in sp_wait_step */
    /* relaxed: ordered by the fence above */
    if (CT_UNLIKELY(atomic_load_explicit(&pk->waiting, memory_order_relaxed))) {
        /* release: pairs with the waiter's acquire load of ev */
        atomic_fetch_add_explicit(&pk->ev, 1, memory_order_release);
        ct_futex_wake(&pk->ev, 1);
    }
}

static int sp_send(ct_chan *c, const void *elem, int64_t deadline)
{
    sp_chan *s = sp(c);
    sp_slot *sl = slot_at(s, s->tx.idx);
    uint64_t empty = s->tx.lap << 1;
    unsigned looks = 0;

    /* acquire: pairs with the release exchange in sp_close */
    if (atomic_load_explicit(&s->closed, memory_order_acquire))
        return CT_CLOSED;
    /* acquire: pairs with the consumer's release store of seq, so its copy
     * out of the slot is done before we overwrite it */
    while (atomic_load_explicit(&sl->seq, memory_order_acquire) != empty) {
        if (atomic_load_explicit(&s->closed, memory_order_acquire)) /* as above */
            return CT_CLOSED;
        if (deadline == CT__NOWAIT)
            return CT_WOULDBLOCK;
        if (!sp_wait_step(s, &s->tx_park, &sl->seq, empty, &looks, deadline, "chan send"))
            return CT_TIMEOUT;
    }
    memcpy(sl->data, elem, c->elem_size);
    /* relaxed: only this thread writes tx.pos; the release below orders it
     * for sp_len */
    atomic_store_explicit(&s->tx.pos, atomic_load_explicit(&s->tx.pos, memory_order_relaxed) + 1,
                          memory_order_relaxed);
    /* release: pairs with the consumer's acquire load of seq */
    atomic_store_explicit(&sl->seq, empty | 1, memory_order_release);
    sp_wake(&s->rx_park);
    advance(&s->tx, c->cap);
    return CT_OK;
}

static int sp_recv(ct_chan *c, void *out, int64_t deadline)
{
    sp_chan *s = sp(c);
    sp_slot *sl = slot_at(s, s->rx.idx);
    uint64_t full = s->rx.lap << 1 | 1;
    unsigned looks = 0;

    /* acquire: pairs with the producer's release store of seq */
    while (atomic_load_explicit(&sl->seq, memory_order_acquire) != full) {
        /* acquire: pairs with sp_close; then re-read seq, since what was
         * sent before close must still be drained */
        if (atomic_load_explicit(&s->closed, memory_order_acquire)) {
            /* acquire: as above (the producer's release store of seq) */
            if (atomic_load_explicit(&sl->seq, memory_order_acquire) == full)
                break;
            ct__zero(out, c->elem_size);
            return CT_CLOSED;
        }
        if (deadline == CT__NOWAIT)
            return CT_WOULDBLOCK;
        if (!sp_wait_step(s, &s->rx_park, &sl->seq, full, &looks, deadline, "chan recv"))
            return CT_TIMEOUT;
    }
    memcpy(out, sl->data, c->elem_size);
    /* release: pairs with the producer's acquire load of seq (next lap) */
    atomic_store_explicit(&sl->seq, (s->rx.lap + 1) << 1, memory_order_release);
    sp_wake(&s->tx_park);
    /* release: pairs with sp_len's acquire load of rx.pos, so tx.pos read
     * after it is never behind */
    atomic_store_explicit(&s->rx.pos, atomic_load_explicit(&s->rx.pos, memory_order_relaxed) + 1,
                          memory_order_release);
    advance(&s->rx, c->cap);
    return CT_OK;
}

static int sp_close(ct_chan *c)
{
    sp_chan *s = sp(c);

    /* acq_rel: release pairs with the sides' acquire loads of closed; the
     * exchange makes a second close see true */
    if (atomic_exchange_explicit(&s->closed, true, memory_order_acq_rel))
        return CT_CLOSED;
    /* Wake both sides whether or not they sleep (close is rare). release:
     * after closed; pairs with the waiter's acquire load of ev, so a waiter
     * that read the new count sees closed in its re-check */
    atomic_fetch_add_explicit(&s->tx_park.ev, 1, memory_order_release);
    atomic_fetch_add_explicit(&s->rx_park.ev, 1, memory_order_release);
    ct_futex_wake(&s->tx_park.ev, 1);
    ct_futex_wake(&s->rx_park.ev, 1);
    return CT_OK;
}

static size_t sp_len(ct_chan *c)
{
    sp_chan *s = sp(c);
    /* acquire: pairs with the consumer's release store of rx.pos, which
     * follows its acquire of the producer's seq store, itself after the
     * producer's tx.pos store: so t >= h below */
    uint64_t h = atomic_load_explicit(&s->rx.pos, memory_order_acquire);
    /* relaxed: ordered after h by the chain above */
    uint64_t t = atomic_load_explicit(&s->tx.pos, memory_order_relaxed);
    /* both sides may move between the loads: clamp the snapshot to cap */
    return t - h > c->cap ? c->cap : (size_t)(t - h);
}

static ct_chan *sp_create(size_t elem_size, size_t cap)
{
    /* two lines' worth: x86's adjacent-line prefetch pairs lines by 128
     * bytes, so slot 0 does not pair with the consumer's line */
    size_t head =
        (sizeof(sp_chan) + 2 * CT_CACHELINE - 1) / (2 * CT_CACHELINE) * (2 * CT_CACHELINE);
    size_t stride = (sizeof(sp_slot) + elem_size + 7) & ~(size_t)7;
    sp_chan *s;

    if (cap == 0) {
        errno = EINVAL;
        return NULL;
    }
    /* no overflow: chan.c caps cap * elem_size at 2^40, stride <= 16 * elem_size */
    s = ct_alloc_aligned(head + cap * stride);
    if (!s)
        return NULL;
    s->stride = stride;
    s->slots = (unsigned char *)s + head;
    /* not atomic: published by whatever hands the channel to other threads;
     * every slot's seq is 0 (empty for lap 0) from the zeroed allocation */
    atomic_init(&s->closed, false);
    atomic_init(&s->tx.pos, 0);
    atomic_init(&s->rx.pos, 0);
    atomic_init(&s->tx_park.waiting, 0);
    atomic_init(&s->tx_park.ev, 0);
    atomic_init(&s->rx_park.waiting, 0);
    atomic_init(&s->rx_park.ev, 0);
    ct_asymfence_init(); /* before any thread can send or receive here */
    return &s->hdr;
}

static void sp_destroy(ct_chan *c)
{
    ct_free_aligned(c);
}

const ct_chan_ops ct_chan_spsc_ring = {
    .desc = {.name = "spsc_ring",
             .summary = "benchmark-only: one producer, one consumer, "
                        "ring of slots with sequence words",
             .caps = CT_CAP_EXACT | CT_CAP_SPSC | CT_CAP_BLOCKING | CT_CAP_COROUTINE},
    .create = sp_create,
    .destroy = sp_destroy,
    .send = sp_send,
    .recv = sp_recv,
    .close = sp_close,
    .len = sp_len,
    .select = NULL,
};
