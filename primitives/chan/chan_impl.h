/*
 * chan_impl.h: what a channel design needs beyond chan.h, and no more (so it
 * is installed: a design outside the tree includes <contend/chan_impl.h>):
 * the header every channel starts with, and how the ops get their deadlines.
 *
 * Deadlines passed to the ops: CT__NOWAIT (never block: try_*), CT__FOREVER,
 * or an absolute CLOCK_MONOTONIC time in ns (always > 0).
 */
#ifndef CT_CHAN_IMPL_H
#define CT_CHAN_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "chan.h"

#define CT__NOWAIT ((int64_t)0)
#define CT__FOREVER ((int64_t)-1)

/* Every design's channel starts with this header (set by chan.c after
 * create: a design's create leaves it to ct_chan_new). */
struct ct_chan {
    const ct_chan_ops *ops;
    size_t elem_size;
    size_t cap;
};

#endif /* CT_CHAN_IMPL_H */
