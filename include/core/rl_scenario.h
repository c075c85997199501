/* rl_scenario.h: scenario files, a shareable setup read as data.
 *
 * A scenario is a text file of lines:
 *   # a comment            (and blank lines)
 *   key=value              a setting of the settings table, written as
 *                          checkpoint.txt writes it (file key: the flag's
 *                          name with '_' for '-': lr, rich_init, init for
 *                          both nets, test_split), read by rl_setting_read
 *                          exactly as the flag is
 *   [script]               optional; every later line is a key script line
 *                          "FRAME KEY" (rl_script.h)
 * Spaces around key and value are ignored. A scenario comes from someone
 * else, so it is data and never a command:
 *   - only rows with in_file may appear; a key that chooses where
 *     something is written, starts a program or reads a script (out,
 *     checkpoint, video, script, config, the window's dumps, ...) is
 *     refused with FILE:LINE;
 *   - a data path is relative to the scenario's own folder and must stay
 *     in it: absolute paths, ".." components, symlinks leaving the
 *     folder, devices, FIFOs and folders are refused with FILE:LINE;
 *   - numbers meet the same limits as their flags;
 *   - the file is a regular file of at most RL_SCENARIO_MAX_BYTES, text
 *     without NUL bytes; file content in messages is escaped (rl_escape).
 * A setting the command does not take (e.g. hidden for retrain) is
 * skipped; a key that is no setting at all, or given twice, is refused.
 */
#ifndef RL_SCENARIO_H
#define RL_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include "rl_cli.h"
#include "rl_config.h"

enum { RL_SCENARIO_MAX_BYTES = 1 << 20 };

/* Find the scenario file for `name`: name itself when it exists, else,
 * for a bare name (no '/'), assets/scenarios/NAME.txt (or NAME) in the
 * shipped assets (RICHLAZY_ASSETS, the source tree, the install prefix, or
 * beside the program). Writes the path into out; false when none exists
 * (out then holds name). */
bool rl_scenario_find(const char *name, char *out, size_t outlen);

/* Read the scenario file `name` (found by rl_scenario_find) into target,
 * the parse target of cli: each setting through its flag's reader (a
 * per-net key without prefix sets both nets), marked in seen (may be
 * NULL) as if given; the data path resolved; the config's scenario and
 * scenario_script set. Strings stay valid until rl_scenario_free_all.
 * False with one line "FILE:LINE: problem" in err. */
bool rl_scenario_apply(const struct rl_cli *cli, const char *name,
                       void *target, struct rl_cli_seen *seen, char *err,
                       size_t errlen);

/* As rl_scenario_apply on the text itself (len bytes, need not end in
 * NUL); `path` names the file in messages and `folder` is the folder data
 * paths are relative to. */
bool rl_scenario_parse(const struct rl_cli *cli, const char *text,
                       size_t len, const char *path, const char *folder,
                       void *target, struct rl_cli_seen *seen, char *err,
                       size_t errlen);

/* Resolve a data path v read from a file (scenario or checkpoint.txt) in
 * folder: relative, without '..' components, leading (after symlinks) to
 * a regular file inside folder. Writes the absolute path into out (at
 * least PATH_MAX bytes). False with the problem (v quoted escaped, no
 * FILE:LINE) in why. */
bool rl_file_data_path(const char *v, const char *folder, char *out,
                       char *why, size_t whylen);

/* Write cfg as a new scenario file dir/scenario-STEP.txt (dir must
 * exist; scenario-STEP_NNN.txt when the name is taken, never overwriting):
 * every file setting of the window whose value differs from the default,
 * one key=value line each as rl_setting_format writes it, so
 * `richlazy window --config FILE` starts the same setup. A data file is
 * named in a comment only (a scenario names data in its own folder). The
 * path written goes to path. False with err on failure. */
bool rl_scenario_save(const char *dir, long step,
                      const struct rl_config *cfg, char *path,
                      size_t pathlen, char *err, size_t errlen);

/* Free what every earlier apply/parse kept (tests, fuzzing); strings read
 * from scenarios are invalid afterwards. */
void rl_scenario_free_all(void);

#endif
