/*
 * go_stack.c: coroutine stacks. Stacks are carved from slabs of 64 units,
 * one mmap each (MAP_NORESERVE: resident memory is only what a coroutine
 * touches); a unit is [guard page][stack ....... the ct__co at its top], so
 * a coroutine and its stack are one allocation, reused as a whole.
 *
 * Overflow: a unit below the guard budget has a PROT_NONE page under its
 * stack (an overflow faults at once). Each such page splits the slab's
 * mapping, and Linux allows vm.max_map_count mappings (65530 by default),
 * so past an eighth of that the units get a canary instead, checked at every
 * switch out of the coroutine (an overflow aborts, naming the coroutine).
 * A guarded unit has no canary: its bottom page is never touched, so it is
 * not resident. ct_go_get_stats says how many have a guard.
 *
 * Reuse: a worker keeps up to CT__GO_UNIT_CACHE default-size units for its
 * next spawns; beyond that, and for plain threads, a free list per stack
 * size under one mutex.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "go_internal.h"

#ifdef CT__GO_ASAN
#include <sanitizer/asan_interface.h>
#endif

#define SLAB_UNITS 64
#define CANARY 0x5afec0de0ddba11aull

typedef struct slab {
    struct slab *next;
    unsigned char *mem;
    size_t mem_size;
    ct__unit units[SLAB_UNITS];
} slab;

typedef struct size_class {
    struct size_class *next;
    size_t size;
    ct__unit *free;
} size_class;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* everything below */
static slab *slabs;
static size_class *classes;
static uint64_t nstacks, nguarded, guard_budget;

static size_t page_size(void)
{
    static size_t pg;

    if (!pg)
        pg = (size_t)sysconf(_SC_PAGESIZE); /* the same value for every racer */
    return pg;
}

static uint64_t read_guard_budget(void)
{
    unsigned long max = 65530;
    FILE *f = fopen("/proc/sys/vm/max_map_count", "r");

    if (f) {
        if (fscanf(f, "%lu", &max) != 1)
            max = 65530;
        fclose(f);
    }
    return max / 8;
}

/* Under lock. */
static size_class *class_of(size_t size)
{
    size_class *c;

    for (c = classes; c; c = c->next)
        if (c->size == size)
            return c;
    c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->size = size;
    c->next = classes;
    classes = c;
    return c;
}

/* The coroutine's struct at the top of u's stack (fixed for the unit). */
static ct__co *co_of(ct__unit *u)
{
    uintptr_t top = (uintptr_t)(u->lo + u->size);

    return (ct__co *)((top - sizeof(ct__co)) & ~(uintptr_t)(CT_CACHELINE - 1));
}

/* Under lock: a new slab of units of this size onto c's free list. */
static int grow(size_class *c)
{
    size_t pg = page_size(), stride = pg + c->size;
    slab *s = calloc(1, sizeof *s);

    if (!s)
        return -ENOMEM;
    s->mem_size = stride * SLAB_UNITS;
    s->mem = mmap(NULL, s->mem_size, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (s->mem == MAP_FAILED) {
        free(s);
        return -ENOMEM;
    }
    if (!guard_budget)
        guard_budget = read_guard_budget();
    for (unsigned i = 0; i < SLAB_UNITS; i++) {
        ct__unit *u = &s->units[i];

        u->lo = s->mem + (size_t)i * stride + pg;
        u->size = c->size;
        u->guarded = nguarded < guard_budget && mprotect(u->lo - pg, pg, PROT_NONE) == 0;
        u->co = co_of(u); /* not touched before its first use: not resident */
        nguarded += u->guarded;
        u->next_free = c->free;
        c->free = u;
    }
    nstacks += SLAB_UNITS;
    s->next = slabs;
    slabs = s;
    return 0;
}

static void init_unit(ct__unit *u)
{
    ct__co *co = u->co;

#ifdef CT__GO_ASAN
    /* a finished coroutine may leave poisoned frames (its entry never returns) */
    __asan_unpoison_memory_region(u->lo, u->size);
#endif
    /* relaxed: a report may read the state of any used unit at any time */
    atomic_store_explicit(&co->state, CT__CO_FREE, memory_order_relaxed);
    memset((char *)co + offsetof(ct__co, ctx), 0, sizeof *co - offsetof(ct__co, ctx));
    co->unit = u;
    /* release: a report that sees it used sees the struct initialized */
    atomic_store_explicit(&u->used, true, memory_order_release);
    if (!u->guarded) /* a guarded stack's bottom page stays untouched (not resident) */
        *(uint64_t *)(void *)u->lo = CANARY;
}

ct__unit *ct__go_unit_get(ct__worker *w, size_t stack_size)
{
    size_class *c;
    ct__unit *u = NULL;

    if (w && w->ncache && w->cache[w->ncache - 1]->size == stack_size) {
        u = w->cache[--w->ncache];
        init_unit(u);
        return u;
    }
    pthread_mutex_lock(&lock);
    c = class_of(stack_size);
    if (c && !c->free && grow(c) < 0)
        c = NULL;
    if (c) {
        u = c->free;
        c->free = u->next_free;
        /* refill the worker's cache in the same visit */
        while (w && c->free && w->ncache < CT__GO_UNIT_CACHE / 2 &&
               (w->ncache == 0 || w->cache[0]->size == stack_size)) {
            w->cache[w->ncache++] = c->free;
            c->free = c->free->next_free;
        }
    }
    pthread_mutex_unlock(&lock);
    if (!u) {
        errno = ENOMEM;
        return NULL;
    }
    init_unit(u);
    return u;
}

void ct__go_unit_put(ct__worker *w, ct__unit *u)
{
    size_class *c;
    bool same = w && (w->ncache == 0 || w->cache[0]->size == u->size);

    if (same && w->ncache < CT__GO_UNIT_CACHE) {
        w->cache[w->ncache++] = u;
        return;
    }
    pthread_mutex_lock(&lock);
    c = class_of(u->size); /* exists: u came from it */
    u->next_free = c->free;
    c->free = u;
    /* a full cache gives half back in the same visit: one lock per batch */
    while (same && w->ncache > CT__GO_UNIT_CACHE / 2) {
        ct__unit *v = w->cache[--w->ncache];

        v->next_free = c->free;
        c->free = v;
    }
    pthread_mutex_unlock(&lock);
}

void ct__go_unit_check(const ct__unit *u)
{
    if (!u->guarded && *(const uint64_t *)(const void *)u->lo != CANARY)
        ct_die("go: coroutine '%s' overflowed its %zu-byte stack (raise ct_go_opts.stack_size)",
               u->co && u->co->name ? u->co->name : "go", u->size);
}

void ct__go_units_each(void (*f)(ct__unit *u, void *ctx), void *ctx)
{
    pthread_mutex_lock(&lock);
    for (slab *s = slabs; s; s = s->next)
        for (unsigned i = 0; i < SLAB_UNITS; i++)
            if (atomic_load_explicit(&s->units[i].used, memory_order_acquire))
                f(&s->units[i], ctx); /* acquire: pairs with init_unit's release */
    pthread_mutex_unlock(&lock);
}

void ct__go_units_release(void)
{
    pthread_mutex_lock(&lock);
    while (slabs) {
        slab *s = slabs;

        slabs = s->next;
        munmap(s->mem, s->mem_size);
        free(s);
    }
    while (classes) {
        size_class *c = classes;

        classes = c->next;
        free(c);
    }
    nstacks = nguarded = 0;
    pthread_mutex_unlock(&lock);
}

void ct__go_units_stats(uint64_t *stacks, uint64_t *guarded)
{
    pthread_mutex_lock(&lock);
    *stacks = nstacks;
    *guarded = nguarded;
    pthread_mutex_unlock(&lock);
}
