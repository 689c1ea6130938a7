/* Clean: an atomic counter and a release/acquire flag. */
#include <pthread.h>
#include <stdatomic.h>
static _Atomic long hits;
static int data;
static _Atomic int ready;
static void *work(void *a)
{
    (void)a;
    for (int i = 0; i < 10000; i++) atomic_fetch_add_explicit(&hits, 1, memory_order_relaxed);
    return 0;
}
static void *producer(void *a)
{
    (void)a;
    data = 7;
    atomic_store_explicit(&ready, 1, memory_order_release);
    return 0;
}
int main(void)
{
    pthread_t t[3];
    for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, work, 0);
    pthread_create(&t[2], 0, producer, 0);
    while (!atomic_load_explicit(&ready, memory_order_acquire)) {
    }
    int d = data; /* ordered by the acquire above */
    for (int i = 0; i < 3; i++) pthread_join(t[i], 0);
    return hits == 20000 && d == 7 ? 0 : 1;
}
