/* rl_output.h: output folders and files that are either complete or absent.
 *
 * Every result file is written under a temporary name (NAME.part) and
 * renamed into place only when complete, so an interrupted or failed run
 * never leaves a partial file posing as a result.
 */
#ifndef RL_OUTPUT_H
#define RL_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Create dir and its parents (like mkdir -p) and check that a file can be
 * created in it. *created tells whether the last component was new (so a
 * failed run can remove it again). False with err naming dir on failure. */
bool rl_output_prepare_dir(const char *dir, bool *created, char *err,
                           size_t errlen);

/* Fill buf with "PREFIX-YYYYMMDD-HHMMSS" for the local time now, with a
 * "-2", "-3", ... suffix when that name already exists. */
void rl_output_default_name(char *buf, size_t len, const char *prefix);

/* Join dir and name into buf; false (with err) if it does not fit. */
bool rl_output_path(char *buf, size_t len, const char *dir, const char *name,
                    char *err, size_t errlen);

struct rl_outfile {
    FILE *f;
    char path[4096];        /* final name */
    char tmp[4110];         /* path + ".part" */
};

/* Open dir/name for writing under its temporary name. */
bool rl_outfile_open(struct rl_outfile *of, const char *dir, const char *name,
                     char *err, size_t errlen);

/* Flush, check every write succeeded, close and rename into place. On any
 * failure the temporary file is removed and err says why. */
bool rl_outfile_commit(struct rl_outfile *of, char *err, size_t errlen);

/* Close and remove the temporary file (after a failure elsewhere). */
void rl_outfile_abort(struct rl_outfile *of);

#endif
