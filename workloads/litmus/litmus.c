/*
 * litmus.c: contend_litmus, memory-model litmus tests after jcstress.
 *
 * Two actor threads, pinned to two CPUs, run a litmus test over a batch of
 * fresh instances at a time (both start a batch together, then sweep it in
 * the same order), millions of times. Each instance's outcome is tallied and
 * graded for the memory order it used:
 *   ACCEPTABLE   allowed and unsurprising
 *   INTERESTING  allowed by C11 for this order (on x86 some never show up)
 *   FORBIDDEN    impossible under C11 for this order: seeing one is a bug
 *                (in the compiler, the CPU, or this harness) and fails the run
 *
 * Tests (x, y, data, flag start at 0):
 *   SB   store buffering  T0: x=1; r0=y      T1: y=1; r1=x      (0,0)?
 *   MP   message passing  T0: data=1; flag=1 T1: r0=flag; r1=data  (1,0)?
 *   LB   load buffering   T0: r0=x; y=1      T1: r1=y; x=1      (1,1)?
 *   INC  two increments   T0: x+=1           T1: x+=1           x==1?
 * each with relaxed, acquire/release and seq_cst atomics (INC: a load and a
 * store, against an atomic fetch_add). All accesses are C11 atomics: no data
 * race, no undefined behaviour, nothing for TSan to report.
 *
 * Usage: contend_litmus [--batches N] [--json FILE]; exit 1 if FORBIDDEN seen.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { BATCH = 4096, MAX_OUTCOMES = 4 };
enum { ACCEPTABLE, INTERESTING, FORBIDDEN };
static const char *const grade_name[] = {"ACCEPTABLE", "INTERESTING", "FORBIDDEN"};

/* One instance: its shared locations and what each actor observed. */
typedef struct {
    _Atomic int x, y;
    int r0, r1;
} inst;

typedef struct litmus litmus;
struct litmus {
    const char *test, *order, *what;
    void (*actor[2])(inst *);
    int (*outcome)(const inst *); /* index into outcomes */
    const char *outcome_name[MAX_OUTCOMES];
    int grade[MAX_OUTCOMES];
    unsigned long long tally[MAX_OUTCOMES];
};

/* ---- the tests, one actor pair per memory order ------------------------------
 * In MP, x stands for data and y for flag. */
#define LOAD(p, o) atomic_load_explicit(p, o)
#define STORE(p, v, o) atomic_store_explicit(p, v, o)
#define RLX memory_order_relaxed
#define ACQ memory_order_acquire
#define REL memory_order_release
#define SC memory_order_seq_cst

/* SB: each stores its flag, then loads the other's. */
static void sb_rlx_0(inst *i)
{
    STORE(&i->x, 1, RLX);
    i->r0 = LOAD(&i->y, RLX);
}
static void sb_rlx_1(inst *i)
{
    STORE(&i->y, 1, RLX);
    i->r1 = LOAD(&i->x, RLX);
}
/* release store, acquire load: pairs T0's store of x with T1's load of x */
static void sb_ar_0(inst *i)
{
    STORE(&i->x, 1, REL);
    i->r0 = LOAD(&i->y, ACQ);
}
static void sb_ar_1(inst *i)
{
    STORE(&i->y, 1, REL);
    i->r1 = LOAD(&i->x, ACQ);
}
/* seq_cst: one total order of all four accesses forbids (0,0) */
static void sb_sc_0(inst *i)
{
    STORE(&i->x, 1, SC);
    i->r0 = LOAD(&i->y, SC);
}
static void sb_sc_1(inst *i)
{
    STORE(&i->y, 1, SC);
    i->r1 = LOAD(&i->x, SC);
}
static int sb_outcome(const inst *i)
{
    return i->r0 * 2 + i->r1;
}

/* MP: T0 writes data then raises flag; T1 reads flag then data. */
static void mp_rlx_0(inst *i)
{
    STORE(&i->x, 1, RLX);
    STORE(&i->y, 1, RLX);
}
static void mp_rlx_1(inst *i)
{
    i->r0 = LOAD(&i->y, RLX);
    i->r1 = LOAD(&i->x, RLX);
}
/* release flag store pairs with the acquire flag load */
static void mp_ar_0(inst *i)
{
    STORE(&i->x, 1, RLX);
    STORE(&i->y, 1, REL);
}
static void mp_ar_1(inst *i)
{
    i->r0 = LOAD(&i->y, ACQ);
    i->r1 = LOAD(&i->x, RLX);
}
static void mp_sc_0(inst *i)
{
    STORE(&i->x, 1, SC);
    STORE(&i->y, 1, SC);
}
static void mp_sc_1(inst *i)
{
    i->r0 = LOAD(&i->y, SC);
    i->r1 = LOAD(&i->x, SC);
}
static int mp_outcome(const inst *i)
{
    return i->r0 * 2 + i->r1;
}

/* LB: each loads the other's location, then stores its own. */
static void lb_rlx_0(inst *i)
{
    i->r0 = LOAD(&i->x, RLX);
    STORE(&i->y, 1, RLX);
}
static void lb_rlx_1(inst *i)
{
    i->r1 = LOAD(&i->y, RLX);
    STORE(&i->x, 1, RLX);
}
/* acquire loads, release stores: each store pairs with the other's load */
static void lb_ar_0(inst *i)
{
    i->r0 = LOAD(&i->x, ACQ);
    STORE(&i->y, 1, REL);
}
static void lb_ar_1(inst *i)
{
    i->r1 = LOAD(&i->y, ACQ);
    STORE(&i->x, 1, REL);
}
static void lb_sc_0(inst *i)
{
    i->r0 = LOAD(&i->x, SC);
    STORE(&i->y, 1, SC);
}
static void lb_sc_1(inst *i)
{
    i->r1 = LOAD(&i->y, SC);
    STORE(&i->x, 1, SC);
}
static int lb_outcome(const inst *i)
{
    return i->r0 * 2 + i->r1;
}

/* INC: a racy read-modify-write (two atomic accesses, no atomicity between
 * them) against one atomic RMW. */
static void inc_split(inst *i)
{
    STORE(&i->x, LOAD(&i->x, RLX) + 1, RLX);
}
static void inc_split_sc(inst *i)
{
    STORE(&i->x, LOAD(&i->x, SC) + 1, SC);
}
static void inc_rmw(inst *i)
{
    atomic_fetch_add_explicit(&i->x, 1, RLX);
}
static int inc_outcome(const inst *i)
{
    return LOAD(&i->x, RLX) == 2 ? 1 : 0;
}

#define XY                                                                                         \
    {                                                                                              \
        "(0,0)", "(0,1)", "(1,0)", "(1,1)"                                                         \
    }
static litmus tests[] = {
    {"SB",
     "relaxed",
     "store buffering: both loads miss the other's store",
     {sb_rlx_0, sb_rlx_1},
     sb_outcome,
     XY,
     {INTERESTING, ACCEPTABLE, ACCEPTABLE, ACCEPTABLE},
     {0}},
    {"SB",
     "acq_rel",
     "store buffering: release/acquire does not order a store before a later load",
     {sb_ar_0, sb_ar_1},
     sb_outcome,
     XY,
     {INTERESTING, ACCEPTABLE, ACCEPTABLE, ACCEPTABLE},
     {0}},
    {"SB",
     "seq_cst",
     "store buffering: forbidden by the single total order",
     {sb_sc_0, sb_sc_1},
     sb_outcome,
     XY,
     {FORBIDDEN, ACCEPTABLE, ACCEPTABLE, ACCEPTABLE},
     {0}},
    {"MP",
     "relaxed",
     "message passing: flag seen, data not (allowed; never on x86's TSO)",
     {mp_rlx_0, mp_rlx_1},
     mp_outcome,
     XY,
     {ACCEPTABLE, ACCEPTABLE, INTERESTING, ACCEPTABLE},
     {0}},
    {"MP",
     "acq_rel",
     "message passing: the acquire sees the released data",
     {mp_ar_0, mp_ar_1},
     mp_outcome,
     XY,
     {ACCEPTABLE, ACCEPTABLE, FORBIDDEN, ACCEPTABLE},
     {0}},
    {"MP",
     "seq_cst",
     "message passing under seq_cst",
     {mp_sc_0, mp_sc_1},
     mp_outcome,
     XY,
     {ACCEPTABLE, ACCEPTABLE, FORBIDDEN, ACCEPTABLE},
     {0}},
    {"LB",
     "relaxed",
     "load buffering: both loads see the later stores (allowed; never on x86)",
     {lb_rlx_0, lb_rlx_1},
     lb_outcome,
     XY,
     {ACCEPTABLE, ACCEPTABLE, ACCEPTABLE, INTERESTING},
     {0}},
    {"LB",
     "acq_rel",
     "load buffering: a happens-before cycle, forbidden",
     {lb_ar_0, lb_ar_1},
     lb_outcome,
     XY,
     {ACCEPTABLE, ACCEPTABLE, ACCEPTABLE, FORBIDDEN},
     {0}},
    {"LB",
     "seq_cst",
     "load buffering under seq_cst",
     {lb_sc_0, lb_sc_1},
     lb_outcome,
     XY,
     {ACCEPTABLE, ACCEPTABLE, ACCEPTABLE, FORBIDDEN},
     {0}},
    {"INC",
     "relaxed",
     "x = x + 1 as a load and a store: an increment lost",
     {inc_split, inc_split},
     inc_outcome,
     {"x=1", "x=2"},
     {INTERESTING, ACCEPTABLE},
     {0}},
    {"INC",
     "seq_cst",
     "x = x + 1 as a seq_cst load and store: still not atomic",
     {inc_split_sc, inc_split_sc},
     inc_outcome,
     {"x=1", "x=2"},
     {INTERESTING, ACCEPTABLE},
     {0}},
    {"INC",
     "rmw",
     "atomic fetch_add: no increment lost",
     {inc_rmw, inc_rmw},
     inc_outcome,
     {"x=1", "x=2"},
     {FORBIDDEN, ACCEPTABLE},
     {0}},
};
enum { NTESTS = sizeof tests / sizeof tests[0] };

/* ---- the two actors and their batch barrier ----------------------------------- */

static struct {
    _Atomic unsigned long round; /* the batch both actors run next */
    _Atomic int ready[2];        /* actor i has finished round `ready[i]` */
    litmus *t;
    inst *batch;
    _Atomic int stop;
} g;

/* Spin, so that both actors leave the start line within a cache-line
 * transfer of each other (or the batches would run one after the other and
 * hide every interesting outcome); yield now and then, because the driver
 * needs a CPU between batches and a small machine may have only one. */
static void spin_until(_Atomic unsigned long *v, unsigned long want)
{
    /* acquire: pairs with the release store of the round by the driver */
    for (unsigned n = 1; atomic_load_explicit(v, memory_order_acquire) < want; n++) {
        if (n % 4096 == 0)
            sched_yield();
        else
            __asm__ __volatile__("pause" ::: "memory");
    }
}

static void *actor(void *arg)
{
    int me = (int)(long)arg;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(me % (int)sysconf(_SC_NPROCESSORS_ONLN), &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    for (unsigned long round = 1;; round++) {
        spin_until(&g.round, round);
        /* relaxed: stop is written before the round it ends is published */
        if (atomic_load_explicit(&g.stop, memory_order_relaxed))
            return NULL;
        void (*f)(inst *) = g.t->actor[me];
        for (int k = 0; k < BATCH; k++)
            f(&g.batch[k]);
        /* release: pairs with the driver's acquire; publishes r0/r1 */
        atomic_store_explicit(&g.ready[me], (int)round, memory_order_release);
    }
}

static void run(litmus *t, long batches, unsigned long *round)
{
    g.t = t;
    for (long b = 0; b < batches; b++) {
        memset(g.batch, 0, sizeof(inst) * BATCH); /* fresh instances; actors are waiting */
        ++*round;
        /* release: pairs with the actors' acquire in spin_until; publishes the batch */
        atomic_store_explicit(&g.round, *round, memory_order_release);
        for (int a = 0; a < 2; a++)
            /* acquire: pairs with the actor's release of ready */
            while (atomic_load_explicit(&g.ready[a], memory_order_acquire) != (int)*round)
                sched_yield();
        for (int k = 0; k < BATCH; k++)
            t->tally[t->outcome(&g.batch[k])]++;
    }
}

int main(int argc, char **argv)
{
    long batches = 250; /* x 4096 instances = about a million per test */
    const char *json = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--batches") == 0 && i + 1 < argc)
            batches = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc)
            json = argv[++i];
        else {
            fprintf(stderr, "usage: contend_litmus [--batches N (1..100000)] [--json FILE]\n");
            return 2;
        }
    }
    if (batches < 1 || batches > 100000) {
        fprintf(stderr, "contend_litmus: --batches must be 1..100000\n");
        return 2;
    }
    g.batch = aligned_alloc(64, sizeof(inst) * BATCH);
    if (!g.batch)
        return 1;
    pthread_t th[2];
    for (long a = 0; a < 2; a++)
        pthread_create(&th[a], NULL, actor, (void *)a);
    unsigned long round = 0;
    for (int t = 0; t < NTESTS; t++)
        run(&tests[t], batches, &round);
    atomic_store_explicit(&g.stop, 1, memory_order_relaxed);
    /* release: pairs with spin_until; the actors then see stop */
    atomic_store_explicit(&g.round, round + 1, memory_order_release);
    for (int a = 0; a < 2; a++)
        pthread_join(th[a], NULL);

    int forbidden = 0;
    FILE *jf = json ? fopen(json, "w") : NULL;
    if (json && !jf)
        perror(json);
    if (jf)
        fprintf(jf, "{\"instances_per_test\": %ld, \"tests\": [", batches * BATCH);
    printf("%-4s %-8s %-8s %12s  %s\n", "test", "order", "outcome", "count", "grade");
    for (int t = 0; t < NTESTS; t++) {
        litmus *l = &tests[t];
        if (jf)
            fprintf(jf,
                    "%s\n {\"test\": \"%s\", \"order\": \"%s\", \"what\": \"%s\", \"outcomes\": [",
                    t ? "," : "", l->test, l->order, l->what);
        for (int o = 0; o < MAX_OUTCOMES && l->outcome_name[o]; o++) {
            int seen_forbidden = l->grade[o] == FORBIDDEN && l->tally[o] > 0;
            forbidden += seen_forbidden;
            printf("%-4s %-8s %-8s %12llu  %s%s\n", l->test, l->order, l->outcome_name[o],
                   l->tally[o], grade_name[l->grade[o]], seen_forbidden ? "  <-- OBSERVED" : "");
            if (jf)
                fprintf(jf, "%s{\"outcome\": \"%s\", \"count\": %llu, \"grade\": \"%s\"}",
                        o ? ", " : "", l->outcome_name[o], l->tally[o], grade_name[l->grade[o]]);
        }
        if (jf)
            fprintf(jf, "]}");
    }
    if (jf) {
        fprintf(jf, "\n], \"forbidden_observed\": %d}\n", forbidden);
        fclose(jf);
    }
    free(g.batch);
    if (forbidden)
        fprintf(stderr, "contend_litmus: %d FORBIDDEN outcome(s) observed\n", forbidden);
    return forbidden ? 1 : 0;
}
