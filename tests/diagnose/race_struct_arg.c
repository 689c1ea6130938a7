/* A race through a struct handed to threads: both update its total. */
#include <pthread.h>
struct job { int n; long total; };
static void *sum(void *p)
{
    struct job *j = p;
    for (int i = 0; i < j->n; i++) j->total += i; /* shared, unlocked */
    return 0;
}
int main(void)
{
    struct job j = {1000, 0};
    pthread_t t[2];
    for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, sum, &j);
    for (int i = 0; i < 2; i++) pthread_join(t[i], 0);
    return j.total > 0 ? 0 : 1;
}
