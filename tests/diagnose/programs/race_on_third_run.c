/* A race that shows only on some runs, made deterministic for the test of --runs:
 * argv[1] names a file counting the runs; the first two runs lock, the third and later
 * ones do not. */
#include <pthread.h>
#include <stdio.h>

static long hits;
static int racy;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *work(void *a)
{
    (void)a;
    for (int i = 0; i < 1000; i++) {
        if (!racy)
            pthread_mutex_lock(&mu);
        hits++;
        if (!racy)
            pthread_mutex_unlock(&mu);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int runs = 0;
    FILE *f = argc > 1 ? fopen(argv[1], "r") : NULL;
    if (f) {
        if (fscanf(f, "%d", &runs) != 1)
            runs = 0;
        fclose(f);
    }
    f = argc > 1 ? fopen(argv[1], "w") : NULL;
    if (!f)
        return 2;
    fprintf(f, "%d\n", ++runs);
    fclose(f);
    racy = runs >= 3;
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, work, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return 0;
}
