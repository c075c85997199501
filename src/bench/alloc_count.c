/* alloc_count.c: the allocation count as the program sees it (see
 * rl_alloc_count.h). The counting itself is in alloc_interpose.c, linked
 * only into the benchmark and test programs that count: the program users
 * run must leave malloc to whatever allocator they load. */
#include "rl_alloc_count.h"

/* defined by alloc_interpose.c when it is linked in */
long rl_alloc_interposed_count(void) __attribute__((weak));

long rl_alloc_count(void)
{
    return rl_alloc_interposed_count ? rl_alloc_interposed_count() : -1;
}
