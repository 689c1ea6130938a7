/*
 * map_mix.c: synchrobench's mix, run over every map competitor.
 *
 *   map/mix/<impl>/updates:<pct>/range:<keys>/real_time/threads:<T>
 *
 * The map starts with half the key range (a fixed pseudo-random half, put
 * in setup). Each of T threads then runs OPS_PER_THREAD operations on
 * uniformly drawn keys of [0, range): updates% of them are updates, half
 * inserts and half deletes; the rest are gets. An insert is load_or_store,
 * synchrobench's insert-if-absent (and the verb Go's sync.Map can count
 * exactly on every Go version the peer runs on: before Go 1.20's Swap, a
 * Store does not say whether it inserted). Every value written encodes its
 * key and its writer (key << 32 | writer << 24 | sequence), so a get can
 * tell a value that was never written for its key. Items: every operation.
 *
 * Verified after every run, outside the timed region, by sequential
 * replay: each thread counts, per key, its successful inserts (a
 * load_or_store that stored) minus its successful deletes; for every key, its presence
 * after the fill plus every thread's count must be 0 or 1 and equal its
 * presence in the map at the end (a linearizable map admits no other
 * outcome, whatever the interleaving). Every value a get or an insert
 * returned (during the run and at the end) must encode its key and a writer
 * that exists.
 * The first key that fails is named.
 *
 * The iteration count is fixed (as rwlock/mix's), and the run bounded in
 * time, so each cell of the sweep costs about the same.
 */
#include "ct_bench.h"
#include "ct_common.h"
#include "map.h"
#include "workloads.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define OPS_PER_THREAD 50000u

typedef struct mix_slot {
    uint64_t bad_reads CT_CACHE_ALIGNED; /* gets whose value was never written for the key */
    uint64_t bad_key, bad_value;         /* the first of them */
    int32_t *net;                        /* per key: successful inserts - deletes */
} mix_slot;

typedef struct mix_run {
    const ct_map_ops *ops;
    ct_map *map;
    uint64_t range; /* a power of two */
    unsigned update_pct;
    int threads;
    uint8_t *initial; /* per key: present after the fill */
    mix_slot *slots;
} mix_run;

static void mix_free(mix_run *r)
{
    if (!r)
        return;
    ct_map_free(r->map);
    for (int t = 0; r->slots && t < r->threads; t++)
        free(r->slots[t].net);
    ct_free_aligned(r->slots);
    free(r->initial);
    ct_free_aligned(r);
}

static inline uint64_t value_of(uint64_t key, unsigned writer, uint64_t seq)
{
    return key << 32 | (uint64_t)writer << 24 | (seq & 0xffffff);
}

/* A value some writer (0: the fill, 1..threads: the threads) wrote for key. */
static inline bool value_ok(uint64_t key, uint64_t v, int threads)
{
    return v >> 32 == key && ((v >> 24) & 0xff) <= (uint64_t)threads;
}

static void *mix_setup(ct_bench_state *st)
{
    const ct_map_ops *ops = ct_bench_user(st);
    int64_t updates = ct_bench_arg(st, 0), range = ct_bench_arg(st, 1);
    mix_run *r;

    if (updates < 0 || updates > 100 || range < 2 || range > (INT64_C(1) << 31) ||
        (range & (range - 1))) {
        ct_bench_error(st, "bad parameters updates:%lld range:%lld (a power of two)",
                       (long long)updates, (long long)range);
        return NULL;
    }
    if (ops->desc.unavailable) {
        ct_bench_skip(st, "%s", ops->desc.unavailable);
        return NULL;
    }
    r = ct_alloc_aligned(sizeof *r);
    if (!r)
        goto oom;
    r->ops = ops;
    r->threads = ct_bench_threads(st);
    r->range = (uint64_t)range;
    r->update_pct = (unsigned)updates;
    r->initial = calloc((size_t)range, 1);
    r->slots = ct_alloc_aligned(sizeof *r->slots * (size_t)r->threads);
    r->map = ct_map_new(ops->desc.name, (size_t)range, (unsigned)r->threads);
    if (!r->initial || !r->slots || !r->map)
        goto oom;
    for (int t = 0; t < r->threads; t++)
        if (!(r->slots[t].net = calloc((size_t)range, sizeof(int32_t))))
            goto oom;
    /* half the range, in an order an odd multiplier scatters (a bijection
     * modulo a power of two); presence is what put reported */
    for (uint64_t i = 0; i < r->range / 2; i++) {
        uint64_t key = (i * UINT64_C(0x9e3779b97f4a7c15)) & (r->range - 1);

        r->initial[key] += (uint8_t)ct_map_put(r->map, 0, key, value_of(key, 0, i));
    }
    return r;
oom:
    ct_bench_error(st, "out of memory creating %s", ops->desc.name);
    mix_free(r);
    return NULL;
}

static void mix_run_thread(ct_bench_state *st)
{
    mix_run *r = ct_bench_shared(st);
    const unsigned tid = (unsigned)ct_bench_thread_index(st);
    mix_slot *me = r ? &r->slots[tid] : NULL;
    const uint64_t mask = r ? r->range - 1 : 0;
    const unsigned update_pct = r ? r->update_pct : 0;
    int32_t *net = me ? me->net : NULL;
    uint64_t x = UINT64_C(0x2545f4914f6cdd1d) * (tid + 1), done = 0, bad = 0, seq = 0;
    uint64_t bad_key = 0, bad_value = 0;

    if (r) {
        /* One get before the timer starts (Google Benchmark's start barrier
         * comes with the first batch): a design's per-thread setup (RCU's
         * registration with liburcu) is paid outside the timed loop. */
        uint64_t v;

        ct_map_get(r->map, tid, 0, &v);
    }
    CT_BENCH_LOOP(st, i)
    {
        uint64_t rnd, key, v;

        (void)i;
        if (!r)
            continue; /* setup failed or skipped: run the loop out */
        /* xorshift64*: the key from the high bits, the operation from others */
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        rnd = x * UINT64_C(0x2545f4914f6cdd1d);
        key = (rnd >> 32) & mask;
        if ((rnd & 0xffff) % 100 < update_pct) {
            if (!(rnd & 0x10000))
                net[key] -= ct_map_delete(r->map, tid, key);
            else if (!ct_map_load_or_store(r->map, tid, key, value_of(key, tid + 1, seq++), &v))
                net[key]++; /* stored: an insert */
            else if (!value_ok(key, v, r->threads) && !bad++) {
                bad_key = key;
                bad_value = v;
            }
        } else if (ct_map_get(r->map, tid, key, &v) && !value_ok(key, v, r->threads)) {
            if (!bad++) {
                bad_key = key;
                bad_value = v;
            }
        }
        done++;
    }
    if (me) {
        me->bad_reads = bad;
        me->bad_key = bad_key;
        me->bad_value = bad_value;
    }
    ct_bench_items(st, done);
}

static void mix_teardown(ct_bench_state *st, void *shared)
{
    mix_run *r = shared;
    uint64_t differ = 0, first = 0, bad = 0;
    int64_t first_expect = 0;
    int first_present = 0;
    const char *name;

    if (!r)
        return;
    name = r->ops->desc.name;
    for (int t = 0; t < r->threads; t++)
        if (r->slots[t].bad_reads && !bad++)
            ct_bench_error(st,
                           "%s: key %" PRIu64 ": a get returned %#" PRIx64
                           ", which no thread wrote for that key (%" PRIu64 " such gets)",
                           name, r->slots[t].bad_key, r->slots[t].bad_value, r->slots[t].bad_reads);
    if (bad) {
        mix_free(r);
        return;
    }
    for (uint64_t key = 0; key < r->range; key++) {
        int64_t expect = r->initial[key];
        uint64_t v = 0;
        int present = ct_map_get(r->map, 0, key, &v);

        for (int t = 0; t < r->threads; t++)
            expect += r->slots[t].net[key];
        if (present && !value_ok(key, v, r->threads)) {
            ct_bench_error(st,
                           "%s: key %" PRIu64 ": the map holds %#" PRIx64
                           ", which no thread wrote for that key",
                           name, key, v);
            mix_free(r);
            return;
        }
        if (expect != present && !differ++) {
            first = key;
            first_expect = expect;
            first_present = present;
        }
    }
    if (differ)
        ct_bench_error(st,
                       "%s: key %" PRIu64 ": the replay of the successful operations leaves "
                       "%" PRId64 " (present after the fill %d, plus inserts, minus deletes), "
                       "but the map %s it (%" PRIu64 " keys differ)",
                       name, first, first_expect, r->initial[first],
                       first_present ? "holds" : "lacks", differ);
    mix_free(r);
}

void ct_workload_map_register(const ct_bench_config *cfg)
{
    /* 1 (uncontended) up to the cores, then 2x and 4x them (oversubscribed:
     * a lock holder preempted) */
    int threads[CT_SWEEP_MAX];
    const size_t nt = ct_bench_sweep_threads(threads, 1, cfg->quick ? CT_SWEEP_QUICK : 0);
    /* read-only (sync.Map's case), read-mostly, update-heavy */
    static const int64_t updates_all[] = {0, 10, 50}, updates_quick[] = {0, 50};
    /* 4096 keys (fits in cache); FULL adds 65536 (mostly misses in L2) */
    static const int64_t range_default[] = {4096}, range_full[] = {4096, 65536};
    char name[96];

    for (const ct_map_ops *const *ops = ct_map_impls(); *ops; ops++) {
        snprintf(name, sizeof name, "map/mix/%s", (*ops)->desc.name);
        ct_bench *b = ct_bench_register(&(ct_bench_def){.name = name,
                                                        .run = mix_run_thread,
                                                        .setup = mix_setup,
                                                        .teardown = mix_teardown,
                                                        .user = (void *)*ops});
        if (cfg->quick) {
            ct_bench_param(b, "updates", updates_quick, 2);
            ct_bench_param(b, "range", range_default, 1);
            ct_bench_thread_counts(b, threads, nt);
        } else {
            ct_bench_param(b, "updates", updates_all, 3);
            if (cfg->full)
                ct_bench_param(b, "range", range_full, 2);
            else
                ct_bench_param(b, "range", range_default, 1);
            ct_bench_thread_counts(b, threads, nt);
        }
        /* A fixed count keeps Google Benchmark from growing the run to
         * min_time for each cell; the budget bounds a design that collapses
         * oversubscribed. */
        ct_bench_fixed_iterations(b, OPS_PER_THREAD);
        ct_bench_time_budget(b, 0.05);
    }
}
