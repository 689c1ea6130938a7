/*
 * counter_spin.c: `spin_tas` and `spin_ttas`, the value guarded by one of the
 * spin locks of ct_spinlock.h.
 *
 * Linearizable add and read. Waiters never sleep: with more threads than
 * cores a preempted owner stalls everyone for a time slice (CT_CAP_SPINNING).
 * tas hammers the line with exchanges while it waits; ttas waits on a load
 * and backs off, which is the whole difference the benchmarks measure.
 *
 * Layout: lock and value share one cache line, so an acquisition moves one
 * line: the exchange that takes the lock brings the value along.
 */
#include "counter.h"
#include "ct_spinlock.h"

struct ct__counter_tas {
    CT_CACHE_ALIGNED ct_spin_tas lock;
    uint64_t value; /* guarded by lock */
};

struct ct__counter_ttas {
    CT_CACHE_ALIGNED ct_spin_ttas lock;
    uint64_t value; /* guarded by lock */
};

static inline struct ct__counter_tas *tas_of(ct_counter *c)
{
    return (struct ct__counter_tas *)(void *)c;
}

static inline struct ct__counter_ttas *ttas_of(ct_counter *c)
{
    return (struct ct__counter_ttas *)(void *)c;
}

static void spin_destroy(ct_counter *c)
{
    ct_free_aligned(c);
}

/* ---- spin_tas ------------------------------------------------------------ */

static ct_counter *tas_create(unsigned max_threads)
{
    struct ct__counter_tas *s = ct_alloc_aligned(sizeof *s);

    (void)max_threads;
    if (s)
        ct_spin_tas_init(&s->lock);
    return (ct_counter *)(void *)s;
}

static void tas_add(ct_counter *c, unsigned tid, uint64_t delta)
{
    struct ct__counter_tas *s = tas_of(c);

    (void)tid;
    ct_spin_tas_lock(&s->lock);
    s->value += delta;
    ct_spin_tas_unlock(&s->lock);
}

static uint64_t tas_read(ct_counter *c, unsigned tid)
{
    struct ct__counter_tas *s = tas_of(c);
    uint64_t v;

    (void)tid;
    ct_spin_tas_lock(&s->lock);
    v = s->value;
    ct_spin_tas_unlock(&s->lock);
    return v;
}

const ct_counter_ops ct_counter_spin_tas = {
    .name = "spin_tas",
    .summary = "test-and-set spin lock around a plain add; every wait is an exchange",
    .caps = CT_CAP_EXACT | CT_CAP_SPINNING,
    .create = tas_create,
    .destroy = spin_destroy,
    .add = tas_add,
    .read = tas_read,
};

/* ---- spin_ttas ----------------------------------------------------------- */

static ct_counter *ttas_create(unsigned max_threads)
{
    struct ct__counter_ttas *s = ct_alloc_aligned(sizeof *s);

    (void)max_threads;
    if (s)
        ct_spin_ttas_init(&s->lock);
    return (ct_counter *)(void *)s;
}

static void ttas_add(ct_counter *c, unsigned tid, uint64_t delta)
{
    struct ct__counter_ttas *s = ttas_of(c);

    (void)tid;
    ct_spin_ttas_lock(&s->lock);
    s->value += delta;
    ct_spin_ttas_unlock(&s->lock);
}

static uint64_t ttas_read(ct_counter *c, unsigned tid)
{
    struct ct__counter_ttas *s = ttas_of(c);
    uint64_t v;

    (void)tid;
    ct_spin_ttas_lock(&s->lock);
    v = s->value;
    ct_spin_ttas_unlock(&s->lock);
    return v;
}

const ct_counter_ops ct_counter_spin_ttas = {
    .name = "spin_ttas",
    .summary = "test-and-test-and-set spin lock with exponential backoff around a plain add",
    .caps = CT_CAP_EXACT | CT_CAP_SPINNING,
    .create = ttas_create,
    .destroy = spin_destroy,
    .add = ttas_add,
    .read = ttas_read,
};
