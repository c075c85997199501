/* rl_plot.h: plot geometry, pure (no SDL): data -> pixel mapping on linear
 * or log axes, "nice" tick positions with labels, and smooth autoscaling.
 *
 * An axis maps the data interval [lo, hi] onto the pixel interval
 * [p0, p1] (p1 < p0 is fine: y axes grow upwards). On a log axis the
 * mapping is linear in log10(v) and lo, hi must be > 0.
 */
#ifndef RL_PLOT_H
#define RL_PLOT_H

#include <stdbool.h>
#include <stddef.h>

struct rl_axis {
    double lo, hi;      /* data range, lo < hi (log: 0 < lo) */
    bool log;           /* log10 scale */
    float p0, p1;       /* pixels of lo and hi */
};

/* Set an axis; swaps lo/hi when reversed, widens an empty range around its
 * value, and for log axes replaces non-positive bounds by small positive
 * ones, so the result is always usable. */
void rl_axis_set(struct rl_axis *a, double lo, double hi, bool log, float p0,
                 float p1);

/* Data value -> pixel. Non-positive values on a log axis and non-finite
 * values map to NaN (callers skip them). Values outside [lo, hi] map
 * outside [p0, p1] (the canvas clips). */
float rl_axis_map(const struct rl_axis *a, double v);

/* Pixel -> data value (inverse of rl_axis_map). */
double rl_axis_unmap(const struct rl_axis *a, float p);

#define RL_TICKS_MAX 24

struct rl_ticks {
    int n;                          /* major ticks with labels */
    double v[RL_TICKS_MAX];
    char label[RL_TICKS_MAX][24];   /* UTF-8, e.g. "0.5", "2e-4", "10⁻³" */
    int nminor;                     /* minor ticks (log axes: 2..9 x 10^k) */
    double minor[RL_TICKS_MAX * 2];
};

/* Nice linear ticks in [lo, hi] at steps of 1, 2 or 5 x 10^k, about
 * `target` of them (>= 2); labels with just enough digits to differ. */
void rl_ticks_linear(double lo, double hi, int target, struct rl_ticks *t);

/* Log ticks in [lo, hi] (0 < lo < hi): one major tick per decade labelled
 * "10^k" with superscript digits (every m-th decade when there are more
 * than `target`), minor ticks at 2..9 x 10^k when few decades show. */
void rl_ticks_log(double lo, double hi, int target, struct rl_ticks *t);

/* Ticks for the axis as it is set (linear or log). */
void rl_ticks_for(const struct rl_axis *a, int target, struct rl_ticks *t);

/* Format v compactly with about `digits` significant digits ("0.001",
 * "2.5e-4", "1200", "0"); the same style as the status line. */
void rl_format_num(char *buf, size_t len, double v, int digits);

/* A rate for people: "2110", "21.1k", "1.3M" (no exponents). */
void rl_format_rate(char *buf, size_t len, double v);

/* Smooth autoscaling of one axis range.
 *
 * Each update is given the data's current [min, max]. The range grows at
 * once (with a margin) when data would leave it, and shrinks only when the
 * data fill less than half of it, then gently (a fraction per update), so
 * the axes never jitter from frame to frame. A locked range never moves. */
struct rl_autoscale {
    double lo, hi;      /* the range to draw */
    bool valid;         /* false until the first update */
    bool locked;        /* frozen by the user */
    bool log;           /* work in log10 (data must be > 0) */
    double margin;      /* fraction of the span added on each side (0.08) */
    double rate;        /* shrink fraction per update (0.15) */
    bool symmetric;     /* keep the range symmetric about 0 */
    bool shrinking;     /* internal: a shrink is under way */
};

/* A fresh autoscale: margin 0.08, rate 0.15. */
void rl_autoscale_init(struct rl_autoscale *s, bool log, bool symmetric);

/* Move the range towards [dmin, dmax] as described above. Non-finite or
 * (log) non-positive inputs are ignored. */
void rl_autoscale_update(struct rl_autoscale *s, double dmin, double dmax);

/* Jump straight to the data (next update starts from there). */
void rl_autoscale_reset(struct rl_autoscale *s);

/* Label placement for marker lines, so labels never overprint.
 *
 * Label i (width w[i], height h pixels) belongs to a vertical line at
 * x[i]. It goes just right of its line, or left of it when it would leave
 * [xmin, xmax], in the first of `rows` rows (row k at y0 + k * row_h)
 * where it keeps `gap` pixels from every label placed before it and from
 * the box `avoid` (x0, y0, x1, y1; e.g. the legend; NULL: none). Fills
 * out_x[i], out_y[i] (top-left corner) and returns how many were placed;
 * a label with no free row gets out_x[i] = NAN (leave it out). */
int rl_place_labels(int n, const float *x, const float *w, float h,
                    float xmin, float xmax, float y0, float row_h, int rows,
                    const float *avoid, float gap, float *out_x,
                    float *out_y);

#endif
