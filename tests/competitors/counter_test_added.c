/*
 * counter_test_added.c: a competitor that exists only in the test build
 * (CT_TEST_COMPETITORS), added as a user adds one: this file plus one line
 * in counter_list.h. tests/test_registry.py checks that it then appears in
 * the registry, the validate driver and every counter workload of the test
 * bench binary, with no other edit.
 *
 * The design itself is a plain fetch_add on a word of its own line: correct,
 * so every verifier must pass it.
 */
#include <stdatomic.h>

#include "counter.h"

struct ct__counter_test_added {
    ct_counter base; /* first: the header ct_counter_new fills in */
    CT_CACHE_ALIGNED _Atomic uint64_t value;
};

static ct_counter *added_create(unsigned max_threads)
{
    struct ct__counter_test_added *a = ct_alloc_aligned(sizeof *a);

    (void)max_threads;
    if (a)
        atomic_init(&a->value, 0); /* not atomic: published by the caller */
    return a ? &a->base : NULL;
}

static void added_destroy(ct_counter *c)
{
    ct_free_aligned(c);
}

static void added_add(ct_counter *c, unsigned tid, uint64_t delta)
{
    (void)tid;
    /* relaxed: the count publishes nothing; exactness needs atomicity only,
     * and the adders are joined before the final read */
    atomic_fetch_add_explicit(&((struct ct__counter_test_added *)(void *)c)->value, delta,
                              memory_order_relaxed);
}

static uint64_t added_read(ct_counter *c, unsigned tid)
{
    (void)tid;
    /* relaxed: read-read coherence keeps it monotonic; pairs with nothing */
    return atomic_load_explicit(&((struct ct__counter_test_added *)(void *)c)->value,
                                memory_order_relaxed);
}

const ct_counter_ops ct_counter_test_added = {
    .desc = {.name = "test_added",
             .summary = "test build only: a competitor added with one file and one line",
             .caps = CT_CAP_EXACT | CT_CAP_LOCKFREE},
    .create = added_create,
    .destroy = added_destroy,
    .add = added_add,
    .read = added_read,
};
