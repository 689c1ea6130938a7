/*
 * test_stack_naive.c: the treiber_naive pitfall must keep failing, on
 * demand and deterministically. If a case here stops seeing the failure, the
 * test fails (the pitfall would then teach nothing).
 *
 * It builds stack_treiber_naive.c once more with CT_STACK_TEST_HOOKS
 * (ct_stack_treiber_naive_hooked, stack_hooks_internal.h): a hook runs
 * inside pop at the point where
 * another thread's preemption would hurt, and does what that other thread
 * would do. No threads, no luck, no sleeps.
 *
 *  naive/aba_lost         between reading h->next and the CAS, "another
 *  naive/aba_duplicated   thread" pops h (freeing it) and pushes nodes that
 *                         land at h's address: the CAS still sees h and
 *                         installs the stale next. Node addresses come from
 *                         a test allocator that recycles freed blocks
 *                         first-in first-out (as any allocator may) and never
 *                         scribbles, so the corruption is the same in every
 *                         run and nothing crashes. The values popped and
 *                         left are checked against those pushed: one case
 *                         must lose a value, the other must duplicate one.
 *  naive/uaf_reported     ASan tree: between reading the head h and reading
 *                         h->next, "another thread" pops h and frees it
 *                         (real malloc/free). A child (this binary
 *                         re-executed, so ASan reads its options) must exit
 *                         with ASan's exitcode and its log_path file must say
 *                         "SUMMARY: AddressSanitizer: heap-use-after-free"
 *                         in stack_treiber_naive.c.
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

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif

static const ct_stack_ops *const naive = &ct_stack_treiber_naive_hooked;

struct ct_stack_test_hooks ct_stack_test_hooks; /* the hooked copy calls these */

/* ---- a FIFO-recycling allocator over a fixed arena ---------------------------- */

#define BLOCKS 64u
#define BLOCK_SIZE 64u

static struct {
    unsigned char mem[BLOCKS][BLOCK_SIZE] __attribute__((aligned(64)));
    unsigned fresh;         /* blocks never handed out yet start here */
    unsigned q[4 * BLOCKS]; /* freed blocks, oldest first */
    unsigned qhead, qtail;
    bool is_free[BLOCKS];
    unsigned double_frees;
} arena;

static void *arena_alloc(size_t size)
{
    unsigned b;

    if (size > BLOCK_SIZE)
        ct_test_fail("arena: %zu bytes asked, blocks hold %u", size, BLOCK_SIZE);
    if (arena.qhead != arena.qtail)
        b = arena.q[arena.qhead++ % (4 * BLOCKS)];
    else if (arena.fresh < BLOCKS)
        b = arena.fresh++;
    else
        ct_test_fail("arena: out of blocks");
    arena.is_free[b] = false;
    return arena.mem[b];
}

static void arena_free(void *p)
{
    unsigned b = (unsigned)(((unsigned char(*)[BLOCK_SIZE])p) - arena.mem);

    if (b >= BLOCKS)
        ct_test_fail("arena: freeing a pointer it never gave out");
    if (arena.is_free[b]) {
        arena.double_frees++; /* a real allocator would corrupt itself here */
        return;
    }
    arena.is_free[b] = true;
    arena.q[arena.qtail++ % (4 * BLOCKS)] = b;
}

static void arena_reset(void)
{
    memset(&arena, 0, sizeof arena);
    ct_stack_test_hooks = (struct ct_stack_test_hooks){.alloc = arena_alloc, .free = arena_free};
}

/* ---- checking what came out against what went in ------------------------------ */

#define MAXV 16u

struct ledger {
    unsigned pushed[MAXV + 1]; /* times each value was pushed */
    unsigned out[MAXV + 1];    /* times it came out (popped or drained) */
};

static void push(ct_stack *s, struct ledger *l, uintptr_t v)
{
    int rc = ct_stack_push(s, 0, v);

    if (rc != 0)
        ct_test_fail("push %" PRIuPTR ": %s", v, ct_strstatus(rc));
    l->pushed[v]++;
}

static uintptr_t pop(ct_stack *s, struct ledger *l)
{
    uintptr_t v = 0;
    int rc = ct_stack_pop(s, 0, &v);

    if (rc != 0)
        ct_test_fail("pop: %s", ct_strstatus(rc));
    if (v == 0 || v > MAXV)
        ct_test_fail("popped %" PRIuPTR ", never pushed", v);
    l->out[v]++;
    return v;
}

/* Drain (bounded: a corrupted stack may cycle), then count the damage. */
static void settle(ct_stack *s, struct ledger *l, unsigned *lost, unsigned *dup)
{
    uintptr_t v;

    for (unsigned i = 0; i < 4 * MAXV && ct_stack_pop(s, 0, &v) == 0; i++) {
        if (v == 0 || v > MAXV)
            ct_test_fail("drained %" PRIuPTR ", never pushed", v);
        l->out[v]++;
    }
    *lost = *dup = 0;
    for (unsigned v2 = 1; v2 <= MAXV; v2++) {
        if (l->out[v2] < l->pushed[v2])
            *lost += l->pushed[v2] - l->out[v2];
        if (l->out[v2] > l->pushed[v2])
            *dup += l->out[v2] - l->pushed[v2];
        if (l->pushed[v2] || l->out[v2])
            printf("    value %2u: pushed %u, came out %u%s\n", v2, l->pushed[v2], l->out[v2],
                   l->out[v2] < l->pushed[v2]   ? "  LOST"
                   : l->out[v2] > l->pushed[v2] ? "  DUPLICATED"
                                                : "");
    }
}

/* ---- naive/aba_lost -------------------------------------------------------------- */

static struct ledger *hook_ledger;
static int hook_runs;

/* Stack A(1)->B(2); the pop read h = A and next = B. Another thread: push
 * X(3) on a fresh block, pop X and A (freed: X's block, then A's), push Y(4)
 * (X's old block) and Z(5) (A's old block): Z(@A)->Y->B. The CAS sees A
 * and installs B: Y is gone. */
static void hook_lost(ct_stack *s)
{
    ct_stack_test_hooks.after_next = NULL; /* once */
    hook_runs++;
    push(s, hook_ledger, 3);
    if (pop(s, hook_ledger) != 3 || pop(s, hook_ledger) != 1)
        ct_test_fail("hook: unexpected stack contents");
    push(s, hook_ledger, 4);
    push(s, hook_ledger, 5);
}

static int test_aba_lost(void *arg)
{
    struct ledger l = {0};
    unsigned lost, dup;
    ct_stack *s;
    uintptr_t got;

    (void)arg;
    arena_reset();
    hook_ledger = &l;
    s = ct__stack_new_hooked(naive, 0, 1);
    CT_CHECK(s != NULL);
    push(s, &l, 2);
    push(s, &l, 1);
    ct_stack_test_hooks.after_next = hook_lost;
    got = pop(s, &l);
    CT_CHECK(hook_runs == 1);
    printf("  the interrupted pop returned %" PRIuPTR " (the node at the recycled address)\n", got);
    settle(s, &l, &lost, &dup);
    ct_stack_free(s);
    printf("  %u lost, %u duplicated, %u double frees\n", lost, dup, arena.double_frees);
    if (lost == 0)
        ct_test_fail("the forced ABA did not lose a value: has treiber_naive been fixed? "
                     "(then retire the pitfall deliberately)");
    return 0;
}

/* ---- naive/aba_duplicated ------------------------------------------------------- */

/* Stack A(3)->B(2)->C(1); the pop read h = A and next = B. Another thread
 * pops A and B (freed, in that order) and pushes X(4), which gets A's old
 * block: X(@A)->C. The CAS sees A and installs B, a freed node whose next
 * still says C: B's value comes out a second time. */
static void hook_dup(ct_stack *s)
{
    ct_stack_test_hooks.after_next = NULL; /* once */
    hook_runs++;
    if (pop(s, hook_ledger) != 3 || pop(s, hook_ledger) != 2)
        ct_test_fail("hook: unexpected stack contents");
    push(s, hook_ledger, 4);
}

static int test_aba_duplicated(void *arg)
{
    struct ledger l = {0};
    unsigned lost, dup;
    ct_stack *s;

    (void)arg;
    arena_reset();
    hook_ledger = &l;
    hook_runs = 0;
    s = ct__stack_new_hooked(naive, 0, 1);
    CT_CHECK(s != NULL);
    push(s, &l, 1);
    push(s, &l, 2);
    push(s, &l, 3);
    ct_stack_test_hooks.after_next = hook_dup;
    pop(s, &l);
    CT_CHECK(hook_runs == 1);
    settle(s, &l, &lost, &dup);
    ct_stack_free(s);
    printf("  %u lost, %u duplicated, %u double frees\n", lost, dup, arena.double_frees);
    if (dup == 0)
        ct_test_fail("the forced ABA did not duplicate a value: has treiber_naive been fixed?");
    if (arena.double_frees == 0)
        ct_test_fail("the resurrected node should have been freed twice");
    return 0;
}

/* ---- naive/uaf_reported ---------------------------------------------------------- */

#define UAF_EXIT 42 /* exitcode= in the child's ASAN_OPTIONS */

/* The pop read h (the head); another thread pops and frees h before this
 * one reads h->next. */
static void hook_free_head(ct_stack *s)
{
    uintptr_t v;

    ct_stack_test_hooks.after_head = NULL; /* once */
    if (ct_stack_pop(s, 0, &v) != 0)
        ct_test_fail("hook: pop failed");
}

static int uaf_child(void)
{
    ct_stack *s;
    uintptr_t v;

    ct_stack_test_hooks = (struct ct_stack_test_hooks){0}; /* malloc and free */
    s = ct__stack_new_hooked(naive, 0, 1);
    if (!s)
        return 3;
    ct_stack_push(s, 0, 1);
    ct_stack_push(s, 0, 2);
    ct_stack_test_hooks.after_head = hook_free_head;
    ct_stack_pop(s, 0, &v); /* reads freed memory: ASan ends the process here */
    ct_stack_free(s);
    return 0; /* 0: ASan said nothing */
}

static int test_uaf_reported(void *arg)
{
    (void)arg;
    return ct_test_expect_sanitizer("--uaf-child", "ASAN_OPTIONS", ':', UAF_EXIT,
                                    "SUMMARY: AddressSanitizer: heap-use-after-free",
                                    "stack_treiber_naive.c");
}

int main(int argc, char **argv)
{
    ct_test_case cases[] = {
        {.name = "naive/aba_lost", .fn = test_aba_lost},
        {.name = "naive/aba_duplicated", .fn = test_aba_duplicated},
        {.name = "naive/uaf_reported", .fn = test_uaf_reported, .timeout_s = 30},
    };

#ifndef HAVE_ASAN
    cases[2].skip = "needs an AddressSanitizer build (CT_SANITIZE=address,undefined)";
#endif
    if (argc == 2 && strcmp(argv[1], "--uaf-child") == 0)
        return uaf_child();
    return ct_test_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
