/* ct_leakcheck.c: the thread-leak checker (see ct_leakcheck.h). */
#include "ct_leakcheck.h"
#include "ct_tsan.h"
#include "ct_waitreg.h"

#include <pthread.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return (x > y) - (x < y);
}

/* The live thread ids of this process, sorted; -errno on failure. */
static int list_tasks(pid_t **out, size_t *n)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -errno;
    size_t cap = 64, k = 0;
    pid_t *v = malloc(cap * sizeof *v);
    struct dirent *e;
    while (v && (e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        if (k == cap) {
            pid_t *bigger = realloc(v, (cap *= 2) * sizeof *v);
            if (!bigger) {
                free(v);
                v = NULL;
                break;
            }
            v = bigger;
        }
        v[k++] = (pid_t)atoi(e->d_name);
    }
    closedir(d);
    if (!v)
        return -ENOMEM;
    qsort(v, k, sizeof *v, cmp_pid);
    *out = v;
    *n = k;
    return 0;
}

/* A field of /proc/self/task/<tid>/...: "comm" (the name) or the state. */
static void task_name(pid_t tid, char *name, size_t len)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)tid);
    FILE *f = fopen(path, "r");
    name[0] = '\0';
    if (f) {
        if (fgets(name, (int)len, f))
            name[strcspn(name, "\n")] = '\0';
        fclose(f);
    }
}

static char task_state(pid_t tid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
    FILE *f = fopen(path, "r");
    char st = '?';
    if (f) {
        if (fgets(buf, sizeof buf, f)) {
            char *close = strrchr(buf, ')'); /* the name may hold spaces */
            if (close && close[1] == ' ')
                st = close[2];
        }
        fclose(f);
    }
    return st;
}

static int ignored(const char *name, const char *const *ignore)
{
    for (; ignore && *ignore; ignore++)
        if (strncmp(name, *ignore, strlen(*ignore)) == 0)
            return 1;
    return 0;
}

#ifdef CT_TSAN
static void *nothing(void *arg)
{
    return arg;
}

/* TSan starts its background thread at a process's first pthread_create
 * (and again in a forked child): start and join one thread first, so that
 * the runtime's own thread is in the snapshot instead of reported. */
static void settle_sanitizer_threads(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, nothing, NULL) == 0)
        pthread_join(t, NULL);
}
#else
static void settle_sanitizer_threads(void)
{
}
#endif

int ct_leakcheck_begin(ct_leakcheck *lc)
{
    settle_sanitizer_threads();
    lc->tids = NULL;
    lc->n = 0;
    return list_tasks(&lc->tids, &lc->n);
}

/* Threads alive now that were not at begin (and are not ignored). */
static int new_threads(const ct_leakcheck *lc, const char *const *ignore, pid_t **out, size_t *n)
{
    pid_t *now;
    size_t k, m = 0;
    int rc = list_tasks(&now, &k);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < k; i++) {
        char name[32];
        if (bsearch(&now[i], lc->tids, lc->n, sizeof *now, cmp_pid))
            continue;
        task_name(now[i], name, sizeof name);
        if (ignored(name, ignore))
            continue;
        now[m++] = now[i];
    }
    *out = now;
    *n = m;
    return 0;
}

int ct_leakcheck_end(ct_leakcheck *lc, const char *const *ignore, int timeout_ms, FILE *report)
{
    pid_t *leaked = NULL;
    size_t n = 0;
    long waited_us = 0, step_us = 100;
    int rc;
    /* Threads that have returned may still be on their way out of the
     * kernel: retry with backoff (goleak does the same) before calling it. */
    for (;;) {
        free(leaked);
        leaked = NULL; /* a failed listing below leaves it unset: no second free */
        n = 0;
        rc = new_threads(lc, ignore, &leaked, &n);
        if (rc < 0 || n == 0 || waited_us >= (long)timeout_ms * 1000)
            break;
        struct timespec ts = {0, step_us * 1000};
        nanosleep(&ts, NULL);
        waited_us += step_us;
        step_us = step_us * 2 > 100000 ? 100000 : step_us * 2;
    }
    for (size_t i = 0; rc == 0 && report && i < n; i++) {
        char name[32];
        ct_wait_info w;
        char st = task_state(leaked[i]);
        task_name(leaked[i], name, sizeof name);
        fprintf(report, "leaked thread %d \"%s\" (%c, %s)", (int)leaked[i], name, st,
                st == 'R'                ? "running"
                : st == 'S' || st == 'D' ? "sleeping"
                                         : "other");
        if (ct_wait_of(leaked[i], &w))
            fprintf(report, ": blocked in %s on %p\n", w.op, w.obj);
        else
            fprintf(report, ": not in a contend wait\n");
    }
    free(leaked);
    free(lc->tids);
    lc->tids = NULL;
    lc->n = 0;
    return rc < 0 ? rc : (int)n;
}
