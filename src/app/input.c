/* input.c: SDL key events -> the key names of rl_keymap (see rl_input.h). */
#include "rl_input.h"

#include <stdio.h>

const char *rl_input_key_name(int sym, unsigned mod, char *buf, size_t len)
{
    bool shift = (mod & KMOD_SHIFT) != 0;
    if (mod & (KMOD_CTRL | KMOD_ALT | KMOD_GUI))
        return NULL; /* leave shortcuts of the desktop alone */
    if (sym >= SDLK_a && sym <= SDLK_z) {
        snprintf(buf, len, "%c", (char)(shift ? sym - 'a' + 'A' : sym));
        return buf;
    }
    switch (sym) {
    case SDLK_TAB:
        return "Tab";
    case SDLK_UP:
        return "Up";
    case SDLK_DOWN:
        return "Down";
    case SDLK_LEFT:
        return "Left";
    case SDLK_RIGHT:
        return "Right";
    case SDLK_SPACE:
        return "Space";
    case SDLK_ESCAPE:
        return "Escape";
    case SDLK_F1:
        return "F1";
    case SDLK_LEFTBRACKET:
        return "[";
    case SDLK_RIGHTBRACKET:
        return "]";
    case SDLK_PLUS:
    case SDLK_KP_PLUS:
        return "+";
    case SDLK_EQUALS:
        return shift ? "+" : "=";
    case SDLK_MINUS:
    case SDLK_KP_MINUS:
        return "-";
    default:
        return NULL;
    }
}

enum rl_action rl_input_action(const SDL_KeyboardEvent *ev)
{
    char buf[8];
    const char *name = rl_input_key_name(ev->keysym.sym, ev->keysym.mod, buf,
                                         sizeof(buf));
    return name ? rl_action_for_key(name) : RL_ACTION_NONE;
}
