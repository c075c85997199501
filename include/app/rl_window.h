/* rl_window.h: the live window and the no-command default.
 *
 * `richlazy window [flags]` opens the window (the run flags that make
 * sense live, e.g. --lr, --dataset, --width/--height for the window size,
 * --script, --out for screenshots; plus --state-dump, --frame-dump and
 * --max-frames for tests). The window is resizable down to 1x1 and uses the
 * full drawable resolution on HiDPI screens.
 */
#ifndef RL_WINDOW_H
#define RL_WINDOW_H

#include <stdio.h>

/* Returns the exit code: 0 closed normally, 1 no display or a failure,
 * 2 bad flags. */
int rl_window_main(int argc, char **argv, FILE *out, FILE *errf);

/* `richlazy` with no command: the window, or without a display a headless
 * run (5000 steps, a frame every 200) into a new timestamped folder, saying
 * where the frames went. */
int rl_main_default(FILE *out, FILE *errf);

#endif
