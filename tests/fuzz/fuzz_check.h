/* fuzz_check.h: FUZZ_CHECK(cond) aborts with file:line when cond is false,
 * in every build (unlike assert), so libFuzzer and the replay tests both
 * see a broken property as a crash. fuzz_text copies the input into a C
 * string for the text parsers. */
#ifndef RL_FUZZ_CHECK_H
#define RL_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__,    \
                    __LINE__, #cond);                                      \
            abort();                                                       \
        }                                                                  \
    } while (0)

/* The len input bytes as a private malloc'd string with a '\0' after them
 * (a NUL inside ends it early for string readers); NULL when out of
 * memory. The caller frees. */
static inline char *fuzz_text(const uint8_t *buf, size_t len)
{
    char *text = malloc(len + 1);
    if (!text)
        return NULL;
    memcpy(text, buf, len);
    text[len] = '\0';
    return text;
}

#endif
