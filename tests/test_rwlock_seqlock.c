/*
 * test_rwlock_seqlock.c: the seqlock's two races, forced instead of waited
 * for. rwlock_seqlock.c is compiled once more with CT_RWLOCK_TEST_HOOKS
 * (primitives/rwlock/rwlock_hooks_internal.h), which calls a hook:
 *
 *  seqlock/write_mid_copy     a reader has copied word 0 when a whole write
 *                             lands (the hook writes, on the reader's
 *                             thread): the reader must notice the changed
 *                             sequence and retry, never return words of two
 *                             records;
 *  seqlock/read_mid_publish   a writer has stored word 0 of the new record
 *                             when a reader on another thread reads: the
 *                             reader must not return while the publication
 *                             is half done (the hook watches it for
 *                             WATCH_NS), and then returns the new record.
 * The stress runs of test_rwlock_validate see these windows only by luck.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "ct_test.h"
#include "rwlock_hooks_internal.h"

#define WATCH_NS INT64_C(100000000)

struct ct_rwlock_test_hooks ct_rwlock_test_hooks;

static void add_one(ct_rwlock_rec *rec, void *arg)
{
    (void)arg;
    for (int i = 0; i < CT_RWLOCK_WORDS; i++)
        rec->w[i]++;
}

static bool whole(const ct_rwlock_rec *r, uint64_t v)
{
    for (int i = 0; i < CT_RWLOCK_WORDS; i++)
        if (r->w[i] != v)
            return false;
    return true;
}

/* ---- a write in the middle of a reader's copy --------------------------------- */

static int mid_copy_calls; /* the hook writes on its first call only */

static void write_now(ct_rwlock *l)
{
    if (mid_copy_calls++ == 0)
        ct_rwlock_write(l, 0, add_one, NULL);
}

static int test_write_mid_copy(void *arg)
{
    ct_rwlock *l = ct__rwlock_new_hooked(&ct_rwlock_seqlock_hooked, 1);
    ct_rwlock_rec snap;

    (void)arg;
    CT_CHECK(l != NULL);
    ct_rwlock_test_hooks.mid_copy = write_now;
    ct_rwlock_read(l, 0, &snap, NULL, NULL);
    ct_rwlock_test_hooks.mid_copy = NULL;
    /* Twice: the copy the write spoiled, and the retry. */
    if (mid_copy_calls != 2)
        ct_test_fail("the reader copied %d times, expected 2 (a retry after the write)",
                     mid_copy_calls);
    if (!whole(&snap, 1))
        ct_test_fail("a write landed mid-copy and the read returned %" PRIu64 " %" PRIu64
                     " %" PRIu64 " %" PRIu64 " (not the new record, all 1)",
                     snap.w[0], snap.w[1], snap.w[2], snap.w[3]);
    ct_rwlock_free(l);
    return 0;
}

/* ---- a reader in the middle of a publication ------------------------------------ */

struct publish {
    ct_rwlock *l;
    atomic_int go;       /* the hook asks the reader to read */
    atomic_int returned; /* the reader's read has returned */
    bool early;          /* it returned while the publication was half done */
    ct_rwlock_rec snap;
};

static struct publish pub;

static void watch_reader(ct_rwlock *l)
{
    int64_t end = ct_now_ns() + WATCH_NS;

    (void)l;
    /* release: pairs with the reader's acquire wait */
    atomic_store_explicit(&pub.go, 1, memory_order_release);
    while (ct_now_ns() < end)
        /* acquire: pairs with the reader's release store */
        if (atomic_load_explicit(&pub.returned, memory_order_acquire)) {
            pub.early = true;
            break;
        }
}

static void publish_thread(unsigned idx, void *arg)
{
    (void)arg;
    if (idx == 0) {
        ct_rwlock_write(pub.l, 0, add_one, NULL); /* the hook runs mid-publication */
        return;
    }
    /* acquire: pairs with the hook's release store */
    while (!atomic_load_explicit(&pub.go, memory_order_acquire))
        ct_cpu_relax();
    ct_rwlock_read(pub.l, 1, &pub.snap, NULL, NULL);
    /* release: pairs with the hook's acquire load */
    atomic_store_explicit(&pub.returned, 1, memory_order_release);
}

static int test_read_mid_publish(void *arg)
{
    (void)arg;
    pub.l = ct__rwlock_new_hooked(&ct_rwlock_seqlock_hooked, 2);
    CT_CHECK(pub.l != NULL);
    atomic_init(&pub.go, 0);
    atomic_init(&pub.returned, 0);
    ct_rwlock_test_hooks.mid_publish = watch_reader;
    ct_test_run_threads(2, publish_thread, NULL);
    ct_rwlock_test_hooks.mid_publish = NULL;
    if (pub.early)
        ct_test_fail("a read returned (%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
                     ") while a publication was half done",
                     pub.snap.w[0], pub.snap.w[1], pub.snap.w[2], pub.snap.w[3]);
    if (!whole(&pub.snap, 1))
        ct_test_fail("the read after the publication returned %" PRIu64 " %" PRIu64 " %" PRIu64
                     " %" PRIu64 " (not the new record, all 1)",
                     pub.snap.w[0], pub.snap.w[1], pub.snap.w[2], pub.snap.w[3]);
    ct_rwlock_free(pub.l);
    return 0;
}

int main(int argc, char **argv)
{
    static const ct_test_case cases[] = {
        {.name = "seqlock/write_mid_copy", .fn = test_write_mid_copy},
        {.name = "seqlock/read_mid_publish", .fn = test_read_mid_publish},
    };
    return ct_test_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
