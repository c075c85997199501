/* rl_interrupt.h: Ctrl-C (SIGINT) and SIGTERM as a flag the run loops poll.
 *
 * Long loops (the headless run, recording) must stop at a clean point, so
 * complete files stay complete and temporary ones are removed. While a
 * struct rl_interrupt is initialised, the first SIGINT or SIGTERM only sets
 * a flag that rl_interrupt_caught reports; a second one of the same kind
 * acts as if no handler were installed (the default ends the process), so
 * a stuck program can still be stopped. Only one may be live at a time.
 */
#ifndef RL_INTERRUPT_H
#define RL_INTERRUPT_H

#include <signal.h>
#include <stdbool.h>

struct rl_interrupt {
    struct sigaction old_int;   /* handlers in force before init */
    struct sigaction old_term;
};

/* Catch SIGINT and SIGTERM from now on (clearing any earlier catch).
 * False when the handlers cannot be installed (nothing changed then). */
bool rl_interrupt_init(struct rl_interrupt *it);

/* Put back the handlers in force before init. The caught signal stays
 * readable. */
void rl_interrupt_destroy(struct rl_interrupt *it);

/* The signal caught since init (SIGINT or SIGTERM), or 0. Safe to call
 * from any thread, as often as every step. */
int rl_interrupt_caught(void);

/* "SIGINT" or "SIGTERM" (else "a signal"), for messages. */
const char *rl_interrupt_name(int sig);

/* Exit code of a program stopped by sig, as shells report it: 128 + sig
 * (130 for SIGINT, 143 for SIGTERM). */
int rl_interrupt_exit_code(int sig);

#endif
