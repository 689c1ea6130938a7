/*
 * chan_broken.c: channels that break their contract on purpose, the test
 * build's proof that the channel verifiers catch each fault
 * (tests/test_broken.py runs every channel workload on each and expects
 * each run to fail, naming the fault):
 *
 *   broken_drop     one received value in BROKEN_EVERY is thrown away (the
 *                   receive takes the next one instead)
 *   broken_dup      one received value in BROKEN_EVERY comes out twice (the
 *                   channel's next receive, by anyone, returns a copy)
 *   broken_reorder  one received value in BROKEN_EVERY is held back by its
 *                   receiver and returned after HOLD_FOR more of that
 *                   receiver's receives (a receive that finds nothing
 *                   else, not ready or timed out, says so and keeps it
 *                   held), or once its channel is closed and drained, so
 *                   later values of the same sender overtake it
 *   broken_closed   one send in BROKEN_EVERY returns CT_CLOSED on an open
 *                   channel, sending nothing
 *
 * Each is a thin wrapper over `go_like` (the inner channel does the work,
 * with its blocking, its select and its coroutine parking), and declares
 * what go_like declares, CT_CAP_EXACT included (the contract it breaks),
 * plus CT_CAP_BROKEN. The faults are on the receiving side but for
 * broken_closed, which is on the sending side, so that every workload's
 * senders and receivers meet one. Counted per channel from its first
 * operation, which is struck, so even a run of one value meets the fault.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "chan_internal.h"
#include "ct_sched_hooks.h" /* ct__co_current: a receiver's identity on a coroutine */

#define BROKEN_EVERY 16 /* one receive (send, for broken_closed) in this many is broken */
#define HOLD_FOR 16     /* broken_reorder: receives that overtake a held value */
#define MAX_HOLDERS 16  /* broken_reorder: receivers holding a value at once */

enum fault { F_DROP, F_DUP, F_REORDER, F_CLOSED };

typedef struct bc_hold {
    uintptr_t who; /* the receiver (thread or coroutine); 0: free */
    unsigned left; /* its receives before the held value comes out */
} bc_hold;

typedef struct bc_chan {
    ct_chan hdr; /* first: chan.c fills it in */
    ct_chan *inner;
    enum fault fault;
    _Atomic uint64_t ops; /* receives (sends, for broken_closed) so far */
    pthread_mutex_t mu;   /* guards what follows */
    bool has_dup;
    bc_hold hold[MAX_HOLDERS];
    unsigned char *dup;  /* elem_size bytes: the copy the next receive returns */
    unsigned char *held; /* MAX_HOLDERS * elem_size bytes: hold[i]'s value */
} bc_chan;

static inline bc_chan *bc(ct_chan *c)
{
    return (bc_chan *)(void *)c;
}

/* The caller's identity: its coroutine if it runs on one (a coroutine can
 * move between threads), else its thread. */
static uintptr_t who_am_i(void)
{
    return ct__co_current ? (uintptr_t)ct__co_current : (uintptr_t)pthread_self();
}

/* Is this receive (send) the one in BROKEN_EVERY that breaks? */
static bool strikes(bc_chan *b)
{
    /* relaxed: only picks which operation breaks; orders nothing */
    return atomic_fetch_add_explicit(&b->ops, 1, memory_order_relaxed) % BROKEN_EVERY == 0;
}

static ct_chan *bc_create(size_t elem_size, size_t cap, enum fault fault)
{
    bc_chan *b = ct_alloc_aligned(sizeof *b);

    if (!b)
        return NULL;
    b->fault = fault;
    atomic_init(&b->ops, 0); /* not atomic: published by the caller */
    b->dup = malloc(elem_size);
    b->held = malloc(MAX_HOLDERS * elem_size);
    b->inner = ct_chan_new("go_like", elem_size, cap);
    if (!b->dup || !b->held || !b->inner || pthread_mutex_init(&b->mu, NULL) != 0) {
        ct_chan_free(b->inner);
        free(b->dup);
        free(b->held);
        ct_free_aligned(b);
        errno = ENOMEM;
        return NULL;
    }
    return &b->hdr;
}

static void bc_destroy(ct_chan *c)
{
    bc_chan *b = bc(c);

    ct_chan_free(b->inner);
    pthread_mutex_destroy(&b->mu);
    free(b->dup);
    free(b->held);
    ct_free_aligned(b);
}

/* broken_dup: the pending copy, if any, into out. */
static bool dup_out(bc_chan *b, void *out)
{
    bool had;

    pthread_mutex_lock(&b->mu);
    if ((had = b->has_dup)) {
        memcpy(out, b->dup, b->hdr.elem_size);
        b->has_dup = false;
    }
    pthread_mutex_unlock(&b->mu);
    return had;
}

static void dup_in(bc_chan *b, const void *v)
{
    pthread_mutex_lock(&b->mu);
    if (!b->has_dup) {
        memcpy(b->dup, v, b->hdr.elem_size);
        b->has_dup = true;
    }
    pthread_mutex_unlock(&b->mu);
}

/* broken_reorder: who's held value into out, once HOLD_FOR of its receives
 * have overtaken it (each call counts one), or at once when force. */
static bool held_out(bc_chan *b, uintptr_t who, void *out, bool force)
{
    bool out_now = false;

    pthread_mutex_lock(&b->mu);
    for (size_t i = 0; i < MAX_HOLDERS; i++) {
        if (b->hold[i].who != who)
            continue;
        if (force || b->hold[i].left-- == 0) {
            memcpy(out, b->held + i * b->hdr.elem_size, b->hdr.elem_size);
            b->hold[i].who = 0;
            out_now = true;
        }
        break;
    }
    pthread_mutex_unlock(&b->mu);
    return out_now;
}

/* Hold v back for who (which holds nothing now); false if no room. */
static bool held_in(bc_chan *b, uintptr_t who, const void *v)
{
    bool ok = false;

    pthread_mutex_lock(&b->mu);
    for (size_t i = 0; i < MAX_HOLDERS && !ok; i++) {
        if (b->hold[i].who)
            continue;
        b->hold[i] = (bc_hold){.who = who, .left = HOLD_FOR};
        memcpy(b->held + i * b->hdr.elem_size, v, b->hdr.elem_size);
        ok = true;
    }
    pthread_mutex_unlock(&b->mu);
    return ok;
}

static int bc_send(ct_chan *c, const void *elem, int64_t deadline, enum fault fault)
{
    bc_chan *b = bc(c);

    if (fault == F_CLOSED && strikes(b))
        return CT_CLOSED; /* spurious: the channel is open, nothing was sent */
    return b->inner->ops->send(b->inner, elem, deadline);
}

static int bc_recv(ct_chan *c, void *out, int64_t deadline, enum fault fault)
{
    bc_chan *b = bc(c);
    const uintptr_t who = fault == F_REORDER ? who_am_i() : 0;
    int rc;

    if (fault == F_DUP && dup_out(b, out))
        return CT_OK;
    if (fault == F_REORDER && held_out(b, who, out, false))
        return CT_OK;
    for (;;) {
        rc = b->inner->ops->recv(b->inner, out, deadline);
        if (rc != CT_OK) /* closed and drained: the held value is the last */
            return rc == CT_CLOSED && fault == F_REORDER && held_out(b, who, out, true) ? CT_OK
                                                                                        : rc;
        if (fault == F_CLOSED || !strikes(b))
            return CT_OK;
        if (fault == F_DUP) {
            dup_in(b, out);
            return CT_OK;
        }
        if (fault == F_REORDER && !held_in(b, who, out))
            return CT_OK;
        /* drop: this value is lost; reorder: it is held; take the next */
    }
}

static int bc_close(ct_chan *c)
{
    return ct_chan_close(bc(c)->inner);
}

static size_t bc_len(ct_chan *c)
{
    return ct_chan_len(bc(c)->inner);
}

/* A case, or a pending value, that select returns without the inner one. */
static int bc_case_done(ct_case *cs, int i, int status)
{
    cs[i].status = status;
    return i;
}

static int bc_select(ct_case *cases, const uint32_t *order, size_t m, int64_t deadline,
                     enum fault fault)
{
    ct_case small[16], *in = small;
    const uintptr_t who = fault == F_REORDER ? who_am_i() : 0;
    size_t n = 0;
    int r;

    for (size_t i = 0; i < m; i++) {
        const uint32_t k = order[i];
        bc_chan *b = bc(cases[k].chan);

        if (k >= n)
            n = k + 1;
        if (cases[k].dir == CT_SEND) {
            if (fault == F_CLOSED && strikes(b))
                return bc_case_done(cases, (int)k, CT_CLOSED);
        } else if ((fault == F_DUP && dup_out(b, cases[k].elem)) ||
                   (fault == F_REORDER && held_out(b, who, cases[k].elem, false))) {
            return bc_case_done(cases, (int)k, CT_OK);
        }
    }
    if (n > sizeof small / sizeof small[0] && !(in = malloc(n * sizeof *in)))
        return -ENOMEM;
    for (size_t i = 0; i < m; i++) {
        const uint32_t k = order[i];

        in[k] = cases[k];
        in[k].chan = bc(cases[k].chan)->inner;
    }
    for (;;) {
        r = in[order[0]].chan->ops->select(in, order, m, deadline);
        /* a closed and drained channel: its held value is its last */
        if (fault == F_REORDER && r >= 0 && cases[r].dir == CT_RECV && in[r].status == CT_CLOSED &&
            held_out(bc(cases[r].chan), who, cases[r].elem, true)) {
            r = bc_case_done(cases, r, CT_OK);
            goto out;
        }
        if (r < 0)
            goto out;
        cases[r].status = in[r].status;
        if (cases[r].dir != CT_RECV || in[r].status != CT_OK || fault == F_CLOSED ||
            !strikes(bc(cases[r].chan)))
            goto out;
        if (fault == F_DUP) {
            dup_in(bc(cases[r].chan), cases[r].elem);
            goto out;
        }
        if (fault == F_REORDER && !held_in(bc(cases[r].chan), who, cases[r].elem))
            goto out;
        /* drop: lost; reorder: held; select again */
    }
out:
    if (in != small)
        free(in);
    return r;
}

/* One ops table per fault, each with functions of its own: the rt:go
 * variants go to designs whose send differs (ct__chan_runs_on_coroutines). */
#define BC_DESIGN(ident, prefix, fault_, name_str, summary_str)                                    \
    static ct_chan *prefix##_create(size_t elem_size, size_t cap)                                  \
    {                                                                                              \
        return bc_create(elem_size, cap, fault_);                                                  \
    }                                                                                              \
    static int prefix##_send(ct_chan *c, const void *elem, int64_t deadline)                       \
    {                                                                                              \
        return bc_send(c, elem, deadline, fault_);                                                 \
    }                                                                                              \
    static int prefix##_recv(ct_chan *c, void *out, int64_t deadline)                              \
    {                                                                                              \
        return bc_recv(c, out, deadline, fault_);                                                  \
    }                                                                                              \
    static int prefix##_select(ct_case *cases, const uint32_t *order, size_t m, int64_t deadline)  \
    {                                                                                              \
        return bc_select(cases, order, m, deadline, fault_);                                       \
    }                                                                                              \
    const ct_chan_ops ident = {                                                                    \
        .desc = {.name = name_str,                                                                 \
                 .summary = summary_str,                                                           \
                 .caps = CT_CAP_EXACT | CT_CAP_MPMC | CT_CAP_BLOCKING | CT_CAP_COROUTINE |         \
                         CT_CAP_BROKEN},                                                           \
        .create = prefix##_create,                                                                 \
        .destroy = bc_destroy,                                                                     \
        .send = prefix##_send,                                                                     \
        .recv = prefix##_recv,                                                                     \
        .close = bc_close,                                                                         \
        .len = bc_len,                                                                             \
        .select = prefix##_select,                                                                 \
    }

BC_DESIGN(ct_chan_broken_drop, drop, F_DROP, "broken_drop",
          "test build only: go_like, but one received value in 16 is lost");
BC_DESIGN(ct_chan_broken_dup, dup, F_DUP, "broken_dup",
          "test build only: go_like, but one received value in 16 comes out twice");
BC_DESIGN(ct_chan_broken_reorder, reorder, F_REORDER, "broken_reorder",
          "test build only: go_like, but one received value in 16 is overtaken by later ones");
BC_DESIGN(ct_chan_broken_closed, closed, F_CLOSED, "broken_closed",
          "test build only: go_like, but one send in 16 returns CT_CLOSED on an open channel");
