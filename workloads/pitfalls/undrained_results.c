/*
 * undrained_results: a worker pool whose results channel nobody drains.
 *
 * Go (seed 004's 1.1 WorkerPool and its §9 BenchmarkWorkerPool, seed 003's
 * 基础Worker Pool and its fixed-vs-dynamic Benchmark对比): each worker sends
 * every task's error on `results` (a buffer of workers*2), which is read
 * only after Stop. The benchmark submits b.N tasks and never reads it:
 * once the results buffer is full the workers block sending, then the
 * tasks buffer fills and Submit blocks, and Stop (close(tasks);
 * wg.Wait()) would wait for workers that never finish. So the seeds' "250
 * ns/op" and "dynamic 30% faster" could not have been measured: the
 * benchmark hangs as soon as b.N exceeds four times the workers. C: the
 * same pool on contend's channels (ctx.Done() as a done channel that is
 * never closed, as in the benchmark); contend's deadlock detector sees
 * every thread asleep in a channel select and ends the process, naming
 * them. Fixed: a collector drains results while tasks are submitted
 * (Go: `go func() { for err := range pool.Results() {...} }()`), and
 * Stop closes results once the workers are done, which ends it.
 */
#include "pitfall.h"

#include "ct_waitreg.h"
#include <pthread.h>

enum { WORKERS = 4, TASKS = 1000 };

typedef int (*task_fn)(void);

struct pool {
    ct_chan *tasks, *results, *done;
    pthread_t workers[WORKERS];
    long collected; /* by the collector; read after joining it */
};

static int nothing(void)
{
    return 0; /* the benchmark's task: `return nil` */
}

static void *worker(void *arg)
{
    struct pool *p = arg;
    task_fn task;
    ct_wait_watch_self(1);
    while (ct_pitfall_recv_or_done(p->tasks, &task, p->done) == 0) {
        int err = task();
        if (ct_pitfall_send_or_done(p->results, &err, p->done) != 0)
            break; /* done */
    }
    return NULL;
}

static void *collector(void *arg)
{
    struct pool *p = arg;
    int err;
    ct_wait_watch_self(1);
    while (ct_chan_recv(p->results, &err) == CT_OK)
        p->collected++;
    return NULL;
}

static int run(int fixed)
{
    struct pool p = {ct_chan_new(NULL, sizeof(task_fn), 2 * WORKERS),
                     ct_chan_new(NULL, sizeof(int), 2 * WORKERS),
                     ct_chan_new(NULL, 1, 0),
                     {0},
                     0};
    pthread_t coll;
    task_fn task = nothing;
    if (!p.tasks || !p.results || !p.done)
        return 1;
    ct_pitfall_watch_deadlocks();
    for (int i = 0; i < WORKERS; i++) /* Start */
        pthread_create(&p.workers[i], NULL, worker, &p);
    if (fixed)
        pthread_create(&coll, NULL, collector, &p);
    for (int i = 0; i < TASKS; i++) /* bad: blocks once both buffers are full */
        ct_pitfall_send_or_done(p.tasks, &task, p.done);
    ct_chan_close(p.tasks); /* Stop */
    for (int i = 0; i < WORKERS; i++)
        pthread_join(p.workers[i], NULL);
    ct_chan_close(p.results);
    if (fixed)
        pthread_join(coll, NULL);
    ct_pitfall_unwatch_deadlocks();
    ct_pitfall_figure("results", (double)p.collected);
    ct_chan_free(p.tasks);
    ct_chan_free(p.results);
    ct_chan_free(p.done);
    return p.collected == TASKS ? 0 : 1;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main_flag(argc, argv, run);
}
