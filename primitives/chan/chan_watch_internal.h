/*
 * chan_watch_internal.h: the select watchers that mutex_cond and ring_futex
 * share (not installed; the code is chan_watch.c and the inlines below).
 *
 * Neither design has waiter queues to put a select on, so a select that
 * finds no case ready registers a watcher on each of its channels: a node
 * in the channel's watcher list naming the select's parker and the
 * directions it waits for there. A state change that may let a direction
 * proceed unparks the watchers of that direction. What guards a channel's
 * list and how its wakers unpark (under the channel's mutex; fired under a
 * spin lock, woken after it) stays in each design's file, and so does the
 * select loop; the watcher, its list, a select's set of watchers and the
 * round of non-blocking tries are written once, here.
 */
#ifndef CT_CHAN_WATCH_INTERNAL_H
#define CT_CHAN_WATCH_INTERNAL_H

#include "chan_internal.h"
#include "ct_futex.h" /* ct_parker */

/* One select waiting on one channel. */
typedef struct ct__chan_watch {
    struct ct__chan_watch *prev, *next; /* the channel's list, guarded by the design */
    ct_parker *park;                    /* the select's parker */
    bool has_send, has_recv;            /* the select's cases on this channel */
    bool recv0; /* a receive case on a cap-0 chan: counted as a receiver while registered */
} ct__chan_watch;

/* Selects up to this many cases keep their watchers on the stack. */
#define CT__CHAN_WATCH_SMALL 16

/* A select's watchers: one per distinct channel, in lock order (chans[j] is
 * watched by ws[j]), all naming `park`. Lives on the select's stack: the
 * watchers point into it, so it must not move once set up. */
typedef struct ct__chan_watchset {
    ct_chan **chans;
    ct__chan_watch *ws;
    size_t k; /* distinct channels */
    ct_parker park;
    ct_chan *small_chans[CT__CHAN_WATCH_SMALL];
    ct__chan_watch small_ws[CT__CHAN_WATCH_SMALL];
} ct__chan_watchset;

/* Set up s for cases[order[0..m-1]] (every chan non-NULL): the distinct
 * channels in lock order and, for each, the select's directions there.
 * 0, or -ENOMEM (then nothing to release). */
int ct__chan_watchset_init(ct__chan_watchset *s, const ct_case *cases, const uint32_t *order,
                           size_t m);
void ct__chan_watchset_fini(ct__chan_watchset *s);

/* Push w on a channel's list (its guard held). */
static inline void ct__chan_watch_link(ct__chan_watch **list, ct__chan_watch *w)
{
    w->prev = NULL;
    w->next = *list;
    if (*list)
        (*list)->prev = w;
    *list = w;
}

/* Take w off a channel's list (its guard held). */
static inline void ct__chan_watch_unlink(ct__chan_watch **list, ct__chan_watch *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        *list = w->next;
    if (w->next)
        w->next->prev = w->prev;
}

/* Does w wait for one of `dirs` (CT_SEND, CT_RECV or both)? Waking only
 * those matters: selects receiving on one channel would otherwise wake each
 * other forever as they re-register. */
static inline bool ct__chan_watch_wants(const ct__chan_watch *w, int dirs)
{
    return ((dirs & CT_SEND) && w->has_send) || ((dirs & CT_RECV) && w->has_recv);
}

/* Try the cases whose dir is in dirs, without blocking, in the given order:
 * the index of the first that completes (status set), or CT_WOULDBLOCK.
 * try_one performs one case without blocking (a design's send or recv with
 * CT__NOWAIT). Each design wraps this in its own static try_cases, so
 * try_one is a direct call there. */
static inline int ct__chan_try_cases(ct_case *cases, const uint32_t *order, size_t m, int dirs,
                                     int (*try_one)(ct_case *cs))
{
    for (size_t i = 0; i < m; i++) {
        ct_case *cs = &cases[order[i]];
        if (!(cs->dir & dirs))
            continue;
        int st = try_one(cs);
        if (st != CT_WOULDBLOCK) {
            cs->status = st;
            return (int)order[i];
        }
    }
    return CT_WOULDBLOCK;
}

#endif /* CT_CHAN_WATCH_INTERNAL_H */
