/* ct_families.c: the table of families, generated from CT_FAMILY_LIST. */
#include "ct_families.h"

#include <errno.h>
#include <string.h>

#define CT__FAMILY_DECL(fam, summary) const ct_impl_desc *const *ct_##fam##_descs(void);
CT_FAMILY_LIST(CT__FAMILY_DECL)
#undef CT__FAMILY_DECL

static const ct_family_desc families[] = {
#define CT__FAMILY_ROW(fam, summary) {#fam, summary, ct_##fam##_descs},
    CT_FAMILY_LIST(CT__FAMILY_ROW)
#undef CT__FAMILY_ROW
        {NULL, NULL, NULL},
};

const ct_family_desc *ct_family_list(void)
{
    return families;
}

const ct_family_desc *ct_family_find(const char *name, size_t len)
{
    if (name) {
        for (const ct_family_desc *f = families; f->name; f++)
            if (strlen(f->name) == len && strncmp(f->name, name, len) == 0)
                return f;
    }
    errno = EINVAL;
    return NULL;
}
