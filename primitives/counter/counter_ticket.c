/*
 * counter_ticket.c: `ticket`, the value guarded by a FIFO ticket lock
 * (ct_spinlock.h).
 *
 * Linearizable add and read, and fair: threads get the lock in the order they
 * asked for it. The cost of that order shows when threads outnumber cores:
 * the lock is handed to the next ticket whether or not its thread is running,
 * so most handoffs wait for the scheduler (CT_CAP_SPINNING; no yield).
 *
 * Layout: both ticket words and the value share one cache line, so the owner
 * that was just let in finds the value on the line it already reads.
 */
#include "counter.h"
#include "ct_spinlock.h"

struct ct__counter_ticket {
    CT_CACHE_ALIGNED ct_ticket lock;
    uint64_t value; /* guarded by lock */
};

static inline struct ct__counter_ticket *ticket_of(ct_counter *c)
{
    return (struct ct__counter_ticket *)(void *)c;
}

static ct_counter *ticket_create(unsigned max_threads)
{
    struct ct__counter_ticket *t = ct_alloc_aligned(sizeof *t);

    (void)max_threads;
    if (t)
        ct_ticket_init(&t->lock);
    return (ct_counter *)(void *)t;
}

static void ticket_destroy(ct_counter *c)
{
    ct_free_aligned(c);
}

static void ticket_add(ct_counter *c, unsigned tid, uint64_t delta)
{
    struct ct__counter_ticket *t = ticket_of(c);

    (void)tid;
    ct_ticket_lock(&t->lock);
    t->value += delta;
    ct_ticket_unlock(&t->lock);
}

static uint64_t ticket_read(ct_counter *c, unsigned tid)
{
    struct ct__counter_ticket *t = ticket_of(c);
    uint64_t v;

    (void)tid;
    ct_ticket_lock(&t->lock);
    v = t->value;
    ct_ticket_unlock(&t->lock);
    return v;
}

const ct_counter_ops ct_counter_ticket = {
    .name = "ticket",
    .summary = "FIFO ticket spin lock around a plain add: fair, collapses when oversubscribed",
    .caps = CT_CAP_EXACT | CT_CAP_SPINNING,
    .create = ticket_create,
    .destroy = ticket_destroy,
    .add = ticket_add,
    .read = ticket_read,
};
