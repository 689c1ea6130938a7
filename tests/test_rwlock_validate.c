/*
 * test_rwlock_validate.c: the rwlock family's validate driver.
 *
 * Every registered competitor (unavailable ones are listed as SKIP with the
 * reason) is run by 1, 2, 4 and 8 threads (8 is 4x oversubscription on the
 * 2-core reference machine), released together by a start barrier. One case
 * per (competitor, thread count): validate/<impl>/<n>t. The competitors come
 * from ct_rwlock_impls(), never from a list here.
 *
 * Each thread reads, and every WRITE_EVERY-th operation writes; a write adds
 * 1 to every word, one at a time with a pause between (a wide window for a
 * reader let in mid-update), so a consistent record has all its words equal.
 * Checked:
 *  - every snapshot has all words equal (never half of one write);
 *  - inside the read section, the snapshot handed to the caller's code is
 *    the one read returns (except on seqlock, whose retries may show it a
 *    torn copy first: there it must only be equal by the time read returns);
 *  - a thread's snapshots never go back, and never miss the thread's own
 *    last write (linearizable: a write that returned is seen by later reads);
 *  - no snapshot exceeds the writes made; update sees the record the
 *    previous write left (its words equal);
 *  - after the join, the record equals the number of writes in every word.
 * Spinning designs oversubscribed can slow down: threads stop at
 * DEADLINE_NS (checked between operations), and the checks use what was done.
 * Plus: the list's own rules, ct_rwlock_find's and ct_rwlock_new's errors,
 * create/read/write/destroy on every design, many short-lived threads on one
 * record (RCU registers and unregisters each), a writer against an open read
 * section (waits on the exclusive designs, updates a copy on the others),
 * and brlock's abort on a bad tid.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_test.h"
#include "rwlock.h"

#define OPS_PER_THREAD 20000u /* small enough to be quick under TSan */
#define WRITE_EVERY 8u        /* one write in 8 operations */
#define DEADLINE_NS INT64_C(500000000)
#define VALIDATE_TIMEOUT_S 30u
#define MAX_THREADS 8u

static const unsigned thread_counts[] = {1, 2, 4, 8};
#define NCOUNTS (sizeof thread_counts / sizeof thread_counts[0])

struct vthread {
    uint64_t writes;      /* writes it made */
    uint64_t newest;      /* the newest value it saw */
    unsigned done;        /* operations completed */
    int stopped;          /* stopped at the deadline */
    char err[240];        /* the first check this thread saw fail */
    unsigned tid;         /* for the callbacks */
    bool torn_inside;     /* the read section's code saw words differ */
    uint64_t last_update; /* the value its last update wrote */
    bool bad_update;      /* update saw a torn record */
};

struct vrun {
    ct_rwlock *l;
    bool retries; /* seqlock: the read section may see a torn copy and retry */
    unsigned threads;
    ct_test_barrier start;
    int64_t deadline;
    struct vthread th[MAX_THREADS];
};

#define VCHECK(t, cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond) && !(t)->err[0])                                                               \
            snprintf((t)->err, sizeof(t)->err, __VA_ARGS__);                                       \
    } while (0)

static bool consistent(const ct_rwlock_rec *r)
{
    for (int i = 1; i < CT_RWLOCK_WORDS; i++)
        if (r->w[i] != r->w[0])
            return false;
    return true;
}

/* Inside the read section: the snapshot must already be whole (not on
 * seqlock, which validates after). */
static void check_inside(ct_rwlock_rec *snap, void *arg)
{
    struct vthread *t = arg;

    if (!consistent(snap))
        t->torn_inside = true;
}

/* A write adds 1 to every word, one word at a time with a pause between
 * them, so a design that lets a reader in during an update in place is
 * caught with the record half done, not only in a window of a few ns. */
#define UPDATE_PAUSE 64u

static void bump(ct_rwlock_rec *rec, void *arg)
{
    struct vthread *t = arg;

    if (!consistent(rec))
        t->bad_update = true;
    for (int i = 0; i < CT_RWLOCK_WORDS; i++) {
        rec->w[i]++;
        for (unsigned k = 0; k < UPDATE_PAUSE; k++)
            ct_cpu_relax();
    }
    t->last_update = rec->w[0];
}

static void vthread_main(unsigned tid, void *arg)
{
    struct vrun *r = arg;
    struct vthread *t = &r->th[tid];
    unsigned i;

    t->tid = tid;
    ct_test_barrier_wait(&r->start);
    for (i = 0; i < OPS_PER_THREAD; i++) {
        if (ct_now_ns() > r->deadline) {
            t->stopped = 1;
            break;
        }
        if (i % WRITE_EVERY == (tid % WRITE_EVERY)) { /* threads write at different phases */
            ct_rwlock_write(r->l, tid, bump, t);
            t->writes++;
            VCHECK(t, !t->bad_update, "update %u saw a torn record", i);
            VCHECK(t, t->last_update > t->newest,
                   "its write made %" PRIu64 ", not newer than %" PRIu64 " it saw before",
                   t->last_update, t->newest);
            t->newest = t->last_update;
        } else {
            ct_rwlock_rec snap;

            t->torn_inside = false;
            ct_rwlock_read(r->l, tid, &snap, check_inside, t);
            VCHECK(t, consistent(&snap),
                   "read %u: torn snapshot %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64, i,
                   snap.w[0], snap.w[1], snap.w[2], snap.w[3]);
            VCHECK(t, r->retries || !t->torn_inside,
                   "read %u: the read section's code saw a torn snapshot", i);
            VCHECK(t, snap.w[0] >= t->newest,
                   "read %u: saw %" PRIu64 ", older than %" PRIu64 " it saw or wrote before", i,
                   snap.w[0], t->newest);
            t->newest = snap.w[0];
        }
    }
    t->done = i;
}

static int test_validate(void *arg)
{
    const ct_test_cell *cell = arg;
    const ct_rwlock_ops *ops = cell->impl;
    const char *name = ops->desc.name;
    struct vrun *r = calloc(1, sizeof *r);
    uint64_t writes = 0;
    unsigned stopped = 0, done = 0;
    ct_rwlock_rec fin;
    int bad = 0;

    CT_CHECK(r != NULL && cell->threads <= MAX_THREADS);
    r->threads = cell->threads;
    r->retries = ops == &ct_rwlock_seqlock;
    r->l = ct_rwlock_new(name, r->threads);
    if (!r->l)
        ct_test_fail("%s: ct_rwlock_new(.., %u): %s", name, r->threads, strerror(errno));
    ct_test_barrier_init(&r->start, r->threads);
    r->deadline = ct_now_ns() + DEADLINE_NS;
    ct_test_run_threads(r->threads, vthread_main, r);
    ct_test_barrier_destroy(&r->start);

    for (unsigned t = 0; t < r->threads; t++) {
        writes += r->th[t].writes;
        done += r->th[t].done;
        stopped += (unsigned)r->th[t].stopped;
    }
    for (unsigned t = 0; t < r->threads; t++) {
        if (r->th[t].newest > writes && !r->th[t].err[0])
            snprintf(r->th[t].err, sizeof r->th[t].err,
                     "saw %" PRIu64 ", more than the %" PRIu64 " writes made", r->th[t].newest,
                     writes);
        if (r->th[t].err[0]) {
            fprintf(stderr, "%s, %u threads: thread %u: %s\n", name, r->threads, t, r->th[t].err);
            bad = 1;
        }
    }
    ct_rwlock_read(r->l, 0, &fin, NULL, NULL);
    for (int w = 0; w < CT_RWLOCK_WORDS; w++)
        if (fin.w[w] != writes) {
            fprintf(stderr,
                    "%s, %u threads: word %d of the final record is %" PRIu64 " after %" PRIu64
                    " writes\n",
                    name, r->threads, w, fin.w[w], writes);
            bad = 1;
        }
    if (stopped)
        printf("  %s, %u threads: %u stopped at the deadline, after %u of %u operations\n", name,
               r->threads, stopped, done, r->threads * OPS_PER_THREAD);
    ct_rwlock_free(r->l);
    free(r);
    return bad;
}

/* ---- registry, find, create/destroy ------------------------------------------- */

CT_TEST_REGISTRY_ADAPTERS(rwlock)

static void *rwlock_new_one(const char *name)
{
    return ct_rwlock_new(name, 1);
}

static int test_registry(void *arg)
{
    size_t n;

    (void)arg;
    /* Every design is exact (a lost or torn update is a bug, not a pitfall)
     * and names its one progress class. */
    n = ct_test_check_registry(
        &(ct_test_registry){CT_TEST_REGISTRY_OF(rwlock), .create = rwlock_new_one,
                            .known_caps = CT_RWLOCK_CAP_EXCLUSIVE, .required_caps = CT_CAP_EXACT,
                            .rules = CT_TEST_NO_PITFALL | CT_TEST_ONE_PROGRESS});
    for (size_t i = 0; i < n; i++) {
        const ct_rwlock_ops *o = ct_rwlock_impls()[i];
        const ct_impl_desc *d = &o->desc;

        if (!o->create || (!d->unavailable && (!o->destroy || !o->read || !o->write)))
            ct_test_fail("%s: a function pointer is NULL", d->name);
    }
    ct_rwlock_free(NULL); /* a no-op, as free(NULL) */
    return 0;
}

static int test_find_unknown(void *arg)
{
    ct_rwlock *l;

    (void)arg;
    ct_test_check_unknown_names(
        &(ct_test_registry){CT_TEST_REGISTRY_OF(rwlock), .create = rwlock_new_one}, NULL);
    l = ct_rwlock_new(NULL, 1);
    if (!l || ct_rwlock_impl(l) != ct_rwlock_impls()[0])
        ct_test_fail("ct_rwlock_new(NULL, 1) must make the first listed (%s)",
                     ct_rwlock_impls()[0]->desc.name);
    ct_rwlock_free(l);
    return 0;
}

static void add_big(ct_rwlock_rec *rec, void *arg)
{
    for (int i = 0; i < CT_RWLOCK_WORDS; i++)
        rec->w[i] += *(uint64_t *)arg + (uint64_t)i;
}

static int test_create_destroy(void *arg)
{
    static const unsigned sizes[] = {1, 64};

    (void)arg;
    for (const ct_rwlock_ops *const *o = ct_rwlock_impls(); *o; o++) {
        const char *name = (*o)->desc.name;

        if ((*o)->desc.unavailable)
            continue;
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            unsigned mt = sizes[s];
            uint64_t big = UINT64_C(1) << 40;
            ct_rwlock *l = ct_rwlock_new(name, mt);
            ct_rwlock_rec snap;

            if (!l)
                ct_test_fail("%s: ct_rwlock_new(.., %u): %s", name, mt, strerror(errno));
            if (ct_rwlock_impl(l) != *o || (uintptr_t)l % CT_CACHELINE)
                ct_test_fail("%s: ops not set, or not cache-line aligned", name);
            memset(&snap, 0xff, sizeof snap);
            ct_rwlock_read(l, mt - 1, &snap, NULL, NULL); /* the last valid tid */
            for (int i = 0; i < CT_RWLOCK_WORDS; i++)
                if (snap.w[i] != 0)
                    ct_test_fail("%s: a new record reads %" PRIu64 " in word %d", name, snap.w[i],
                                 i);
            ct_rwlock_write(l, 0, add_big, &big);
            ct_rwlock_write(l, mt - 1, add_big, &big);
            ct_rwlock_read(l, 0, &snap, NULL, NULL);
            for (int i = 0; i < CT_RWLOCK_WORDS; i++)
                if (snap.w[i] != 2 * (big + (uint64_t)i))
                    ct_test_fail("%s: word %d reads %" PRIu64 ", expected %" PRIu64, name, i,
                                 snap.w[i], 2 * (big + (uint64_t)i));
            ct_rwlock_free(l);
        }
        if ((*o)->desc.caps & CT_CAP_PER_THREAD) {
            errno = 0;
            if (ct_rwlock_new(name, 0) != NULL || errno != EINVAL)
                ct_test_fail("%s: ct_rwlock_new(.., 0) must fail with EINVAL", name);
        }
    }
    return 0;
}

/* Many short-lived threads, one after another in waves, on one record per
 * design: RCU registers each with liburcu and must unregister it at exit (a
 * dangling reader would hang the next grace period or be a use after free). */
#define WAVES 20u
#define WAVE_THREADS 4u

struct wave {
    ct_rwlock *l;
    uint64_t one;
};

static void wave_thread(unsigned tid, void *arg)
{
    struct wave *w = arg;
    ct_rwlock_rec snap;

    ct_rwlock_read(w->l, tid, &snap, NULL, NULL);
    ct_rwlock_write(w->l, tid, add_big, &w->one);
    ct_rwlock_read(w->l, tid, &snap, NULL, NULL);
}

static int test_thread_churn(void *arg)
{
    (void)arg;
    for (const ct_rwlock_ops *const *o = ct_rwlock_impls(); *o; o++) {
        struct wave w = {.one = 1};
        ct_rwlock_rec snap;

        if ((*o)->desc.unavailable)
            continue;
        w.l = ct_rwlock_new((*o)->desc.name, WAVE_THREADS);
        if (!w.l)
            ct_test_fail("%s: ct_rwlock_new: %s", (*o)->desc.name, strerror(errno));
        for (unsigned k = 0; k < WAVES; k++)
            ct_test_run_threads(WAVE_THREADS, wave_thread, &w);
        ct_rwlock_read(w.l, 0, &snap, NULL, NULL);
        if (snap.w[0] != WAVES * WAVE_THREADS)
            ct_test_fail("%s: %" PRIu64 " after %u writes", (*o)->desc.name, snap.w[0],
                         WAVES * WAVE_THREADS);
        ct_rwlock_free(w.l);
    }
    return 0;
}

/* ---- a writer against an open read section --------------------------------------- */

/* One reader holds its read section open while one writer writes. An
 * exclusive design must not run the update until the reader has left: the
 * reader watches for OVERLAP_WATCH_NS and fails if the update ran. The
 * others (seqlock, RCU) must run it meanwhile, on a copy: the reader waits
 * for it (bounded by the case's timeout) and its snapshot must be whole: the
 * old record (RCU), or the new one after a retry (seqlock). rcu_sync's write
 * must not return before the reader leaves (its grace period). */
#define OVERLAP_WATCH_NS INT64_C(100000000)

struct overlap {
    ct_rwlock *l;
    bool exclusive;
    atomic_int reader_in;   /* the reader's section is open */
    atomic_int updated;     /* the writer's update has run */
    atomic_int returned;    /* the writer's write has returned */
    bool waits_for_readers; /* rcu_sync: the write returns after a grace period */
    bool overlapped;        /* exclusive: the update ran inside the section */
    bool early;             /* rcu_sync: the write returned inside the section */
};

static void overlap_inside(ct_rwlock_rec *snap, void *arg)
{
    struct overlap *o = arg;
    int64_t end = ct_now_ns() + OVERLAP_WATCH_NS;

    (void)snap;
    /* release: pairs with the writer's acquire wait; seq_cst not needed */
    atomic_store_explicit(&o->reader_in, 1, memory_order_release);
    if (o->exclusive) {
        while (ct_now_ns() < end)
            /* acquire: pairs with the update's release store */
            if (atomic_load_explicit(&o->updated, memory_order_acquire)) {
                o->overlapped = true;
                break;
            }
    } else {
        /* acquire: pairs with the update's release store */
        while (!atomic_load_explicit(&o->updated, memory_order_acquire))
            ct_cpu_relax();
        /* rcu_sync's writer frees the old record after synchronize_rcu: the
         * write must not return while this (pre-existing) reader is inside */
        end = ct_now_ns() + OVERLAP_WATCH_NS;
        while (o->waits_for_readers && ct_now_ns() < end)
            /* acquire: pairs with the writer's release store */
            if (atomic_load_explicit(&o->returned, memory_order_acquire)) {
                o->early = true;
                break;
            }
    }
}

static void overlap_update(ct_rwlock_rec *rec, void *arg)
{
    struct overlap *o = arg;

    for (int i = 0; i < CT_RWLOCK_WORDS; i++)
        rec->w[i] = 7;
    /* release: pairs with the reader's acquire loads */
    atomic_store_explicit(&o->updated, 1, memory_order_release);
}

static void overlap_thread(unsigned tid, void *arg)
{
    struct overlap *o = arg;

    if (tid == 0) {
        ct_rwlock_rec snap;

        ct_rwlock_read(o->l, 0, &snap, overlap_inside, o);
        /* seqlock's reader retries after the publication: the new record */
        if (!consistent(&snap) ||
            (snap.w[0] != 0 && !(snap.w[0] == 7 && ct_rwlock_impl(o->l) == &ct_rwlock_seqlock)))
            ct_test_fail("%s: the reader's snapshot is %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
                         ", not the record as it was when it entered (all 0)",
                         ct_rwlock_impl(o->l)->desc.name, snap.w[0], snap.w[1], snap.w[2],
                         snap.w[3]);
        return;
    }
    /* acquire: pairs with the reader's release store */
    while (!atomic_load_explicit(&o->reader_in, memory_order_acquire))
        ct_cpu_relax();
    ct_rwlock_write(o->l, 1, overlap_update, o);
    /* release: pairs with the reader's acquire load */
    atomic_store_explicit(&o->returned, 1, memory_order_release);
}

static int test_overlap(void *arg)
{
    (void)arg;
    for (const ct_rwlock_ops *const *ops = ct_rwlock_impls(); *ops; ops++) {
        struct overlap o = {.exclusive = ((*ops)->desc.caps & CT_RWLOCK_CAP_EXCLUSIVE) != 0};
        ct_rwlock_rec snap;

        if ((*ops)->desc.unavailable)
            continue;
        atomic_init(&o.reader_in, 0);
        atomic_init(&o.updated, 0);
        atomic_init(&o.returned, 0);
        o.waits_for_readers = *ops == &ct_rwlock_rcu_sync;
        o.l = ct_rwlock_new((*ops)->desc.name, 2);
        if (!o.l)
            ct_test_fail("%s: ct_rwlock_new: %s", (*ops)->desc.name, strerror(errno));
        ct_test_run_threads(2, overlap_thread, &o);
        if (o.overlapped)
            ct_test_fail("%s: declares CT_RWLOCK_CAP_EXCLUSIVE, but a writer's update ran "
                         "while a read section was open",
                         (*ops)->desc.name);
        if (o.early)
            ct_test_fail("%s: the write returned while a reader that began before it was "
                         "still inside (no grace period: the old record freed under it)",
                         (*ops)->desc.name);
        ct_rwlock_read(o.l, 0, &snap, NULL, NULL);
        if (snap.w[0] != 7)
            ct_test_fail("%s: after the write the record reads %" PRIu64 ", not 7",
                         (*ops)->desc.name, snap.w[0]);
        printf("  %-12s %s\n", (*ops)->desc.name,
               o.exclusive ? "the writer waited for the reader"
                           : "the writer updated a copy while the reader read");
        ct_rwlock_free(o.l);
    }
    return 0;
}

/* A per-thread design aborts on a tid >= max_threads instead of touching a
 * slot it does not have: checked in a child. */
static void read_bad_tid(void *name)
{
    ct_rwlock *l = ct_rwlock_new(name, 2);
    ct_rwlock_rec snap;

    if (!l)
        _exit(3);
    ct_rwlock_read(l, 2, &snap, NULL, NULL);
}

static int test_bad_tid_aborts(void *arg)
{
    (void)arg;
    for (const ct_rwlock_ops *const *o = ct_rwlock_impls(); *o; o++) {
        char what[96];

        if (!((*o)->desc.caps & CT_CAP_PER_THREAD) || (*o)->desc.unavailable)
            continue;
        snprintf(what, sizeof what, "%s: read with tid 2 on ct_rwlock_new(.., 2)", (*o)->desc.name);
        ct_test_expect_abort(what, read_bad_tid, (void *)(*o)->desc.name);
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const ct_test_case fixed[] = {
        {.name = "registry", .fn = test_registry},
        {.name = "find_unknown", .fn = test_find_unknown},
        {.name = "create_destroy", .fn = test_create_destroy},
        {.name = "thread_churn", .fn = test_thread_churn, .timeout_s = VALIDATE_TIMEOUT_S},
        {.name = "overlap", .fn = test_overlap, .timeout_s = VALIDATE_TIMEOUT_S},
        {.name = "per_thread/bad_tid_aborts", .fn = test_bad_tid_aborts},
    };
    size_t n = ct_registry_count(ct_rwlock_descs());
    ct_test_competitor *comps = calloc(n ? n : 1, sizeof *comps);
    int rc;

    if (!comps)
        ct_die("test_rwlock_validate: no memory for %zu competitors", n);
    for (size_t i = 0; i < n; i++) {
        const ct_rwlock_ops *ops = ct_rwlock_impls()[i];

        comps[i] = (ct_test_competitor){ops, ops->desc.name, ops->desc.unavailable, NULL};
    }
    rc = ct_test_main_matrix(argc, argv, fixed, sizeof fixed / sizeof fixed[0], comps, n,
                             thread_counts, NCOUNTS, test_validate, VALIDATE_TIMEOUT_S);
    free(comps);
    return rc;
}
