/*
 * chan.h: Go's channels in C, with competing designs behind one API.
 *
 * Go's semantics, with errors returned instead of panics:
 *  - cap 0 is unbuffered: a send completes only when a receiver has taken the
 *    value. Otherwise a FIFO buffer of cap elements; len/cap as in Go.
 *  - close: a second close returns CT_CLOSED. A send on a closed channel
 *    returns CT_CLOSED, and so do senders blocked when it closes (they wake).
 *    Receivers first drain what is buffered, in order, then get CT_CLOSED at
 *    once with `out` zero-filled, every time. On an unbuffered channel a
 *    sender blocked at close is never received from: it gets CT_CLOSED.
 *  - try_* never block (CT_WOULDBLOCK when not ready; on cap 0 a try_send
 *    succeeds only when a receiver is waiting, and may then wait for that
 *    receiver to run). *_timeout return CT_TIMEOUT once timeout_ns
 *    (CLOCK_MONOTONIC) has passed without the operation; timeout_ns < 0 waits
 *    forever, 0 behaves as try_*.
 *  - ct_select performs exactly one ready case and returns its index with
 *    that case's status set (CT_OK, or CT_CLOSED for a receive from, or a
 *    send to, a closed channel; a receive from a closed channel zero-fills
 *    elem). A case whose chan is NULL is never ready. Among ready cases it
 *    picks uniformly at random. timeout_ns < 0 waits forever; 0 never blocks
 *    (CT_WOULDBLOCK: Go's default); > 0 returns CT_TIMEOUT when it runs out.
 *    One call never completes two cases, and never pairs its own send with
 *    its own receive on one channel. dir must be CT_SEND or CT_RECV and elem
 *    non-NULL for a non-NULL chan, else -EINVAL.
 *  - Select across designs: all non-NULL channels of one ct_select must be of
 *    the same design (ct_chan_impl_of), else it returns -EINVAL without
 *    touching any channel. Each design implements select natively (see its
 *    file); a generic cross-design path would be a slow polling loop, which
 *    we refuse to hide behind the same call.
 *
 * ct_chan_new: impl NULL picks the default (the first of ct_chan_impls());
 * an unknown name, elem_size 0 or a buffer above 2^40 bytes returns NULL with
 * errno EINVAL; ENOMEM when out of memory. Elements are copied in and out by
 * value (elem_size bytes). The designs (see primitives/chan/README.md):
 *   go_like     Go's runtime: one lock, waiter queues, direct hand-off (default)
 *   go_spin     go_like whose waiters spin (bounded) before they park
 *   mutex_cond  the textbook: one mutex, condition variables, a ring buffer
 *   ring_futex  a lock-free ring (Vyukov), futex parking only when waiting
 *   spin_park   ring_futex spinning (bounded) before it parks
 * and, benchmark-only (ct_chan_impls_all()): spsc_ring, one sender and one
 * receiver thread, cap > 0, no select.
 *
 * Synchronization table (same channel; every design in ct_chan_impls()):
 *
 *              | send/try/timeout | recv/try/timeout | close | len/cap | select | free
 * -------------+------------------+------------------+-------+---------+--------+-----
 *  send        | yes              | yes              | yes   | yes     | yes    | no
 *  recv        | yes              | yes              | yes   | yes     | yes    | no
 *  close       | yes              | yes              | yes   | yes     | yes    | no
 *  len/cap     | yes              | yes              | yes   | yes     | yes    | no
 *  select      | yes              | yes              | yes   | yes     | yes    | no
 *  free        | no               | no               | no    | no      | no     | no
 *
 *  - A send that completes happens-before the receive that takes its value
 *    returns (the element's bytes, and whatever the sender wrote before).
 *    close happens-before every receive that returns CT_CLOSED because of it.
 *    On an unbuffered channel the receive also happens-before the send
 *    returns (Go's memory model).
 *  - len is a snapshot (it may be stale when it returns), cap is constant.
 *  - free: no operation may be running or start on the channel; values still
 *    buffered are dropped (they are plain bytes).
 */
#ifndef CT_CHAN_H
#define CT_CHAN_H

#include <stddef.h>
#include <stdint.h>

#include "ct_common.h" /* CT_OK, CT_CLOSED, CT_WOULDBLOCK, CT_TIMEOUT */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_chan ct_chan;

enum { CT_SEND = 1, CT_RECV = 2 };

typedef struct {
    ct_chan *chan; /* NULL: never ready */
    int dir;       /* CT_SEND or CT_RECV */
    void *elem;    /* CT_SEND: the value to send; CT_RECV: where to store */
    int status;    /* set on the chosen case: CT_OK or CT_CLOSED */
} ct_case;

/* The general-purpose designs, NULL-terminated; the first is the default. */
const char *const *ct_chan_impls(void);

ct_chan *ct_chan_new(const char *impl, size_t elem_size, size_t cap);
void ct_chan_free(ct_chan *c);
int ct_chan_send(ct_chan *c, const void *elem);
int ct_chan_recv(ct_chan *c, void *out);
int ct_chan_try_send(ct_chan *c, const void *elem);
int ct_chan_try_recv(ct_chan *c, void *out);
int ct_chan_send_timeout(ct_chan *c, const void *elem, int64_t timeout_ns);
int ct_chan_recv_timeout(ct_chan *c, void *out, int64_t timeout_ns);
int ct_chan_close(ct_chan *c);
size_t ct_chan_len(ct_chan *c);
size_t ct_chan_cap(ct_chan *c);
int ct_select(ct_case *cases, size_t n, int64_t timeout_ns);

/* Additions beyond the API. */
const char *ct_chan_impl_of(const ct_chan *c); /* the design's name */
size_t ct_chan_elem_size(const ct_chan *c);
/* Benchmark-only designs too (e.g. "spsc_ring"), NULL-terminated. Such a
 * design may restrict its callers (see its summary) and lack select. */
const char *const *ct_chan_impls_all(void);
/* One line describing the design, or NULL for an unknown name. */
const char *ct_chan_impl_summary(const char *impl);

#ifdef __cplusplus
}
#endif
#endif /* CT_CHAN_H */
