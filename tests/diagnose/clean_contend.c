/* Clean, against libcontend: four threads on the `atomic` counter. */
#include <contend/counter.h>
#include <pthread.h>
static ct_counter *c;
static void *work(void *a) { for (int i = 0; i < 10000; i++) ct_counter_add(c, (unsigned)(long)a, 1); return 0; }
int main(void)
{
    c = ct_counter_new("atomic", 4);
    pthread_t t[4];
    for (long i = 0; i < 4; i++) pthread_create(&t[i], 0, work, (void *)i);
    for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
    int ok = ct_counter_read(c, 0) == 40000;
    ct_counter_free(c);
    return ok ? 0 : 1;
}
