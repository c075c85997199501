/* rl_input.h: SDL keyboard events -> key names and app actions.
 *
 * The names are those of rl_keymap (rl_app.h), so a key pressed in the
 * window and the same name in a --script file do the same thing.
 */
#ifndef RL_INPUT_H
#define RL_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include <SDL.h>

#include "rl_app.h"

/* Key name of an SDL keycode with modifiers ("l", "L" with Shift, "Tab",
 * "Up", "F1", "+", ...), written to buf when it is a letter; NULL for keys
 * the app does not use and for Ctrl/Alt/Super combinations. */
const char *rl_input_key_name(int sym, unsigned mod, char *buf, size_t len);

/* The action a key-down event asks for (RL_ACTION_NONE when unbound). */
enum rl_action rl_input_action(const SDL_KeyboardEvent *ev);

#endif
