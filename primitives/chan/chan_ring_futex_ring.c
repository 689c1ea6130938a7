/*
 * chan_ring_futex_ring.c: how the buffered ring of ring_futex, spin_park and
 * ring_yield waits (chan_ring_futex_ring_internal.h has the ring itself):
 * the read-only peeks "could a send / a receive proceed?" and the wait that
 * spins, yields, then sleeps on the side's event count. Out of line: a
 * thread only gets here once its try failed.
 */
#include <sched.h>

#include "chan_ring_futex_ring_internal.h"

bool ct__rf_ring_can_send(rf_chan *r, const void *unused)
{
    (void)unused;
    /* acquire: as in ring_try_send */
    uint64_t pos = atomic_load_explicit(&r->enq, memory_order_acquire);
    if (pos & ENQ_CLOSED)
        return true;
    uint64_t seq = atomic_load_explicit(slot_seq(r, pos), memory_order_acquire); /* as above */
    return (int64_t)(seq - 2 * pos) >= 0;
}

bool ct__rf_ring_can_recv(rf_chan *r, const void *unused)
{
    (void)unused;
    /* acquire, all three: as in ring_try_recv. The slot at deq, not enq:
     * a waiting receiver must not keep pulling the senders' line. A stale
     * pos (seq already past it) says "retry", as a value would. */
    uint64_t pos = atomic_load_explicit(&r->deq, memory_order_acquire);
    uint64_t seq = atomic_load_explicit(slot_seq(r, pos), memory_order_acquire);
    return (int64_t)(seq - (2 * pos + 1)) >= 0 ||
           atomic_load_explicit(&r->closed, memory_order_acquire);
}

bool ct__rf_ring_wait(rf_chan *r, bool recv, int64_t deadline)
{
    _Atomic uint32_t *ev = recv ? &r->recv_ev : &r->send_ev;
    bool (*ready)(rf_chan *, const void *) = recv ? ct__rf_ring_can_recv : ct__rf_ring_can_send;

    for (unsigned i = 0; i < ct_spin_budget(r->spins); i++) {
        if (ready(r, NULL))
            return true;
        ct_cpu_relax();
    }
    for (unsigned i = 0; i < r->yields; i++) {
        if (ready(r, NULL))
            return true;
        ct_yield_cpu(); /* the partner may be waiting for this CPU */
    }
    if (ct__deadline_passed(deadline))
        return false;
    /* acquire: the value the futex compares against; read before the re-check */
    uint32_t seen = atomic_load_explicit(ev, memory_order_acquire);
    sleep_on(ev, seen, recv ? &r->recv_sleepers : &r->send_sleepers, ready, r, NULL, deadline,
             recv ? "chan recv" : "chan send");
    return true;
}
