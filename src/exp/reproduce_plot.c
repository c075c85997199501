/* reproduce_plot.c: the presets' figure helpers and CSV reader (see
 * reproduce_internal.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reproduce_internal.h"
#include "rl_png.h"
#include "rl_readfile.h"

/* ---- figures ---- */

bool rp_fig_init(struct rp_fig *f, int w, int h, const char *title,
                 const char *subtitle, char *err, size_t errlen)
{
    memset(f, 0, sizeof(*f));
    if (!rl_canvas_init(&f->cv, w, h)) {
        snprintf(err, errlen, "out of memory for a %dx%d figure", w, h);
        return false;
    }
    if (!rl_font_init(&f->title, "DejaVuSans.ttf", 22, err, errlen) ||
        !rl_font_init(&f->label, "DejaVuSans.ttf", 17, err, errlen) ||
        !rl_font_init(&f->tick, "DejaVuSans.ttf", 14, err, errlen)) {
        rp_fig_destroy(f);
        return false;
    }
    rl_canvas_clear(&f->cv, 0xFFFFFFFFu);
    if (title)
        rl_canvas_text(&f->cv, &f->title, 40, 16, title, RP_INK,
                       RL_ALIGN_LEFT | RL_ALIGN_TOP);
    if (subtitle)
        rl_canvas_text(&f->cv, &f->tick, 40, 48, subtitle, RP_MUTED,
                       RL_ALIGN_LEFT | RL_ALIGN_TOP);
    return true;
}

void rp_fig_destroy(struct rp_fig *f)
{
    rl_font_destroy(&f->title);
    rl_font_destroy(&f->label);
    rl_font_destroy(&f->tick);
    rl_canvas_destroy(&f->cv);
}

bool rp_fig_save(struct rp_fig *f, const char *path, const char *title,
                 char *err, size_t errlen)
{
    const struct rl_png_text text[] = {{"Software", "richlazy"},
                                       {"Title", title}};
    return rl_png_write(path, f->cv.px, f->cv.w, f->cv.h, f->cv.stride, text,
                        2, err, errlen);
}

void rp_panel_init(struct rp_fig *f, struct rp_panel *p, float x, float y,
                   float w, float h, double xlo, double xhi, bool xlog,
                   double ylo, double yhi, bool ylog, const char *xlabel,
                   const char *ylabel, const char *title)
{
    struct rl_canvas *cv = &f->cv;
    p->x = x;
    p->y = y;
    p->w = w;
    p->h = h;
    rl_axis_set(&p->ax, xlo, xhi, xlog, x, x + w);
    rl_axis_set(&p->ay, ylo, yhi, ylog, y + h, y);
    struct rl_ticks tx, ty;
    rl_ticks_for(&p->ax, 6, &tx);
    rl_ticks_for(&p->ay, 6, &ty);
    for (int i = 0; i < tx.n; i++) {
        float px = rl_axis_map(&p->ax, tx.v[i]);
        if (!(px >= x - 0.5f && px <= x + w + 0.5f))
            continue;
        rl_canvas_line(cv, px, y, px, y + h, 1, RP_GRID);
        rl_canvas_line(cv, px, y + h, px, y + h + 5, 1, RP_AXIS);
        rl_canvas_text(cv, &f->tick, px, y + h + 8, tx.label[i], RP_INK,
                       RL_ALIGN_CENTER | RL_ALIGN_TOP);
    }
    for (int i = 0; i < tx.nminor; i++) {
        float px = rl_axis_map(&p->ax, tx.minor[i]);
        if (px >= x && px <= x + w)
            rl_canvas_line(cv, px, y + h, px, y + h + 3, 1, RP_AXIS);
    }
    for (int i = 0; i < ty.n; i++) {
        float py = rl_axis_map(&p->ay, ty.v[i]);
        if (!(py >= y - 0.5f && py <= y + h + 0.5f))
            continue;
        rl_canvas_line(cv, x, py, x + w, py, 1, RP_GRID);
        rl_canvas_line(cv, x - 5, py, x, py, 1, RP_AXIS);
        rl_canvas_text(cv, &f->tick, x - 8, py, ty.label[i], RP_INK,
                       RL_ALIGN_RIGHT | RL_ALIGN_MIDDLE);
    }
    for (int i = 0; i < ty.nminor; i++) {
        float py = rl_axis_map(&p->ay, ty.minor[i]);
        if (py >= y && py <= y + h)
            rl_canvas_line(cv, x - 3, py, x, py, 1, RP_AXIS);
    }
    rl_canvas_rect(cv, x, y, w, h, 1, RP_AXIS);
    if (xlabel)
        rl_canvas_text(cv, &f->label, x + w / 2, y + h + 32, xlabel, RP_INK,
                       RL_ALIGN_CENTER | RL_ALIGN_TOP);
    if (ylabel)
        rl_canvas_text_up(cv, &f->label, x - 72, y + h / 2, ylabel, RP_INK);
    if (title)
        rl_canvas_text(cv, &f->label, x, y - 10, title, RP_INK,
                       RL_ALIGN_LEFT | RL_ALIGN_BOTTOM);
}

void rp_line(struct rp_fig *f, const struct rp_panel *p, const double *x,
             const double *y, int n, uint32_t color, float width,
             bool dashed)
{
    float *xy = malloc((size_t)(n > 0 ? n : 1) * 2 * sizeof(float));
    if (!xy)
        return;
    for (int i = 0; i < n; i++) {
        xy[2 * i] = rl_axis_map(&p->ax, x[i]);
        xy[2 * i + 1] = rl_axis_map(&p->ay, y[i]);
    }
    rl_canvas_clip(&f->cv, p->x, p->y, p->w, p->h);
    if (dashed)
        rl_canvas_dashed_polyline(&f->cv, xy, n, width, 9, 6, color);
    else
        rl_canvas_polyline(&f->cv, xy, n, width, color);
    rl_canvas_unclip(&f->cv);
    free(xy);
}

void rp_points(struct rp_fig *f, const struct rp_panel *p, const double *x,
               const double *y, int n, uint32_t color, float radius)
{
    rl_canvas_clip(&f->cv, p->x, p->y, p->w, p->h);
    for (int i = 0; i < n; i++)
        rl_canvas_marker(&f->cv, rl_axis_map(&p->ax, x[i]),
                         rl_axis_map(&p->ay, y[i]), radius, color,
                         0xFFFFFFFFu);
    rl_canvas_unclip(&f->cv);
}

void rp_legend(struct rp_fig *f, const struct rp_panel *p, int corner,
               const char *const *labels, const uint32_t *colors,
               const int *style, int n)
{
    struct rl_canvas *cv = &f->cv;
    int wmax = 0;
    for (int i = 0; i < n; i++) {
        int w = rl_text_width(&f->tick, labels[i]);
        if (w > wmax)
            wmax = w;
    }
    float lh = (float)f->tick.height + 6;
    float bw = (float)wmax + 68, bh = lh * n + 14;
    float bx = corner & 1 ? p->x + p->w - bw - 12 : p->x + 12;
    float by = corner & 2 ? p->y + p->h - bh - 12 : p->y + 12;
    rl_canvas_fill_rect(cv, bx, by, bw, bh, 0xF0FFFFFFu);
    rl_canvas_rect(cv, bx, by, bw, bh, 1, 0xFFBBBBBBu);
    for (int i = 0; i < n; i++) {
        float cy = by + 7 + lh * i + lh / 2;
        if (style[i] == 3)
            rl_canvas_ring(cv, bx + 27, cy, 4, 1.2f, colors[i]);
        else if (style[i] == 2)
            rl_canvas_marker(cv, bx + 27, cy, 5, colors[i], 0xFFFFFFFFu);
        else if (style[i] == 1)
            rl_canvas_dashed_line(cv, bx + 12, cy, bx + 42, cy, 2.5f, 8, 4,
                                  colors[i]);
        else
            rl_canvas_line(cv, bx + 12, cy, bx + 42, cy, 2.5f, colors[i]);
        rl_canvas_text(cv, &f->tick, bx + 52, cy, labels[i], RP_INK,
                       RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    }
}

void rp_range(const double *v, int n, bool log, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        if (!isfinite(v[i]) || (log && v[i] <= 0))
            continue;
        *lo = fmin(*lo, v[i]);
        *hi = fmax(*hi, v[i]);
    }
    if (!(*lo <= *hi)) {
        *lo = log ? 1e-3 : 0.0;
        *hi = 1.0;
    }
    if (log) {
        *lo = pow(10, floor(log10(*lo) + 1e-9));
        *hi = pow(10, ceil(log10(*hi) - 1e-9));
        if (*hi <= *lo)
            *hi = *lo * 10;
    } else {
        double pad = 0.06 * (*hi - *lo);
        if (pad == 0)
            pad = fabs(*hi) > 0 ? 0.1 * fabs(*hi) : 1.0;
        *lo -= pad;
        *hi += pad;
    }
}

/* ---- CSV ---- */

bool rp_csv_read(struct rp_csv *c, const char *path, char *err,
                 size_t errlen)
{
    memset(c, 0, sizeof(*c));
    /* a regular file of at most 1 GiB: never /dev/zero or a FIFO */
    FILE *f = rl_read_open(path, (uint64_t)1 << 30, err, errlen);
    if (!f)
        return false;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    c->buf = malloc((size_t)(size > 0 ? size : 0) + 1);
    if (!c->buf || (size > 0 && fread(c->buf, 1, (size_t)size, f) !=
                                    (size_t)size)) {
        fclose(f);
        snprintf(err, errlen, "%s: cannot read", path);
        rp_csv_destroy(c);
        return false;
    }
    fclose(f);
    c->buf[size > 0 ? size : 0] = '\0';
    /* count lines and header fields */
    int lines = 0;
    for (char *p = c->buf; *p; p++)
        lines += *p == '\n';
    char *p = c->buf;
    char *eol = strchr(p, '\n');
    if (!eol) {
        snprintf(err, errlen, "%s: no header line", path);
        rp_csv_destroy(c);
        return false;
    }
    int ncols = 1;
    for (char *q = p; q < eol; q++)
        ncols += *q == ',';
    c->ncols = ncols;
    c->cols = calloc((size_t)ncols, sizeof(char *));
    c->cells = calloc((size_t)lines * ncols + 1, sizeof(char *));
    if (!c->cols || !c->cells) {
        snprintf(err, errlen, "%s: out of memory", path);
        rp_csv_destroy(c);
        return false;
    }
    int row = -1;
    while (*p) {
        eol = strchr(p, '\n');
        if (eol)
            *eol = '\0';
        if (*p) {
            char **dst = row < 0 ? c->cols : c->cells + (size_t)row * ncols;
            int k = 0;
            char *s = p;
            for (;;) {
                char *comma = strchr(s, ',');
                if (comma)
                    *comma = '\0';
                if (k < ncols)
                    dst[k++] = s;
                if (!comma)
                    break;
                s = comma + 1;
            }
            for (; k < ncols; k++)
                dst[k] = "";
            row++;
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    c->nrows = row > 0 ? row : 0;
    return true;
}

void rp_csv_destroy(struct rp_csv *c)
{
    free(c->cols);
    free(c->cells);
    free(c->buf);
    memset(c, 0, sizeof(*c));
}

int rp_csv_col(const struct rp_csv *c, const char *name)
{
    for (int i = 0; i < c->ncols; i++)
        if (!strcmp(c->cols[i], name))
            return i;
    return -1;
}

const char *rp_csv_str(const struct rp_csv *c, int row, int col)
{
    if (row < 0 || row >= c->nrows || col < 0 || col >= c->ncols)
        return "";
    return c->cells[(size_t)row * c->ncols + col];
}

double rp_csv_num(const struct rp_csv *c, int row, int col)
{
    const char *s = rp_csv_str(c, row, col);
    char *end;
    double v = strtod(s, &end);
    return *s && !*end ? v : NAN;
}
