/*
 * test_counter_validate.c: the counter family's validate driver.
 *
 * Every registered competitor that declares CT_CAP_EXACT is run by 1, 2, 4
 * and 8 adding threads (8 is 4x oversubscription on the 2-core reference
 * machine) plus one reader thread, all released together by a start barrier.
 * One case per (competitor, thread count), named validate/<impl>/<n>t.
 * The competitors come from ct_counter_impls(), never from a list here, so a
 * new one is validated as soon as it is registered; those without
 * CT_CAP_EXACT are listed as SKIP with the reason.
 *
 * What is checked:
 *  - each adder adds a fixed sequence of deltas (mostly 1, some in the
 *    thousands, some above 2^32 to catch a truncating add), reading every
 *    READ_EVERY adds: a read never goes back, never misses the adder's own
 *    adds, never exceeds the final total;
 *  - the reader reads until the adders are done: never back, never above
 *    the total; then, having synchronized with the adders (acquire on their
 *    release), it must read the exact total;
 *  - after the join, read returns the exact total: no update lost.
 * "The total" is the sum of the deltas the adders actually added: normally
 * all of them, fewer when a collapsed spinning lock hits DEADLINE_S (the case
 * then says so).
 * Plus the counter list's own rules (exact or pitfall, one progress class;
 * ct_test_check_registry checks them with what every family's registry case
 * shares), ct_counter_find's and ct_counter_new's errors, create/destroy at
 * max_threads 1 and 64, the per-thread designs' abort on a bad tid, and the
 * spin locks of ct_spinlock.h (trylock, which the counters do not use, and
 * mutual exclusion).
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

#include "counter.h"
#include "ct_spinlock.h"
#include "ct_test.h"

#define OPS_PER_THREAD 20000u /* small enough to be quick under TSan */
#define READ_EVERY 256u       /* an adder reads after this many adds */
/* Spinning locks with more threads than cores hand the lock to preempted
 * threads (the ticket lock always does): throughput collapses by orders of
 * magnitude, which is what the benchmarks show. To keep the test fast the
 * adders stop at this deadline (checked before every add, outside the
 * counter: in a collapse each add is a trip through the scheduler); the
 * checks then use the adds actually made. Not scaled by CT_TIMEOUT_MULT:
 * fewer adds under TSan validate just as well. A deadlock still hangs and
 * fails on the case timeout. */
#define DEADLINE_S 0.5
#define DEADLINE_NS ((int64_t)(DEADLINE_S * 1e9))
#define MAX_ADDERS 8u /* the largest of thread_counts */
#define VALIDATE_TIMEOUT_S 30u

static const unsigned thread_counts[] = {1, 2, 4, 8};
#define NCOUNTS (sizeof thread_counts / sizeof thread_counts[0])

/* The i-th delta of adder tid: deterministic, so the largest possible total
 * is known before the run starts. */
static uint64_t delta_of(unsigned tid, unsigned i)
{
    if (i % 64 == 63)
        return (UINT64_C(1) << 32) + tid; /* above 32 bits */
    if (i % 8 == 7)
        return 1000 + i % 1000;
    return 1;
}

/* ---- validate/<impl>/<n>t ----------------------------------------------------- */

struct vcase {
    const ct_counter_ops *ops;
    unsigned adders;
};

struct vthread {
    uint64_t added;      /* the sum of this adder's deltas */
    uint64_t last_read;  /* the largest value it read (its reads are monotonic) */
    uint64_t final_read; /* the reader's read after every adder finished */
    unsigned done;       /* adds completed */
    int stopped;         /* 1: stopped at the deadline */
    char err[240];       /* the first check this thread saw fail */
};

struct vrun {
    ct_counter *c;
    unsigned adders;
    uint64_t max_total; /* the total if every adder does all its adds */
    int64_t deadline;   /* ct_now_ns() */
    ct_test_barrier start;
    atomic_uint adders_left; /* the reader stops when it reaches 0 */
    struct vthread th[MAX_ADDERS + 1];
};

/* Record the first failed check of a thread; threads never exit the process
 * themselves, so the case reports every thread's failure after the join. */
#define VCHECK(t, cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond) && !(t)->err[0])                                                               \
            snprintf((t)->err, sizeof(t)->err, __VA_ARGS__);                                       \
    } while (0)

static void adder(struct vrun *r, unsigned tid)
{
    struct vthread *t = &r->th[tid];
    uint64_t mine = 0, last = 0;
    unsigned i;

    ct_test_barrier_wait(&r->start);
    for (i = 0; i < OPS_PER_THREAD; i++) {
        uint64_t d = delta_of(tid, i);

        /* Outside the counter, so a deadlock still hangs (and times out). */
        if (ct_now_ns() > r->deadline) {
            t->stopped = 1;
            break;
        }
        ct_counter_add(r->c, tid, d);
        mine += d;
        if (i % READ_EVERY == READ_EVERY - 1) {
            uint64_t v = ct_counter_read(r->c, tid);

            VCHECK(t, v >= last, "adder %u: read went back from %" PRIu64 " to %" PRIu64, tid, last,
                   v);
            VCHECK(t, v >= mine, "adder %u: read %" PRIu64 " misses its own adds (%" PRIu64 ")",
                   tid, v, mine);
            VCHECK(t, v <= r->max_total,
                   "adder %u: read %" PRIu64 " exceeds the largest possible total %" PRIu64, tid, v,
                   r->max_total);
            last = v;
        }
    }
    t->added = mine;
    t->done = i;
    t->last_read = last;
    /* release: pairs with the reader's acquire load, so every add above
     * happens-before the reader's final read (a release sequence: every
     * adder's decrement is an RMW on the same word) */
    atomic_fetch_sub_explicit(&r->adders_left, 1, memory_order_release);
}

static void reader(struct vrun *r, unsigned tid)
{
    struct vthread *t = &r->th[tid];
    uint64_t last = 0, v;

    ct_test_barrier_wait(&r->start);
    /* acquire: pairs with the adders' release decrement */
    while (atomic_load_explicit(&r->adders_left, memory_order_acquire) != 0) {
        v = ct_counter_read(r->c, tid);
        VCHECK(t, v >= last, "reader: read went back from %" PRIu64 " to %" PRIu64, last, v);
        VCHECK(t, v <= r->max_total,
               "reader: read %" PRIu64 " exceeds the largest possible total %" PRIu64, v,
               r->max_total);
        last = v;
        for (int k = 0; k < 32; k++) /* leave the adders some room */
            ct_cpu_relax();
    }
    t->last_read = last;
    /* Synchronized with every adder now: the read must be exact. The case
     * compares it with the adders' sum after the join. */
    t->final_read = ct_counter_read(r->c, tid);
}

static void vthread_main(unsigned idx, void *arg)
{
    struct vrun *r = arg;

    if (idx < r->adders)
        adder(r, idx);
    else
        reader(r, idx);
}

static int test_validate(void *arg)
{
    const ct_test_cell *cell = arg;
    const struct vcase vcase = {cell->impl, cell->threads}, *vc = &vcase;
    unsigned nthreads = vc->adders + 1; /* adders + one reader */
    unsigned rd = vc->adders;           /* the reader's index */
    struct vrun *r = calloc(1, sizeof *r);
    uint64_t total = 0, got;
    unsigned done = 0, stopped = 0;
    int bad = 0;

    CT_CHECK(r != NULL);
    r->adders = vc->adders;
    for (unsigned tid = 0; tid < vc->adders; tid++)
        for (unsigned i = 0; i < OPS_PER_THREAD; i++)
            r->max_total += delta_of(tid, i);
    atomic_init(&r->adders_left, vc->adders);
    r->c = ct_counter_new(vc->ops->desc.name, nthreads); /* the reader has a tid too */
    if (!r->c)
        ct_test_fail("%s: ct_counter_new(.., %u): %s", vc->ops->desc.name, nthreads,
                     strerror(errno));
    ct_test_barrier_init(&r->start, nthreads);
    r->deadline = ct_now_ns() + DEADLINE_NS;

    ct_test_run_threads(nthreads, vthread_main, r);

    ct_test_barrier_destroy(&r->start);
    for (unsigned i = 0; i < vc->adders; i++) {
        total += r->th[i].added;
        done += r->th[i].done;
        stopped += (unsigned)r->th[i].stopped;
    }
    got = ct_counter_read(r->c, 0);
    if (got != total) {
        fprintf(stderr,
                "%s, %u adders: final read %" PRIu64 ", but the adders added %" PRIu64 " (%" PRId64
                " off)\n",
                vc->ops->desc.name, vc->adders, got, total, (int64_t)(got - total));
        bad = 1;
    }
    if (r->th[rd].final_read != total && !r->th[rd].err[0])
        snprintf(r->th[rd].err, sizeof r->th[rd].err,
                 "reader: after every adder finished, read %" PRIu64 ", expected %" PRIu64,
                 r->th[rd].final_read, total);
    for (unsigned i = 0; i < nthreads; i++) {
        if (r->th[i].last_read > total && !r->th[i].err[0])
            snprintf(r->th[i].err, sizeof r->th[i].err,
                     "thread %u read %" PRIu64 ", above the final total %" PRIu64, i,
                     r->th[i].last_read, total);
        if (r->th[i].err[0]) {
            fprintf(stderr, "%s, %u adders: %s\n", vc->ops->desc.name, vc->adders, r->th[i].err);
            bad = 1;
        }
    }
    if (stopped)
        printf("  %s, %u adders: %u of %u adders stopped at the %.1f s deadline, after %u of "
               "%u adds in all%s\n",
               vc->ops->desc.name, vc->adders, stopped, vc->adders, DEADLINE_S, done,
               vc->adders * OPS_PER_THREAD,
               (vc->ops->desc.caps & CT_CAP_SPINNING) ? " (a spinning lock, oversubscribed)" : "");
    ct_counter_free(r->c);
    free(r);
    return bad;
}

/* ---- registry, find, create/destroy ------------------------------------------- */

CT_TEST_REGISTRY_ADAPTERS(counter)

static void *counter_new_one(const char *name)
{
    return ct_counter_new(name, 1);
}

static int test_registry(void *arg)
{
    const ct_counter_ops *racy;
    size_t n;

    (void)arg;
    /* Exactly one of exact / pitfall; an exact design names its one
     * progress class. A counter has no caps of its own. */
    n = ct_test_check_registry(
        &(ct_test_registry){CT_TEST_REGISTRY_OF(counter), .create = counter_new_one,
                            .rules = CT_TEST_EXACT_XOR_PITFALL | CT_TEST_ONE_PROGRESS_IF_EXACT});
    for (size_t i = 0; i < n; i++) {
        const ct_counter_ops *o = ct_counter_impls()[i];

        if (!o->create || !o->destroy || !o->add || !o->read)
            ct_test_fail("%s: a function pointer is NULL", o->desc.name);
    }
    racy = ct_counter_find("racy");
    CT_CHECK(racy != NULL);
    CT_CHECK(racy->desc.caps & CT_CAP_PITFALL);
    CT_CHECK(!(racy->desc.caps & CT_CAP_EXACT));
    ct_counter_free(NULL); /* a no-op, as free(NULL) */
    return 0;
}

static int test_find_unknown(void *arg)
{
    ct_counter *c;

    (void)arg;
    ct_test_check_unknown_names(
        &(ct_test_registry){CT_TEST_REGISTRY_OF(counter), .create = counter_new_one}, NULL);
    c = ct_counter_new(NULL, 1);
    if (!c || ct_counter_impl(c) != ct_counter_impls()[0])
        ct_test_fail("ct_counter_new(NULL, 1) must make the first listed (%s)",
                     ct_counter_impls()[0]->desc.name);
    ct_counter_free(c);
    return 0;
}

static int test_create_destroy(void *arg)
{
    static const unsigned sizes[] = {1, 64};

    (void)arg;
    for (const ct_counter_ops *const *o = ct_counter_impls(); *o; o++) {
        const ct_counter_ops *ops = *o;
        const char *name = ops->desc.name;

        if (ops->desc.unavailable)
            continue;
        if (ct_test_broken(ops->desc.caps)) { /* it would fail here too: its XFAIL cases */
            printf("  %s: not here, %s\n", name, ct_test_broken(ops->desc.caps));
            continue;
        }
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            unsigned mt = sizes[s];
            uint64_t big = UINT64_C(1) << 40;
            ct_counter *c = ct_counter_new(name, mt);

            if (!c)
                ct_test_fail("%s: ct_counter_new(.., %u): %s", name, mt, strerror(errno));
            if (ct_counter_impl(c) != ops)
                ct_test_fail("%s: ct_counter_new did not set the counter's ops", name);
            if ((uintptr_t)c % CT_CACHELINE)
                ct_test_fail("%s: ct_counter_new(.., %u) is not cache-line aligned", name, mt);
            if (ct_counter_read(c, 0) != 0)
                ct_test_fail("%s: a new counter reads nonzero", name);
            /* Single-threaded, so `racy` may take part too. */
            ct_counter_add(c, mt - 1, 3); /* the last valid tid */
            ct_counter_add(c, 0, big);
            if (ct_counter_read(c, mt - 1) != big + 3)
                ct_test_fail("%s: ct_counter_new(.., %u): read %" PRIu64 ", expected %" PRIu64,
                             name, mt, ct_counter_read(c, mt - 1), big + 3);
            ct_counter_free(c);
        }
        if (ops->desc.caps & CT_CAP_PER_THREAD) {
            errno = 0;
            if (ct_counter_new(name, 0) != NULL || errno != EINVAL)
                ct_test_fail("%s: ct_counter_new(.., 0) must fail with EINVAL", name);
        }
    }
    return 0;
}

/* The per-thread designs abort on a tid >= max_threads (a contract
 * violation) instead of writing out of bounds: check that in a child. */
static void add_bad_tid(void *name)
{
    ct_counter *c = ct_counter_new(name, 2);

    if (!c)
        _exit(3);
    ct_counter_add(c, 2, 1);
}

static int test_bad_tid_aborts(void *arg)
{
    (void)arg;
    for (const ct_counter_ops *const *o = ct_counter_impls(); *o; o++) {
        char what[96];

        if (!((*o)->desc.caps & CT_CAP_PER_THREAD) || (*o)->desc.unavailable)
            continue;
        snprintf(what, sizeof what, "%s: add with tid 2 on ct_counter_new(.., 2)", (*o)->desc.name);
        ct_test_expect_abort(what, add_bad_tid, (void *)(*o)->desc.name);
    }
    return 0;
}

/* ---- the spin locks the counters use (ct_spinlock.h) ------------------------- */

/* One lock of each kind behind the same four calls. */
union anylock {
    ct_spin_tas tas;
    ct_spin_ttas ttas;
    ct_ticket ticket;
};

struct lockops {
    const char *name;
    void (*init)(union anylock *l);
    bool (*trylock)(union anylock *l);
    void (*lock)(union anylock *l);
    void (*unlock)(union anylock *l);
};

#define LOCKOPS(kind, pre)                                                                         \
    static void kind##_init(union anylock *l)                                                      \
    {                                                                                              \
        pre##_init(&l->kind);                                                                      \
    }                                                                                              \
    static bool kind##_trylock(union anylock *l)                                                   \
    {                                                                                              \
        return pre##_trylock(&l->kind);                                                            \
    }                                                                                              \
    static void kind##_lock(union anylock *l)                                                      \
    {                                                                                              \
        pre##_lock(&l->kind);                                                                      \
    }                                                                                              \
    static void kind##_unlock(union anylock *l)                                                    \
    {                                                                                              \
        pre##_unlock(&l->kind);                                                                    \
    }
LOCKOPS(tas, ct_spin_tas)
LOCKOPS(ttas, ct_spin_ttas)
LOCKOPS(ticket, ct_ticket)
#undef LOCKOPS

static const struct lockops locks[] = {
    {"tas", tas_init, tas_trylock, tas_lock, tas_unlock},
    {"ttas", ttas_init, ttas_trylock, ttas_lock, ttas_unlock},
    {"ticket", ticket_init, ticket_trylock, ticket_lock, ticket_unlock},
};
#define NLOCKS (sizeof locks / sizeof locks[0])

static int test_spin_trylock(void *arg)
{
    (void)arg;
    for (size_t i = 0; i < NLOCKS; i++) {
        const struct lockops *k = &locks[i];
        union anylock l;

        k->init(&l);
        if (!k->trylock(&l))
            ct_test_fail("%s: trylock on a free lock failed", k->name);
        if (k->trylock(&l))
            ct_test_fail("%s: trylock on a held lock succeeded", k->name);
        k->unlock(&l);
        k->lock(&l);
        if (k->trylock(&l))
            ct_test_fail("%s: trylock after lock succeeded", k->name);
        k->unlock(&l);
        if (!k->trylock(&l))
            ct_test_fail("%s: trylock after unlock failed", k->name);
        k->unlock(&l);
    }
    return 0;
}

#define EXCL_THREADS 4u
#define EXCL_ITERS 5000u

struct excl {
    const struct lockops *k;
    union anylock l;
    ct_test_barrier start;
    int64_t deadline;            /* as in validate: spinning locks collapse */
    uint64_t plain;              /* guarded by l: a plain word, so TSan checks the lock */
    unsigned done[EXCL_THREADS]; /* increments per thread */
};

static void excl_thread(unsigned idx, void *arg)
{
    struct excl *e = arg;
    unsigned i;

    ct_test_barrier_wait(&e->start);
    for (i = 0; i < EXCL_ITERS && ct_now_ns() <= e->deadline; i++) {
        /* Half the threads take the lock with trylock, so its acquire is
         * exercised against lock/unlock too. */
        if (idx % 2)
            while (!e->k->trylock(&e->l))
                ct_cpu_relax();
        else
            e->k->lock(&e->l);
        e->plain++;
        e->k->unlock(&e->l);
    }
    e->done[idx] = i;
}

/* Mutual exclusion with a mix of lock and trylock; the counters only use
 * lock. */
static int test_spin_exclusion(void *arg)
{
    (void)arg;
    for (size_t i = 0; i < NLOCKS; i++) {
        struct excl e = {.k = &locks[i]};
        uint64_t want = 0;

        e.k->init(&e.l);
        ct_test_barrier_init(&e.start, EXCL_THREADS);
        e.deadline = ct_now_ns() + DEADLINE_NS;
        ct_test_run_threads(EXCL_THREADS, excl_thread, &e);
        ct_test_barrier_destroy(&e.start);
        for (unsigned t = 0; t < EXCL_THREADS; t++)
            want += e.done[t];
        if (e.plain != want)
            ct_test_fail("%s: %" PRIu64 " increments under the lock, expected %" PRIu64, e.k->name,
                         e.plain, want);
        if (want < (uint64_t)EXCL_THREADS * EXCL_ITERS)
            printf("  %s: stopped at the %.1f s deadline after %" PRIu64 " of %u increments\n",
                   e.k->name, DEADLINE_S, want, EXCL_THREADS * EXCL_ITERS);
    }
    return 0;
}

/* ---- the table ---------------------------------------------------------------- */

/* Why a competitor is not validated, or NULL. */
static const char *skip_reason(const ct_impl_desc *d)
{
    if (d->unavailable)
        return d->unavailable;
    if (d->caps & CT_CAP_EXACT)
        return NULL;
    return d->caps & CT_CAP_PITFALL ? "not CT_CAP_EXACT: a pitfall that loses updates by design"
                                    : "not CT_CAP_EXACT: does not promise an exact total";
}

int main(int argc, char **argv)
{
    static const ct_test_case fixed[] = {
        {.name = "registry", .fn = test_registry},
        {.name = "find_unknown", .fn = test_find_unknown},
        {.name = "create_destroy", .fn = test_create_destroy},
        {.name = "per_thread/bad_tid_aborts", .fn = test_bad_tid_aborts},
        {.name = "spinlock/trylock", .fn = test_spin_trylock},
        {.name = "spinlock/exclusion", .fn = test_spin_exclusion, .timeout_s = VALIDATE_TIMEOUT_S},
    };
    /* Sized from the registry: every competitor gets its cases. */
    size_t n = ct_registry_count(ct_counter_descs());
    ct_test_competitor *comps = calloc(n ? n : 1, sizeof *comps);
    int rc;

    if (!comps)
        ct_die("test_counter_validate: no memory for %zu competitors", n);
    for (size_t i = 0; i < n; i++) {
        const ct_counter_ops *ops = ct_counter_impls()[i];

        comps[i] = (ct_test_competitor){ops, ops->desc.name, skip_reason(&ops->desc),
                                        ct_test_broken(ops->desc.caps)};
    }
    rc = ct_test_main_matrix(argc, argv, fixed, sizeof fixed / sizeof fixed[0], comps, n,
                             thread_counts, NCOUNTS, test_validate, VALIDATE_TIMEOUT_S);
    free(comps);
    return rc;
}
