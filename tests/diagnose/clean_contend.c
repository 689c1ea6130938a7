/* Clean, against libcontend: four threads on the `atomic` counter. */
#include <contend/counter.h>
#include <pthread.h>
static const ct_counter_ops *ops;
static ct_counter *c;
static void *work(void *a) { for (int i = 0; i < 10000; i++) ops->add(c, (unsigned)(long)a, 1); return 0; }
int main(void)
{
    ops = ct_counter_find("atomic");
    c = ops->create(4);
    pthread_t t[4];
    for (long i = 0; i < 4; i++) pthread_create(&t[i], 0, work, (void *)i);
    for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
    int ok = ops->read(c, 0) == 40000;
    ops->destroy(c);
    return ok ? 0 : 1;
}
