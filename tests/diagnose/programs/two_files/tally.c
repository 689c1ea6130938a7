/* The second file: two threads add to a total without a lock. */
#include <stddef.h>

static long total;

void *tally_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 10000; i++)
        total++;
    return NULL;
}

long tally_total(void) { return total; }
