/*
 * lock_order_inversion: two threads take the same two locks in opposite
 * orders.
 *
 * Go (seeds 001, 003): goroutine A locks mu1 then mu2, B locks mu2 then mu1:
 * a deadlock waiting for an unlucky interleaving. C: the same with pthread
 * mutexes. The threads here run one after the other, so the program never
 * actually deadlocks; TSan's deadlock detector still sees the cycle in the
 * lock-order graph and reports a lock-order-inversion (potential deadlock).
 * Fixed: one global order (always mu1 before mu2).
 */
#include "pitfall.h"

#include <pthread.h>

static pthread_mutex_t mu1 = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t mu2 = PTHREAD_MUTEX_INITIALIZER;
static long transfers;

static void *a_then_b(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu1);
    pthread_mutex_lock(&mu2);
    transfers++;
    pthread_mutex_unlock(&mu2);
    pthread_mutex_unlock(&mu1);
    return NULL;
}

static void *b_then_a(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu2); /* bad: the opposite order */
    pthread_mutex_lock(&mu1);
    transfers++;
    pthread_mutex_unlock(&mu1);
    pthread_mutex_unlock(&mu2);
    return NULL;
}

/* Run f1 to completion, then f2: no real deadlock, only the inverted order. */
static int run(void *(*f1)(void *), void *(*f2)(void *))
{
    pthread_t t;
    pthread_create(&t, NULL, f1, NULL);
    pthread_join(t, NULL);
    pthread_create(&t, NULL, f2, NULL);
    pthread_join(t, NULL);
    ct_pitfall_figure("transfers", (double)transfers);
    return 0;
}

static int bad(void)
{
    return run(a_then_b, b_then_a);
}
static int fixed(void)
{
    return run(a_then_b, a_then_b);
}

int main(int argc, char **argv)
{
    return ct_pitfall_main(argc, argv, bad, fixed);
}
