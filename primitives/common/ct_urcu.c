/* ct_urcu.c: liburcu thread registration shared by its users (ct_urcu_internal.h). */
#ifdef CT_HAVE_URCU
#include <pthread.h>
#include <urcu/urcu-memb.h>

#include "ct_urcu_internal.h"

_Thread_local bool ct__urcu_registered;
char ct__urcu_gp_token;

static pthread_key_t reg_key;
static pthread_once_t reg_once = PTHREAD_ONCE_INIT;

static void unregister_thread(void *unused)
{
    (void)unused;
    urcu_memb_unregister_thread();
}

static void make_key(void)
{
    int err = pthread_key_create(&reg_key, unregister_thread);

    if (err)
        ct_die("urcu: pthread_key_create: error %d", err);
}

void ct__urcu_register_slow(void)
{
    int err;

    pthread_once(&reg_once, make_key);
    urcu_memb_register_thread();
    /* any non-NULL value: the destructor runs only for those */
    if ((err = pthread_setspecific(reg_key, &ct__urcu_registered)) != 0)
        ct_die("urcu: pthread_setspecific: error %d", err);
    ct__urcu_registered = true;
}
#else
/* Without liburcu nothing uses it; ISO C wants a translation unit to declare something. */
typedef int ct__urcu_unused;
#endif
