/*
 * unprotected_map: a hash map written by several threads with no lock.
 *
 * Go (seed 004, 8.2 数据竞争, BadCache): `func (c *BadCache) Set(key
 * string, val int) { c.data[key] = val }` called from many goroutines: a
 * data race on the map (go run -race reports it; the runtime may also die
 * with "concurrent map writes"). The seed's fix, GoodCache, takes a
 * sync.RWMutex: Lock in Set, RLock in Get.
 *
 * C: the map is a small open-addressing table in this file (keys are user
 * ids, hashed; a fixed array, so even the racy version cannot run off its
 * end). Four threads set overlapping keys at once: TSan reports the data
 * race in map_set. Fixed: a pthread rwlock, write-locked by set and
 * read-locked by get, as the seed's GoodCache. Both versions then read every
 * key back; the figures are informational (what the race did to the map in
 * that run).
 */
#include "pitfall.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

enum { THREADS = 4, KEYS = 48, SLOTS = 64, SETS = 20000 };

typedef struct entry {
    uint64_t key;
    int64_t val;
    bool used;
} entry;

/* The seed's map[string]int, as a table. */
typedef struct cache {
    entry slot[SLOTS];
    pthread_rwlock_t lock; /* the fixed version's (GoodCache.mu) */
    bool locked;
} cache;

static cache the_cache;
static pthread_barrier_t start;

static uint64_t hash(uint64_t k)
{
    k ^= k >> 33;
    k *= UINT64_C(0xff51afd7ed558ccd);
    return k ^ (k >> 33);
}

/* noinline: so the race's key frame is map_set in every build. */
static void map_set(cache *c, uint64_t key, int64_t val) __attribute__((noinline));
static bool map_get(cache *c, uint64_t key, int64_t *val) __attribute__((noinline));

/* c.data[key] = val: linear probing over a fixed table. */
static void map_set(cache *c, uint64_t key, int64_t val)
{
    for (unsigned i = 0, h = (unsigned)(hash(key) % SLOTS); i < SLOTS; i++, h = (h + 1) % SLOTS) {
        entry *e = &c->slot[h];

        if (!e->used || e->key == key) { /* the bad version's race: unguarded reads and writes */
            e->key = key;
            e->val = val;
            e->used = true;
            return;
        }
    }
}

static bool map_get(cache *c, uint64_t key, int64_t *val)
{
    for (unsigned i = 0, h = (unsigned)(hash(key) % SLOTS); i < SLOTS; i++, h = (h + 1) % SLOTS) {
        entry *e = &c->slot[h];

        if (!e->used)
            return false;
        if (e->key == key) {
            *val = e->val;
            return true;
        }
    }
    return false;
}

/* BadCache.Set, or GoodCache.Set (Lock) */
static void cache_set(cache *c, uint64_t key, int64_t val)
{
    if (c->locked)
        pthread_rwlock_wrlock(&c->lock);
    map_set(c, key, val);
    if (c->locked)
        pthread_rwlock_unlock(&c->lock);
}

/* GoodCache.Get (RLock) */
static bool cache_get(cache *c, uint64_t key, int64_t *val)
{
    bool ok;

    if (c->locked)
        pthread_rwlock_rdlock(&c->lock);
    ok = map_get(c, key, val);
    if (c->locked)
        pthread_rwlock_unlock(&c->lock);
    return ok;
}

static void *writer(void *arg)
{
    uintptr_t id = (uintptr_t)arg;

    pthread_barrier_wait(&start);
    for (int i = 0; i < SETS; i++) {
        uint64_t key = 1000 + (uint64_t)(i * 7 + (int)id) % KEYS; /* keys the others set too */

        cache_set(&the_cache, key, (int64_t)key * 10);
    }
    return NULL;
}

static int run(int fixed)
{
    pthread_t t[THREADS];
    int missing = 0, wrong = 0;

    the_cache.locked = fixed;
    if (pthread_rwlock_init(&the_cache.lock, NULL) != 0 ||
        pthread_barrier_init(&start, NULL, THREADS) != 0)
        return 1;
    for (uintptr_t i = 0; i < THREADS; i++)
        if (pthread_create(&t[i], NULL, writer, (void *)i) != 0)
            return 1;
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    for (uint64_t key = 1000; key < 1000 + KEYS; key++) {
        int64_t v;

        if (!cache_get(&the_cache, key, &v))
            missing++;
        else if (v != (int64_t)key * 10)
            wrong++;
    }
    pthread_barrier_destroy(&start);
    pthread_rwlock_destroy(&the_cache.lock);
    ct_pitfall_figure("keys_missing", missing);
    ct_pitfall_figure("values_wrong", wrong);
    return 0;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main_flag(argc, argv, run);
}
