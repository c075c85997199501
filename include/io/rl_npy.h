/* rl_npy.h: NumPy .npy files of 2-D float32 arrays (format version 1.0).
 *
 * Writes little-endian float32 ('<f4'), C order, which numpy.load reads.
 * The reader accepts exactly that and names what is wrong otherwise.
 */
#ifndef RL_NPY_H
#define RL_NPY_H

#include <stdbool.h>
#include <stddef.h>

/* Write a (rows, cols) array to path through a temporary file renamed into
 * place, so a reader never sees half a file. False with err on failure. */
bool rl_npy_write(const char *path, const float *data, int rows, int cols,
                  char *err, size_t errlen);

/* Read a 2-D '<f4' C-order array. On success *data is malloc'd (caller
 * frees) and *rows, *cols are set. 1-D arrays of length n read as (1, n).
 * On failure returns false, *data is NULL and err says what is wrong
 * (missing file, not .npy, wrong dtype, Fortran order, truncated, ...). */
bool rl_npy_read(const char *path, float **data, int *rows, int *cols,
                 char *err, size_t errlen);

/* The same two operations on memory, for tests and fuzzing. rl_npy_encode
 * returns a malloc'd buffer of *len bytes (NULL on out of memory). */
unsigned char *rl_npy_encode(const float *data, int rows, int cols,
                             size_t *len);
bool rl_npy_decode(const unsigned char *buf, size_t len, float **data,
                   int *rows, int *cols, char *err, size_t errlen);

#endif
