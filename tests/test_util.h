/* test_util.h: small helpers shared by the test programs: whole files into
 * memory, captured command output, argument lists, scratch files.
 *
 * Everything is `static inline` so a test includes only what it needs and
 * unused helpers cost nothing (and raise no warnings). Include after
 * check.h.
 */
#ifndef RL_TEST_UTIL_H
#define RL_TEST_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"

/* The whole file at path, read in binary mode into a malloc'd buffer with
 * a '\0' after the last byte (so text can be searched as a string); *len is
 * the byte count without it. NULL if the file cannot be opened. The caller
 * frees. */
static inline char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    if (!buf) {
        fclose(f);
        return NULL;
    }
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* Both files exist, are not empty and hold the same bytes; says which
 * differ on stderr otherwise. */
static inline bool test_same_bytes(const char *a, const char *b)
{
    size_t la = 0, lb = 0;
    char *x = test_read_file(a, &la), *y = test_read_file(b, &lb);
    bool same = x && y && la == lb && la > 0 && memcmp(x, y, la) == 0;
    if (!same)
        fprintf(stderr, "differ: %s (%zu bytes) vs %s (%zu bytes)\n", a,
                x ? la : 0, b, y ? lb : 0);
    free(x);
    free(y);
    return same;
}

/* What was written to f, from its start, into buf (len bytes, at most
 * len - 1 of text) with a '\0' after it. f stays open. */
static inline void test_slurp_stream(FILE *f, char *buf, size_t len)
{
    rewind(f);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
}

/* A command's main: argv holds argc arguments (no program name), output
 * goes to out, error lines to err; returns the exit code. */
typedef int (*test_main_fn)(int argc, char **argv, FILE *out, FILE *err);

enum { TEST_MAX_ARGS = 63 };

/* Calls fn with the arguments first, then those in ap up to a NULL (at
 * most TEST_MAX_ARGS), stdout and stderr in temporary files. Afterwards
 * out and err (out_len and err_len bytes; either may be NULL to drop that
 * stream) hold what was written, '\0'-terminated and cut to fit. Returns
 * fn's exit code, or -1 (out and err empty) if no temporary file could be
 * made. */
static inline int test_call_main(test_main_fn fn, char *out, size_t out_len,
                                 char *err, size_t err_len,
                                 const char *first, va_list ap)
{
    char *argv[TEST_MAX_ARGS + 1];
    int argc = 0;
    for (const char *a = first; a && argc < TEST_MAX_ARGS;
         a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    argv[argc] = NULL;
    FILE *outf = tmpfile(), *errf = tmpfile();
    if (!outf || !errf) {
        if (out)
            out[0] = '\0';
        if (err)
            err[0] = '\0';
        fprintf(stderr, "cannot make a temporary file for a test run\n");
        if (outf)
            fclose(outf);
        if (errf)
            fclose(errf);
        return -1;
    }
    int code = fn(argc, argv, outf, errf);
    if (out)
        test_slurp_stream(outf, out, out_len);
    if (err)
        test_slurp_stream(errf, err, err_len);
    fclose(outf);
    fclose(errf);
    return code;
}

/* Writes text to path (replacing it); a file that cannot be opened is a
 * failed CHECK. */
static inline void test_write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
}

/* Something (file or folder) exists at path. */
static inline bool test_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

#endif
