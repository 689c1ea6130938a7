/* ct_waitreg.c: the registry of blocked waiters (see ct_waitreg.h). */
#include "ct_waitreg.h"
#include "ct_common.h"
#include "ct_sched_hooks.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct waiter {
    _Atomic pid_t tid;        /* owner; 0: free for reuse */
    _Atomic(const char *) op; /* NULL: not waiting */
    _Atomic(const void *) obj;
    _Atomic int watched; /* the deadlock detector counts this thread */
    struct waiter *next; /* immutable once published */
} waiter;

static _Atomic(waiter *) head; /* push-only list of every record */
static _Atomic uint64_t progress CT_CACHE_ALIGNED;
static pthread_key_t release_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static _Thread_local waiter *mine;

static void release(void *p)
{
    waiter *w = p;
    /* relaxed: the record holds nothing another thread must see first */
    atomic_store_explicit(&w->op, NULL, memory_order_relaxed);
    atomic_store_explicit(&w->watched, 0, memory_order_relaxed);
    /* release: pairs with the acquire CAS of the next claimant */
    atomic_store_explicit(&w->tid, 0, memory_order_release);
}

/* In a forked child only the forking thread lives on: the other records
 * belong to threads of the parent (their waits would be reported, and
 * counted as watched, for ever). Free them; the forking thread's own record
 * takes its new thread id and, since fork is not a wait, has none. */
static void child_after_fork(void)
{
    pid_t me = gettid();

    /* acquire: pairs with the release CAS in claim */
    for (waiter *w = atomic_load_explicit(&head, memory_order_acquire); w; w = w->next) {
        if (w == mine) {
            /* relaxed: the child has no other thread yet */
            atomic_store_explicit(&w->op, NULL, memory_order_relaxed);
            atomic_store_explicit(&w->tid, me, memory_order_relaxed);
        } else if (atomic_load_explicit(&w->tid, memory_order_relaxed)) {
            release(w);
        }
    }
}

static void make_key(void)
{
    pthread_key_create(&release_key, release);
    pthread_atfork(NULL, NULL, child_after_fork);
}

static waiter *claim(void)
{
    pid_t me = gettid();
    pthread_once(&key_once, make_key);
    /* acquire: pairs with the release CAS that published each record */
    for (waiter *w = atomic_load_explicit(&head, memory_order_acquire); w; w = w->next) {
        pid_t free_tid = 0;
        /* acquire: pairs with release() of the record's last owner */
        if (atomic_compare_exchange_strong_explicit(&w->tid, &free_tid, me, memory_order_acquire,
                                                    memory_order_relaxed))
            return w;
    }
    waiter *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    atomic_init(&w->tid, me);
    w->next = atomic_load_explicit(&head, memory_order_relaxed);
    /* release: publishes the record's fields with it; pairs with the
     * acquire loads of head in claim and snapshot */
    while (!atomic_compare_exchange_weak_explicit(&head, &w->next, w, memory_order_release,
                                                  memory_order_relaxed)) {}
    return w;
}

static int ensure_mine(void)
{
    if (!mine) {
        mine = claim();
        if (!mine)
            return -ENOMEM;
        pthread_setspecific(release_key, mine);
    }
    return 0;
}

int ct_wait_watch_self(int watched)
{
    if (ensure_mine() < 0)
        return -ENOMEM;
    /* relaxed: read by the detector, which confirms over several looks */
    atomic_store_explicit(&mine->watched, watched != 0, memory_order_relaxed);
    return 0;
}

void ct_wait_watched(size_t *alive, size_t *waiting)
{
    *alive = *waiting = 0;
    /* acquire: pairs with the release CAS in claim */
    for (waiter *w = atomic_load_explicit(&head, memory_order_acquire); w; w = w->next) {
        /* relaxed: a best-effort picture (see the synchronization table) */
        if (!atomic_load_explicit(&w->tid, memory_order_relaxed) ||
            !atomic_load_explicit(&w->watched, memory_order_relaxed))
            continue;
        ++*alive;
        *waiting += atomic_load_explicit(&w->op, memory_order_relaxed) != NULL;
    }
}

int ct_wait_enter(const char *op, const void *obj)
{
    if (ct__co_current) { /* the coroutine waits, not its worker thread */
        ct__sched_hooks->wait_note(op, obj);
        return 0;
    }
    if (ensure_mine() < 0)
        return -ENOMEM;
    /* relaxed: a report only; snapshot tolerates a torn (op, obj) pair in
     * time, and obj is stored first so a visible op has its object */
    atomic_store_explicit(&mine->obj, obj, memory_order_relaxed);
    atomic_store_explicit(&mine->op, op, memory_order_relaxed);
    return 0;
}

void ct_wait_exit(void)
{
    if (ct__co_current) {
        ct__sched_hooks->wait_note(NULL, NULL);
        return;
    }
    if (!mine)
        return;
    /* relaxed: see ct_wait_enter */
    atomic_store_explicit(&mine->op, NULL, memory_order_relaxed);
    /* relaxed: a counter that only has to move; read by ct_wait_progress */
    atomic_fetch_add_explicit(&progress, 1, memory_order_relaxed);
}

size_t ct_wait_snapshot(ct_wait_info *out, size_t n)
{
    size_t k = 0;
    /* acquire: pairs with the release CAS in claim */
    for (waiter *w = atomic_load_explicit(&head, memory_order_acquire); w && k < n; w = w->next) {
        /* relaxed: a best-effort picture (see the synchronization table) */
        const char *op = atomic_load_explicit(&w->op, memory_order_relaxed);
        pid_t tid = atomic_load_explicit(&w->tid, memory_order_relaxed);
        if (!op || !tid)
            continue;
        out[k++] = (ct_wait_info){
            .tid = tid, .op = op, .obj = atomic_load_explicit(&w->obj, memory_order_relaxed)};
    }
    return k;
}

int ct_wait_of(pid_t tid, ct_wait_info *out)
{
    ct_wait_info all[256];
    size_t n = ct_wait_snapshot(all, sizeof all / sizeof all[0]);
    for (size_t i = 0; i < n; i++)
        if (all[i].tid == tid) {
            *out = all[i];
            return 1;
        }
    return 0;
}

uint64_t ct_wait_progress(void)
{
    return atomic_load_explicit(&progress, memory_order_relaxed); /* relaxed: see exit */
}
