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

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct rl_config;

/* Returns the exit code: 0 closed normally, 1 no display or a failure,
 * 2 bad flags. */
int rl_window_main(int argc, char **argv, FILE *out, FILE *errf);

/* Fills cfg (the defaults) with the settings of preset `name` for
 * --preset; false with err naming the presets. The presets live in a
 * higher layer, so the program passes this in. */
typedef bool (*rl_window_preset_fn)(const char *name, struct rl_config *cfg,
                                    char *err, size_t errlen);

/* rl_window_main with --preset NAME resolved by `preset` (NULL: --preset
 * is refused). */
int rl_window_main_preset(int argc, char **argv, FILE *out, FILE *errf,
                          rl_window_preset_fn preset);

/* `richlazy` with no command: the window, or without a display a headless
 * run (5000 steps, a frame every 200) into a new timestamped folder, saying
 * where the frames went. */
int rl_main_default(FILE *out, FILE *errf);

#endif
