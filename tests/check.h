/* check.h: the tiny checker every test program uses.
 *
 * CHECK(cond) and CHECK_NEAR(a, b, tol) report file:line and the values on
 * failure and count it; they work in release builds (no assert). A test
 * program's main ends with `return check_summary("name");`.
 */
#ifndef RL_CHECK_H
#define RL_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                        \
    do {                                                                   \
        check_count++;                                                     \
        if (!(cond)) {                                                     \
            check_failures++;                                              \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,         \
                    __LINE__, #cond);                                      \
        }                                                                  \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                              \
    do {                                                                   \
        double check_a_ = (double)(a), check_b_ = (double)(b);             \
        double check_t_ = (double)(tol);                                   \
        check_count++;                                                     \
        if (!(fabs(check_a_ - check_b_) <= check_t_)) {                    \
            check_failures++;                                              \
            fprintf(stderr,                                                \
                    "%s:%d: CHECK_NEAR failed: %s = %.10g, %s = %.10g, "   \
                    "|diff| = %.3g > %.3g\n",                              \
                    __FILE__, __LINE__, #a, check_a_, #b, check_b_,        \
                    fabs(check_a_ - check_b_), check_t_);                  \
        }                                                                  \
    } while (0)

/* CHECK that string s contains the substring sub. */
#define CHECK_CONTAINS(s, sub)                                             \
    do {                                                                   \
        const char *check_s_ = (s);                                        \
        check_count++;                                                     \
        if (!check_s_ || !strstr(check_s_, (sub))) {                       \
            check_failures++;                                              \
            fprintf(stderr, "%s:%d: CHECK_CONTAINS failed: \"%s\" lacks "  \
                    "\"%s\"\n", __FILE__, __LINE__,                        \
                    check_s_ ? check_s_ : "(null)", (sub));                \
        }                                                                  \
    } while (0)

static inline int check_summary(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures ? 1 : 0;
}

#endif
