/* rl_data.h: the 2-D two-class training data.
 *
 * Samples are points x in R^2 with labels y in {0, 1} (the seed's
 * "category A or B"). Data comes from a seeded built-in generator or from
 * a user CSV file of rows "x,y,label". The moments Sxx = X^T X / n and
 * Sxy = X^T y / n feed the linear network's O(H) fast path.
 */
#ifndef RL_DATA_H
#define RL_DATA_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

enum rl_dataset {
    RL_DATASET_BLOBS,   /* two Gaussian blobs, linearly separable without bias */
    RL_DATASET_XOR,     /* four blobs in XOR layout; needs relu/tanh */
    RL_DATASET_CIRCLES, /* inner disc vs outer ring; needs relu/tanh */
    RL_DATASET_SPIRAL,  /* two interleaved spirals; needs relu/tanh */
    RL_DATASET_COUNT,
};

struct rl_data {
    int n;          /* number of samples */
    float *x;       /* (n, 2) row-major, sample i is x[2i], x[2i+1] */
    float *y;       /* (n) labels, exactly 0.0f or 1.0f */
    double sxx[4];  /* X^T X / n, (2, 2) row-major; set by rl_data_update_moments */
    double sxy[2];  /* X^T y / n, (2) */
    double syy;     /* y^T y / n */
};

/* Name of a built-in dataset ("blobs", ...). */
const char *rl_dataset_name(enum rl_dataset kind);

/* Parse a dataset name; false when unknown. */
bool rl_dataset_parse(const char *name, enum rl_dataset *kind);

/* Allocate room for n samples (n >= 0), zeroed. False on out of memory. */
bool rl_data_init(struct rl_data *d, int n);

/* Free the buffers; safe on a zeroed or already destroyed struct. */
void rl_data_destroy(struct rl_data *d);

/* Recompute sxx, sxy, syy from x and y (in double). */
void rl_data_update_moments(struct rl_data *d);

/* Fill d (initialised by the call) with n samples of a built-in dataset,
 * half of each class (class 1 gets the extra one when n is odd), with
 * isotropic Gaussian noise of standard deviation `noise` (the dataset's own
 * scale is about 1). Same (kind, n, noise, seed) -> same bytes. */
bool rl_data_generate(struct rl_data *d, enum rl_dataset kind, int n,
                      double noise, uint64_t seed);

/* Load a CSV of rows "x,y,label" (an optional first header row whose fields
 * are not numbers; blank lines and CRLF endings accepted). On any problem
 * returns false, leaves d zeroed and writes one line to err of the form
 * "FILE:LINE: problem" (or "FILE: problem"): wrong column count,
 * non-numeric field, NaN/Inf, label not 0/1, a single class only, empty
 * file, unreadable file. Nothing partially loaded is kept. */
bool rl_data_load_csv(struct rl_data *d, const char *path,
                      char *err, size_t errlen);

/* Split `all` into train and test: a seeded shuffle, then the first
 * round(test_fraction * n) samples go to test. 0 < test_fraction < 1 and
 * both parts must keep at least 2 samples; false (with err) otherwise. */
bool rl_data_split(const struct rl_data *all, double test_fraction,
                   uint64_t seed, struct rl_data *train, struct rl_data *test,
                   char *err, size_t errlen);

/* Deep copy src into dst (initialised by the call). */
bool rl_data_copy(struct rl_data *dst, const struct rl_data *src);

/* Write "x,y,label" with a header to f; %.9g floats (every float reads
 * back exactly), labels as 0/1. False when a write failed (errno set). To
 * write a file whole, use rl_data_save_csv (io/rl_data_file.h). */
bool rl_data_write_csv_rows(const struct rl_data *d, FILE *f);

/* Bounding box of the samples: out = {xmin, xmax, ymin, ymax}. */
void rl_data_bounds(const struct rl_data *d, float out[4]);

#endif
