/*
 * rwlock_seqlock.c: `seqlock`, a sequence lock: readers take no lock and
 * write nothing shared; they copy the record between two reads of a
 * sequence number and retry if a writer was at work (odd) or finished one
 * (changed) meanwhile. Writers queue on a mutex, update a private copy, and
 * publish it word by word between bumping the sequence to odd and to even.
 *
 * The C memory model: a reader races with the writer's stores by design,
 * so every word of the shared record is an atomic; the writer's release
 * fence and the reader's acquire loads of the words order them against the
 * sequence (Boehm, "Can seqlocks get along with programming language memory
 * models?").
 * TSan sees only atomics here, so it has no race to report; the snapshot the
 * caller gets is a private copy.
 * Readers spin while a writer publishes, then yield: with more threads than
 * cores a preempted writer holds every reader back.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>

#include "ct_futex.h"
#include "rwlock_hooks_internal.h"
#include "rwlock_internal.h"

#define SPINS 128u /* a publication is a handful of stores */

struct ct__rwlock_seq {
    ct_rwlock base;                        /* first: the header ct_rwlock_new fills in */
    CT_CACHE_ALIGNED _Atomic uint64_t seq; /* odd: a writer is publishing */
    _Atomic uint64_t w[CT_RWLOCK_WORDS];   /* the record, word by word */
    CT_CACHE_ALIGNED pthread_mutex_t writers;
};

static inline struct ct__rwlock_seq *seq_of(ct_rwlock *l)
{
    return (struct ct__rwlock_seq *)(void *)l;
}

static ct_rwlock *seq_create(unsigned max_threads)
{
    struct ct__rwlock_seq *s = ct_alloc_aligned(sizeof *s);
    int err;

    (void)max_threads;
    if (!s)
        return NULL;
    atomic_init(&s->seq, 0); /* not atomic: published by the caller */
    for (int i = 0; i < CT_RWLOCK_WORDS; i++)
        atomic_init(&s->w[i], 0);
    if ((err = pthread_mutex_init(&s->writers, NULL)) != 0) {
        ct_free_aligned(s);
        errno = err;
        return NULL;
    }
    return &s->base;
}

static void seq_destroy(ct_rwlock *l)
{
    CT__RWLOCK_PCHECK("seqlock", pthread_mutex_destroy(&seq_of(l)->writers));
    ct_free_aligned(l);
}

static void seq_read(ct_rwlock *l, unsigned tid, ct_rwlock_rec *snap, ct_rwlock_fn inside,
                     void *arg)
{
    struct ct__rwlock_seq *s = seq_of(l);
    unsigned spins = 0;

    (void)tid;
    for (;;) {
        /* acquire: pairs with the writer's release store of the even value,
         * so the words it published are visible below */
        uint64_t before = atomic_load_explicit(&s->seq, memory_order_acquire);

        if (before & 1) { /* a writer is publishing: wait, then retry */
            if (spins++ < ct_spin_budget(SPINS))
                ct_cpu_relax();
            else
                ct_yield_cpu();
            continue;
        }
        for (int i = 0; i < CT_RWLOCK_WORDS; i++) {
            /* acquire: pairs with the writer's release fence, so if this word
             * came from a publication, the recheck below sees its odd seq
             * (and keeps the recheck after the copy). Free on x86-64. Not
             * relaxed loads and an acquire fence: GCC 12 with
             * -fsanitize=address,alignment (the ASan+UBSan tree) compiled the
             * recheck after that fence away (tests/test_rwlock_validate.c
             * caught torn snapshots there) */
            snap->w[i] = atomic_load_explicit(&s->w[i], memory_order_acquire);
            if (i == 0)
                CT__RWLOCK_HOOK(mid_copy, l); /* tests only: a write lands here */
        }
        if (inside)
            inside(snap, arg); /* may see a torn copy: a retry follows */
        /* relaxed: ordered after the copy by its acquire loads */
        if (atomic_load_explicit(&s->seq, memory_order_relaxed) == before)
            return;
    }
}

static void seq_write(ct_rwlock *l, unsigned tid, ct_rwlock_fn update, void *arg)
{
    struct ct__rwlock_seq *s = seq_of(l);
    ct_rwlock_rec cur;
    uint64_t q;

    (void)tid;
    CT__RWLOCK_PCHECK("seqlock", pthread_mutex_lock(&s->writers));
    for (int i = 0; i < CT_RWLOCK_WORDS; i++)
        /* relaxed: the writers' mutex orders us after the previous writer */
        cur.w[i] = atomic_load_explicit(&s->w[i], memory_order_relaxed);
    update(&cur, arg); /* on the private copy: readers go on meanwhile */
    /* relaxed: only writers store seq, and we hold their mutex */
    q = atomic_load_explicit(&s->seq, memory_order_relaxed);
    /* relaxed store + release fence: the odd value is ordered before the
     * word stores below; pairs with the reader's acquire fence */
    atomic_store_explicit(&s->seq, q + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    for (int i = 0; i < CT_RWLOCK_WORDS; i++) {
        /* relaxed: published by the release store of the even value */
        atomic_store_explicit(&s->w[i], cur.w[i], memory_order_relaxed);
        if (i == 0)
            CT__RWLOCK_HOOK(mid_publish, l); /* tests only: a reader arrives here */
    }
    /* release: pairs with the reader's acquire load of seq */
    atomic_store_explicit(&s->seq, q + 2, memory_order_release);
    CT__RWLOCK_PCHECK("seqlock", pthread_mutex_unlock(&s->writers));
}

const ct_rwlock_ops CT__RWLOCK_OPS(ct_rwlock_seqlock) = {
    .desc = {.name = "seqlock",
             .summary = "sequence lock: readers write nothing and retry; writers publish a copy",
             .caps = CT_CAP_EXACT | CT_CAP_SPINNING},
    .create = seq_create,
    .destroy = seq_destroy,
    .read = seq_read,
    .write = seq_write,
};
