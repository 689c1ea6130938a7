/*
 * test_map_validate.c: the map family's validate driver.
 *
 * Every registered competitor (unavailable ones are listed as SKIP with the
 * reason; the test build's broken ones must fail: XFAIL) is run by 1, 2, 4
 * and 8 threads (8 is 4x oversubscription on the 2-core reference machine),
 * released together by a start barrier. One case per (competitor, thread
 * count): validate/<impl>/<n>t. The competitors come from ct_map_impls(),
 * never from a list here.
 *
 * Each thread runs a mix on a few keys (so threads collide on them): gets,
 * puts, deletes and load_or_stores, every value encoding its key and its
 * writer. Checked:
 *  - sequential replay: per key, the successful inserts (put returning 1,
 *    load_or_store returning 0) minus the successful deletes, over every
 *    thread, equal the key's presence at the end (0 or 1);
 *  - every value a get or a load_or_store returned, and every value left in
 *    the map, was written for its key by a thread that exists;
 *  - load_or_store that stored returns the value given.
 * Spinning on a lock oversubscribed can be slow: threads stop at
 * DEADLINE_NS (checked between operations), and the checks use what was done.
 * Plus: the list's own rules, ct_map_find's and ct_map_new's errors, the
 * sequential contract of every verb on every design (growing far past the
 * capacity hint), load_or_store raced by 2 and 8 threads on the same fresh
 * keys (exactly one winner per key, every loser sees its value), and many
 * short-lived threads on one map (the RCU designs register and unregister
 * each with liburcu).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct_test.h"
#include "map.h"

#define OPS_PER_THREAD 20000u /* small enough to be quick under TSan */
#define KEYS 64u              /* few: threads collide on every key */
#define DEADLINE_NS INT64_C(500000000)
#define VALIDATE_TIMEOUT_S 30u
#define MAX_THREADS 8u

static const unsigned thread_counts[] = {1, 2, 4, 8};
#define NCOUNTS (sizeof thread_counts / sizeof thread_counts[0])

struct vthread {
    int32_t net[KEYS]; /* successful inserts - deletes, per key */
    unsigned done;     /* operations completed */
    int stopped;       /* stopped at the deadline */
    char err[240];     /* the first check this thread saw fail */
};

struct vrun {
    ct_map *m;
    unsigned threads;
    ct_test_barrier start;
    int64_t deadline;
    struct vthread th[MAX_THREADS];
};

#define VCHECK(t, cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond) && !(t)->err[0])                                                               \
            snprintf((t)->err, sizeof(t)->err, __VA_ARGS__);                                       \
    } while (0)

static inline uint64_t value_of(uint64_t key, unsigned writer, uint64_t seq)
{
    return key << 32 | (uint64_t)writer << 24 | (seq & 0xffffff);
}

static inline bool value_ok(uint64_t key, uint64_t v, unsigned threads)
{
    return v >> 32 == key && ((v >> 24) & 0xff) >= 1 && ((v >> 24) & 0xff) <= threads;
}

static void vthread_main(unsigned tid, void *arg)
{
    struct vrun *r = arg;
    struct vthread *t = &r->th[tid];
    uint64_t x = UINT64_C(0x9e3779b97f4a7c15) * (tid + 1);
    unsigned i;

    ct_test_barrier_wait(&r->start);
    for (i = 0; i < OPS_PER_THREAD; i++) {
        uint64_t key, v, mine;
        unsigned op;

        if (ct_now_ns() > r->deadline) {
            t->stopped = 1;
            break;
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        key = (x >> 8) % KEYS;
        op = (unsigned)(x >> 40) % 10;
        mine = value_of(key, tid + 1, i);
        if (op < 4) { /* get */
            if (ct_map_get(r->m, tid, key, &v))
                VCHECK(t, value_ok(key, v, r->threads),
                       "get %u: key %" PRIu64 " read %#" PRIx64 ", never written for it", i, key,
                       v);
        } else if (op < 6) { /* put */
            t->net[key] += ct_map_put(r->m, tid, key, mine);
        } else if (op < 8) { /* delete */
            t->net[key] -= ct_map_delete(r->m, tid, key);
        } else if (ct_map_load_or_store(r->m, tid, key, mine, &v)) { /* loaded */
            VCHECK(t, value_ok(key, v, r->threads),
                   "load_or_store %u: key %" PRIu64 " loaded %#" PRIx64 ", never written for it", i,
                   key, v);
        } else { /* stored */
            t->net[key]++;
            VCHECK(t, v == mine,
                   "load_or_store %u: stored on key %" PRIu64 " but returned %#" PRIx64
                   ", not the value given",
                   i, key, v);
        }
    }
    t->done = i;
}

static int test_validate(void *arg)
{
    const ct_test_cell *cell = arg;
    const ct_map_ops *ops = cell->impl;
    const char *name = ops->desc.name;
    struct vrun *r = calloc(1, sizeof *r);
    unsigned stopped = 0, done = 0, differ = 0;
    int bad = 0;

    CT_CHECK(r != NULL && cell->threads <= MAX_THREADS);
    r->threads = cell->threads;
    r->m = ct_map_new(name, KEYS, r->threads);
    if (!r->m)
        ct_test_fail("%s: ct_map_new(.., %u): %s", name, r->threads, strerror(errno));
    ct_test_barrier_init(&r->start, r->threads);
    r->deadline = ct_now_ns() + DEADLINE_NS;
    ct_test_run_threads(r->threads, vthread_main, r);
    ct_test_barrier_destroy(&r->start);

    for (unsigned t = 0; t < r->threads; t++) {
        done += r->th[t].done;
        stopped += (unsigned)r->th[t].stopped;
        if (r->th[t].err[0]) {
            fprintf(stderr, "%s, %u threads: thread %u: %s\n", name, r->threads, t, r->th[t].err);
            bad = 1;
        }
    }
    for (uint64_t key = 0; key < KEYS; key++) {
        int64_t expect = 0;
        uint64_t v = 0;
        int present = ct_map_get(r->m, 0, key, &v);

        for (unsigned t = 0; t < r->threads; t++)
            expect += r->th[t].net[key];
        if (expect != present && !differ++)
            fprintf(stderr,
                    "%s, %u threads: key %" PRIu64 ": the replay of the successful operations "
                    "leaves %" PRId64 ", but the map %s it\n",
                    name, r->threads, key, expect, present ? "holds" : "lacks");
        if (present && !value_ok(key, v, r->threads)) {
            fprintf(stderr,
                    "%s, %u threads: key %" PRIu64 " holds %#" PRIx64 ", never written for it\n",
                    name, r->threads, key, v);
            bad = 1;
        }
    }
    if (differ) {
        fprintf(stderr, "%s, %u threads: %u of %u keys differ from the replay\n", name, r->threads,
                differ, KEYS);
        bad = 1;
    }
    if (stopped)
        printf("  %s, %u threads: %u stopped at the deadline, after %u of %u operations\n", name,
               r->threads, stopped, done, r->threads * OPS_PER_THREAD);
    ct_map_free(r->m);
    free(r);
    return bad;
}

/* ---- registry, find, the sequential contract -------------------------------- */

static bool testable(const ct_map_ops *o)
{
    return !o->desc.unavailable && !ct_test_broken(o->desc.caps);
}

CT_TEST_REGISTRY_ADAPTERS(map)

static void *map_new_one(const char *name)
{
    return ct_map_new(name, 16, 1);
}

static int test_registry(void *arg)
{
    size_t n;

    (void)arg;
    /* Every design is exact, takes any number of threads and names its one
     * progress class; a map has no caps of its own. */
    n = ct_test_check_registry(
        &(ct_test_registry){CT_TEST_REGISTRY_OF(map), .create = map_new_one,
                            .required_caps = CT_CAP_EXACT | CT_CAP_MPMC,
                            .rules = CT_TEST_NO_PITFALL | CT_TEST_ONE_PROGRESS});
    for (size_t i = 0; i < n; i++) {
        const ct_map_ops *o = ct_map_impls()[i];
        const ct_impl_desc *d = &o->desc;

        if (!o->create || (!d->unavailable &&
                           (!o->destroy || !o->get || !o->put || !o->del || !o->load_or_store)))
            ct_test_fail("%s: a function pointer is NULL", d->name);
    }
    ct_map_free(NULL); /* a no-op, as free(NULL) */
    return 0;
}

static int test_find_unknown(void *arg)
{
    ct_map *m;

    (void)arg;
    ct_test_check_unknown_names(
        &(ct_test_registry){CT_TEST_REGISTRY_OF(map), .create = map_new_one}, NULL);
    m = ct_map_new(NULL, 16, 1);
    if (!m || ct_map_impl(m) != ct_map_impls()[0])
        ct_test_fail("ct_map_new(NULL, ..) must make the first listed (%s)",
                     ct_map_impls()[0]->desc.name);
    ct_map_free(m);
    return 0;
}

#define SEQ_KEYS 5000u /* far past the capacity hint of 16: every table grows */

#define SEQ_EXPECT(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ct_test_fail(__VA_ARGS__);                                                             \
    } while (0)

/* Every verb, one thread, on every design: what a plain map would answer. */
static int test_sequential(void *arg)
{
    (void)arg;
    for (const ct_map_ops *const *o = ct_map_impls(); *o; o++) {
        const char *name = (*o)->desc.name;
        uint64_t v;
        ct_map *m;

        if (!testable(*o))
            continue;
        m = ct_map_new(name, 16, 1);
        if (!m)
            ct_test_fail("%s: ct_map_new: %s", name, strerror(errno));
        if (ct_map_impl(m) != *o || (uintptr_t)m % CT_CACHELINE)
            ct_test_fail("%s: ops not set, or not cache-line aligned", name);
        SEQ_EXPECT(!ct_map_get(m, 0, 7, &v), "%s: a new map has key 7", name);
        SEQ_EXPECT(!ct_map_delete(m, 0, 7), "%s: delete found key 7 in a new map", name);
        /* the extremes of the key space are keys like any other */
        SEQ_EXPECT(ct_map_put(m, 0, 0, 1) == 1 && ct_map_put(m, 0, UINT64_MAX, 2) == 1,
                   "%s: put of keys 0 and UINT64_MAX did not insert", name);
        SEQ_EXPECT(ct_map_get(m, 0, UINT64_MAX, &v) && v == 2, "%s: key UINT64_MAX lost", name);
        SEQ_EXPECT(ct_map_delete(m, 0, 0) && ct_map_delete(m, 0, UINT64_MAX),
                   "%s: delete of keys 0 and UINT64_MAX failed", name);
        for (uint64_t k = 0; k < SEQ_KEYS; k++)
            SEQ_EXPECT(ct_map_put(m, 0, k, k * 3) == 1, "%s: put %" PRIu64 " did not insert", name,
                       k);
        for (uint64_t k = 0; k < SEQ_KEYS; k++) {
            SEQ_EXPECT(ct_map_get(m, 0, k, &v) && v == k * 3, "%s: get %" PRIu64 " wrong", name, k);
            SEQ_EXPECT(ct_map_put(m, 0, k, k * 5) == 0, "%s: put %" PRIu64 " did not replace", name,
                       k);
        }
        for (uint64_t k = 0; k < SEQ_KEYS; k += 2)
            SEQ_EXPECT(ct_map_delete(m, 0, k) == 1, "%s: delete %" PRIu64 " missed", name, k);
        for (uint64_t k = 0; k < SEQ_KEYS; k++) {
            int present = ct_map_get(m, 0, k, &v);

            SEQ_EXPECT(present == (int)(k & 1) && (!present || v == k * 5),
                       "%s: key %" PRIu64
                       " after deleting the even ones: present %d value %" PRIu64,
                       name, k, present, present ? v : 0);
            /* load_or_store: the odd ones load their value, the even ones store */
            SEQ_EXPECT(ct_map_load_or_store(m, 0, k, k * 7, &v) == (int)(k & 1) &&
                           v == (k & 1 ? k * 5 : k * 7),
                       "%s: load_or_store %" PRIu64 " returned the wrong side or value", name, k);
            SEQ_EXPECT(ct_map_get(m, 0, k, &v) && v == (k & 1 ? k * 5 : k * 7),
                       "%s: key %" PRIu64 " after load_or_store", name, k);
        }
        ct_map_free(m); /* with every key in it: LSan checks it frees them */
    }
    return 0;
}

/* ---- load_or_store raced: exactly one winner per key --------------------------- */

#define RACE_KEYS 2000u

struct race {
    ct_map *m;
    unsigned threads;
    ct_test_barrier start;
    uint8_t won[MAX_THREADS][RACE_KEYS];
    uint64_t seen[MAX_THREADS][RACE_KEYS];
};

static void race_thread(unsigned tid, void *arg)
{
    struct race *r = arg;

    ct_test_barrier_wait(&r->start);
    for (uint64_t k = 0; k < RACE_KEYS; k++) {
        /* every thread walks the keys in its own order: collisions at any point */
        uint64_t key = (k * 7 + tid * 311) % RACE_KEYS;

        r->won[tid][key] =
            !ct_map_load_or_store(r->m, tid, key, value_of(key, tid + 1, 0), &r->seen[tid][key]);
    }
}

static int race_one(const char *name, unsigned threads)
{
    struct race *r = calloc(1, sizeof *r);

    CT_CHECK(r != NULL);
    r->threads = threads;
    r->m = ct_map_new(name, RACE_KEYS, threads);
    if (!r->m)
        ct_test_fail("%s: ct_map_new: %s", name, strerror(errno));
    ct_test_barrier_init(&r->start, threads);
    ct_test_run_threads(threads, race_thread, r);
    ct_test_barrier_destroy(&r->start);
    for (uint64_t key = 0; key < RACE_KEYS; key++) {
        unsigned winners = 0, winner = 0;
        uint64_t v;

        for (unsigned t = 0; t < threads; t++)
            if (r->won[t][key]) {
                winners++;
                winner = t;
            }
        if (winners != 1)
            ct_test_fail("%s, %u threads: key %" PRIu64 ": %u threads stored it with "
                         "load_or_store, not exactly one",
                         name, threads, key, winners);
        for (unsigned t = 0; t < threads; t++)
            if (r->seen[t][key] != value_of(key, winner + 1, 0))
                ct_test_fail("%s, %u threads: key %" PRIu64 ": thread %u saw %#" PRIx64
                             ", not the winner's (thread %u) value",
                             name, threads, key, t, r->seen[t][key], winner);
        if (!ct_map_get(r->m, 0, key, &v) || v != value_of(key, winner + 1, 0))
            ct_test_fail("%s, %u threads: key %" PRIu64 " does not hold the winner's value", name,
                         threads, key);
    }
    ct_map_free(r->m);
    free(r);
    return 0;
}

static int test_load_or_store_race(void *arg)
{
    (void)arg;
    for (const ct_map_ops *const *o = ct_map_impls(); *o; o++) {
        if (!testable(*o))
            continue;
        race_one((*o)->desc.name, 2);
        race_one((*o)->desc.name, MAX_THREADS);
    }
    return 0;
}

/* ---- many short-lived threads on one map ----------------------------------------- */

#define WAVES 20u
#define WAVE_THREADS 4u

static void wave_thread(unsigned tid, void *arg)
{
    ct_map *m = arg;
    uint64_t v;

    /* each thread its own key: no race on the count below */
    ct_map_get(m, tid, tid, &v);
    if (ct_map_load_or_store(m, tid, tid, 0, &v))
        ct_map_put(m, tid, tid, v + 1);
    ct_map_put(m, tid, 1000 + tid, v);
    ct_map_delete(m, tid, 1000 + tid);
}

static int test_thread_churn(void *arg)
{
    (void)arg;
    for (const ct_map_ops *const *o = ct_map_impls(); *o; o++) {
        ct_map *m;

        if (!testable(*o))
            continue;
        m = ct_map_new((*o)->desc.name, 16, WAVE_THREADS);
        if (!m)
            ct_test_fail("%s: ct_map_new: %s", (*o)->desc.name, strerror(errno));
        for (unsigned k = 0; k < WAVES; k++)
            ct_test_run_threads(WAVE_THREADS, wave_thread, m);
        for (uint64_t t = 0; t < WAVE_THREADS; t++) {
            uint64_t v = 0;

            if (!ct_map_get(m, 0, t, &v) || v != WAVES - 1)
                ct_test_fail("%s: key %" PRIu64 " holds %" PRIu64 " after %u waves",
                             (*o)->desc.name, t, v, WAVES);
        }
        ct_map_free(m);
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const ct_test_case fixed[] = {
        {.name = "registry", .fn = test_registry},
        {.name = "find_unknown", .fn = test_find_unknown},
        {.name = "sequential", .fn = test_sequential, .timeout_s = VALIDATE_TIMEOUT_S},
        {.name = "load_or_store_race",
         .fn = test_load_or_store_race,
         .timeout_s = VALIDATE_TIMEOUT_S},
        {.name = "thread_churn", .fn = test_thread_churn, .timeout_s = VALIDATE_TIMEOUT_S},
    };
    size_t n = ct_registry_count(ct_map_descs());
    ct_test_competitor *comps = calloc(n ? n : 1, sizeof *comps);
    int rc;

    if (!comps)
        ct_die("test_map_validate: no memory for %zu competitors", n);
    for (size_t i = 0; i < n; i++) {
        const ct_map_ops *ops = ct_map_impls()[i];

        comps[i] = (ct_test_competitor){ops, ops->desc.name, ops->desc.unavailable,
                                        ct_test_broken(ops->desc.caps)};
    }
    rc = ct_test_main_matrix(argc, argv, fixed, sizeof fixed / sizeof fixed[0], comps, n,
                             thread_counts, NCOUNTS, test_validate, VALIDATE_TIMEOUT_S);
    free(comps);
    return rc;
}
