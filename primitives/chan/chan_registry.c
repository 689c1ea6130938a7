/*
 * chan_registry.c: the registry from chan_list.h (ct_chan_impls, _descs,
 * _find). Compiled into both libraries (the test build's list may be
 * longer), so it holds nothing else: the facade is chan.c.
 */
#include "chan.h"

CT_REGISTRY_DEFINE(chan, CT_CHAN_LIST)
