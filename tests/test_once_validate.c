/*
 * test_once_validate.c: the once family's validate driver.
 *
 *   validate/<impl>/<T>t   T threads (1, 2, 4, 8: 4x oversubscribed on the
 *                          2-core reference machine) released together by a
 *                          barrier, each calling do on ROUNDS fresh onces in
 *                          turn, whose init does some work (so the others
 *                          arrive while it runs) and then writes a plain
 *                          word: every init runs exactly once, and every
 *                          caller reads the word set right after its do
 *                          returns (TSan sees a missing happens-before as a
 *                          race; an early return reads 0)
 *   coroutines/<impl>      designs that declare CT_CAP_COROUTINE: 16
 *                          coroutines on 2 workers race each once, and the
 *                          init yields halfway: a waiter that blocked its
 *                          worker instead of parking would keep the init from
 *                          finishing (the case would hang)
 *   registry, new_errors   the list's entries, ct_once_new's refusals, and a
 *                          second do with another fn that must not run it
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct_test.h"
#include "go.h"
#include "once.h"

#define ROUNDS 3000u
#define VALIDATE_TIMEOUT_S 30u

static const unsigned thread_counts[] = {1, 2, 4, 8};

struct round {
    ct_once *once;
    atomic_uint runs;
    unsigned mark; /* plain: written by the init, read by every caller after do */
    int yield;     /* the init yields halfway (coroutine case) */
};

static void init_fn(void *arg)
{
    struct round *r = arg;

    /* relaxed: counted, read after the join */
    atomic_fetch_add_explicit(&r->runs, 1, memory_order_relaxed);
    if (r->yield)
        ct_go_yield();
    else
        for (int k = 0; k < 200; k++)
            ct_cpu_relax();
    r->mark = 1;
}

struct vrun {
    struct round *rounds;
    unsigned n;
    ct_test_barrier start;
    atomic_uint early; /* calls that returned before the init's mark */
};

static void call_all(struct vrun *v)
{
    unsigned early = 0;

    for (unsigned i = 0; i < v->n; i++) {
        ct_once_do(v->rounds[i].once, init_fn, &v->rounds[i]);
        if (!v->rounds[i].mark)
            early++;
    }
    /* relaxed: read after the join */
    atomic_fetch_add_explicit(&v->early, early, memory_order_relaxed);
}

static void vthread(unsigned idx, void *arg)
{
    struct vrun *v = arg;

    (void)idx;
    ct_test_barrier_wait(&v->start);
    call_all(v);
}

static struct vrun *make_run(const ct_once_ops *ops, unsigned n, int yield)
{
    struct vrun *v = calloc(1, sizeof *v);

    CT_CHECK(v != NULL);
    v->rounds = calloc(n, sizeof *v->rounds);
    CT_CHECK(v->rounds != NULL);
    v->n = n;
    for (unsigned i = 0; i < n; i++) {
        v->rounds[i].once = ct_once_new(ops->desc.name);
        if (!v->rounds[i].once)
            ct_test_fail("%s: ct_once_new: %s", ops->desc.name, strerror(errno));
        v->rounds[i].yield = yield;
    }
    return v;
}

static void check_run(const ct_once_ops *ops, struct vrun *v)
{
    for (unsigned i = 0; i < v->n; i++) {
        unsigned runs = atomic_load_explicit(&v->rounds[i].runs, memory_order_relaxed);

        if (runs != 1)
            ct_test_fail("%s: round %u: the init ran %u times", ops->desc.name, i, runs);
        ct_once_free(v->rounds[i].once);
    }
    if (atomic_load_explicit(&v->early, memory_order_relaxed))
        ct_test_fail("%s: %u calls returned before the init had finished", ops->desc.name,
                     atomic_load_explicit(&v->early, memory_order_relaxed));
    free(v->rounds);
    free(v);
}

static int test_validate(void *arg)
{
    const ct_test_cell *cell = arg;
    const ct_once_ops *ops = cell->impl;
    struct vrun *v = make_run(ops, ROUNDS, 0);

    ct_test_barrier_init(&v->start, cell->threads);
    ct_test_run_threads(cell->threads, vthread, v);
    ct_test_barrier_destroy(&v->start);
    check_run(ops, v);
    return 0;
}

/* ---- coroutines/<impl> ---------------------------------------------------------- */

#define CO_N 16u
#define CO_ROUNDS 200u

struct corun {
    struct vrun *v;
    ct_wg *wg;
};

static void co_body(void *arg)
{
    struct corun *c = arg;

    call_all(c->v);
    ct_wg_done(c->wg);
}

static int test_coroutines(void *arg)
{
    const ct_once_ops *ops = arg;
    struct corun c = {make_run(ops, CO_ROUNDS, 1), ct_wg_new()};

    CT_CHECK(c.wg != NULL);
    CT_CHECK(ct_go_start(2) == 0);
    ct_wg_add(c.wg, CO_N);
    for (unsigned i = 0; i < CO_N; i++)
        CT_CHECK(ct_go(co_body, &c) == 0);
    ct_wg_wait(c.wg);
    CT_CHECK(ct_go_shutdown() == 0);
    ct_wg_free(c.wg);
    check_run(ops, c.v);
    return 0;
}

/* ---- registry, new_errors ------------------------------------------------------- */

static void must_not_run(void *arg)
{
    (void)arg;
    ct_test_fail("a second do ran its fn");
}

CT_TEST_REGISTRY_ADAPTERS(once)

static void *once_new_one(const char *name)
{
    return ct_once_new(name);
}

static int test_registry(void *arg)
{
    size_t n;

    (void)arg;
    n = ct_test_check_registry(
        &(ct_test_registry){CT_TEST_REGISTRY_OF(once), .create = once_new_one});
    for (size_t i = 0; i < n; i++) {
        const ct_once_ops *o = ct_once_impls()[i];
        const ct_impl_desc *d = &o->desc;
        struct round r = {0};

        if (!o->create || !o->destroy || !o->run)
            ct_test_fail("%s: a function pointer is NULL", d->name);
        r.once = ct_once_new(d->name);
        CT_CHECK(r.once != NULL && ct_once_impl(r.once) == o);
        ct_once_do(r.once, init_fn, &r);
        ct_once_do(r.once, must_not_run, NULL);
        CT_CHECK(r.mark == 1 && atomic_load(&r.runs) == 1);
        ct_once_free(r.once);
    }
    return 0;
}

static int test_new_errors(void *arg)
{
    ct_once *o;

    (void)arg;
    errno = 0;
    CT_CHECK(ct_once_new("no_such_once") == NULL && errno == EINVAL);
    o = ct_once_new(NULL);
    CT_CHECK(o != NULL && ct_once_impl(o) == ct_once_impls()[0]);
    ct_once_free(o);
    ct_once_free(NULL);
    return 0;
}

int main(int argc, char **argv)
{
    size_t ncomp = ct_registry_count(ct_once_descs()), n = 0;
    ct_test_case *cases = calloc(2 + ncomp, sizeof *cases);
    ct_test_competitor *comps = calloc(ncomp, sizeof *comps);
    char(*names)[64] = calloc(ncomp, sizeof *names);
    int rc;

    if (!cases || !comps || !names)
        ct_die("test_once_validate: out of memory");
    cases[n++] = (ct_test_case){.name = "registry", .fn = test_registry};
    cases[n++] = (ct_test_case){.name = "new_errors", .fn = test_new_errors};
    for (size_t i = 0; i < ncomp; i++) {
        const ct_once_ops *o = ct_once_impls()[i];

        snprintf(names[i], sizeof names[i], "coroutines/%s", o->desc.name);
        cases[n++] =
            (ct_test_case){.name = names[i],
                           .fn = test_coroutines,
                           .arg = (void *)o,
                           .timeout_s = VALIDATE_TIMEOUT_S,
                           .skip = (o->desc.caps & CT_CAP_COROUTINE)
                                       ? NULL
                                       : "not CT_CAP_COROUTINE: its waits block the worker thread"};
        comps[i] = (ct_test_competitor){o, o->desc.name, o->desc.unavailable, NULL};
    }
    rc = ct_test_main_matrix(argc, argv, cases, n, comps, ncomp, thread_counts,
                             sizeof thread_counts / sizeof thread_counts[0], test_validate,
                             VALIDATE_TIMEOUT_S);
    free(names);
    free(cases);
    free(comps);
    return rc;
}
