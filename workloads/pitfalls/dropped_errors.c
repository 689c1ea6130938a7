/*
 * dropped_errors: workers fail and nobody hears about it.
 *
 * Go (seeds 000, 002): `for _, u := range urls { go fetch(u) }` with fetch's
 * error thrown away, or a WaitGroup that waits but collects nothing: the
 * program reports success. Fixed with errgroup: the first error comes back
 * from Wait and cancels the others. C: threads that return their error as
 * their exit value, joined with that value thrown away (what the program
 * reports is counted from what it kept), against contend's errgroup
 * (ct_group), whose wait returns the first error and counts them all.
 */
#include "pitfall.h"

#include "group.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

enum { TASKS = 8 };

static _Atomic int produced; /* errors the tasks returned: the ground truth */

/* Task i fails (returns its number) when i % 3 == 0: tasks 0, 3 and 6. */
static int task(ct_ctx *ctx, void *arg)
{
    (void)ctx;
    intptr_t i = (intptr_t)arg;
    int err = i % 3 == 0 ? (int)i + 100 : 0;
    /* relaxed: a tally read after the joins */
    if (err)
        atomic_fetch_add_explicit(&produced, 1, memory_order_relaxed);
    return err;
}

/* The worker reports its error the way a thread can: as its exit value. */
static void *as_thread(void *arg)
{
    return (void *)(intptr_t)task(NULL, arg);
}

static int bad(void)
{
    pthread_t t[TASKS];
    void *status[TASKS] = {0}; /* what the program holds of each worker's report */
    for (intptr_t i = 0; i < TASKS; i++)
        pthread_create(&t[i], NULL, as_thread, (void *)i);
    for (int i = 0; i < TASKS; i++)
        pthread_join(t[i], NULL); /* bad: the exit value is dropped (&status[i] keeps it) */
    int reported = 0;
    for (int i = 0; i < TASKS; i++)
        reported += status[i] != NULL;
    ct_pitfall_figure("errors_produced", atomic_load(&produced));
    ct_pitfall_figure("errors_dropped", atomic_load(&produced) - reported);
    return 0; /* "success" */
}

static int fixed(void)
{
    ct_group *g = ct_group_new(ct_ctx_background());
    for (intptr_t i = 0; i < TASKS; i++)
        ct_group_go(g, task, (void *)i);
    int first = ct_group_wait(g), reported = ct_group_errors(g);
    ct_group_free(g);
    ct_pitfall_figure("errors_produced", atomic_load(&produced));
    ct_pitfall_figure("errors_dropped", atomic_load(&produced) - reported);
    ct_pitfall_figure("first_error", first);
    return 0; /* the program reports first, not silence */
}

int main(int argc, char **argv)
{
    return ct_pitfall_main(argc, argv, bad, fixed);
}
