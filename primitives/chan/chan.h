/*
 * chan.h: Go's channels in C, with competing designs behind one API.
 *
 *     ct_chan *c = ct_chan_new("ring_futex", sizeof(int), 64); // NULL: the default
 *     ct_chan_send(c, &v);
 *     ct_chan_recv(c, &v);        // CT_OK, or CT_CLOSED once closed and drained
 *     ct_chan_close(c);
 *     ct_chan_free(c);
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
 *  - ct_chan_select (formerly ct_select, still accepted) performs exactly
 *    one ready case and returns its index with that case's status set
 *    (CT_OK, or CT_CLOSED for a receive from, or a send to, a closed
 *    channel; a receive from a closed channel zero-fills elem). A case
 *    whose chan is NULL is never ready: a select whose every chan is NULL
 *    (or n == 0) never returns unless it has a timeout, and waiting for
 *    ever it is an announced wait, "select (no cases)", as in Go, which the
 *    deadlock detector counts. Among ready cases it picks uniformly
 *    at random. timeout_ns < 0 waits forever; 0 never blocks (CT_WOULDBLOCK:
 *    Go's default); > 0 returns CT_TIMEOUT when it runs out.
 *    One call never completes two cases, and never pairs its own send with
 *    its own receive on one channel. dir must be CT_SEND or CT_RECV and elem
 *    non-NULL for a non-NULL chan, else -EINVAL.
 *  - Select across designs: all non-NULL channels of one ct_chan_select must
 *    be of the same design (ct_chan_impl), else it returns -EINVAL without
 *    touching any channel. Each design implements select natively (see its
 *    file); a generic cross-design path would be a slow polling loop, which
 *    we refuse to hide behind the same call.
 *
 * ct_chan_new: impl NULL picks the default (the first of ct_chan_impls());
 * an unknown name, elem_size 0 or a buffer above 2^40 bytes returns NULL with
 * errno EINVAL; ENOSYS for a design this build lacks; ENOMEM when out of
 * memory. Elements are copied in and out by value (elem_size bytes).
 *
 * The designs are listed once, in chan_list.h (the first is the default);
 * each file's header says what it does, `contend_bench --list-competitors`
 * prints their summaries, and primitives/chan/README.md compares them. A
 * design that is not general (ct_chan_is_general() false, e.g. spsc_ring:
 * one sender and one receiver thread, cap > 0, no select) is benchmark-only.
 *
 * Synchronization table (same channel; every general design):
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
 *  - On a coroutine (go.h): a design that declares CT_CAP_COROUTINE parks
 *    the coroutine when it waits. The ring designs park it too once they
 *    sleep (ct_futex_wait parks a coroutine), after spinning its worker;
 *    mutex_cond blocks the worker thread (a condition variable), and every
 *    coroutine queued on that worker with it.
 *  - A benchmark-only design narrows this (spsc_ring: at most one thread
 *    sends and one receives at a time; see its file).
 *
 * A design is one .c file defining its ct_chan_ops (the contract below) and
 * one line in chan_list.h (or CT_REGISTER_COMPETITOR outside the tree); its
 * channel starts with the header struct of chan_impl.h, whose first member is
 * the ops (ct_chan_impl).
 */
#ifndef CT_CHAN_H
#define CT_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chan_list.h"
#include "ct_common.h" /* CT_OK, CT_CLOSED, CT_WOULDBLOCK, CT_TIMEOUT, CT_CAP_* */
#include "ct_registry.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_chan ct_chan;
typedef struct ct_chan_ops ct_chan_ops;

enum { CT_SEND = 1, CT_RECV = 2 };

typedef struct {
    ct_chan *chan; /* NULL: never ready */
    int dir;       /* CT_SEND or CT_RECV */
    void *elem;    /* CT_SEND: the value to send; CT_RECV: where to store */
    int status;    /* set on the chosen case: CT_OK or CT_CLOSED */
} ct_case;

/* The competitor's contract: one table per design. chan.c checks the
 * arguments and turns timeouts into a deadline before it calls these: 0
 * never blocks (try_*), -1 waits forever, anything else is an absolute
 * ct_now_ns() time (always > 0). */
struct ct_chan_ops {
    ct_impl_desc desc; /* name ("go_like", ...), summary, caps (CT_CAP_*);
                          CT_CAP_SPSC: one sender and one receiver thread */
    /* Allocate a channel whose first member is the header of chan_internal.h
     * (chan.c fills it in): NULL + errno. */
    ct_chan *(*create)(size_t elem_size, size_t cap);
    void (*destroy)(ct_chan *c);
    int (*send)(ct_chan *c, const void *elem, int64_t deadline);
    int (*recv)(ct_chan *c, void *out, int64_t deadline);
    int (*close)(ct_chan *c);
    size_t (*len)(ct_chan *c);
    /* Select over cases[order[0..m-1]]: every chan there is non-NULL, of this
     * design, and order is a uniformly random permutation (poll order).
     * Returns the index performed (its status set), CT_WOULDBLOCK, CT_TIMEOUT
     * or -errno. NULL for a design without select (benchmark-only). */
    int (*select)(ct_case *cases, const uint32_t *order, size_t m, int64_t deadline);
};

#define CT__CHAN_EXTERN(ident) extern const ct_chan_ops ident;
CT_CHAN_LIST(CT__CHAN_EXTERN)
#undef CT__CHAN_EXTERN
/* ct_chan_impls() lists every design, the benchmark-only ones too: callers
 * that need the whole API filter with ct_chan_is_general(). */
CT_REGISTRY_DECLARE(chan)

/* A general design: any number of threads on both sides, every cap (0 too)
 * and select, i.e. the whole API above. The others are benchmark-only: they
 * declare CT_CAP_SPSC or have no select, and may refuse some caps (see their
 * summary). */
static inline bool ct_chan_is_general(const ct_chan_ops *o)
{
    return !(o->desc.caps & CT_CAP_SPSC) && o->select != NULL;
}

/* A channel of the design called impl (NULL: the first listed). */
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
int ct_chan_select(ct_case *cases, size_t n, int64_t timeout_ns);

/* The old name of ct_chan_select, kept for existing callers. */
static inline int ct_select(ct_case *cases, size_t n, int64_t timeout_ns)
{
    return ct_chan_select(cases, n, timeout_ns);
}

/* The design of c. */
const ct_chan_ops *ct_chan_impl(const ct_chan *c);
/* Additions beyond the API. */
const char *ct_chan_impl_of(const ct_chan *c); /* the design's name */
size_t ct_chan_elem_size(const ct_chan *c);

#ifdef __cplusplus
}
#endif
#endif /* CT_CHAN_H */
