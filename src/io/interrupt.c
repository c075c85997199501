/* interrupt.c: SIGINT/SIGTERM as a polled flag (see rl_interrupt.h). */
#include "rl_interrupt.h"

#include <string.h>

#include "rl_readfile.h"

static volatile sig_atomic_t caught;

/* Only async-signal-safe work here: remember the first signal. SA_RESETHAND
 * has already put the default back, so a second one stops the process. */
static void on_signal(int sig)
{
    if (!caught)
        caught = sig;
}

bool rl_interrupt_init(struct rl_interrupt *it)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* restart interrupted reads and writes instead of failing them */
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    caught = 0;
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
    return caught;
}

const char *rl_interrupt_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}

int rl_interrupt_exit_code(int sig)
{
    return 128 + sig;
}
