/*
 * pool_ring.c: the bounded ring under a mutex that fixed and dynamic queue
 * on and stealing injects through: its life and its slow paths. Push, pop
 * and peek run per task and are inline in pool_internal.h.
 */
#include <errno.h>
#include <stdlib.h>

#include "pool_internal.h"

int ct__ring_init(ct__ring *r, size_t cap)
{
    r->slot = calloc(cap, sizeof *r->slot);
    if (!r->slot)
        return -ENOMEM;
    r->cap = cap;
    r->head = r->size = 0;
    atomic_init(&r->count, 0);
    if (pthread_mutex_init(&r->mu, NULL)) {
        free(r->slot);
        return -ENOMEM;
    }
    return 0;
}

void ct__ring_destroy(ct__ring *r)
{
    pthread_mutex_destroy(&r->mu);
    free(r->slot);
}

uint64_t ct__ring_discard(ct__ring *r)
{
    uint64_t n = 0;
    ct_pool_task t;

    pthread_mutex_lock(&r->mu);
    while (ct__ring_pop_locked(r, &t))
        n++;
    pthread_mutex_unlock(&r->mu);
    return n;
}

int ct__ring_push_grow(ct__ring *r, ct_pool_task t)
{
    if (r->size == r->cap) {
        ct_pool_task *bigger = calloc(2 * r->cap, sizeof *bigger);

        if (!bigger)
            return -ENOMEM;
        for (size_t i = 0; i < r->size; i++)
            bigger[i] = r->slot[(r->head + i) % r->cap];
        free(r->slot);
        r->slot = bigger;
        r->head = 0;
        r->cap *= 2;
    }
    ct__ring_push_locked(r, t);
    return 0;
}
