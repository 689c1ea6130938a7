/*
 * crawler_semaphore: a semaphore slot held while waiting for children that
 * need a slot themselves.
 *
 * Go (seed 004's 6.1 Crawler, presented as correct): crawl() does
 * `c.sem.Acquire(ctx); defer c.sem.Release()`, fetches the page, starts a
 * goroutine per link that calls crawl() one level deeper, and wg.Wait()s for
 * them, all before its deferred Release. Each level holds a slot while it
 * waits for the next, so once maxWorkers pages are waiting for children
 * the children can never acquire: every crawl below that depth is stuck,
 * and so is Crawl. C: the same crawl on threads over a link tree (depth 2,
 * two links a page, 2 slots), the semaphore a channel of 2 as in the seed's
 * 3.1 Semaphore (Acquire selects on ctx.Done() too), the WaitGroup go.h's
 * ct_wg; contend's deadlock detector sees the parents in `wg wait` and the
 * children in the semaphore's select and ends the process, naming them.
 * Fixed: the slot is released as soon as the page is fetched, before
 * waiting for the children, so it bounds concurrent fetches only.
 *
 * The seed's visited check-then-set (Get, then Set) can also let two
 * crawls of one URL through; the tree here has no shared links, so only
 * the deadlock shows.
 */
#include "pitfall.h"

#include "go.h"
#include "ct_waitreg.h"
#include <pthread.h>
#include <stdatomic.h>

enum { MAX_DEPTH = 2, LINKS = 2, SLOTS = 2, PAGES = 7 /* 1 + 2 + 4 */ };

static ct_chan *sem, *done; /* done: the ctx.Done() of context.Background(), never closed */
static int release_early;   /* fixed */
static atomic_int fetched;  /* pages fetched */

struct page {
    int url, depth; /* url: the page's index in the tree, children 2u+1, 2u+2 */
    ct_wg *parent;
    pthread_t thread;
};

static void crawl(int url, int depth);

static void *crawl_child(void *arg)
{
    struct page *p = arg;
    ct_wait_watch_self(1);
    crawl(p->url, p->depth);
    ct_wg_done(p->parent);
    return NULL;
}

static void crawl(int url, int depth)
{
    char token = 0, sink;
    if (depth > MAX_DEPTH)
        return;
    if (ct_pitfall_send_or_done(sem, &token, done) != 0) /* Acquire(ctx) */
        return;
    /* relaxed: a tally read after every crawl has been joined */
    atomic_fetch_add_explicit(&fetched, 1, memory_order_relaxed);
    if (release_early)
        ct_chan_recv(sem, &sink); /* fixed: Release once the page is fetched */
    struct page child[LINKS];
    ct_wg *wg = ct_wg_new();
    if (!wg)
        ct_die("crawler: out of memory");
    for (int i = 0; i < LINKS; i++) {
        child[i] = (struct page){LINKS * url + 1 + i, depth + 1, wg, 0};
        ct_wg_add(wg, 1);
        pthread_create(&child[i].thread, NULL, crawl_child, &child[i]);
    }
    ct_wg_wait(wg); /* bad: still holding a slot the children need */
    for (int i = 0; i < LINKS; i++)
        pthread_join(child[i].thread, NULL);
    ct_wg_free(wg);
    if (!release_early)
        ct_chan_recv(sem, &sink); /* the seed's deferred Release */
}

static int run(int fixed)
{
    sem = ct_chan_new(NULL, 1, SLOTS);
    done = ct_chan_new(NULL, 1, 0);
    if (!sem || !done)
        return 1;
    release_early = fixed;
    ct_pitfall_watch_deadlocks();
    crawl(0, 0);
    ct_pitfall_unwatch_deadlocks();
    int n = atomic_load_explicit(&fetched, memory_order_relaxed); /* every crawl joined */
    ct_pitfall_figure("pages_fetched", n);
    ct_chan_free(sem);
    ct_chan_free(done);
    return n == PAGES ? 0 : 1;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main_flag(argc, argv, run);
}
