/* data.c: built-in 2-D two-class datasets, CSV load/save, train/test split
 * and the moments Sxx, Sxy the linear fast path needs (see rl_data.h). The
 * regression sets are drawn in data_regression.c. */
#include "rl_data.h"

#include "rl_readfile.h"
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
/* The file may hold at most this many bytes (50M rows of "%.9g,%.9g,1"
 * fit with room to spare) and a line at most RL_DATA_MAX_LINE bytes: an
 * endless or mistaken file is refused instead of read forever. */
#define RL_DATA_MAX_BYTES ((uint64_t)4 << 30)
#define RL_DATA_MAX_LINE (1 << 20)

static const char *const dataset_names[RL_DATASET_COUNT] = {
    [RL_DATASET_BLOBS] = "blobs",
    [RL_DATASET_XOR] = "xor",
    [RL_DATASET_CIRCLES] = "circles",
    [RL_DATASET_SPIRAL] = "spiral",
    [RL_DATASET_TEACHER] = "teacher",
    [RL_DATASET_WAVE] = "wave",
    [RL_DATASET_RIDGE] = "ridge",
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

/* the two-class sets; the regression sets have no entry here */
static const gen_fn generators[RL_DATASET_FIRST_REGRESSION] = {
    [RL_DATASET_BLOBS] = gen_blobs,
    [RL_DATASET_XOR] = gen_xor,
    [RL_DATASET_CIRCLES] = gen_circles,
    [RL_DATASET_SPIRAL] = gen_spiral,
};

bool rl_data_generate(struct rl_data *d, enum rl_dataset kind, int n,
                      double noise, uint64_t seed)
{
    assert(kind >= 0 && kind < RL_DATASET_COUNT);
    if (rl_dataset_is_regression(kind))
        return rl_data_generate_with(d, kind, n, noise, seed, NULL);
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

/* Split line into at most nmax fields at commas, RFC 4180 style: a field
 * may be wrapped in double quotes (commas inside stay, "" is one quote),
 * as csv.QUOTE_ALL and spreadsheet exporters write it; spaces and tabs
 * around a field are dropped. Unquotes in place. Returns the number of
 * fields found (which may exceed nmax; extras are dropped), or -(k+1)
 * when the quote opened in field k is not closed. */
static int split_fields(char *line, char **fields, int nmax)
{
    int count = 0;
    char *p = line;
    for (;;) {
        while (is_blank(*p))
            p++;
        char *start = p, *end;
        if (*p == '"') {
            char *w = start;
            for (p++;; p++) {
                if (!*p)
                    return -(count + 1);
                if (*p == '"') {
                    if (p[1] != '"')
                        break;
                    p++;
                }
                *w++ = *p;
            }
            end = w;
            p++; /* the closing quote */
            while (is_blank(*p))
                p++;
            /* text after the closing quote stays in the field, so a
             * stray '"1"x' is reported as not a number */
            char *rest = p;
            while (*p && *p != ',')
                p++;
            size_t extra = (size_t)(p - rest);
            memmove(end, rest, extra);
            end += extra;
        } else {
            while (*p && *p != ',')
                p++;
            end = p;
            while (end > start && is_blank(end[-1]))
                end--;
        }
        bool more = *p == ',';
        *end = '\0';
        if (count < nmax)
            fields[count] = start;
        count++;
        if (!more)
            return count;
        p++;
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
 * false. With real targets the third column is read like the first two. */
static bool parse_row(char *const *fields, float out[3], bool real,
                      const char *path, long line, char *err, size_t errlen)
{
    char q[48];
    for (int k = 0; k < (real ? 3 : 2); k++) {
        double v;
        quote_field(q, sizeof(q), fields[k]);
        if (!*fields[k]) {
            set_err(err, errlen, "%s:%ld: column %d is empty", path, line,
                    k + 1);
            return false;
        }
        if (!parse_number(fields[k], &v)) {
            /* name the common causes: ';' separators, decimal commas */
            const char *hint =
                strchr(fields[k], ';')
                    ? " (columns must be separated by commas, not ';')"
                : strchr(fields[k], ',')
                    ? " (a decimal comma? write the number with a point)"
                    : "";
            set_err(err, errlen, "%s:%ld: column %d ('%s') is not a "
                    "number%s", path, line, k + 1, q, hint);
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
    if (real)
        return true;
    double label;
    if (!*fields[2]) {
        set_err(err, errlen, "%s:%ld: column 3 is empty", path, line);
        return false;
    }
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
    bool real;        /* third column: any finite real, not a 0/1 label */
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
    if (!*trim(line))
        return true;
    size_t len = strlen(line);
    bool trailing_comma = len > 0 && line[len - 1] == ',';

    char *fields[3];
    int count = split_fields(line, fields, 3);
    if (count < 0) {
        set_err(err, errlen, "%s:%ld: the quote opened in column %d is not "
                "closed", rd->path, rd->line, -count);
        return false;
    }
    bool first = !rd->seen_line;
    rd->seen_line = true;
    if (first && count == 3 && is_header(fields, 3)) {
        rd->had_header = true;
        return true;
    }
    if (count != 3) {
        /* a semicolon or tab separated file is a common slip: say so */
        bool other_sep = count == 1 && strpbrk(fields[0], ";\t");
        set_err(err, errlen, "%s:%ld: expected 3 columns (x,y,%s), "
                "found %d%s", rd->path, rd->line,
                rd->real ? "target" : "label", count,
                other_sep ? " (columns must be separated by commas)"
                : count == 4 && trailing_comma
                    ? " (the line ends with a comma)"
                    : "");
        return false;
    }
    float v[3];
    if (!parse_row(fields, v, rd->real, rd->path, rd->line, err, errlen))
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

/* A line buffer that grows by doubling up to RL_DATA_MAX_LINE + 1 bytes. */
struct line_buf {
    char *buf;
    size_t cap;
};

/* One line of f into lb, without its end: LF, CRLF and a lone CR (old
 * Mac exports) all end a line. Returns the line's length, -1 at the end of
 * the file, -2 when the line is longer than RL_DATA_MAX_LINE, -3 on a read
 * error, -4 out of memory. A NUL byte is kept, so the caller can name it. */
static long read_line(FILE *f, struct line_buf *lb, uint64_t *bytes)
{
    size_t n = 0;
    int c;
    while ((c = getc_unlocked(f)) != EOF) {
        (*bytes)++;
        if (c == '\n')
            break;
        if (c == '\r') {
            int d = getc_unlocked(f);
            if (d == '\n')
                (*bytes)++;
            else if (d != EOF)
                ungetc(d, f);
            break;
        }
        if (n + 1 >= lb->cap) {
            if (lb->cap >= (size_t)RL_DATA_MAX_LINE + 1)
                return -2;
            size_t cap = lb->cap ? 2 * lb->cap : 4096;
            if (cap > (size_t)RL_DATA_MAX_LINE + 1)
                cap = (size_t)RL_DATA_MAX_LINE + 1;
            char *b = realloc(lb->buf, cap);
            if (!b)
                return -4;
            lb->buf = b;
            lb->cap = cap;
        }
        lb->buf[n++] = (char)c;
    }
    if (c == EOF && ferror(f))
        return -3;
    if (c == EOF && n == 0)
        return -1;
    if (!lb->buf) { /* an empty line before any text */
        lb->buf = malloc(4096);
        if (!lb->buf)
            return -4;
        lb->cap = 4096;
    }
    lb->buf[n] = '\0';
    return (long)n;
}

/* Read every line of f; false with err on the first problem. */
static bool csv_read_lines(struct csv_reader *rd, FILE *f,
                           struct line_buf *lb, char *err, size_t errlen)
{
    uint64_t bytes = 0;
    for (;;) {
        errno = 0;
        long got = read_line(f, lb, &bytes);
        if (got == -1)
            return true;
        if (got == -3) {
            set_err(err, errlen, "%s:%ld: read error: %s", rd->path,
                    rd->line + 1, strerror(errno ? errno : EIO));
            return false;
        }
        rd->line++;
        if (got == -4) {
            set_err(err, errlen, "%s:%ld: out of memory", rd->path,
                    rd->line);
            return false;
        }
        if (got == -2) {
            set_err(err, errlen, "%s:%ld: line longer than 1 MiB; is "
                    "this a CSV of x,y,label rows?", rd->path, rd->line);
            return false;
        }
        char *line = lb->buf;
        if (bytes > RL_DATA_MAX_BYTES) { /* the file grew while read */
            set_err(err, errlen, "%s:%ld: more than 4 GiB; refusing to "
                    "read on (subsample the file)", rd->path, rd->line);
            return false;
        }
        if ((rd->line & 4095) == 0 && rl_read_stopped()) {
            set_err(err, errlen, "%s:%ld: reading stopped (interrupted)",
                    rd->path, rd->line);
            return false;
        }
        if (strlen(line) != (size_t)got) {
            /* "Unicode text" from spreadsheets is UTF-16: name it */
            bool utf16 = rd->line == 1 && got >= 2 &&
                         ((line[0] == '\xFF' && line[1] == '\xFE') ||
                          (line[0] == '\xFE' && line[1] == '\xFF'));
            if (utf16)
                set_err(err, errlen, "%s:1: the file is UTF-16 (it starts "
                        "with a UTF-16 byte order mark); save it as UTF-8 "
                        "or plain CSV", rd->path);
            else
                set_err(err, errlen, "%s:%ld: line contains a NUL byte; "
                        "is this a text CSV file?", rd->path, rd->line);
            return false;
        }
        if (!csv_line(rd, line, err, errlen))
            return false;
    }
}

/* Read every line of f; false with err on the first problem. */
static bool csv_read(struct csv_reader *rd, FILE *f, char *err,
                     size_t errlen)
{
    struct line_buf lb = {NULL, 0};
    bool ok = csv_read_lines(rd, f, &lb, err, errlen);
    free(lb.buf);
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
    for (int c = 0; c < 2 && !rd->real; c++) {
        if (rd->count[c] == 0) {
            set_err(err, errlen, "%s: only class %d present; need both "
                    "classes 0 and 1", rd->path, 1 - c);
            return false;
        }
    }
    return true;
}

/* The name comes back in line-based files (checkpoint.txt, shards,
 * frames.csv): a control character (a newline above all) would break
 * them, so such a name is refused before it is used. */
static bool name_ok(const char *path, char *err, size_t errlen)
{
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p >= 0x20 && *p != 0x7f)
            continue;
        char q[48];
        quote_field(q, sizeof(q), path);
        set_err(err, errlen, "%s: the file name holds a control character "
                "(byte 0x%02x at offset %zu), which checkpoints and shard "
                "files cannot keep; rename the file", q, *p,
                (size_t)(p - (const unsigned char *)path));
        return false;
    }
    return true;
}

bool rl_data_load_csv(struct rl_data *d, const char *path,
                      char *err, size_t errlen)
{
    return rl_data_load_csv_as(d, path, RL_CSV_LABELS, err, errlen);
}

bool rl_data_load_csv_as(struct rl_data *d, const char *path,
                         enum rl_csv_targets targets, char *err,
                         size_t errlen)
{
    assert(targets == RL_CSV_LABELS || targets == RL_CSV_REAL);
    memset(d, 0, sizeof(*d));
    if (!name_ok(path, err, errlen))
        return false;
    FILE *f = rl_read_open(path, RL_DATA_MAX_BYTES, err, errlen);
    if (!f)
        return false;
    struct csv_reader rd = {.path = path, .real = targets == RL_CSV_REAL};
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
    if (ok) {
        train->teacher = all->teacher;
        test->teacher = all->teacher;
    } else {
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
    dst->teacher = src->teacher;
    return true;
}

/* True when every target is exactly 0 or 1 (two-class labels). */
static bool has_labels(const struct rl_data *d)
{
    for (int i = 0; i < d->n; i++) {
        if (d->y[i] != 0.0f && d->y[i] != 1.0f)
            return false;
    }
    return true;
}

/* The shortest %.Pg (P = 1..9) that reads back as v exactly. */
static void shortest(char *out, size_t outlen, float v)
{
    for (int p = 1; p < 9; p++) {
        snprintf(out, outlen, "%.*g", p, v);
        if (strtof(out, NULL) == v)
            return;
    }
    snprintf(out, outlen, "%.9g", v);
}

/* Write the rows to an open file; false on any write error. */
static bool write_rows(const struct rl_data *d, FILE *f, bool short_form)
{
    bool labels = has_labels(d);
    if (fprintf(f, labels ? "x,y,label\n" : "x,y,target\n") < 0)
        return false;
    for (int i = 0; i < d->n; i++) {
        int r;
        if (short_form) {
            /* the shortest form that reads back as the same float */
            char a[32], b[32], c[32];
            shortest(a, sizeof(a), d->x[2 * i]);
            shortest(b, sizeof(b), d->x[2 * i + 1]);
            if (labels) {
                r = fprintf(f, "%s,%s,%d\n", a, b, d->y[i] != 0.0f);
            } else {
                shortest(c, sizeof(c), d->y[i]);
                r = fprintf(f, "%s,%s,%s\n", a, b, c);
            }
        } else {
            /* %.9g: enough digits that every float reads back exactly */
            r = labels ? fprintf(f, "%.9g,%.9g,%d\n", d->x[2 * i],
                                 d->x[2 * i + 1], d->y[i] != 0.0f)
                       : fprintf(f, "%.9g,%.9g,%.9g\n", d->x[2 * i],
                                 d->x[2 * i + 1], d->y[i]);
        }
        if (r < 0)
            return false;
    }
    return fflush(f) == 0 && !ferror(f);
}

bool rl_data_write_csv_rows(const struct rl_data *d, FILE *f, bool shortest)
{
    return write_rows(d, f, shortest);
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
