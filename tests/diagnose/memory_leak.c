/* A memory leak: each worker allocates a result nobody frees. */
#include <pthread.h>
#include <stdlib.h>
static void *work(void *a) { (void)a; long *r = malloc(sizeof *r); *r = 5; return r; }
int main(void)
{
    pthread_t t;
    void *r;
    pthread_create(&t, 0, work, 0);
    pthread_join(t, &r);
    r = 0; /* the result is dropped, never freed */
    return 0;
}
