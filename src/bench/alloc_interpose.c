/* alloc_interpose.c: counting malloc, calloc and realloc by replacing all
 * four of glibc's allocation entry points (malloc, calloc, realloc, free)
 * with thin forwarders to glibc's own (__libc_*), so memory from one is
 * always released by the same allocator. Link it only into programs that
 * count (richlazy-counting, test_alloc_count), never into richlazy itself:
 * there it would break a user's LD_PRELOAD allocator.
 *
 * Sanitizers (ASan, MSan, TSan) own malloc: under them nothing is replaced
 * and the count is -1 (rl_alloc_count.h).
 */
#include <stddef.h>
#include <stdlib.h> /* also defines __GLIBC__ */

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || \
    __has_feature(thread_sanitizer)
#define RL_NO_ALLOC_COUNT 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RL_NO_ALLOC_COUNT 1
#endif

#if defined(__GLIBC__) && !defined(RL_NO_ALLOC_COUNT)
#include <stdatomic.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

long rl_alloc_interposed_count(void);

static atomic_long allocations;

void *malloc(size_t size)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    return __libc_realloc(p, size);
}

void free(void *p)
{
    __libc_free(p);
}

long rl_alloc_interposed_count(void)
{
    return atomic_load_explicit(&allocations, memory_order_relaxed);
}
#endif
