/*
 * objpool_magazine.c: `magazine`, Bonwick and Adams's magazine layer (USENIX
 * 2001, the Solaris slab allocator's per-CPU caches), per thread index:
 *
 *  - a magazine is an array of up to MAG_ROUNDS objects (its "rounds");
 *  - each tid has two magazines, `loaded` and `previous`, on its own cache
 *    line: a get pops from loaded, a put pushes onto it; when loaded is empty
 *    (get) or full (put) and previous is not, the two swap. This fast path
 *    touches the thread's own line and magazines only: no atomic, no lock;
 *  - only when both are empty (get) or both full (put) does the thread go to
 *    the depot, one mutex over a list of full and a list of empty magazines:
 *    a get trades its empty previous for a full one, a put its full previous
 *    for an empty one. Keeping two magazines means a thread that alternates
 *    gets and puts at a boundary does not go to the depot every time: at
 *    least MAG_ROUNDS operations pass between two depot visits.
 *  - A get with nothing in the depot mallocs a new object; a put with no
 *    empty magazine in the depot mallocs a new magazine (and, if that fails,
 *    frees the object instead).
 *
 * Ordering: an object moves between threads only inside a magazine that
 * passed through the depot, so the depot's mutex orders its last owner's put
 * before its next owner's get (unlock, then lock); on one tid, program order.
 * Memory: nothing goes back to malloc before destroy; the depot holds the
 * high-water mark of objects put back (Bonwick's depot also trims its working
 * set over time, which a pool without a clock does not).
 */
#include <pthread.h>

#include "objpool.h"
#include "objpool_internal.h"

#define MAG_ROUNDS 32u /* objects per magazine: a depot visit per 32 operations at most */

typedef struct magazine {
    struct magazine *next; /* in a depot list */
    unsigned rounds;       /* objects in obj[0..rounds) */
    void *obj[MAG_ROUNDS];
} magazine;

/* One tid's cache, on its own line: owner-private. */
typedef struct mag_cache {
    CT_CACHE_ALIGNED magazine *loaded;
    magazine *previous;
} mag_cache;

struct ct__objpool_mag {
    ct_objpool base; /* first: the header ct_objpool_new fills in */
    size_t size;     /* read-only after create */
    unsigned max_threads;
    mag_cache *caches; /* [max_threads] */
    CT_CACHE_ALIGNED pthread_mutex_t depot;
    magazine *full;  /* under depot */
    magazine *empty; /* under depot */
};

static inline struct ct__objpool_mag *mag_of(ct_objpool *p)
{
    return (struct ct__objpool_mag *)(void *)p;
}

static void mag_destroy(ct_objpool *pool);

static magazine *mag_new(void)
{
    return ct_alloc_aligned(sizeof(magazine)); /* zeroed: no rounds */
}

static void mag_release(magazine *m)
{
    if (!m)
        return;
    for (unsigned i = 0; i < m->rounds; i++)
        free(m->obj[i]);
    ct_free_aligned(m);
}

static ct_objpool *mag_create(size_t object_size, unsigned max_threads)
{
    struct ct__objpool_mag *p;
    int err;

    if (max_threads == 0) {
        errno = EINVAL;
        return NULL;
    }
    if (!(p = ct_alloc_aligned(sizeof *p)))
        return NULL;
    if ((err = pthread_mutex_init(&p->depot, NULL)) != 0) {
        ct_free_aligned(p);
        errno = err;
        return NULL;
    }
    p->size = object_size;
    p->max_threads = max_threads;
    p->full = p->empty = NULL;
    if (!(p->caches = ct_alloc_aligned(sizeof *p->caches * max_threads))) {
        mag_destroy(&p->base);
        return NULL;
    }
    for (unsigned t = 0; t < max_threads; t++)
        if (!(p->caches[t].loaded = mag_new()) || !(p->caches[t].previous = mag_new())) {
            mag_destroy(&p->base);
            errno = ENOMEM;
            return NULL;
        }
    return &p->base;
}

static void mag_destroy(ct_objpool *pool)
{
    struct ct__objpool_mag *p = mag_of(pool);

    if (p->caches)
        for (unsigned t = 0; t < p->max_threads; t++) {
            mag_release(p->caches[t].loaded);
            mag_release(p->caches[t].previous);
        }
    for (magazine *m = p->full, *next; m; m = next) {
        next = m->next;
        mag_release(m);
    }
    for (magazine *m = p->empty, *next; m; m = next) {
        next = m->next;
        mag_release(m);
    }
    ct_free_aligned(p->caches);
    pthread_mutex_destroy(&p->depot);
    ct_free_aligned(p);
}

static inline void swap_mags(mag_cache *c)
{
    magazine *t = c->loaded;

    c->loaded = c->previous;
    c->previous = t;
}

static void *mag_get(ct_objpool *pool, unsigned tid)
{
    struct ct__objpool_mag *p = mag_of(pool);
    mag_cache *c;
    magazine *m;

    ct__objpool_check_tid("magazine", tid, p->max_threads);
    c = &p->caches[tid];
    if (CT_LIKELY(c->loaded->rounds > 0))
        return c->loaded->obj[--c->loaded->rounds];
    if (c->previous->rounds > 0) {
        swap_mags(c);
        return c->loaded->obj[--c->loaded->rounds];
    }
    /* Both empty: trade the empty previous for a full magazine. */
    pthread_mutex_lock(&p->depot);
    if ((m = p->full) != NULL) {
        p->full = m->next;
        c->previous->next = p->empty;
        p->empty = c->previous;
    }
    pthread_mutex_unlock(&p->depot);
    if (!m)
        return ct__objpool_fresh(p->size);
    c->previous = c->loaded;
    c->loaded = m;
    return m->obj[--m->rounds];
}

static void mag_put(ct_objpool *pool, unsigned tid, void *obj)
{
    struct ct__objpool_mag *p = mag_of(pool);
    mag_cache *c;
    magazine *m;

    ct__objpool_check_tid("magazine", tid, p->max_threads);
    c = &p->caches[tid];
    if (CT_LIKELY(c->loaded->rounds < MAG_ROUNDS)) {
        c->loaded->obj[c->loaded->rounds++] = obj;
        return;
    }
    if (c->previous->rounds == 0) {
        swap_mags(c);
        c->loaded->obj[c->loaded->rounds++] = obj;
        return;
    }
    /* Both full: trade the full previous for an empty magazine. */
    pthread_mutex_lock(&p->depot);
    if ((m = p->empty) != NULL) {
        p->empty = m->next;
        c->previous->next = p->full;
        p->full = c->previous;
    }
    pthread_mutex_unlock(&p->depot);
    if (!m) { /* no empty one: a new magazine, made outside the lock */
        if (!(m = mag_new())) {
            free(obj); /* no room to keep it: back to malloc */
            return;
        }
        pthread_mutex_lock(&p->depot);
        c->previous->next = p->full;
        p->full = c->previous;
        pthread_mutex_unlock(&p->depot);
    }
    c->previous = c->loaded;
    c->loaded = m;
    m->obj[m->rounds++] = obj;
}

const ct_objpool_ops ct_objpool_magazine = {
    .desc = {.name = "magazine",
             .summary = "Bonwick's magazines: two per thread on its own line (no lock, no atomic), "
                        "full and empty ones traded at a mutex-guarded depot",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC | CT_CAP_PER_THREAD},
    .create = mag_create,
    .destroy = mag_destroy,
    .get = mag_get,
    .put = mag_put,
};
