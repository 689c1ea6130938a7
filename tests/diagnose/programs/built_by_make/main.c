/* Builds a list and never frees it: a leak, allocated in list.c. */
#include <stdio.h>
#include "list.h"

int main(void)
{
    struct node *head = NULL;
    for (int i = 0; i < 3; i++)
        head = push(head, i);
    printf("%d\n", head->v);
    return 0;
}
