/*
 * test_objpool_validate.c: the object-pool family's validate driver.
 *
 *   validate/<impl>/<T>t   T threads (1, 2, 4, 8: 4x oversubscribed on the
 *                          2-core reference machine), released together, each
 *                          in rounds of two phases:
 *                           - churn: a working set of W objects, the oldest
 *                             put back and a new one got, 200 times;
 *                           - hand-over: B objects got and filled, pushed as
 *                             a batch onto a shared queue (a mutex), then one
 *                             batch popped (often another thread's), checked
 *                             and put back with the popping thread's tid, so
 *                             objects change threads and per-thread caches
 *                             overflow into (and are refilled from) a depot.
 *                          Every get must return a 16-byte aligned object that
 *                          nobody holds (each holder stamps it HELD and marks
 *                          it FREE before its put); every put finds the
 *                          object exactly as its holder filled it, every word
 *                          (a second holder would have overwritten it). The
 *                          fill is plain stores: without the put-to-get
 *                          ordering the contract promises, TSan reports a
 *                          race. After the join, T x W + B objects taken at
 *                          once from tid 0 are distinct; then everything goes
 *                          back and the pool is freed (LeakSanitizer: nothing
 *                          left behind).
 *   semantics              single-threaded, every built design: object sizes
 *                          from 1 byte to CT_OBJPOOL_MAX_SIZE, 300 objects
 *                          held at once (distinct, aligned, every byte
 *                          writable: ASan sees an overflow), put back by
 *                          another tid than got them, taken and put again
 *   per_thread/bad_tid_aborts   CT_CAP_PER_THREAD designs abort on a tid at or
 *                          above max_threads (in a child)
 *   registry, new_errors   the list's entries and ct_objpool_new's refusals
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ct_test.h"
#include "objpool.h"

#define OBJ_SIZE 200u /* not a power of two, not a whole number of lines */
#define WORDS (OBJ_SIZE / sizeof(uint64_t))
#define HELD 8u    /* the working set */
#define BATCH 100u /* objects per hand-over: more than two magazines' worth */
#define ROUNDS 200u
#define CHURN 200u
#define MAX_THREADS 8u
#define VALIDATE_TIMEOUT_S 60u

#define STAMP_HELD UINT64_C(0x48454c44f00dcafe)
#define STAMP_FREE UINT64_C(0x46524545deadbeef)
#define MIX UINT64_C(0x9E3779B97F4A7C15)

static const unsigned thread_counts[] = {1, 2, 4, 8};

/* A broken competitor's double hand-out makes two holders write one object
 * at once: a data race, which TSan reports (exit 66) before the checks can
 * fail the case as its XFAIL requires. Its cases run in the other trees. */
#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#else
#define UNDER_TSAN 0
#endif
#define BROKEN_UNDER_TSAN                                                                          \
    "broken on purpose: its double hand-out is a data race TSan reports; the plain and ASan "      \
    "trees run its XFAIL cases"

/* ---- validate/<impl>/<T>t ------------------------------------------------------ */

typedef struct batch {
    struct batch *next; /* in the queue */
    uint64_t *obj[BATCH];
} batch;

struct vthread {
    uint64_t seq;
    char err[200]; /* the first thing this thread saw wrong */
};

struct vrun {
    ct_objpool *pool;
    ct_test_barrier start;
    pthread_mutex_t qlock;
    batch *queue; /* under qlock */
    struct vthread th[MAX_THREADS];
};

#define VCHECK(t, cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond) && !(t)->err[0])                                                               \
            snprintf((t)->err, sizeof(t)->err, __VA_ARGS__);                                       \
    } while (0)

/* Get an object, check nobody holds it, stamp and fill it (word 0: HELD,
 * word 1: its id, the rest derived from the id). */
static uint64_t *take(struct vrun *r, unsigned tid)
{
    struct vthread *t = &r->th[tid];
    uint64_t *o = ct_objpool_get(r->pool, tid), id;

    if (!o)
        ct_test_fail("get returned NULL: %s", strerror(errno));
    VCHECK(t, (uintptr_t)o % CT_OBJPOOL_ALIGN == 0, "get returned %p, not 16-byte aligned",
           (void *)o);
    VCHECK(t, o[0] != STAMP_HELD, "get returned an object held by id 0x%" PRIx64, o[1]);
    id = (uint64_t)tid << 48 | ++t->seq;
    o[0] = STAMP_HELD;
    o[1] = id;
    for (unsigned w = 2; w < WORDS; w++)
        o[w] = id * MIX ^ w;
    return o;
}

/* Check the object is as its holder filled it, mark it free, put it back. */
static void give(struct vrun *r, unsigned tid, uint64_t *o)
{
    struct vthread *t = &r->th[tid];
    uint64_t id = o[1];
    unsigned bad = o[0] != STAMP_HELD;

    for (unsigned w = 2; w < WORDS; w++)
        bad += o[w] != (id * MIX ^ w);
    VCHECK(t, !bad, "a put found %u words changed under its holder (id 0x%" PRIx64 ")", bad, id);
    o[0] = STAMP_FREE;
    ct_objpool_put(r->pool, tid, o);
}

static void vthread_main(unsigned tid, void *arg)
{
    struct vrun *r = arg;
    uint64_t *held[HELD];
    unsigned k = 0;

    ct_test_barrier_wait(&r->start);
    for (unsigned i = 0; i < HELD; i++)
        held[i] = take(r, tid);
    for (unsigned round = 0; round < ROUNDS; round++) {
        batch *b;

        for (unsigned i = 0; i < CHURN; i++) {
            give(r, tid, held[k]);
            held[k] = take(r, tid);
            k = (k + 1) % HELD;
        }
        if (!(b = malloc(sizeof *b)))
            ct_test_fail("out of memory");
        for (unsigned i = 0; i < BATCH; i++)
            b->obj[i] = take(r, tid);
        pthread_mutex_lock(&r->qlock); /* orders the fill before the other thread's check */
        b->next = r->queue;
        r->queue = b;
        b = r->queue; /* the newest batch: often another thread's */
        r->queue = b->next;
        pthread_mutex_unlock(&r->qlock);
        for (unsigned i = 0; i < BATCH; i++)
            give(r, tid, b->obj[i]);
        free(b);
    }
    for (unsigned i = 0; i < HELD; i++)
        give(r, tid, held[i]);
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;

    return (x > y) - (x < y);
}

static int test_validate(void *arg)
{
    const ct_test_cell *cell = arg;
    const ct_objpool_ops *ops = cell->impl;
    size_t n = (size_t)cell->threads * HELD + BATCH;
    struct vrun *r = calloc(1, sizeof *r);
    void **all = calloc(n, sizeof *all);
    int bad = 0;

    CT_CHECK(r && all && cell->threads <= MAX_THREADS);
    if (!(r->pool = ct_objpool_new(ops->desc.name, OBJ_SIZE, cell->threads)))
        ct_test_fail("%s: ct_objpool_new(%u, %u): %s", ops->desc.name, OBJ_SIZE, cell->threads,
                     strerror(errno));
    CT_CHECK(pthread_mutex_init(&r->qlock, NULL) == 0);
    ct_test_barrier_init(&r->start, cell->threads);
    ct_test_run_threads(cell->threads, vthread_main, r);
    ct_test_barrier_destroy(&r->start);
    for (unsigned t = 0; t < cell->threads; t++)
        if (r->th[t].err[0]) {
            fprintf(stderr, "%s, %u threads: thread %u: %s\n", ops->desc.name, cell->threads, t,
                    r->th[t].err);
            bad = 1;
        }
    if (r->queue) {
        fprintf(stderr, "%s: a batch was left on the queue\n", ops->desc.name);
        bad = 1;
    }
    /* At rest: n objects at once are n distinct objects. */
    for (size_t i = 0; i < n; i++)
        if (!(all[i] = ct_objpool_get(r->pool, 0)))
            ct_test_fail("%s: get %zu of %zu at rest returned NULL", ops->desc.name, i + 1, n);
    qsort(all, n, sizeof *all, cmp_ptr);
    for (size_t i = 1; i < n && !bad; i++)
        if (all[i] == all[i - 1]) {
            fprintf(stderr, "%s: %p handed out twice among %zu objects taken at once\n",
                    ops->desc.name, all[i], n);
            bad = 1;
        }
    for (size_t i = 0; i < n; i++) /* one put per get, even for a double hand-out */
        ct_objpool_put(r->pool, (unsigned)(i % cell->threads), all[i]);
    printf("  %s, %u threads: %u rounds of %u churns and a hand-over of %u each\n", ops->desc.name,
           cell->threads, ROUNDS, CHURN, BATCH);
    ct_objpool_free(r->pool);
    pthread_mutex_destroy(&r->qlock);
    free(all);
    free(r);
    return bad;
}

/* ---- semantics, bad tid, registry, new_errors ---------------------------------- */

static int test_semantics(void *arg)
{
    static const size_t sizes[] = {1, 8, 16, 24, 100, 4096, CT_OBJPOOL_MAX_SIZE};
    enum { N = 300 };

    (void)arg;
    for (const ct_objpool_ops *const *o = ct_objpool_impls(); *o; o++) {
        const char *name = (*o)->desc.name;

        if ((*o)->desc.unavailable)
            continue;
        if (ct_test_broken((*o)->desc.caps)) { /* it would fail here too: its XFAIL cases */
            printf("  %s: not here, %s\n", name, ct_test_broken((*o)->desc.caps));
            continue;
        }
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            size_t size = sizes[s], n = size > 4096 ? 4 : N;
            ct_objpool *p = ct_objpool_new(name, size, 2);
            void *obj[N];

            if (!p)
                ct_test_fail("%s: ct_objpool_new(%zu, 2): %s", name, size, strerror(errno));
            CT_CHECK(ct_objpool_impl(p) == *o && (uintptr_t)p % CT_CACHELINE == 0);
            for (int pass = 0; pass < 2; pass++) {
                for (size_t i = 0; i < n; i++) {
                    if (!(obj[i] = ct_objpool_get(p, (unsigned)pass)))
                        ct_test_fail("%s: get of %zu bytes: %s", name, size, strerror(errno));
                    if ((uintptr_t)obj[i] % CT_OBJPOOL_ALIGN)
                        ct_test_fail("%s: %p is not 16-byte aligned", name, obj[i]);
                    memset(obj[i], (int)(i & 0xff), size); /* every byte is the caller's */
                }
                for (size_t i = 0; i < n; i++) /* distinct: each still holds its own fill */
                    for (size_t b = 0; b<size; b += size> 64 ? size / 7 : 1)
                        if (((unsigned char *)obj[i])[b] != (unsigned char)(i & 0xff))
                            ct_test_fail("%s: object %zu of %zu bytes overlaps another", name, i,
                                         size);
                for (size_t i = 0; i < n; i++) /* back through the other tid */
                    ct_objpool_put(p, (unsigned)!pass, obj[i]);
            }
            ct_objpool_free(p);
        }
    }
    return 0;
}

static void bad_tid(void *arg)
{
    ct_objpool *p = ct_objpool_new(arg, 64, 2);

    if (!p)
        _exit(3);
    (void)ct_objpool_get(p, 2);
}

static int test_bad_tid_aborts(void *arg)
{
    (void)arg;
    for (const ct_objpool_ops *const *o = ct_objpool_impls(); *o; o++) {
        char what[96];

        if (!((*o)->desc.caps & CT_CAP_PER_THREAD) || (*o)->desc.unavailable)
            continue;
        snprintf(what, sizeof what, "%s: get with tid 2 on ct_objpool_new(.., 2)", (*o)->desc.name);
        ct_test_expect_abort(what, bad_tid, (void *)(*o)->desc.name);
    }
    return 0;
}

CT_TEST_REGISTRY_ADAPTERS(objpool)

static void *objpool_new_one(const char *name)
{
    return ct_objpool_new(name, 64, 1);
}

static int test_registry(void *arg)
{
    size_t n;

    (void)arg;
    /* Every pool is exact and MPMC and names its one progress class. */
    n = ct_test_check_registry(&(ct_test_registry){
        CT_TEST_REGISTRY_OF(objpool), .create = objpool_new_one,
        .required_caps = CT_CAP_EXACT | CT_CAP_MPMC, .rules = CT_TEST_ONE_PROGRESS});
    for (size_t i = 0; i < n; i++) {
        const ct_objpool_ops *o = ct_objpool_impls()[i];
        const ct_impl_desc *d = &o->desc;

        if (!o->create || !o->destroy || !o->get || !o->put)
            ct_test_fail("%s: a function pointer is NULL", d->name);
        if (!d->unavailable && (d->caps & CT_CAP_PER_THREAD)) {
            errno = 0;
            if (ct_objpool_new(d->name, 64, 0) != NULL || errno != EINVAL)
                ct_test_fail("%s: ct_objpool_new(.., 0) must fail with EINVAL", d->name);
        }
    }
    CT_CHECK(n >= 4);
    return 0;
}

static int test_new_errors(void *arg)
{
    ct_objpool *p;

    (void)arg;
    errno = 0;
    CT_CHECK(ct_objpool_new("no_such_pool", 64, 1) == NULL && errno == EINVAL);
    for (const ct_objpool_ops *const *o = ct_objpool_impls(); *o; o++) {
        if ((*o)->desc.unavailable)
            continue;
        errno = 0;
        CT_CHECK(ct_objpool_new((*o)->desc.name, 0, 1) == NULL && errno == EINVAL);
        errno = 0;
        CT_CHECK(ct_objpool_new((*o)->desc.name, CT_OBJPOOL_MAX_SIZE + 1, 1) == NULL &&
                 errno == EINVAL);
    }
    p = ct_objpool_new(NULL, 64, 1);
    CT_CHECK(p != NULL && ct_objpool_impl(p) == ct_objpool_impls()[0]);
    ct_objpool_free(p);
    ct_objpool_free(NULL);
    return 0;
}

/* ---- the table ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    static const ct_test_case fixed[] = {
        {.name = "registry", .fn = test_registry},
        {.name = "new_errors", .fn = test_new_errors},
        {.name = "semantics", .fn = test_semantics, .timeout_s = 30},
        {.name = "per_thread/bad_tid_aborts", .fn = test_bad_tid_aborts, .timeout_s = 30},
    };
    size_t n = ct_registry_count(ct_objpool_descs());
    ct_test_competitor *comps = calloc(n ? n : 1, sizeof *comps);
    int rc;

    if (!comps)
        ct_die("test_objpool_validate: no memory for %zu competitors", n);
    for (size_t i = 0; i < n; i++) {
        const ct_objpool_ops *ops = ct_objpool_impls()[i];

        comps[i] =
            (ct_test_competitor){ops, ops->desc.name,
                                 ops->desc.unavailable ? ops->desc.unavailable
                                 : ct_test_broken(ops->desc.caps) && UNDER_TSAN ? BROKEN_UNDER_TSAN
                                                                                : NULL,
                                 ct_test_broken(ops->desc.caps)};
    }
    rc = ct_test_main_matrix(argc, argv, fixed, sizeof fixed / sizeof fixed[0], comps, n,
                             thread_counts, sizeof thread_counts / sizeof thread_counts[0],
                             test_validate, VALIDATE_TIMEOUT_S);
    free(comps);
    return rc;
}
