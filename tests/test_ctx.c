/*
 * test_ctx.c: contexts and errgroup (primitives/ctx/), in every tree.
 *
 * Timing appears only where the contract is about time (a timeout must not
 * end a wait early); nothing waits on a sleep for another thread's progress.
 */
#include "ct_test.h"
#include "ctx.h"
#include "group.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define MS 1000000LL

static int test_background(void *arg)
{
    (void)arg;
    ct_ctx *bg = ct_ctx_background();
    CT_CHECK(ct_ctx_err(bg) == 0);
    CT_CHECK(ct_ctx_deadline(bg) == 0);
    CT_CHECK(ct_ctx_wait(bg, 5 * MS) == CT_TIMEOUT);
    ct_ctx_cancel(bg); /* no effect on the root */
    ct_ctx_release(bg);
    CT_CHECK(ct_ctx_err(bg) == 0);
    return 0;
}

static int test_cancel(void *arg)
{
    (void)arg;
    ct_ctx *c = ct_ctx_with_cancel(ct_ctx_background());
    CT_CHECK(c && ct_ctx_err(c) == 0);
    CT_CHECK(ct_ctx_wait(c, 1 * MS) == CT_TIMEOUT);
    ct_ctx_cancel(c);
    CT_CHECK(ct_ctx_err(c) == CT_CANCELED);
    ct_ctx_cancel(c); /* idempotent */
    CT_CHECK(ct_ctx_wait(c, -1) == CT_CANCELED);
    ct_ctx_release(c);
    return 0;
}

static int test_tree(void *arg)
{
    (void)arg;
    ct_ctx *p = ct_ctx_with_cancel(ct_ctx_background());
    ct_ctx *c1 = ct_ctx_with_cancel(p), *c2 = ct_ctx_with_cancel(c1), *sib = ct_ctx_with_cancel(p);
    CT_CHECK(p && c1 && c2 && sib);
    ct_ctx_cancel(c1);
    CT_CHECK(ct_ctx_err(c1) == CT_CANCELED && ct_ctx_err(c2) == CT_CANCELED);
    CT_CHECK(ct_ctx_err(p) == 0 && ct_ctx_err(sib) == 0); /* never the parent */
    ct_ctx *late = ct_ctx_with_cancel(c1);                /* born done */
    CT_CHECK(late && ct_ctx_err(late) == CT_CANCELED);
    ct_ctx_cancel(p);
    CT_CHECK(ct_ctx_err(p) == CT_CANCELED && ct_ctx_err(sib) == CT_CANCELED);
    ct_ctx_release(late);
    ct_ctx_release(c2);
    ct_ctx_release(c1);
    ct_ctx_release(sib);
    ct_ctx_release(p);
    return 0;
}

/* The largest timeouts saturate (UBSan, in the ASan tree, sees an overflow). */
static int test_timeout_max(void *arg)
{
    (void)arg;
    ct_ctx *c = ct_ctx_with_timeout(ct_ctx_background(), INT64_MAX);
    CT_CHECK(c && ct_ctx_err(c) == 0);
    CT_CHECK(ct_ctx_deadline(c) == INT64_MAX);
    ct_ctx_cancel(c);
    CT_CHECK(ct_ctx_wait(c, INT64_MAX) == CT_CANCELED);
    ct_ctx_release(c);
    c = ct_ctx_with_cancel(ct_ctx_background());
    CT_CHECK(c);
    ct_ctx_cancel(c);
    CT_CHECK(ct_ctx_wait(c, INT64_MAX) == CT_CANCELED);
    ct_ctx_release(c);
    return 0;
}

static int test_timeout(void *arg)
{
    (void)arg;
    int64_t t0 = ct_now_ns();
    ct_ctx *c = ct_ctx_with_timeout(ct_ctx_background(), 20 * MS);
    CT_CHECK(c && ct_ctx_err(c) == 0);
    CT_CHECK(ct_ctx_deadline(c) >= t0 + 20 * MS);
    CT_CHECK(ct_ctx_wait(c, -1) == CT_DEADLINE_EXCEEDED);
    CT_CHECK(ct_now_ns() - t0 >= 20 * MS); /* never early */
    CT_CHECK(ct_ctx_err(c) == CT_DEADLINE_EXCEEDED);
    ct_ctx_cancel(c); /* the first reason stays */
    CT_CHECK(ct_ctx_err(c) == CT_DEADLINE_EXCEEDED);
    ct_ctx_release(c);
    return 0;
}

static int test_inherited_deadline(void *arg)
{
    (void)arg;
    ct_ctx *p = ct_ctx_with_timeout(ct_ctx_background(), 15 * MS);
    ct_ctx *c = ct_ctx_with_cancel(p);
    ct_ctx *longer = ct_ctx_with_timeout(p, 10000 * MS); /* the earlier deadline wins */
    CT_CHECK(p && c && longer);
    CT_CHECK(ct_ctx_deadline(c) == ct_ctx_deadline(p));
    CT_CHECK(ct_ctx_deadline(longer) == ct_ctx_deadline(p));
    CT_CHECK(ct_ctx_wait(c, -1) == CT_DEADLINE_EXCEEDED);
    CT_CHECK(ct_ctx_wait(longer, -1) == CT_DEADLINE_EXCEEDED);
    ct_ctx_release(longer);
    ct_ctx_release(c);
    ct_ctx_release(p);
    return 0;
}

/* ---- ctx/hundred_waiters: cancelling a context 100 threads wait on ---------- */
enum { WAITERS = 100 };
static ct_ctx *shared;
static int before_cancel; /* plain: published by the cancel */
static _Atomic int saw_canceled;

static void waiter(unsigned idx, void *arg)
{
    (void)idx;
    (void)arg;
    if (ct_ctx_wait(shared, -1) == CT_CANCELED && before_cancel == 42)
        /* relaxed: a tally read after the joins */
        atomic_fetch_add_explicit(&saw_canceled, 1, memory_order_relaxed);
}

static void *canceller(void *arg)
{
    (void)arg;
    before_cancel = 42;
    ct_ctx_cancel(shared);
    return NULL;
}

static void wait_and_cancel(unsigned idx, void *arg)
{
    if (idx == 0) {
        pthread_t t;
        CT_CHECK(pthread_create(&t, NULL, canceller, NULL) == 0);
        waiter(idx, arg);
        CT_CHECK(pthread_join(t, NULL) == 0);
    } else {
        waiter(idx, arg);
    }
}

static int test_hundred_waiters(void *arg)
{
    (void)arg;
    shared = ct_ctx_with_cancel(ct_ctx_background());
    CT_CHECK(shared != NULL);
    ct_test_run_threads(WAITERS, wait_and_cancel, NULL);
    ct_ctx_release(shared);
    if (atomic_load(&saw_canceled) != WAITERS)
        ct_test_fail("%d of %d waiters saw the cancellation", atomic_load(&saw_canceled), WAITERS);
    return 0;
}

static int test_release_parent_first(void *arg)
{
    (void)arg;
    ct_ctx *p = ct_ctx_with_cancel(ct_ctx_background());
    ct_ctx *c = ct_ctx_with_cancel(p);
    CT_CHECK(p && c);
    ct_ctx_release(p); /* cancels and detaches c, which stays valid */
    CT_CHECK(ct_ctx_err(c) == CT_CANCELED);
    ct_ctx_release(c);
    return 0;
}

/* ---- group ------------------------------------------------------------------ */
static int fails(ct_ctx *ctx, void *arg)
{
    (void)ctx;
    return (int)(intptr_t)arg;
}

/* Returns 0 only once the group's context is done: proves the cancel. */
static int waits_for_cancel(ct_ctx *ctx, void *arg)
{
    (void)arg;
    return ct_ctx_wait(ctx, -1) == CT_CANCELED ? 0 : 99;
}

static int test_group_first_error(void *arg)
{
    (void)arg;
    ct_group *g = ct_group_new(ct_ctx_background());
    CT_CHECK(g != NULL);
    for (int i = 0; i < 3; i++)
        CT_CHECK(ct_group_go(g, waits_for_cancel, NULL) == 0);
    CT_CHECK(ct_group_go(g, fails, (void *)(intptr_t)-10) == 0);
    CT_CHECK(ct_group_wait(g) == -10);
    CT_CHECK(ct_group_errors(g) == 1); /* the others saw the cancellation, returned 0 */
    ct_group_free(g);
    return 0;
}

static int test_group_all_ok(void *arg)
{
    (void)arg;
    ct_group *g = ct_group_new(ct_ctx_background());
    CT_CHECK(g != NULL);
    for (int i = 0; i < 4; i++)
        CT_CHECK(ct_group_go(g, fails, (void *)(intptr_t)0) == 0);
    CT_CHECK(ct_group_wait(g) == 0 && ct_group_errors(g) == 0);
    CT_CHECK(ct_ctx_err(ct_group_ctx(g)) == CT_CANCELED); /* done after wait, as in Go */
    ct_group_free(g);
    return 0;
}

static int test_group_every_error_counted(void *arg)
{
    (void)arg;
    ct_group *g = ct_group_new(ct_ctx_background());
    CT_CHECK(g != NULL);
    for (int i = 1; i <= 8; i++)
        CT_CHECK(ct_group_go(g, fails, (void *)(intptr_t)i) == 0);
    int err = ct_group_wait(g);
    CT_CHECK(err >= 1 && err <= 8);
    CT_CHECK(ct_group_errors(g) == 8);
    ct_group_free(g);
    return 0;
}

static int test_group_parent_cancel(void *arg)
{
    (void)arg;
    ct_ctx *p = ct_ctx_with_cancel(ct_ctx_background());
    ct_group *g = ct_group_new(p);
    CT_CHECK(p && g);
    for (int i = 0; i < 4; i++)
        CT_CHECK(ct_group_go(g, waits_for_cancel, NULL) == 0);
    ct_ctx_cancel(p); /* the parent's cancel reaches every task */
    CT_CHECK(ct_group_wait(g) == 0);
    ct_group_free(g);
    ct_ctx_release(p);
    return 0;
}

int main(int argc, char **argv)
{
    static const ct_test_case cases[] = {
        {.name = "ctx/background", .fn = test_background},
        {.name = "ctx/timeout_max", .fn = test_timeout_max},
        {.name = "ctx/cancel", .fn = test_cancel},
        {.name = "ctx/tree", .fn = test_tree},
        {.name = "ctx/timeout", .fn = test_timeout},
        {.name = "ctx/inherited_deadline", .fn = test_inherited_deadline},
        {.name = "ctx/hundred_waiters", .fn = test_hundred_waiters},
        {.name = "ctx/release_parent_first", .fn = test_release_parent_first},
        {.name = "group/first_error", .fn = test_group_first_error},
        {.name = "group/all_ok", .fn = test_group_all_ok},
        {.name = "group/every_error_counted", .fn = test_group_every_error_counted},
        {.name = "group/parent_cancel", .fn = test_group_parent_cancel},
    };
    return ct_test_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
