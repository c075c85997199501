/* rl_headless.h: `richlazy run` with rendered frames and scripted keys.
 *
 * Same flags as rl_run_main; with --frames-every K it also writes
 * OUT/frames/frame_STEP.png (the window's picture at --width x --height,
 * through rl_render) at step 0, every K steps and at the end, and with
 * --script FILE it presses the scripted keys frame by frame as the window
 * would. Without either flag it is exactly rl_run_main.
 */
#ifndef RL_HEADLESS_H
#define RL_HEADLESS_H

#include <stdio.h>

/* Returns the exit code (0 done, 1 failed writing, 2 bad flags or data). */
int rl_headless_main(int argc, char **argv, FILE *out, FILE *errf);

#endif
