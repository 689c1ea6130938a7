/* rwlock_registry.c: the registry from rwlock_list.h, and the facade. */
#include "rwlock.h"

CT_REGISTRY_DEFINE(rwlock, CT_RWLOCK_LIST)

ct_rwlock *ct_rwlock_new(const char *impl, unsigned max_threads)
{
    long i = ct_registry_pick(ct_rwlock_descs(), impl, max_threads);
    const ct_rwlock_ops *o;
    ct_rwlock *l;

    if (i < 0)
        return NULL;
    o = ct_rwlock_impls()[i];
    l = o->create(max_threads);
    if (l)
        l->ops = o;
    return l;
}

void ct_rwlock_free(ct_rwlock *l)
{
    if (l)
        l->ops->destroy(l);
}
