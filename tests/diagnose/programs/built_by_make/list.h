struct node { struct node *next; int v; };
struct node *push(struct node *head, int v);
