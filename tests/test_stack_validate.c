/*
 * test_stack_validate.c: the stack family's validate driver.
 *
 * Every registered competitor with CT_CAP_EXACT (ck included when it is
 * built; the treiber_naive pitfall and unavailable ones are listed as SKIP
 * with the reason) is run by 1, 2, 4 and 8 threads (8 is 4x
 * oversubscription on the 2-core reference machine), released together by a
 * start barrier. One case per (competitor, thread count): validate/<impl>/<n>t.
 * The competitors come from ct_stack_impls(), never from a list here.
 *
 * What validate checks:
 *  - each thread runs a fixed pseudo-random mix of pushes and pops (runs of
 *    up to 8 of the same, so the stack both grows and empties); its values
 *    are unique by construction (a range per thread);
 *  - a value is the address of a payload word the pusher wrote just before
 *    the push; the popper reads it and checks it: a missing release/acquire
 *    in a stack shows up as a wrong payload, and under TSan as a data race;
 *  - every popped value and every value left (drained after the join) is
 *    marked in a bitmap: a duplicate, or a value never pushed, fails; at the
 *    end the bitmap must hold exactly the values pushed (none lost);
 *  - with one thread, pops must come out in LIFO order (a shadow stack);
 *  - pop on an empty stack returns CT_WOULDBLOCK (the threads count those).
 * Spinning designs oversubscribed can slow to a crawl: threads stop at
 * DEADLINE_NS (checked between operations, outside the stack), and the
 * checks use what was done.
 * Plus: the stack list's own rules (exact or pitfall, one progress class,
 * MPMC; ct_test_check_registry checks them with what every family's registry
 * case shares), ct_stack_find's
 * and ct_stack_new's errors,
 * single-threaded semantics (empty pop, LIFO, extreme values, destroy with
 * values left, capacity hints), and the abort on a bad tid of the per-thread
 * designs.
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
#include "stack.h"

#define OPS_PER_THREAD 50000u /* small enough to be quick under TSan (~5 s for all) */
#define DEADLINE_NS INT64_C(500000000)
#define VALIDATE_TIMEOUT_S 30u

static const unsigned thread_counts[] = {1, 2, 4, 8};
#define NCOUNTS (sizeof thread_counts / sizeof thread_counts[0])

/* ---- validate/<impl>/<n>t ------------------------------------------------------ */

struct vcase {
    const ct_stack_ops *ops;
    unsigned threads;
};

struct vthread {
    uint64_t pushed;  /* its values 0..pushed-1 went in */
    uint64_t npopped; /* entries in log */
    uint64_t empty;   /* pops that found the stack empty */
    uint64_t *log;    /* the payload indices it popped */
    int stopped;      /* stopped at the deadline */
    char err[240];    /* the first check this thread saw fail */
};

struct vrun {
    ct_stack *s;
    unsigned threads;
    uint64_t total;    /* threads * OPS_PER_THREAD payload words */
    uint64_t *payload; /* payload[i] == i * MAGIC + 1 once pushed */
    uint64_t *seen;    /* bitmap over payload indices */
    uint64_t *shadow;  /* one thread only: the expected stack */
    ct_test_barrier start;
    int64_t deadline; /* ct_now_ns() */
    struct vthread *th;
};

#define MAGIC UINT64_C(0x9E3779B97F4A7C15)

#define VCHECK(t, cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond) && !(t)->err[0])                                                               \
            snprintf((t)->err, sizeof(t)->err, __VA_ARGS__);                                       \
    } while (0)

/* The index of the payload word v points to, or total if v is not one. */
static uint64_t index_of(const struct vrun *r, uintptr_t v)
{
    uintptr_t base = (uintptr_t)r->payload;

    if (v < base || (v - base) % sizeof(uint64_t) || (v - base) / sizeof(uint64_t) >= r->total)
        return r->total;
    return (v - base) / sizeof(uint64_t);
}

static void vthread_main(unsigned tid, void *arg)
{
    struct vrun *r = arg;
    struct vthread *t = &r->th[tid];
    uint64_t rng = MAGIC * (tid + 1), depth = 0;
    unsigned run = 0;
    bool pushing = true;

    ct_test_barrier_wait(&r->start);
    for (unsigned i = 0; i < OPS_PER_THREAD; i++) {
        if (ct_now_ns() > r->deadline) {
            t->stopped = 1;
            break;
        }
        if (run == 0) { /* a run of 1..8 pushes or pops: the size walks, often to 0 */
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            pushing = rng % 2 == 0;
            run = 1 + (unsigned)(rng >> 32) % 8;
        }
        run--;
        if (pushing) {
            uint64_t idx = (uint64_t)tid * OPS_PER_THREAD + t->pushed;
            int rc;

            r->payload[idx] = idx * MAGIC + 1; /* plain: the push must publish it */
            rc = ct_stack_push(r->s, tid, (uintptr_t)&r->payload[idx]);
            VCHECK(t, rc == 0, "push returned %d (%s)", rc, ct_strstatus(rc));
            if (rc)
                break;
            t->pushed++;
            if (r->shadow)
                r->shadow[depth++] = idx;
        } else {
            uintptr_t v = 0;
            int rc = ct_stack_pop(r->s, tid, &v);

            if (rc == CT_WOULDBLOCK) {
                t->empty++;
                VCHECK(t, !r->shadow || depth == 0,
                       "pop said empty with %" PRIu64 " values on the stack", depth);
                continue;
            }
            VCHECK(t, rc == 0, "pop returned %d (%s)", rc, ct_strstatus(rc));
            if (rc)
                break;
            uint64_t idx = index_of(r, v);

            VCHECK(t, idx < r->total, "popped 0x%" PRIxPTR ", which was never pushed", v);
            if (idx >= r->total)
                break;
            VCHECK(t, r->payload[idx] == idx * MAGIC + 1,
                   "payload %" PRIu64 " reads 0x%" PRIx64 ": the push did not publish it", idx,
                   r->payload[idx]);
            if (r->shadow) {
                VCHECK(t, depth > 0 && r->shadow[depth - 1] == idx,
                       "LIFO: popped %" PRIu64 ", expected %" PRIu64, idx,
                       depth ? r->shadow[depth - 1] : UINT64_MAX);
                if (depth)
                    depth--;
            }
            t->log[t->npopped++] = idx;
        }
    }
}

/* Mark idx seen; returns a complaint or NULL. */
static const char *mark(struct vrun *r, uint64_t idx)
{
    uint64_t owner, j;

    if (idx >= r->total)
        return "a value that was never pushed";
    owner = idx / OPS_PER_THREAD;
    j = idx % OPS_PER_THREAD;
    if (j >= r->th[owner].pushed)
        return "a value its thread never pushed";
    if (r->seen[idx / 64] & (UINT64_C(1) << (idx % 64)))
        return "a duplicate";
    r->seen[idx / 64] |= UINT64_C(1) << (idx % 64);
    return NULL;
}

static int test_validate(void *arg)
{
    const ct_test_cell *cell = arg;
    const struct vcase vcase = {cell->impl, cell->threads}, *vc = &vcase;
    struct vrun r = {.threads = vc->threads};
    uint64_t pushed = 0, popped = 0, left = 0, count = 0, empty = 0;
    unsigned stopped = 0;
    const char *why;
    uintptr_t v;
    int bad = 0;

    r.total = (uint64_t)vc->threads * OPS_PER_THREAD;
    r.payload = calloc(r.total, sizeof *r.payload);
    r.seen = calloc((r.total + 63) / 64, sizeof *r.seen);
    r.th = calloc(vc->threads, sizeof *r.th);
    CT_CHECK(r.payload && r.seen && r.th);
    for (unsigned t = 0; t < vc->threads; t++)
        CT_CHECK((r.th[t].log = calloc(OPS_PER_THREAD, sizeof *r.th[t].log)) != NULL);
    if (vc->threads == 1)
        CT_CHECK((r.shadow = calloc(OPS_PER_THREAD, sizeof *r.shadow)) != NULL);
    r.s = ct_stack_new(vc->ops->desc.name, 64, vc->threads);
    if (!r.s)
        ct_test_fail("%s: ct_stack_new(.., 64, %u): %s", vc->ops->desc.name, vc->threads,
                     strerror(errno));
    ct_test_barrier_init(&r.start, vc->threads);
    r.deadline = ct_now_ns() + DEADLINE_NS;

    ct_test_run_threads(vc->threads, vthread_main, &r);
    ct_test_barrier_destroy(&r.start);

    for (unsigned t = 0; t < vc->threads; t++) {
        struct vthread *th = &r.th[t];

        pushed += th->pushed;
        popped += th->npopped;
        empty += th->empty;
        stopped += (unsigned)th->stopped;
        if (th->err[0]) {
            fprintf(stderr, "%s, %u threads: thread %u: %s\n", vc->ops->desc.name, vc->threads, t,
                    th->err);
            bad = 1;
        }
        for (uint64_t i = 0; i < th->npopped; i++)
            if ((why = mark(&r, th->log[i])) != NULL) {
                fprintf(stderr, "%s, %u threads: thread %u popped %s (index %" PRIu64 ")\n",
                        vc->ops->desc.name, vc->threads, t, why, th->log[i]);
                bad = 1;
                break;
            }
    }
    /* Drain after the join (tid 0): what is left must complete the set. A
     * corrupted stack could cycle: stop after more pops than values exist. */
    while (left <= r.total && ct_stack_pop(r.s, 0, &v) == 0) {
        uint64_t idx = index_of(&r, v);

        left++;
        if ((why = mark(&r, idx)) != NULL) {
            fprintf(stderr, "%s, %u threads: the drain found %s (0x%" PRIxPTR ")\n",
                    vc->ops->desc.name, vc->threads, why, v);
            bad = 1;
            break;
        }
        if (idx < r.total && r.payload[idx] != idx * MAGIC + 1) {
            fprintf(stderr, "%s: drained payload %" PRIu64 " is wrong\n", vc->ops->desc.name, idx);
            bad = 1;
        }
    }
    for (uint64_t i = 0; i < (r.total + 63) / 64; i++)
        count += (uint64_t)__builtin_popcountll(r.seen[i]);
    if (!bad && (count != pushed || popped + left != pushed)) {
        fprintf(stderr,
                "%s, %u threads: %" PRIu64 " pushed, %" PRIu64 " popped + %" PRIu64
                " left, %" PRIu64 " distinct: %" PRId64 " lost\n",
                vc->ops->desc.name, vc->threads, pushed, popped, left, count,
                (int64_t)(pushed - count));
        bad = 1;
    }
    /* The drain emptied it: pop must say so, again and again. */
    for (int i = 0; i < 3 && !bad; i++)
        if (ct_stack_pop(r.s, 0, &v) != CT_WOULDBLOCK) {
            fprintf(stderr, "%s: pop on the drained stack did not return CT_WOULDBLOCK\n",
                    vc->ops->desc.name);
            bad = 1;
        }
    printf("  %s, %u threads: %" PRIu64 " pushed, %" PRIu64 " popped, %" PRIu64 " left, %" PRIu64
           " empty pops%s\n",
           vc->ops->desc.name, vc->threads, pushed, popped, left, empty,
           stopped ? " (some threads stopped at the deadline)" : "");
    ct_stack_free(r.s);
    for (unsigned t = 0; t < vc->threads; t++)
        free(r.th[t].log);
    free(r.th);
    free(r.shadow);
    free(r.seen);
    free(r.payload);
    return bad;
}

/* ---- registry, find, single-threaded semantics, bad tid ------------------------ */

CT_TEST_REGISTRY_ADAPTERS(stack)

static void *stack_new_one(const char *name)
{
    return ct_stack_new(name, 0, 1);
}

static int test_registry(void *arg)
{
    const ct_stack_ops *naive;
    size_t n;

    (void)arg;
    /* Exactly one of exact / pitfall, one progress class, MPMC; a stack has
     * no caps of its own. */
    n = ct_test_check_registry(&(ct_test_registry){
        CT_TEST_REGISTRY_OF(stack), .create = stack_new_one, .required_caps = CT_CAP_MPMC,
        .rules = CT_TEST_EXACT_XOR_PITFALL | CT_TEST_ONE_PROGRESS});
    for (size_t i = 0; i < n; i++) {
        const ct_stack_ops *o = ct_stack_impls()[i];
        const ct_impl_desc *d = &o->desc;
        ct_stack *s;

        if (!o->create || !o->destroy || !o->push || !o->pop)
            ct_test_fail("%s: a function pointer is NULL", d->name);
        if (d->unavailable)
            continue; /* its ENOSYS: ct_test_check_registry */
        s = ct_stack_new(d->name, 0, 1);
        if (!s)
            ct_test_fail("%s: ct_stack_new(.., 0, 1): %s", d->name, strerror(errno));
        if (ct_stack_impl(s) != o)
            ct_test_fail("%s: ct_stack_new did not set the stack's ops", d->name);
        if ((uintptr_t)s % CT_CACHELINE)
            ct_test_fail("%s: ct_stack_new's stack is not cache-line aligned", d->name);
        ct_stack_free(s);
        if ((d->caps & CT_CAP_PER_THREAD)) {
            errno = 0;
            if (ct_stack_new(d->name, 0, 0) != NULL || errno != EINVAL)
                ct_test_fail("%s: ct_stack_new(.., 0, 0) must fail with EINVAL", d->name);
        }
    }
    CT_CHECK(n >= 8);
    naive = ct_stack_find("treiber_naive");
    CT_CHECK(naive && (naive->desc.caps & CT_CAP_PITFALL) && !(naive->desc.caps & CT_CAP_EXACT));
    CT_CHECK(ct_stack_find("ck") != NULL); /* listed even when not built */
    ct_stack_free(NULL);                   /* a no-op, as free(NULL) */
    return 0;
}

static int test_find_unknown(void *arg)
{
    static const char *const more[] = {"Treiber", NULL};

    (void)arg;
    ct_test_check_unknown_names(
        &(ct_test_registry){CT_TEST_REGISTRY_OF(stack), .create = stack_new_one}, more);
    {
        ct_stack *s = ct_stack_new(NULL, 0, 1);

        if (!s || ct_stack_impl(s) != ct_stack_impls()[0])
            ct_test_fail("ct_stack_new(NULL, ..) must make the first listed (%s)",
                         ct_stack_impls()[0]->desc.name);
        ct_stack_free(s);
    }
    return 0;
}

/* Single-threaded: empty pops, LIFO order across growth and recycling,
 * extreme values, destroy with values left (LSan checks the frees), for
 * capacity hints 0, 1 and 1000, every competitor that is built (the pitfall
 * too: it is correct without concurrency). */
static void lifo_pop(ct_stack *s, unsigned tid, uintptr_t want)
{
    const char *name = ct_stack_impl(s)->desc.name;
    uintptr_t v = 0;
    int rc = ct_stack_pop(s, tid, &v);

    if (rc != 0)
        ct_test_fail("%s: pop (expecting %" PRIuPTR "): %s", name, want, ct_strstatus(rc));
    if (v != want)
        ct_test_fail("%s: LIFO: popped %" PRIuPTR ", expected %" PRIuPTR, name, v, want);
}

static int test_semantics(void *arg)
{
    static const size_t hints[] = {0, 1, 1000};
    static const uintptr_t extremes[] = {0, 1, UINTPTR_MAX, UINTPTR_MAX / 2 + 1};

    (void)arg;
    for (const ct_stack_ops *const *o = ct_stack_impls(); *o; o++) {
        const char *name = (*o)->desc.name;

        if ((*o)->desc.unavailable)
            continue;
        if (ct_test_broken((*o)->desc.caps)) { /* it would fail here too: its XFAIL cases */
            printf("  %s: not here, %s\n", name, ct_test_broken((*o)->desc.caps));
            continue;
        }
        for (size_t h = 0; h < sizeof hints / sizeof hints[0]; h++) {
            ct_stack *s = ct_stack_new(name, hints[h], 2);
            uintptr_t v = 7;
            int rc;

            if (!s)
                ct_test_fail("%s: ct_stack_new(.., %zu, 2): %s", name, hints[h], strerror(errno));
            if ((rc = ct_stack_pop(s, 1, &v)) != CT_WOULDBLOCK)
                ct_test_fail("%s: pop on a new stack returned %d, not CT_WOULDBLOCK", name, rc);
            if (v != 7)
                ct_test_fail("%s: an empty pop wrote the output", name);
            /* Grow past any chunk or array size (3000), shrink to 1000, grow
             * again over recycled nodes, then empty: LIFO throughout. */
            for (int round = 0; round < 2; round++) {
                for (uintptr_t i = 0; i < 3000; i++)
                    if ((rc = ct_stack_push(s, (unsigned)i % 2, i * 3 + 1)) != 0)
                        ct_test_fail("%s: push: %s", name, ct_strstatus(rc));
                for (uintptr_t i = 3000; i-- > (round ? 0u : 1000u);)
                    lifo_pop(s, (unsigned)i % 2, i * 3 + 1);
            }
            for (uintptr_t i = 1000; i-- > 0;) /* round 0's rest, below round 1's */
                lifo_pop(s, 0, i * 3 + 1);
            if ((rc = ct_stack_pop(s, 0, &v)) != CT_WOULDBLOCK)
                ct_test_fail("%s: pop on an emptied stack returned %d", name, rc);
            for (size_t i = 0; i < sizeof extremes / sizeof extremes[0]; i++)
                if (ct_stack_push(s, 0, extremes[i]) != 0)
                    ct_test_fail("%s: push of an extreme value failed", name);
            for (size_t i = sizeof extremes / sizeof extremes[0]; i-- > 0;)
                if (ct_stack_pop(s, 1, &v) != 0 || v != extremes[i])
                    ct_test_fail("%s: extreme value 0x%" PRIxPTR " came back as 0x%" PRIxPTR, name,
                                 extremes[i], v);
            for (uintptr_t i = 0; i < 100; i++) /* left in the stack for destroy */
                if (ct_stack_push(s, 1, i) != 0)
                    ct_test_fail("%s: push failed", name);
            ct_stack_free(s);
        }
    }
    return 0;
}

/* The per-thread designs abort on tid >= max_threads (a contract violation)
 * instead of touching another thread's state: check it in a child. */
typedef struct {
    const char *name;
    bool pop; /* else push */
} bad_tid_arg;

static void bad_tid(void *arg)
{
    const bad_tid_arg *a = arg;
    ct_stack *s = ct_stack_new(a->name, 0, 2);
    uintptr_t v;

    if (!s)
        _exit(3);
    ct_stack_push(s, 0, 1);
    if (a->pop)
        ct_stack_pop(s, 2, &v);
    else
        ct_stack_push(s, 2, 1);
}

static int test_bad_tid_aborts(void *arg)
{
    (void)arg;
    for (const ct_stack_ops *const *o = ct_stack_impls(); *o; o++) {
        if (!((*o)->desc.caps & CT_CAP_PER_THREAD) || (*o)->desc.unavailable)
            continue;
        for (int which = 0; which < 2; which++) {
            bad_tid_arg a = {(*o)->desc.name, which};
            char what[96];

            snprintf(what, sizeof what, "%s: %s with tid 2 on ct_stack_new(.., 2)", a.name,
                     which ? "pop" : "push");
            ct_test_expect_abort(what, bad_tid, &a);
        }
    }
    return 0;
}

/* ---- the table ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    static const ct_test_case fixed[] = {
        {.name = "registry", .fn = test_registry},
        {.name = "find_unknown", .fn = test_find_unknown},
        {.name = "semantics", .fn = test_semantics, .timeout_s = 30},
        {.name = "per_thread/bad_tid_aborts", .fn = test_bad_tid_aborts, .timeout_s = 30},
    };
    /* Sized from the registry: every competitor gets its cases. */
    size_t n = ct_registry_count(ct_stack_descs());
    ct_test_competitor *comps = calloc(n ? n : 1, sizeof *comps);
    int rc;

    if (!comps)
        ct_die("test_stack_validate: no memory for %zu competitors", n);
    for (size_t i = 0; i < n; i++) {
        const ct_stack_ops *ops = ct_stack_impls()[i];

        comps[i] = (ct_test_competitor){
            ops, ops->desc.name,
            ops->desc.unavailable ? ops->desc.unavailable
            : !(ops->desc.caps & CT_CAP_EXACT)
                ? "a pitfall (ABA, use after free): tests/test_stack_naive.c reproduces its failure"
                : NULL,
            ct_test_broken(ops->desc.caps)};
    }
    rc = ct_test_main_matrix(argc, argv, fixed, sizeof fixed / sizeof fixed[0], comps, n,
                             thread_counts, NCOUNTS, test_validate, VALIDATE_TIMEOUT_S);
    free(comps);
    return rc;
}
