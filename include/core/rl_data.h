/* rl_data.h: the 2-D training data.
 *
 * Samples are points x in R^2 with targets y: labels in {0, 1} (the seed's
 * "category A or B"; rl_data_labels_pm1 turns them into -1/+1) or, for
 * regression, any finite reals. Data comes from a seeded built-in generator
 * or from a user CSV file of rows "x,y,label" (or "x,y,target"). The
 * moments Sxx = X^T X / n and Sxy = X^T y / n feed the linear network's
 * O(H) fast path.
 */
#ifndef RL_DATA_H
#define RL_DATA_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "rl_teacher.h"

enum rl_dataset {
    RL_DATASET_BLOBS,   /* two Gaussian blobs, linearly separable without bias */
    RL_DATASET_XOR,     /* four blobs in XOR layout; needs relu/tanh */
    RL_DATASET_CIRCLES, /* inner disc vs outer ring; needs relu/tanh */
    RL_DATASET_SPIRAL,  /* two interleaved spirals; needs relu/tanh */
    /* regression sets (real targets) from here on */
    RL_DATASET_TEACHER, /* ReLU teacher-student (rl_teacher.h) */
    RL_DATASET_WAVE,    /* sin(pi x0 / 2) cos(pi x1 / 2) on [-2, 2]^2 */
    RL_DATASET_RIDGE,   /* exp(-2 (v . x)^2), v = (cos 60deg, sin 60deg) */
    RL_DATASET_COUNT,
};

/* The sets before this one are two-class (labels 0/1); from it on they are
 * regression sets with real targets. */
#define RL_DATASET_FIRST_REGRESSION RL_DATASET_TEACHER

/* How rl_data_load_csv_as reads the third column. */
enum rl_csv_targets {
    RL_CSV_LABELS, /* exactly 0 or 1, both classes present */
    RL_CSV_REAL,   /* any finite real (regression) */
};

struct rl_data {
    int n;          /* number of samples */
    float *x;       /* (n, 2) row-major, sample i is x[2i], x[2i+1] */
    float *y;       /* (n) targets: labels 0.0f/1.0f (or -1/+1 after
                       rl_data_labels_pm1), reals for regression */
    double sxx[4];  /* X^T X / n, (2, 2) row-major; set by rl_data_update_moments */
    double sxy[2];  /* X^T y / n, (2) */
    double syy;     /* y^T y / n */
    struct rl_teacher teacher; /* the teacher that made y; k = 0: none */
};

/* Name of a built-in dataset ("blobs", ...). */
const char *rl_dataset_name(enum rl_dataset kind);

/* Parse a dataset name; false when unknown. */
bool rl_dataset_parse(const char *name, enum rl_dataset *kind);

/* True for the regression sets (teacher, wave, ridge): real targets. */
bool rl_dataset_is_regression(enum rl_dataset kind);

/* Allocate room for n samples (n >= 0), zeroed. False on out of memory. */
bool rl_data_init(struct rl_data *d, int n);

/* Free the buffers; safe on a zeroed or already destroyed struct. */
void rl_data_destroy(struct rl_data *d);

/* Recompute sxx, sxy, syy from x and y (in double). */
void rl_data_update_moments(struct rl_data *d);

/* Fill d (initialised by the call) with n samples of a built-in dataset,
 * half of each class (class 1 gets the extra one when n is odd), with
 * isotropic Gaussian noise of standard deviation `noise` (the dataset's own
 * scale is about 1). Same (kind, n, noise, seed) -> same bytes. For the
 * regression sets this is rl_data_generate_with(..., NULL). */
bool rl_data_generate(struct rl_data *d, enum rl_dataset kind, int n,
                      double noise, uint64_t seed);

/* As rl_data_generate, with the teacher's options for RL_DATASET_TEACHER
 * (NULL: the defaults of rl_teacher.h; ignored for the other sets).
 *
 * The two-class sets are drawn exactly as by rl_data_generate. The
 * regression sets put the noise on the targets, not the inputs:
 *   y_i = f(x_i) + noise * e_i,  e_i ~ N(0, 1),
 * one normal per sample drawn after the sample's input (also when noise is
 * 0, so noise = 0 follows the same stream). Inputs: teacher as the options
 * say (unit circle or N(0, I)); wave and ridge uniform in [-2, 2]^2. The
 * teacher is drawn first (rl_teacher_draw, same stream), so it does not
 * depend on n, and is kept in d->teacher. Same arguments -> same bytes. */
bool rl_data_generate_with(struct rl_data *d, enum rl_dataset kind, int n,
                           double noise, uint64_t seed,
                           const struct rl_teacher_opts *teacher);

/* The noise-free target of a regression set at x = (x0, x1): the teacher's
 * f*(x) (t: the data's teacher), sin(pi x0 / 2) cos(pi x1 / 2) for wave,
 * exp(-2 (v . x)^2) with v = (1/2, sqrt(3)/2) for ridge. kind must be a
 * regression set (assert). */
double rl_dataset_target(enum rl_dataset kind, const struct rl_teacher *t,
                         double x0, double x1);

/* Turn labels 0/1 into -1/+1 in place (y -> 2y - 1) and update the
 * moments; the data-level transform for "--labels pm1". False, with d
 * unchanged, when some target is not exactly 0 or 1. */
bool rl_data_labels_pm1(struct rl_data *d);

/* Load a CSV of rows "x,y,label" (an optional first header row whose fields
 * are not numbers; blank lines, RFC 4180 double-quoted fields and LF, CRLF
 * or CR-only line ends accepted). path must be a regular file of at most
 * 4 GiB with lines of at most 1 MiB, and its name free of control
 * characters (the name is written back into checkpoints, shard files and
 * frames.csv, which are line based). On any problem
 * returns false, leaves d zeroed and writes one line to err of the form
 * "FILE:LINE: problem" (or "FILE: problem"): wrong column count,
 * non-numeric field, NaN/Inf, label not 0/1, a single class only, empty
 * file, unreadable file. Nothing partially loaded is kept. */
bool rl_data_load_csv(struct rl_data *d, const char *path,
                      char *err, size_t errlen);

/* rl_data_load_csv with a choice for the third column: RL_CSV_LABELS is
 * exactly rl_data_load_csv; RL_CSV_REAL takes any finite real there (rows
 * "x,y,target"), checked like the first two columns ("FILE:LINE: column 3
 * ('abc') is not a number", "... is NaN or infinite", "... too large"),
 * and needs no classes. */
bool rl_data_load_csv_as(struct rl_data *d, const char *path,
                         enum rl_csv_targets targets, char *err,
                         size_t errlen);

/* Split `all` into train and test: a seeded shuffle, then the first
 * round(test_fraction * n) samples go to test; both keep all's teacher.
 * 0 < test_fraction < 1 and both parts must keep at least 2 samples; false
 * (with err) otherwise. */
bool rl_data_split(const struct rl_data *all, double test_fraction,
                   uint64_t seed, struct rl_data *train, struct rl_data *test,
                   char *err, size_t errlen);

/* Deep copy src into dst (initialised by the call). */
bool rl_data_copy(struct rl_data *dst, const struct rl_data *src);

/* Write d to f with a header: "x,y,label" with labels as 0/1, or
 * "x,y,target" when the targets are not all 0 or 1 (regression, -1/+1).
 * Floats as %.9g (every float reads back exactly), or with `shortest` in
 * the shortest form that reads back to the same float (a loaded file's
 * 0.1 stays 0.1). False when a write failed (errno set). To write a file
 * whole, use rl_data_save_csv (io/rl_data_file.h). */
bool rl_data_write_csv_rows(const struct rl_data *d, FILE *f, bool shortest);

/* Bounding box of the samples: out = {xmin, xmax, ymin, ymax}. */
void rl_data_bounds(const struct rl_data *d, float out[4]);

#endif
