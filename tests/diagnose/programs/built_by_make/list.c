#include <stdlib.h>
#include "list.h"

struct node *push(struct node *head, int v)
{
    struct node *n = malloc(sizeof *n);
    n->next = head;
    n->v = v;
    return n;
}
