/*
 * map_chained_rw.c: a map competitor written outside the tree.
 *
 *     cc map_chained_rw.c $(pkg-config --cflags --libs contend-bench) -o mybench
 *     ./mybench --family=map
 *
 * The design: a chained hash table (an array of buckets, each a singly
 * linked list of entries) behind one pthread rwlock. Gets share the lock,
 * put, delete and load_or_store take it alone, so every operation is
 * linearizable at its lock. The lock prefers writers (glibc's
 * PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP), so a stream of gets cannot
 * starve an update; contend's own `rwlock` map uses glibc's default, readers
 * first. The table doubles when it holds twice as many keys as buckets. The
 * map workloads check every get against what was stored and replay the
 * inserts and deletes against the keys left at the end.
 */
#ifndef _GNU_SOURCE /* the tree's build defines it already */
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np */
#endif

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include <contend/map.h> /* ct_map_ops, ct_die, CT_REGISTER_COMPETITOR */

typedef struct entry {
    struct entry *next;
    uint64_t key, value;
} entry;

struct chained_rw {
    ct_map base;                            /* first: ct_map_new sets its ops */
    CT_CACHE_ALIGNED pthread_rwlock_t lock; /* its own line: every call takes it */
    entry **buckets;                        /* guarded by lock, as is all below */
    size_t mask;                            /* buckets - 1 (a power of two) */
    size_t count;                           /* keys present */
};

static struct chained_rw *cr(ct_map *m)
{
    return (struct chained_rw *)(void *)m;
}

/* A pthread call that fails here is a bug (a bad lock), not a result. */
static void check(int err, const char *what)
{
    if (err)
        ct_die("chained_rw: %s failed (error %d)", what, err);
}

/* splitmix64's finalizer: spreads sequential keys over the buckets. */
static size_t bucket_of(const struct chained_rw *m, uint64_t key)
{
    key ^= key >> 30;
    key *= 0xbf58476d1ce4e5b9u;
    key ^= key >> 27;
    key *= 0x94d049bb133111ebu;
    key ^= key >> 31;
    return (size_t)key & m->mask;
}

/* The link that points at key's entry, or at the NULL ending its chain. */
static entry **find(struct chained_rw *m, uint64_t key)
{
    entry **at = &m->buckets[bucket_of(m, key)];

    while (*at && (*at)->key != key)
        at = &(*at)->next;
    return at;
}

/* Under the write lock: twice the buckets, every entry relinked. */
static void grow(struct chained_rw *m)
{
    size_t old_n = m->mask + 1;
    entry **old = m->buckets;

    m->buckets = calloc(old_n * 2, sizeof *m->buckets);
    if (!m->buckets)
        ct_die("chained_rw: out of memory growing to %zu buckets", old_n * 2);
    m->mask = old_n * 2 - 1;
    for (size_t i = 0; i < old_n; i++) {
        for (entry *e = old[i], *next; e; e = next) {
            entry **head = &m->buckets[bucket_of(m, e->key)];

            next = e->next;
            e->next = *head;
            *head = e;
        }
    }
    free(old);
}

/* Under the write lock, key absent (*at ends its chain): link a new entry. */
static void insert(struct chained_rw *m, entry **at, uint64_t key, uint64_t value)
{
    entry *e = malloc(sizeof *e);

    if (!e) /* the contract: a map that cannot store has no honest answer */
        ct_die("chained_rw: out of memory inserting a key");
    *e = (entry){.next = NULL, .key = key, .value = value};
    *at = e;
    if (++m->count > 2 * (m->mask + 1))
        grow(m);
}

static ct_map *cr_create(size_t capacity_hint, unsigned max_threads)
{
    struct chained_rw *m = ct_alloc_aligned(sizeof *m);
    pthread_rwlockattr_t attr;
    size_t n = 16;
    int err;

    (void)max_threads; /* tid is not used */
    if (!m)
        return NULL;
    while (n < capacity_hint && n < ((size_t)1 << 30))
        n *= 2; /* a bucket per key expected, a power of two */
    m->mask = n - 1;
    m->buckets = calloc(n, sizeof *m->buckets);
    err = m->buckets ? pthread_rwlockattr_init(&attr) : ENOMEM;
    if (!err) {
        err = pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
        if (!err)
            err = pthread_rwlock_init(&m->lock, &attr);
        pthread_rwlockattr_destroy(&attr);
    }
    if (err) {
        free(m->buckets);
        ct_free_aligned(m);
        errno = err;
        return NULL;
    }
    return &m->base;
}

static void cr_destroy(ct_map *map)
{
    struct chained_rw *m = cr(map);

    check(pthread_rwlock_destroy(&m->lock), "pthread_rwlock_destroy");
    for (size_t i = 0; i <= m->mask; i++) {
        for (entry *e = m->buckets[i], *next; e; e = next) {
            next = e->next;
            free(e);
        }
    }
    free(m->buckets);
    ct_free_aligned(m);
}

static int cr_get(ct_map *map, unsigned tid, uint64_t key, uint64_t *value)
{
    struct chained_rw *m = cr(map);
    entry *e;

    (void)tid;
    /* the lock orders everything: a put's unlock happens-before this lock */
    check(pthread_rwlock_rdlock(&m->lock), "pthread_rwlock_rdlock");
    e = *find(m, key);
    if (e)
        *value = e->value;
    check(pthread_rwlock_unlock(&m->lock), "pthread_rwlock_unlock");
    return e != NULL;
}

static int cr_put(ct_map *map, unsigned tid, uint64_t key, uint64_t value)
{
    struct chained_rw *m = cr(map);
    entry **at;
    int inserted;

    (void)tid;
    check(pthread_rwlock_wrlock(&m->lock), "pthread_rwlock_wrlock");
    at = find(m, key);
    inserted = *at == NULL;
    if (inserted)
        insert(m, at, key, value);
    else
        (*at)->value = value;
    check(pthread_rwlock_unlock(&m->lock), "pthread_rwlock_unlock");
    return inserted;
}

static int cr_del(ct_map *map, unsigned tid, uint64_t key)
{
    struct chained_rw *m = cr(map);
    entry **at, *e;

    (void)tid;
    check(pthread_rwlock_wrlock(&m->lock), "pthread_rwlock_wrlock");
    at = find(m, key);
    e = *at;
    if (e) {
        *at = e->next;
        m->count--;
    }
    check(pthread_rwlock_unlock(&m->lock), "pthread_rwlock_unlock");
    free(e); /* unlinked: nobody else can reach it */
    return e != NULL;
}

static int cr_load_or_store(ct_map *map, unsigned tid, uint64_t key, uint64_t value,
                            uint64_t *actual)
{
    struct chained_rw *m = cr(map);
    entry **at;
    int loaded;

    (void)tid;
    /* the check and the store under one write lock: no two threads both
     * find the key absent and both store (the check-then-act race) */
    check(pthread_rwlock_wrlock(&m->lock), "pthread_rwlock_wrlock");
    at = find(m, key);
    loaded = *at != NULL;
    if (loaded)
        *actual = (*at)->value;
    else {
        insert(m, at, key, value);
        *actual = value;
    }
    check(pthread_rwlock_unlock(&m->lock), "pthread_rwlock_unlock");
    return loaded;
}

static const ct_map_ops chained_rw_map = {
    .desc = {.name = "chained_rw",
             .summary = "example from outside the tree: a chained hash table under one "
                        "writer-preferring pthread rwlock",
             .caps = CT_CAP_EXACT | CT_CAP_MPMC | CT_CAP_BLOCKING},
    .create = cr_create,
    .destroy = cr_destroy,
    .get = cr_get,
    .put = cr_put,
    .del = cr_del,
    .load_or_store = cr_load_or_store,
};

CT_REGISTER_COMPETITOR(map, chained_rw_map)
