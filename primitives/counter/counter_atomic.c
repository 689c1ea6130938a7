/*
 * counter_atomic.c: one shared 64-bit word updated with atomic RMWs:
 * `atomic` (fetch_add, seq_cst), `atomic_relaxed` (fetch_add, relaxed) and
 * `cas_loop` (compare_exchange_weak retried until it sticks).
 *
 * All three are lock-free and linearizable, and all three serialize on one
 * cache line: every add needs the line exclusively, so throughput is bounded
 * by how fast the line moves between cores, not by the instruction.
 *  - atomic vs atomic_relaxed: the count publishes no other data, so no
 *    ordering is needed for exactness; atomicity alone makes it exact. On
 *    x86-64 both compile to `lock xadd` (the RMW is a full barrier anyway);
 *    on weaker machines relaxed drops the fences.
 *  - cas_loop vs atomic: the same ordering (seq_cst), but a load plus a CAS
 *    that fails and retries whenever another add lands in between: the shape
 *    of every lock-free update that fetch_add cannot express.
 * Reads never go backwards: read-read coherence on one atomic object holds
 * even for relaxed loads.
 */
#include <stdatomic.h>

#include "counter.h"

_Static_assert(__atomic_always_lock_free(sizeof(uint64_t), 0),
               "CT_CAP_LOCKFREE needs lock-free 64-bit atomics");

struct ct__counter_atomic {
    ct_counter base; /* first: the header ct_counter_new fills in */
    CT_CACHE_ALIGNED _Atomic uint64_t value;
};

static inline struct ct__counter_atomic *atomic_of(ct_counter *c)
{
    return (struct ct__counter_atomic *)(void *)c;
}

static ct_counter *atomic_create(unsigned max_threads)
{
    struct ct__counter_atomic *a = ct_alloc_aligned(sizeof *a);

    (void)max_threads;
    if (a)
        atomic_init(&a->value, 0); /* not atomic: published by the caller */
    return (ct_counter *)(void *)a;
}

static void atomic_destroy(ct_counter *c)
{
    ct_free_aligned(c);
}

/* ---- atomic: fetch_add, seq_cst ------------------------------------------- */

static void atomic_add(ct_counter *c, unsigned tid, uint64_t delta)
{
    (void)tid;
    /* seq_cst: pairs with the seq_cst load in atomic_read (one total order) */
    atomic_fetch_add_explicit(&atomic_of(c)->value, delta, memory_order_seq_cst);
}

static uint64_t atomic_read(ct_counter *c, unsigned tid)
{
    (void)tid;
    /* seq_cst: pairs with the seq_cst RMW in atomic_add (and cas_add) */
    return atomic_load_explicit(&atomic_of(c)->value, memory_order_seq_cst);
}

const ct_counter_ops ct_counter_atomic = {
    .desc = {.name = "atomic",
             .summary = "atomic fetch_add (seq_cst) on one shared word",
             .caps = CT_CAP_EXACT | CT_CAP_LOCKFREE},
    .create = atomic_create,
    .destroy = atomic_destroy,
    .add = atomic_add,
    .read = atomic_read,
};

/* ---- atomic_relaxed: fetch_add, relaxed ----------------------------------- */

static void relaxed_add(ct_counter *c, unsigned tid, uint64_t delta)
{
    (void)tid;
    /* relaxed: pairs with nothing; the count guards no other data, and the
     * RMW's atomicity alone keeps every update */
    atomic_fetch_add_explicit(&atomic_of(c)->value, delta, memory_order_relaxed);
}

static uint64_t relaxed_read(ct_counter *c, unsigned tid)
{
    (void)tid;
    /* relaxed: pairs with nothing; coherence alone keeps reads monotonic */
    return atomic_load_explicit(&atomic_of(c)->value, memory_order_relaxed);
}

const ct_counter_ops ct_counter_atomic_relaxed = {
    .desc = {.name = "atomic_relaxed",
             .summary = "atomic fetch_add (relaxed) on one shared word: exact, orders nothing else",
             .caps = CT_CAP_EXACT | CT_CAP_LOCKFREE},
    .create = atomic_create,
    .destroy = atomic_destroy,
    .add = relaxed_add,
    .read = relaxed_read,
};

/* ---- cas_loop: load, then compare_exchange_weak until it succeeds --------- */

static void cas_add(ct_counter *c, unsigned tid, uint64_t delta)
{
    _Atomic uint64_t *v = &atomic_of(c)->value;
    /* relaxed: only a first guess; the CAS validates it */
    uint64_t old = atomic_load_explicit(v, memory_order_relaxed);

    (void)tid;
    /* success seq_cst: pairs with the seq_cst load in cas_read, as `atomic`
     * does, so the two differ only in the instruction. failure relaxed: a
     * failed CAS just reloads `old` for the retry. weak: a spurious failure
     * costs one more turn of a loop we need anyway. */
    while (!atomic_compare_exchange_weak_explicit(v, &old, old + delta, memory_order_seq_cst,
                                                  memory_order_relaxed))
        ;
}

const ct_counter_ops ct_counter_cas_loop = {
    .desc = {.name = "cas_loop",
             .summary = "compare_exchange_weak retry loop (seq_cst) on one shared word",
             .caps = CT_CAP_EXACT | CT_CAP_LOCKFREE},
    .create = atomic_create,
    .destroy = atomic_destroy,
    .add = cas_add,
    .read = atomic_read, /* the seq_cst load */
};
