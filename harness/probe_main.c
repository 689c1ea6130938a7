/*
 * probe_main.c: contend_probe, a cache-line ping-pong between two threads
 * pinned to two CPUs. Prints one JSON object with the round-trip time:
 *
 *   {"rtt_ns_median": 54.1, "rtt_ns_p10": 52.0, "rtt_ns_p90": 61.3,
 *    "samples": 200000, "cpus": "0,1"}
 *
 * The bench runner records it before and after a run: on this VM the round
 * trip flips between about 54 ns and 330 ns when the host moves the vCPUs, and
 * a reader of the report should see when that happened under a measurement.
 * Usage: contend_probe [batches (default 200)]
 */
#include "ct_common.h"
#include "ct_work.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ROUND_TRIPS_PER_BATCH = 1000 };

static struct {
    _Atomic uint64_t ball CT_CACHE_ALIGNED; /* odd: ping's turn done; even: pong's */
    _Atomic int stop CT_CACHE_ALIGNED;
} g;

static int pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void *pong(void *arg)
{
    int cpu = *(int *)arg;
    if (pin(cpu) != 0)
        fprintf(stderr, "contend_probe: cannot pin to CPU %d\n", cpu);
    for (;;) {
        /* acquire: pairs with ping's release store of an odd value */
        uint64_t v = atomic_load_explicit(&g.ball, memory_order_acquire);
        if (v & 1) {
            /* release: pairs with ping's acquire load */
            atomic_store_explicit(&g.ball, v + 1, memory_order_release);
        } else if (atomic_load_explicit(&g.stop, memory_order_relaxed)) {
            return NULL; /* relaxed: stop carries no data */
        } else {
            ct_cpu_relax();
        }
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    long batches = argc > 1 ? strtol(argv[1], NULL, 10) : 200;
    if (batches < 1 || batches > 100000) {
        fprintf(stderr, "usage: contend_probe [batches: 1..100000]\n");
        return 2;
    }
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (ncpu < 2) {
        printf("{\"skipped\": \"one CPU: no cross-core round trip to measure\"}\n");
        return 0;
    }
    int cpu_ping = 0, cpu_pong = 1;
    if (pin(cpu_ping) != 0)
        fprintf(stderr, "contend_probe: cannot pin to CPU 0\n");
    pthread_t t;
    if (pthread_create(&t, NULL, pong, &cpu_pong) != 0) {
        perror("contend_probe: pthread_create");
        return 1;
    }
    double *rtt = malloc(sizeof *rtt * (size_t)batches);
    if (!rtt)
        return 1;
    uint64_t v = 0;
    /* Warm up one batch, then time each batch of round trips. */
    for (long b = -1; b < batches; b++) {
        uint64_t t0 = ct_now_ns();
        for (int i = 0; i < ROUND_TRIPS_PER_BATCH; i++) {
            v += 1;
            /* release: pairs with pong's acquire load */
            atomic_store_explicit(&g.ball, v, memory_order_release);
            v += 1;
            /* acquire: pairs with pong's release store of v + 1 */
            while (atomic_load_explicit(&g.ball, memory_order_acquire) != v)
                ct_cpu_relax();
        }
        if (b >= 0)
            rtt[b] = (double)(ct_now_ns() - t0) / ROUND_TRIPS_PER_BATCH;
    }
    /* relaxed: pong polls it; the join below is the synchronization */
    atomic_store_explicit(&g.stop, 1, memory_order_relaxed);
    pthread_join(t, NULL);
    qsort(rtt, (size_t)batches, sizeof *rtt, cmp_double);
    printf("{\"rtt_ns_median\": %.1f, \"rtt_ns_p10\": %.1f, \"rtt_ns_p90\": %.1f, "
           "\"samples\": %ld, \"cpus\": \"%d,%d\"}\n",
           rtt[batches / 2], rtt[batches / 10], rtt[batches * 9 / 10],
           batches * ROUND_TRIPS_PER_BATCH, cpu_ping, cpu_pong);
    free(rtt);
    return 0;
}
