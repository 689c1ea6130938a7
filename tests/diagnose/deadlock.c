/* A real deadlock: each thread holds one lock and waits for the other's. */
#include <pthread.h>
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold;
static void *ab(void *x) { (void)x; pthread_mutex_lock(&a); pthread_barrier_wait(&both_hold); pthread_mutex_lock(&b); return 0; }
static void *ba(void *x) { (void)x; pthread_mutex_lock(&b); pthread_barrier_wait(&both_hold); pthread_mutex_lock(&a); return 0; }
int main(void)
{
    pthread_t t1, t2;
    pthread_barrier_init(&both_hold, 0, 2);
    pthread_create(&t1, 0, ab, 0);
    pthread_create(&t2, 0, ba, 0);
    pthread_join(t1, 0);
    pthread_join(t2, 0);
    return 0;
}
