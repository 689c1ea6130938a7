/*
 * test_leakcheck.c: the thread-leak checker and the wait registry.
 *
 * A thread blocked in an announced wait must be reported with its name, the
 * operation and the object; a joined thread must not be; an ignored name
 * must not be; the registry must show and then forget a wait, and count
 * progress; a listing of the threads that fails on a retry (ct_fault.h)
 * must give its error, and free nothing twice. Each case cleans up
 * (releases and joins its thread), so the runner's own leak check passes.
 */
#include "ct_fault.h"
#include "ct_leakcheck.h"
#include "ct_test.h"
#include "ct_waitreg.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int released, parked;
static char object[16]; /* what the blocked thread "waits on" */

static void *blocked(void *arg)
{
    pthread_setname_np(pthread_self(), (const char *)arg);
    pthread_mutex_lock(&mu);
    ct_wait_enter("test recv", object);
    parked = 1;
    pthread_cond_broadcast(&cv);
    while (!released)
        pthread_cond_wait(&cv, &mu);
    ct_wait_exit();
    pthread_mutex_unlock(&mu);
    return NULL;
}

static pthread_t start_blocked(const char *name)
{
    pthread_t t;
    released = parked = 0;
    CT_CHECK(pthread_create(&t, NULL, blocked, (void *)name) == 0);
    pthread_mutex_lock(&mu);
    while (!parked)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    return t;
}

static void release_and_join(pthread_t t)
{
    pthread_mutex_lock(&mu);
    released = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    CT_CHECK(pthread_join(t, NULL) == 0);
}

/* Run end() into a string. */
static int end_into(ct_leakcheck *lc, const char *const *ignore, int timeout_ms, char *buf,
                    size_t len)
{
    FILE *f = fmemopen(buf, len, "w");
    CT_CHECK(f != NULL);
    int n = ct_leakcheck_end(lc, ignore, timeout_ms, f);
    fclose(f);
    return n;
}

static int test_reports_blocked_thread(void *arg)
{
    (void)arg;
    ct_leakcheck lc;
    char buf[1024] = "", want[128];
    CT_CHECK(ct_leakcheck_begin(&lc) == 0);
    pthread_t t = start_blocked("leaky-worker");
    int n = end_into(&lc, NULL, 50, buf, sizeof buf);
    release_and_join(t);
    snprintf(want, sizeof want, "blocked in test recv on %p", (void *)object);
    if (n != 1 || !strstr(buf, "\"leaky-worker\"") || !strstr(buf, want))
        ct_test_fail("expected one leak naming the thread and its wait, got %d: %s", n, buf);
    return 0;
}

static int test_joined_thread_is_no_leak(void *arg)
{
    (void)arg;
    ct_leakcheck lc;
    char buf[1024] = "";
    CT_CHECK(ct_leakcheck_begin(&lc) == 0);
    release_and_join(start_blocked("joined"));
    int n = end_into(&lc, NULL, 1000, buf, sizeof buf);
    if (n != 0)
        ct_test_fail("a joined thread reported as leaked: %s", buf);
    return 0;
}

static int test_ignore_list(void *arg)
{
    (void)arg;
    static const char *const ignore[] = {"bg-", NULL};
    ct_leakcheck lc;
    char buf[1024] = "";
    CT_CHECK(ct_leakcheck_begin(&lc) == 0);
    pthread_t t = start_blocked("bg-helper");
    int n = end_into(&lc, ignore, 50, buf, sizeof buf);
    release_and_join(t);
    if (n != 0)
        ct_test_fail("an ignored thread was reported: %s", buf);
    return 0;
}

/* end() lists the threads, finds the blocked one, backs off and lists them
 * again: that second listing fails (opendir, as when out of descriptors).
 * The error comes back; the first listing's array is freed once (ASan
 * reports a second free; glibc aborts on it). */
static int test_listing_fails_on_retry(void *arg)
{
    (void)arg;
    ct_leakcheck lc;
    char buf[1024] = "";
    CT_CHECK(ct_leakcheck_begin(&lc) == 0);
    pthread_t t = start_blocked("leaky-retry");
    ct_fault_arm(CT_FAULT_OPENDIR, 1, EMFILE); /* the first listing passes */
    int n = end_into(&lc, NULL, 1000, buf, sizeof buf);
    ct_fault_disarm(CT_FAULT_OPENDIR);
    release_and_join(t);
    CT_CHECK(ct_fault_failed(CT_FAULT_OPENDIR) == 1);
    if (n != -EMFILE)
        ct_test_fail("expected -EMFILE from the failed listing, got %d: %s", n, buf);
    return 0;
}

static int test_registry(void *arg)
{
    (void)arg;
    ct_wait_info w[8];
    uint64_t before = ct_wait_progress();
    pthread_t t = start_blocked("registry");
    size_t n = ct_wait_snapshot(w, 8);
    int found = 0;
    for (size_t i = 0; i < n; i++)
        found += w[i].obj == object && strcmp(w[i].op, "test recv") == 0;
    release_and_join(t);
    CT_CHECK(found == 1);
    n = ct_wait_snapshot(w, 8);
    for (size_t i = 0; i < n; i++)
        CT_CHECK(w[i].obj != object); /* forgotten once it ended */
    CT_CHECK(ct_wait_progress() > before);
    return 0;
}

int main(int argc, char **argv)
{
    static const ct_test_case cases[] = {
        {.name = "leak/reports_blocked_thread", .fn = test_reports_blocked_thread},
        {.name = "leak/joined_thread_is_no_leak", .fn = test_joined_thread_is_no_leak},
        {.name = "leak/ignore_list", .fn = test_ignore_list},
        {.name = "leak/listing_fails_on_retry", .fn = test_listing_fails_on_retry},
        {.name = "waitreg/snapshot_and_progress", .fn = test_registry},
    };
    return ct_test_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
