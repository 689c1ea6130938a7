/*
 * pool_registry.c: the registry from pool_list.h (ct_pool_impls, _descs,
 * _find). Compiled into both libraries (the test build's list may be
 * longer), so it holds nothing else: the facade is pool.c.
 */
#include "pool.h"

CT_REGISTRY_DEFINE(pool, CT_POOL_LIST)
