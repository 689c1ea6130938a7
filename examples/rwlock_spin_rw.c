/*
 * rwlock_spin_rw.c: a read-mostly competitor written outside the tree.
 *
 *     cc rwlock_spin_rw.c $(pkg-config --cflags --libs contend-bench) -o mybench
 *     ./mybench --family=rwlock
 *
 * The design: a reader-writer spin lock in one atomic word (a writer bit and
 * a count of readers) around the record. A writer first takes the writer bit,
 * which turns new readers away, then waits for the readers inside to leave:
 * readers cannot starve it. Waiters yield the CPU between tries. The rwlock
 * workloads check that every snapshot is one the writers left, and that no
 * write is lost.
 */
#define _POSIX_C_SOURCE 200809L /* POSIX threads in full, even under -std=c11 */

#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

#include <contend/rwlock.h> /* ct_rwlock_ops, ct_rwlock_rec, CT_REGISTER_COMPETITOR */

#define WRITER 0x80000000u /* the writer bit; the bits below count readers */

struct spin_rw {
    ct_rwlock base;                          /* first: ct_rwlock_new sets its ops */
    CT_CACHE_ALIGNED _Atomic uint32_t state; /* its own cache line: every call hits it */
    CT_CACHE_ALIGNED ct_rwlock_rec rec;      /* guarded by state; apart from it */
};

static struct spin_rw *sr(ct_rwlock *l)
{
    return (struct spin_rw *)(void *)l;
}

static ct_rwlock *rw_create(unsigned max_threads)
{
    struct spin_rw *l = ct_alloc_aligned(sizeof *l); /* zeroed: the record reads 0 */

    (void)max_threads; /* tid is not used */
    if (l)
        atomic_init(&l->state, 0); /* not atomic: ct_rwlock_new's caller publishes it */
    return l ? &l->base : NULL;
}

static void rw_destroy(ct_rwlock *l)
{
    ct_free_aligned(l);
}

static void rw_read(ct_rwlock *lock, unsigned tid, ct_rwlock_rec *snap, ct_rwlock_fn inside,
                    void *arg)
{
    struct spin_rw *l = sr(lock);
    /* relaxed: only a guess for the CAS below, which does the ordering */
    uint32_t s = atomic_load_explicit(&l->state, memory_order_relaxed);

    (void)tid;
    for (;;) {
        /* acquire: pairs with the release store that ends a write, so this
         * reader sees that writer's record; relaxed on failure: s is reloaded */
        if (!(s & WRITER) && atomic_compare_exchange_weak_explicit(
                                 &l->state, &s, s + 1, memory_order_acquire, memory_order_relaxed))
            break;
        if (s & WRITER) {
            sched_yield(); /* a writer is in or waiting: let it run */
            /* relaxed: a fresh guess for the CAS */
            s = atomic_load_explicit(&l->state, memory_order_relaxed);
        }
    }
    *snap = l->rec;
    if (inside)
        inside(snap, arg);
    /* release: pairs with the writer's acquire load that waits for readers to
     * leave, so this reader's copy is done before the writer changes rec */
    atomic_fetch_sub_explicit(&l->state, 1, memory_order_release);
}

static void rw_write(ct_rwlock *lock, unsigned tid, ct_rwlock_fn update, void *arg)
{
    struct spin_rw *l = sr(lock);
    /* relaxed: only a guess for the CAS below */
    uint32_t s = atomic_load_explicit(&l->state, memory_order_relaxed);

    (void)tid;
    for (;;) {
        /* acquire: pairs with the previous writer's release store (its record);
         * relaxed on failure: s is reloaded */
        if (!(s & WRITER) &&
            atomic_compare_exchange_weak_explicit(&l->state, &s, s | WRITER, memory_order_acquire,
                                                  memory_order_relaxed))
            break;
        if (s & WRITER) {
            sched_yield(); /* another writer holds the bit */
            /* relaxed: a fresh guess for the CAS */
            s = atomic_load_explicit(&l->state, memory_order_relaxed);
        }
    }
    /* acquire: pairs with each leaving reader's release fetch_sub */
    while (atomic_load_explicit(&l->state, memory_order_acquire) != WRITER)
        sched_yield(); /* readers still inside: let them finish */
    update(&l->rec, arg);
    /* release: pairs with the acquire CAS of the next reader or writer */
    atomic_store_explicit(&l->state, 0, memory_order_release);
}

static const ct_rwlock_ops spin_rw_rwlock = {
    .desc = {.name = "spin_rw",
             .summary = "example from outside the tree: a reader-writer spin lock in one word, "
                        "writers first",
             .caps = CT_CAP_EXACT | CT_CAP_SPINNING | CT_RWLOCK_CAP_EXCLUSIVE},
    .create = rw_create,
    .destroy = rw_destroy,
    .read = rw_read,
    .write = rw_write,
};

CT_REGISTER_COMPETITOR(rwlock, spin_rw_rwlock)
