/*
 * rwlock_futex_wr.c: `futex_wr`, a writer-preferring reader-writer lock of
 * our own on one futex word: once a writer announces itself, no new reader
 * enters until every announced writer is done, so readers cannot starve a
 * writer (glibc's default policy can). Writers queue among themselves on a
 * pthread mutex; readers cost one CAS to enter and one fetch_sub to leave.
 *
 * The state word:
 *   bits  0..15  readers inside
 *   bits 16..29  writers announced (waiting or holding): readers keep out
 *   bit  30      RWAIT: some reader sleeps on the word
 *   bit  31      WRITER: a writer holds the lock
 * A reader enters when no writer is announced; the writer that holds the
 * writers' mutex takes WRITER when the readers have drained (the last reader
 * out wakes it); the last announced writer out clears RWAIT and wakes the
 * sleeping readers.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>

#include "ct_futex.h"
#include "rwlock_internal.h"

#define RONE 1u
#define RMASK 0xffffu
#define WONE (1u << 16)
#define WMASK (0x3fffu << 16)
#define RWAIT (1u << 30)
#define WRITER (1u << 31)
#define SPINS 64u /* before a sleep: a writer's section is short */

struct ct__rwlock_futex {
    ct_rwlock base; /* first: the header ct_rwlock_new fills in */
    CT_CACHE_ALIGNED _Atomic uint32_t state;
    ct_rwlock_rec rec;                        /* guarded by state */
    CT_CACHE_ALIGNED pthread_mutex_t writers; /* one writer at a time takes WRITER */
};

static inline struct ct__rwlock_futex *fw_of(ct_rwlock *l)
{
    return (struct ct__rwlock_futex *)(void *)l;
}

static ct_rwlock *fw_create(unsigned max_threads)
{
    struct ct__rwlock_futex *f = ct_alloc_aligned(sizeof *f);
    int err;

    (void)max_threads;
    if (!f)
        return NULL;
    atomic_init(&f->state, 0); /* not atomic: published by the caller */
    if ((err = pthread_mutex_init(&f->writers, NULL)) != 0) {
        ct_free_aligned(f);
        errno = err;
        return NULL;
    }
    return &f->base;
}

static void fw_destroy(ct_rwlock *l)
{
    struct ct__rwlock_futex *f = fw_of(l);

    /* relaxed: destroy runs alone (the table above) */
    if (atomic_load_explicit(&f->state, memory_order_relaxed) != 0)
        ct_die("rwlock futex_wr: destroyed while in use (state 0x%x)",
               atomic_load_explicit(&f->state, memory_order_relaxed));
    CT__RWLOCK_PCHECK("futex_wr", pthread_mutex_destroy(&f->writers));
    ct_free_aligned(f);
}

static void fw_read_lock(struct ct__rwlock_futex *f)
{
    unsigned spins = 0;
    /* relaxed: a first guess; the CAS below validates it */
    uint32_t s = atomic_load_explicit(&f->state, memory_order_relaxed);

    for (;;) {
        if ((s & (WMASK | WRITER)) == 0) {
            if ((s & RMASK) == RMASK)
                ct_die("rwlock futex_wr: more than %u readers", RMASK);
            /* acquire: pairs with the release in fw_write_unlock, so the
             * last writer's record is visible to this reader */
            if (atomic_compare_exchange_weak_explicit(&f->state, &s, s + RONE, memory_order_acquire,
                                                      memory_order_relaxed))
                return;
            continue;
        }
        if (spins++ < ct_spin_budget(SPINS)) {
            ct_cpu_relax();
            /* relaxed: only a retry; the CAS validates */
            s = atomic_load_explicit(&f->state, memory_order_relaxed);
            continue;
        }
        /* relaxed: RWAIT only asks the last writer out to wake us; the
         * futex compares the whole word, so a change in between is seen */
        if (!(s & RWAIT) &&
            !atomic_compare_exchange_weak_explicit(&f->state, &s, s | RWAIT, memory_order_relaxed,
                                                   memory_order_relaxed))
            continue;
        ct_futex_wait(&f->state, s | RWAIT, -1);
        /* relaxed: re-examined by the loop, entered by the acquire CAS */
        s = atomic_load_explicit(&f->state, memory_order_relaxed);
    }
}

static void fw_read_unlock(struct ct__rwlock_futex *f)
{
    /* release: pairs with the writer's acquire CAS, so this reader's reads
     * of the record happen-before the writer's update */
    uint32_t s = atomic_fetch_sub_explicit(&f->state, RONE, memory_order_release);

    /* The last reader out while a writer waits for the readers to drain. */
    if ((s & RMASK) == RONE && (s & WMASK))
        ct_futex_wake(&f->state, INT_MAX); /* the writer, and sleeping readers go back */
}

static void fw_write_lock(struct ct__rwlock_futex *f)
{
    unsigned spins = 0;
    uint32_t s;

    /* relaxed: the announcement only keeps new readers out; the CAS below
     * is what orders the record */
    atomic_fetch_add_explicit(&f->state, WONE, memory_order_relaxed);
    CT__RWLOCK_PCHECK("futex_wr", pthread_mutex_lock(&f->writers));
    /* relaxed: a first guess; the CAS validates */
    s = atomic_load_explicit(&f->state, memory_order_relaxed);
    for (;;) {
        if ((s & RMASK) == 0) {
            /* acquire: pairs with the readers' release fetch_sub and the
             * previous writer's release in fw_write_unlock */
            if (atomic_compare_exchange_weak_explicit(&f->state, &s, s | WRITER,
                                                      memory_order_acquire, memory_order_relaxed))
                return;
            continue;
        }
        if (spins++ < ct_spin_budget(SPINS))
            ct_cpu_relax();
        else
            ct_futex_wait(&f->state, s, -1); /* the last reader out wakes us */
        /* relaxed: re-examined by the loop */
        s = atomic_load_explicit(&f->state, memory_order_relaxed);
    }
}

static void fw_write_unlock(struct ct__rwlock_futex *f)
{
    /* relaxed: a first guess; the CAS validates */
    uint32_t s = atomic_load_explicit(&f->state, memory_order_relaxed), n;

    do {
        n = (s & ~WRITER) - WONE;
        if ((n & WMASK) == 0)
            n &= ~RWAIT; /* the last writer out wakes the readers below */
        /* release: pairs with the acquire CAS of the next reader or writer */
    } while (!atomic_compare_exchange_weak_explicit(&f->state, &s, n, memory_order_release,
                                                    memory_order_relaxed));
    if ((n & WMASK) == 0 && (s & RWAIT))
        ct_futex_wake(&f->state, INT_MAX);
    CT__RWLOCK_PCHECK("futex_wr", pthread_mutex_unlock(&f->writers));
}

static void fw_read(ct_rwlock *l, unsigned tid, ct_rwlock_rec *snap, ct_rwlock_fn inside, void *arg)
{
    struct ct__rwlock_futex *f = fw_of(l);

    (void)tid;
    fw_read_lock(f);
    ct__rwlock_copy_out(&f->rec, snap, inside, arg);
    fw_read_unlock(f);
}

static void fw_write(ct_rwlock *l, unsigned tid, ct_rwlock_fn update, void *arg)
{
    struct ct__rwlock_futex *f = fw_of(l);

    (void)tid;
    fw_write_lock(f);
    update(&f->rec, arg);
    fw_write_unlock(f);
}

const ct_rwlock_ops ct_rwlock_futex_wr = {
    .desc = {.name = "futex_wr",
             .summary = "ours: a writer-preferring rwlock on one futex word",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_RWLOCK_CAP_EXCLUSIVE},
    .create = fw_create,
    .destroy = fw_destroy,
    .read = fw_read,
    .write = fw_write,
};
