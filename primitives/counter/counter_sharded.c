/*
 * counter_sharded.c: one slot per thread index, summed by read:
 * `sharded` (each slot on its own cache line) and `false_shared` (the same
 * slots packed in adjacent words, so up to eight share a line).
 *
 * Each slot has a single writer (the thread using that tid), so add needs no
 * RMW and no lock prefix: a relaxed load and a relaxed store of the thread's
 * own slot. With a line per slot, adds never move a line between cores and
 * scale linearly. false_shared runs the very same instructions, but its slots
 * sit on one line that every add must own exclusively, so the line bounces
 * between cores as it does for `atomic`, although no two threads ever touch
 * the same word: the difference between the two is false sharing alone.
 *
 * read sums the slots with relaxed loads. It is not linearizable: it returns a
 * value between the counter's value when it started and when it ended (see
 * counter.h). One reader's successive reads never go backwards, because each
 * slot only grows and read-read coherence holds per slot.
 *
 * Contract (CT_CAP_PER_THREAD): add's tid must be below the max_threads given
 * to create, and one tid is used by one thread at a time (a thread that takes
 * over a tid must synchronize with the previous user, e.g. by joining it). A
 * tid out of range is a contract violation: add prints a message and aborts,
 * in every build, instead of writing out of bounds. It must not fold the tid
 * (tid % max_threads): two threads would then share a single-writer slot and
 * silently lose updates. The check is one compare against a read-only field.
 * read does not index by tid and accepts any.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "counter.h"

struct ct__counter_sharded {
    ct_counter base;  /* first: the header ct_counter_new fills in */
    unsigned nslots;  /* max_threads; read-only after create */
    const char *name; /* for the contract-violation message */
    /* Slots start on their own line, away from the read-only header. Slot i
     * is slot[i * stride]: stride 8 words (a line) for sharded, 1 for
     * false_shared. */
    CT_CACHE_ALIGNED _Atomic uint64_t slot[];
};

enum {
    SHARD_STRIDE_LINE = CT_CACHELINE / sizeof(uint64_t), /* sharded */
    SHARD_STRIDE_WORD = 1                                /* false_shared */
};

static inline struct ct__counter_sharded *sharded_of(ct_counter *c)
{
    return (struct ct__counter_sharded *)(void *)c;
}

static ct_counter *shard_create(unsigned max_threads, size_t stride, const char *name)
{
    struct ct__counter_sharded *s;
    size_t words;

    if (max_threads == 0) {
        errno = EINVAL;
        return NULL;
    }
    if ((size_t)max_threads > SIZE_MAX / 2 / sizeof(uint64_t) / stride) {
        errno = ENOMEM;
        return NULL;
    }
    words = (size_t)max_threads * stride;
    s = ct_alloc_aligned(sizeof *s + words * sizeof(uint64_t));
    if (!s)
        return NULL;
    s->nslots = max_threads;
    s->name = name;
    for (size_t i = 0; i < words; i++)
        atomic_init(&s->slot[i], 0); /* not atomic: published by the caller */
    return (ct_counter *)(void *)s;
}

static void shard_destroy(ct_counter *c)
{
    ct_free_aligned(c);
}

/* Out of line and cold, so the check costs add one predicted branch. */
__attribute__((noreturn, cold, noinline)) static void
shard_bad_tid(const struct ct__counter_sharded *s, unsigned tid)
{
    ct_die("counter %s: add with tid %u, but it was created for %u threads "
           "(tid must be < max_threads): contract violation, aborting",
           s->name, tid, s->nslots);
}

static inline void shard_add(ct_counter *c, unsigned tid, uint64_t delta, size_t stride)
{
    struct ct__counter_sharded *s = sharded_of(c);
    _Atomic uint64_t *slot;
    uint64_t v;

    if (CT_UNLIKELY(tid >= s->nslots))
        shard_bad_tid(s, tid);
    slot = &s->slot[(size_t)tid * stride];
    /* relaxed: this thread is the slot's only writer, so it reads back its
     * own last store; no RMW needed. */
    v = atomic_load_explicit(slot, memory_order_relaxed);
    /* relaxed: pairs with the relaxed loads in shard_read, which need only
     * coherence (no other data is published); after the adder is joined,
     * the join orders this store before any read. */
    atomic_store_explicit(slot, v + delta, memory_order_relaxed);
}

static inline uint64_t shard_read(ct_counter *c, size_t stride)
{
    struct ct__counter_sharded *s = sharded_of(c);
    uint64_t sum = 0;

    for (size_t i = 0; i < s->nslots; i++)
        /* relaxed: pairs with the relaxed store in shard_add (coherence) */
        sum += atomic_load_explicit(&s->slot[i * stride], memory_order_relaxed);
    return sum;
}

/* ---- sharded: a cache line per slot ---------------------------------------- */

static ct_counter *sharded_create(unsigned max_threads)
{
    return shard_create(max_threads, SHARD_STRIDE_LINE, "sharded");
}

static void sharded_add(ct_counter *c, unsigned tid, uint64_t delta)
{
    shard_add(c, tid, delta, SHARD_STRIDE_LINE);
}

static uint64_t sharded_read(ct_counter *c, unsigned tid)
{
    (void)tid;
    return shard_read(c, SHARD_STRIDE_LINE);
}

const ct_counter_ops ct_counter_sharded = {
    .desc = {.name = "sharded",
             .summary = "per-thread slot on its own cache line, plain store; read sums the slots",
             .caps = CT_CAP_EXACT | CT_CAP_LOCKFREE | CT_CAP_PER_THREAD},
    .create = sharded_create,
    .destroy = shard_destroy,
    .add = sharded_add,
    .read = sharded_read,
};

/* ---- false_shared: the same slots, packed ---------------------------------- */

static ct_counter *false_shared_create(unsigned max_threads)
{
    return shard_create(max_threads, SHARD_STRIDE_WORD, "false_shared");
}

static void false_shared_add(ct_counter *c, unsigned tid, uint64_t delta)
{
    shard_add(c, tid, delta, SHARD_STRIDE_WORD);
}

static uint64_t false_shared_read(ct_counter *c, unsigned tid)
{
    (void)tid;
    return shard_read(c, SHARD_STRIDE_WORD);
}

const ct_counter_ops ct_counter_false_shared = {
    .desc = {.name = "false_shared",
             .summary =
                 "per-thread slots packed in adjacent words: sharded's code, with false sharing",
             .caps = CT_CAP_EXACT | CT_CAP_LOCKFREE | CT_CAP_PER_THREAD},
    .create = false_shared_create,
    .destroy = shard_destroy,
    .add = false_shared_add,
    .read = false_shared_read,
};
