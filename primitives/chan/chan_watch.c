/*
 * chan_watch.c: setting up a select's watchers, shared by mutex_cond and
 * ring_futex (see chan_watch_internal.h): one watcher per distinct channel
 * of the select, in lock order, with the select's directions on it.
 */
#include <errno.h>
#include <stdlib.h>

#include "chan_watch_internal.h"

/* Whether cases[order[0..m-1]] send on / receive from ch. */
static void case_dirs(const ct_case *cases, const uint32_t *order, size_t m, const ct_chan *ch,
                      bool *has_send, bool *has_recv)
{
    *has_send = *has_recv = false;
    for (size_t i = 0; i < m; i++) {
        const ct_case *c = &cases[order[i]];

        if (c->chan != ch)
            continue;
        if (c->dir == CT_SEND)
            *has_send = true;
        else
            *has_recv = true;
    }
}

int ct__chan_watchset_init(ct__chan_watchset *s, const ct_case *cases, const uint32_t *order,
                           size_t m)
{
    s->chans = s->small_chans;
    s->ws = s->small_ws;
    if (m > CT__CHAN_WATCH_SMALL) {
        s->chans = malloc(m * sizeof *s->chans);
        s->ws = malloc(m * sizeof *s->ws);
        if (!s->chans || !s->ws) {
            free(s->chans);
            free(s->ws);
            return -ENOMEM;
        }
    }
    s->k = ct__chan_lock_order(cases, order, m, s->chans);
    for (size_t j = 0; j < s->k; j++) {
        ct__chan_watch *w = &s->ws[j];

        *w = (ct__chan_watch){.park = &s->park};
        case_dirs(cases, order, m, s->chans[j], &w->has_send, &w->has_recv);
        w->recv0 = w->has_recv && s->chans[j]->cap == 0;
    }
    return 0;
}

void ct__chan_watchset_fini(ct__chan_watchset *s)
{
    if (s->chans != s->small_chans) {
        free(s->chans);
        free(s->ws);
    }
}
