/*
 * stack_workloads.c: the stack family's workloads, run over every competitor
 * (the treiber_naive pitfall excepted: it corrupts the stack by design).
 *
 *   stack/pairs/<impl>/prefill:<n>/think:<ns>/real_time/threads:<T>
 *       each thread pushes one value, then pops one
 *   stack/split/<impl>/prefill:<n>/think:<ns>/real_time/threads:<T>
 *       even threads only push, odd threads only pop (T = 2, 4, 8)
 *   stack/burst/<impl>/k:<k>/prefill:<n>/think:<ns>/real_time/threads:<T>
 *       each thread pushes k values, then pops k
 *
 * prefill values are pushed in setup (untimed); think is calibrated busy
 * work (ct_work.h) after every operation, outside the stack. Items are the
 * values moved: successful pushes and pops; a pop that finds the stack empty
 * counts in `empty_pops` instead (common in split, whose poppers can outrun
 * its pushers). When split's pushers outrun its poppers instead, the stack
 * grows during the run, and the nodes it allocates (page faults in the
 * harness's counters) are part of what split measures: setup pre-faults the
 * prefill and a cache's worth of nodes per thread, not the unbounded rest.
 *
 * Verification, after every run, outside the timed region: every value is
 * unique by construction (prefill values, then a range per thread), each
 * popping thread sets a bit per value it pops in its own bitmap (set up and
 * pre-faulted in setup; a value it pops twice or that is out of range is
 * counted there), teardown merges the bitmaps (a bit set by two threads is a
 * duplicate), drains what is left into the same bitmap, and checks that the
 * values pushed are exactly those popped plus those left: none lost, none
 * duplicated, none that was never pushed. Any mismatch is a ct_bench_error.
 *
 * The sweep (the whole family must fit in ~3 minutes at 5 repetitions of
 * 0.1 s, and ~15 s with --quick, on 2 cores): prefill is swept on pairs only
 * (0: the stack is mostly empty, pops race pushes on one node; 1k: a warm
 * stack in cache; 1M: nodes spread over 16-32 MB, so most pops miss the
 * cache); think time (0 and 200 ns: contention against a plausible amount
 * of work per operation) on split only, where it changes how often pushers
 * and poppers meet and how often poppers find the stack empty; burst uses
 * k = 32 (runs of the same operation, which elimination cannot pair up) with
 * no think time and no prefill. That is 22 runs per competitor, about 1 s
 * each with 5 repetitions (probe runs, setup and verification included):
 * ~2.5 minutes for the 7 competitors. --quick keeps one value of each and
 * leaves out the 1M prefill, whose setup dominates short runs.
 */
#include "ct_bench.h"
#include "ct_common.h"
#include "ct_work.h"
#include "stack.h"
#include "workloads.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum { W_PAIRS, W_SPLIT, W_BURST };

/* A run is cut at this wall time: a safety net for designs that collapse
 * when oversubscribed (spin with 8 threads on 2 cores). Above Google
 * Benchmark's default min_time (0.5 s), so a run is cut only when it
 * collapses, never merely because it was asked to run long. */
#define TIME_BUDGET_S 1.0
#define MAX_BITMAP_BYTES (UINT64_C(1) << 30)

/* One thread's figures and the bitmap of what it popped, on its own lines. */
typedef struct stk_slot {
    uint64_t pushed CT_CACHE_ALIGNED; /* its values base..base+pushed-1 went in */
    uint64_t npopped;                 /* values it popped */
    uint64_t empty;                   /* pops that found the stack empty */
    uint64_t nomem;                   /* pushes that failed with -ENOMEM */
    uint64_t dups;                    /* values it popped twice itself */
    uint64_t wild;                    /* values out of range (never pushed) */
    uintptr_t first_bad;              /* the first of those */
    uint64_t *bits;                   /* a bit per value it popped */
} stk_slot;

typedef struct stk_run {
    const ct_stack_ops *ops;
    ct_stack *s;
    int workload, threads;
    uint64_t prefill, k, think_loops;
    uint64_t per_thread; /* the most values one thread may push */
    uint64_t total;      /* prefill + threads * per_thread: the value space */
    size_t words;        /* of a bitmap over the value space */
    uint64_t *seen;      /* teardown: the union of the threads' bitmaps and the drain */
    stk_slot *slots;
} stk_run;

/* Value of index i is i + 1 (0 never appears: it would look like a zeroed
 * node). Prefill is 0..prefill-1; thread t's j-th is prefill + t*per_thread + j. */
static inline uintptr_t value_of(const stk_run *r, int t, uint64_t j)
{
    return (uintptr_t)(r->prefill + (uint64_t)t * r->per_thread + j + 1);
}

static void stk_free(stk_run *r)
{
    if (!r)
        return;
    ct_stack_free(r->s);
    if (r->slots)
        for (int t = 0; t < r->threads; t++)
            ct_free_aligned(r->slots[t].bits);
    ct_free_aligned(r->slots);
    ct_free_aligned(r->seen);
    ct_free_aligned(r);
}

static void *stk_setup(ct_bench_state *st, int workload)
{
    const ct_stack_ops *ops = ct_bench_user(st);
    const uint64_t iters = ct_bench_iterations(st);
    int64_t k = 1, prefill, think;
    size_t a = 0;
    stk_run *r;

    if (ops->desc.unavailable) {
        ct_bench_skip(st, "%s", ops->desc.unavailable);
        return NULL;
    }
    if (workload == W_BURST)
        k = ct_bench_arg(st, a++);
    prefill = ct_bench_arg(st, a++);
    think = ct_bench_arg(st, a++);
    if (k < 1 || prefill < 0 || think < 0) {
        ct_bench_error(st, "bad parameters k:%lld prefill:%lld think:%lld", (long long)k,
                       (long long)prefill, (long long)think);
        return NULL;
    }
    r = ct_alloc_aligned(sizeof *r);
    if (!r)
        goto oom;
    r->ops = ops;
    r->workload = workload;
    r->threads = ct_bench_threads(st);
    r->prefill = (uint64_t)prefill;
    r->k = (uint64_t)k;
    r->think_loops = ct_work_loops((uint64_t)think);
    /* pairs and split: at most one push and one pop per iteration; burst: k */
    r->per_thread = iters * r->k;
    r->total = r->prefill + (uint64_t)r->threads * r->per_thread;
    r->words = (size_t)((r->total + 63) / 64);
    /* One bitmap per thread plus the union: bounded, so a runaway iteration
     * count (a run cut by the time budget looks fast to Google Benchmark,
     * which then asks for more) fails loudly instead of swapping. */
    if ((uint64_t)r->words * 8 * (uint64_t)(r->threads + 1) > MAX_BITMAP_BYTES) {
        ct_bench_error(st,
                       "%llu iterations: the verification bitmaps would exceed %llu MiB "
                       "(is --benchmark_min_time above the %.2g s time budget?)",
                       (unsigned long long)iters, (unsigned long long)(MAX_BITMAP_BYTES >> 20),
                       TIME_BUDGET_S);
        stk_free(r);
        return NULL;
    }
    /* ct_alloc_aligned zeroes, which pre-faults the pages before timing.
     * A bitmap per popping thread (a bit per value: 1/64 of a log of
     * values, and no shared writes) costs one read-modify-write per pop. */
    r->seen = ct_alloc_aligned(r->words * sizeof *r->seen);
    r->slots = ct_alloc_aligned(sizeof *r->slots * (size_t)r->threads);
    if (!r->seen || !r->slots)
        goto oom;
    for (int t = 0; t < r->threads; t++)
        if ((workload != W_SPLIT || t % 2 == 1) &&
            !(r->slots[t].bits = ct_alloc_aligned(r->words * sizeof(uint64_t))))
            goto oom;
    /* Room for the prefill plus what each thread holds at once (k values,
     * and a node cache's worth: ct_nodepool moves 64 at a time), so the
     * pools and free lists are allocated and pre-faulted here, untimed. */
    r->s = ct_stack_new(ops->desc.name, (size_t)(r->prefill + (uint64_t)r->threads * (r->k + 128)),
                        (unsigned)r->threads);
    if (!r->s)
        goto oom;
    for (uint64_t i = 0; i < r->prefill; i++)
        if (ct_stack_push(r->s, 0, (uintptr_t)(i + 1)) != 0)
            goto oom;
    return r;
oom:
    ct_bench_error(st, "%s: out of memory in setup (%s)", ops->desc.name, strerror(errno));
    stk_free(r);
    return NULL;
}

static void *pairs_setup(ct_bench_state *st)
{
    return stk_setup(st, W_PAIRS);
}
static void *split_setup(ct_bench_state *st)
{
    return stk_setup(st, W_SPLIT);
}
static void *burst_setup(ct_bench_state *st)
{
    return stk_setup(st, W_BURST);
}

static inline void do_push(stk_run *r, stk_slot *me, unsigned tid, int t)
{
    if (CT_LIKELY(ct_stack_push(r->s, tid, value_of(r, t, me->pushed)) == 0))
        me->pushed++;
    else
        me->nomem++;
    if (r->think_loops)
        ct_work_spin(r->think_loops);
}

static inline void do_pop(stk_run *r, stk_slot *me, unsigned tid)
{
    uintptr_t v;

    if (ct_stack_pop(r->s, tid, &v) == 0) {
        uint64_t idx = (uint64_t)v - 1, bit = UINT64_C(1) << (idx % 64);

        me->npopped++;
        if (CT_UNLIKELY(idx >= r->total)) { /* v == 0 wraps to a huge idx */
            if (!me->wild++ && !me->dups)
                me->first_bad = v;
        } else if (CT_UNLIKELY(me->bits[idx / 64] & bit)) {
            if (!me->dups++ && !me->wild)
                me->first_bad = v;
        } else {
            me->bits[idx / 64] |= bit;
        }
    } else {
        me->empty++;
    }
    if (r->think_loops)
        ct_work_spin(r->think_loops);
}

static void stk_thread(ct_bench_state *st)
{
    stk_run *r = ct_bench_shared(st);
    const int t = ct_bench_thread_index(st);
    const unsigned tid = (unsigned)t;
    stk_slot *me = &r->slots[t];

    switch (r->workload) {
    case W_PAIRS:
        CT_BENCH_LOOP(st, i)
        {
            (void)i;
            do_push(r, me, tid, t);
            do_pop(r, me, tid);
        }
        break;
    case W_SPLIT:
        if (t % 2 == 0) {
            CT_BENCH_LOOP(st, i)
            {
                (void)i;
                do_push(r, me, tid, t);
            }
        } else {
            CT_BENCH_LOOP(st, i)
            {
                (void)i;
                do_pop(r, me, tid);
            }
        }
        break;
    default: /* W_BURST */
        CT_BENCH_LOOP(st, i)
        {
            (void)i;
            for (uint64_t j = 0; j < r->k; j++)
                do_push(r, me, tid, t);
            for (uint64_t j = 0; j < r->k; j++)
                do_pop(r, me, tid);
        }
        break;
    }
    ct_bench_items(st, me->pushed + me->npopped);
}

/* Set bits of bm in [lo, hi). */
static uint64_t count_range(const uint64_t *bm, uint64_t lo, uint64_t hi)
{
    uint64_t n = 0;

    for (; lo < hi && lo % 64; lo++)
        n += bm[lo / 64] >> (lo % 64) & 1;
    for (; lo + 64 <= hi; lo += 64)
        n += (uint64_t)__builtin_popcountll(bm[lo / 64]);
    for (; lo < hi; lo++)
        n += bm[lo / 64] >> (lo % 64) & 1;
    return n;
}

static void stk_teardown(ct_bench_state *st, void *shared)
{
    stk_run *r = shared;
    uint64_t pushed = 0, popped = 0, left = 0, empty = 0, nomem = 0, dups = 0, wild = 0;
    uint64_t count = 0, in_ranges;
    uintptr_t first_bad = 0, v;

    if (!r)
        return;
    for (int t = 0; t < r->threads; t++) {
        stk_slot *sl = &r->slots[t];

        pushed += sl->pushed;
        popped += sl->npopped;
        empty += sl->empty;
        nomem += sl->nomem;
        if ((sl->dups || sl->wild) && !(dups || wild))
            first_bad = sl->first_bad;
        dups += sl->dups;
        wild += sl->wild;
        if (!sl->bits)
            continue;
        /* A bit another thread already set: popped by both. */
        for (size_t w = 0; w < r->words; w++) {
            uint64_t both = r->seen[w] & sl->bits[w];

            if (CT_UNLIKELY(both)) {
                if (!(dups || wild))
                    first_bad = (uintptr_t)(w * 64 + (uint64_t)__builtin_ctzll(both) + 1);
                dups += (uint64_t)__builtin_popcountll(both);
            }
            r->seen[w] |= sl->bits[w];
        }
    }
    /* Drain as thread 0: every thread has stopped. A corrupted stack could
     * cycle, so stop after more pops than values exist. */
    while (left <= r->total && ct_stack_pop(r->s, 0, &v) == 0) {
        uint64_t idx = (uint64_t)v - 1;

        left++;
        if (idx >= r->total) {
            if (!wild++ && !dups)
                first_bad = v;
        } else if (r->seen[idx / 64] & (UINT64_C(1) << (idx % 64))) {
            if (!dups++ && !wild)
                first_bad = v;
        } else {
            r->seen[idx / 64] |= UINT64_C(1) << (idx % 64);
        }
    }
    /* Every value pushed must be seen exactly once, and nothing else. */
    for (size_t w = 0; w < r->words; w++)
        count += (uint64_t)__builtin_popcountll(r->seen[w]);
    in_ranges = count_range(r->seen, 0, r->prefill);
    for (int t = 0; t < r->threads; t++) {
        uint64_t base = r->prefill + (uint64_t)t * r->per_thread;

        in_ranges += count_range(r->seen, base, base + r->slots[t].pushed);
    }

    if (nomem)
        ct_bench_error(st, "%s: %llu pushes failed with ENOMEM", r->ops->desc.name,
                       (unsigned long long)nomem);
    else if (dups || wild)
        ct_bench_error(st,
                       "%s: %llu values popped or left twice, %llu never pushed (the "
                       "first: %llu)",
                       r->ops->desc.name, (unsigned long long)dups, (unsigned long long)wild,
                       (unsigned long long)first_bad);
    else if (in_ranges != count)
        ct_bench_error(st, "%s: %llu values came out that were never pushed", r->ops->desc.name,
                       (unsigned long long)(count - in_ranges));
    else if (count != r->prefill + pushed || popped + left != r->prefill + pushed)
        ct_bench_error(st,
                       "%s: %llu values pushed (with prefill), %llu popped + %llu left: "
                       "%lld lost",
                       r->ops->desc.name, (unsigned long long)(r->prefill + pushed),
                       (unsigned long long)popped, (unsigned long long)left,
                       (long long)(r->prefill + pushed - count));
    ct_bench_counter(st, "empty_pops", (double)empty, CT_COUNTER_TOTAL);
    stk_free(r);
}

void ct_workload_stack_register(const ct_bench_config *cfg)
{
    int threads_all[CT_SWEEP_MAX], threads_split[CT_SWEEP_MAX]; /* split: a pusher and a popper */
    const size_t n_all = ct_bench_sweep_threads(threads_all, 1, 0);
    const size_t n_split = ct_bench_sweep_threads(threads_split, 2, 0);
    static const int64_t prefill_pairs_full[] = {0, 1000, 1000000}, prefill_quick[] = {1000};
    static const int64_t prefill_1k[] = {1000}, prefill_0[] = {0};
    static const int64_t think_full[] = {0, 200}, think_0[] = {0};
    static const int64_t burst_k[] = {32};
    const bool q = cfg->quick;
    char name[96];

    ct_work_calibrate(); /* once, before any benchmark thread starts */
    for (const ct_stack_ops *const *o = ct_stack_impls(); *o; o++) {
        const ct_stack_ops *ops = *o;
        ct_bench *b;

        if (ops->desc.caps & CT_CAP_PITFALL)
            continue; /* treiber_naive corrupts the stack: tests only */

        snprintf(name, sizeof name, "stack/pairs/%s", ops->desc.name);
        b = ct_bench_register(&(ct_bench_def){.name = name,
                                              .run = stk_thread,
                                              .setup = pairs_setup,
                                              .teardown = stk_teardown,
                                              .user = (void *)ops});
        ct_bench_param(b, "prefill", q ? prefill_quick : prefill_pairs_full, q ? 1 : 3);
        ct_bench_param(b, "think", think_0, 1);
        ct_bench_thread_counts(b, threads_all, n_all);
        ct_bench_time_budget(b, TIME_BUDGET_S);

        snprintf(name, sizeof name, "stack/split/%s", ops->desc.name);
        b = ct_bench_register(&(ct_bench_def){.name = name,
                                              .run = stk_thread,
                                              .setup = split_setup,
                                              .teardown = stk_teardown,
                                              .user = (void *)ops});
        ct_bench_param(b, "prefill", prefill_1k, 1);
        ct_bench_param(b, "think", q ? think_0 : think_full, q ? 1 : 2);
        ct_bench_thread_counts(b, threads_split, n_split);
        ct_bench_time_budget(b, TIME_BUDGET_S);

        snprintf(name, sizeof name, "stack/burst/%s", ops->desc.name);
        b = ct_bench_register(&(ct_bench_def){.name = name,
                                              .run = stk_thread,
                                              .setup = burst_setup,
                                              .teardown = stk_teardown,
                                              .user = (void *)ops});
        ct_bench_param(b, "k", burst_k, 1);
        ct_bench_param(b, "prefill", prefill_0, 1);
        ct_bench_param(b, "think", think_0, 1);
        ct_bench_thread_counts(b, threads_all, n_all);
        ct_bench_time_budget(b, TIME_BUDGET_S);
    }
}
