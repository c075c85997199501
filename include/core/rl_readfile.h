/* rl_readfile.h: open a file the program reads, with a size limit.
 *
 * Every input file (data CSV, key script, checkpoint.txt and .npy, shard
 * files) is opened through rl_read_open, so an endless or special file
 * (/dev/zero, a FIFO, a terminal, a directory) is refused up front with
 * one line naming it, and a regular file larger than the reader's limit
 * is refused before a byte is read. Readers that loop for long also poll
 * rl_read_stopped, so a caught Ctrl-C or SIGTERM ends the read.
 */
#ifndef RL_READFILE_H
#define RL_READFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Open path for reading (binary mode) when it is a regular file of at
 * most max_bytes bytes. On failure returns NULL, writes "PATH: reason"
 * into err and leaves errno as open(2) set it when the file could not be
 * opened at all (ENOENT, EACCES, ...), or 0 when it was opened and then
 * refused (a directory, device, FIFO or socket, or too large), so callers
 * may word the first case their own way. Never blocks on a FIFO. */
FILE *rl_read_open(const char *path, uint64_t max_bytes, char *err,
                   size_t errlen);

/* Read the rest of f, a file rl_read_open opened with limit max, into a
 * new buffer of max + 1 bytes, and close f. Returns the buffer (the
 * caller frees it) with *len bytes in it (more than max when the file grew
 * past its limit after it was opened), or NULL after a read error or with
 * *oom set when the buffer could not be had. f is closed either way. */
char *rl_read_all(FILE *f, size_t max, size_t *len, bool *oom);

/* The kind of a non-regular file for messages ("a directory", "a FIFO
 * (named pipe)", "a character device", ...), from st_mode. */
const char *rl_read_kind(unsigned mode);

/* "2 GiB", "64 MiB", "512 bytes": a byte count for messages. */
void rl_read_format_size(char *out, size_t outlen, uint64_t bytes);

/* Who long reads ask whether to stop: poll returns a nonzero signal number
 * once the user asked to stop (rl_interrupt registers itself while it is
 * catching), NULL for nobody. Process-wide; set from the main thread. */
void rl_read_set_stop(int (*poll)(void));

/* The signal a long read should stop for, or 0. */
int rl_read_stopped(void);

#endif
