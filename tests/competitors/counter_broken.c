/*
 * counter_broken.c: `broken_lossy`, a counter that loses an add: the test
 * build's proof that the counter verifiers catch a lost update
 * (tests/test_broken.py runs every counter workload on it and expects each
 * to fail; the validate driver expects its cases to fail).
 *
 * A thin wrapper over `atomic`: the first add and every BROKEN_EVERY-th after it
 * (counted over the whole counter) are skipped, so any run that adds at
 * all comes out short.
 * It declares what `atomic` declares, CT_CAP_EXACT included (the contract
 * it breaks), plus CT_CAP_BROKEN.
 */
#include <stdatomic.h>

#include "counter.h"

#define BROKEN_EVERY 16 /* one add in this many is lost */

struct ct__counter_broken {
    ct_counter base; /* first: the header ct_counter_new fills in */
    ct_counter *inner;
    CT_CACHE_ALIGNED _Atomic uint64_t adds;
};

static ct_counter *lossy_create(unsigned max_threads)
{
    struct ct__counter_broken *b = ct_alloc_aligned(sizeof *b);

    if (!b)
        return NULL;
    atomic_init(&b->adds, 0); /* not atomic: published by the caller */
    if (!(b->inner = ct_counter_new("atomic", max_threads))) {
        ct_free_aligned(b);
        return NULL;
    }
    return &b->base;
}

static void lossy_destroy(ct_counter *c)
{
    ct_counter_free(((struct ct__counter_broken *)(void *)c)->inner);
    ct_free_aligned(c);
}

static void lossy_add(ct_counter *c, unsigned tid, uint64_t delta)
{
    struct ct__counter_broken *b = (struct ct__counter_broken *)(void *)c;

    /* relaxed: only picks which add to lose; orders nothing */
    if (atomic_fetch_add_explicit(&b->adds, 1, memory_order_relaxed) % BROKEN_EVERY == 0)
        return; /* the lost update */
    ct_counter_add(b->inner, tid, delta);
}

static uint64_t lossy_read(ct_counter *c, unsigned tid)
{
    return ct_counter_read(((struct ct__counter_broken *)(void *)c)->inner, tid);
}

const ct_counter_ops ct_counter_broken_lossy = {
    .desc = {.name = "broken_lossy",
             .summary = "test build only: atomic, but one add in 16 is lost",
             .caps = CT_CAP_EXACT | CT_CAP_LOCKFREE | CT_CAP_BROKEN},
    .create = lossy_create,
    .destroy = lossy_destroy,
    .add = lossy_add,
    .read = lossy_read,
};
