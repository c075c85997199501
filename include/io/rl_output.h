/* rl_output.h: the one way richlazy writes a file or a folder of results.
 *
 * A file is written under a temporary name unique to this process and this
 * file (PATH.PID-N.part), flushed, fsync'ed, renamed into place and its
 * folder fsync'ed, so a reader, a concurrent writer, a crash or a power cut
 * never sees a partial file under the final name (POSIX rename(2) replaces
 * the target atomically; fsync(2) of the folder makes the new name durable).
 * Every descriptor is opened close-on-exec.
 *
 * A result set (the files of one run, sweep, phase, retrain or merge) is
 * written through struct rl_outset: the folder is locked against another
 * richlazy writer and a non-empty folder is refused unless appending was
 * asked for. Into a folder the set creates, the files are written into a
 * staging folder beside it (NAME.PID-N.part) published in one rename at
 * the end. A folder that existed (a mount point, a folder with its own
 * permissions, one appended to) is kept: the files are staged in a hidden
 * folder inside it (.richlazy.PID-N.part) and moved up one by one at
 * publish, so a failure before then leaves the folder as it was.
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
 * "-2", "-3", ... suffix when that name already exists. The name may be
 * taken by another process before it is created: to create a new folder
 * use rl_outset_begin with dir NULL, which never takes an existing one. */
void rl_output_default_name(char *buf, size_t len, const char *prefix);

/* Join dir and name into buf; false (with err) if it does not fit. */
bool rl_output_path(char *buf, size_t len, const char *dir, const char *name,
                    char *err, size_t errlen);

/* Join dir and name into buf and make that folder (an existing one is
 * fine): the weights/ of a result set. False with err naming it. */
bool rl_output_subdir(char *buf, size_t len, const char *dir,
                      const char *name, char *err, size_t errlen);

/* Write s to f as one CSV field (RFC 4180): as it is, or in double quotes
 * with inner quotes doubled when it holds a comma, quote or line break. */
void rl_output_csv_field(FILE *f, const char *s);

/* Fill buf with a temporary name beside path, unique to this process and
 * call: "PATH.PID-N" + suffix. False if it does not fit. */
bool rl_output_temp_name(char *buf, size_t len, const char *path,
                         const char *suffix);

/* The name PREFIX + STEP [+ "_KKK" when k > 0] + ext of a file or folder
 * made at a training step (frames, videos, checkpoints), so that names
 * sort in step order at any step count: six digits below 1,000,000
 * ("frame_012345.png"); from there a letter giving the number of digits
 * beyond six comes first ("frame_a1200000.png", "frame_b12000000.png"),
 * and letters sort after digits. False if it does not fit in len. */
bool rl_output_step_name(char *buf, size_t len, const char *prefix,
                         long step, int k, const char *ext);

/* Publish a file another program wrote at tmp (e.g. ffmpeg's MP4): fsync
 * it, rename it to path, fsync the folder. tmp is removed on failure. */
bool rl_output_publish_file(const char *tmp, const char *path, char *err,
                            size_t errlen);

struct rl_outfile {
    FILE *f;
    char path[4096];        /* final name */
    char tmp[4200];         /* unique temporary name beside it */
};

/* Open dir/name (or path) for writing under its temporary name. */
bool rl_outfile_open(struct rl_outfile *of, const char *dir, const char *name,
                     char *err, size_t errlen);
bool rl_outfile_open_path(struct rl_outfile *of, const char *path, char *err,
                          size_t errlen);

/* Flush, check every write succeeded, fsync, close, rename into place and
 * fsync the folder. On any failure the temporary file is removed and err
 * says why (naming the final path). */
bool rl_outfile_commit(struct rl_outfile *of, char *err, size_t errlen);

/* rl_outfile_commit in two halves, for writers that publish files in an
 * order of their own (the recorder's writer threads): finish flushes,
 * checks, fsyncs and closes the temporary file, which keeps its temporary
 * name (on failure it is removed, err says why); publish then renames it
 * into place and, when sync_dir, fsyncs the folder. A caller that passes
 * sync_dir false must call rl_output_sync_dir itself later (the name is
 * not durable until then; the content under it always is complete). */
bool rl_outfile_finish(struct rl_outfile *of, char *err, size_t errlen);
bool rl_outfile_publish(struct rl_outfile *of, bool sync_dir, char *err,
                        size_t errlen);

/* Close and remove the temporary file (after a failure elsewhere). Safe to
 * call on a committed, aborted or zeroed struct. */
void rl_outfile_abort(struct rl_outfile *of);

/* Write len bytes to path whole (through an rl_outfile). */
bool rl_output_write_file(const char *path, const void *data, size_t len,
                          char *err, size_t errlen);

/* fsync the folder holding path (or the folder path itself when is_dir),
 * so a rename into it survives a power cut. False with errno set. */
bool rl_output_sync_dir(const char *path, bool is_dir);

/* Remove path and everything below it (files, folders; symbolic links are
 * removed, never followed). For staging folders this process created. */
void rl_output_remove_tree(const char *path);

/* For tests: the number of fsync calls made so far (files and folders),
 * and a fault: the n-th fsync from now (1 = the next) fails with errnum
 * instead of syncing (n <= 0: no fault). Thread-safe. */
unsigned long rl_output_sync_count(void);
void rl_output_fail_sync(long n, int errnum);

/* For tests, the fault-injecting file layer: every fsync (of files and
 * folders) calls fn instead of fsync(2) while it is set (NULL: fsync). fn
 * returns 0 or -1 with errno set; it may block (to hold a writer). */
typedef int (*rl_output_sync_fn)(int fd);
void rl_output_set_sync_fn(rl_output_sync_fn fn);

/* A result set written into one folder. */
struct rl_outset {
    char dir[4096];     /* the folder the results end up in */
    char work[4400];    /* where to write them now (staging or dir) */
    bool staged;        /* work is a staging folder published by rename */
    bool inner;         /* work is a staging folder inside dir, whose
                         * entries publish moves up */
    int lock_fd;        /* open descriptor of dir holding the flock; -1 */
    int ncreated;       /* leading components of dir this call created */
    size_t created_len[32];
};

/* Take the folder dir for a result set: create it (and its parents) if
 * needed (then staged), lock it against other richlazy writers (waiting for one that
 * holds it, until SIGINT/SIGTERM is caught), and refuse it when it is not
 * empty unless append is true. dir NULL: create a new folder
 * "PREFIX-DATE-TIME[-N]" in the current folder, never an existing one.
 * False with err (and nothing left behind) on failure. */
bool rl_outset_begin(struct rl_outset *s, const char *dir, const char *prefix,
                     bool append, char *err, size_t errlen);

/* Publish the result set: rename the staging folder onto dir (or, when
 * appending, just sync dir), fsync, unlock. False with err on failure
 * (then everything the set created is removed). */
bool rl_outset_publish(struct rl_outset *s, char *err, size_t errlen);

/* Remove everything the set created (staging folder and the folders it
 * made) and unlock: the folder is as it was before begin. Safe after
 * publish (does nothing then). */
void rl_outset_abort(struct rl_outset *s);

/* Say the folder the user named: replace every s->work in msg (len
 * bytes) with s->dir, so messages never name the staging folder. */
void rl_outset_user_message(const struct rl_outset *s, char *msg,
                            size_t len);

/* True when the set's work folder holds at least one entry. */
bool rl_outset_has_files(const struct rl_outset *s);

#endif
