/*
 * go_workloads.c: the coroutine runtime's own costs (primitives/go), with
 * Go's goroutines as the peer (workloads/go/peers_go.go):
 *
 *   go/spawn/fcontext    start a coroutine that only calls wg_done; per
 *                        batch of n, on a coroutine (as Go's loop runs on a
 *                        goroutine): add n, start n, wait (inside the timed
 *                        region): the cost of a `go f()` and its join
 *   go/switch/fcontext   one worker, two coroutines handing control back
 *                        and forth with ct_go_yield: one iteration is one
 *                        switch
 *   go/park/fcontext     100 000 coroutines parked at once (in a WaitGroup
 *                        wait): resident memory per coroutine, the seeds'
 *                        "a goroutine starts with a 2 KB stack"
 *   go/park/pthread      the same with 1 000 threads (default attributes)
 *
 * park runs once (one iteration): counters bytes_per_waiter (the growth
 * of the process's resident set, /proc/self/statm, over the waiters; a
 * fresh scheduler, so no stack from an earlier run is resident) and
 * waiters. Go's peer counts its runtime's stack and heap in use instead
 * (its freed stacks stay resident and are reused).
 *
 * Counters: items_per_second and ns_per_op. Verification, outside the timed
 * region: every coroutine started ran exactly once (spawn), each side made
 * exactly its yields (switch), and shutdown finds nothing parked.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ct_bench.h"
#include "ct_env.h"
#include "go.h"
#include "workloads.h"

typedef struct {
    ct_wg *wg;
    _Atomic uint64_t ran CT_CACHE_ALIGNED;
    uint64_t started;
    int64_t wall_ns; /* the loop's, for ns_per_op */
} spawn_run;

static void spawned(void *arg)
{
    spawn_run *r = arg;

    /* relaxed: checked after the WaitGroup's wait */
    atomic_fetch_add_explicit(&r->ran, 1, memory_order_relaxed);
    ct_wg_done(r->wg);
}

static void *spawn_setup(ct_bench_state *st)
{
    spawn_run *r = ct_alloc_aligned(sizeof *r);

    ct_go_shutdown(); /* a scheduler of the default size, whoever ran before */
    if (!r || !(r->wg = ct_wg_new()) || ct_go_start(0) < 0) {
        ct_bench_error(st, "go/spawn: cannot start the scheduler or allocate");
        return r;
    }
    return r;
}

/* The spawning loop runs on a coroutine, as Go's benchmark runs on a
 * goroutine: a spawn from a coroutine goes to its worker's run queue, where
 * one from a plain thread would go through the injection queue. */
typedef struct {
    spawn_run *r;
    uint64_t n;
    ct_wg *batch_done;
} spawner_arg;

static void spawner(void *arg)
{
    spawner_arg *a = arg;
    spawn_run *r = a->r;

    ct_wg_add(r->wg, (int64_t)a->n);
    for (uint64_t i = 0; i < a->n; i++) {
        if (ct_go(spawned, r) != 0) {
            ct_wg_add(r->wg, -(int64_t)(a->n - i));
            break;
        }
        r->started++;
    }
    ct_wg_wait(r->wg);
    ct_wg_done(a->batch_done);
}

static void spawn_run_thread(ct_bench_state *st)
{
    spawn_run *r = ct_bench_shared(st);
    spawner_arg a = {.r = r, .batch_done = ct_wg_new()};
    int64_t t0 = ct_now_ns();

    if (!r || !r->wg || !a.batch_done) {
        ct_wg_free(a.batch_done);
        return;
    }
    while ((a.n = ct_bench_next_batch(st)) != 0) {
        ct_wg_add(a.batch_done, 1);
        if (ct_go(spawner, &a) != 0) {
            ct_wg_done(a.batch_done);
            break;
        }
        ct_wg_wait(a.batch_done);
    }
    r->wall_ns = ct_now_ns() - t0;
    ct_bench_items(st, r->started);
    ct_wg_free(a.batch_done);
}

static void spawn_teardown(ct_bench_state *st, void *shared)
{
    spawn_run *r = shared;
    size_t parked = ct_go_shutdown();

    if (!r)
        return;
    if (r->wg && !ct_bench_failed(st)) {
        /* relaxed: the workers are joined */
        uint64_t ran = atomic_load_explicit(&r->ran, memory_order_relaxed);

        if (r->started != ct_bench_iterations(st))
            ct_bench_error(st, "go/spawn: %llu of %llu coroutines started",
                           (unsigned long long)r->started,
                           (unsigned long long)ct_bench_iterations(st));
        else if (ran != r->started)
            ct_bench_error(st, "go/spawn: %llu coroutines ran, %llu started",
                           (unsigned long long)ran, (unsigned long long)r->started);
        else if (parked)
            ct_bench_error(st, "go/spawn: %zu coroutines left parked", parked);
        ct_bench_counter(st, "ns_per_op",
                         (double)r->wall_ns / (double)(r->started ? r->started : 1),
                         CT_COUNTER_TOTAL);
    }
    ct_wg_free(r->wg);
    ct_free_aligned(r);
}

typedef struct {
    ct_wg *wg;
    uint64_t each; /* yields each side makes in this batch */
    uint64_t made[2];
    int64_t wall_ns; /* the loop's, for ns_per_op */
} switch_run;

typedef struct {
    switch_run *r;
    int side;
} switch_arg;

static void switcher(void *arg)
{
    switch_arg *a = arg;

    for (uint64_t i = 0; i < a->r->each; i++) {
        ct_go_yield();
        a->r->made[a->side]++; /* each side its own word; read after the wait */
    }
    ct_wg_done(a->r->wg);
}

static void *switch_setup(ct_bench_state *st)
{
    switch_run *r = ct_alloc_aligned(sizeof *r);

    ct_go_shutdown(); /* a scheduler of one worker, ours */
    if (!r || !(r->wg = ct_wg_new()) || ct_go_start(1) < 0)
        ct_bench_error(st, "go/switch: cannot start a one-worker scheduler or allocate");
    return r;
}

static void switch_run_thread(ct_bench_state *st)
{
    switch_run *r = ct_bench_shared(st);
    switch_arg a[2] = {{r, 0}, {r, 1}};
    uint64_t n, done = 0;
    int64_t t0 = ct_now_ns();

    if (!r || !r->wg)
        return;
    while ((n = ct_bench_next_batch(st)) != 0) {
        r->each = (n + 1) / 2;
        ct_wg_add(r->wg, 2);
        if (ct_go(switcher, &a[0]) || ct_go(switcher, &a[1])) {
            ct_bench_error(st, "go/switch: cannot start a coroutine");
            ct_wg_add(r->wg, -2); /* neither counted: the run is failed */
            break;
        }
        ct_wg_wait(r->wg);
        done += 2 * r->each;
    }
    r->wall_ns = ct_now_ns() - t0;
    ct_bench_items(st, done);
    r->each = done / 2; /* what each side must have made, for teardown */
}

static void switch_teardown(ct_bench_state *st, void *shared)
{
    switch_run *r = shared;
    size_t parked = ct_go_shutdown();

    if (!r)
        return;
    if (r->wg && !ct_bench_failed(st)) {
        if (r->made[0] != r->each || r->made[1] != r->each)
            ct_bench_error(st, "go/switch: the sides yielded %llu and %llu times, not %llu each",
                           (unsigned long long)r->made[0], (unsigned long long)r->made[1],
                           (unsigned long long)r->each);
        else if (parked)
            ct_bench_error(st, "go/switch: %zu coroutines left parked", parked);
        ct_bench_counter(st, "ns_per_op", (double)r->wall_ns / (double)(r->each ? 2 * r->each : 1),
                         CT_COUNTER_TOTAL);
    }
    ct_wg_free(r->wg);
    ct_free_aligned(r);
}

/* ---- park: resident memory per parked waiter ------------------------------ */

typedef struct {
    ct_wg *parked, *release, *exited;
} park_run;

static void park_one(void *arg)
{
    park_run *r = arg;

    ct_wg_done(r->parked);
    ct_wg_wait(r->release); /* parked here while the resident set is read */
    ct_wg_done(r->exited);
}

static void *park_thread_main(void *arg)
{
    park_one(arg);
    return NULL;
}

static void park_run_thread(ct_bench_state *st)
{
    const bool threads = ct_bench_user(st) != NULL;
    const int64_t n = threads ? 1000 : 100000;
    park_run r = {ct_wg_new(), ct_wg_new(), ct_wg_new()};
    pthread_t *tids = threads ? calloc((size_t)n, sizeof *tids) : NULL;
    int64_t started = 0;
    long before = -1, after = -1;

    ct_go_shutdown(); /* fresh stacks: none resident from an earlier run */
    if (!r.parked || !r.release || !r.exited || (threads && !tids) || ct_go_start(0) < 0) {
        ct_bench_error(st, "go/park: cannot allocate or start the scheduler");
        CT_BENCH_LOOP(st, i)
        {
            (void)i;
        }
        goto out;
    }
    ct_wg_add(r.release, 1);
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        before = ct_env_resident_bytes();
        ct_wg_add(r.parked, n);
        ct_wg_add(r.exited, n);
        for (; started < n; started++) {
            int rc = threads ? -pthread_create(&tids[started], NULL, park_thread_main, &r)
                             : ct_go(park_one, &r);
            if (rc)
                break;
        }
        if (started < n) {
            ct_wg_add(r.parked, -(n - started));
            ct_wg_add(r.exited, -(n - started));
            ct_bench_error(st, "go/park: only %lld of %lld waiters started", (long long)started,
                           (long long)n);
        }
        ct_wg_wait(r.parked); /* every waiter has run up to its wait */
        after = ct_env_resident_bytes();
        ct_wg_done(r.release);
        ct_wg_wait(r.exited);
    }
    for (int64_t i = 0; threads && i < started; i++)
        pthread_join(tids[i], NULL);
    if (before < 0 || after < 0)
        ct_bench_error(st, "go/park: /proc/self/statm unreadable");
    else if (started)
        ct_bench_counter(st, "bytes_per_waiter", (double)(after - before) / (double)started,
                         CT_COUNTER_TOTAL);
    ct_bench_counter(st, "waiters", (double)started, CT_COUNTER_TOTAL);
    ct_bench_items(st, (uint64_t)started);
out:
    if (ct_go_shutdown() != 0)
        ct_bench_error(st, "go/park: coroutines left parked");
    free(tids);
    ct_wg_free(r.parked);
    ct_wg_free(r.release);
    ct_wg_free(r.exited);
}

void ct_workload_go_register(const ct_bench_config *cfg)
{
    ct_bench *b;

    (void)cfg;
    b = ct_bench_register(&(ct_bench_def){.name = "go/spawn/fcontext",
                                          .run = spawn_run_thread,
                                          .setup = spawn_setup,
                                          .teardown = spawn_teardown});
    if (!b)
        ct_die("go/spawn: out of memory registering it");
    b = ct_bench_register(&(ct_bench_def){.name = "go/switch/fcontext",
                                          .run = switch_run_thread,
                                          .setup = switch_setup,
                                          .teardown = switch_teardown});
    if (!b)
        ct_die("go/switch: out of memory registering it");
    for (int threads = 0; threads < 2; threads++) {
        b = ct_bench_register(
            &(ct_bench_def){.name = threads ? "go/park/pthread" : "go/park/fcontext",
                            .run = park_run_thread,
                            .user = threads ? (void *)"pthread" : NULL});
        if (!b)
            ct_die("go/park: out of memory registering it");
        ct_bench_fixed_iterations(b, 1);
    }
}
