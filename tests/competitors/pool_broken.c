/*
 * pool_broken.c: pools that break "a task is run exactly once" on purpose,
 * the test build's proof that the pool verifiers catch it
 * (tests/test_broken.py runs every pool workload on each and expects each
 * run to fail; the validate driver expects its cases to fail):
 *
 *   broken_twice   one task in BROKEN_EVERY runs twice (the first included)
 *   broken_never   one task in BROKEN_EVERY never runs (the first included) (the pool counts it
 *                  as done all the same)
 *
 * Thin wrappers over `fixed` (the queue engine of pool_queue.c, the same
 * vt but for try_submit, which swaps the struck task for one that runs it
 * twice or not at all before queueing it). They declare what fixed
 * declares, CT_CAP_EXACT included (the contract they break), plus
 * CT_CAP_BROKEN.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "pool_internal.h"

#define BROKEN_EVERY 16 /* one task in this many is run twice, or never */

/* Tasks submitted to the design's pool, from its start: the first and every
 * BROKEN_EVERY-th after it are struck, so a run of one task meets the fault.
 * The vt has no room of its own, so the count is the design's; its start
 * resets it (runs make one pool at a time; pools made at once share it). */
static _Atomic uint64_t submits_twice, submits_never;

static bool strikes(_Atomic uint64_t *n)
{
    /* relaxed: only picks which task breaks; orders nothing */
    return atomic_fetch_add_explicit(n, 1, memory_order_relaxed) % BROKEN_EVERY == 0;
}

static int run_twice(void *arg)
{
    ct_pool_task *t = arg;
    int rc = t->fn(t->arg);
    int rc2 = t->fn(t->arg);

    free(t);
    return rc ? rc : rc2;
}

static int run_never(void *arg)
{
    (void)arg;
    return 0;
}

static int twice_try_submit(ct_pool *p, ct_pool_task t)
{
    ct_pool_task *copy;
    int rc;

    if (!strikes(&submits_twice))
        return ct__pool_queue_vt.try_submit(p, t);
    if (!(copy = malloc(sizeof *copy)))
        return -ENOMEM;
    *copy = t;
    rc = ct__pool_queue_vt.try_submit(p, (ct_pool_task){run_twice, copy});
    if (rc != 0)
        free(copy); /* not queued: the submitter tries again, maybe struck again */
    return rc;
}

static int never_try_submit(ct_pool *p, ct_pool_task t)
{
    if (strikes(&submits_never))
        t = (ct_pool_task){run_never, NULL};
    return ct__pool_queue_vt.try_submit(p, t);
}

static int twice_start(ct_pool *p)
{
    /* relaxed: a new pool's count; its submits happen-after its start */
    atomic_store_explicit(&submits_twice, 0, memory_order_relaxed);
    return ct__pool_queue_vt.start(p);
}
static int never_start(ct_pool *p)
{
    /* relaxed: as twice_start */
    atomic_store_explicit(&submits_never, 0, memory_order_relaxed);
    return ct__pool_queue_vt.start(p);
}
static void bp_close(ct_pool *p, bool abort)
{
    ct__pool_queue_vt.close(p, abort);
}
static void bp_join(ct_pool *p)
{
    ct__pool_queue_vt.join(p);
}
static void bp_destroy(ct_pool *p)
{
    ct__pool_queue_vt.destroy(p);
}

static const ct_pool_vt twice_vt = {
    .start = twice_start,
    .try_submit = twice_try_submit,
    .close = bp_close,
    .join = bp_join,
    .destroy = bp_destroy,
};

static const ct_pool_vt never_vt = {
    .start = never_start,
    .try_submit = never_try_submit,
    .close = bp_close,
    .join = bp_join,
    .destroy = bp_destroy,
};

#define BROKEN_POOL_CAPS                                                                           \
    (CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC | CT_POOL_CAP_BOUNDED | CT_CAP_BROKEN)

const ct_pool_ops ct_pool_broken_twice = {
    .desc = {.name = "broken_twice",
             .summary = "test build only: fixed, but one task in 16 runs twice",
             .caps = BROKEN_POOL_CAPS},
    .vt = &twice_vt,
};

const ct_pool_ops ct_pool_broken_never = {
    .desc = {.name = "broken_never",
             .summary = "test build only: fixed, but one task in 16 never runs",
             .caps = BROKEN_POOL_CAPS},
    .vt = &never_vt,
};
