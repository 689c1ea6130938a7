/*
 * test_chan_conformance.c: the channel family's conformance suite, over every
 * general design of ct_chan_impls() (ct_chan_is_general; never a list here: a
 * new design is tested as soon as it is listed in chan_list.h). One case per
 * (design, check), named <check>/<impl>, plus registry checks. Every case
 * runs forked with a timeout (ct_test) and is leak-checked (no thread may
 * outlive it).
 *
 *   basic           try/timeout/blocking on empty, full, closed at caps 0, 1, 2;
 *                   FIFO; drain after close; CT_CLOSED zero-filled, every time
 *   unbuffered      try_send meets a blocked receiver, try_recv a blocked
 *                   sender; the receive happens-before the send returns
 *   close_wakes     close wakes 4 blocked receivers / 4 blocked senders
 *   select_basic    no cases, NULL cases, default, timeout, its own send and
 *                   receive, closed channels, bad arguments, mixed designs
 *   select_wake     a blocked select woken by a send, and by a close
 *   select_random   two ready cases: each 35%..65% of 2000 (cannot flake)
 *   select_stress   selects on both sides, 1x1 and 3x3, caps 0 and 4: every
 *                   value exactly once (a select completing two cases would
 *                   duplicate or lose one)
 *   fifo_chain      1000 values through 16 forwarding threads, in order
 *   prime_sieve     Go's sieve: 25 chained filter threads
 *   mpmc_4x4        4 producers x 4 consumers at caps 0, 1, 64: each value
 *                   once, per-producer order per consumer
 *   elem_sizes      1 .. 256-byte elements, no byte written past them
 *   deadlock_named  threads stuck in recv, send and select are reported by
 *                   the deadlock watchdog with the channel operation
 *   timeout_max     send, recv and select with a timeout of INT64_MAX: a
 *                   wait that never expires (no overflow: UBSan in the ASan
 *                   tree), at caps 0 and 1, open and closed
 * and spsc_ring (the benchmark-only design: its restrictions fail cleanly,
 * and within them it is a FIFO channel with close: a producer and a consumer
 * thread at caps 1, 2, 16, every value once and in order, the last cap
 * values drained after close; close wakes a blocked sender and receiver).
 *
 * No sleep is used as synchronization. Where a check wants threads to be
 * blocked before it acts (close waking blocked receivers), it waits until
 * they announced they are about to block and yields a few times: if they are
 * not blocked yet, the check still holds (they then find the channel closed),
 * it only tests less. Timeout checks measure that the call waited at least
 * its timeout.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chan.h"
#include "ct_deadlock.h"
#include "ct_test.h"

static ct_chan *mk(const char *impl, size_t es, size_t cap)
{
    ct_chan *c = ct_chan_new(impl, es, cap);
    if (!c)
        ct_test_fail("ct_chan_new(%s, %zu, %zu): %s", impl, es, cap, strerror(errno));
    return c;
}

#define EXPECT(call, want)                                                                         \
    do {                                                                                           \
        int got_ = (call);                                                                         \
        if (got_ != (want))                                                                        \
            ct_test_fail("%s: got %d (%s), expected %d (%s)", #call, got_, ct_strstatus(got_),     \
                         (int)(want), ct_strstatus(want));                                         \
    } while (0)

/* Let threads that announced they are about to block get there (not needed
 * for correctness, see the header). */
static void settle(void)
{
    for (int i = 0; i < 50; i++)
        sched_yield();
}

#define TMO_NS 5000000 /* 5 ms: what the timeout checks wait */

/* A timed call must wait at least its timeout. */
#define EXPECT_TIMED(call, want)                                                                   \
    do {                                                                                           \
        int64_t t0_ = ct_now_ns();                                                                 \
        EXPECT(call, want);                                                                        \
        if ((want) == CT_TIMEOUT && ct_now_ns() - t0_ < TMO_NS)                                    \
            ct_test_fail("%s returned after %" PRId64 " ns, before its timeout", #call,            \
                         ct_now_ns() - t0_);                                                       \
    } while (0)

/* ---- blocking and non-blocking on empty, full, closed at caps 0, 1, 2 ---------- */

static int t_basic(void *arg)
{
    const char *impl = arg;

    for (size_t cap = 0; cap <= 2; cap++) {
        ct_chan *c = mk(impl, sizeof(int), cap);
        int v = 0, out;

        CT_CHECK(ct_chan_cap(c) == cap);
        CT_CHECK(ct_chan_len(c) == 0);
        CT_CHECK(strcmp(ct_chan_impl_of(c), impl) == 0);
        CT_CHECK(ct_chan_impl(c) == ct_chan_find(impl));
        /* empty */
        EXPECT(ct_chan_try_recv(c, &out), CT_WOULDBLOCK);
        EXPECT_TIMED(ct_chan_recv_timeout(c, &out, TMO_NS), CT_TIMEOUT);
        EXPECT(ct_chan_recv_timeout(c, &out, 0), CT_WOULDBLOCK);
        /* fill */
        for (size_t i = 0; i < cap; i++) {
            v = (int)i + 10;
            EXPECT(i % 2 ? ct_chan_send(c, &v) : ct_chan_try_send(c, &v), CT_OK);
            CT_CHECK(ct_chan_len(c) == i + 1);
        }
        /* full (cap 0 is always full without a receiver) */
        EXPECT(ct_chan_try_send(c, &v), CT_WOULDBLOCK);
        EXPECT_TIMED(ct_chan_send_timeout(c, &v, TMO_NS), CT_TIMEOUT);
        EXPECT(ct_chan_send_timeout(c, &v, 0), CT_WOULDBLOCK);
        CT_CHECK(ct_chan_len(c) == cap);
        /* FIFO out of a full buffer, then refill one and drain after close */
        if (cap) {
            EXPECT(ct_chan_try_recv(c, &out), CT_OK);
            CT_CHECK(out == 10);
            v = 99;
            EXPECT(ct_chan_send_timeout(c, &v, TMO_NS), CT_OK);
        }
        EXPECT(ct_chan_close(c), CT_OK);
        EXPECT(ct_chan_close(c), CT_CLOSED);
        EXPECT(ct_chan_send(c, &v), CT_CLOSED);
        EXPECT(ct_chan_try_send(c, &v), CT_CLOSED);
        EXPECT(ct_chan_send_timeout(c, &v, TMO_NS), CT_CLOSED);
        CT_CHECK(ct_chan_len(c) == cap);
        for (size_t i = 1; i < cap; i++) {
            EXPECT(ct_chan_recv(c, &out), CT_OK);
            CT_CHECK(out == (int)i + 10);
        }
        if (cap) {
            EXPECT(ct_chan_try_recv(c, &out), CT_OK);
            CT_CHECK(out == 99);
        }
        for (int k = 0; k < 3; k++) { /* closed and drained: CT_CLOSED, zero-filled, every time */
            out = -1;
            EXPECT(ct_chan_recv(c, &out), CT_CLOSED);
            CT_CHECK(out == 0);
            out = -1;
            EXPECT(ct_chan_try_recv(c, &out), CT_CLOSED);
            CT_CHECK(out == 0);
            out = -1;
            EXPECT(ct_chan_recv_timeout(c, &out, TMO_NS), CT_CLOSED);
            CT_CHECK(out == 0);
        }
        CT_CHECK(ct_chan_len(c) == 0);
        ct_chan_free(c);
    }
    return 0;
}

/* ---- the largest timeout: a deadline that never comes, not an overflow -------
 * INT64_MAX ns from now does not fit in the clock's int64_t: the facade
 * saturates it (ct_deadline_after). Unsaturated, UBSan (the ASan tree)
 * stops at the overflow; elsewhere the wrapped deadline lies in the past,
 * and a wait that must block returns CT_TIMEOUT at once. */
static void max_pair_thread(unsigned idx, void *arg)
{
    ct_chan *c = arg;
    int v = 5, out = 0;

    if (idx == 0) {
        EXPECT(ct_chan_send_timeout(c, &v, INT64_MAX), CT_OK);
    } else {
        EXPECT(ct_chan_recv_timeout(c, &out, INT64_MAX), CT_OK);
        CT_CHECK(out == 5);
    }
}

static int t_timeout_max(void *arg)
{
    const char *impl = arg;

    for (size_t cap = 0; cap <= 1; cap++) {
        ct_chan *c = mk(impl, sizeof(int), cap);
        int v = 7, out = 0;
        ct_case cs[1];

        /* both sides wait with the largest timeout until they meet */
        ct_test_run_threads(2, max_pair_thread, c);
        if (cap) { /* ready at once */
            EXPECT(ct_chan_send_timeout(c, &v, INT64_MAX), CT_OK);
            EXPECT(ct_chan_recv_timeout(c, &out, INT64_MAX), CT_OK);
            CT_CHECK(out == 7);
            cs[0] = (ct_case){.chan = c, .dir = CT_SEND, .elem = &v};
            EXPECT(ct_chan_select(cs, 1, INT64_MAX), 0);
            CT_CHECK(cs[0].status == CT_OK);
            EXPECT(ct_chan_try_recv(c, &out), CT_OK);
        }
        EXPECT(ct_chan_close(c), CT_OK);
        EXPECT(ct_chan_send_timeout(c, &v, INT64_MAX), CT_CLOSED);
        EXPECT(ct_chan_recv_timeout(c, &out, INT64_MAX), CT_CLOSED);
        cs[0] = (ct_case){.chan = c, .dir = CT_RECV, .elem = &out};
        EXPECT(ct_chan_select(cs, 1, INT64_MAX), 0);
        CT_CHECK(cs[0].status == CT_CLOSED);
        ct_chan_free(c);
    }
    return 0;
}

/* ---- unbuffered: try_* meet a blocked partner; the receive happens-before
 * the send returns ----------------------------------------------------------- */

struct pair {
    ct_chan *c;
    atomic_int ready;
    int plain; /* written by the receiver before recv, read by the sender after send */
    int got, st;
};

static void pair_thread(unsigned idx, void *arg)
{
    struct pair *p = arg;
    int v = 7;

    if (idx == 0) { /* the blocked receiver */
        p->plain = 42;
        /* relaxed: a hint to the other side, not synchronization */
        atomic_store_explicit(&p->ready, 1, memory_order_relaxed);
        p->st = ct_chan_recv(p->c, &p->got);
        return;
    }
    while (ct_chan_try_send(p->c, &v) != CT_OK) /* until the receiver waits */
        sched_yield();
    /* Go's memory model: on an unbuffered channel the receive happens-before
     * the send completes; TSan flags this read otherwise. */
    if (p->plain != 42)
        ct_test_fail("send returned before the receiver's writes were visible");
}

struct pair2 {
    ct_chan *c;
    int st, got;
};

static void pair2_thread(unsigned idx, void *arg)
{
    struct pair2 *p = arg;
    int v = 8;

    if (idx == 0) { /* the blocked sender */
        p->st = ct_chan_send(p->c, &v);
        return;
    }
    int r;
    while ((r = ct_chan_try_recv(p->c, &p->got)) == CT_WOULDBLOCK)
        sched_yield();
    if (r != CT_OK)
        ct_test_fail("try_recv from a blocked sender: %s", ct_strstatus(r));
}

static int t_unbuffered(void *arg)
{
    const char *impl = arg;
    struct pair p = {.c = mk(impl, sizeof(int), 0)};
    struct pair2 q = {.c = mk(impl, sizeof(int), 0)};

    ct_test_run_threads(2, pair_thread, &p);
    EXPECT(p.st, CT_OK);
    CT_CHECK(p.got == 7);
    ct_test_run_threads(2, pair2_thread, &q);
    EXPECT(q.st, CT_OK);
    CT_CHECK(q.got == 8);
    CT_CHECK(ct_chan_len(p.c) == 0 && ct_chan_len(q.c) == 0);
    ct_chan_free(p.c);
    ct_chan_free(q.c);
    return 0;
}

/* ---- close wakes every blocked receiver and sender --------------------------- */

#define NBLOCKED 4

struct cw {
    ct_chan *c;
    bool senders;
    atomic_int started;
    int st[NBLOCKED];
    int out[NBLOCKED];
};

static void cw_thread(unsigned idx, void *arg)
{
    struct cw *w = arg;
    int v = (int)idx + 100;

    if (idx == NBLOCKED) { /* the closer */
        /* acquire/relaxed irrelevant: only waits for the others to get going */
        while (atomic_load_explicit(&w->started, memory_order_relaxed) < NBLOCKED)
            sched_yield();
        settle();
        EXPECT(ct_chan_close(w->c), CT_OK);
        return;
    }
    atomic_fetch_add_explicit(&w->started, 1, memory_order_relaxed); /* a hint only */
    w->out[idx] = -1;
    w->st[idx] = w->senders ? ct_chan_send(w->c, &v) : ct_chan_recv(w->c, &w->out[idx]);
}

static int t_close_wakes(void *arg)
{
    const char *impl = arg;

    for (size_t cap = 0; cap <= 1; cap++) {
        for (int s = 0; s <= 1; s++) {
            struct cw w = {.c = mk(impl, sizeof(int), cap), .senders = s};
            int v = 5, out, buffered = 0;

            if (s && cap) { /* make the buffer full so senders block */
                EXPECT(ct_chan_send(w.c, &v), CT_OK);
                buffered = 1;
            }
            ct_test_run_threads(NBLOCKED + 1, cw_thread, &w);
            for (int i = 0; i < NBLOCKED; i++) {
                EXPECT(w.st[i], CT_CLOSED);
                if (!s)
                    CT_CHECK(w.out[i] == 0);
            }
            if (buffered) { /* what was buffered before close is still there */
                EXPECT(ct_chan_recv(w.c, &out), CT_OK);
                CT_CHECK(out == 5);
            }
            EXPECT(ct_chan_recv(w.c, &out), CT_CLOSED);
            ct_chan_free(w.c);
        }
    }
    return 0;
}

/* ---- select: NULL cases, default, timeouts, closed channels, itself ----------- */

static int t_select_basic(void *arg)
{
    const char *impl = arg;
    ct_chan *a = mk(impl, sizeof(int), 1), *z = mk(impl, sizeof(int), 0);
    int x = 1, y = 0, r;
    ct_case cs[3];

    /* nothing at all, or only NULL channels */
    EXPECT(ct_chan_select(NULL, 0, 0), CT_WOULDBLOCK);
    EXPECT_TIMED(ct_chan_select(NULL, 0, TMO_NS), CT_TIMEOUT);
    cs[0] = (ct_case){.chan = NULL, .dir = CT_RECV, .elem = &y};
    cs[1] = (ct_case){.chan = NULL, .dir = CT_SEND, .elem = &x};
    EXPECT(ct_chan_select(cs, 2, 0), CT_WOULDBLOCK);
    EXPECT_TIMED(ct_chan_select(cs, 2, TMO_NS), CT_TIMEOUT);
    /* default and timeout with nothing ready; a NULL case is never ready */
    cs[0] = (ct_case){.chan = a, .dir = CT_RECV, .elem = &y};
    cs[1] = (ct_case){.chan = z, .dir = CT_SEND, .elem = &x};
    cs[2] = (ct_case){.chan = NULL, .dir = CT_RECV, .elem = &y};
    EXPECT(ct_chan_select(cs, 3, 0), CT_WOULDBLOCK);
    EXPECT_TIMED(ct_chan_select(cs, 3, TMO_NS), CT_TIMEOUT);
    /* one ready case (a send into a's free slot) beside a NULL one */
    cs[0] = (ct_case){.chan = NULL, .dir = CT_SEND, .elem = &x};
    cs[1] = (ct_case){.chan = a, .dir = CT_SEND, .elem = &x, .status = 12345};
    EXPECT(ct_chan_select(cs, 2, -1), 1);
    EXPECT(cs[1].status, CT_OK);
    CT_CHECK(ct_chan_len(a) == 1);
    /* its own send and receive on one channel: a is full now, so only the
     * receive is ready; on the unbuffered z neither may pair with the other */
    x = 2;
    cs[0] = (ct_case){.chan = a, .dir = CT_SEND, .elem = &x};
    cs[1] = (ct_case){.chan = a, .dir = CT_RECV, .elem = &y};
    EXPECT(ct_chan_select(cs, 2, TMO_NS), 1);
    CT_CHECK(y == 1 && cs[1].status == CT_OK);
    EXPECT(ct_chan_select(cs, 2, TMO_NS), 0); /* now only the send is ready */
    CT_CHECK(ct_chan_len(a) == 1);
    cs[0] = (ct_case){.chan = z, .dir = CT_SEND, .elem = &x};
    cs[1] = (ct_case){.chan = z, .dir = CT_RECV, .elem = &y};
    EXPECT(ct_chan_select(cs, 2, 0), CT_WOULDBLOCK);
    EXPECT_TIMED(ct_chan_select(cs, 2, TMO_NS), CT_TIMEOUT);
    /* bad arguments */
    cs[0] = (ct_case){.chan = a, .dir = 3, .elem = &x};
    EXPECT(ct_chan_select(cs, 1, 0), -EINVAL);
    cs[0] = (ct_case){.chan = a, .dir = CT_RECV, .elem = NULL};
    EXPECT(ct_chan_select(cs, 1, 0), -EINVAL);
    /* closed: a receive drains, then reports CT_CLOSED zero-filled; a send
     * to a closed channel is a ready case with status CT_CLOSED */
    EXPECT(ct_chan_close(a), CT_OK);
    EXPECT(ct_chan_close(z), CT_OK);
    cs[0] = (ct_case){.chan = a, .dir = CT_RECV, .elem = &y};
    y = -1;
    EXPECT(ct_chan_select(cs, 1, -1), 0);
    CT_CHECK(cs[0].status == CT_OK && y == 2);
    for (int k = 0; k < 3; k++) {
        y = -1;
        cs[0].status = 12345;
        EXPECT(ct_chan_select(cs, 1, 0), 0);
        CT_CHECK(cs[0].status == CT_CLOSED && y == 0);
    }
    cs[0].status = 12345;
    EXPECT(ct_select(cs, 1, 0), 0); /* the old name still selects */
    CT_CHECK(cs[0].status == CT_CLOSED);
    cs[0] = (ct_case){.chan = z, .dir = CT_SEND, .elem = &x};
    EXPECT(ct_chan_select(cs, 1, -1), 0);
    CT_CHECK(cs[0].status == CT_CLOSED);
    /* waking from a blocked select: close wakes it with the closed case */
    ct_chan_free(a);
    ct_chan_free(z);
    /* mixing designs is refused (a benchmark-only one too) */
    for (const ct_chan_ops *const *o = ct_chan_impls(); *o; o++) {
        if (strcmp((*o)->desc.name, impl) == 0 || (*o)->desc.unavailable)
            continue;
        ct_chan *b = mk((*o)->desc.name, sizeof(int), 1), *c = mk(impl, sizeof(int), 1);
        cs[0] = (ct_case){.chan = c, .dir = CT_RECV, .elem = &y};
        cs[1] = (ct_case){.chan = b, .dir = CT_RECV, .elem = &y};
        r = ct_chan_select(cs, 2, 0);
        EXPECT(r, -EINVAL);
        ct_chan_free(b);
        ct_chan_free(c);
    }
    return 0;
}

/* A blocked select is woken by a partner or by close. */
struct sw {
    ct_chan *a, *b;
    int r, st, y;
};

static void sw_thread(unsigned idx, void *arg)
{
    struct sw *w = arg;
    int v = 77;

    if (idx == 0) {
        ct_case cs[2] = {{.chan = w->a, .dir = CT_RECV, .elem = &w->y},
                         {.chan = w->b, .dir = CT_RECV, .elem = &w->y}};
        w->r = ct_chan_select(cs, 2, -1);
        w->st = w->r >= 0 ? cs[w->r].status : w->r;
    } else if (w->b) {
        EXPECT(ct_chan_send(w->b, &v), CT_OK);
    } else {
        settle();
        EXPECT(ct_chan_close(w->a), CT_OK);
    }
}

static int t_select_wake(void *arg)
{
    const char *impl = arg;

    for (size_t cap = 0; cap <= 1; cap++) {
        struct sw w = {.a = mk(impl, sizeof(int), cap), .b = mk(impl, sizeof(int), cap)};
        ct_chan *b = w.b;

        ct_test_run_threads(2, sw_thread, &w); /* woken by a send on b */
        CT_CHECK(w.r == 1 && w.st == CT_OK && w.y == 77);
        w.b = NULL;
        ct_test_run_threads(2, sw_thread, &w); /* by close(a) (b is a NULL case) */
        CT_CHECK(w.r == 0 && w.st == CT_CLOSED && w.y == 0);
        ct_chan_free(w.a);
        ct_chan_free(b);
    }
    return 0;
}

/* Two ready cases are each chosen about half the time: 2000 trials, each
 * side between 35% and 65% (13 standard deviations: it cannot flake). */
static int t_select_random(void *arg)
{
    const char *impl = arg;
    ct_chan *a = mk(impl, sizeof(int), 1), *b = mk(impl, sizeof(int), 1);
    int va = 1, vb = 2, y, hits[2] = {0, 0};
    ct_case cs[2] = {{.chan = a, .dir = CT_RECV, .elem = &y},
                     {.chan = b, .dir = CT_RECV, .elem = &y}};

    EXPECT(ct_chan_send(a, &va), CT_OK);
    EXPECT(ct_chan_send(b, &vb), CT_OK);
    for (int i = 0; i < 2000; i++) {
        int r = ct_chan_select(cs, 2, 0);
        if (r != 0 && r != 1)
            ct_test_fail("select returned %d with two ready cases", r);
        CT_CHECK(y == r + 1 && cs[r].status == CT_OK);
        hits[r]++;
        EXPECT(ct_chan_send(r ? b : a, r ? &vb : &va), CT_OK);
    }
    printf("  %s: case 0 chosen %d times, case 1 %d times of 2000\n", impl, hits[0], hits[1]);
    CT_CHECK(hits[0] >= 700 && hits[1] >= 700);
    ct_chan_free(a);
    ct_chan_free(b);
    return 0;
}

/* ---- no value completed twice by one select, under stress ---------------------
 * SEL_S threads send every value with a select over both channels (a select
 * completing both cases would deliver a value twice); SEL_R threads receive
 * with selects over both (completing both would lose a value, which its
 * sender was told was delivered). Receivers stop when both channels are
 * closed, turning each closed case into a NULL one. */
#define SEL_S 3
#define SEL_R 3
#define SEL_N 1500

struct ss {
    ct_chan *ch[2];
    unsigned ns, nr; /* senders, receivers */
    atomic_int senders_left;
    atomic_uchar seen[SEL_S * SEL_N];
    int bad;
};

static void ss_thread(unsigned idx, void *arg)
{
    struct ss *s = arg;

    if (idx < s->ns) {
        for (int i = 0; i < SEL_N; i++) {
            int v = (int)idx * SEL_N + i;
            ct_case cs[2] = {{.chan = s->ch[0], .dir = CT_SEND, .elem = &v},
                             {.chan = s->ch[1], .dir = CT_SEND, .elem = &v}};
            int r = ct_chan_select(cs, 2, -1);
            if (r < 0 || cs[r].status != CT_OK)
                ct_test_fail("select send: %d", r);
        }
        /* acq_rel: the last sender closes after every sender's selects */
        if (atomic_fetch_sub_explicit(&s->senders_left, 1, memory_order_acq_rel) == 1) {
            EXPECT(ct_chan_close(s->ch[0]), CT_OK);
            EXPECT(ct_chan_close(s->ch[1]), CT_OK);
        }
        return;
    }
    int v;
    ct_case cs[2] = {{.chan = s->ch[0], .dir = CT_RECV, .elem = &v},
                     {.chan = s->ch[1], .dir = CT_RECV, .elem = &v}};
    while (cs[0].chan || cs[1].chan) {
        int r = ct_chan_select(cs, 2, -1);
        if (r < 0)
            ct_test_fail("select recv: %d", r);
        if (cs[r].status == CT_CLOSED) {
            cs[r].chan = NULL;
            continue;
        }
        if (v < 0 || v >= SEL_S * SEL_N)
            ct_test_fail("received %d, never sent", v);
        /* relaxed: a tally, read after the join */
        atomic_fetch_add_explicit(&s->seen[v], 1, memory_order_relaxed);
    }
}

/* 1 x 1 first: with nobody else to keep things moving, a lost wake-up
 * between two selects hangs (and times out) instead of hiding. */
static int t_select_stress(void *arg)
{
    const char *impl = arg;
    static const size_t caps[] = {0, 4};
    static const unsigned shapes[][2] = {{1, 1}, {SEL_S, SEL_R}};

    for (size_t k = 0; k < 4; k++) {
        struct ss *s = calloc(1, sizeof *s);
        CT_CHECK(s != NULL);
        s->ns = shapes[k / 2][0];
        s->nr = shapes[k / 2][1];
        s->ch[0] = mk(impl, sizeof(int), caps[k % 2]);
        s->ch[1] = mk(impl, sizeof(int), caps[k % 2]);
        atomic_init(&s->senders_left, (int)s->ns);
        int64_t t0 = ct_now_ns();
        ct_test_run_threads(s->ns + s->nr, ss_thread, s);
        printf("  %s: %ux%u selects, cap %zu: %.1f ms\n", impl, s->ns, s->nr, caps[k % 2],
               (double)(ct_now_ns() - t0) / 1e6);
        for (int v = 0; v < (int)s->ns * SEL_N; v++)
            if (s->seen[v] != 1)
                ct_test_fail("%ux%u, cap %zu: value %d received %d times", s->ns, s->nr,
                             caps[k % 2], v, s->seen[v]);
        ct_chan_free(s->ch[0]);
        ct_chan_free(s->ch[1]);
        free(s);
    }
    return 0;
}

/* ---- FIFO through a long chain of threads ------------------------------------- */

#define CHAIN 16
#define CHAIN_N 1000

struct chain {
    ct_chan *ch[CHAIN + 1];
};

static void chain_thread(unsigned idx, void *arg)
{
    struct chain *c = arg;
    int v;

    if (idx == 0) { /* source */
        for (v = 0; v < CHAIN_N; v++)
            EXPECT(ct_chan_send(c->ch[0], &v), CT_OK);
        EXPECT(ct_chan_close(c->ch[0]), CT_OK);
    } else if (idx <= CHAIN) { /* stage idx: ch[idx-1] -> ch[idx] */
        while (ct_chan_recv(c->ch[idx - 1], &v) == CT_OK)
            EXPECT(ct_chan_send(c->ch[idx], &v), CT_OK);
        EXPECT(ct_chan_close(c->ch[idx]), CT_OK);
    } else { /* sink */
        int want = 0;
        while (ct_chan_recv(c->ch[CHAIN], &v) == CT_OK) {
            if (v != want)
                ct_test_fail("chain: got %d, expected %d", v, want);
            want++;
        }
        CT_CHECK(want == CHAIN_N);
    }
}

static int t_fifo_chain(void *arg)
{
    const char *impl = arg;
    struct chain c;

    for (int i = 0; i <= CHAIN; i++) /* caps 0, 1, 2, 0, 1, 2, ... */
        c.ch[i] = mk(impl, sizeof(int), (size_t)(i % 3));
    ct_test_run_threads(CHAIN + 2, chain_thread, &c);
    for (int i = 0; i <= CHAIN; i++)
        ct_chan_free(c.ch[i]);
    return 0;
}

/* ---- the prime sieve: a chain of filter threads (Go's classic) --------------- */

#define PRIMES 25

struct sieve {
    ct_chan *ch[PRIMES + 1]; /* ch[0]: generator output; ch[i]: after filter i */
    int primes[PRIMES];
};

/* Thread 0 generates 2, 3, 4, ... into ch[0]; filter k (thread k+1) reads
 * ch[k], takes its first value as its prime and forwards to ch[k+1] what
 * that prime does not divide. The last filter, having its prime, closes every
 * channel, which ends every other thread (blocked or not). */
static void sieve_thread(unsigned idx, void *arg)
{
    struct sieve *s = arg;
    int v, p;

    if (idx == 0) { /* generator */
        for (v = 2; ct_chan_send(s->ch[0], &v) == CT_OK; v++)
            ;
        return;
    }
    int k = (int)idx - 1;
    if (ct_chan_recv(s->ch[k], &p) != CT_OK)
        return;
    s->primes[k] = p;
    if (k == PRIMES - 1) { /* the last filter found the last prime we want */
        for (int i = 0; i <= PRIMES; i++)
            ct_chan_close(s->ch[i]); /* every other thread wakes with CT_CLOSED */
        return;
    }
    while (ct_chan_recv(s->ch[k], &v) == CT_OK)
        if (v % p != 0 && ct_chan_send(s->ch[k + 1], &v) != CT_OK)
            return;
}

static int t_prime_sieve(void *arg)
{
    const char *impl = arg;
    static const int want[PRIMES] = {2,  3,  5,  7,  11, 13, 17, 19, 23, 29, 31, 37, 41,
                                     43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97};
    struct sieve s;

    for (int i = 0; i <= PRIMES; i++)
        s.ch[i] = mk(impl, sizeof(int), 0);
    ct_test_run_threads(PRIMES + 1, sieve_thread, &s); /* generator + filters */
    for (int i = 0; i < PRIMES; i++)
        if (s.primes[i] != want[i])
            ct_test_fail("prime #%d: got %d, expected %d", i, s.primes[i], want[i]);
    for (int i = 0; i <= PRIMES; i++)
        ct_chan_free(s.ch[i]);
    return 0;
}

/* ---- 4 x 4 producers and consumers, every value once, per-producer FIFO ------ */

#define MP 4
#define MC 4
#define MN 2000

struct mpmc {
    ct_chan *c;
    atomic_int producers_left;
    atomic_uchar seen[MP * MN];
};

static void mpmc_thread(unsigned idx, void *arg)
{
    struct mpmc *m = arg;

    if (idx < MP) {
        for (uint32_t i = 0; i < MN; i++) {
            uint64_t v = (uint64_t)idx << 32 | i;
            EXPECT(ct_chan_send(m->c, &v), CT_OK);
        }
        /* acq_rel: the last producer closes after every producer's sends */
        if (atomic_fetch_sub_explicit(&m->producers_left, 1, memory_order_acq_rel) == 1)
            EXPECT(ct_chan_close(m->c), CT_OK);
        return;
    }
    int64_t last[MP];
    uint64_t v;
    for (int p = 0; p < MP; p++)
        last[p] = -1;
    while (ct_chan_recv(m->c, &v) == CT_OK) {
        uint32_t p = (uint32_t)(v >> 32), i = (uint32_t)v;
        if (p >= MP || i >= MN)
            ct_test_fail("received %#" PRIx64 ", never sent", v);
        if ((int64_t)i <= last[p]) /* one consumer sees a producer's values in order */
            ct_test_fail("producer %u: %u after %" PRId64 ": out of order", p, i, last[p]);
        last[p] = i;
        /* relaxed: a tally, read after the join */
        atomic_fetch_add_explicit(&m->seen[p * MN + i], 1, memory_order_relaxed);
    }
}

static int t_mpmc(void *arg)
{
    const char *impl = arg;
    static const size_t caps[] = {0, 1, 64};

    for (size_t k = 0; k < 3; k++) {
        struct mpmc *m = calloc(1, sizeof *m);
        CT_CHECK(m != NULL);
        m->c = mk(impl, sizeof(uint64_t), caps[k]);
        atomic_init(&m->producers_left, MP);
        ct_test_run_threads(MP + MC, mpmc_thread, m);
        for (int v = 0; v < MP * MN; v++)
            if (m->seen[v] != 1)
                ct_test_fail("cap %zu: value %d/%d received %d times", caps[k], v / MN, v % MN,
                             m->seen[v]);
        CT_CHECK(ct_chan_len(m->c) == 0);
        ct_chan_free(m->c);
        free(m);
    }
    return 0;
}

/* ---- element sizes 1 .. 256 bytes ---------------------------------------------- */

#define ES_N 200

struct es {
    ct_chan *c;
    size_t size;
};

static unsigned char pattern(size_t msg, size_t byte)
{
    return (unsigned char)(msg * 31 + byte * 7 + 1);
}

static void es_thread(unsigned idx, void *arg)
{
    struct es *e = arg;
    unsigned char buf[256];

    for (size_t m = 0; m < ES_N; m++) {
        if (idx == 0) {
            for (size_t b = 0; b < e->size; b++)
                buf[b] = pattern(m, b);
            EXPECT(ct_chan_send(e->c, buf), CT_OK);
        } else {
            memset(buf, 0xEE, sizeof buf);
            EXPECT(ct_chan_recv(e->c, buf), CT_OK);
            for (size_t b = 0; b < e->size; b++)
                if (buf[b] != pattern(m, b))
                    ct_test_fail("size %zu, message %zu, byte %zu: %#x", e->size, m, b, buf[b]);
            for (size_t b = e->size; b < sizeof buf; b++) /* nothing written past it */
                if (buf[b] != 0xEE)
                    ct_test_fail("size %zu: byte %zu past the element was written", e->size, b);
        }
    }
}

static int t_elem_sizes(void *arg)
{
    const char *impl = arg;
    static const size_t sizes[] = {1, 2, 3, 7, 8, 16, 33, 64, 100, 255, 256};

    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (size_t cap = 0; cap <= 3; cap += 3) {
            struct es e = {.c = mk(impl, sizes[i], cap), .size = sizes[i]};
            ct_test_run_threads(2, es_thread, &e);
            CT_CHECK(ct_chan_elem_size(e.c) == sizes[i]);
            ct_chan_free(e.c);
        }
    }
    return 0;
}

/* ---- a channel deadlock is named by the watchdog (ct_deadlock.h) --------------
 * One watched thread blocks in recv on a, another in send on b (cap 0, no
 * partner), a third in a select receiving from a and c: nothing can wake them, and the watchdog must say so, naming each operation. Then
 * close releases them (the case's leak check wants them gone). */
struct dl {
    ct_chan *a, *b, *c;
    ct_test_barrier watched; /* all three are watched before any blocks */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    ct_wait_info seen[8];
    size_t nseen;
    int reported;
};

static struct dl *dl_now; /* the handler has no argument */

static void dl_record(const ct_wait_info *w, size_t n)
{
    struct dl *d = dl_now;
    pthread_mutex_lock(&d->mu);
    d->nseen = n < 8 ? n : 8;
    memcpy(d->seen, w, d->nseen * sizeof *w);
    d->reported++;
    pthread_cond_broadcast(&d->cv);
    pthread_mutex_unlock(&d->mu);
}

static void dl_thread(unsigned idx, void *arg)
{
    struct dl *d = arg;
    int v = 1, y;

    if (idx == 3) { /* the controller: not watched */
        pthread_mutex_lock(&d->mu);
        while (!d->reported) /* bounded by the case timeout */
            pthread_cond_wait(&d->cv, &d->mu);
        pthread_mutex_unlock(&d->mu);
        EXPECT(ct_chan_close(d->a), CT_OK);
        EXPECT(ct_chan_close(d->b), CT_OK);
        EXPECT(ct_chan_close(d->c), CT_OK);
        return;
    }
    ct_wait_watch_self(1);
    ct_test_barrier_wait(&d->watched);
    if (idx == 0) {
        EXPECT(ct_chan_recv(d->a, &y), CT_CLOSED);
    } else if (idx == 1) {
        EXPECT(ct_chan_send(d->b, &v), CT_CLOSED);
    } else {
        ct_case cs[2] = {{.chan = d->a, .dir = CT_RECV, .elem = &y},
                         {.chan = d->c, .dir = CT_RECV, .elem = &y}};
        int r = ct_chan_select(cs, 2, -1);
        CT_CHECK(r == 0 || r == 1);
        CT_CHECK(cs[r].status == CT_CLOSED);
    }
    ct_wait_watch_self(0);
}

static int t_deadlock_named(void *arg)
{
    const char *impl = arg;
    struct dl d = {.a = mk(impl, sizeof(int), 0),
                   .b = mk(impl, sizeof(int), 0),
                   .c = mk(impl, sizeof(int), 0),
                   .mu = PTHREAD_MUTEX_INITIALIZER,
                   .cv = PTHREAD_COND_INITIALIZER};
    int recv = 0, send = 0, sel = 0;

    dl_now = &d;
    ct_test_barrier_init(&d.watched, 3);
    CT_CHECK(ct_deadlock_watch_start(10, dl_record) == 0);
    ct_test_run_threads(4, dl_thread, &d);
    ct_deadlock_watch_stop();
    ct_test_barrier_destroy(&d.watched);
    for (size_t i = 0; i < d.nseen; i++) {
        printf("  %s: thread %d [%s] on %p\n", impl, (int)d.seen[i].tid, d.seen[i].op,
               d.seen[i].obj);
        recv += strcmp(d.seen[i].op, "chan recv") == 0 && d.seen[i].obj == d.a;
        send += strcmp(d.seen[i].op, "chan send") == 0 && d.seen[i].obj == d.b;
        sel += strcmp(d.seen[i].op, "chan select") == 0;
    }
    CT_CHECK(d.nseen == 3 && recv == 1 && send == 1 && sel == 1);
    ct_chan_free(d.a);
    ct_chan_free(d.b);
    ct_chan_free(d.c);
    return 0;
}

/* ---- spsc_ring, the benchmark-only design -------------------------------------
 * Not general (one sender thread, one receiver thread, cap > 0, no select),
 * so it gets its own case: its restrictions fail cleanly, and within them it
 * is a channel. */
#define SPSC_N 20000
#define SPSC_TMO_NS ((int64_t)60 * 1000000000) /* a timeout that must not expire */

/* A stream through one spsc_ring: every value once and in order, through the
 * blocking, try and timeout calls; then the last cap values are received only
 * after the producer has closed (it says so in closed), so they must drain. */
typedef struct {
    ct_chan *c;
    size_t cap;
    _Atomic bool closed;
} spsc_run;

static void spsc_thread(unsigned idx, void *arg)
{
    spsc_run *r = arg;
    ct_chan *c = r->c;
    uint32_t v;
    int rc;

    if (idx == 0) {
        for (v = 0; v < SPSC_N; v++) {
            switch (v % 3) {
            case 0:
                EXPECT(ct_chan_send(c, &v), CT_OK);
                break;
            case 1:
                while ((rc = ct_chan_try_send(c, &v)) == CT_WOULDBLOCK)
                    sched_yield();
                EXPECT(rc, CT_OK);
                break;
            default:
                EXPECT(ct_chan_send_timeout(c, &v, SPSC_TMO_NS), CT_OK);
                break;
            }
        }
        EXPECT(ct_chan_close(c), CT_OK);
        /* release: pairs with the consumer's acquire load below */
        atomic_store_explicit(&r->closed, true, memory_order_release);
        EXPECT(ct_chan_send(c, &v), CT_CLOSED);
        return;
    }
    for (uint32_t want = 0; want < SPSC_N; want++) {
        if (want == SPSC_N - r->cap) /* acquire: pairs with the store above */
            while (!atomic_load_explicit(&r->closed, memory_order_acquire))
                sched_yield();
        switch (want % 3) {
        case 0:
            EXPECT(ct_chan_recv(c, &v), CT_OK);
            break;
        case 1:
            while ((rc = ct_chan_try_recv(c, &v)) == CT_WOULDBLOCK)
                sched_yield();
            EXPECT(rc, CT_OK);
            break;
        default:
            EXPECT(ct_chan_recv_timeout(c, &v, SPSC_TMO_NS), CT_OK);
            break;
        }
        if (v != want)
            ct_test_fail("spsc_ring cap %zu: got %u, expected %u", r->cap, v, want);
    }
    for (int i = 0; i < 2; i++) { /* CT_CLOSED, zero-filled, every time */
        v = 7;
        EXPECT(ct_chan_recv(c, &v), CT_CLOSED);
        CT_CHECK(v == 0);
    }
}

/* A side blocked in send (idx 0, cap 1 full) or recv (idx 1, empty) wakes
 * with CT_CLOSED when thread 2 closes the channels. */
typedef struct {
    ct_chan *full, *empty;
    atomic_uint about_to_block;
} spsc_wake;

static void spsc_wake_thread(unsigned idx, void *arg)
{
    spsc_wake *w = arg;
    uint32_t v = 1;

    if (idx == 2) { /* the closer */
        /* acquire: pairs with the increments below */
        while (atomic_load_explicit(&w->about_to_block, memory_order_acquire) < 2)
            sched_yield();
        settle();
        EXPECT(ct_chan_close(w->full), CT_OK);
        EXPECT(ct_chan_close(w->empty), CT_OK);
        return;
    }
    /* release: pairs with the closer's acquire load */
    atomic_fetch_add_explicit(&w->about_to_block, 1, memory_order_release);
    if (idx == 0)
        EXPECT(ct_chan_send(w->full, &v), CT_CLOSED);
    else
        EXPECT(ct_chan_recv(w->empty, &v), CT_CLOSED);
}

/* Sleeping waiters: each side lets the other block (settle) before it
 * answers, so the waits outlast the spin and the yields and go to sleep on
 * the futex; a lost wake-up hangs and the watchdog fails the case. idx 0
 * sends i on `a` and waits for i back on `b`; idx 1 echoes. On top, a full
 * `a` makes the sender sleep in send until the echo side receives. */
#define SPSC_SLEEP_ROUNDS 300

static void spsc_sleep_thread(unsigned idx, void *arg)
{
    ct_chan **ch = arg; /* a, b: cap 1 each */
    uint32_t v, w;

    for (uint32_t i = 0; i < SPSC_SLEEP_ROUNDS; i++) {
        if (idx == 0) {
            settle(); /* the echo side is asleep in recv by now, most rounds */
            EXPECT(ct_chan_send(ch[0], &i), CT_OK);
            v = i + 1000000;
            EXPECT(ct_chan_send(ch[0], &v), CT_OK); /* a is full: may sleep in send */
            EXPECT(ct_chan_recv(ch[1], &w), CT_OK);
            if (w != i)
                ct_test_fail("spsc_ring sleep: got %u back, sent %u", w, i);
        } else {
            EXPECT(ct_chan_recv(ch[0], &v), CT_OK);
            settle(); /* the sender is asleep in its second send by now */
            EXPECT(ct_chan_recv(ch[0], &w), CT_OK);
            if (v != i || w != i + 1000000)
                ct_test_fail("spsc_ring sleep: round %u got %u, %u", i, v, w);
            EXPECT(ct_chan_send(ch[1], &v), CT_OK);
        }
    }
}

static int t_spsc_ring(void *arg)
{
    int v = 1, out;
    ct_case cs[1];

    (void)arg;
    errno = 0;
    CT_CHECK(ct_chan_new("spsc_ring", 4, 0) == NULL && errno == EINVAL);
    ct_chan *c = mk("spsc_ring", sizeof(int), 2);
    EXPECT(ct_chan_try_recv(c, &out), CT_WOULDBLOCK);
    EXPECT_TIMED(ct_chan_recv_timeout(c, &out, TMO_NS), CT_TIMEOUT);
    EXPECT(ct_chan_try_send(c, &v), CT_OK);
    v = 2;
    EXPECT(ct_chan_send(c, &v), CT_OK);
    CT_CHECK(ct_chan_len(c) == 2);
    EXPECT(ct_chan_try_send(c, &v), CT_WOULDBLOCK);
    EXPECT_TIMED(ct_chan_send_timeout(c, &v, TMO_NS), CT_TIMEOUT);
    cs[0] = (ct_case){.chan = c, .dir = CT_RECV, .elem = &out};
    EXPECT(ct_chan_select(cs, 1, 0), -EINVAL); /* no select */
    EXPECT(ct_chan_close(c), CT_OK);
    EXPECT(ct_chan_close(c), CT_CLOSED);
    EXPECT(ct_chan_send(c, &v), CT_CLOSED);
    EXPECT(ct_chan_recv(c, &out), CT_OK);
    CT_CHECK(out == 1);
    EXPECT(ct_chan_recv(c, &out), CT_OK);
    CT_CHECK(out == 2);
    out = -1;
    EXPECT(ct_chan_recv(c, &out), CT_CLOSED);
    CT_CHECK(out == 0);
    ct_chan_free(c);
    static const size_t caps[] = {1, 2, 16};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        spsc_run r = {.c = mk("spsc_ring", sizeof(uint32_t), caps[i]), .cap = caps[i]};
        ct_test_run_threads(2, spsc_thread, &r);
        ct_chan_free(r.c);
    }
    ct_chan *pair[2] = {mk("spsc_ring", sizeof(uint32_t), 1), mk("spsc_ring", sizeof(uint32_t), 1)};
    ct_test_run_threads(2, spsc_sleep_thread, pair);
    ct_chan_free(pair[0]);
    ct_chan_free(pair[1]);
    spsc_wake w = {.full = mk("spsc_ring", sizeof(uint32_t), 1),
                   .empty = mk("spsc_ring", sizeof(uint32_t), 1)};
    EXPECT(ct_chan_send(w.full, &v), CT_OK);
    ct_test_run_threads(3, spsc_wake_thread, &w);
    EXPECT(ct_chan_recv(w.full, &out), CT_OK); /* the value sent before close drains */
    CT_CHECK(out == v);
    ct_chan_free(w.full);
    ct_chan_free(w.empty);
    return 0;
}

/* ---- the registry and ct_chan_new's errors --------------------------------------- */

CT_TEST_REGISTRY_ADAPTERS(chan)

static void *chan_new_one(const char *name)
{
    return ct_chan_new(name, sizeof(int), 1);
}

/* tests/test_examples.py finds a benchmark-only example by this word. */
static const char *chan_tag(size_t i)
{
    return ct_chan_is_general(ct_chan_impls()[i]) ? "general" : "bench";
}

static int t_registry(void *arg)
{
    const ct_chan_ops *const *impls = ct_chan_impls();
    size_t n;

    (void)arg;
    /* the list, caps, descs and find: ct_test_check_registry (and test_registry) */
    n = ct_test_check_registry(
        &(ct_test_registry){CT_TEST_REGISTRY_OF(chan), .create = chan_new_one, .tag = chan_tag});
    CT_CHECK(ct_chan_is_general(impls[0])); /* the default has the whole API */
    for (size_t i = 0; i < n; i++) {
        const ct_chan_ops *o = impls[i];

        CT_CHECK(o->create && o->destroy && o->send && o->recv && o->close && o->len);
        /* the general designs come first: a general one after a
         * benchmark-only one would be a list out of order */
        if (i && ct_chan_is_general(o) && !ct_chan_is_general(impls[i - 1]))
            ct_test_fail("general design %s listed after benchmark-only %s", o->desc.name,
                         impls[i - 1]->desc.name);
    }
    ct_chan *d = ct_chan_new(NULL, 4, 2); /* the default is the first */
    CT_CHECK(d != NULL && ct_chan_impl(d) == impls[0]);
    CT_CHECK(strcmp(ct_chan_impl_of(d), impls[0]->desc.name) == 0);
    ct_chan_free(d);
    const char *bad[] = {"no_such_design", "", "go_like ", "GO_LIKE"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errno = 0;
        CT_CHECK(ct_chan_new(bad[i], 4, 1) == NULL && errno == EINVAL);
    }
    for (size_t i = 0; i <= n; i++) { /* elem_size 0, every design and the default */
        errno = 0;
        CT_CHECK(ct_chan_new(impls[i] ? impls[i]->desc.name : NULL, 0, 1) == NULL &&
                 errno == EINVAL);
    }
    errno = 0;
    CT_CHECK(ct_chan_new(NULL, 8, SIZE_MAX / 4) == NULL && errno == EINVAL);
    ct_chan_free(NULL);
    return 0;
}

/* ---- the case table -------------------------------------------------------------- */

static const struct {
    const char *name;
    ct_test_fn fn;
    unsigned timeout_s;
} checks[] = {
    {"basic", t_basic, 10},
    {"unbuffered", t_unbuffered, 10},
    {"close_wakes", t_close_wakes, 10},
    {"select_basic", t_select_basic, 10},
    {"select_wake", t_select_wake, 10},
    {"select_random", t_select_random, 10},
    {"select_stress", t_select_stress, 30},
    {"fifo_chain", t_fifo_chain, 30},
    {"prime_sieve", t_prime_sieve, 30},
    {"mpmc_4x4", t_mpmc, 30},
    {"elem_sizes", t_elem_sizes, 20},
    {"deadlock_named", t_deadlock_named, 10},
    {"timeout_max", t_timeout_max, 10},
};
#define NCHECKS (sizeof checks / sizeof checks[0])

int main(int argc, char **argv)
{
    const ct_chan_ops *const *all = ct_chan_impls();
    size_t n = 0, k = 0;

    while (all[n])
        n++;
    /* the general designs, in the list's order (at most n) */
    const ct_chan_ops **impls = calloc(n + 1, sizeof *impls);
    ct_test_case *cases = calloc(n * NCHECKS + n + 2, sizeof *cases);
    char(*names)[64] = calloc(n * NCHECKS, sizeof *names);
    if (!impls || !cases || !names)
        return 2;
    n = 0;
    cases[k++] = (ct_test_case){.name = "registry", .fn = t_registry};
    cases[k++] = (ct_test_case){.name = "spsc_ring", .fn = t_spsc_ring};
    for (const ct_chan_ops *const *o = all; *o; o++) {
        if ((*o)->desc.unavailable)
            printf("skipping %s: %s\n", (*o)->desc.name, (*o)->desc.unavailable);
        else if (ct_test_broken((*o)->desc.caps)) /* fails or hangs at random here */
            cases[k++] = (ct_test_case){.name = (*o)->desc.name,
                                        .skip = "a broken competitor (CT_CAP_BROKEN): "
                                                "tests/test_broken.py requires the workloads "
                                                "to catch it"};
        else if (ct_chan_is_general(*o))
            impls[n++] = *o;
    }
    size_t first = k; /* the per-design cases' names start at names[0] */
    for (size_t c = 0; c < NCHECKS; c++)
        for (size_t i = 0; i < n; i++) {
            const char *impl = impls[i]->desc.name;
            if (snprintf(names[k - first], sizeof names[0], "%s/%s", checks[c].name, impl) >=
                (int)sizeof names[0]) {
                fprintf(stderr, "test_chan_conformance: case name %s/%s longer than %zu\n",
                        checks[c].name, impl, sizeof names[0] - 1);
                return 2;
            }
            cases[k] = (ct_test_case){.name = names[k - first],
                                      .fn = checks[c].fn,
                                      .arg = (void *)impl,
                                      .timeout_s = checks[c].timeout_s};
            k++;
        }
    int r = ct_test_main(argc, argv, cases, k);
    free(impls);
    free(cases);
    free(names);
    return r;
}
