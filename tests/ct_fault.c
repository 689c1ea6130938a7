/*
 * ct_fault.c: the wrappers behind ct_fault.h. Each __wrap_f is what callers
 * of f reach in a binary linked with --wrap=f; __real_f is the real one.
 */
#include "ct_fault.h"
#include "ct_waitreg.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

int __real_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
DIR *__real_opendir(const char *name);
int __real_sched_yield(void);
void __real_ct_wait_watched(size_t *alive, size_t *waiting);

/* Per site: 0 if not armed, else 1 + the calls that pass before the one
 * that fails; the error it fails with; counts. */
static struct {
    _Atomic long left;
    _Atomic int err;
    _Atomic uint64_t calls, failed;
} sites[CT_FAULT_NSITES];

void ct_fault_arm(ct_fault_site site, unsigned pass, int err)
{
    /* relaxed: published by the release store of left below */
    atomic_store_explicit(&sites[site].err, err, memory_order_relaxed);
    /* release: pairs with the acquire CAS in take(), which then reads err */
    atomic_store_explicit(&sites[site].left, (long)pass + 1, memory_order_release);
}

void ct_fault_disarm(ct_fault_site site)
{
    /* relaxed: nothing to publish; a call racing with it may still fail */
    atomic_store_explicit(&sites[site].left, 0, memory_order_relaxed);
}

uint64_t ct_fault_calls(ct_fault_site site)
{
    /* relaxed: a count; the test orders its reads by its own means */
    return atomic_load_explicit(&sites[site].calls, memory_order_relaxed);
}

uint64_t ct_fault_failed(ct_fault_site site)
{
    /* relaxed: as above */
    return atomic_load_explicit(&sites[site].failed, memory_order_relaxed);
}

/* Count a call; true (with *err) if it is the one to fail. */
static bool take(ct_fault_site site, int *err)
{
    /* relaxed: a count */
    atomic_fetch_add_explicit(&sites[site].calls, 1, memory_order_relaxed);
    /* relaxed: the CAS below re-reads with acquire before acting */
    long v = atomic_load_explicit(&sites[site].left, memory_order_relaxed);

    while (v > 0) {
        /* acquire: pairs with ct_fault_arm's release store (err is set) */
        if (atomic_compare_exchange_weak_explicit(&sites[site].left, &v, v - 1,
                                                  memory_order_acquire, memory_order_relaxed)) {
            if (v > 1)
                return false; /* one of the calls let through */
            /* relaxed: published by the acquire above; a count */
            *err = atomic_load_explicit(&sites[site].err, memory_order_relaxed);
            atomic_fetch_add_explicit(&sites[site].failed, 1, memory_order_relaxed);
            return true;
        }
    }
    return false;
}

int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    int err;

    if (take(CT_FAULT_PTHREAD_CREATE, &err))
        return err;
    return __real_pthread_create(t, attr, fn, arg);
}

DIR *__wrap_opendir(const char *name)
{
    int err;

    if (take(CT_FAULT_OPENDIR, &err)) {
        errno = err;
        return NULL;
    }
    return __real_opendir(name);
}

int __wrap_sched_yield(void)
{
    int err;

    (void)take(CT_FAULT_SCHED_YIELD, &err); /* never armed: counted */
    return __real_sched_yield();
}

void __wrap_ct_wait_watched(size_t *alive, size_t *waiting)
{
    int err;

    (void)take(CT_FAULT_CT_WAIT_WATCHED, &err); /* never armed: counted */
    __real_ct_wait_watched(alive, waiting);
}
