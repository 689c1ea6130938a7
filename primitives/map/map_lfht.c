/*
 * map_lfht.c: `lfht`, liburcu's lock-free resizable hash table (cds_lfht,
 * rculfhash; Debian's liburcu-dev), the outside peer: lookups inside an RCU
 * read section never wait and write nothing shared; updates are lock-free
 * (compare-and-swap on the bucket chains, split-ordered lists).
 *
 *   get            a lookup; the node's key and value never change once added
 *   put            a new node through cds_lfht_add_replace (it replaces the
 *                  old node of the key atomically, or adds); the old one is
 *                  freed with call_rcu
 *   delete         a lookup, then cds_lfht_del; when another update removed
 *                  or replaced the node first, look again
 *   load_or_store  a new node through cds_lfht_add_unique, which returns the
 *                  key's node if there is one (ours is then freed at once,
 *                  never published): uniqueness holds against add_replace too
 *
 * The buckets are fixed at the power of two at or above capacity_hint (no
 * CDS_LFHT_AUTO_RESIZE: its resize worker would be one more thread per
 * process, and the workloads size the map to their key range).
 * urcu-memb flavour and the process's one thread registration, as rwlock's
 * RCU designs (ct_urcu_internal.h); each instance its own call_rcu thread
 * and its count of nodes retired and not yet freed, which ct_map_free waits
 * to see reach 0.
 *
 * liburcu's code is not instrumented, so TSan cannot see that adding a node
 * publishes it: we CT_TSAN_RELEASE the node before adding it and
 * CT_TSAN_ACQUIRE it where we read one (the match function, and after a
 * lookup); frees are ordered after the readers by the grace-period token.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "ct_futex.h" /* ct_yield_cpu */
#include "ct_tsan.h"
#include "ct_urcu_internal.h"
#include "map_internal.h"

#ifdef CT_HAVE_URCU_CDS
#include <urcu/urcu-memb.h> /* the flavour, before rculfhash.h */
#include <urcu/rculfhash.h>

struct ct__map_lfht;

struct lnode {
    struct cds_lfht_node node; /* the table's link */
    struct rcu_head head;      /* call_rcu's link */
    struct ct__map_lfht *own;  /* whose pending count the free lowers */
    struct lnode *dead;        /* destroy's list */
    uint64_t key;
    uint64_t value;
};

struct ct__map_lfht {
    ct_map base; /* first: the header ct_map_new fills in */
    struct cds_lfht *ht;
    struct call_rcu_data *crdp;                /* this instance's reclaimer thread */
    CT_CACHE_ALIGNED _Atomic uint64_t pending; /* retired, not yet freed */
};

static inline struct ct__map_lfht *lf_of(ct_map *m)
{
    return (struct ct__map_lfht *)(void *)m;
}

static inline struct lnode *lnode_of(struct cds_lfht_node *n)
{
    return (struct lnode *)(void *)((char *)n - offsetof(struct lnode, node));
}

static int match(struct cds_lfht_node *node, const void *key)
{
    struct lnode *n = lnode_of(node);

    CT_TSAN_ACQUIRE(n); /* pairs with new_node's release: added through liburcu */
    return n->key == *(const uint64_t *)key;
}

static struct lnode *new_node(struct ct__map_lfht *m, uint64_t key, uint64_t value)
{
    struct lnode *n = malloc(sizeof *n);

    if (!n)
        ct_die("map lfht: out of memory for a node");
    cds_lfht_node_init(&n->node);
    n->own = m;
    n->key = key;
    n->value = value;
    n->dead = NULL;
    CT_TSAN_RELEASE(n); /* pairs with match's acquire: liburcu publishes it */
    return n;
}

static void free_node(struct rcu_head *h)
{
    struct lnode *n = (struct lnode *)(void *)((char *)h - offsetof(struct lnode, head));
    struct ct__map_lfht *o;

    CT_TSAN_ACQUIRE(&ct__urcu_gp_token); /* first: the grace period ordered every reader before */
    o = n->own;
    free(n);
    /* release: pairs with lf_destroy's acquire; o is not touched after this */
    atomic_fetch_sub_explicit(&o->pending, 1, memory_order_release);
}

static void retire(struct ct__map_lfht *m, struct lnode *n)
{
    /* relaxed: only destroy reads it, after every updater is done */
    atomic_fetch_add_explicit(&m->pending, 1, memory_order_relaxed);
    CT_TSAN_RELEASE(&ct__urcu_gp_token); /* the queue to the call_rcu thread is liburcu's */
    urcu_memb_set_thread_call_rcu_data(m->crdp);
    urcu_memb_call_rcu(&n->head, free_node);
}

static ct_map *lf_create(size_t capacity_hint, unsigned max_threads)
{
    struct ct__map_lfht *m = ct_alloc_aligned(sizeof *m);
    unsigned long buckets = 16;

    (void)max_threads;
    if (!m)
        return NULL;
    atomic_init(&m->pending, 0);
    while (buckets < capacity_hint && buckets < (1ul << 30))
        buckets <<= 1;
    m->ht = cds_lfht_new_flavor(buckets, buckets, 0, 0, &urcu_memb_flavor, NULL);
    if (!m->ht) {
        ct_free_aligned(m);
        errno = ENOMEM;
        return NULL;
    }
    if (!(m->crdp = urcu_memb_create_call_rcu_data(0, -1))) {
        ct__urcu_ensure_registered();
        if (cds_lfht_destroy(m->ht, NULL) != 0)
            ct_die("map lfht: cds_lfht_destroy failed on an empty table");
        ct_free_aligned(m);
        errno = EAGAIN; /* liburcu could not start its thread */
        return NULL;
    }
    return &m->base;
}

static void lf_destroy(ct_map *map)
{
    struct ct__map_lfht *m = lf_of(map);
    struct cds_lfht_iter it;
    struct cds_lfht_node *node;
    struct lnode *dead = NULL;

    ct__urcu_ensure_registered();
    /* destroy runs alone: every node out, then freed (no reader can hold one) */
    urcu_memb_read_lock();
    cds_lfht_for_each(m->ht, &it, node)
    {
        if (cds_lfht_del(m->ht, node) == 0) {
            lnode_of(node)->dead = dead;
            dead = lnode_of(node);
        }
    }
    urcu_memb_read_unlock();
    while (dead) {
        struct lnode *next = dead->dead;

        free(dead);
        dead = next;
    }
    /* every retired node freed: our own callbacks counted, not rcu_barrier()
     * (see map_syncmap.c's destroy); acquire: pairs with free_node's release */
    while (atomic_load_explicit(&m->pending, memory_order_acquire) != 0)
        ct_yield_cpu();
    urcu_memb_call_rcu_data_free(m->crdp);
    if (cds_lfht_destroy(m->ht, NULL) != 0)
        ct_die("map lfht: cds_lfht_destroy failed after emptying the table");
    ct_free_aligned(m);
}

static int lf_get(ct_map *map, unsigned tid, uint64_t key, uint64_t *value)
{
    struct ct__map_lfht *m = lf_of(map);
    struct cds_lfht_iter it;
    struct cds_lfht_node *node;
    int found = 0;

    (void)tid;
    ct__urcu_ensure_registered();
    urcu_memb_read_lock();
    cds_lfht_lookup(m->ht, (unsigned long)ct__map_hash(key), match, &key, &it);
    if ((node = cds_lfht_iter_get_node(&it)) != NULL) {
        CT_TSAN_ACQUIRE(lnode_of(node)); /* pairs with new_node's release */
        *value = lnode_of(node)->value;
        found = 1;
    }
    CT_TSAN_RELEASE(&ct__urcu_gp_token); /* the grace period orders this before a free */
    urcu_memb_read_unlock();
    return found;
}

static int lf_put(ct_map *map, unsigned tid, uint64_t key, uint64_t value)
{
    struct ct__map_lfht *m = lf_of(map);
    struct lnode *n = new_node(m, key, value);
    struct cds_lfht_node *old;

    (void)tid;
    ct__urcu_ensure_registered();
    urcu_memb_read_lock();
    old = cds_lfht_add_replace(m->ht, (unsigned long)ct__map_hash(key), match, &key, &n->node);
    CT_TSAN_RELEASE(&ct__urcu_gp_token); /* the grace period orders this before a free */
    urcu_memb_read_unlock();
    if (old)
        retire(m, lnode_of(old));
    return old == NULL;
}

static int lf_del(ct_map *map, unsigned tid, uint64_t key)
{
    struct ct__map_lfht *m = lf_of(map);
    struct cds_lfht_iter it;
    struct cds_lfht_node *node;
    unsigned long hash = (unsigned long)ct__map_hash(key);

    (void)tid;
    ct__urcu_ensure_registered();
    urcu_memb_read_lock();
    for (;;) {
        cds_lfht_lookup(m->ht, hash, match, &key, &it);
        node = cds_lfht_iter_get_node(&it);
        if (!node || cds_lfht_del(m->ht, node) == 0)
            break;
        /* removed or replaced by another update first: the key's node now, if any */
    }
    CT_TSAN_RELEASE(&ct__urcu_gp_token); /* the grace period orders this before a free */
    urcu_memb_read_unlock();
    if (node)
        retire(m, lnode_of(node));
    return node != NULL;
}

static int lf_load_or_store(ct_map *map, unsigned tid, uint64_t key, uint64_t value,
                            uint64_t *actual)
{
    struct ct__map_lfht *m = lf_of(map);
    struct lnode *n = new_node(m, key, value);
    struct cds_lfht_node *got;
    int loaded;

    (void)tid;
    ct__urcu_ensure_registered();
    urcu_memb_read_lock();
    got = cds_lfht_add_unique(m->ht, (unsigned long)ct__map_hash(key), match, &key, &n->node);
    loaded = got != &n->node;
    if (loaded)
        CT_TSAN_ACQUIRE(lnode_of(got)); /* pairs with new_node's release */
    *actual = lnode_of(got)->value;
    CT_TSAN_RELEASE(&ct__urcu_gp_token); /* the grace period orders this before a free */
    urcu_memb_read_unlock();
    if (loaded)
        free(n); /* never published */
    return loaded;
}

#define LF_UNAVAILABLE NULL
#else /* !CT_HAVE_URCU_CDS: built as unavailable, saying how to get it */
static ct_map *lf_create(size_t capacity_hint, unsigned max_threads)
{
    (void)capacity_hint;
    (void)max_threads;
    errno = ENOSYS;
    return NULL;
}
#define lf_destroy NULL
#define lf_get NULL
#define lf_put NULL
#define lf_del NULL
#define lf_load_or_store NULL
#define LF_UNAVAILABLE "liburcu-dev (liburcu-cds) missing at build time: run scripts/deps.sh"
#endif

const ct_map_ops ct_map_lfht = {
    .desc = {.name = "lfht",
             .summary = "liburcu's lock-free hash table (cds_lfht), RCU lookups, call_rcu",
             .caps = CT_CAP_EXACT | CT_CAP_LOCKFREE | CT_CAP_MPMC,
             .unavailable = LF_UNAVAILABLE},
    .create = lf_create,
    .destroy = lf_destroy,
    .get = lf_get,
    .put = lf_put,
    .del = lf_del,
    .load_or_store = lf_load_or_store,
};
