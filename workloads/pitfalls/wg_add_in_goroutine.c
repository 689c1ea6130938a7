/*
 * wg_add_in_goroutine: WaitGroup.Add called inside the goroutine.
 *
 * Go: `for ... { go func() { wg.Add(1); defer wg.Done(); work() }() };
 * wg.Wait()`: Wait may run before any goroutine has reached its Add, see a
 * count of 0 and return while the work is still running (go vet's
 * "WaitGroup.Add called from inside new goroutine"). C, with contend's
 * WaitGroup (`mutex_cond`, whose count a late add cannot corrupt): each
 * thread adds 1 itself, the main thread waits right after starting them;
 * over many rounds the program counts the waits that returned before every
 * task of their round had finished (early_waits). Fixed: add the round's count before starting any
 * task, as Go's documentation says.
 */
#include "pitfall.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "ct_common.h"
#include "waitgroup.h"

enum { TASKS = 4, ROUNDS = 500 };

typedef struct task {
    ct_waitgroup *wg;
    int add_inside; /* the pitfall: the task adds itself */
    _Atomic int finished;
} task;

static void *task_main(void *arg)
{
    task *t = arg;

    if (t->add_inside)
        ct_waitgroup_add(t->wg, 1); /* bad: the waiter may already have looked */
    for (int k = 0; k < 2000; k++)  /* a little work, so a task is still running */
        ct_cpu_relax();
    /* relaxed: the waiter reads it after its wait, and again after the joins */
    atomic_store_explicit(&t->finished, 1, memory_order_relaxed);
    ct_waitgroup_done(t->wg);
    return NULL;
}

static int run(int fixed)
{
    ct_waitgroup *wg = ct_waitgroup_new("mutex_cond", 0);
    int early = 0;

    if (!wg) {
        perror("wg_add_in_goroutine: ct_waitgroup_new");
        return 1;
    }
    for (int r = 0; r < ROUNDS; r++) {
        pthread_t th[TASKS];
        task t[TASKS];
        int started = 0, unfinished = 0;

        if (fixed)
            ct_waitgroup_add(wg, TASKS); /* fixed: before any task starts */
        for (; started < TASKS; started++) {
            t[started].wg = wg;
            t[started].add_inside = !fixed;
            atomic_init(&t[started].finished, 0);
            if (pthread_create(&th[started], NULL, task_main, &t[started]) != 0) {
                perror("wg_add_in_goroutine: pthread_create");
                return 1;
            }
        }
        ct_waitgroup_wait(wg);
        for (int i = 0; i < TASKS; i++)
            /* relaxed: a figure; the joins below order the rest */
            unfinished += !atomic_load_explicit(&t[i].finished, memory_order_relaxed);
        early += unfinished > 0;
        for (int i = 0; i < started; i++)
            pthread_join(th[i], NULL);
        /* the bad version's late adds and dones balance out by now */
        ct_waitgroup_wait(wg);
    }
    ct_waitgroup_free(wg);
    ct_pitfall_figure("early_waits", early);
    ct_pitfall_figure("rounds", ROUNDS);
    return 0;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main_flag(argc, argv, run);
}
