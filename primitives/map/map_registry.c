/* map_registry.c: the registry from map_list.h, and the facade. */
#include "map.h"

CT_REGISTRY_DEFINE(map, CT_MAP_LIST)

ct_map *ct_map_new(const char *impl, size_t capacity_hint, unsigned max_threads)
{
    long i = ct_registry_pick(ct_map_descs(), impl, max_threads);
    const ct_map_ops *o;
    ct_map *m;

    if (i < 0)
        return NULL;
    o = ct_map_impls()[i];
    m = o->create(capacity_hint, max_threads);
    if (m)
        m->ops = o;
    return m;
}

void ct_map_free(ct_map *m)
{
    if (m)
        m->ops->destroy(m);
}
