/*
 * visited_check_then_act: a check, then an act, on a properly locked set.
 *
 * Go (seed 004, 6.1 并发Web爬虫, Crawler.crawl): `if _, visited :=
 * c.visited.Get(url); visited { return nil }; c.visited.Set(url, true)`,
 * then the page is fetched. visited is a SafeMap: Get and Set each take its
 * lock, so there is no data race and neither the race detector nor any
 * sanitizer sees anything; but two goroutines that reach the same url both
 * see "not visited" before either sets it, and both crawl it. The fix is
 * one atomic insert-if-absent (sync.Map's LoadOrStore, or a Set that
 * returns whether the key was new): only its winner crawls.
 *
 * C: a set of urls under a pthread mutex (load, store, and load_or_store,
 * each one critical section). THREADS crawlers each discover every url of a
 * link list (pages linked from many pages). The window between the check
 * and the act is as short as in the seed; on a 2-core machine the threads
 * would rarely land in it together, so each url is a meeting point: a
 * crawler that has checked it waits (spinning, then yielding, bounded: no
 * sleep) until every crawler has checked it, as goroutines arriving together
 * from a burst of links would. The program counts each url's crawls: every
 * crawl past the first is a duplicate (figure `duplicates`), which is how
 * the pitfall is diagnosed (the program's own figure, not a tool). If a pass
 * shows none (a crawler descheduled past the wait's bound every time), it
 * runs again, up to PASSES. Fixed: load_or_store decides, and duplicates
 * must be 0 with the same meeting points.
 */
#include "pitfall.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include "ct_common.h"

enum { THREADS = 4, URLS = 200, PASSES = 5, SPIN_LIMIT = 200000 };

/* The seed's SafeMap[string, bool]: a set of url ids under one mutex. */
typedef struct url_set {
    pthread_mutex_t lock;
    bool in[URLS];
} url_set;

static url_set visited;
static _Atomic int crawls[URLS];  /* crawl(url) calls per url */
static _Atomic int checked[URLS]; /* crawlers that have checked url: the meeting point */

/* visited.Get(url) */
static bool set_load(url_set *s, int url)
{
    bool v;

    pthread_mutex_lock(&s->lock);
    v = s->in[url];
    pthread_mutex_unlock(&s->lock);
    return v;
}

/* visited.Set(url, true) */
static void set_store(url_set *s, int url)
{
    pthread_mutex_lock(&s->lock);
    s->in[url] = true;
    pthread_mutex_unlock(&s->lock);
}

/* visited.LoadOrStore(url, true): true if it was already there. */
static bool set_load_or_store(url_set *s, int url)
{
    bool was;

    pthread_mutex_lock(&s->lock);
    was = s->in[url];
    s->in[url] = true;
    pthread_mutex_unlock(&s->lock);
    return was;
}

/* Every crawler reaches url's check before any goes on (bounded). */
static void meet(int url)
{
    /* relaxed (both): a meeting point for timing only; the set's mutex
     * orders everything the verdict depends on */
    atomic_fetch_add_explicit(&checked[url], 1, memory_order_relaxed);
    for (int spins = 0;
         atomic_load_explicit(&checked[url], memory_order_relaxed) < THREADS && spins < SPIN_LIMIT;
         spins++) {
        if (spins % 64 == 63)
            sched_yield(); /* a crawler still to come may need this CPU */
        else
            ct_cpu_relax();
    }
}

static void crawl(int url)
{
    /* relaxed: a count, read after the joins */
    atomic_fetch_add_explicit(&crawls[url], 1, memory_order_relaxed);
}

static bool fixed_version;

static void *crawler(void *arg)
{
    (void)arg;
    for (int url = 0; url < URLS; url++) {
        if (fixed_version) {
            bool was = set_load_or_store(&visited, url); /* check and act in one */

            meet(url);
            if (!was)
                crawl(url);
        } else {
            bool seen = set_load(&visited, url); /* the check */

            meet(url);
            if (!seen) {
                set_store(&visited, url); /* the act, too late */
                crawl(url);
            }
        }
    }
    return NULL;
}

/* One pass from an empty set; returns the duplicate crawls. */
static int pass(int *missed)
{
    pthread_t t[THREADS];
    int dup = 0;

    memset(visited.in, 0, sizeof visited.in);
    for (int u = 0; u < URLS; u++) {
        atomic_init(&crawls[u], 0);
        atomic_init(&checked[u], 0);
    }
    for (int i = 0; i < THREADS; i++)
        if (pthread_create(&t[i], NULL, crawler, NULL) != 0)
            return -1;
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    *missed = 0;
    for (int u = 0; u < URLS; u++) {
        /* relaxed: after the joins */
        int n = atomic_load_explicit(&crawls[u], memory_order_relaxed);

        dup += n > 1 ? n - 1 : 0;
        *missed += n == 0;
    }
    return dup;
}

static int run(int fixed)
{
    int dup = 0, missed = 0, passes = 0;

    fixed_version = fixed;
    if (pthread_mutex_init(&visited.lock, NULL) != 0)
        return 1;
    /* the bad version: again while a pass shows nothing; the fixed one runs
     * as many passes and must never duplicate */
    while (passes < PASSES && (fixed || dup == 0)) {
        int d = pass(&missed);

        if (d < 0)
            return 1;
        dup += d;
        passes++;
        if (missed)
            break;
    }
    pthread_mutex_destroy(&visited.lock);
    ct_pitfall_figure("duplicates", dup);
    ct_pitfall_figure("urls_never_crawled", missed);
    ct_pitfall_figure("urls", URLS);
    ct_pitfall_figure("passes", passes);
    return missed ? 1 : 0;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main_flag(argc, argv, run);
}
