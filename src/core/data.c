/* data.c: built-in 2-D two-class datasets, CSV load/save, train/test split
 * and the moments Sxx, Sxy the linear fast path needs (see rl_data.h). */
#include "rl_data.h"

#include "rl_rng.h"

#include <assert.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A CSV bigger than this is almost surely a mistake, and 50M rows already
 * take 600 MB as floats: refuse with a message instead of swapping. */
#define RL_DATA_MAX_ROWS 50000000

static const char *const dataset_names[RL_DATASET_COUNT] = {
    [RL_DATASET_BLOBS] = "blobs",
    [RL_DATASET_XOR] = "xor",
    [RL_DATASET_CIRCLES] = "circles",
    [RL_DATASET_SPIRAL] = "spiral",
};

/* Write one line into err (if the caller gave room for it). */
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

const char *rl_dataset_name(enum rl_dataset kind)
{
    assert(kind >= 0 && kind < RL_DATASET_COUNT);
    return dataset_names[kind];
}

bool rl_dataset_parse(const char *name, enum rl_dataset *kind)
{
    if (!name)
        return false;
    for (int k = 0; k < RL_DATASET_COUNT; k++) {
        if (!strcmp(name, dataset_names[k])) {
            *kind = (enum rl_dataset)k;
            return true;
        }
    }
    return false;
}

bool rl_data_init(struct rl_data *d, int n)
{
    assert(n >= 0);
    memset(d, 0, sizeof(*d));
    /* at least one element, so a NULL pointer always means "no memory" */
    size_t cap = n > 0 ? (size_t)n : 1;
    d->x = calloc(2 * cap, sizeof(float));
    d->y = calloc(cap, sizeof(float));
    if (!d->x || !d->y) {
        rl_data_destroy(d);
        return false;
    }
    d->n = n;
    return true;
}

void rl_data_destroy(struct rl_data *d)
{
    free(d->x);
    free(d->y);
    memset(d, 0, sizeof(*d));
}

void rl_data_update_moments(struct rl_data *d)
{
    double sxx[4] = {0}, sxy[2] = {0}, syy = 0.0;
    for (int i = 0; i < d->n; i++) {
        double x0 = d->x[2 * i], x1 = d->x[2 * i + 1], y = d->y[i];
        sxx[0] += x0 * x0;
        sxx[1] += x0 * x1;
        sxx[3] += x1 * x1;
        sxy[0] += x0 * y;
        sxy[1] += x1 * y;
        syy += y * y;
    }
    sxx[2] = sxx[1];
    double inv = d->n > 0 ? 1.0 / d->n : 0.0;
    for (int k = 0; k < 4; k++)
        d->sxx[k] = sxx[k] * inv;
    for (int k = 0; k < 2; k++)
        d->sxy[k] = sxy[k] * inv;
    d->syy = syy * inv;
}

/* ---- generators: each returns the noise-free point of one sample ---- */

/* Blobs must be learnable by a linear net WITHOUT bias: out = b.x,
 * least squares on 0/1 labels, class 1 when out > 0.5. With no intercept
 * the fit is shrunk towards the origin, so the centres must sit far enough
 * out. Population accuracy of the no-bias LS fit at noise 0.5:
 *   (2.0, 0.5) / (0.5, 2.0)    95.8%  (too low)
 *   (2.5, 0.5) / (0.5, 2.5)    98.9%  (some n = 200 draws fall to 96.5%)
 *   (2.75, 0.5) / (0.5, 2.75)  99.5%  (chosen; n = 200 worst 97.5%)
 * Class 1 at (2.75, 0.5), class 0 at (0.5, 2.75): mirror images about the
 * diagonal, so neither axis is special and the boundary is oblique. */
static void gen_blobs(struct rl_rng *rng, int label, double p[2])
{
    (void)rng;
    p[0] = label ? 2.75 : 0.5;
    p[1] = label ? 0.5 : 2.75;
}

/* Four corners (+-1.5, +-1.5); label 1 where the signs of x and y agree
 * (quadrants I and III), label 0 in quadrants II and IV. */
static void gen_xor(struct rl_rng *rng, int label, double p[2])
{
    double s = rl_rng_below(rng, 2) ? 1.0 : -1.0;
    p[0] = 1.5 * s;
    p[1] = label ? 1.5 * s : -1.5 * s;
}

/* Label 1: uniform in a disc of radius 0.7 (sqrt makes the area density
 * uniform). Label 0: a ring of radii 1.8..2.2, so it looks like a ring even
 * with little noise. */
static void gen_circles(struct rl_rng *rng, int label, double p[2])
{
    double u = rl_rng_uniform(rng);
    double theta = 2.0 * M_PI * rl_rng_uniform(rng);
    double r = label ? 0.7 * sqrt(u) : 1.8 + 0.4 * u;
    p[0] = r * cos(theta);
    p[1] = r * sin(theta);
}

/* Two Archimedean spirals r = 2t, theta = 3 pi t + label pi, t in [0, 1):
 * 1.5 turns out to radius 2; the arms are 2/3 apart radially, so noise up
 * to ~0.2 keeps them distinct. */
static void gen_spiral(struct rl_rng *rng, int label, double p[2])
{
    double t = rl_rng_uniform(rng);
    double theta = 3.0 * M_PI * t + (label ? M_PI : 0.0);
    p[0] = 2.0 * t * cos(theta);
    p[1] = 2.0 * t * sin(theta);
}

typedef void (*gen_fn)(struct rl_rng *rng, int label, double p[2]);

static const gen_fn generators[RL_DATASET_COUNT] = {
    [RL_DATASET_BLOBS] = gen_blobs,
    [RL_DATASET_XOR] = gen_xor,
    [RL_DATASET_CIRCLES] = gen_circles,
    [RL_DATASET_SPIRAL] = gen_spiral,
};

bool rl_data_generate(struct rl_data *d, enum rl_dataset kind, int n,
                      double noise, uint64_t seed)
{
    assert(kind >= 0 && kind < RL_DATASET_COUNT);
    assert(n >= 0);
    assert(noise >= 0.0 && isfinite(noise));
    if (!rl_data_init(d, n))
        return false;
    struct rl_rng rng;
    rl_rng_seed(&rng, seed, RL_STREAM_DATA);
    for (int i = 0; i < n; i++) {
        /* interleaved 1, 0, 1, 0, ...: the even indices, ceil(n/2) of
         * them, are class 1 */
        int label = i % 2 == 0;
        double p[2];
        generators[kind](&rng, label, p);
        /* always draw both normals, so noise = 0 follows the same stream */
        double e0 = rl_rng_normal(&rng), e1 = rl_rng_normal(&rng);
        d->x[2 * i] = (float)(p[0] + noise * e0);
        d->x[2 * i + 1] = (float)(p[1] + noise * e1);
        d->y[i] = (float)label;
    }
    rl_data_update_moments(d);
    return true;
}

/* ---- CSV loading ---- */

/* Growable sample arrays while reading a CSV. */
struct rows {
    float *x; /* (cap, 2) */
    float *y; /* (cap) */
    size_t n, cap;
};

/* Room for one more row; doubles the capacity, so n rows cost O(n). */
static bool rows_reserve(struct rows *r)
{
    if (r->n < r->cap)
        return true;
    size_t cap = r->cap ? 2 * r->cap : 1024;
    float *x = realloc(r->x, 2 * cap * sizeof(float));
    if (!x)
        return false;
    r->x = x;
    float *y = realloc(r->y, cap * sizeof(float));
    if (!y)
        return false;
    r->y = y;
    r->cap = cap;
    return true;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Trim spaces and tabs around s in place; returns the new start. */
static char *trim(char *s)
{
    while (is_blank(*s))
        s++;
    size_t len = strlen(s);
    while (len > 0 && is_blank(s[len - 1]))
        s[--len] = '\0';
    return s;
}

/* strtod of the whole field; false when empty or anything is left over.
 * (strtod follows LC_NUMERIC; the program stays in the "C" locale.) */
static bool parse_number(const char *s, double *v)
{
    if (!*s || strpbrk(s, "xX"))
        return false; /* decimal only: strtod would also take hex "0x10" */
    char *end;
    *v = strtod(s, &end);
    return *end == '\0';
}

/* A short, printable copy of a field for error messages. */
static void quote_field(char *out, size_t outlen, const char *s)
{
    size_t max = outlen - 4, k = 0; /* room for "..." and NUL */
    for (; s[k] && k < max; k++)
        out[k] = (s[k] >= 0x20 && s[k] < 0x7f) ? s[k] : '?';
    if (s[k])
        memcpy(out + k, "...", 4);
    else
        out[k] = '\0';
}

/* Split line into at most nmax fields at commas, trimmed; returns the
 * number of fields found (which may exceed nmax; extras are dropped). */
static int split_fields(char *line, char **fields, int nmax)
{
    int count = 0;
    for (char *p = line;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (count < nmax)
            fields[count] = trim(p);
        count++;
        if (!comma)
            return count;
        p = comma + 1;
    }
}

/* The header is the first non-blank line when it has three fields and none
 * of them is a number ("x,y,label"); a line mixing numbers and text is a data row with
 * a bad field, and is reported as such. */
static bool is_header(char *const *fields, int count)
{
    for (int k = 0; k < count; k++) {
        double v;
        if (parse_number(fields[k], &v))
            return false;
    }
    return true;
}

/* Parse the three fields of a data row; on error writes err and returns
 * false. */
static bool parse_row(char *const *fields, float out[3], const char *path,
                      long line, char *err, size_t errlen)
{
    char q[48];
    for (int k = 0; k < 2; k++) {
        double v;
        quote_field(q, sizeof(q), fields[k]);
        if (!*fields[k]) {
            set_err(err, errlen, "%s:%ld: column %d is empty", path, line,
                    k + 1);
            return false;
        }
        if (!parse_number(fields[k], &v)) {
            set_err(err, errlen, "%s:%ld: column %d ('%s') is not a number",
                    path, line, k + 1, q);
            return false;
        }
        if (!isfinite(v)) {
            set_err(err, errlen, "%s:%ld: column %d is NaN or infinite",
                    path, line, k + 1);
            return false;
        }
        /* finite as a double but not as the float we store */
        if (fabs(v) > FLT_MAX) {
            set_err(err, errlen, "%s:%ld: column %d ('%s') is too large "
                    "(beyond float range)", path, line, k + 1, q);
            return false;
        }
        out[k] = (float)v;
    }
    double label;
    if (!parse_number(fields[2], &label) || (label != 0.0 && label != 1.0)) {
        quote_field(q, sizeof(q), fields[2]);
        set_err(err, errlen, "%s:%ld: label '%s' is not 0 or 1", path, line,
                q);
        return false;
    }
    out[2] = (float)label;
    return true;
}

/* Per-file reading state, so the line handler stays small. */
struct csv_reader {
    const char *path;
    long line;        /* 1-based number of the current line */
    bool seen_line;   /* a non-blank line was seen (header or data) */
    bool had_header;
    struct rows rows;
    size_t count[2];  /* rows per class */
};

/* Handle one line (without its newline); false with err on a problem. */
static bool csv_line(struct csv_reader *rd, char *line, char *err,
                     size_t errlen)
{
    /* a UTF-8 byte order mark, as spreadsheet programs write it */
    if (rd->line == 1 && !strncmp(line, "\xEF\xBB\xBF", 3))
        line += 3;
    size_t len = strlen(line);
    if (len > 0 && line[len - 1] == '\r') /* CRLF */
        line[--len] = '\0';
    if (!*trim(line))
        return true;

    char *fields[3];
    int count = split_fields(line, fields, 3);
    bool first = !rd->seen_line;
    rd->seen_line = true;
    if (first && count == 3 && is_header(fields, 3)) {
        rd->had_header = true;
        return true;
    }
    if (count != 3) {
        /* a semicolon or tab separated file is a common slip: say so */
        bool other_sep = count == 1 && strpbrk(fields[0], ";\t");
        set_err(err, errlen, "%s:%ld: expected 3 columns (x,y,label), "
                "found %d%s", rd->path, rd->line, count,
                other_sep ? " (columns must be separated by commas)" : "");
        return false;
    }
    float v[3];
    if (!parse_row(fields, v, rd->path, rd->line, err, errlen))
        return false;
    if (rd->rows.n >= RL_DATA_MAX_ROWS) {
        set_err(err, errlen, "%s:%ld: more than %d data rows; refusing to "
                "load (subsample the file)", rd->path, rd->line,
                RL_DATA_MAX_ROWS);
        return false;
    }
    if (!rows_reserve(&rd->rows)) {
        set_err(err, errlen, "%s:%ld: out of memory after %zu rows",
                rd->path, rd->line, rd->rows.n);
        return false;
    }
    size_t i = rd->rows.n++;
    rd->rows.x[2 * i] = v[0];
    rd->rows.x[2 * i + 1] = v[1];
    rd->rows.y[i] = v[2];
    rd->count[v[2] != 0.0f]++;
    return true;
}

/* Read every line of f; false with err on the first problem. */
static bool csv_read(struct csv_reader *rd, FILE *f, char *err,
                     size_t errlen)
{
    char *line = NULL;
    size_t cap = 0;
    bool ok = true;
    for (;;) {
        errno = 0;
        ssize_t got = getline(&line, &cap, f); /* lines of any length */
        if (got < 0) {
            if (ferror(f)) {
                set_err(err, errlen, "%s:%ld: read error: %s", rd->path,
                        rd->line + 1, strerror(errno ? errno : EIO));
                ok = false;
            }
            break;
        }
        rd->line++;
        if (got > 0 && line[got - 1] == '\n')
            line[--got] = '\0';
        if (strlen(line) != (size_t)got) {
            set_err(err, errlen, "%s:%ld: line contains a NUL byte; "
                    "is this a text CSV file?", rd->path, rd->line);
            ok = false;
            break;
        }
        if (!csv_line(rd, line, err, errlen)) {
            ok = false;
            break;
        }
    }
    free(line);
    return ok;
}

/* Whole-file checks once every line was read. */
static bool csv_check(const struct csv_reader *rd, char *err, size_t errlen)
{
    if (rd->rows.n == 0) {
        set_err(err, errlen, "%s: no data rows (%s)", rd->path,
                rd->had_header ? "only a header line" : "empty file");
        return false;
    }
    for (int c = 0; c < 2; c++) {
        if (rd->count[c] == 0) {
            set_err(err, errlen, "%s: only class %d present; need both "
                    "classes 0 and 1", rd->path, 1 - c);
            return false;
        }
    }
    return true;
}

/* Open path for reading, refusing directories (which fopen accepts). */
static FILE *csv_open(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        set_err(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        set_err(err, errlen, "%s: cannot open: %s", path, strerror(EISDIR));
        fclose(f);
        return NULL;
    }
    return f;
}

bool rl_data_load_csv(struct rl_data *d, const char *path,
                      char *err, size_t errlen)
{
    memset(d, 0, sizeof(*d));
    FILE *f = csv_open(path, err, errlen);
    if (!f)
        return false;
    struct csv_reader rd = {.path = path};
    bool ok = csv_read(&rd, f, err, errlen) && csv_check(&rd, err, errlen);
    fclose(f);
    if (!ok)
        goto fail;
    /* hand the arrays over, trimmed to size (keep them if that fails) */
    float *x = realloc(rd.rows.x, 2 * rd.rows.n * sizeof(float));
    float *y = realloc(rd.rows.y, rd.rows.n * sizeof(float));
    d->x = x ? x : rd.rows.x;
    d->y = y ? y : rd.rows.y;
    d->n = (int)rd.rows.n;
    rl_data_update_moments(d);
    return true;

fail:
    free(rd.rows.x);
    free(rd.rows.y);
    memset(d, 0, sizeof(*d));
    return false;
}

/* ---- split, copy, write, bounds ---- */

/* Copy the samples idx[0..n) of src into dst (initialised here). */
static bool gather(struct rl_data *dst, const struct rl_data *src,
                   const int *idx, int n)
{
    if (!rl_data_init(dst, n))
        return false;
    for (int i = 0; i < n; i++) {
        dst->x[2 * i] = src->x[2 * idx[i]];
        dst->x[2 * i + 1] = src->x[2 * idx[i] + 1];
        dst->y[i] = src->y[idx[i]];
    }
    rl_data_update_moments(dst);
    return true;
}

/* Size check for one side of a split: "leaves 1 training sample". */
static bool split_side_ok(int count, double frac, const char *side,
                          char *err, size_t errlen)
{
    if (count >= 2)
        return true;
    set_err(err, errlen, "test split %g leaves %d %s sample%s; need at "
            "least 2", frac, count, side, count == 1 ? "" : "s");
    return false;
}

/* The indices 0..n-1 in a seeded random order, or NULL on out of memory.
 * Fisher-Yates (Knuth, TAOCP vol. 2, Algorithm P). */
static int *shuffled_indices(int n, uint64_t seed)
{
    int *idx = malloc((n > 0 ? (size_t)n : 1) * sizeof(int));
    if (!idx)
        return NULL;
    for (int i = 0; i < n; i++)
        idx[i] = i;
    struct rl_rng rng;
    rl_rng_seed(&rng, seed, RL_STREAM_SPLIT);
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rl_rng_below(&rng, (uint32_t)i + 1);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
    return idx;
}

bool rl_data_split(const struct rl_data *all, double test_fraction,
                   uint64_t seed, struct rl_data *train, struct rl_data *test,
                   char *err, size_t errlen)
{
    assert(train != test);
    memset(train, 0, sizeof(*train));
    memset(test, 0, sizeof(*test));
    if (!(test_fraction > 0.0 && test_fraction < 1.0)) {
        set_err(err, errlen, "test split %g must be between 0 and 1 "
                "(exclusive)", test_fraction);
        return false;
    }
    int n = all->n;
    int ntest = (int)lround(test_fraction * n);
    if (!split_side_ok(ntest, test_fraction, "test", err, errlen) ||
        !split_side_ok(n - ntest, test_fraction, "training", err, errlen))
        return false;

    int *idx = shuffled_indices(n, seed);
    bool ok = idx && gather(test, all, idx, ntest) &&
              gather(train, all, idx + ntest, n - ntest);
    free(idx);
    if (!ok) {
        rl_data_destroy(test);
        rl_data_destroy(train);
        set_err(err, errlen, "out of memory splitting %d samples", n);
    }
    return ok;
}

bool rl_data_copy(struct rl_data *dst, const struct rl_data *src)
{
    assert(dst != src);
    if (!rl_data_init(dst, src->n))
        return false;
    memcpy(dst->x, src->x, 2 * (size_t)src->n * sizeof(float));
    memcpy(dst->y, src->y, (size_t)src->n * sizeof(float));
    memcpy(dst->sxx, src->sxx, sizeof(dst->sxx));
    memcpy(dst->sxy, src->sxy, sizeof(dst->sxy));
    dst->syy = src->syy;
    return true;
}

/* Write the rows to an open file; false on any write error. */
static bool write_rows(const struct rl_data *d, FILE *f)
{
    if (fprintf(f, "x,y,label\n") < 0)
        return false;
    for (int i = 0; i < d->n; i++) {
        /* %.9g: enough digits that every float reads back exactly */
        if (fprintf(f, "%.9g,%.9g,%d\n", d->x[2 * i], d->x[2 * i + 1],
                    d->y[i] != 0.0f) < 0)
            return false;
    }
    return fflush(f) == 0 && !ferror(f);
}

bool rl_data_write_csv_rows(const struct rl_data *d, FILE *f)
{
    return write_rows(d, f);
}

void rl_data_bounds(const struct rl_data *d, float out[4])
{
    if (d->n == 0) {
        out[0] = -1.0f;
        out[1] = 1.0f;
        out[2] = -1.0f;
        out[3] = 1.0f;
        return;
    }
    out[0] = out[1] = d->x[0];
    out[2] = out[3] = d->x[1];
    for (int i = 1; i < d->n; i++) {
        float px = d->x[2 * i], py = d->x[2 * i + 1];
        out[0] = fminf(out[0], px);
        out[1] = fmaxf(out[1], px);
        out[2] = fminf(out[2], py);
        out[3] = fmaxf(out[3], py);
    }
}
