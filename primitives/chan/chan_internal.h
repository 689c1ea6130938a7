/*
 * chan_internal.h: the channel family's private vtable (not installed).
 *
 * A design is one .c file defining a const ct__chan_ops and one line in
 * chan_registry.c. The public functions in chan.c validate arguments, turn
 * timeouts into deadlines, shuffle select's cases, and dispatch here.
 *
 * Deadlines passed to the ops: CT__NOWAIT (never block: try_*), CT__FOREVER,
 * or an absolute CLOCK_MONOTONIC time in ns (always > 0).
 */
#ifndef CT_CHAN_INTERNAL_H
#define CT_CHAN_INTERNAL_H

#include <stdbool.h>
#include <string.h>

#include "chan.h"
#include "ct_waitreg.h"

#define CT__NOWAIT ((int64_t)0)
#define CT__FOREVER ((int64_t)-1)

typedef struct ct__chan_ops ct__chan_ops;

/* Every design's channel starts with this header (set by chan.c after create). */
struct ct_chan {
    const ct__chan_ops *ops;
    size_t elem_size;
    size_t cap;
};

struct ct__chan_ops {
    const char *name;
    const char *summary;
    unsigned caps;  /* CT_CAP_*: MPMC, BLOCKING/SPINNING/LOCKFREE... */
    bool general;   /* listed by ct_chan_impls(): MPMC and the whole API */
    /* Allocate a channel (header zeroed; chan.c fills it in): NULL + errno. */
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

const ct__chan_ops *ct__chan_find(const char *name);

/* Registered designs (chan_registry.c lists them in this order). */
extern const ct__chan_ops ct__chan_mutex_cond;
/* The ops table of a general design whose functions are named <prefix>_send,
 * <prefix>_recv, ...: designs that differ only in their waiting knobs (and so
 * in create) share one set of functions and get one table each from this. */
#define CT__CHAN_GENERAL_OPS(ident, prefix, name_str, summary_str, caps_v, create_fn)      \
    const ct__chan_ops ident = {                                                        \
        .name = name_str,                                                               \
        .summary = summary_str,                                                         \
        .caps = caps_v,                                                                 \
        .general = true,                                                                \
        .create = create_fn,                                                            \
        .destroy = prefix##_destroy,                                                    \
        .send = prefix##_send,                                                          \
        .recv = prefix##_recv,                                                          \
        .close = prefix##_close,                                                        \
        .len = prefix##_len,                                                            \
        .select = prefix##_select,                                                      \
    }

extern const ct__chan_ops ct__chan_go_like;
extern const ct__chan_ops ct__chan_go_spin;  /* in chan_go_like.c: one knob apart */
extern const ct__chan_ops ct__chan_go_yield; /* in chan_go_like.c: two knobs apart */
extern const ct__chan_ops ct__chan_ring_futex;
extern const ct__chan_ops ct__chan_spin_park; /* in chan_ring_futex.c: one knob apart */
extern const ct__chan_ops ct__chan_ring_yield; /* in chan_ring_futex.c: two knobs apart */
extern const ct__chan_ops ct__chan_spsc_ring;

/* The distinct channels of cases[order[0..m-1]] in ascending address order
 * (the lock order every select uses, as Go's does); returns their number. */
size_t ct__chan_lock_order(const ct_case *cases, const uint32_t *order, size_t m,
                           ct_chan **out);

/* Whether cases[order[0..m-1]] send on / receive from ch (a watcher's
 * directions on one of the select's channels). */
void ct__chan_case_dirs(const ct_case *cases, const uint32_t *order, size_t m, const ct_chan *ch,
                        bool *has_send, bool *has_recv);

/* Has the deadline passed? (CT__FOREVER never; CT__NOWAIT always.) */
bool ct__deadline_passed(int64_t deadline);

/* Announce a wait that only another thread can end (ct_waitreg.h: the leak
 * checker names it, the deadlock detector counts it). A wait with a deadline
 * is not announced: its timer will end it, as a Go timer keeps the runtime
 * from declaring a deadlock. op: "chan send", "chan recv", "chan select". */
static inline void ct__wait_begin(const char *op, const void *obj, int64_t deadline)
{
    if (deadline == CT__FOREVER)
        ct_wait_enter(op, obj);
}

static inline void ct__wait_end(int64_t deadline)
{
    if (deadline == CT__FOREVER)
        ct_wait_exit();
}

static inline void ct__zero(void *out, size_t n)
{
    memset(out, 0, n);
}

#endif /* CT_CHAN_INTERNAL_H */
