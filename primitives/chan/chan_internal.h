/*
 * chan_internal.h: what every channel design shares (not installed): the
 * channel header, the deadline encoding, and small helpers.
 *
 * A design is one .c file defining a const ct_chan_ops (chan.h) and one line
 * in chan_list.h. The public functions in chan.c validate arguments, turn
 * timeouts into deadlines, shuffle select's cases, and dispatch to the ops.
 *
 * The channel header and the deadline encoding are in chan_impl.h (installed:
 * a design outside the tree needs them too).
 */
#ifndef CT_CHAN_INTERNAL_H
#define CT_CHAN_INTERNAL_H

#include <stdbool.h>
#include <string.h>

#include "chan.h"
#include "chan_impl.h"
#include "ct_waitreg.h"

/* The ops table of a general design whose functions are named <prefix>_send,
 * <prefix>_recv, ...: designs that differ only in their waiting knobs (and so
 * in create) share one set of functions and get one table each from this. */
#define CT__CHAN_GENERAL_OPS(ident, prefix, name_str, summary_str, caps_v, create_fn)              \
    const ct_chan_ops ident = {                                                                    \
        .desc = {.name = name_str, .summary = summary_str, .caps = caps_v},                        \
        .create = create_fn,                                                                       \
        .destroy = prefix##_destroy,                                                               \
        .send = prefix##_send,                                                                     \
        .recv = prefix##_recv,                                                                     \
        .close = prefix##_close,                                                                   \
        .len = prefix##_len,                                                                       \
        .select = prefix##_select,                                                                 \
    }

/* The distinct channels of cases[order[0..m-1]] in ascending address order
 * (the lock order every select uses, as Go's does); returns their number. */
size_t ct__chan_lock_order(const ct_case *cases, const uint32_t *order, size_t m, ct_chan **out);

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
