/*
 * test_waitgroup_validate.c: the WaitGroup family's validate driver.
 *
 *   validate/<impl>/<T>t   fork-join rounds of T tasks (1, 2, 4, 8 threads,
 *                          4x oversubscribed at 8 on the 2-core reference
 *                          machine) and the main thread: main adds T (one
 *                          add of T on FIXED designs, else T adds of 1), a
 *                          start barrier opens the round, each task writes
 *                          the round into its plain slot and calls done,
 *                          main waits and reads every slot: each must hold
 *                          this round (an early return reads the last; TSan
 *                          sees a missing happens-before as a race). The
 *                          next round's start barrier comes after the read,
 *                          so it orders nothing the check relies on.
 *   coroutines/<impl>      designs that declare CT_CAP_COROUTINE: on ONE
 *                          worker, a coroutine forks 16 coroutines that
 *                          yield before their done, then waits: a wait that
 *                          blocked the worker instead of parking would keep
 *                          the tasks from ever running (the case would hang)
 *   negative/<impl>        a done with nothing added aborts (in a child);
 *                          not FIXED designs, whose done is a barrier wait
 *   registry, new_errors   the list's entries, a wait on a zero count returns
 *                          at once, ct_waitgroup_new's refusals
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_test.h"
#include "go.h"
#include "waitgroup.h"

#define ROUNDS 2000u
#define MAX_TASKS 8u
#define VALIDATE_TIMEOUT_S 60u

static const unsigned thread_counts[] = {1, 2, 4, 8};

struct vrun {
    ct_waitgroup *wg;
    unsigned tasks;
    ct_test_barrier start;        /* tasks + main, once per round */
    unsigned slot[MAX_TASKS + 1]; /* plain: written by task i, read by main after wait */
    unsigned early;
};

static void vthread(unsigned idx, void *arg)
{
    struct vrun *r = arg;
    int fixed = ct_waitgroup_impl(r->wg)->desc.caps & CT_WAITGROUP_CAP_FIXED;

    for (unsigned round = 1; round <= ROUNDS; round++) {
        if (idx == 0) {
            if (fixed)
                ct_waitgroup_add(r->wg, r->tasks);
            else
                for (unsigned t = 0; t < r->tasks; t++)
                    ct_waitgroup_add(r->wg, 1);
        }
        ct_test_barrier_wait(&r->start);
        if (idx == 0) {
            ct_waitgroup_wait(r->wg);
            for (unsigned t = 1; t <= r->tasks; t++)
                if (r->slot[t] != round) {
                    r->early++;
                    break;
                }
        } else {
            r->slot[idx] = round;
            ct_waitgroup_done(r->wg);
        }
    }
}

static int test_validate(void *arg)
{
    const ct_test_cell *cell = arg;
    const ct_waitgroup_ops *ops = cell->impl;
    struct vrun r = {.tasks = cell->threads};

    r.wg = ct_waitgroup_new(ops->desc.name, cell->threads);
    if (!r.wg)
        ct_test_fail("%s: ct_waitgroup_new: %s", ops->desc.name, strerror(errno));
    ct_test_barrier_init(&r.start, cell->threads + 1);
    ct_test_run_threads(cell->threads + 1, vthread, &r);
    ct_test_barrier_destroy(&r.start);
    if (r.early)
        ct_test_fail("%s: %u of %u waits returned before every task had finished", ops->desc.name,
                     r.early, ROUNDS);
    ct_waitgroup_free(r.wg);
    return 0;
}

/* ---- coroutines/<impl> ---------------------------------------------------------- */

#define CO_TASKS 16u
#define CO_ROUNDS 50u

struct corun {
    ct_waitgroup *wg;
    unsigned round;
    unsigned slot[CO_TASKS];
    unsigned early;
    ct_wg *finished; /* the forker's own end, for the test's thread */
};

struct cotask {
    struct corun *r;
    unsigned i;
};

static struct cotask cotasks[CO_TASKS];

static void co_task(void *arg)
{
    struct cotask *t = arg;

    ct_go_yield(); /* let the forker reach its wait first */
    t->r->slot[t->i] = t->r->round;
    ct_waitgroup_done(t->r->wg);
}

static void co_forker(void *arg)
{
    struct corun *r = arg;

    for (r->round = 1; r->round <= CO_ROUNDS; r->round++) {
        ct_waitgroup_add(r->wg, CO_TASKS);
        for (unsigned i = 0; i < CO_TASKS; i++) {
            cotasks[i] = (struct cotask){r, i};
            if (ct_go(co_task, &cotasks[i]) != 0)
                ct_test_fail("ct_go failed");
        }
        ct_waitgroup_wait(r->wg);
        for (unsigned i = 0; i < CO_TASKS; i++)
            if (r->slot[i] != r->round) {
                r->early++;
                break;
            }
    }
    ct_wg_done(r->finished);
}

static int test_coroutines(void *arg)
{
    const ct_waitgroup_ops *ops = arg;
    struct corun r = {.wg = ct_waitgroup_new(ops->desc.name, CO_TASKS), .finished = ct_wg_new()};

    CT_CHECK(r.wg != NULL && r.finished != NULL);
    CT_CHECK(ct_go_start(1) == 0); /* one worker: a blocking wait would starve the tasks */
    ct_wg_add(r.finished, 1);
    CT_CHECK(ct_go(co_forker, &r) == 0);
    ct_wg_wait(r.finished);
    CT_CHECK(ct_go_shutdown() == 0);
    if (r.early)
        ct_test_fail("%s: %u of %u waits returned early on coroutines", ops->desc.name, r.early,
                     CO_ROUNDS);
    ct_wg_free(r.finished);
    ct_waitgroup_free(r.wg);
    return 0;
}

/* ---- negative/<impl> ------------------------------------------------------------ */

static void done_twice(void *name)
{
    ct_waitgroup *wg = ct_waitgroup_new(name, 1);

    if (!wg)
        _exit(3);
    ct_waitgroup_add(wg, 1);
    ct_waitgroup_done(wg);
    ct_waitgroup_done(wg); /* one too many */
}

static int test_negative(void *arg)
{
    const ct_waitgroup_ops *ops = arg;
    char what[96];

    snprintf(what, sizeof what, "%s: a done with nothing added", ops->desc.name);
    ct_test_expect_abort(what, done_twice, (void *)ops->desc.name);
    return 0;
}

/* ---- registry, new_errors ------------------------------------------------------- */

CT_TEST_REGISTRY_ADAPTERS(waitgroup)

static void *waitgroup_new_one(const char *name)
{
    return ct_waitgroup_new(name, 1);
}

static int test_registry(void *arg)
{
    size_t n;

    (void)arg;
    n = ct_test_check_registry(&(ct_test_registry){CT_TEST_REGISTRY_OF(waitgroup),
                                                   .create = waitgroup_new_one,
                                                   .known_caps = CT_WAITGROUP_CAP_FIXED});
    for (size_t i = 0; i < n; i++) {
        const ct_waitgroup_ops *o = ct_waitgroup_impls()[i];
        ct_waitgroup *wg;

        if (!o->create || !o->destroy || !o->add || !o->done || !o->wait)
            ct_test_fail("%s: a function pointer is NULL", o->desc.name);
        wg = ct_waitgroup_new(o->desc.name, 1);
        CT_CHECK(wg != NULL && ct_waitgroup_impl(wg) == o);
        if (!(o->desc.caps & CT_WAITGROUP_CAP_FIXED)) {
            ct_waitgroup_wait(wg); /* a zero count: returns at once */
            ct_waitgroup_add(wg, 2);
            ct_waitgroup_add(wg, -1);
            ct_waitgroup_done(wg);
            ct_waitgroup_wait(wg); /* back to zero */
        }
        ct_waitgroup_free(wg);
    }
    return 0;
}

static int test_new_errors(void *arg)
{
    ct_waitgroup *wg;

    (void)arg;
    errno = 0;
    CT_CHECK(ct_waitgroup_new("no_such_waitgroup", 1) == NULL && errno == EINVAL);
    for (const ct_waitgroup_ops *const *o = ct_waitgroup_impls(); *o; o++)
        if ((*o)->desc.caps & CT_WAITGROUP_CAP_FIXED) {
            errno = 0;
            CT_CHECK(ct_waitgroup_new((*o)->desc.name, 0) == NULL && errno == EINVAL);
        }
    wg = ct_waitgroup_new(NULL, 1);
    CT_CHECK(wg != NULL && ct_waitgroup_impl(wg) == ct_waitgroup_impls()[0]);
    ct_waitgroup_free(wg);
    ct_waitgroup_free(NULL);
    return 0;
}

/* One case per competitor, "<what>/<impl>", skipped (with why) unless its
 * caps hold every bit of need and none of refuse. */
static void add_per_impl(ct_test_case *cases, size_t *n, char (*names)[64], const char *what,
                         ct_test_fn fn, unsigned need, unsigned refuse, const char *why)
{
    for (const ct_waitgroup_ops *const *o = ct_waitgroup_impls(); *o; o++) {
        unsigned caps = (*o)->desc.caps;

        snprintf(names[*n], 64, "%s/%s", what, (*o)->desc.name);
        cases[*n] = (ct_test_case){.name = names[*n],
                                   .fn = fn,
                                   .arg = (void *)*o,
                                   .timeout_s = VALIDATE_TIMEOUT_S,
                                   .skip = (caps & need) == need && !(caps & refuse) ? NULL : why};
        (*n)++;
    }
}

int main(int argc, char **argv)
{
    size_t ncomp = ct_registry_count(ct_waitgroup_descs()), n = 0;
    ct_test_case *cases = calloc(2 + 2 * ncomp, sizeof *cases);
    char(*names)[64] = calloc(2 + 2 * ncomp, sizeof *names);
    ct_test_competitor *comps = calloc(ncomp, sizeof *comps);
    int rc;

    if (!cases || !comps || !names)
        ct_die("test_waitgroup_validate: out of memory");
    cases[n++] = (ct_test_case){.name = "registry", .fn = test_registry};
    cases[n++] = (ct_test_case){.name = "new_errors", .fn = test_new_errors};
    add_per_impl(cases, &n, names, "coroutines", test_coroutines, CT_CAP_COROUTINE, 0,
                 "not CT_CAP_COROUTINE: its waits block the worker thread");
    add_per_impl(cases, &n, names, "negative", test_negative, 0, CT_WAITGROUP_CAP_FIXED,
                 "CT_WAITGROUP_CAP_FIXED: done is a barrier wait, it has no counter to check");
    for (size_t i = 0; i < ncomp; i++)
        comps[i] = (ct_test_competitor){ct_waitgroup_impls()[i], ct_waitgroup_impls()[i]->desc.name,
                                        ct_waitgroup_impls()[i]->desc.unavailable, NULL};
    rc = ct_test_main_matrix(argc, argv, cases, n, comps, ncomp, thread_counts,
                             sizeof thread_counts / sizeof thread_counts[0], test_validate,
                             VALIDATE_TIMEOUT_S);
    free(names);
    free(cases);
    free(comps);
    return rc;
}
