/* A program of two files: main starts the workers; the race is in tally.c. */
#include <pthread.h>
#include <stdio.h>

void *tally_worker(void *arg);
long tally_total(void);

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, tally_worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("%ld\n", tally_total());
    return 0;
}
