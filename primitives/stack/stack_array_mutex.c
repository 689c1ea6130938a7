/*
 * stack_array_mutex.c: `array_mutex`, a Go slice used as a stack (not in
 * the seeds, whose only stack is the Treiber one): a growable array under
 * a pthread mutex. No node per value, so no allocation at all
 * once the array is large enough, and pushes and pops touch contiguous
 * memory; growth doubles the array (realloc, under the lock: amortized O(1),
 * the one slow push is the price). The array never shrinks: its high-water
 * mark stays allocated until destroy, as a Go slice's backing array does.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "stack.h"

#define MIN_CAP 64u

struct ct__stack_array {
    ct_stack base; /* first: the header ct_stack_new fills in */
    CT_CACHE_ALIGNED pthread_mutex_t lock;
    uintptr_t *items; /* guarded by lock, as are len and cap */
    size_t len, cap;
};

static inline struct ct__stack_array *array_of(ct_stack *s)
{
    return (struct ct__stack_array *)(void *)s;
}

static void array_die(const char *what, int err)
{
    ct_die("stack array_mutex: %s: error %d", what, err);
}

static ct_stack *array_create(size_t capacity_hint, unsigned max_threads)
{
    struct ct__stack_array *a = ct_alloc_aligned(sizeof *a);
    int err;

    (void)max_threads;
    if (!a)
        return NULL;
    a->cap = capacity_hint > MIN_CAP ? capacity_hint : MIN_CAP;
    /* calloc: the pages are touched (pre-faulted) here, not in the timed run. */
    a->items = calloc(a->cap, sizeof *a->items);
    if (!a->items) {
        ct_free_aligned(a);
        errno = ENOMEM;
        return NULL;
    }
    err = pthread_mutex_init(&a->lock, NULL);
    if (err) {
        free(a->items);
        ct_free_aligned(a);
        errno = err;
        return NULL;
    }
    return &a->base;
}

static void array_destroy(ct_stack *s)
{
    struct ct__stack_array *a = array_of(s);
    int err = pthread_mutex_destroy(&a->lock);

    if (err)
        array_die("destroy", err);
    free(a->items);
    ct_free_aligned(a);
}

static int array_push(ct_stack *s, unsigned tid, uintptr_t value)
{
    struct ct__stack_array *a = array_of(s);
    int err, rc = 0;

    (void)tid;
    if (CT_UNLIKELY((err = pthread_mutex_lock(&a->lock)) != 0))
        array_die("lock", err);
    if (CT_UNLIKELY(a->len == a->cap)) {
        uintptr_t *n =
            a->cap <= SIZE_MAX / 2 / sizeof *n ? realloc(a->items, 2 * a->cap * sizeof *n) : NULL;
        if (n) {
            a->items = n;
            a->cap *= 2;
        } else {
            rc = -ENOMEM;
        }
    }
    if (rc == 0)
        a->items[a->len++] = value;
    if (CT_UNLIKELY((err = pthread_mutex_unlock(&a->lock)) != 0))
        array_die("unlock", err);
    return rc;
}

static int array_pop(ct_stack *s, unsigned tid, uintptr_t *value)
{
    struct ct__stack_array *a = array_of(s);
    int err, rc = CT_WOULDBLOCK;

    (void)tid;
    if (CT_UNLIKELY((err = pthread_mutex_lock(&a->lock)) != 0))
        array_die("lock", err);
    if (a->len) {
        *value = a->items[--a->len];
        rc = 0;
    }
    if (CT_UNLIKELY((err = pthread_mutex_unlock(&a->lock)) != 0))
        array_die("unlock", err);
    return rc;
}

const ct_stack_ops ct_stack_array_mutex = {
    .desc = {.name = "array_mutex",
             .summary = "growable array under a pthread mutex (not in the seeds)",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC},
    .create = array_create,
    .destroy = array_destroy,
    .push = array_push,
    .pop = array_pop,
};
