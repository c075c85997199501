/* figures.c: sweep.png, phase.png and retrain.png (see rl_figures.h).
 * Layout and drawing only; the numbers come from rl_exp_cell_stats, the
 * same aggregates the CSV files hold. */
#include "rl_figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl_canvas.h"
#include "rl_plot.h"
#include "rl_png.h"

/* colours */
#define C_BG 0xFFFFFFFFu
#define C_INK 0xFF222222u
#define C_AXIS 0xFF555555u
#define C_GRID 0xFFE8E8E8u
#define C_MUTED 0xFF777777u
#define C_DIVERGED 0xFFBDBDBDu


struct fig {
    struct rl_canvas cv;
    struct rl_font title, label, tick, small;
};

static bool fig_init(struct fig *f, int w, int h, char *err, size_t errlen)
{
    memset(f, 0, sizeof(*f));
    if (!rl_canvas_init(&f->cv, w, h)) {
        snprintf(err, errlen, "out of memory for a %dx%d figure", w, h);
        return false;
    }
    if (!rl_font_init(&f->title, "DejaVuSans.ttf", 22, err, errlen) ||
        !rl_font_init(&f->label, "DejaVuSans.ttf", 17, err, errlen) ||
        !rl_font_init(&f->tick, "DejaVuSans.ttf", 14, err, errlen) ||
        !rl_font_init(&f->small, "DejaVuSans.ttf", 11, err, errlen)) {
        rl_font_destroy(&f->title);
        rl_font_destroy(&f->label);
        rl_font_destroy(&f->tick);
        rl_canvas_destroy(&f->cv);
        return false;
    }
    rl_canvas_clear(&f->cv, C_BG);
    return true;
}

static void fig_destroy(struct fig *f)
{
    rl_font_destroy(&f->title);
    rl_font_destroy(&f->label);
    rl_font_destroy(&f->tick);
    rl_font_destroy(&f->small);
    rl_canvas_destroy(&f->cv);
}

static bool fig_save(struct fig *f, const struct rl_exp *e, const char *dir,
                     char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s.png", dir, rl_exp_kind_name(e->kind));
    const struct rl_png_text text[] = {
        {"Software", "richlazy"},
        {"Title", rl_exp_kind_name(e->kind)},
    };
    return rl_png_write(path, f->cv.px, f->cv.w, f->cv.h, f->cv.stride, text,
                        2, err, errlen);
}

/* A plot panel: the frame at (x, y, w, h), axes mapped onto it. */
struct panel {
    float x, y, w, h;
    struct rl_axis ax, ay;
};

static void panel_set(struct panel *p, float x, float y, float w, float h,
                      double xlo, double xhi, bool xlog, double ylo,
                      double yhi, bool ylog)
{
    p->x = x;
    p->y = y;
    p->w = w;
    p->h = h;
    rl_axis_set(&p->ax, xlo, xhi, xlog, x, x + w);
    rl_axis_set(&p->ay, ylo, yhi, ylog, y + h, y);
}

/* Grid, frame, ticks with labels, axis titles and a panel title. */
static void panel_axes(struct fig *f, const struct panel *p,
                       const char *xlabel, const char *ylabel,
                       const char *title)
{
    struct rl_canvas *cv = &f->cv;
    struct rl_ticks tx, ty;
    rl_ticks_for(&p->ax, 7, &tx);
    rl_ticks_for(&p->ay, 6, &ty);
    for (int i = 0; i < tx.n; i++) {
        float px = rl_axis_map(&p->ax, tx.v[i]);
        if (!(px >= p->x - 0.5f && px <= p->x + p->w + 0.5f))
            continue;
        rl_canvas_line(cv, px, p->y, px, p->y + p->h, 1, C_GRID);
        rl_canvas_line(cv, px, p->y + p->h, px, p->y + p->h + 5, 1, C_AXIS);
        rl_canvas_text(cv, &f->tick, px, p->y + p->h + 8, tx.label[i], C_INK,
                       RL_ALIGN_CENTER | RL_ALIGN_TOP);
    }
    for (int i = 0; i < tx.nminor; i++) {
        float px = rl_axis_map(&p->ax, tx.minor[i]);
        if (px >= p->x && px <= p->x + p->w)
            rl_canvas_line(cv, px, p->y + p->h, px, p->y + p->h + 3, 1,
                           C_AXIS);
    }
    for (int i = 0; i < ty.n; i++) {
        float py = rl_axis_map(&p->ay, ty.v[i]);
        if (!(py >= p->y - 0.5f && py <= p->y + p->h + 0.5f))
            continue;
        rl_canvas_line(cv, p->x, py, p->x + p->w, py, 1, C_GRID);
        rl_canvas_line(cv, p->x - 5, py, p->x, py, 1, C_AXIS);
        /* a label at the very top would stick out of the frame into the
         * panel's title: the tick stays, its label goes */
        if (ty.n > 2 && py < p->y + 0.5f * (float)f->tick.height)
            continue;
        rl_canvas_text(cv, &f->tick, p->x - 8, py, ty.label[i], C_INK,
                       RL_ALIGN_RIGHT | RL_ALIGN_MIDDLE);
    }
    for (int i = 0; i < ty.nminor; i++) {
        float py = rl_axis_map(&p->ay, ty.minor[i]);
        if (py >= p->y && py <= p->y + p->h)
            rl_canvas_line(cv, p->x - 3, py, p->x, py, 1, C_AXIS);
    }
    rl_canvas_rect(cv, p->x, p->y, p->w, p->h, 1, C_AXIS);
    if (xlabel)
        rl_canvas_text(cv, &f->label, p->x + p->w / 2, p->y + p->h + 32,
                       xlabel, C_INK, RL_ALIGN_CENTER | RL_ALIGN_TOP);
    if (ylabel)
        rl_canvas_text_up(cv, &f->label, p->x - 68, p->y + p->h / 2, ylabel,
                          C_INK);
    if (title)
        rl_canvas_text(cv, &f->label, p->x, p->y - 10, title, C_INK,
                       RL_ALIGN_LEFT | RL_ALIGN_BOTTOM);
}

/* A swept value's colour: a sequential ramp of greens (light for the
 * smallest value, dark for the largest; ColorBrewer's "Greens" end points)
 * that is neither the rich orange nor the lazy blue, so a λ never reads
 * as a regime. k of n, in the order of the swept values. */
static uint32_t sweep_color(int k, int n)
{
    double t = n > 1 ? (double)k / (n - 1) : 1.0;
    return rl_color_mix(0xFF74C476u, 0xFF00441Bu, t);
}

/* Range of mean +- sd of metric m over cells [c0, c1), positive values
 * only when log. */
static void value_range_cells(const struct rl_exp *e,
                              const struct rl_exp_results *res, int m,
                              bool log, int c0, int c1, double *lo,
                              double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    const int nlog = rl_exp_nlog(e);
    for (int c = c0; c < c1; c++) {
        for (int k = 0; k < nlog; k++) {
            double mean, sd;
            rl_exp_cell_stats(e, res, c, k, m, &mean, &sd);
            if (!isfinite(mean))
                continue;
            double a = mean - sd, b = mean + sd;
            if (log) {
                if (mean <= 0)
                    continue;
                a = a > mean * 0.05 ? a : mean; /* keep bands from hiding the scale */
            }
            if (a < *lo)
                *lo = a;
            if (b > *hi)
                *hi = b;
        }
    }
    if (!(*lo < *hi)) {
        *lo = log ? 1e-3 : 0.0;
        *hi = 1.0;
    }
    if (log) {
        /* fitted: 5% of the log span beyond the data, not whole decades
         * (which can leave most of a panel empty) */
        double a = log10(*lo), b = log10(*hi);
        if (b - a < 0.3) {
            double mid = 0.5 * (a + b);
            a = mid - 0.15;
            b = mid + 0.15;
        }
        double pad = 0.05 * (b - a);
        *lo = pow(10, a - pad);
        *hi = pow(10, b + pad);
    } else {
        double pad = 0.05 * (*hi - *lo);
        *lo = *lo - pad < 0 && *lo >= 0 ? 0 : *lo - pad;
        *hi += pad;
    }
}

static void value_range(const struct rl_exp *e,
                        const struct rl_exp_results *res, int m, bool log,
                        double *lo, double *hi)
{
    value_range_cells(e, res, m, log, 0, e->ncells, lo, hi);
}

/* Mean line with a +-1 sd band of cell c's metric m against step. */
static void draw_band_curve(struct fig *f, const struct panel *p,
                            const struct rl_exp *e,
                            const struct rl_exp_results *res, int c, int m,
                            uint32_t color, bool dashed)
{
    const int nlog = rl_exp_nlog(e);
    struct rl_canvas *cv = &f->cv;
    rl_canvas_clip(cv, p->x, p->y, p->w, p->h);
    /* band: one filled pixel column per x, interpolated between logged
     * points, so nothing overlaps */
    int k = 0;
    for (int px = (int)ceilf(p->x); px < (int)(p->x + p->w); px++) {
        double step = rl_axis_unmap(&p->ax, px + 0.5f);
        while (k + 1 < nlog - 1 && rl_exp_log_step(e, k + 1) < step)
            k++;
        if (nlog < 2)
            break;
        double s0 = (double)rl_exp_log_step(e, k);
        double s1 = (double)rl_exp_log_step(e, k + 1);
        if (step < s0 || step > s1)
            continue;
        double t = s1 > s0 ? (step - s0) / (s1 - s0) : 0.0;
        double m0, d0, m1, d1;
        rl_exp_cell_stats(e, res, c, k, m, &m0, &d0);
        rl_exp_cell_stats(e, res, c, k + 1, m, &m1, &d1);
        double mean = m0 + t * (m1 - m0), sd = d0 + t * (d1 - d0);
        if (!isfinite(mean) || !isfinite(sd) || sd <= 0)
            continue;
        float ya = rl_axis_map(&p->ay, mean + sd);
        float yb = rl_axis_map(&p->ay, mean - sd);
        if (!isfinite(yb))
            yb = p->y + p->h; /* below a log axis */
        if (!isfinite(ya))
            continue;
        if (yb - ya < 1.0f)
            continue; /* thinner than the line itself */
        rl_canvas_fill_rect(cv, (float)px, ya, 1.0f, yb - ya,
                            rl_with_alpha(color, 60));
    }
    /* mean line */
    float *xy = malloc((size_t)nlog * 2 * sizeof(float));
    if (xy) {
        /* at most about one vertex per 2 pixels: very short anti-aliased
         * segments would leave a speckled line */
        int np = 0;
        for (int i = 0; i < nlog; i++) {
            double mean, sd;
            rl_exp_cell_stats(e, res, c, i, m, &mean, &sd);
            float x = rl_axis_map(&p->ax, (double)rl_exp_log_step(e, i));
            float y = rl_axis_map(&p->ay, mean);
            bool keep = np == 0 || i == nlog - 1 || !isfinite(y) ||
                        !isfinite(xy[2 * np - 1]) ||
                        fabsf(x - xy[2 * np - 2]) >= 2.0f ||
                        fabsf(y - xy[2 * np - 1]) >= 2.0f;
            if (!keep)
                continue;
            xy[2 * np] = x;
            xy[2 * np + 1] = y;
            np++;
        }
        if (dashed)
            rl_canvas_dashed_polyline(cv, xy, np, 2.5f, 10, 6, color);
        else
            rl_canvas_polyline(cv, xy, np, 2.5f, color);
        free(xy);
    }
    rl_canvas_unclip(cv);
}

/* Legend box at the top-right corner inside panel p. */
static void draw_legend(struct fig *f, const struct panel *p, char labels[][64],
                        const uint32_t *colors, const bool *dashed, int n,
                        const char *note, bool bottom)
{
    struct rl_canvas *cv = &f->cv;
    int wmax = note ? rl_text_width(&f->tick, note) : 0;
    for (int i = 0; i < n; i++) {
        int w = rl_text_width(&f->tick, labels[i]) + 44;
        if (w > wmax)
            wmax = w;
    }
    float lh = (float)f->tick.height + 6;
    float bw = (float)wmax + 24, bh = lh * (n + (note ? 1 : 0)) + 14;
    float bx = p->x + p->w - bw - 12;
    float by = bottom ? p->y + p->h - bh - 12 : p->y + 12;
    rl_canvas_fill_rect(cv, bx, by, bw, bh, 0xF0FFFFFFu);
    rl_canvas_rect(cv, bx, by, bw, bh, 1, 0xFFBBBBBBu);
    for (int i = 0; i < n; i++) {
        float cy = by + 7 + lh * i + lh / 2;
        rl_canvas_fill_rect(cv, bx + 12, cy - 7, 30, 14,
                            rl_with_alpha(colors[i], 60));
        if (dashed && dashed[i])
            rl_canvas_dashed_line(cv, bx + 12, cy, bx + 42, cy, 2.5f, 8, 4,
                                  colors[i]);
        else
            rl_canvas_line(cv, bx + 12, cy, bx + 42, cy, 2.5f, colors[i]);
        rl_canvas_text(cv, &f->tick, bx + 50, cy, labels[i], C_INK,
                       RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    }
    if (note)
        rl_canvas_text(cv, &f->tick, bx + 12, by + 7 + lh * n + lh / 2, note,
                       C_MUTED, RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
}

static const char *data_name(const struct rl_config *c)
{
    if (!c->data_path)
        return rl_dataset_name(c->dataset);
    const char *slash = strrchr(c->data_path, '/');
    return slash ? slash + 1 : c->data_path;
}

static bool axis_named(const struct rl_exp_axis *ax, const char *name)
{
    return ax->row && !strcmp(ax->row->name, name);
}

/* "H = 500, init 0.001, lr 0.002, λ = 0" without the axes' settings. */
static void fixed_settings(char *buf, size_t len, const struct rl_exp *e)
{
    const struct rl_exp_cell *c0 = &e->cells[0];
    buf[0] = '\0';
    size_t l = 0;
    if (!axis_named(&e->x, "hidden") && !axis_named(&e->y, "hidden"))
        l += (size_t)snprintf(buf + l, len - l, "H = %d, ",
                              e->cfg.net[e->net].hidden);
    if (l < len && !axis_named(&e->x, "init") && !axis_named(&e->y, "init"))
        l += (size_t)snprintf(buf + l, len - l, "%s init %g, ",
                              rl_net_label(e->net), c0->init);
    if (l < len && !axis_named(&e->x, "lr") && !axis_named(&e->y, "lr"))
        l += (size_t)snprintf(buf + l, len - l, "lr %g, ", c0->lr);
    if (l < len && !axis_named(&e->x, "lambda") &&
        !axis_named(&e->y, "lambda"))
        l += (size_t)snprintf(buf + l, len - l, "λ = %g, ", c0->lambda);
    if (l >= 2 && l < len)
        buf[l - 2] = '\0';
}

/* ---- sweep ---- */

static bool draw_sweep(struct fig *f, const struct rl_exp *e,
                       const struct rl_exp_results *res)
{
    const struct rl_config *c = &e->cfg;
    char title[512];
    char n_text[32] = "";
    if (!c->data_path)
        snprintf(n_text, sizeof(n_text), ", N = %d", c->samples);
    if (!rl_exp_axes_custom(e)) {
        snprintf(title, sizeof(title),
                 "Weight-decay sweep: %d run%s per λ, W1 init std %g, H = %d, "
                 "lr %g, %s%s, %s", e->runs, e->runs == 1 ? "" : "s",
                 e->cells[0].init, c->net[e->net].hidden,
                 e->cells[0].lr, data_name(c), n_text,
                 rl_activation_name(c->act));
    } else {
        char fixed[160];
        fixed_settings(fixed, sizeof(fixed), e);
        snprintf(title, sizeof(title), "Sweep of %s: %d run%s per value, %s, "
                 "%s%s, %s", e->x.row->name, e->runs,
                 e->runs == 1 ? "" : "s", fixed, data_name(c),
                 n_text, rl_activation_name(c->act));
    }
    rl_canvas_text(&f->cv, &f->title, 40, 18, title, C_INK,
                   RL_ALIGN_LEFT | RL_ALIGN_TOP);
    rl_canvas_text(&f->cv, &f->tick, 40, 50,
                   "lines: mean over runs; bands: ±1 standard deviation",
                   C_MUTED, RL_ALIGN_LEFT | RL_ALIGN_TOP);

    const int metrics[3] = {RL_EXP_LOSS, RL_EXP_REL_W1, RL_EXP_REL_W2};
    const bool logy[3] = {true, true, false};
    const char *ylabels[3] = {"training loss (MSE)",
                              "‖W1 − W1(0)‖ / ‖W1(0)‖",
                              "‖W2 − W2(0)‖ / ‖W2(0)‖"};
    const char *titles[3] = {"Loss", "Relative change of W1 (input→hidden)",
                             "Relative change of W2 (hidden→output)"};
    const float pw = 470, ph = 470, top = 110, left0 = 110, gap = 130;
    double xmax = c->steps > 0 ? (double)c->steps : 1.0;
    struct panel panels[3];
    for (int i = 0; i < 3; i++) {
        double lo, hi;
        value_range(e, res, metrics[i], logy[i], &lo, &hi);
        panel_set(&panels[i], left0 + i * (pw + gap), top, pw, ph, 0, xmax,
                  false, lo, hi, logy[i]);
        panel_axes(f, &panels[i], "step", ylabels[i], titles[i]);
    }
    int n = e->ncells;
    for (int i = 0; i < 3; i++)
        for (int cell = 0; cell < n; cell++)
            draw_band_curve(f, &panels[i], e, res, cell, metrics[i],
                            sweep_color(cell, n), false);

    char labels[RL_EXP_MAX_LIST][64];
    uint32_t colors[RL_EXP_MAX_LIST];
    int nl = n < RL_EXP_MAX_LIST ? n : RL_EXP_MAX_LIST;
    for (int cell = 0; cell < nl; cell++) {
        int nd = rl_exp_cell_diverged(e, res, cell);
        struct rl_exp_axis ax;
        rl_exp_axis_of(e, 0, &ax);
        const char *name = axis_named(&ax, "lambda") ? "λ" : ax.row->name;
        double v = rl_exp_cell_value(e, cell, 0);
        if (nd)
            snprintf(labels[cell], sizeof(labels[cell]),
                     "%s = %g (%d diverged)", name, v, nd);
        else
            snprintf(labels[cell], sizeof(labels[cell]), "%s = %g", name,
                     v);
        colors[cell] = sweep_color(cell, n);
    }
    draw_legend(f, &panels[0], labels, colors, NULL, nl, NULL, false);
    return true;
}

/* ---- phase ---- */

/* A cell label of at most about five characters: "0.36", "19", "2e-3". */
static void compact_num(char *buf, size_t len, double v)
{
    if (v == 0.0 || (fabs(v) >= 0.01 && fabs(v) < 100)) {
        snprintf(buf, len, "%.2g", v);
        return;
    }
    char tmp[32];
    snprintf(tmp, sizeof(tmp), "%.0e", v); /* "2e-03": one digit, short */
    char *e = strchr(tmp, 'e');
    if (!e) {
        snprintf(buf, len, "%.8s", tmp);
        return;
    }
    int ex = atoi(e + 1);
    *e = '\0';
    snprintf(buf, len, "%.8se%d", tmp, ex);
}

/* Position of v on the colour scale [lo, hi], 0..1. */
static double color_t(double v, double lo, double hi, bool logc)
{
    if (logc)
        return v > 0 ? (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) : 0.0;
    return (v - lo) / (hi - lo);
}

/* Are the n values positive, increasing and evenly spaced in log (one
 * value: positive)? Then the axis is drawn as a log axis with the cells
 * centred on their values. */
static bool geometric(const double *v, int n)
{
    if (n < 1 || !(v[0] > 0))
        return false;
    if (n == 1)
        return true;
    double step = log(v[1] / v[0]);
    if (!(step > 0))
        return false;
    for (int i = 1; i < n; i++)
        if (!(v[i] > 0) || fabs(log(v[i] / v[i - 1]) - step) > 1e-6 * step)
            return false;
    return true;
}

/* A cell's value as a tick label: whole numbers below a million in full
 * ("1000" units, not "1e+03"), others as rl_format_num writes them. */
static void value_label(char *buf, size_t len, double v)
{
    if (v == floor(v) && fabs(v) < 1e6)
        snprintf(buf, len, "%.0f", v);
    else
        rl_format_num(buf, len, v, 3);
}

/* The title of a phase axis: the setting's name and unit ("hidden
 * [units]"), ", log scale" on a log axis; the built-in axes keep their
 * words. */
static void axis_title(char *buf, size_t len, const struct rl_exp_axis *ax,
                       bool logx)
{
    if (axis_named(ax, "init")) {
        snprintf(buf, len, "init scale: std dev of W1%s",
                 logx ? " (log)" : "");
    } else if (axis_named(ax, "lr") && !logx) {
        snprintf(buf, len, "learning rate");
    } else if (axis_named(ax, "lambda") && !logx) {
        snprintf(buf, len, "weight decay λ");
    } else {
        const char *unit = ax->row->unit;
        snprintf(buf, len, "%s%s%s%s%s", ax->row->name,
                 unit && unit[0] ? " [" : "", unit && unit[0] ? unit : "",
                 unit && unit[0] ? "]" : "", logx ? ", log scale" : "");
    }
}

/* The rich/lazy boundary of the phase diagram: the contour where the
 * final relative change of W1 crosses RL_RICH_THRESHOLD (W1 moved as far
 * from its init as the init's own size: feature learning above, kernel
 * regime below; docs/theory.md), by marching squares over the cell
 * centres in log10 of the value, a white line with a dark edge. Diverged
 * cells break it. */
#define RL_RICH_THRESHOLD 1.0

/* log10 of cell c's final mean of rel_w1; NaN when diverged or not
 * positive */
static double cell_log(const struct rl_exp *e,
                       const struct rl_exp_results *res, int c, int last)
{
    double mean, sd;
    rl_exp_cell_stats(e, res, c, last, RL_EXP_REL_W1, &mean, &sd);
    if (rl_exp_cell_diverged(e, res, c) > 0 || !isfinite(mean) ||
        !(mean > 0))
        return NAN;
    return log10(mean);
}

static void draw_threshold_contour(struct fig *f, const struct rl_exp *e,
                                   const struct rl_exp_results *res,
                                   float x0, float y0, float w, float h)
{
    const int nx = e->nx, ny = e->ny, last = rl_exp_nlog(e) - 1;
    if (nx < 2)
        return;
    float cw = w / nx, ch = h / ny;
    const double level = log10(RL_RICH_THRESHOLD);
    for (int pass = 0; pass < 2; pass++) {
        uint32_t col = pass == 0 ? C_INK : 0xFFFFFFFFu;
        float lw = pass == 0 ? 5.0f : 2.5f;
        if (ny == 1) { /* one row: a vertical mark at each crossing */
            for (int xi = 0; xi + 1 < nx; xi++) {
                double a = cell_log(e, res, xi, last);
                double b = cell_log(e, res, xi + 1, last);
                if (!isfinite(a) || !isfinite(b) || (a > level) == (b > level))
                    continue;
                float px = x0 + (xi + 0.5f + (float)((level - a) / (b - a))) *
                                    cw;
                rl_canvas_line(&f->cv, px, y0, px, y0 + h, lw, col);
            }
            continue;
        }
        /* marching squares over the cell centres; corner k of a square:
         * 0 (xi, yi), 1 (xi+1, yi), 2 (xi+1, yi+1), 3 (xi, yi+1) */
        for (int yi = 0; yi + 1 < ny; yi++)
            for (int xi = 0; xi + 1 < nx; xi++) {
                const int cx[4] = {0, 1, 1, 0}, cy[4] = {0, 0, 1, 1};
                double v[4];
                bool ok = true;
                for (int k = 0; k < 4; k++) {
                    v[k] = cell_log(e, res, (yi + cy[k]) * nx + xi + cx[k],
                                    last);
                    ok &= isfinite(v[k]) != 0;
                }
                if (!ok)
                    continue;
                float px[4], py[4];
                int n = 0;
                for (int k = 0; k < 4; k++) {
                    int a = k, b = (k + 1) % 4;
                    if ((v[a] > level) == (v[b] > level))
                        continue;
                    float t = (float)((level - v[a]) / (v[b] - v[a]));
                    float gx = xi + cx[a] + t * (cx[b] - cx[a]);
                    float gy = yi + cy[a] + t * (cy[b] - cy[a]);
                    px[n] = x0 + (gx + 0.5f) * cw;
                    py[n] = y0 + h - (gy + 0.5f) * ch;
                    n++;
                }
                if (n == 2) {
                    rl_canvas_line(&f->cv, px[0], py[0], px[1], py[1], lw,
                                   col);
                } else if (n == 4) {
                    rl_canvas_line(&f->cv, px[0], py[0], px[1], py[1], lw,
                                   col);
                    rl_canvas_line(&f->cv, px[2], py[2], px[3], py[3], lw,
                                   col);
                }
            }
    }
}

/* Draw one heatmap of metric m per cell: colour log10(value), or value
 * when the values span less than a decade. */
static void draw_heatmap(struct fig *f, const struct rl_exp *e,
                         const struct rl_exp_results *res, int m, float x0,
                         float y0, float w, float h, const char *title,
                         const char *cbar_label)
{
    struct rl_canvas *cv = &f->cv;
    const int nx = e->nx, ny = e->ny, last = rl_exp_nlog(e) - 1;
    /* colour range: whole decades around the finite positive values */
    double lo = INFINITY, hi = -INFINITY;
    for (int c = 0; c < e->ncells; c++) {
        double mean, sd;
        rl_exp_cell_stats(e, res, c, last, m, &mean, &sd);
        if (isfinite(mean) && mean > 0) {
            lo = fmin(lo, mean);
            hi = fmax(hi, mean);
        }
    }
    if (!(lo <= hi)) {
        lo = 1e-3;
        hi = 1;
    }
    /* log colour over whole decades when the values span a decade or
     * more (rel_w1 always does across regimes); a narrow range (a loss
     * that barely varies) gets a linear scale over exactly its values */
    const bool logc = hi >= 10 * lo;
    if (logc) {
        lo = pow(10, floor(log10(lo) + 1e-9));
        hi = pow(10, ceil(log10(hi) - 1e-9));
    } else if (hi - lo < 0.02 * hi) {
        /* values equal to within 2%: a linear scale over exactly them
         * would spend every colour on rounding noise and label its ticks
         * with a dozen digits; show them on a 2% span instead, so equal
         * values read as one colour */
        double mid = 0.5 * (lo + hi);
        lo = mid * 0.99;
        hi = mid * 1.01;
    }
    if (hi <= lo)
        hi = lo * 10;

    /* x: a log axis when the values are log-spaced (the built-in init
     * scales are), cells centred on their values; otherwise one column per
     * value. y: one row per value, or a log axis for log-spaced values of
     * a setting other than the built-in lambda and lr. */
    double xv[RL_EXP_MAX_CELLS], yv[RL_EXP_MAX_CELLS];
    for (int i = 0; i < nx; i++)
        xv[i] = rl_exp_cell_value(e, i, 0);
    for (int i = 0; i < ny; i++)
        yv[i] = rl_exp_cell_value(e, i * nx, 1);
    struct rl_exp_axis axx, axy;
    rl_exp_axis_of(e, 0, &axx);
    rl_exp_axis_of(e, 1, &axy);
    const bool xlog = geometric(xv, nx);
    const bool ylog = ny > 1 && geometric(yv, ny) &&
                      !axis_named(&axy, "lambda") && !axis_named(&axy, "lr");
    struct panel p;
    double xlo = 0, xhi = nx, ylo = 0, yhi = ny;
    if (xlog) {
        double s0 = xv[0], s1 = xv[nx - 1];
        double half = nx > 1 ? 0.5 * log10(s1 / s0) / (nx - 1) : 0.5;
        xlo = s0 / pow(10, half);
        xhi = s1 * pow(10, half);
    }
    if (ylog) {
        double half = 0.5 * log10(yv[ny - 1] / yv[0]) / (ny - 1);
        ylo = yv[0] / pow(10, half);
        yhi = yv[ny - 1] * pow(10, half);
    }
    panel_set(&p, x0, y0, w, h, xlo, xhi, xlog, ylo, yhi, ylog);
    float cw = w / nx, ch = h / ny;
    for (int yi = 0; yi < ny; yi++) {
        for (int xi = 0; xi < nx; xi++) {
            int c = yi * nx + xi;
            double mean, sd;
            rl_exp_cell_stats(e, res, c, last, m, &mean, &sd);
            float cx = x0 + xi * cw, cy = y0 + h - (yi + 1) * ch;
            bool div = rl_exp_cell_diverged(e, res, c) > 0 || !isfinite(mean);
            uint32_t col;
            if (div) {
                col = C_DIVERGED;
            } else {
                double t = color_t(mean, lo, hi, logc);
                col = rl_colormap_viridis(t);
            }
            rl_canvas_fill_rect(cv, cx, cy, cw + 0.5f, ch + 0.5f, col);
            if (div) {
                /* a square x, whatever the cell's shape */
                float d = 0.2f * fminf(cw, ch);
                float mx = cx + cw * 0.5f, my = cy + ch * 0.5f;
                rl_canvas_line(cv, mx - d, my - d, mx + d, my + d, 1.5f,
                               C_INK);
                rl_canvas_line(cv, mx + d, my - d, mx - d, my + d, 1.5f,
                               C_INK);
                continue;
            }
            char num[24];
            compact_num(num, sizeof(num), mean);
            if (rl_text_width(&f->small, num) + 4 < cw &&
                f->small.height + 2 < ch) {
                double t = color_t(mean, lo, hi, logc);
                rl_canvas_text(cv, &f->small, cx + cw / 2, cy + ch / 2, num,
                               t > 0.6 ? C_INK : 0xFFFFFFFFu,
                               RL_ALIGN_CENTER | RL_ALIGN_MIDDLE);
            }
        }
    }
    /* x ticks from the log axis, or one per column; y ticks one per row,
     * or from the log axis */
    struct rl_ticks tx;
    if (xlog) {
        rl_ticks_for(&p.ax, 6, &tx);
    } else {
        tx.n = nx < RL_TICKS_MAX ? nx : RL_TICKS_MAX;
        tx.nminor = 0;
        for (int i = 0; i < tx.n; i++) {
            tx.v[i] = i + 0.5;
            value_label(tx.label[i], sizeof(tx.label[i]), xv[i]);
        }
    }
    for (int i = 0; i < tx.n; i++) {
        float px = rl_axis_map(&p.ax, tx.v[i]);
        if (!(px >= x0 - 0.5f && px <= x0 + w + 0.5f))
            continue;
        rl_canvas_line(cv, px, y0 + h, px, y0 + h + 6, 1, C_AXIS);
        rl_canvas_text(cv, &f->tick, px, y0 + h + 9, tx.label[i], C_INK,
                       RL_ALIGN_CENTER | RL_ALIGN_TOP);
    }
    for (int i = 0; i < tx.nminor; i++) {
        float px = rl_axis_map(&p.ax, tx.minor[i]);
        if (px >= x0 && px <= x0 + w)
            rl_canvas_line(cv, px, y0 + h, px, y0 + h + 3, 1, C_AXIS);
    }
    if (ylog) {
        struct rl_ticks ty;
        rl_ticks_for(&p.ay, 6, &ty);
        for (int i = 0; i < ty.n; i++) {
            float py = rl_axis_map(&p.ay, ty.v[i]);
            if (!(py >= y0 - 0.5f && py <= y0 + h + 0.5f))
                continue;
            rl_canvas_line(cv, x0 - 5, py, x0, py, 1, C_AXIS);
            rl_canvas_text(cv, &f->tick, x0 - 8, py, ty.label[i], C_INK,
                           RL_ALIGN_RIGHT | RL_ALIGN_MIDDLE);
        }
        for (int i = 0; i < ty.nminor; i++) {
            float py = rl_axis_map(&p.ay, ty.minor[i]);
            if (py >= y0 && py <= y0 + h)
                rl_canvas_line(cv, x0 - 3, py, x0, py, 1, C_AXIS);
        }
    } else {
        for (int yi = 0; yi < ny; yi++) {
            char lab[32];
            value_label(lab, sizeof(lab), yv[yi]);
            float py = y0 + h - (yi + 0.5f) * ch;
            rl_canvas_line(cv, x0 - 5, py, x0, py, 1, C_AXIS);
            rl_canvas_text(cv, &f->tick, x0 - 8, py, lab, C_INK,
                           RL_ALIGN_RIGHT | RL_ALIGN_MIDDLE);
        }
    }
    if (m == RL_EXP_REL_W1)
        draw_threshold_contour(f, e, res, x0, y0, w, h);
    rl_canvas_rect(cv, x0, y0, w, h, 1, C_AXIS);
    char xt[160], yt[160];
    axis_title(xt, sizeof(xt), &axx, xlog);
    axis_title(yt, sizeof(yt), &axy, ylog);
    rl_canvas_text(cv, &f->label, x0 + w / 2, y0 + h + 34, xt, C_INK,
                   RL_ALIGN_CENTER | RL_ALIGN_TOP);
    rl_canvas_text_up(cv, &f->label, x0 - 70, y0 + h / 2, yt, C_INK);
    rl_canvas_text(cv, &f->label, x0, y0 - 10, title, C_INK,
                   RL_ALIGN_LEFT | RL_ALIGN_BOTTOM);

    /* colour bar with decade ticks */
    float bx = x0 + w + 22, bw = 22;
    enum { NSTRIP = 256 };
    for (int i = 0; i < NSTRIP; i++) {
        float yb = y0 + h - (i + 1) * h / NSTRIP;
        rl_canvas_fill_rect(cv, bx, yb, bw, h / NSTRIP + 0.5f,
                            rl_colormap_viridis((i + 0.5) / NSTRIP));
    }
    rl_canvas_rect(cv, bx, y0, bw, h, 1, C_AXIS);
    struct rl_axis ab;
    rl_axis_set(&ab, lo, hi, logc, y0 + h, y0);
    struct rl_ticks tb;
    rl_ticks_for(&ab, 8, &tb);
    for (int i = 0; i < tb.n; i++) {
        float py = rl_axis_map(&ab, tb.v[i]);
        if (!(py >= y0 - 0.5f && py <= y0 + h + 0.5f))
            continue;
        rl_canvas_line(cv, bx + bw, py, bx + bw + 5, py, 1, C_AXIS);
        rl_canvas_text(cv, &f->tick, bx + bw + 8, py, tb.label[i], C_INK,
                       RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    }
    char cb[160];
    snprintf(cb, sizeof(cb), "%s (%s colour)", cbar_label,
             logc ? "log" : "linear");
    rl_canvas_text_up(cv, &f->label, bx + bw + 70, y0 + h / 2, cb, C_INK);
}

static bool draw_phase(struct fig *f, const struct rl_exp *e,
                       const struct rl_exp_results *res)
{
    const struct rl_config *c = &e->cfg;
    char title[512];
    char fixed[160];
    if (!rl_exp_axes_custom(e)) {
        if (e->y_is_lr)
            snprintf(fixed, sizeof(fixed), "H = %d, λ = %g",
                     c->net[e->net].hidden,
                     e->cells[0].lambda);
        else
            snprintf(fixed, sizeof(fixed), "H = %d, lr %g",
                     c->net[e->net].hidden,
                     e->cells[0].lr);
    } else {
        /* the settings that are not axes, as the cells share them */
        fixed_settings(fixed, sizeof(fixed), e);
    }
    char n_text[32] = "";
    if (!c->data_path && !axis_named(&e->x, "samples") &&
        !axis_named(&e->y, "samples"))
        snprintf(n_text, sizeof(n_text), ", N = %d", c->samples);
    snprintf(title, sizeof(title),
             "Rich vs lazy: %ld steps, %s, %s%s, %s, %d run%s per "
             "cell", c->steps, fixed, data_name(c), n_text,
             rl_activation_name(c->act), e->runs, e->runs == 1 ? "" : "s");
    rl_canvas_text(&f->cv, &f->title, 40, 18, title, C_INK,
                   RL_ALIGN_LEFT | RL_ALIGN_TOP);
    rl_canvas_text(&f->cv, &f->tick, 40, 50,
                   "bright: W1 moves far from its init (rich, feature "
                   "learning); dark: W1 barely moves (lazy, kernel regime); "
                   "white line: ‖W1 − W1(0)‖ = ‖W1(0)‖, the rich/lazy "
                   "boundary; grey ×: diverged",
                   C_MUTED, RL_ALIGN_LEFT | RL_ALIGN_TOP);
    draw_heatmap(f, e, res, RL_EXP_REL_W1, 110, 110, 640, 470,
                 "Final relative change of W1",
                 "‖W1 − W1(0)‖ / ‖W1(0)‖");
    draw_heatmap(f, e, res, RL_EXP_LOSS, 1000, 110, 640, 470,
                 "Final training loss", "MSE loss");
    return true;
}

/* ---- retrain ---- */

static bool draw_retrain(struct fig *f, const struct rl_exp *e,
                         const struct rl_exp_results *res)
{
    const struct rl_config *c = &e->cfg;
    char title[512];
    snprintf(title, sizeof(title),
             "Retraining both nets of a checkpoint: %d copies each, λ = %g, "
             "lr %g, on %s%s", e->runs, e->cells[0].lambda, e->cells[0].lr,
             data_name(c), e->resample ? " (own draw per copy)" : "");
    rl_canvas_text(&f->cv, &f->title, 40, 18, title, C_INK,
                   RL_ALIGN_LEFT | RL_ALIGN_TOP);
    char sub[512];
    snprintf(sub, sizeof(sub),
             "solid: loss on the data it retrains on; dashed: loss on the "
             "original task (%.200s); bands ±1 sd over copies",
             e->data2_path[0] ? e->data2_path : rl_dataset_name(e->dataset2));
    rl_canvas_text(&f->cv, &f->tick, 40, 50, sub, C_MUTED,
                   RL_ALIGN_LEFT | RL_ALIGN_TOP);

    const float pw = 520, ph = 470, top = 110, left0 = 110, gap = 140;
    double xmax = c->steps > 0 ? (double)c->steps : 1.0;
    static const uint32_t net_color[RL_NETS] = {0xFFD55E00u, 0xFF0072B2u};
    for (int cell = 0; cell < e->ncells && cell < 2; cell++) {
        /* each panel's y range fitted to its own two curves */
        double lo = INFINITY, hi = -INFINITY;
        for (int m = 0; m < 2; m++) {
            double a, b;
            value_range_cells(e, res, m == 0 ? RL_EXP_LOSS : RL_EXP_LOSS2,
                              true, cell, cell + 1, &a, &b);
            lo = fmin(lo, a);
            hi = fmax(hi, b);
        }
        struct panel p;
        panel_set(&p, left0 + cell * (pw + gap), top, pw, ph, 0, xmax, false,
                  lo, hi, true);
        char pt[128];
        snprintf(pt, sizeof(pt), "%s net (init %g)",
                 rl_net_label(e->cells[cell].from_net), e->cells[cell].init);
        panel_axes(f, &p, "steps since the checkpoint", "loss (MSE, log)", pt);
        /* the net's own colour, as in the window (rich orange, lazy
         * blue); the original task's loss dashed in dark grey */
        uint32_t col_new = net_color[e->cells[cell].from_net == RL_LAZY],
                 col_old = C_AXIS;
        draw_band_curve(f, &p, e, res, cell, RL_EXP_LOSS2, col_old, true);
        draw_band_curve(f, &p, e, res, cell, RL_EXP_LOSS, col_new, false);
        char labels[2][64] = {"loss on the retraining data",
                              "loss on the original task"};
        uint32_t colors[2] = {col_new, col_old};
        bool dashed[2] = {false, true};
        int nd = rl_exp_cell_diverged(e, res, cell);
        char note[64];
        snprintf(note, sizeof(note), "%d of %d copies diverged", nd, e->runs);
        draw_legend(f, &p, labels, colors, dashed, 2, nd ? note : NULL,
                    false);
    }
    /* how far each net's first layer moves while it retrains: the rich
     * net re-learns its features, the lazy one barely moves */
    if (e->ncells >= 1) {
        int n = e->ncells < 2 ? e->ncells : 2;
        double lo, hi;
        value_range_cells(e, res, RL_EXP_REL_W1, true, 0, n, &lo, &hi);
        struct panel p;
        panel_set(&p, left0 + 2 * (pw + gap), top, pw, ph, 0, xmax, false, lo,
                  hi, true);
        panel_axes(f, &p, "steps since the checkpoint",
                   "‖W1 − W1(0)‖ / ‖W1(0)‖ (log)",
                   "change of W1 since its first init, not the checkpoint");
        char labels[2][64];
        uint32_t colors[2];
        for (int cell = 0; cell < n; cell++) {
            uint32_t col = net_color[e->cells[cell].from_net == RL_LAZY];
            draw_band_curve(f, &p, e, res, cell, RL_EXP_REL_W1, col, false);
            snprintf(labels[cell], sizeof(labels[cell]), "%s net",
                     rl_net_label(e->cells[cell].from_net));
            colors[cell] = col;
        }
        draw_legend(f, &p, labels, colors, NULL, n, NULL, true);
    }
    return true;
}

bool rl_figure_write(const struct rl_exp *e, const struct rl_exp_results *res,
                     const char *dir, char *err, size_t errlen)
{
    struct fig f;
    int w = e->kind == RL_EXP_SWEEP ? 1920 : e->kind == RL_EXP_PHASE ? 1800
                                                                      : 1990;
    if (!fig_init(&f, w, 680, err, errlen))
        return false;
    switch (e->kind) {
    case RL_EXP_SWEEP:
        draw_sweep(&f, e, res);
        break;
    case RL_EXP_PHASE:
        draw_phase(&f, e, res);
        break;
    default:
        draw_retrain(&f, e, res);
        break;
    }
    bool ok = fig_save(&f, e, dir, err, errlen);
    fig_destroy(&f);
    return ok;
}
