/*
 * go_fcontext_internal.h: Boost.Context's context switch (libboost-context,
 * the assembly-tuned switch that folly's fibers use), declared once. Both
 * functions have C linkage in boost/context/detail/fcontext.hpp; the types
 * here have the same layout (two pointers, returned in two registers).
 *
 *   make_fcontext(sp, size, fn): a context that will run fn on the stack
 *     whose top is sp (size bytes below it); fn must never return.
 *   jump_fcontext(to, data): save the current context, resume `to`; the
 *     resumed side receives {the context that jumped, data}.
 */
#ifndef CT_GO_FCONTEXT_INTERNAL_H
#define CT_GO_FCONTEXT_INTERNAL_H

#include <stddef.h>

typedef void *ct__fcontext;

typedef struct ct__transfer {
    ct__fcontext fctx;
    void *data;
} ct__transfer;

ct__transfer jump_fcontext(ct__fcontext const to, void *vp);
ct__fcontext make_fcontext(void *sp, size_t size, void (*fn)(ct__transfer));

#endif /* CT_GO_FCONTEXT_INTERNAL_H */
