/*
 * waitgroup_go.c: `go`, the coroutine runtime's WaitGroup (primitives/go,
 * go_wg.c: a Go-style state word of count and waiters, waiters parked
 * through the parker), wrapped: the family's API over ct_wg_*.
 */
#include <errno.h>

#include "go.h"
#include "waitgroup.h"

struct ct__waitgroup_go {
    ct_waitgroup base; /* first: the header ct_waitgroup_new fills in */
    ct_wg *wg;
};

static inline ct_wg *wg_of(ct_waitgroup *w)
{
    return ((struct ct__waitgroup_go *)(void *)w)->wg;
}

static ct_waitgroup *go_create(unsigned tasks)
{
    struct ct__waitgroup_go *g = ct_alloc_aligned(sizeof *g);

    (void)tasks;
    if (!g)
        return NULL;
    if (!(g->wg = ct_wg_new())) {
        ct_free_aligned(g);
        errno = ENOMEM;
        return NULL;
    }
    return (ct_waitgroup *)(void *)g;
}

static void go_destroy(ct_waitgroup *w)
{
    ct_wg_free(wg_of(w));
    ct_free_aligned(w);
}

static void go_add(ct_waitgroup *w, int64_t delta)
{
    ct_wg_add(wg_of(w), delta);
}

static void go_done(ct_waitgroup *w)
{
    ct_wg_done(wg_of(w));
}

static void go_wait(ct_waitgroup *w)
{
    ct_wg_wait(wg_of(w));
}

const ct_waitgroup_ops ct_waitgroup_go = {
    .desc = {.name = "go",
             .summary = "the coroutine runtime's ct_wg: Go's state word (count, waiters), waiters "
                        "queued and parked (parks coroutines)",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_COROUTINE},
    .create = go_create,
    .destroy = go_destroy,
    .add = go_add,
    .done = go_done,
    .wait = go_wait,
};
