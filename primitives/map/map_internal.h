/*
 * map_internal.h: what the map designs share (not installed): a chained hash
 * table that is not thread-safe (the locked designs guard it; syncmap keeps
 * its dirty map in one and publishes read-only ones), and the pthread check.
 *
 * The table: a power-of-two array of bucket chains, doubled when it holds
 * more keys than buckets, so a chain stays about one node long.
 */
#ifndef CT_MAP_INTERNAL_H
#define CT_MAP_INTERNAL_H

#include <stdbool.h>

#include "map.h"

/* A pthread lock call that fails means a corrupted or destroyed lock: a bug
 * in the caller, so stop at once rather than touch the table unguarded. */
#define CT__MAP_PCHECK(design, call)                                                               \
    do {                                                                                           \
        int ct__err = (call);                                                                      \
        if (CT_UNLIKELY(ct__err != 0))                                                             \
            ct_die("map %s: %s: error %d", design, #call, ct__err);                                \
    } while (0)

typedef struct ct__map_node {
    struct ct__map_node *next;
    uint64_t key;
    uint64_t val;
} ct__map_node;

typedef struct ct__map_table {
    ct__map_node **buckets;
    size_t mask; /* buckets - 1 */
    size_t count;
} ct__map_table;

/* splitmix64's finalizer: sequential keys spread over every bucket. */
static inline uint64_t ct__map_hash(uint64_t key)
{
    key ^= key >> 30;
    key *= UINT64_C(0xbf58476d1ce4e5b9);
    key ^= key >> 27;
    key *= UINT64_C(0x94d049bb133111eb);
    return key ^ (key >> 31);
}

/* 0, or -ENOMEM. Buckets: the power of two at or above capacity_hint (16 at least). */
int ct__map_table_init(ct__map_table *t, size_t capacity_hint);
/* Frees every node and the buckets (not what a node's val points to). */
void ct__map_table_fini(ct__map_table *t);

static inline ct__map_node *ct__map_table_find(const ct__map_table *t, uint64_t key)
{
    ct__map_node *n = t->buckets[ct__map_hash(key) & t->mask];

    while (n && n->key != key)
        n = n->next;
    return n;
}

/* Adds key (which must be absent); dies when out of memory. */
ct__map_node *ct__map_table_add(ct__map_table *t, uint64_t key, uint64_t val);
/* Removes key: true and *val (may be NULL) set when it was there. */
bool ct__map_table_remove(ct__map_table *t, uint64_t key, uint64_t *val);

/* The map's verbs on a table its caller guards (the locked designs). */
static inline int ct__map_table_get(const ct__map_table *t, uint64_t key, uint64_t *value)
{
    const ct__map_node *n = ct__map_table_find(t, key);

    if (!n)
        return 0;
    *value = n->val;
    return 1;
}

static inline int ct__map_table_put(ct__map_table *t, uint64_t key, uint64_t value)
{
    ct__map_node *n = ct__map_table_find(t, key);

    if (n) {
        n->val = value;
        return 0;
    }
    ct__map_table_add(t, key, value);
    return 1;
}

static inline int ct__map_table_load_or_store(ct__map_table *t, uint64_t key, uint64_t value,
                                              uint64_t *actual)
{
    ct__map_node *n = ct__map_table_find(t, key);

    if (n) {
        *actual = n->val;
        return 1;
    }
    ct__map_table_add(t, key, value);
    *actual = value;
    return 0;
}

#endif /* CT_MAP_INTERNAL_H */
