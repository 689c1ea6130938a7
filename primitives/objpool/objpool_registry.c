/* objpool_registry.c: the registry from objpool_list.h, and the facade. */
#include "objpool.h"

#include <errno.h>

CT_REGISTRY_DEFINE(objpool, CT_OBJPOOL_LIST)

ct_objpool *ct_objpool_new(const char *impl, size_t object_size, unsigned max_threads)
{
    long i = ct_registry_pick(ct_objpool_descs(), impl, max_threads);
    const ct_objpool_ops *o;
    ct_objpool *p;

    if (i < 0)
        return NULL;
    if (object_size == 0 || object_size > CT_OBJPOOL_MAX_SIZE) {
        errno = EINVAL;
        return NULL;
    }
    o = ct_objpool_impls()[i];
    p = o->create(object_size, max_threads);
    if (p)
        p->ops = o;
    return p;
}

void ct_objpool_free(ct_objpool *p)
{
    if (p)
        p->ops->destroy(p);
}
