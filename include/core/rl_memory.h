/* rl_memory.h: refuse sizes that do not fit in memory, before allocating.
 *
 * Linux hands out more memory than it has (overcommit): a huge calloc
 * succeeds and the process is killed later, when the pages are touched.
 * So the trainer estimates what a pair of nets will take up front and
 * compares it with the memory available (MemAvailable in /proc/meminfo, or
 * the RICHLAZY_MEMORY_LIMIT environment variable when set, e.g. "512M",
 * "2G": for tests, and for sharing a machine).
 */
#ifndef RL_MEMORY_H
#define RL_MEMORY_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes the rich/lazy pair needs for h hidden units and n samples: the
 * data, two nets with their weights, gradients and (n, h) scratch. */
double rl_memory_estimate(int h, int n);

/* As rl_memory_estimate for the path the nets step on: the linear path
 * (linear activation) works on the moments and needs no (n, h) scratch. */
double rl_memory_estimate_path(int h, int n, bool linear);

/* Bytes of the frame buffers of a run that renders width x height
 * pictures (canvas, recorder queue, encoder). */
double rl_memory_frames(int width, int height);

/* False with one line in err naming RICHLAZY_MEMORY_LIMIT when it is set
 * but not a size ("100X", "abc", "-5"); true when unset or valid. */
bool rl_memory_limit_ok(char *err, size_t errlen);

/* Bytes available to this process: the smaller of MemAvailable and
 * RICHLAZY_MEMORY_LIMIT; negative when neither is known. */
double rl_memory_available(void);

/* Parse a size "123", "64K", "512M", "2G", "1T" (binary units) into
 * bytes; false when malformed. */
bool rl_memory_parse_size(const char *text, double *bytes);

/* "3.2 GiB" etc. into buf. */
void rl_memory_format(char *buf, size_t len, double bytes);

/* True when h units x n samples fit; otherwise false with one line in err
 * naming both sizes, the memory needed and available, and what to do. The
 * plain path (counted as for a nonlinear activation). A malformed
 * RICHLAZY_MEMORY_LIMIT is an error (rl_memory_limit_ok). */
bool rl_memory_check(int h, int n, char *err, size_t errlen);

/* rl_memory_check for the path taken (linear: no (n, h) scratch) plus
 * `frames` bytes of frame buffers (rl_memory_frames, or 0). */
bool rl_memory_check_run(int h, int n, bool linear, double frames,
                         char *err, size_t errlen);

#endif
