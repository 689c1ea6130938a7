/* ct_hazard.c: hazard pointers: domains, retire and the scan (see ct_hazard.h). */
#include "ct_hazard.h"

#include <errno.h>
#include <stdlib.h>

_Noreturn void ct__hp_bad_index(const ct_hp_domain *d, unsigned tid, unsigned slot)
{
    ct_die("hazard pointers: tid %u / slot %u out of range (max_threads %u, slots %u)", tid, slot,
           d->max_threads, d->slots);
}

ct_hp_domain *ct_hp_create(unsigned max_threads, unsigned slots, ct_hp_reclaim_fn reclaim,
                           void *ctx)
{
    ct_hp_domain *d;
    size_t hazards;

    if (max_threads == 0 || max_threads > 4096 || slots == 0 || slots > CT_HP_MAX_SLOTS ||
        !reclaim) {
        errno = EINVAL;
        return NULL;
    }
    d = ct_alloc_aligned(sizeof *d);
    if (!d)
        return NULL;
    hazards = (size_t)max_threads * slots;
    /* At least twice the hazards: each scan then reclaims at least half the
     * list, so a retire costs O(1) amortized; and at least 256, so the scan's
     * membarrier is paid at most once per 256 retires. */
    d->threshold = 2 * hazards > 256 ? 2 * hazards : 256;
    ct_asymfence_init(); /* before any thread sets a hazard in d */
    d->max_threads = max_threads;
    d->slots = slots;
    d->reclaim = reclaim;
    d->ctx = ctx;
    d->recs = ct_alloc_aligned(sizeof *d->recs * max_threads);
    if (!d->recs)
        goto oom;
    for (unsigned t = 0; t < max_threads; t++) {
        ct_hp_rec *r = &d->recs[t];

        for (unsigned s = 0; s < CT_HP_MAX_SLOTS; s++)
            atomic_init(&r->slot[s], NULL); /* published by whatever shares d */
        /* Zeroed up front: pre-faulted, so the first scans take no page faults. */
        r->retired = ct_alloc_aligned(sizeof *r->retired * d->threshold);
        r->scratch = ct_alloc_aligned(sizeof *r->scratch * hazards);
        if (!r->retired || !r->scratch)
            goto oom;
    }
    return d;
oom:
    ct_hp_destroy(d);
    errno = ENOMEM;
    return NULL;
}

void ct_hp_destroy(ct_hp_domain *d)
{
    if (!d)
        return;
    if (d->recs) {
        for (unsigned t = 0; t < d->max_threads; t++) {
            ct_hp_rec *r = &d->recs[t];

            for (size_t i = 0; i < r->nretired; i++)
                d->reclaim(r->retired[i], 0, d->ctx);
            ct_free_aligned(r->retired);
            ct_free_aligned(r->scratch);
        }
        ct_free_aligned(d->recs);
    }
    ct_free_aligned(d);
}

static int ptr_cmp(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;

    return (x > y) - (x < y);
}

size_t ct_hp_scan(ct_hp_domain *d, unsigned tid)
{
    ct_hp_rec *me = ct__hp_rec(d, tid, 0);
    size_t nh = 0, kept = 0;

    /* pairs with ct_asymfence_light in ct_hp_set: every hazard set before
     * now is visible below, or its owner's re-read sees what we unlinked */
    ct_asymfence_heavy();
    /* Every hazard of every thread, this one's included (a thread may
     * retire a node it still protects in another slot). */
    for (unsigned t = 0; t < d->max_threads; t++)
        for (unsigned s = 0; s < d->slots; s++) {
            /* acquire: ordered against ct_hp_set by the heavy fence above;
             * acquires from the owner's later set/clear (release in
             * ct_hp_clear), so what the owner read under the hazard
             * happens-before the reclaim */
            void *h = atomic_load_explicit(&d->recs[t].slot[s], memory_order_acquire);

            if (h)
                me->scratch[nh++] = h;
        }
    if (nh > 1)
        qsort(me->scratch, nh, sizeof *me->scratch, ptr_cmp);
    for (size_t i = 0; i < me->nretired; i++) {
        void *p = me->retired[i];

        if (nh && bsearch(&p, me->scratch, nh, sizeof *me->scratch, ptr_cmp))
            me->retired[kept++] = p; /* protected: keep for a later scan */
        else
            d->reclaim(p, tid, d->ctx);
    }
    me->nretired = kept;
    return kept;
}

void ct_hp_retire(ct_hp_domain *d, unsigned tid, void *node)
{
    ct_hp_rec *me = ct__hp_rec(d, tid, 0);

    me->retired[me->nretired++] = node;
    if (me->nretired == d->threshold)
        ct_hp_scan(d, tid); /* leaves at most max_threads * slots < threshold */
}
