/* rl_alloc_count.h: how many heap allocations the process has made.
 *
 * For the frame benchmark's "no allocation per frame" figure: malloc,
 * calloc and realloc are counted by thin forwarders to the C library
 * (glibc's __libc_malloc family) when this file is linked in. Builds with
 * AddressSanitizer (which owns malloc) or without glibc cannot count.
 */
#ifndef RL_ALLOC_COUNT_H
#define RL_ALLOC_COUNT_H

/* Allocations so far (any thread), or -1 when this build cannot count. */
long rl_alloc_count(void);

#endif
