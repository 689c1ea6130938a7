/*
 * stack_linked_internal.h: the linked list the locked stacks (mutex, spin)
 * share: all of it runs under the owner's lock, so plain memory throughout.
 * Popped nodes go to a free list kept under the same lock (and the capacity
 * hint preallocates it), so the critical sections never call malloc after
 * warm-up, like the lock-free designs with their node pools.
 */
#ifndef CT_STACK_LINKED_INTERNAL_H
#define CT_STACK_LINKED_INTERNAL_H

#include <errno.h>
#include <stdlib.h>

#include "stack.h"

typedef struct ct__lnode {
    struct ct__lnode *next;
    uintptr_t value;
} ct__lnode;

typedef struct ct__list {
    ct__lnode *top;  /* the stack */
    ct__lnode *free; /* popped nodes, for the next pushes */
} ct__list;

/* Not under the lock (create): fill the free list. */
static inline int ct__list_init(ct__list *l, size_t prealloc)
{
    l->top = l->free = NULL;
    for (size_t i = 0; i < prealloc; i++) {
        ct__lnode *n = malloc(sizeof *n);

        if (!n)
            return -ENOMEM;
        n->next = l->free;
        l->free = n;
    }
    return 0;
}

static inline void ct__list_fini(ct__list *l)
{
    for (ct__lnode *lists[2] = {l->top, l->free}, **p = lists; p < lists + 2; p++)
        for (ct__lnode *n = *p, *next; n; n = next) {
            next = n->next;
            free(n);
        }
    l->top = l->free = NULL;
}

/* Under the lock. malloc under a lock only when the free list is empty
 * (warm-up, or a stack growing past its high-water mark). */
static inline int ct__list_push(ct__list *l, uintptr_t value)
{
    ct__lnode *n = l->free;

    if (n)
        l->free = n->next;
    else if (!(n = malloc(sizeof *n)))
        return -ENOMEM;
    n->value = value;
    n->next = l->top;
    l->top = n;
    return 0;
}

static inline int ct__list_pop(ct__list *l, uintptr_t *value)
{
    ct__lnode *n = l->top;

    if (!n)
        return CT_WOULDBLOCK;
    l->top = n->next;
    *value = n->value;
    n->next = l->free;
    l->free = n;
    return 0;
}

#endif /* CT_STACK_LINKED_INTERNAL_H */
