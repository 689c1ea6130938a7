/* waitgroup_registry.c: the registry from waitgroup_list.h, and the facade. */
#include "waitgroup.h"

#include <errno.h>

CT_REGISTRY_DEFINE(waitgroup, CT_WAITGROUP_LIST)

ct_waitgroup *ct_waitgroup_new(const char *impl, unsigned tasks)
{
    long i = ct_registry_pick(ct_waitgroup_descs(), impl, 1);
    const ct_waitgroup_ops *o;
    ct_waitgroup *wg;

    if (i < 0)
        return NULL;
    o = ct_waitgroup_impls()[i];
    if ((o->desc.caps & CT_WAITGROUP_CAP_FIXED) && tasks == 0) {
        errno = EINVAL;
        return NULL;
    }
    wg = o->create(tasks);
    if (wg)
        wg->ops = o;
    return wg;
}

void ct_waitgroup_free(ct_waitgroup *wg)
{
    if (wg)
        wg->ops->destroy(wg);
}
