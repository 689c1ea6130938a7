/*
 * stack_escape: a thread is handed a pointer to a stack variable of a
 * function that returns before the thread uses it.
 *
 * Go has no such bug: escape analysis moves the variable to the heap (seed
 * 001's goroutine closures). C: the variable dies with its frame; the thread
 * reads a dead stack slot. ASan (detect_stack_use_after_return) reports
 * stack-use-after-return. Fixed: give the thread heap memory it owns.
 */
#include "pitfall.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

static _Atomic int go; /* the thread reads only once the spawner returned */

static void *reader(void *arg)
{
    /* acquire: pairs with the release store in bad()/fixed() */
    while (!atomic_load_explicit(&go, memory_order_acquire)) {}
    int v = *(int *)arg; /* bad: the frame that held it is gone */
    return (void *)(long)v;
}

__attribute__((noinline)) static pthread_t spawn_with_local(void)
{
    int local = 7; /* dies when this function returns */
    pthread_t t;
    pthread_create(&t, NULL, reader, &local);
    return t;
}

__attribute__((noinline)) static pthread_t spawn_with_heap(int **owned)
{
    *owned = malloc(sizeof **owned);
    if (!*owned)
        abort();
    **owned = 7;
    pthread_t t;
    pthread_create(&t, NULL, reader, *owned);
    return t;
}

static int finish(pthread_t t)
{
    void *r;
    atomic_store_explicit(&go, 1, memory_order_release);
    pthread_join(t, &r);
    ct_pitfall_figure("value_read", (double)(long)r);
    return 0;
}

static int bad(void)
{
    return finish(spawn_with_local());
}

static int fixed(void)
{
    int *owned;
    int rc = finish(spawn_with_heap(&owned));
    free(owned);
    return rc;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main(argc, argv, bad, fixed);
}
