/*
 * test_sem_validate.c: the semaphore family's validate driver.
 *
 *   validate/<impl>/<T>t   T threads (1, 2, 4, 8: 4x oversubscribed on the
 *                          2-core reference machine) on two semaphores at
 *                          once: one of 1 token guarding a plain counter
 *                          (TSan sees a missing happens-before as a race;
 *                          the total must be exact) and one of 3 tokens
 *                          whose holders count themselves (never more than
 *                          3 at once). Each acquisition goes through one of
 *                          the four verbs in turn: acquire, try_acquire
 *                          (retried), acquire_until with a deadline tens of
 *                          us away (so timeouts race releases: a timed-out
 *                          waiter that strands a token beside a sleeper
 *                          hangs the case) and acquire_ctx. Afterwards each
 *                          semaphore has all its tokens again.
 *   coroutines/<impl>      designs that declare CT_CAP_COROUTINE: 16
 *                          coroutines on 2 workers through 2 tokens, each
 *                          yielding while it holds one; an acquire that
 *                          blocked its worker instead of parking would leave
 *                          the holders unscheduled (the case would hang)
 *   timeout/<impl>         with every token held, acquire_until returns
 *                          CT_TIMEOUT no earlier than its deadline and takes
 *                          nothing; try_acquire returns CT_WOULDBLOCK
 *   ctx/<impl>             acquire_ctx: a cancelled context, a deadline, and
 *                          a cancel from another thread while blocked, each
 *                          returns the context's error holding nothing
 *   over_release/<impl>    CT_SEM_CAP_CHECKED designs abort on a release of
 *                          a token not acquired (in a child)
 *   registry, new_errors   the list's entries and ct_sem_new's refusals
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_test.h"
#include "ctx.h"
#include "go.h"
#include "sem.h"

#define ITERS 20000u
#define WIDE 3u /* tokens of the counted semaphore */
#define MAX_THREADS 8u
#define VALIDATE_TIMEOUT_S 30u

static const unsigned thread_counts[] = {1, 2, 4, 8};

static ct_sem *new_or_fail(const ct_sem_ops *ops, unsigned n)
{
    ct_sem *s = ct_sem_new(ops->desc.name, n);

    if (!s)
        ct_test_fail("%s: ct_sem_new(%u): %s", ops->desc.name, n, strerror(errno));
    return s;
}

/* Every token free again: n try_acquires succeed and one more does not. */
static void check_full(const ct_sem_ops *ops, ct_sem *s, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (ct_sem_try_acquire(s) != 0)
            ct_test_fail("%s: only %u of %u tokens free after the run", ops->desc.name, i, n);
    if (ct_sem_try_acquire(s) != CT_WOULDBLOCK)
        ct_test_fail("%s: more than %u tokens free after the run", ops->desc.name, n);
    for (unsigned i = 0; i < n; i++)
        ct_sem_release(s);
}

/* ---- validate/<impl>/<T>t ------------------------------------------------------ */

struct vrun {
    ct_sem *one, *wide;
    uint64_t plain; /* guarded by `one` only */
    atomic_uint in, peak;
    ct_test_barrier start;
};

/* One acquisition through verb k (0..3). */
static void acquire_by(ct_sem *s, unsigned k)
{
    int rc;

    switch (k % 4) {
    case 0:
        rc = ct_sem_acquire(s);
        break;
    case 1:
        while ((rc = ct_sem_try_acquire(s)) == CT_WOULDBLOCK)
            ct_go_yield(); /* sched_yield: the holder may need this CPU */
        break;
    case 2:
        /* deadlines tens of us away: many time out while releases race them */
        while ((rc = ct_sem_acquire_until(s, ct_now_ns() + 20000 + 10000 * (k % 3))) ==
               CT_TIMEOUT) {}
        break;
    default:
        rc = ct_sem_acquire_ctx(s, ct_ctx_background());
        break;
    }
    if (rc != 0)
        ct_test_fail("acquire (verb %u): %s", k % 4, ct_strstatus(rc));
}

static void vthread(unsigned idx, void *arg)
{
    struct vrun *r = arg;

    ct_test_barrier_wait(&r->start);
    for (unsigned i = 0; i < ITERS; i++) {
        unsigned in;

        acquire_by(r->one, i + idx);
        r->plain++;
        ct_sem_release(r->one);

        acquire_by(r->wide, i + idx + 1);
        /* relaxed: counts holders; the semaphore does the ordering */
        in = atomic_fetch_add_explicit(&r->in, 1, memory_order_relaxed) + 1;
        if (in > WIDE)
            ct_test_fail("%u holders of a %u-token semaphore at once", in, WIDE);
        /* relaxed: read after the join */
        if (in > atomic_load_explicit(&r->peak, memory_order_relaxed))
            atomic_store_explicit(&r->peak, in, memory_order_relaxed);
        atomic_fetch_sub_explicit(&r->in, 1, memory_order_relaxed); /* relaxed: as above */
        ct_sem_release(r->wide);
    }
}

static int test_validate(void *arg)
{
    const ct_test_cell *cell = arg;
    const ct_sem_ops *ops = cell->impl;
    struct vrun r = {0};

    r.one = new_or_fail(ops, 1);
    r.wide = new_or_fail(ops, WIDE);
    ct_test_barrier_init(&r.start, cell->threads);
    ct_test_run_threads(cell->threads, vthread, &r);
    ct_test_barrier_destroy(&r.start);
    if (r.plain != (uint64_t)cell->threads * ITERS)
        ct_test_fail("%s: %" PRIu64 " increments under a 1-token semaphore, expected %u",
                     ops->desc.name, r.plain, cell->threads * ITERS);
    check_full(ops, r.one, 1);
    check_full(ops, r.wide, WIDE);
    ct_sem_free(r.one);
    ct_sem_free(r.wide);
    return 0;
}

/* ---- coroutines/<impl> ---------------------------------------------------------- */

#define CO_N 16u
#define CO_TOKENS 2u
#define CO_ITERS 300u

struct corun {
    ct_sem *s;
    ct_wg *wg;
    atomic_uint in;
    atomic_uint bad; /* holders above CO_TOKENS, seen */
};

static void co_body(void *arg)
{
    struct corun *r = arg;

    for (unsigned i = 0; i < CO_ITERS; i++) {
        acquire_by(r->s, i);
        /* relaxed: counts holders; the semaphore does the ordering */
        if (atomic_fetch_add_explicit(&r->in, 1, memory_order_relaxed) + 1 > CO_TOKENS)
            atomic_fetch_add_explicit(&r->bad, 1, memory_order_relaxed);
        ct_go_yield(); /* hold the token across a switch */
        atomic_fetch_sub_explicit(&r->in, 1, memory_order_relaxed);
        ct_sem_release(r->s);
    }
    ct_wg_done(r->wg);
}

static int test_coroutines(void *arg)
{
    const ct_sem_ops *ops = arg;
    struct corun r = {0};

    r.s = new_or_fail(ops, CO_TOKENS);
    r.wg = ct_wg_new();
    CT_CHECK(r.wg != NULL);
    CT_CHECK(ct_go_start(2) == 0);
    ct_wg_add(r.wg, CO_N);
    for (unsigned i = 0; i < CO_N; i++)
        CT_CHECK(ct_go(co_body, &r) == 0);
    ct_wg_wait(r.wg);
    CT_CHECK(ct_go_shutdown() == 0);
    /* relaxed: every coroutine finished before the wait returned */
    if (atomic_load_explicit(&r.bad, memory_order_relaxed))
        ct_test_fail("%s: more than %u coroutines held a token at once", ops->desc.name, CO_TOKENS);
    check_full(ops, r.s, CO_TOKENS);
    ct_wg_free(r.wg);
    ct_sem_free(r.s);
    return 0;
}

/* ---- timeout/<impl>, ctx/<impl> ------------------------------------------------- */

static int test_timeout(void *arg)
{
    const ct_sem_ops *ops = arg;
    ct_sem *s = new_or_fail(ops, 2);
    int64_t deadline, now;
    int rc;

    CT_CHECK(ct_sem_try_acquire(s) == 0);
    CT_CHECK(ct_sem_acquire(s) == 0);
    CT_CHECK(ct_sem_try_acquire(s) == CT_WOULDBLOCK);
    deadline = ct_now_ns() + 2000000;
    rc = ct_sem_acquire_until(s, deadline);
    now = ct_now_ns();
    if (rc != CT_TIMEOUT)
        ct_test_fail("%s: acquire_until on a full semaphore: %s", ops->desc.name, ct_strstatus(rc));
    if (now < deadline)
        ct_test_fail("%s: acquire_until returned %" PRId64 " ns before its deadline",
                     ops->desc.name, deadline - now);
    CT_CHECK(ct_sem_acquire_until(s, 0) == CT_TIMEOUT); /* a deadline long past */
    CT_CHECK(ct_sem_try_acquire(s) == CT_WOULDBLOCK);   /* the timeouts took nothing */
    ct_sem_release(s);
    CT_CHECK(ct_sem_acquire_until(s, ct_now_ns() + 1000000000) == 0);
    ct_sem_release(s);
    ct_sem_release(s);
    check_full(ops, s, 2);
    ct_sem_free(s);
    return 0;
}

static void cancel_it(unsigned idx, void *arg)
{
    (void)idx;
    ct_ctx_cancel(arg);
}

struct blocked_ctx {
    ct_sem *s;
    ct_ctx *ctx;
    int rc;
};

static void block_on_ctx(unsigned idx, void *arg)
{
    struct blocked_ctx *b = arg;

    if (idx == 0)
        b->rc = ct_sem_acquire_ctx(b->s, b->ctx);
    else
        ct_ctx_cancel(b->ctx); /* before or while the other blocks: both must end it */
}

static int test_ctx(void *arg)
{
    const ct_sem_ops *ops = arg;
    ct_sem *s = new_or_fail(ops, 1);
    ct_ctx *c = ct_ctx_with_cancel(ct_ctx_background());
    struct blocked_ctx b = {.s = s};
    int rc;

    CT_CHECK(c != NULL);
    CT_CHECK(ct_sem_acquire_ctx(s, c) == 0); /* a live context, a free token */
    ct_test_run_threads(1, cancel_it, c);
    rc = ct_sem_acquire_ctx(s, c);
    if (rc != CT_CANCELED)
        ct_test_fail("%s: acquire_ctx on a cancelled context: %s", ops->desc.name,
                     ct_strstatus(rc));
    ct_ctx_release(c);

    c = ct_ctx_with_timeout(ct_ctx_background(), 3000000);
    CT_CHECK(c != NULL);
    rc = ct_sem_acquire_ctx(s, c); /* full: waits for the deadline */
    if (rc != CT_DEADLINE_EXCEEDED)
        ct_test_fail("%s: acquire_ctx past its deadline: %s", ops->desc.name, ct_strstatus(rc));
    if (ct_now_ns() < ct_ctx_deadline(c))
        ct_test_fail("%s: acquire_ctx gave up before the deadline", ops->desc.name);
    ct_ctx_release(c);

    b.ctx = ct_ctx_with_cancel(ct_ctx_background());
    CT_CHECK(b.ctx != NULL);
    ct_test_run_threads(2, block_on_ctx, &b);
    if (b.rc != CT_CANCELED)
        ct_test_fail("%s: acquire_ctx cancelled while blocked: %s", ops->desc.name,
                     ct_strstatus(b.rc));
    ct_ctx_release(b.ctx);
    CT_CHECK(ct_sem_try_acquire(s) == CT_WOULDBLOCK); /* the one token is still ours */
    ct_sem_release(s);
    check_full(ops, s, 1);
    ct_sem_free(s);
    return 0;
}

/* ---- over_release/<impl> -------------------------------------------------------- */

static void release_twice(void *name)
{
    ct_sem *s = ct_sem_new(name, 2);

    if (!s)
        _exit(3);
    CT_CHECK(ct_sem_acquire(s) == 0);
    ct_sem_release(s);
    ct_sem_release(s); /* one too many */
}

static int test_over_release(void *arg)
{
    const ct_sem_ops *ops = arg;
    char what[96];

    snprintf(what, sizeof what, "%s: a release with every token free", ops->desc.name);
    ct_test_expect_abort(what, release_twice, (void *)ops->desc.name);
    return 0;
}

/* ---- registry, new_errors ------------------------------------------------------- */

CT_TEST_REGISTRY_ADAPTERS(sem)

static void *sem_new_one(const char *name)
{
    return ct_sem_new(name, 1);
}

static int test_registry(void *arg)
{
    size_t n;

    (void)arg;
    /* A semaphore is exact and blocking. */
    n = ct_test_check_registry(&(ct_test_registry){
        CT_TEST_REGISTRY_OF(sem), .create = sem_new_one, .known_caps = CT_SEM_CAP_CHECKED,
        .required_caps = CT_CAP_EXACT | CT_CAP_BLOCKING});
    for (size_t i = 0; i < n; i++) {
        const ct_sem_ops *o = ct_sem_impls()[i];

        if (!o->create || !o->destroy || !o->acquire_until || !o->try_acquire || !o->release)
            ct_test_fail("%s: a function pointer is NULL", o->desc.name);
    }
    return 0;
}

static int test_new_errors(void *arg)
{
    ct_sem *s;

    (void)arg;
    errno = 0;
    CT_CHECK(ct_sem_new("no_such_sem", 1) == NULL && errno == EINVAL);
    for (const ct_sem_ops *const *o = ct_sem_impls(); *o; o++) {
        errno = 0;
        CT_CHECK(ct_sem_new((*o)->desc.name, 0) == NULL && errno == EINVAL);
        errno = 0;
        CT_CHECK(ct_sem_new((*o)->desc.name, CT_SEM_MAX + 1) == NULL && errno == EINVAL);
        s = ct_sem_new((*o)->desc.name, CT_SEM_MAX);
        CT_CHECK(s != NULL && ct_sem_impl(s) == *o);
        ct_sem_free(s);
    }
    s = ct_sem_new(NULL, 1);
    CT_CHECK(s != NULL && ct_sem_impl(s) == ct_sem_impls()[0]);
    ct_sem_free(s);
    ct_sem_free(NULL);
    return 0;
}

/* ---- the table ------------------------------------------------------------------ */

/* One case per competitor: "<what>/<impl>", skipped with a reason when the
 * design lacks the capability it needs. */
static void add_per_impl(ct_test_case *cases, size_t *n, const char *what, ct_test_fn fn,
                         unsigned need, const char *why)
{
    for (const ct_sem_ops *const *o = ct_sem_impls(); *o; o++) {
        char *name = malloc(64);

        if (!name)
            ct_die("test_sem_validate: out of memory");
        snprintf(name, 64, "%s/%s", what, (*o)->desc.name);
        cases[(*n)++] = (ct_test_case){.name = name,
                                       .fn = fn,
                                       .arg = (void *)*o,
                                       .timeout_s = VALIDATE_TIMEOUT_S,
                                       .skip = ((*o)->desc.caps & need) == need ? NULL : why};
    }
}

int main(int argc, char **argv)
{
    size_t ncomp = ct_registry_count(ct_sem_descs()), n = 0;
    ct_test_case *cases = calloc(2 + 4 * ncomp, sizeof *cases);
    ct_test_competitor *comps = calloc(ncomp, sizeof *comps);
    int rc;

    if (!cases || !comps)
        ct_die("test_sem_validate: out of memory");
    cases[n++] = (ct_test_case){.name = "registry", .fn = test_registry};
    cases[n++] = (ct_test_case){.name = "new_errors", .fn = test_new_errors};
    add_per_impl(cases, &n, "timeout", test_timeout, 0, NULL);
    add_per_impl(cases, &n, "ctx", test_ctx, 0, NULL);
    add_per_impl(cases, &n, "coroutines", test_coroutines, CT_CAP_COROUTINE,
                 "not CT_CAP_COROUTINE: its waits block the worker thread");
    add_per_impl(cases, &n, "over_release", test_over_release, CT_SEM_CAP_CHECKED,
                 "not CT_SEM_CAP_CHECKED: cannot see a release of a token not acquired");
    for (size_t i = 0; i < ncomp; i++)
        comps[i] = (ct_test_competitor){ct_sem_impls()[i], ct_sem_impls()[i]->desc.name,
                                        ct_sem_impls()[i]->desc.unavailable, NULL};
    rc = ct_test_main_matrix(argc, argv, cases, n, comps, ncomp, thread_counts,
                             sizeof thread_counts / sizeof thread_counts[0], test_validate,
                             VALIDATE_TIMEOUT_S);
    for (size_t i = 2; i < n; i++)
        free((void *)cases[i].name);
    free(cases);
    free(comps);
    return rc;
}
