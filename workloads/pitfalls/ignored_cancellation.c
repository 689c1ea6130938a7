/*
 * ignored_cancellation: work that goes on after the context is cancelled.
 *
 * Go (seeds 002, 003): a handler passes ctx down but the loop never selects
 * on ctx.Done(): after the client gives up (or the deadline passes) the work
 * runs to the end, wasted. C: workers do UNITS units of busy work each; the
 * context is cancelled as soon as the first unit anywhere is done. Bad: the
 * workers never look at the context. Fixed: they check ct_ctx_err between
 * units (a cheap load) and stop. Figure: units done after the cancel.
 */
#include "pitfall.h"

#include "ctx.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

enum { WORKERS = 4, UNITS = 200 };

static ct_ctx *ctx;
static _Atomic int done_after_cancel, units_done;
static int check_ctx;

static void unit_of_work(void)
{
    volatile uint64_t x = 0;
    for (int i = 0; i < 200000; i++)
        x += (uint64_t)i; /* about 0.1 ms */
}

static void *worker(void *arg)
{
    (void)arg;
    for (int u = 0; u < UNITS; u++) {
        if (check_ctx && ct_ctx_err(ctx))
            break;                            /* fixed: stop when told */
        int cancelled = ct_ctx_err(ctx) != 0; /* measured either way */
        unit_of_work();
        /* relaxed: tallies read after the joins */
        if (atomic_fetch_add_explicit(&units_done, 1, memory_order_relaxed) == 0)
            ct_ctx_cancel(ctx); /* the client gives up after the first unit */
        if (cancelled)
            atomic_fetch_add_explicit(&done_after_cancel, 1, memory_order_relaxed);
    }
    return NULL;
}

static int run(int fixed)
{
    pthread_t t[WORKERS];
    check_ctx = fixed;
    ctx = ct_ctx_with_cancel(ct_ctx_background());
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(t[i], NULL);
    ct_ctx_release(ctx);
    ct_pitfall_figure("units_after_cancel", atomic_load(&done_after_cancel));
    ct_pitfall_figure("units_total", atomic_load(&units_done));
    ct_pitfall_figure("workers", WORKERS);
    return 0;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main_flag(argc, argv, run);
}
