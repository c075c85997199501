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

/* Bytes available to this process: the smaller of MemAvailable and
 * RICHLAZY_MEMORY_LIMIT; negative when neither is known. */
double rl_memory_available(void);

/* Parse a size "123", "64K", "512M", "2G", "1T" (binary units) into
 * bytes; false when malformed. */
bool rl_memory_parse_size(const char *text, double *bytes);

/* "3.2 GiB" etc. into buf. */
void rl_memory_format(char *buf, size_t len, double bytes);

/* True when h units x n samples fit; otherwise false with one line in err
 * naming both sizes, the memory needed and available, and what to do. */
bool rl_memory_check(int h, int n, char *err, size_t errlen);

#endif
