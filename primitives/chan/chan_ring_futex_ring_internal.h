/*
 * chan_ring_futex_ring_internal.h: the buffered half (cap > 0) of ring_futex,
 * spin_park and ring_yield: Vyukov's bounded MPMC ring. Its fast path is
 * static inline here, so the design's send and recv (chan_ring_futex.c)
 * compile it in as before; its waiting is chan_ring_futex_ring.c.
 *
 * Each slot carries a sequence number: the slot is free for the enqueue at
 * position p when its seq is 2p, and holds that value for the dequeue at p
 * when its seq is 2p + 1; a dequeue frees it for position p + cap (seq
 * 2(p + cap)). Vyukov uses p and p + 1; doubling keeps "full" and "free one
 * lap later" apart at cap 1, where p + 1 == p + cap. Positions are claimed
 * with a CAS on enq / deq. The fast path is those atomics and the copy: no
 * lock, no system call.
 *  - close sets bit 63 of enq with one fetch_or: an enqueue claims a position
 *    only with a CAS that expects the bit clear, so no value enters after
 *    close; then it sets `closed`, a flag in a read-mostly line. A receiver
 *    that finds nothing at its position looks at that flag, not at enq (the
 *    senders' line: reading it on every empty look made every send's CAS
 *    miss at cap 1, where the ring is empty nearly every time). Once closed,
 *    it reads enq: deq == enq means drained (CT_CLOSED); a position claimed
 *    but not yet published (its sender is mid-copy) is waited out. Waiters
 *    poll the slot, not enq.
 *  - Parking: waiting receivers sleep on the futex word recv_ev, senders on
 *    send_ev (event counts). A waiter reads the event count, announces itself
 *    in recv_sleepers (seq_cst RMW + fence), re-tries, and only then sleeps
 *    on the count it read. A completed enqueue does a seq_cst fence and reads
 *    recv_sleepers: only if someone announced itself does it bump recv_ev and
 *    FUTEX_WAKE (the waker pays a syscall only when someone sleeps). The two
 *    fences make this the store-buffering pattern: either the waker sees the
 *    announcement or the waiter's re-try sees the value. Values travel
 *    through the slots' release/acquire sequence numbers, which TSan sees; the
 *    futex only decides who sleeps, so no annotation is needed.
 */
#ifndef CT_CHAN_RING_FUTEX_RING_INTERNAL_H
#define CT_CHAN_RING_FUTEX_RING_INTERNAL_H

#include <sched.h>

#include "chan_ring_futex_internal.h"

enum { BUSY = 1 }; /* internal: a claimed slot is being written; retry soon */

static inline _Atomic uint64_t *slot_seq(rf_chan *r, uint64_t pos)
{
    return (_Atomic uint64_t *)(void *)(r->slots + (pos % r->hdr.cap) * r->stride);
}

static inline unsigned char *slot_data(rf_chan *r, uint64_t pos)
{
    return r->slots + (pos % r->hdr.cap) * r->stride + sizeof(uint64_t);
}

/* Could a send / a receive proceed? (read-only peeks, for sleep_on's
 * recheck and select's watchers; chan_ring_futex_ring.c) */
bool ct__rf_ring_can_send(rf_chan *r, const void *unused);
bool ct__rf_ring_can_recv(rf_chan *r, const void *unused);

/* Wait until a send (recv false) or a receive may proceed: spin, yield,
 * then sleep (chan_ring_futex_ring.c). false if the deadline has passed. */
bool ct__rf_ring_wait(rf_chan *r, bool recv, int64_t deadline);

static inline int ring_try_send(rf_chan *r, const void *elem)
{
    /* relaxed: a hint; the CAS below re-validates */
    uint64_t pos = atomic_load_explicit(&r->enq, memory_order_relaxed);

    for (;;) {
        if (pos & ENQ_CLOSED)
            return CT_CLOSED;
        /* acquire: pairs with the release store of a dequeue that freed the
         * slot, so its read of the old value is done before we overwrite */
        uint64_t seq = atomic_load_explicit(slot_seq(r, pos), memory_order_acquire);
        int64_t diff = (int64_t)(seq - 2 * pos);
        if (diff == 0) {
            /* relaxed: the claim orders nothing by itself (the slot's seq
             * does); failing re-reads pos, closed bit included */
            if (atomic_compare_exchange_weak_explicit(&r->enq, &pos, pos + 1, memory_order_relaxed,
                                                      memory_order_relaxed))
                break;
        } else if (diff < 0) {
            /* relaxed: re-read to tell full from a stale pos */
            uint64_t now = atomic_load_explicit(&r->enq, memory_order_relaxed);
            if (now == pos)
                return CT_WOULDBLOCK; /* full */
            pos = now;
        } else {
            pos = atomic_load_explicit(&r->enq, memory_order_relaxed); /* relaxed: as above */
        }
    }
    memcpy(slot_data(r, pos), elem, r->hdr.elem_size);
    /* release: publishes the value; pairs with the acquire load in ring_try_recv */
    atomic_store_explicit(slot_seq(r, pos), 2 * pos + 1, memory_order_release);
    wake_side(r, &r->recv_ev, &r->recv_ev, &r->recv_sleepers, 1, CT_RECV);
    return CT_OK;
}

static inline int ring_try_recv(rf_chan *r, void *out)
{
    /* relaxed: a hint; the CAS below re-validates */
    uint64_t pos = atomic_load_explicit(&r->deq, memory_order_relaxed);

    for (;;) {
        /* acquire: pairs with the release store that published the value */
        uint64_t seq = atomic_load_explicit(slot_seq(r, pos), memory_order_acquire);
        int64_t diff = (int64_t)(seq - (2 * pos + 1));
        if (diff == 0) {
            /* relaxed: the slot's seq ordered the value; the CAS only claims */
            if (atomic_compare_exchange_weak_explicit(&r->deq, &pos, pos + 1, memory_order_relaxed,
                                                      memory_order_relaxed))
                break;
        } else if (diff < 0) {
            /* Nothing at pos yet (empty, or a sender mid-copy). Unless the
             * channel is closed, that is all we need to know: reading enq
             * here (the senders' line) made every send's CAS miss at cap 1,
             * where a receiver finds the ring empty nearly every time.
             * acquire: pairs with rf_close's release store */
            if (!atomic_load_explicit(&r->closed, memory_order_acquire))
                return CT_WOULDBLOCK;
            /* acquire: pairs with close's fetch_or (and orders the claims
             * before it): closed with nothing claimed past pos = drained */
            uint64_t e = atomic_load_explicit(&r->enq, memory_order_acquire);
            uint64_t now = atomic_load_explicit(&r->deq, memory_order_relaxed); /* relaxed: hint */
            if (now != pos) {
                pos = now;
                continue;
            }
            if ((e & ~ENQ_CLOSED) == pos) {
                if (!(e & ENQ_CLOSED))
                    return CT_WOULDBLOCK;
                ct__zero(out, r->hdr.elem_size);
                return CT_CLOSED;
            }
            return BUSY; /* claimed at pos, not yet published */
        } else {
            pos = atomic_load_explicit(&r->deq, memory_order_relaxed); /* relaxed: hint */
        }
    }
    memcpy(out, slot_data(r, pos), r->hdr.elem_size);
    /* release: frees the slot for the enqueue one lap later; pairs with the
     * acquire load in ring_try_send */
    atomic_store_explicit(slot_seq(r, pos), 2 * (pos + r->hdr.cap), memory_order_release);
    wake_side(r, &r->send_ev, &r->send_ev, &r->send_sleepers, 1, CT_SEND);
    return CT_OK;
}

/* The design's send and recv at cap > 0. */
static inline int ring_send(rf_chan *r, const void *elem, int64_t deadline)
{
    bool expired = false;

    for (;;) {
        int st = ring_try_send(r, elem);
        if (st != CT_WOULDBLOCK || deadline == CT__NOWAIT)
            return st;
        if (expired)
            return CT_TIMEOUT;
        expired = !ct__rf_ring_wait(r, false, deadline);
    }
}

static inline int ring_recv(rf_chan *r, void *out, int64_t deadline)
{
    bool expired = false;

    for (;;) {
        int st = ring_try_recv(r, out);
        if (st == BUSY) { /* a sender is mid-copy: it publishes within a few ns */
            if (deadline == CT__NOWAIT)
                return CT_WOULDBLOCK;
            /* unless it was preempted: the deadline still holds */
            if (ct__deadline_passed(deadline))
                return CT_TIMEOUT;
            ct_yield_cpu();
            continue;
        }
        if (st != CT_WOULDBLOCK || deadline == CT__NOWAIT)
            return st;
        if (expired)
            return CT_TIMEOUT;
        expired = !ct__rf_ring_wait(r, true, deadline);
    }
}

#endif /* CT_CHAN_RING_FUTEX_RING_INTERNAL_H */
