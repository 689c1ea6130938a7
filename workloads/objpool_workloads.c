/*
 * objpool_workloads.c: the object-pool family's workload, registered for
 * every pool of objpool_list.h:
 *
 *   objpool/churn/<impl>/size:<bytes>/held:<W>/real_time/threads:<T>
 *       each of T threads holds a working set of W objects of `size` bytes
 *       and, per iteration, puts its oldest one back and gets a new one,
 *       which it then writes like real use: its ownership stamp in the first
 *       16 bytes and one word in every further cache line (a 4 KiB object
 *       is 64 lines touched per get, as a buffer being filled would be).
 *       Default: sizes 64 and 4096, W 16, 1 to 8 threads; FULL=1 adds
 *       1 KiB and W 1 and 256.
 *
 * Verification (outside the timed region, from counts the threads keep):
 * an object has one owner at a time. Each get stamps the object with
 * {HELD, thread, sequence}; each put first checks that the stamp is still
 * the one it wrote (another holder would have overwritten it), then marks it
 * FREE. A get that finds a HELD stamp was handed an object somebody holds.
 * Both are double hand-outs and fail the run. Every thread puts its
 * working set back after its loop, so gets and puts must match; then thread
 * 0 takes T x W objects at once from the pool and they must all be
 * distinct and none marked held (nothing handed out twice at rest), and
 * puts them back. Counter: rss_growth_kib, the process's resident set after
 * the run (pool still alive) minus before it was made (/proc/self/statm):
 * what the design keeps cached.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ct_bench.h"
#include "ct_env.h"
#include "objpool.h"
#include "workloads.h"

#define STAMP_HELD UINT64_C(0x48454c44f00dcafe) /* "HELD" */
#define STAMP_FREE UINT64_C(0x46524545deadbeef) /* "FREE" */

/* The first 16 bytes of every object the workload holds. */
typedef struct stamp {
    uint64_t magic;     /* STAMP_HELD while held, STAMP_FREE once put back */
    uint64_t owner_seq; /* thread << 40 | its sequence number */
} stamp;

typedef struct churn_slot {
    CT_CACHE_ALIGNED uint64_t gets; /* written by its thread, read after the run */
    uint64_t puts;
    uint64_t held_at_get;   /* gets that found a HELD stamp */
    uint64_t stolen_at_put; /* puts that found another holder's stamp */
    uint64_t enomem;        /* gets that returned NULL */
    uint64_t done;          /* iterations run */
} churn_slot;

typedef struct churn_run {
    const ct_objpool_ops *ops;
    ct_objpool *pool;
    size_t size;
    unsigned held;
    unsigned threads;
    long rss_before; /* bytes, -1 if unreadable */
    churn_slot *slots;
} churn_run;

static void churn_free(churn_run *r)
{
    if (!r)
        return;
    ct_objpool_free(r->pool);
    ct_free_aligned(r->slots);
    ct_free_aligned(r);
}

static void *churn_setup(ct_bench_state *st)
{
    const ct_objpool_ops *ops = ct_bench_user(st);
    int64_t size = ct_bench_arg(st, 0), held = ct_bench_arg(st, 1);
    churn_run *r;

    if (ops->desc.unavailable) {
        ct_bench_skip(st, "%s", ops->desc.unavailable);
        return NULL;
    }
    if (size < (int64_t)sizeof(stamp) || size > (int64_t)CT_OBJPOOL_MAX_SIZE || held < 1 ||
        held > 4096) {
        ct_bench_error(st, "bad parameters size:%lld held:%lld", (long long)size, (long long)held);
        return NULL;
    }
    r = ct_alloc_aligned(sizeof *r);
    if (!r) {
        ct_bench_error(st, "%s: out of memory", ops->desc.name);
        return NULL;
    }
    r->ops = ops;
    r->size = (size_t)size;
    r->held = (unsigned)held;
    r->threads = (unsigned)ct_bench_threads(st);
    r->rss_before = ct_env_resident_bytes();
    if (!(r->slots = ct_alloc_aligned(sizeof *r->slots * r->threads)) ||
        !(r->pool = ct_objpool_new(ops->desc.name, r->size, r->threads))) {
        ct_bench_error(st, "%s: cannot create: %s", ops->desc.name, strerror(errno));
        churn_free(r);
        return NULL;
    }
    return r;
}

/* Take an object and make it this thread's: check nobody holds it, stamp
 * it, write one word per further cache line. */
static inline void *take(churn_run *r, churn_slot *s, unsigned tid, uint64_t *seq, uint64_t *mine)
{
    void *o = ct_objpool_get(r->pool, tid);
    stamp *sp = o;

    if (CT_UNLIKELY(!o)) {
        s->enomem++;
        return NULL;
    }
    s->gets++;
    if (CT_UNLIKELY(sp->magic == STAMP_HELD))
        s->held_at_get++; /* somebody holds it: a double hand-out */
    *mine = (uint64_t)tid << 40 | ++*seq;
    sp->magic = STAMP_HELD;
    sp->owner_seq = *mine;
    for (size_t off = CT_CACHELINE; off + sizeof(uint64_t) <= r->size; off += CT_CACHELINE)
        memcpy((char *)o + off, seq, sizeof *seq);
    return o;
}

/* Give an object back: the stamp must still be ours. */
static inline void give(churn_run *r, churn_slot *s, unsigned tid, void *o, uint64_t mine)
{
    stamp *sp = o;

    if (!o)
        return;
    if (CT_UNLIKELY(sp->magic != STAMP_HELD || sp->owner_seq != mine))
        s->stolen_at_put++; /* another holder wrote over it */
    sp->magic = STAMP_FREE;
    ct_objpool_put(r->pool, tid, o);
    s->puts++;
}

static void churn_thread(ct_bench_state *st)
{
    churn_run *r = ct_bench_shared(st);
    unsigned tid = (unsigned)ct_bench_thread_index(st), k = 0;
    churn_slot *s;
    void **held;
    uint64_t *mine, seq = 0, done = 0;

    if (!r)
        return;
    s = &r->slots[tid];
    held = calloc(r->held, sizeof *held);
    mine = calloc(r->held, sizeof *mine);
    if (!held || !mine)
        ct_die("objpool/churn: out of memory for a working set of %u", r->held);
    for (unsigned i = 0; i < r->held; i++) /* the working set, before the timed loop */
        held[i] = take(r, s, tid, &seq, &mine[i]);
    CT_BENCH_LOOP(st, i)
    {
        (void)i;
        give(r, s, tid, held[k], mine[k]);
        held[k] = take(r, s, tid, &seq, &mine[k]);
        if (++k == r->held)
            k = 0;
        done++;
    }
    for (unsigned i = 0; i < r->held; i++) /* every object back */
        give(r, s, tid, held[i], mine[i]);
    free(held);
    free(mine);
    s->done = done;
    ct_bench_items(st, done);
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;

    return (x > y) - (x < y);
}

/* At rest: T x W objects taken at once are distinct and none is held. NULL,
 * or what is wrong (in buf). */
static const char *at_rest(churn_run *r, char *buf, size_t len)
{
    size_t n = (size_t)r->threads * r->held, got = 0, dup = 0, held = 0;
    void **o = calloc(n, sizeof *o);

    if (!o)
        return "out of memory for the check at rest";
    for (; got < n; got++) {
        if (!(o[got] = ct_objpool_get(r->pool, 0)))
            break;
        held += ((stamp *)o[got])->magic == STAMP_HELD;
        ((stamp *)o[got])->magic = STAMP_HELD;
    }
    qsort(o, got, sizeof *o, cmp_ptr);
    for (size_t i = 1; i < got; i++)
        dup += o[i] == o[i - 1];
    for (size_t i = 0; i < got; i++) { /* one put per get, even for a double hand-out */
        ((stamp *)o[i])->magic = STAMP_FREE;
        ct_objpool_put(r->pool, 0, o[i]);
    }
    free(o);
    if (got < n)
        snprintf(buf, len, "at rest, get %zu of %zu returned NULL", got + 1, n);
    else if (dup || held)
        snprintf(buf, len, "at rest, %zu double hand-outs among %zu objects taken at once",
                 dup + held, n);
    else
        return NULL;
    return buf;
}

static void churn_teardown(ct_bench_state *st, void *shared)
{
    churn_run *r = shared;
    uint64_t gets = 0, puts = 0, held_at_get = 0, stolen = 0, enomem = 0;
    double rss_kib;
    char why[128];

    if (!r)
        return;
    for (unsigned t = 0; t < r->threads; t++) {
        gets += r->slots[t].gets;
        puts += r->slots[t].puts;
        held_at_get += r->slots[t].held_at_get;
        stolen += r->slots[t].stolen_at_put;
        enomem += r->slots[t].enomem;
    }
    rss_kib = ((double)ct_env_resident_bytes() - (double)r->rss_before) / 1024;
    if (enomem)
        ct_bench_error(st, "%s: %" PRIu64 " gets returned NULL", r->ops->desc.name, enomem);
    else if (held_at_get || stolen)
        ct_bench_error(st,
                       "%s: %" PRIu64 " double hand-outs (%" PRIu64 " gets found an object still "
                       "held, %" PRIu64 " puts found another holder's stamp)",
                       r->ops->desc.name, held_at_get + stolen, held_at_get, stolen);
    else if (gets != puts)
        ct_bench_error(st, "%s: %" PRIu64 " gets but %" PRIu64 " puts: objects not back",
                       r->ops->desc.name, gets, puts);
    else if (at_rest(r, why, sizeof why))
        ct_bench_error(st, "%s: %s", r->ops->desc.name, why);
    ct_bench_counter(st, "rss_growth_kib", rss_kib, CT_COUNTER_TOTAL);
    churn_free(r);
}

void ct_workload_objpool_register(const ct_bench_config *cfg)
{
    int threads[CT_SWEEP_MAX];
    const size_t nt = ct_bench_sweep_threads(threads, 1, cfg->quick ? CT_SWEEP_QUICK : 0);
    static const int64_t sizes[] = {64, 4096}, sizes_full[] = {64, 1024, 4096}, held[] = {16},
                         held_full[] = {1, 16, 256};
    char name[96];

    for (const ct_objpool_ops *const *o = ct_objpool_impls(); *o; o++) {
        ct_bench *b;

        snprintf(name, sizeof name, "objpool/churn/%s", (*o)->desc.name);
        b = ct_bench_register(&(ct_bench_def){.name = name,
                                              .run = churn_thread,
                                              .setup = churn_setup,
                                              .teardown = churn_teardown,
                                              .user = (void *)*o});
        if (!b)
            ct_die("%s: out of memory registering it", name);
        if (cfg->full) {
            ct_bench_param(b, "size", sizes_full, 3);
            ct_bench_param(b, "held", held_full, 3);
        } else {
            ct_bench_param(b, "size", sizes, 2);
            ct_bench_param(b, "held", held, 1);
        }
        ct_bench_thread_counts(b, threads, nt);
        ct_bench_time_budget(b, cfg->quick ? 0.25 : 0.5);
    }
}
