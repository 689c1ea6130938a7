/* Clean: the shared counter is guarded by a mutex. */
#include <pthread.h>
static long hits;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static void *work(void *a)
{
    (void)a;
    for (int i = 0; i < 10000; i++) {
        pthread_mutex_lock(&mu);
        hits++;
        pthread_mutex_unlock(&mu);
    }
    return 0;
}
int main(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], 0, work, 0);
    for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
    return hits == 40000 ? 0 : 1;
}
