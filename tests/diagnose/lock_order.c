/* Lock-order inversion: A then B in one thread, B then A in another. */
#include <pthread.h>
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static void *ab(void *x) { (void)x; pthread_mutex_lock(&a); pthread_mutex_lock(&b); pthread_mutex_unlock(&b); pthread_mutex_unlock(&a); return 0; }
static void *ba(void *x) { (void)x; pthread_mutex_lock(&b); pthread_mutex_lock(&a); pthread_mutex_unlock(&a); pthread_mutex_unlock(&b); return 0; }
int main(void)
{
    pthread_t t;
    pthread_create(&t, 0, ab, 0);
    pthread_join(t, 0);
    pthread_create(&t, 0, ba, 0);
    pthread_join(t, 0);
    return 0;
}
