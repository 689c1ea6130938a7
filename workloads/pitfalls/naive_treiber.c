/*
 * naive_treiber: the seeds' lock-free stack, taken literally.
 *
 * Go (seed 001): a Treiber stack with CompareAndSwapPointer on the head is
 * safe in Go, because the garbage collector never frees a node another
 * goroutine can still reach. C: the same code frees a popped node at once.
 * A popper that read the head h is preempted before it reads h->next;
 * meanwhile another thread pops h and frees it: the first one then reads
 * freed memory (ASan: heap-use-after-free), and if h's memory comes back as
 * a new node, its CAS succeeds on a stale next (ABA: values lost or
 * duplicated). Fixed: the `treiber` competitor, whose hazard pointers keep a
 * node alive while anyone may read it (and so also rule out ABA).
 *
 * THREADS threads push and pop ROUNDS x OPS times on one stack; a round that
 * hit nothing is run again, since the race needs an unlucky preemption.
 */
#include "pitfall.h"

#include <pthread.h>
#include <stdio.h>

#include "stack.h"

enum { THREADS = 4, OPS = 200000, ROUNDS = 20 };

static ct_stack *stack;
static pthread_barrier_t start;

static void *worker(void *arg)
{
    unsigned tid = (unsigned)(long)arg;
    uintptr_t v;
    pthread_barrier_wait(&start);
    for (int i = 0; i < OPS; i++) {
        if (ct_stack_push(stack, tid, (uintptr_t)i + 1) != 0)
            return NULL;
        ct_stack_pop(stack, tid, &v);
    }
    return NULL;
}

static int run(const char *impl)
{
    for (int r = 0; r < ROUNDS; r++) {
        pthread_t t[THREADS];
        stack = ct_stack_new(impl, 64, THREADS);
        if (!stack) {
            perror(impl);
            return 2;
        }
        pthread_barrier_init(&start, NULL, THREADS);
        for (long i = 0; i < THREADS; i++)
            pthread_create(&t[i], NULL, worker, (void *)i);
        for (int i = 0; i < THREADS; i++)
            pthread_join(t[i], NULL);
        pthread_barrier_destroy(&start);
        ct_stack_free(stack);
        ct_pitfall_figure("rounds", r + 1); /* ASan stops the process at the first error */
    }
    return 0;
}

static int bad(void)
{
    return run("treiber_naive");
}
static int fixed(void)
{
    return run("treiber");
}

int main(int argc, char **argv)
{
    return ct_pitfall_main(argc, argv, bad, fixed);
}
