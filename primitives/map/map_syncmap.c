/*
 * map_syncmap.c: `syncmap`, Go's sync.Map in C: a read-only map that gets,
 * and updates of keys already in it, use without a lock, beside a dirty map
 * under a mutex that holds every key (new ones too).
 *
 *   read    an atomically published struct ro {table, amended}: the table
 *           never changes once published; amended says the dirty map holds
 *           keys the table lacks. Keys map to entries.
 *   entry   the cell of one key, shared by the read and the dirty map: an
 *           atomic pointer p to an immutable box holding the value, or NULL
 *           (deleted), or EXPUNGED (deleted and left out of the dirty map).
 *           A put on a key of the read map swaps p without a lock; a delete
 *           sets it to NULL (deletion by marking: the key stays).
 *   dirty   a table under mu with every live key; built from the read map
 *           when the first new key arrives (entries whose p is NULL are then
 *           marked EXPUNGED and left out), and promoted to be the next read
 *           map, in one pointer store, once the lookups that missed the read
 *           map and went to it (misses) reach its size.
 *
 * Reclamation: what a lock-free reader can hold (boxes, entries, the ro
 * records and the tables of old read maps) is freed through liburcu's
 * call_rcu (urcu-memb, as the rwlock family's RCU designs) after a grace
 * period; every operation runs inside an RCU read section, so nothing it
 * found is freed under it. Go has its garbage collector for this; C pays
 * a call_rcu per replaced value. When a read map is promoted away, its
 * EXPUNGED entries (exactly those the new one lacks: an entry is un-expunged
 * only under mu, into the dirty map) are freed with it (listed by one more
 * walk of the old table than Go's promotion makes); an entry a delete
 * takes out of the dirty map (a key the read map lacks) is freed by that
 * delete. Each instance has its own call_rcu thread, and counts what it
 * has retired and not yet freed; ct_map_free waits for that count to reach 0
 * before freeing the rest.
 *
 * The mutex is taken inside the read section: allowed, since no holder of
 * mu ever waits for a grace period (all reclamation is call_rcu).
 * Values, entries and tables are published with C11 release/acquire
 * (release stores or CASes of p and of read, acquire loads); TSan cannot
 * see a grace period, so readers release the shared grace-period token as
 * they leave and the callbacks acquire it before they free
 * (ct_urcu_internal.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "ct_futex.h" /* ct_yield_cpu */
#include "ct_tsan.h"
#include "ct_urcu_internal.h"
#include "map_internal.h"

#ifdef CT_HAVE_URCU
#include <urcu/urcu-memb.h>

struct ct__map_syncmap;

struct box {
    struct rcu_head head;        /* call_rcu's link */
    struct ct__map_syncmap *own; /* whose pending count the free lowers */
    uint64_t value;
};

struct entry {
    struct rcu_head head;        /* call_rcu's link */
    struct ct__map_syncmap *own; /* whose pending count the free lowers */
    _Atomic(struct box *) p;     /* a box, NULL (deleted) or EXPUNGED */
    struct entry *grave_next;    /* in a retired read map's list of expunged entries */
};

struct ro {
    struct rcu_head head;        /* call_rcu's link */
    struct ct__map_syncmap *own; /* whose pending count the free lowers */
    ct__map_table *m;            /* key -> struct entry *, immutable once published */
    bool amended;                /* the dirty map has keys m lacks */
    bool retire_table;           /* when freed: free m too, and graves */
    struct entry *graves;        /* m's EXPUNGED entries, freed with it */
};

struct ct__map_syncmap {
    ct_map base; /* first: the header ct_map_new fills in */
    CT_CACHE_ALIGNED _Atomic(struct ro *) read;
    CT_CACHE_ALIGNED pthread_mutex_t mu;
    ct__map_table *dirty;       /* guarded by mu; NULL when the read map is complete */
    size_t misses;              /* guarded by mu */
    struct call_rcu_data *crdp; /* this instance's reclaimer thread */
    CT_CACHE_ALIGNED _Atomic uint64_t pending; /* retired, not yet freed */
};

/* p's third state: deleted, and not in the dirty map. */
static char expunged_marker;
#define EXPUNGED ((struct box *)(void *)&expunged_marker)

static inline struct ct__map_syncmap *sm_of(ct_map *m)
{
    return (struct ct__map_syncmap *)(void *)m;
}

static inline struct entry *as_entry(uint64_t v)
{
    return (struct entry *)(uintptr_t)v;
}

static inline struct entry *ro_find(const struct ro *r, uint64_t key)
{
    const ct__map_node *n = ct__map_table_find(r->m, key);

    return n ? as_entry(n->val) : NULL;
}

/* ---- reclamation --------------------------------------------------------- */

/* The last thing a callback does: o is not touched after it. */
static void freed_one(struct ct__map_syncmap *o)
{
    /* release: pairs with sm_destroy's acquire: the free happened-before */
    atomic_fetch_sub_explicit(&o->pending, 1, memory_order_release);
}

static void free_box(struct rcu_head *h)
{
    struct box *b = (struct box *)(void *)((char *)h - offsetof(struct box, head));
    struct ct__map_syncmap *o;

    CT_TSAN_ACQUIRE(&ct__urcu_gp_token); /* first: the grace period ordered every reader before */
    o = b->own;
    free(b);
    freed_one(o);
}

static void free_entry_now(struct entry *e)
{
    /* relaxed: the entry is no one else's any more (a grace period, or destroy) */
    struct box *p = atomic_load_explicit(&e->p, memory_order_relaxed);

    if (p && p != EXPUNGED)
        free(p);
    free(e);
}

static void free_entry(struct rcu_head *h)
{
    struct entry *e = (struct entry *)(void *)((char *)h - offsetof(struct entry, head));
    struct ct__map_syncmap *o;

    CT_TSAN_ACQUIRE(&ct__urcu_gp_token); /* first: the grace period ordered every reader before */
    o = e->own;
    free_entry_now(e);
    freed_one(o);
}

static void free_ro(struct rcu_head *h)
{
    struct ro *r = (struct ro *)(void *)((char *)h - offsetof(struct ro, head));
    struct ct__map_syncmap *o;

    CT_TSAN_ACQUIRE(&ct__urcu_gp_token); /* first: the grace period ordered every reader before */
    o = r->own;
    if (r->retire_table) {
        for (struct entry *e = r->graves, *next; e; e = next) {
            next = e->grave_next;
            free(e); /* EXPUNGED: no box */
        }
        ct__map_table_fini(r->m);
        free(r->m);
    }
    free(r);
    freed_one(o);
}

static void retire(struct ct__map_syncmap *m, struct rcu_head *h, void (*fn)(struct rcu_head *))
{
    /* relaxed: only destroy reads it, after every updater is done */
    atomic_fetch_add_explicit(&m->pending, 1, memory_order_relaxed);
    CT_TSAN_RELEASE(&ct__urcu_gp_token); /* the queue to the call_rcu thread is liburcu's */
    urcu_memb_set_thread_call_rcu_data(m->crdp);
    urcu_memb_call_rcu(h, fn);
}

/* ---- create, destroy ----------------------------------------------------- */

static struct ro *new_ro(struct ct__map_syncmap *m, ct__map_table *t, bool amended)
{
    struct ro *r = calloc(1, sizeof *r);

    if (!r)
        ct_die("map syncmap: out of memory for a read map");
    r->own = m;
    r->m = t;
    r->amended = amended;
    return r;
}

static ct_map *sm_create(size_t capacity_hint, unsigned max_threads)
{
    struct ct__map_syncmap *m = ct_alloc_aligned(sizeof *m);
    ct__map_table *t = calloc(1, sizeof *t);
    struct ro *r = calloc(1, sizeof *r);
    int err = ENOMEM;

    (void)max_threads;
    if (!m || !t || !r || ct__map_table_init(t, capacity_hint) != 0)
        goto fail;
    if ((err = pthread_mutex_init(&m->mu, NULL)) != 0)
        goto fail;
    if (!(m->crdp = urcu_memb_create_call_rcu_data(0, -1))) {
        pthread_mutex_destroy(&m->mu);
        err = EAGAIN; /* liburcu could not start its thread */
        goto fail;
    }
    r->own = m;
    r->m = t;
    atomic_init(&m->read, r); /* not atomic: published by the caller */
    atomic_init(&m->pending, 0);
    m->dirty = NULL;
    m->misses = 0;
    return &m->base;
fail:
    if (t)
        ct__map_table_fini(t);
    free(t);
    free(r);
    ct_free_aligned(m);
    errno = err;
    return NULL;
}

static void sm_destroy(ct_map *map)
{
    struct ct__map_syncmap *m = sm_of(map);
    /* relaxed: destroy runs alone (the synchronization table) */
    struct ro *r = atomic_load_explicit(&m->read, memory_order_relaxed);

    /* Every retired box, entry and read map freed: then the rest is ours.
     * Our own callbacks counted, not rcu_barrier(): that one waits for every
     * call_rcu of the process, and hands a completion between threads inside
     * liburcu, where TSan cannot see the order (as rwlock_rcu.c's destroy).
     * Teardown only: a poll, as liburcu's own call_rcu_data_free does.
     * acquire: pairs with freed_one's release. */
    while (atomic_load_explicit(&m->pending, memory_order_acquire) != 0)
        ct_yield_cpu();
    urcu_memb_call_rcu_data_free(m->crdp); /* stops its thread */
    if (m->dirty) {
        /* entries in both maps are freed once, with the read map's */
        for (size_t b = 0; b <= m->dirty->mask; b++)
            for (ct__map_node *n = m->dirty->buckets[b]; n; n = n->next)
                if (ro_find(r, n->key) != as_entry(n->val))
                    free_entry_now(as_entry(n->val));
        ct__map_table_fini(m->dirty);
        free(m->dirty);
    }
    for (size_t b = 0; b <= r->m->mask; b++)
        for (ct__map_node *n = r->m->buckets[b]; n; n = n->next)
            free_entry_now(as_entry(n->val));
    ct__map_table_fini(r->m);
    free(r->m);
    free(r);
    CT__MAP_PCHECK("syncmap", pthread_mutex_destroy(&m->mu));
    ct_free_aligned(m);
}

/* ---- entries ------------------------------------------------------------- */

static struct box *new_box(struct ct__map_syncmap *m, uint64_t value)
{
    struct box *b = malloc(sizeof *b);

    if (!b)
        ct_die("map syncmap: out of memory for a value");
    b->own = m;
    b->value = value;
    return b;
}

static struct entry *new_entry(struct ct__map_syncmap *m, struct box *b)
{
    struct entry *e = malloc(sizeof *e);

    if (!e)
        ct_die("map syncmap: out of memory for an entry");
    e->own = m;
    atomic_init(&e->p, b); /* not atomic: published under mu, or by the read map's release */
    e->grave_next = NULL;
    return e;
}

/* Swap in b unless e is expunged: true and *old (NULL: it was deleted). */
static bool try_swap(struct entry *e, struct box *b, struct box **old)
{
    /* acquire: pairs with the CAS or store that put the current box there */
    struct box *p = atomic_load_explicit(&e->p, memory_order_acquire);

    for (;;) {
        if (p == EXPUNGED)
            return false;
        /* acq_rel: release publishes b->value to getters' acquire loads;
         * acquire orders us after the writer of the box we replace */
        if (atomic_compare_exchange_weak_explicit(&e->p, &p, b, memory_order_acq_rel,
                                                  memory_order_acquire)) {
            *old = p;
            return true;
        }
    }
}

/* Under mu: an EXPUNGED entry becomes deleted (NULL), to go back in the dirty map. */
static bool unexpunge_locked(struct entry *e)
{
    struct box *p = EXPUNGED;

    /* relaxed: mu orders it against the only other writer of EXPUNGED */
    return atomic_compare_exchange_strong_explicit(&e->p, &p, NULL, memory_order_relaxed,
                                                   memory_order_relaxed);
}

/* Under mu: a deleted entry (NULL) becomes EXPUNGED; true when it is. */
static bool try_expunge_locked(struct entry *e)
{
    /* relaxed: only NULL and EXPUNGED matter here, no box is read */
    struct box *p = atomic_load_explicit(&e->p, memory_order_relaxed);

    while (p == NULL)
        /* relaxed: pairs with try_swap's CAS on the same word (one
         * modification order decides which one wins); publishes nothing */
        if (atomic_compare_exchange_weak_explicit(&e->p, &p, EXPUNGED, memory_order_relaxed,
                                                  memory_order_relaxed))
            return true;
    return p == EXPUNGED;
}

enum { LOADED, STORED, WAS_EXPUNGED };

/* Go's tryLoadOrStore: the value there, or b stored if it was deleted. */
static int try_load_or_store(struct entry *e, struct box *b, uint64_t *actual)
{
    /* acquire: pairs with the CAS or store that put the box there */
    struct box *p = atomic_load_explicit(&e->p, memory_order_acquire);

    for (;;) {
        if (p == EXPUNGED)
            return WAS_EXPUNGED;
        if (p) {
            *actual = p->value;
            return LOADED;
        }
        /* acq_rel: release publishes b->value; acquire reads a winner's box */
        if (atomic_compare_exchange_weak_explicit(&e->p, &p, b, memory_order_acq_rel,
                                                  memory_order_acquire)) {
            *actual = b->value;
            return STORED;
        }
    }
}

/* ---- the read map, under mu ---------------------------------------------- */

/* Publish a new read map in place of old; old is retired (with its table when
 * the new one replaces it, with its EXPUNGED entries in graves). */
static void publish_locked(struct ct__map_syncmap *m, struct ro *old, struct ro *r)
{
    /* release: pairs with the readers' acquire load: the table and entries are built */
    atomic_store_explicit(&m->read, r, memory_order_release);
    retire(m, &old->head, free_ro);
}

/* The dirty map, built from the read map if there is none (Go's dirtyLocked). */
static void dirty_locked(struct ct__map_syncmap *m, const struct ro *r)
{
    if (m->dirty)
        return;
    m->dirty = calloc(1, sizeof *m->dirty);
    if (!m->dirty || ct__map_table_init(m->dirty, r->m->count) != 0)
        ct_die("map syncmap: out of memory for the dirty map");
    for (size_t b = 0; b <= r->m->mask; b++)
        for (const ct__map_node *n = r->m->buckets[b]; n; n = n->next)
            if (!try_expunge_locked(as_entry(n->val)))
                ct__map_table_add(m->dirty, n->key, n->val);
}

/* A lookup missed the read map (Go's missLocked): enough of them, and the
 * dirty map becomes the read map. */
static void miss_locked(struct ct__map_syncmap *m)
{
    /* relaxed: mu orders every store of read */
    struct ro *old = atomic_load_explicit(&m->read, memory_order_relaxed);

    if (++m->misses < m->dirty->count)
        return;
    old->retire_table = true;
    for (size_t b = 0; b <= old->m->mask; b++)
        for (ct__map_node *n = old->m->buckets[b]; n; n = n->next) {
            struct entry *e = as_entry(n->val);

            /* relaxed: EXPUNGED is written and cleared under mu only */
            if (atomic_load_explicit(&e->p, memory_order_relaxed) == EXPUNGED) {
                e->grave_next = old->graves;
                old->graves = e;
            }
        }
    publish_locked(m, old, new_ro(m, m->dirty, false));
    m->dirty = NULL;
    m->misses = 0;
}

/* A new key: into the dirty map, which the read map then says it lacks. */
static void add_new_locked(struct ct__map_syncmap *m, struct ro *r, uint64_t key, struct box *b)
{
    if (!r->amended) {
        dirty_locked(m, r);
        publish_locked(m, r, new_ro(m, r->m, true));
    }
    ct__map_table_add(m->dirty, key, (uint64_t)(uintptr_t)new_entry(m, b));
}

static inline struct ro *load_read(struct ct__map_syncmap *m)
{
    /* acquire: pairs with publish_locked's release store */
    return atomic_load_explicit(&m->read, memory_order_acquire);
}

/* ---- the verbs ----------------------------------------------------------- */

static int sm_get(ct_map *map, unsigned tid, uint64_t key, uint64_t *value)
{
    struct ct__map_syncmap *m = sm_of(map);
    struct ro *r;
    struct entry *e;
    struct box *p;
    int found = 0;

    (void)tid;
    ct__urcu_ensure_registered();
    urcu_memb_read_lock();
    r = load_read(m);
    e = ro_find(r, key);
    if (!e && r->amended) {
        CT__MAP_PCHECK("syncmap", pthread_mutex_lock(&m->mu));
        r = load_read(m); /* promoted meanwhile? */
        e = ro_find(r, key);
        if (!e && r->amended) {
            const ct__map_node *n = ct__map_table_find(m->dirty, key);

            e = n ? as_entry(n->val) : NULL;
            miss_locked(m); /* found or not: a miss */
        }
        CT__MAP_PCHECK("syncmap", pthread_mutex_unlock(&m->mu));
    }
    if (e) {
        /* acquire: pairs with the CAS or store that published the box */
        p = atomic_load_explicit(&e->p, memory_order_acquire);
        if (p && p != EXPUNGED) {
            *value = p->value;
            found = 1;
        }
    }
    CT_TSAN_RELEASE(&ct__urcu_gp_token); /* the grace period orders this before a free */
    urcu_memb_read_unlock();
    return found;
}

static int sm_put(ct_map *map, unsigned tid, uint64_t key, uint64_t value)
{
    struct ct__map_syncmap *m = sm_of(map);
    struct box *b = new_box(m, value), *old = NULL;
    struct ro *r;
    struct entry *e;

    (void)tid;
    ct__urcu_ensure_registered();
    urcu_memb_read_lock();
    r = load_read(m);
    e = ro_find(r, key);
    if (!e || !try_swap(e, b, &old)) {
        const ct__map_node *n;

        CT__MAP_PCHECK("syncmap", pthread_mutex_lock(&m->mu));
        r = load_read(m);
        e = ro_find(r, key);
        if (e) {
            if (unexpunge_locked(e))
                ct__map_table_add(m->dirty, key, (uint64_t)(uintptr_t)e);
            /* acq_rel: as try_swap's CAS */
            old = atomic_exchange_explicit(&e->p, b, memory_order_acq_rel);
        } else if (m->dirty && (n = ct__map_table_find(m->dirty, key)) != NULL) {
            /* acq_rel: as try_swap's CAS */
            old = atomic_exchange_explicit(&as_entry(n->val)->p, b, memory_order_acq_rel);
        } else {
            add_new_locked(m, r, key, b);
        }
        CT__MAP_PCHECK("syncmap", pthread_mutex_unlock(&m->mu));
    }
    CT_TSAN_RELEASE(&ct__urcu_gp_token); /* the grace period orders this before a free */
    urcu_memb_read_unlock();
    if (old)
        retire(m, &old->head, free_box);
    return old == NULL;
}

static int sm_del(ct_map *map, unsigned tid, uint64_t key)
{
    struct ct__map_syncmap *m = sm_of(map);
    struct entry *e, *owned = NULL;
    struct box *p;
    struct ro *r;
    int deleted = 0;

    (void)tid;
    ct__urcu_ensure_registered();
    urcu_memb_read_lock();
    r = load_read(m);
    e = ro_find(r, key);
    if (!e && r->amended) {
        CT__MAP_PCHECK("syncmap", pthread_mutex_lock(&m->mu));
        r = load_read(m);
        e = ro_find(r, key);
        if (!e && r->amended) {
            uint64_t v;

            /* a key only the dirty map has: its entry leaves both maps, ours to free */
            if (ct__map_table_remove(m->dirty, key, &v))
                e = owned = as_entry(v);
            miss_locked(m);
        }
        CT__MAP_PCHECK("syncmap", pthread_mutex_unlock(&m->mu));
    }
    if (e) {
        /* acquire: pairs with the CAS or store that published the box */
        p = atomic_load_explicit(&e->p, memory_order_acquire);
        while (p && p != EXPUNGED)
            /* acq_rel: acquire orders us after the box's writer (we retire
             * it); release orders the deletion for later CASes */
            if (atomic_compare_exchange_weak_explicit(&e->p, &p, NULL, memory_order_acq_rel,
                                                      memory_order_acquire)) {
                retire(m, &p->head, free_box);
                deleted = 1;
                break;
            }
    }
    CT_TSAN_RELEASE(&ct__urcu_gp_token); /* the grace period orders this before a free */
    urcu_memb_read_unlock();
    if (owned)
        retire(m, &owned->head, free_entry);
    return deleted;
}

static int sm_load_or_store(ct_map *map, unsigned tid, uint64_t key, uint64_t value,
                            uint64_t *actual)
{
    struct ct__map_syncmap *m = sm_of(map);
    struct box *b = new_box(m, value);
    struct ro *r;
    struct entry *e;
    int st = WAS_EXPUNGED;

    (void)tid;
    ct__urcu_ensure_registered();
    urcu_memb_read_lock();
    r = load_read(m);
    e = ro_find(r, key);
    if (e)
        st = try_load_or_store(e, b, actual);
    if (st == WAS_EXPUNGED) {
        const ct__map_node *n;

        CT__MAP_PCHECK("syncmap", pthread_mutex_lock(&m->mu));
        r = load_read(m);
        e = ro_find(r, key);
        if (e) {
            if (unexpunge_locked(e))
                ct__map_table_add(m->dirty, key, (uint64_t)(uintptr_t)e);
            st = try_load_or_store(e, b, actual);
        } else if (r->amended && (n = ct__map_table_find(m->dirty, key)) != NULL) {
            st = try_load_or_store(as_entry(n->val), b, actual);
            miss_locked(m);
        } else {
            add_new_locked(m, r, key, b);
            *actual = value;
            st = STORED;
        }
        CT__MAP_PCHECK("syncmap", pthread_mutex_unlock(&m->mu));
    }
    CT_TSAN_RELEASE(&ct__urcu_gp_token); /* the grace period orders this before a free */
    urcu_memb_read_unlock();
    if (st != STORED)
        free(b); /* never published */
    return st == LOADED;
}

#define SM_UNAVAILABLE NULL
#else /* !CT_HAVE_URCU: built as unavailable, saying how to get it */
static ct_map *sm_create(size_t capacity_hint, unsigned max_threads)
{
    (void)capacity_hint;
    (void)max_threads;
    errno = ENOSYS;
    return NULL;
}
#define sm_destroy NULL
#define sm_get NULL
#define sm_put NULL
#define sm_del NULL
#define sm_load_or_store NULL
#define SM_UNAVAILABLE "liburcu-dev missing at build time: run scripts/deps.sh"
#endif

const ct_map_ops ct_map_syncmap = {
    .desc = {.name = "syncmap",
             .summary = "Go's sync.Map: a lock-free read-only map, a locked dirty map, RCU",
             .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC,
             .unavailable = SM_UNAVAILABLE},
    .create = sm_create,
    .destroy = sm_destroy,
    .get = sm_get,
    .put = sm_put,
    .del = sm_del,
    .load_or_store = sm_load_or_store,
};
