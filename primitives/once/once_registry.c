/* once_registry.c: the registry from once_list.h, and the facade. */
#include "once.h"

CT_REGISTRY_DEFINE(once, CT_ONCE_LIST)

ct_once *ct_once_new(const char *impl)
{
    long i = ct_registry_pick(ct_once_descs(), impl, 1);
    const ct_once_ops *o;
    ct_once *once;

    if (i < 0)
        return NULL;
    o = ct_once_impls()[i];
    once = o->create();
    if (once)
        once->ops = o;
    return once;
}

void ct_once_free(ct_once *o)
{
    if (o)
        o->ops->destroy(o);
}
