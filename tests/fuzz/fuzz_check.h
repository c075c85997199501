/* fuzz_check.h: FUZZ_CHECK(cond) aborts with file:line when cond is false,
 * in every build (unlike assert), so libFuzzer and the replay tests both
 * see a broken property as a crash. */
#ifndef RL_FUZZ_CHECK_H
#define RL_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__,    \
                    __LINE__, #cond);                                      \
            abort();                                                       \
        }                                                                  \
    } while (0)

#endif
