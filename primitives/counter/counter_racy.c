/*
 * counter_racy.c: `racy`, a plain ++ with no synchronization at all.
 *
 * THIS IS THE PROJECT'S ONE DELIBERATE DATA RACE. It is the seeds' pitfall
 * ("counter++ from many threads"), kept so the benchmarks can show what the
 * lost updates buy and so the TSan run can prove the race is reported
 * (tests/test_counter_racy.c requires that it is). It declares CT_CAP_PITFALL
 * and not CT_CAP_EXACT, so validated runs skip it. Do not copy it.
 *
 * `volatile` only keeps the compiler from caching the value in a register
 * across calls and folding many adds into one: each add stays one load and one
 * store, which is the code people actually write. It gives no atomicity and
 * no ordering; two threads' load/add/store sequences interleave and one
 * thread's store overwrites the other's (a lost update). In C11 terms it is a
 * data race, i.e. undefined behaviour; that is exactly the point.
 */
#include "counter.h"

struct ct__counter_racy {
    ct_counter base; /* first: the header ct_counter_new fills in */
    CT_CACHE_ALIGNED volatile uint64_t value;
};

static inline struct ct__counter_racy *racy_of(ct_counter *c)
{
    return (struct ct__counter_racy *)(void *)c;
}

static ct_counter *racy_create(unsigned max_threads)
{
    (void)max_threads;
    return ct_alloc_aligned(sizeof(struct ct__counter_racy));
}

static void racy_destroy(ct_counter *c)
{
    ct_free_aligned(c);
}

static void racy_add(ct_counter *c, unsigned tid, uint64_t delta)
{
    (void)tid;
    racy_of(c)->value += delta; /* the race: load, add, store, unsynchronized */
}

static uint64_t racy_read(ct_counter *c, unsigned tid)
{
    (void)tid;
    return racy_of(c)->value; /* also racy against a concurrent add */
}

const ct_counter_ops ct_counter_racy = {
    .desc = {.name = "racy",
             .summary = "plain ++ on a volatile word, no synchronization: loses updates (pitfall)",
             .caps = CT_CAP_PITFALL},
    .create = racy_create,
    .destroy = racy_destroy,
    .add = racy_add,
    .read = racy_read,
};
