/* Use after free: a worker reads a buffer its owner already freed. */
#include <pthread.h>
#include <stdlib.h>
static void *reader(void *p) { return (void *)(long)((int *)p)[0]; }
int main(void)
{
    int *buf = malloc(4 * sizeof *buf);
    buf[0] = 1;
    free(buf);
    pthread_t t;
    pthread_create(&t, 0, reader, buf); /* buf is gone */
    void *r;
    pthread_join(t, &r);
    return r ? 0 : 0;
}
