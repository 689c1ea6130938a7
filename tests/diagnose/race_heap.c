/* A data race on a heap object written by one thread, read by another. */
#include <pthread.h>
#include <stdlib.h>
static void *writer(void *p) { ((int *)p)[3] = 42; return 0; }
int main(void)
{
    int *v = calloc(8, sizeof *v);
    pthread_t t;
    pthread_create(&t, 0, writer, v);
    int seen = v[3]; /* unsynchronized read */
    pthread_join(t, 0);
    free(v);
    return seen == 42 || seen == 0 ? 0 : 1;
}
