/*
 * counter_pthread_spin.c: a counter competitor written outside the tree.
 *
 * Copy this file, change the design, and build a bench binary that runs
 * every counter workload over it and over contend's own counters, with the
 * same verification, JSON and exit status as contend_bench:
 *
 *     cc counter_pthread_spin.c $(pkg-config --cflags --libs contend-bench) -o mybench
 *     ./mybench --family=counter --benchmark_out=counter.json --benchmark_out_format=json
 *
 * The design: one word under a POSIX spin lock (pthread_spin_lock).
 *
 * -DEXAMPLE_BROKEN builds a version that loses adds on purpose: every
 * workload must then fail its verification (exit 1), which the tests check.
 */
#define _POSIX_C_SOURCE 200809L /* POSIX threads in full, even under -std=c11 */

#include <pthread.h>
#include <stdint.h>

#include <contend/counter.h> /* ct_counter_ops, ct_alloc_aligned, CT_REGISTER_COMPETITOR */

/* A design's counter starts with ct_counter (ct_counter_new sets its ops);
 * the rest is the design's own. */
struct spin_counter {
    ct_counter base;
    CT_CACHE_ALIGNED pthread_spinlock_t lock; /* its own cache line: the hot field */
    uint64_t value;                           /* guarded by lock */
#ifdef EXAMPLE_BROKEN
    uint64_t adds; /* guarded by lock: which add to lose */
#endif
};

static struct spin_counter *sc(ct_counter *c)
{
    return (struct spin_counter *)(void *)c;
}

/* NULL + errno on failure, as the contract in counter.h says. */
static ct_counter *spin_create(unsigned max_threads)
{
    struct spin_counter *s = ct_alloc_aligned(sizeof *s); /* zeroed, cache-line aligned */

    (void)max_threads; /* one word for everybody: tid is not used */
    if (!s)
        return NULL;
    if (pthread_spin_init(&s->lock, PTHREAD_PROCESS_PRIVATE) != 0) {
        ct_free_aligned(s);
        return NULL;
    }
    return &s->base;
}

static void spin_destroy(ct_counter *c)
{
    pthread_spin_destroy(&sc(c)->lock);
    ct_free_aligned(c);
}

static void spin_add(ct_counter *c, unsigned tid, uint64_t delta)
{
    struct spin_counter *s = sc(c);

    (void)tid;
    pthread_spin_lock(&s->lock); /* the lock orders every add and read */
#ifdef EXAMPLE_BROKEN
    if (s->adds++ % 64 == 0) { /* the first add and one in 64 after it are lost */
        pthread_spin_unlock(&s->lock);
        return;
    }
#endif
    s->value += delta;
    pthread_spin_unlock(&s->lock);
}

static uint64_t spin_read(ct_counter *c, unsigned tid)
{
    struct spin_counter *s = sc(c);
    uint64_t v;

    (void)tid;
    pthread_spin_lock(&s->lock);
    v = s->value;
    pthread_spin_unlock(&s->lock);
    return v;
}

/* The ops table: desc.name is how benchmarks, charts and --list-competitors
 * name it ([a-z0-9_]+, unique in the family); caps say what the workloads
 * may expect (CT_CAP_EXACT: no add is ever lost, so results are verified). */
static const ct_counter_ops pthread_spin_counter = {
    .desc = {.name = "pthread_spin",
             .summary = "example from outside the tree: one word under a pthread spin lock",
             .caps = CT_CAP_EXACT | CT_CAP_SPINNING},
    .create = spin_create,
    .destroy = spin_destroy,
    .add = spin_add,
    .read = spin_read,
};

/* The one registration line: before main runs, the design joins the counter
 * family after the built-in ones (checked like them: a bad name or a missing
 * summary stops the program with one line and exit 2). */
CT_REGISTER_COMPETITOR(counter, pthread_spin_counter)
