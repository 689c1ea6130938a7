/*
 * cond_shared_signal: one condition variable for "not full" and "not
 * empty", woken with Signal.
 *
 * Go (seed 004's 6.2 Queue, presented as correct): Push waits on `notEmpty`
 * while the queue is full, Pop waits on the same `notEmpty` while it is
 * empty, and each ends with `notEmpty.Signal()`. Signal wakes one waiter,
 * of either kind: when producers and consumers both wait, a Pop's signal
 * meant for a producer can wake another consumer, which finds the queue
 * empty and waits again; the producer is never told, and with nobody left
 * to signal every thread sleeps for ever (the lost wake-up). C: the seed's
 * example (3 producers, 2 consumers) on a pthread mutex and condition
 * variable, with a queue of one and no sleeps so that both kinds wait at
 * once; the bad version runs up to ROUNDS rounds of it (the first one
 * hangs, in every run we have made), and the runner finds every thread
 * blocked (a deadlock). Fixed: two conditions,
 * notFull and notEmpty, each signalled by the side that changes it
 * (Broadcast on the one condition would fix it too, waking everyone).
 */
#include "pitfall.h"

#include <pthread.h>

enum { PRODUCERS = 3, CONSUMERS = 2, PER_PRODUCER = 600, CAPACITY = 1, ROUNDS = 4 };
enum { PER_CONSUMER = PRODUCERS * PER_PRODUCER / CONSUMERS };

struct queue {
    pthread_mutex_t mu;
    pthread_cond_t not_empty; /* the seed's only condition */
    pthread_cond_t not_full;  /* fixed: "not full" has a condition of its own */
    pthread_cond_t *space;    /* where Push waits and Pop signals */
    int items[CAPACITY], head, len;
    long popped_sum;
};

static void push(struct queue *q, int v)
{
    pthread_mutex_lock(&q->mu);
    while (q->len == CAPACITY)
        pthread_cond_wait(q->space, &q->mu);
    q->items[(q->head + q->len++) % CAPACITY] = v;
    pthread_cond_signal(&q->not_empty); /* "notify the consumers" */
    pthread_mutex_unlock(&q->mu);
}

static int pop(struct queue *q)
{
    pthread_mutex_lock(&q->mu);
    while (q->len == 0)
        pthread_cond_wait(&q->not_empty, &q->mu);
    int v = q->items[q->head];
    q->head = (q->head + 1) % CAPACITY;
    q->len--;
    pthread_cond_signal(q->space); /* "notify the producers": bad, any waiter */
    pthread_mutex_unlock(&q->mu);
    return v;
}

static void *producer(void *arg)
{
    for (int j = 0; j < PER_PRODUCER; j++)
        push(arg, 1);
    return NULL;
}

static void *consumer(void *arg)
{
    struct queue *q = arg;
    long sum = 0;
    for (int j = 0; j < PER_CONSUMER; j++)
        sum += pop(q);
    pthread_mutex_lock(&q->mu);
    q->popped_sum += sum;
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* One run of the seed's example: the items popped (every one pushed, if it
 * returns at all). */
static long round_trip(int fixed)
{
    struct queue q = {.mu = PTHREAD_MUTEX_INITIALIZER,
                      .not_empty = PTHREAD_COND_INITIALIZER,
                      .not_full = PTHREAD_COND_INITIALIZER};
    pthread_t t[PRODUCERS + CONSUMERS];
    q.space = fixed ? &q.not_full : &q.not_empty;
    for (int i = 0; i < PRODUCERS + CONSUMERS; i++)
        pthread_create(&t[i], NULL, i < PRODUCERS ? producer : consumer, &q);
    for (int i = 0; i < PRODUCERS + CONSUMERS; i++)
        pthread_join(t[i], NULL); /* bad: sooner or later, never returns */
    return q.popped_sum;
}

static int run(int fixed)
{
    /* bad: a round hangs (the runner's timeout ends it); fixed: all complete */
    for (int r = 0; r < ROUNDS; r++)
        if (round_trip(fixed) != (long)PRODUCERS * PER_PRODUCER)
            return 1;
    ct_pitfall_figure("rounds", ROUNDS);
    return 0;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main_flag(argc, argv, run);
}
