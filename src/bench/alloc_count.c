/* alloc_count.c: counting malloc/calloc/realloc (see rl_alloc_count.h). */
#include "rl_alloc_count.h"

#include <stddef.h>
#include <stdlib.h> /* also defines __GLIBC__ */

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define RL_NO_ALLOC_COUNT 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RL_NO_ALLOC_COUNT 1
#endif

#if defined(__GLIBC__) && !defined(RL_NO_ALLOC_COUNT)
#include <stdatomic.h>

/* glibc's own entry points, which its malloc/calloc/realloc also use */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);

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

long rl_alloc_count(void)
{
    return atomic_load_explicit(&allocations, memory_order_relaxed);
}
#else
long rl_alloc_count(void)
{
    return -1;
}
#endif
