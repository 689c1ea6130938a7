/*
 * test_stack_aba.c: the interleaving that breaks treiber_naive, forced on the
 * safe lock-free stacks, which must come through it intact. Deterministic:
 * the stacks' .c files are built once more with CT_STACK_TEST_HOOKS
 * (stack_hooks_internal.h), and a hook runs inside pop between reading
 * h->next and the CAS, doing what another thread (tid 1) could do then.
 *
 * One case per stack, aba/<impl>. Stack A(3)->B(2)->C(1); thread 0's pop
 * reads h = A and next = B; then "threads 1 and 2":
 *   thread 1 pops A, thread 2 pops B (so B goes to another thread's cache
 *   or retired list than A); thread 1 churns CHURN push/pop pairs (enough
 *   retires for several hazard-pointer scans, so every unprotected node it
 *   retired is recycled), then pushes until A's address is back on top (with
 *   C, not B, below it), or TOP_TRIES pushes.
 * The paused pop then tries its CAS with the stale next (B, popped long ago):
 * if it succeeded, B (a free node) would be the top, and the values pushed
 * over A's new incarnation would be lost.
 *  - treiber, elimination (hazard pointers): thread 0's hazard holds A, so A
 *    must never come back: the case fails if it does. The CAS sees another
 *    node on top and retries.
 *  - treiber_noreclaim (tagged head, type-stable nodes): A is recycled at
 *    once, so A must come back on top (the case fails if it does not: the
 *    scenario would then not test the tag); the tag has moved, so the CAS
 *    fails and retries.
 * Either way every value must then come out exactly once (popped by the
 * hook, by the paused pop, or drained), which is what treiber_naive fails
 * (tests/test_stack_naive.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct_test.h"
#include "stack.h"
#include "stack_hooks_internal.h"

struct ct_stack_test_hooks ct_stack_test_hooks; /* the hooked copies call these */

#define CHURN 300u     /* > 4 scan thresholds of a 2-thread domain */
#define TOP_TRIES 600u /* pushes allowed for A to come back */
#define MAXV 4096u

struct aba_case {
    const ct_stack_ops *ops;
    void *(*top)(ct_stack *s);
    bool a_may_return; /* type-stable nodes: A must come back; hazards: never */
};

static struct {
    const struct aba_case *c;
    void *a;         /* A's address */
    bool a_returned; /* A came back on top */
    unsigned runs;
    unsigned pushed[MAXV], out[MAXV];
    uintptr_t next_value;
} g;

static void push(ct_stack *s, unsigned tid, uintptr_t v)
{
    int rc = ct_stack_push(s, tid, v);

    if (rc != 0)
        ct_test_fail("%s: push: %s", g.c->ops->desc.name, ct_strstatus(rc));
    g.pushed[v]++;
}

static uintptr_t pop(ct_stack *s, unsigned tid)
{
    uintptr_t v = 0;
    int rc = ct_stack_pop(s, tid, &v);

    if (rc != 0)
        ct_test_fail("%s: pop: %s", g.c->ops->desc.name, ct_strstatus(rc));
    if (v == 0 || v >= MAXV)
        ct_test_fail("%s: popped %" PRIuPTR ", never pushed", g.c->ops->desc.name, v);
    g.out[v]++;
    return v;
}

/* "Threads 1 and 2", between thread 0's read of A->next and its CAS. */
static void other_thread(ct_stack *s)
{
    ct_stack_test_hooks.after_next = NULL; /* once */
    g.runs++;
    if (pop(s, 1) != 3 || pop(s, 2) != 2)
        ct_test_fail("%s: hook: unexpected stack contents", g.c->ops->desc.name);
    for (unsigned i = 0; i < CHURN; i++) {
        uintptr_t v = g.next_value++;

        push(s, 1, v);
        if (pop(s, 1) != v)
            ct_test_fail("%s: hook: churn popped the wrong value", g.c->ops->desc.name);
    }
    for (unsigned i = 0; i < TOP_TRIES && !g.a_returned; i++) {
        push(s, 1, g.next_value++);
        g.a_returned = g.c->top(s) == g.a;
    }
}

static int test_aba(void *arg)
{
    const struct aba_case *c = arg;
    unsigned lost = 0, dup = 0;
    ct_stack *s;
    uintptr_t v;

    memset(&g, 0, sizeof g);
    g.c = c;
    g.next_value = 100;
    s = ct__stack_new_hooked(c->ops, 0, 3);
    if (!s)
        ct_test_fail("%s: create: %s", c->ops->desc.name, strerror(errno));
    push(s, 1, 1);
    push(s, 1, 2);
    push(s, 1, 3);
    g.a = c->top(s);
    ct_stack_test_hooks.after_next = other_thread;
    v = pop(s, 0); /* the paused pop: must retry and take the real top */
    ct_stack_test_hooks.after_next = NULL;
    CT_CHECK(g.runs == 1);
    printf("  %s: A's address %s on top; the paused pop returned %" PRIuPTR "\n", c->ops->desc.name,
           g.a_returned ? "came back" : "never came back", v);
    if (g.a_returned != c->a_may_return)
        ct_test_fail("%s: A %s back on top, expected %s", c->ops->desc.name,
                     g.a_returned ? "came" : "did not come",
                     c->a_may_return ? "it to (type-stable nodes, recycled at once)"
                                     : "never (a hazard pointer protects it)");
    for (unsigned i = 0; i < 2 * MAXV && ct_stack_pop(s, 0, &v) == 0; i++) {
        if (v == 0 || v >= MAXV)
            ct_test_fail("%s: drained %" PRIuPTR ", never pushed", c->ops->desc.name, v);
        g.out[v]++;
    }
    for (unsigned i = 0; i < MAXV; i++) {
        lost += g.out[i] < g.pushed[i] ? g.pushed[i] - g.out[i] : 0;
        dup += g.out[i] > g.pushed[i] ? g.out[i] - g.pushed[i] : 0;
    }
    ct_stack_free(s);
    if (lost || dup)
        ct_test_fail("%s: after the forced ABA, %u values lost and %u duplicated",
                     c->ops->desc.name, lost, dup);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct aba_case treiber = {&ct_stack_treiber_hooked, ct_stack_treiber_top_hooked,
                                            false};
    static const struct aba_case elim = {&ct_stack_elimination_hooked,
                                         ct_stack_elimination_top_hooked, false};
    static const struct aba_case noreclaim = {&ct_stack_treiber_noreclaim_hooked,
                                              ct_stack_treiber_noreclaim_top_hooked, true};
    static const ct_test_case cases[] = {
        {.name = "aba/treiber", .fn = test_aba, .arg = (void *)&treiber},
        {.name = "aba/elimination", .fn = test_aba, .arg = (void *)&elim},
        {.name = "aba/treiber_noreclaim", .fn = test_aba, .arg = (void *)&noreclaim},
    };

    return ct_test_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
