/* map_table.c: the chained hash table the map designs share (map_internal.h). */
#include <errno.h>
#include <stdlib.h>

#include "map_internal.h"

#define MIN_BUCKETS 16u

int ct__map_table_init(ct__map_table *t, size_t capacity_hint)
{
    size_t n = MIN_BUCKETS;

    while (n < capacity_hint && n < ((size_t)1 << 40))
        n <<= 1;
    t->buckets = calloc(n, sizeof *t->buckets);
    t->mask = n - 1;
    t->count = 0;
    return t->buckets ? 0 : -ENOMEM;
}

void ct__map_table_fini(ct__map_table *t)
{
    for (size_t b = 0; t->buckets && b <= t->mask; b++)
        for (ct__map_node *n = t->buckets[b], *next; n; n = next) {
            next = n->next;
            free(n);
        }
    free(t->buckets);
    t->buckets = NULL;
    t->count = 0;
}

/* Twice the buckets, every node moved to its new chain. */
static void grow(ct__map_table *t)
{
    size_t n = (t->mask + 1) * 2;
    ct__map_node **nb = calloc(n, sizeof *nb);

    if (!nb)
        return; /* longer chains, still correct */
    for (size_t b = 0; b <= t->mask; b++)
        for (ct__map_node *x = t->buckets[b], *next; x; x = next) {
            size_t i = ct__map_hash(x->key) & (n - 1);

            next = x->next;
            x->next = nb[i];
            nb[i] = x;
        }
    free(t->buckets);
    t->buckets = nb;
    t->mask = n - 1;
}

ct__map_node *ct__map_table_add(ct__map_table *t, uint64_t key, uint64_t val)
{
    ct__map_node *n = malloc(sizeof *n);
    size_t b;

    if (!n)
        ct_die("map: out of memory for an entry");
    if (t->count >= t->mask + 1)
        grow(t);
    b = ct__map_hash(key) & t->mask;
    n->key = key;
    n->val = val;
    n->next = t->buckets[b];
    t->buckets[b] = n;
    t->count++;
    return n;
}

bool ct__map_table_remove(ct__map_table *t, uint64_t key, uint64_t *val)
{
    ct__map_node **p = &t->buckets[ct__map_hash(key) & t->mask];

    for (ct__map_node *n = *p; n; p = &n->next, n = *p)
        if (n->key == key) {
            *p = n->next;
            if (val)
                *val = n->val;
            free(n);
            t->count--;
            return true;
        }
    return false;
}
