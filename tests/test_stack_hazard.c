/*
 * test_stack_hazard.c: the stack family's shared machinery on its own:
 * hazard pointers (primitives/common/ct_hazard.h) and the node pool
 * (primitives/common/ct_nodepool.h), which later lock-free structures reuse.
 *
 * Hazard pointers:
 *  - hazard/create_einval: bad arguments fail with EINVAL;
 *  - hazard/protected_not_reclaimed: a node protected by one thread survives
 *    any number of scans by another after it is retired, everything else is
 *    reclaimed, and the node goes once the hazard is cleared; nothing is
 *    reclaimed twice;
 *  - hazard/destroy_reclaims_all: what is still retired at destroy (below the
 *    scan threshold, or protected) is reclaimed exactly once, so nothing
 *    leaks (LeakSanitizer checks in the ASan tree);
 *  - hazard/stress/<n>t: threads swap objects in and out of shared cells and
 *    read them under hazards while others retire them; reclaim poisons then
 *    frees. A premature reclaim shows as a poisoned read, as a
 *    heap-use-after-free under ASan, and as a data race under TSan (the
 *    reader's plain read against the reclaimer's plain write, which only the
 *    hazard protocol orders); every object is reclaimed by the end.
 * Node pool:
 *  - nodepool/basic: bad arguments, nodes moving between thread caches
 *    through the depot, no node handed out twice while held, the bytes
 *    outside the link untouched (what treiber_noreclaim and ck rely on:
 *    a stale reader's next pointer is never overwritten by the pool).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct_hazard.h"
#include "ct_nodepool.h"
#include "ct_test.h"

/* ---- hazard/create_einval ------------------------------------------------------ */

static void reclaim_free(void *node, unsigned tid, void *ctx)
{
    (void)tid;
    (void)ctx;
    free(node);
}

static int test_create_einval(void *arg)
{
    (void)arg;
    errno = 0;
    CT_CHECK(ct_hp_create(0, 1, reclaim_free, NULL) == NULL && errno == EINVAL);
    errno = 0;
    CT_CHECK(ct_hp_create(2, 0, reclaim_free, NULL) == NULL && errno == EINVAL);
    errno = 0;
    CT_CHECK(ct_hp_create(2, CT_HP_MAX_SLOTS + 1, reclaim_free, NULL) == NULL && errno == EINVAL);
    errno = 0;
    CT_CHECK(ct_hp_create(2, 1, NULL, NULL) == NULL && errno == EINVAL);
    ct_hp_destroy(ct_hp_create(1, CT_HP_MAX_SLOTS, reclaim_free, NULL));
    return 0;
}

/* ---- hazard/protected_not_reclaimed, hazard/destroy_reclaims_all --------------- */

typedef struct tracked {
    int reclaimed; /* times reclaim ran on it: must end at exactly 1 */
} tracked;

struct tally {
    size_t reclaims;
    tracked **all; /* every object, freed by the case itself */
    size_t n;
};

/* Records instead of freeing, so the case can check what was reclaimed. */
static void reclaim_track(void *node, unsigned tid, void *ctx)
{
    struct tally *t = ctx;
    tracked *o = node;

    (void)tid;
    if (o->reclaimed++)
        ct_test_fail("an object was reclaimed twice");
    t->reclaims++;
}

static tracked *new_tracked(struct tally *t)
{
    tracked *o = calloc(1, sizeof *o);

    CT_CHECK(o != NULL);
    t->all[t->n++] = o;
    return o;
}

static void free_tracked(struct tally *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->all[i]);
    free(t->all);
}

static int test_protected_not_reclaimed(void *arg)
{
    struct tally t = {0};
    ct_hp_domain *d = ct_hp_create(2, 2, reclaim_track, &t);
    _Atomic(void *) cell;
    size_t others;
    tracked *p;

    (void)arg;
    CT_CHECK(d != NULL);
    others = 3 * d->threshold; /* at least three scans by tid 1 */
    CT_CHECK((t.all = calloc(others + 1, sizeof *t.all)) != NULL);
    p = new_tracked(&t);
    atomic_init(&cell, p);

    CT_CHECK(ct_hp_protect(d, 0, 1, &cell) == p); /* tid 0 protects p in slot 1 */
    /* seq_cst: the unlink the hazard protocol orders against (ct_hazard.h) */
    CT_CHECK(atomic_exchange_explicit(&cell, NULL, memory_order_seq_cst) == p);
    ct_hp_retire(d, 1, p);
    for (size_t i = 0; i < others; i++)
        ct_hp_retire(d, 1, new_tracked(&t));
    if (ct_hp_scan(d, 1) != 1)
        ct_test_fail("after the scans, tid 1 should keep exactly the protected node");
    if (p->reclaimed)
        ct_test_fail("a protected node was reclaimed");
    for (size_t i = 1; i < t.n; i++)
        if (t.all[i]->reclaimed != 1)
            ct_test_fail("unprotected node %zu was not reclaimed", i);

    ct_hp_clear(d, 0, 1);
    if (ct_hp_scan(d, 1) != 0 || p->reclaimed != 1)
        ct_test_fail("the node was not reclaimed once its hazard was cleared");
    ct_hp_destroy(d);
    CT_CHECK(t.reclaims == t.n);
    free_tracked(&t);
    return 0;
}

static int test_destroy_reclaims_all(void *arg)
{
    struct tally t = {0};
    ct_hp_domain *d = ct_hp_create(3, 1, reclaim_track, &t);
    _Atomic(void *) cell;

    (void)arg;
    CT_CHECK(d != NULL);
    CT_CHECK((t.all = calloc(100, sizeof *t.all)) != NULL);
    /* A few per thread, below the threshold: no scan runs. */
    for (unsigned tid = 0; tid < 3; tid++)
        for (int i = 0; i < 10; i++)
            ct_hp_retire(d, tid, new_tracked(&t));
    /* And one still protected when the domain goes (its user is done). */
    atomic_init(&cell, new_tracked(&t));
    CT_CHECK(ct_hp_protect(d, 2, 0, &cell) == t.all[t.n - 1]);
    atomic_store_explicit(&cell, NULL, memory_order_seq_cst); /* seq_cst: the unlink */
    ct_hp_retire(d, 0, t.all[t.n - 1]);
    CT_CHECK(t.reclaims == 0);
    ct_hp_destroy(d);
    if (t.reclaims != t.n)
        ct_test_fail("destroy reclaimed %zu of %zu retired nodes", t.reclaims, t.n);
    for (size_t i = 0; i < t.n; i++)
        CT_CHECK(t.all[i]->reclaimed == 1);
    free_tracked(&t);
    return 0;
}

/* ---- hazard/stress/<n>t --------------------------------------------------------- */

#define CELLS 4u
#define STRESS_OPS 50000u
#define LIVE UINT64_C(0x11FE11FE11FE11FE)
#define DEAD UINT64_C(0xDEADDEADDEADDEAD)

typedef struct obj {
    uint64_t magic; /* plain: the hazard protocol must order reader and reclaimer */
    uint64_t id;
} obj;

struct stress {
    ct_hp_domain *d;
    _Atomic(void *) cells[CELLS];
    ct_test_barrier start;
    atomic_ulong created, reclaimed; /* relaxed counters, read after the join */
    atomic_int bad;
};

static void reclaim_poison(void *node, unsigned tid, void *ctx)
{
    struct stress *s = ctx;
    obj *o = node;

    (void)tid;
    o->magic = DEAD; /* a reader still looking would see this (or TSan a race) */
    free(o);
    /* relaxed: a tally, read after the join */
    atomic_fetch_add_explicit(&s->reclaimed, 1, memory_order_relaxed);
}

static obj *new_obj(struct stress *s, uint64_t id)
{
    obj *o = malloc(sizeof *o);

    if (!o)
        ct_test_fail("out of memory");
    o->magic = LIVE;
    o->id = id;
    /* relaxed: a tally, read after the join */
    atomic_fetch_add_explicit(&s->created, 1, memory_order_relaxed);
    return o;
}

static void stress_thread(unsigned tid, void *arg)
{
    struct stress *s = arg;
    uint64_t rng = 0x9E3779B97F4A7C15ull * (tid + 1);

    ct_test_barrier_wait(&s->start);
    for (unsigned i = 0; i < STRESS_OPS; i++) {
        unsigned c;

        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        c = (unsigned)(rng >> 8) % CELLS;
        if (rng % 4 == 0) { /* write: swap in a new object, retire the old */
            obj *n = new_obj(s, ((uint64_t)tid << 32) | i);
            /* seq_cst: publishes n (release) and is the unlink of the old
             * object that the hazard protocol orders against */
            void *old = atomic_exchange_explicit(&s->cells[c], n, memory_order_seq_cst);

            if (old)
                ct_hp_retire(s->d, tid, old);
        } else { /* read under a hazard, with the object held a little */
            obj *o = ct_hp_protect(s->d, tid, 0, &s->cells[c]);

            if (o) {
                uint64_t m1 = o->magic;

                for (int k = 0; k < 8; k++)
                    ct_cpu_relax();
                if (m1 != LIVE || o->magic != LIVE)
                    /* relaxed: a flag, read after the join */
                    atomic_store_explicit(&s->bad, 1, memory_order_relaxed);
            }
            ct_hp_clear(s->d, tid, 0);
        }
    }
}

static int test_stress(void *arg)
{
    unsigned n = (unsigned)(uintptr_t)arg;
    unsigned long created, reclaimed;
    struct stress s;

    s.d = ct_hp_create(n, 1, reclaim_poison, &s);
    CT_CHECK(s.d != NULL);
    for (unsigned c = 0; c < CELLS; c++)
        atomic_init(&s.cells[c], NULL);
    atomic_init(&s.created, 0);
    atomic_init(&s.reclaimed, 0);
    atomic_init(&s.bad, 0);
    ct_test_barrier_init(&s.start, n);
    ct_test_run_threads(n, stress_thread, &s);
    ct_test_barrier_destroy(&s.start);
    /* Below, relaxed throughout: the join ordered every thread's writes. */
    if (atomic_load_explicit(&s.bad, memory_order_relaxed))
        ct_test_fail("a reader saw a reclaimed object under its hazard");
    for (unsigned c = 0; c < CELLS; c++) { /* the last objects: retire them too */
        void *o = atomic_exchange_explicit(&s.cells[c], NULL, memory_order_relaxed);

        if (o)
            ct_hp_retire(s.d, 0, o);
    }
    ct_hp_destroy(s.d);
    created = atomic_load_explicit(&s.created, memory_order_relaxed);
    reclaimed = atomic_load_explicit(&s.reclaimed, memory_order_relaxed);
    printf("  %u threads: %lu objects created, %lu reclaimed\n", n, created, reclaimed);
    if (created != reclaimed)
        ct_test_fail("%lu objects created but %lu reclaimed", created, reclaimed);
    return 0;
}

/* ---- nodepool/basic ------------------------------------------------------------- */

#define POOL_NODES 1000u

typedef struct pnode {
    uint64_t keep; /* outside the link: the pool must never write it */
    void *link;    /* the pool's */
    uint64_t pad;
} pnode;

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;

    return (x > y) - (x < y);
}

static int test_nodepool(void *arg)
{
    pnode **held = calloc(POOL_NODES, sizeof *held);
    ct_nodepool *p;

    (void)arg;
    CT_CHECK(held != NULL);
    errno = 0;
    CT_CHECK(ct_nodepool_create(sizeof(pnode), 0, 0, 0) == NULL && errno == EINVAL);
    errno = 0;
    CT_CHECK(ct_nodepool_create(4, 0, 1, 0) == NULL && errno == EINVAL);
    errno = 0;
    CT_CHECK(ct_nodepool_create(sizeof(pnode), sizeof(pnode) - 4, 1, 0) == NULL && errno == EINVAL);

    p = ct_nodepool_create(sizeof(pnode), offsetof(pnode, link), 3, 100);
    CT_CHECK(p != NULL);
    for (int round = 0; round < 3; round++) {
        /* tid 0 takes them all (past the preallocation: new chunks) ... */
        for (unsigned i = 0; i < POOL_NODES; i++) {
            held[i] = ct_nodepool_get(p, 0);
            CT_CHECK(held[i] != NULL);
            CT_CHECK((uintptr_t)held[i] % 16 == 0);
            held[i]->keep = UINT64_C(0xC0FFEE) + i;
        }
        qsort(held, POOL_NODES, sizeof *held, cmp_ptr);
        for (unsigned i = 1; i < POOL_NODES; i++)
            if (held[i] == held[i - 1])
                ct_test_fail("round %d: a node was handed out twice", round);
        /* ... tid 1 gives them back (its cache overflows into the depot) ... */
        for (unsigned i = 0; i < POOL_NODES; i++)
            ct_nodepool_put(p, 1, held[i]);
        /* ... and tid 2 gets them from the depot: keep must be intact. */
        for (unsigned i = 0; i < POOL_NODES / 2; i++) {
            pnode *n = ct_nodepool_get(p, 2);

            CT_CHECK(n != NULL);
            if (n->keep < UINT64_C(0xC0FFEE) || n->keep >= UINT64_C(0xC0FFEE) + POOL_NODES)
                ct_test_fail("the pool overwrote a word outside its link: 0x%" PRIx64, n->keep);
            ct_nodepool_put(p, 2, n);
        }
    }
    ct_nodepool_destroy(p); /* nodes in caches, depot and chunks: LSan checks */
    free(held);
    return 0;
}

int main(int argc, char **argv)
{
    static const ct_test_case cases[] = {
        {.name = "hazard/create_einval", .fn = test_create_einval},
        {.name = "hazard/protected_not_reclaimed", .fn = test_protected_not_reclaimed},
        {.name = "hazard/destroy_reclaims_all", .fn = test_destroy_reclaims_all},
        {.name = "hazard/stress/2t", .fn = test_stress, .arg = (void *)2, .timeout_s = 30},
        {.name = "hazard/stress/4t", .fn = test_stress, .arg = (void *)4, .timeout_s = 30},
        {.name = "hazard/stress/8t", .fn = test_stress, .arg = (void *)8, .timeout_s = 30},
        {.name = "nodepool/basic", .fn = test_nodepool},
    };

    return ct_test_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
