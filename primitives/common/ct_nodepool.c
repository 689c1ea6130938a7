/* ct_nodepool.c: per-thread node caches over a shared depot (see ct_nodepool.h). */
#include "ct_nodepool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* A cache holds up to two batches: a thread that alternates get and put
 * never touches the depot; one that only puts hands a batch over every
 * CT_NODEPOOL_BATCH puts. */
#define CACHE_MAX (2 * CT_NODEPOOL_BATCH)

typedef struct cache {
    void *head CT_CACHE_ALIGNED; /* owner-private free list */
    size_t count;
} cache;

struct ct_nodepool {
    size_t node_size, link_offset;
    unsigned max_threads;
    cache *caches;
    pthread_mutex_t lock CT_CACHE_ALIGNED; /* guards what follows */
    void **batches; /* the depot: each a list of CT_NODEPOOL_BATCH free nodes */
    size_t nbatches, batches_cap;
    void **chunks; /* every chunk ever allocated, freed at destroy */
    size_t nchunks, chunks_cap;
};

static inline void *link_get(const ct_nodepool *p, void *node)
{
    void *next;

    memcpy(&next, (char *)node + p->link_offset, sizeof next);
    return next;
}

static inline void link_set(const ct_nodepool *p, void *node, void *next)
{
    memcpy((char *)node + p->link_offset, &next, sizeof next);
}

static void die(const char *what, int err)
{
    ct_die("node pool: %s: error %d", what, err);
}

static void lock(ct_nodepool *p)
{
    int err = pthread_mutex_lock(&p->lock);

    if (CT_UNLIKELY(err))
        die("lock", err);
}

static void unlock(ct_nodepool *p)
{
    int err = pthread_mutex_unlock(&p->lock);

    if (CT_UNLIKELY(err))
        die("unlock", err);
}

static int grow(void ***arr, size_t *cap, size_t need)
{
    size_t ncap = *cap ? *cap : 16;
    void **n;

    if (need <= *cap)
        return 0;
    while (ncap < need)
        ncap *= 2;
    n = realloc(*arr, ncap * sizeof *n);
    if (!n)
        return -1;
    *arr = n;
    *cap = ncap;
    return 0;
}

/* A new chunk as one batch list; under the lock. NULL on ENOMEM. */
static void *new_chunk_locked(ct_nodepool *p)
{
    char *chunk;
    void *list = NULL;

    if (grow(&p->chunks, &p->chunks_cap, p->nchunks + 1))
        return NULL;
    chunk = ct_alloc_aligned(p->node_size * CT_NODEPOOL_BATCH); /* zeroed: pre-faulted */
    if (!chunk)
        return NULL;
    p->chunks[p->nchunks++] = chunk;
    for (size_t i = CT_NODEPOOL_BATCH; i-- > 0;) {
        void *node = chunk + i * p->node_size;

        link_set(p, node, list);
        list = node;
    }
    return list;
}

ct_nodepool *ct_nodepool_create(size_t node_size, size_t link_offset, unsigned max_threads,
                                size_t prealloc)
{
    ct_nodepool *p;
    int err;

    if (node_size < sizeof(void *) || link_offset > node_size - sizeof(void *) ||
        max_threads == 0) {
        errno = EINVAL;
        return NULL;
    }
    p = ct_alloc_aligned(sizeof *p);
    if (!p)
        return NULL;
    p->node_size = (node_size + 15) & ~(size_t)15;
    p->link_offset = link_offset;
    p->max_threads = max_threads;
    err = pthread_mutex_init(&p->lock, NULL);
    if (err) {
        ct_free_aligned(p);
        errno = err;
        return NULL;
    }
    p->caches = ct_alloc_aligned(sizeof *p->caches * max_threads);
    if (!p->caches)
        goto oom;
    for (size_t n = 0; n < prealloc; n += CT_NODEPOOL_BATCH) {
        void *list = new_chunk_locked(p); /* not shared yet: no lock needed */

        if (!list || grow(&p->batches, &p->batches_cap, p->nbatches + 1))
            goto oom;
        p->batches[p->nbatches++] = list;
    }
    return p;
oom:
    ct_nodepool_destroy(p);
    errno = ENOMEM;
    return NULL;
}

void ct_nodepool_destroy(ct_nodepool *p)
{
    int err;

    if (!p)
        return;
    for (size_t i = 0; i < p->nchunks; i++)
        ct_free_aligned(p->chunks[i]);
    free(p->chunks);
    free(p->batches);
    ct_free_aligned(p->caches);
    err = pthread_mutex_destroy(&p->lock);
    if (err)
        die("destroy", err);
    ct_free_aligned(p);
}

static cache *cache_of(ct_nodepool *p, unsigned tid)
{
    if (CT_UNLIKELY(tid >= p->max_threads))
        ct_die("node pool: tid %u out of range (max_threads %u)", tid, p->max_threads);
    return &p->caches[tid];
}

void *ct_nodepool_get(ct_nodepool *p, unsigned tid)
{
    cache *c = cache_of(p, tid);
    void *node = c->head;

    if (CT_UNLIKELY(!node)) {
        lock(p);
        node = p->nbatches ? p->batches[--p->nbatches] : new_chunk_locked(p);
        unlock(p);
        if (!node) {
            errno = ENOMEM;
            return NULL;
        }
        c->count = CT_NODEPOOL_BATCH;
    }
    c->head = link_get(p, node);
    c->count--;
    return node;
}

void ct_nodepool_put(ct_nodepool *p, unsigned tid, void *node)
{
    cache *c = cache_of(p, tid);

    link_set(p, node, c->head);
    c->head = node;
    if (CT_UNLIKELY(++c->count >= CACHE_MAX)) {
        /* Hand the first batch over; keep the rest. */
        void *batch = c->head, *last = batch;

        for (size_t i = 1; i < CT_NODEPOOL_BATCH; i++)
            last = link_get(p, last);
        c->head = link_get(p, last);
        c->count -= CT_NODEPOOL_BATCH;
        link_set(p, last, NULL);
        lock(p);
        if (grow(&p->batches, &p->batches_cap, p->nbatches + 1) == 0) {
            p->batches[p->nbatches++] = batch;
            batch = NULL;
        }
        unlock(p);
        if (batch) { /* no room in the depot: keep the nodes here instead */
            link_set(p, last, c->head);
            c->head = batch;
            c->count += CT_NODEPOOL_BATCH;
        }
    }
}
