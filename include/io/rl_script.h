/* rl_script.h: scripted key presses for the app, pure (no SDL).
 *
 * A script is a text file of lines "FRAME KEY": at frame FRAME (a whole
 * number >= 0, counted from the first frame, 0) the key named KEY is
 * pressed, with the names of rl_keymap (e.g. "L", "Tab", "Space").
 * Blank lines and everything after '#' are ignored. Several keys may share
 * a frame (applied in file order); lines need not be sorted.
 */
#ifndef RL_SCRIPT_H
#define RL_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "rl_app.h"

struct rl_script_event {
    long frame;
    enum rl_action action;
    int line;                   /* line number in the file */
};

struct rl_script {
    int n;
    struct rl_script_event *ev; /* (n) sorted by frame, then line */
    int next;                   /* first event not yet delivered */
};

/* Parse script text; `name` is used in messages. On a problem returns
 * false, leaves s empty and writes one line "NAME:LINE: problem" to err
 * (unknown key, missing or bad frame number, extra words). */
bool rl_script_parse(struct rl_script *s, const char *text, const char *name,
                     char *err, size_t errlen);

/* Read and parse a file (errors name the file and line). */
bool rl_script_load(struct rl_script *s, const char *path, char *err,
                    size_t errlen);

void rl_script_destroy(struct rl_script *s);

/* Actions due at `frame` (including any earlier ones not yet taken), in
 * order, at most max of them; returns how many were written. */
int rl_script_take(struct rl_script *s, long frame, enum rl_action *out,
                   int max);

/* True when every event has been taken. */
bool rl_script_done(const struct rl_script *s);

#endif
