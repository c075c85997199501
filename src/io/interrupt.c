/* interrupt.c: SIGINT/SIGTERM as a polled flag (see rl_interrupt.h). */
#include "rl_interrupt.h"

#include <stdatomic.h>
#include <string.h>

#include "rl_readfile.h"

/* read by every thread that polls, written by the handler: a lock-free
 * atomic is both race-free in C11 and async-signal-safe (C11 7.14.1.1) */
static atomic_int caught;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the interrupt flag must be "
               "lock-free to be set from a signal handler");

/* Only async-signal-safe work here: remember the first signal. SA_RESETHAND
 * has already put the default back, so a second one stops the process. */
static void on_signal(int sig)
{
    int none = 0;
    atomic_compare_exchange_strong(&caught, &none, sig);
}

bool rl_interrupt_init(struct rl_interrupt *it)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* restart interrupted reads and writes instead of failing them */
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    atomic_store(&caught, 0);
    if (sigaction(SIGINT, &sa, &it->old_int) != 0)
        return false;
    if (sigaction(SIGTERM, &sa, &it->old_term) != 0) {
        sigaction(SIGINT, &it->old_int, NULL);
        return false;
    }
    rl_read_set_stop(rl_interrupt_caught); /* long reads stop too */
    return true;
}

void rl_interrupt_destroy(struct rl_interrupt *it)
{
    rl_read_set_stop(NULL);
    sigaction(SIGTERM, &it->old_term, NULL);
    sigaction(SIGINT, &it->old_int, NULL);
}

int rl_interrupt_caught(void)
{
    return atomic_load(&caught);
}

const char *rl_interrupt_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}

int rl_interrupt_exit_code(int sig)
{
    return 128 + sig;
}
