/* A data race on a global: two threads increment it without a lock. */
#include <pthread.h>
static long hits;
static void *work(void *a) { (void)a; for (int i = 0; i < 10000; i++) hits++; return 0; }
int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, work, 0);
    for (int i = 0; i < 2; i++) pthread_join(t[i], 0);
    return hits > 0 ? 0 : 1;
}
