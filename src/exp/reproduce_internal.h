/* reproduce_internal.h: what the presets of `richlazy reproduce` share:
 * their run functions, small figure helpers (one look for every preset's
 * figure: white background, labelled axes, rich orange and lazy blue) and
 * a reader for the CSV files the engine's commands write.
 * Private to src/exp/reproduce*.c.
 */
#ifndef RL_REPRODUCE_INTERNAL_H
#define RL_REPRODUCE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rl_canvas.h"
#include "rl_config.h"
#include "rl_plot.h"
#include "rl_reproduce.h"

/* ---- presets (one file each family) ---- */
bool rl_preset_seed1(struct rl_repro *r, char *err, size_t errlen);
bool rl_preset_seed2(struct rl_repro *r, char *err, size_t errlen);
bool rl_preset_seed3(struct rl_repro *r, char *err, size_t errlen);
bool rl_preset_seed4(struct rl_repro *r, char *err, size_t errlen);
bool rl_preset_saxe2014(struct rl_repro *r, char *err, size_t errlen);
bool rl_preset_woodworth2020(struct rl_repro *r, char *err,
                             size_t errlen);
bool rl_preset_chizat2019(struct rl_repro *r, char *err, size_t errlen);
bool rl_preset_kunin2024(struct rl_repro *r, char *err, size_t errlen);
bool rl_preset_geiger2020(struct rl_repro *r, char *err, size_t errlen);
bool rl_preset_lee2019(struct rl_repro *r, char *err, size_t errlen);
void rl_preset_seed1_window(struct rl_config *cfg);
void rl_preset_chizat2019_window(struct rl_config *cfg);
void rl_preset_kunin2024_window(struct rl_config *cfg);
void rl_preset_seed2_window(struct rl_config *cfg);

/* ---- figures ---- */
#define RP_RICH 0xFFD55E00u     /* the window's rich orange */
#define RP_LAZY 0xFF0072B2u     /* the window's lazy blue */
#define RP_INK 0xFF222222u
#define RP_MUTED 0xFF777777u
#define RP_AXIS 0xFF555555u
#define RP_GRID 0xFFE8E8E8u

struct rp_fig {
    struct rl_canvas cv;
    struct rl_font title, label, tick;
};

/* A w x h white figure with a title line and a grey subtitle line. */
bool rp_fig_init(struct rp_fig *f, int w, int h, const char *title,
                 const char *subtitle, char *err, size_t errlen);
void rp_fig_destroy(struct rp_fig *f);
/* Write the figure as PNG (tEXt Title = title). */
bool rp_fig_save(struct rp_fig *f, const char *path, const char *title,
                 char *err, size_t errlen);

struct rp_panel {
    float x, y, w, h;
    struct rl_axis ax, ay;
};

/* Set up a panel and draw its grid, ticks, axis titles and title. */
void rp_panel_init(struct rp_fig *f, struct rp_panel *p, float x, float y,
                   float w, float h, double xlo, double xhi, bool xlog,
                   double ylo, double yhi, bool ylog, const char *xlabel,
                   const char *ylabel, const char *title);

/* A line through (x[i], y[i]), clipped to the panel; non-finite points
 * (or non-positive on a log axis) break it. */
void rp_line(struct rp_fig *f, const struct rp_panel *p, const double *x,
             const double *y, int n, uint32_t color, float width,
             bool dashed);

/* Markers at (x[i], y[i]). */
void rp_points(struct rp_fig *f, const struct rp_panel *p, const double *x,
               const double *y, int n, uint32_t color, float radius);

/* Legend box in a corner of p (0 top-left, 1 top-right, 2 bottom-left,
 * 3 bottom-right); style[i]: 0 line, 1 dashed line, 2 marker, 3 ring. */
void rp_legend(struct rp_fig *f, const struct rp_panel *p, int corner,
               const char *const *labels, const uint32_t *colors,
               const int *style, int n);

/* A range covering the finite values (positive ones when log), padded:
 * whole decades when log. */
void rp_range(const double *v, int n, bool log, double *lo, double *hi);

/* ---- CSV files written by the commands ---- */
struct rp_csv {
    int ncols, nrows;
    char **cols;        /* (ncols) header names */
    char **cells;       /* (nrows, ncols) field text */
    char *buf;
};

/* Read a comma-separated file with a header line; false with err. */
bool rp_csv_read(struct rp_csv *c, const char *path, char *err,
                 size_t errlen);
void rp_csv_destroy(struct rp_csv *c);
/* Column index of name, -1 when absent. */
int rp_csv_col(const struct rp_csv *c, const char *name);
/* Field (row, col) as a number (NaN when not one). */
double rp_csv_num(const struct rp_csv *c, int row, int col);
const char *rp_csv_str(const struct rp_csv *c, int row, int col);

#endif
