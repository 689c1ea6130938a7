/*
 * ct_sweep.c: the thread counts every workload sweeps, and the counts of a
 * role (producers, workers) some sweep instead, from the machine's core
 * count (or CT_NCPU) unless a list is given (THREADS=, --threads=).
 * Read in this one place so that a pretend core count or a list reaches
 * every workload the same way.
 */
#include "ct_bench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CT_SWEEP_LIMIT 1024 /* the most threads (and pretend cores) accepted */

/* Set once, before registration, by the main thread; read afterwards by the
 * same thread (workloads register from main), so plain statics suffice. */
static bool inited;
static int ncpu;
static int given[CT_SWEEP_MAX];
static size_t ngiven;

/* A decimal integer 1..CT_SWEEP_LIMIT filling [s, end), or -1. */
static int parse_count(const char *s, const char *end)
{
    if (s == end || *s < '0' || *s > '9')
        return -1;
    char buf[16];
    if ((size_t)(end - s) >= sizeof buf)
        return -1;
    memcpy(buf, s, (size_t)(end - s));
    buf[end - s] = '\0';
    errno = 0;
    char *stop;
    long v = strtol(buf, &stop, 10);
    if (errno || *stop || v < 1 || v > CT_SWEEP_LIMIT)
        return -1;
    return (int)v;
}

bool ct_bench_sweep_init(const char *threads)
{
    const char *env = getenv("CT_NCPU");
    char ctx[CT_SWEEP_MAX * 6];

    if (env && *env) {
        ncpu = parse_count(env, env + strlen(env));
        if (ncpu < 0) {
            fprintf(stderr, "contend_bench: CT_NCPU='%s' is not a core count (1..%d)\n", env,
                    CT_SWEEP_LIMIT);
            return false;
        }
    } else {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        ncpu = n < 1 ? 1 : n > CT_SWEEP_LIMIT ? CT_SWEEP_LIMIT : (int)n;
    }
    ngiven = 0;
    if (threads) {
        for (const char *p = threads;;) {
            const char *end = p + strcspn(p, ",");
            int v = parse_count(p, end);
            if (v < 0 || ngiven == CT_SWEEP_MAX) {
                fprintf(stderr,
                        "contend_bench: threads '%s': want up to %d comma-separated counts, each "
                        "1..%d\n",
                        threads, CT_SWEEP_MAX, CT_SWEEP_LIMIT);
                return false;
            }
            given[ngiven++] = v;
            if (!*end)
                break;
            p = end + 1;
        }
    }
    inited = true;
    snprintf(ctx, sizeof ctx, "%d", ncpu);
    ct_bench_context("ct_ncpu", ctx);
    if (ngiven) {
        size_t len = 0;
        for (size_t i = 0; i < ngiven; i++)
            len += (size_t)snprintf(ctx + len, sizeof ctx - len, "%s%d", i ? "," : "", given[i]);
        ct_bench_context("ct_threads", ctx);
    }
    return true;
}

int ct_bench_ncpu(void)
{
    if (!inited && !ct_bench_sweep_init(NULL))
        exit(2);
    return ncpu;
}

/* Appends v (raised to min) to out unless it is already there. */
static size_t add(int *out, size_t n, int v, int min)
{
    if (v < min)
        v = min;
    for (size_t i = 0; i < n; i++)
        if (out[i] == v)
            return n;
    if (n < CT_SWEEP_MAX)
        out[n++] = v;
    return n;
}

/* The list THREADS= gave, each raised to min: it replaces every sweep. */
static size_t given_counts(int *out, int min)
{
    size_t m = 0;

    for (size_t i = 0; i < ngiven; i++)
        m = add(out, m, given[i], min);
    return m;
}

size_t ct_bench_sweep_threads(int *out, int min, unsigned flags)
{
    const int n = ct_bench_ncpu();
    int all[CT_SWEEP_MAX];
    size_t k = 0, m = 0;

    if (min < 1)
        min = 1;
    if (ngiven)
        return given_counts(out, min);
    for (int p = 1; p < n; p *= 2)
        all[k++] = p;
    all[k++] = n;
    if (!(flags & CT_SWEEP_SPARSE))
        all[k++] = 2 * n;
    all[k++] = 4 * n;
    if (flags & CT_SWEEP_QUICK) {
        m = add(out, m, all[0], min);
        return add(out, m, all[k - 1], min);
    }
    for (size_t i = 0; i < k; i++)
        m = add(out, m, all[i], min);
    return m;
}

size_t ct_bench_sweep_role(int *out, int min, int divisor, unsigned flags)
{
    const int n = ct_bench_ncpu();
    size_t m = 0;

    if (min < 1)
        min = 1;
    if (divisor < 1)
        divisor = 1;
    if (ngiven)
        return given_counts(out, min);
    m = add(out, m, n / divisor, min);
    if (!(flags & CT_SWEEP_QUICK))
        m = add(out, m, 2 * n / divisor, min);
    return m;
}
