/* render_diagonal.c: the live view of the diagonal linear network (see
 * rl_render_diagonal.h). */
#include "rl_render_diagonal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl_plot.h"

static const uint32_t col_bg = 0xFF101418u;
static const uint32_t col_panel = 0xFF1A2028u;
static const uint32_t col_grid = 0xFF2C3440u;
static const uint32_t col_text = 0xFFE6E8EBu;
static const uint32_t col_dim = 0xFF9AA3AEu;
static const uint32_t col_net[RL_DIAGV_NETS] = {0xFFFF8C1Au, 0xFF3C9BFFu};
static const uint32_t col_l2 = 0xFF7CD67Cu;
static const uint32_t col_l1 = 0xFFE05CE0u;
static const char *const net_name[RL_DIAGV_NETS] = {"rich", "lazy"};

static void record(struct rl_diagv *v)
{
    if (v->nrec == RL_DIAGV_KEEP) {
        /* thin: keep records 0, 2, 4, ... */
        int k = 0;
        for (int i = 0; i < v->nrec; i += 2, k++) {
            v->rec_step[k] = v->rec_step[i];
            for (int w = 0; w < RL_DIAGV_NETS; w++) {
                v->rec_beta[w][k][0] = v->rec_beta[w][i][0];
                v->rec_beta[w][k][1] = v->rec_beta[w][i][1];
                v->rec_loss[w][k] = v->rec_loss[w][i];
            }
        }
        v->nrec = k;
        v->every *= 2;
    }
    int i = v->nrec++;
    v->rec_step[i] = v->step;
    for (int w = 0; w < RL_DIAGV_NETS; w++) {
        double b[2];
        rl_diagonal_beta(&v->m[w], b);
        v->rec_beta[w][i][0] = (float)b[0];
        v->rec_beta[w][i][1] = (float)b[1];
        v->rec_loss[w][i] = (float)rl_diagonal_loss(&v->m[w], v->x, v->y,
                                                    v->n);
    }
}

bool rl_diagv_init(struct rl_diagv *v, const double *x, const double *y,
                   int n, const double alpha[RL_DIAGV_NETS], double lr,
                   const char *data_text, char *err, size_t errlen)
{
    memset(v, 0, sizeof(*v));
    v->x = malloc((size_t)n * 2 * sizeof(double));
    v->y = malloc((size_t)n * sizeof(double));
    bool ok = v->x && v->y;
    for (int w = 0; ok && w < RL_DIAGV_NETS; w++)
        ok = rl_diagonal_init(&v->m[w], 2, n, alpha[w]);
    if (!ok) {
        snprintf(err, errlen, "out of memory for the diagonal view of %d "
                 "samples", n);
        return false;
    }
    memcpy(v->x, x, (size_t)n * 2 * sizeof(double));
    memcpy(v->y, y, (size_t)n * sizeof(double));
    v->n = n;
    v->lr = lr;
    for (int w = 0; w < RL_DIAGV_NETS; w++)
        v->alpha[w] = alpha[w];
    snprintf(v->data_text, sizeof(v->data_text), "%s", data_text);
    if (!rl_font_init(&v->font, "DejaVuSans.ttf", 14, err, errlen) ||
        !rl_font_init(&v->small, "DejaVuSans.ttf", 12, err, errlen))
        return false;
    /* the reference points exist for at most 2 samples of full rank */
    if (n <= 2)
        v->have_l2 = rl_diagonal_min_l2(x, y, n, 2, v->l2);
    if (n == 1)
        v->have_l1 = rl_diagonal_min_l1(x, y[0], 2, v->l1);
    for (int w = 0; w < RL_DIAGV_NETS; w++)
        v->have_lim[w] = v->have_l2 &&
                         rl_diagonal_limit(x, y, n, 2, alpha[w], v->lim[w]);
    rl_diagv_restart(v);
    return true;
}

void rl_diagv_restart(struct rl_diagv *v)
{
    for (int w = 0; w < RL_DIAGV_NETS; w++) {
        rl_diagonal_reset(&v->m[w], v->alpha[w]);
        v->diverged[w] = false;
    }
    v->step = 0;
    v->nrec = 0;
    v->every = 1;
    record(v);
}

void rl_diagv_advance(struct rl_diagv *v, long steps)
{
    for (long s = 0; s < steps; s++) {
        for (int w = 0; w < RL_DIAGV_NETS; w++) {
            if (v->diverged[w])
                continue;
            double l = rl_diagonal_step(&v->m[w], v->x, v->y, v->n, v->lr,
                                        0.0);
            if (!isfinite(l))
                v->diverged[w] = true;
        }
        v->step++;
        if (v->step % v->every == 0)
            record(v);
    }
}

void rl_diagv_beta(const struct rl_diagv *v, int w, double *beta)
{
    rl_diagonal_beta(&v->m[w], beta);
}

void rl_diagv_destroy(struct rl_diagv *v)
{
    for (int w = 0; w < RL_DIAGV_NETS; w++)
        rl_diagonal_destroy(&v->m[w]);
    rl_font_destroy(&v->font);
    rl_font_destroy(&v->small);
    free(v->x);
    free(v->y);
    memset(v, 0, sizeof(*v));
}

/* ---- drawing ---- */

struct box {
    float x, y, w, h;
};

static void grow(double *lo, double *hi, double a)
{
    if (!isfinite(a))
        return;
    if (a < *lo)
        *lo = a;
    if (a > *hi)
        *hi = a;
}

/* tick labels along both axes of a plot (outside its rectangle) */
static void draw_ticks(const struct rl_diagv *v, struct rl_canvas *c,
                       const struct box *b, const struct rl_axis *ax,
                       const struct rl_axis *ay)
{
    struct rl_ticks t;
    int tx = (int)(b->w / 70.0f), ty = (int)(b->h / 45.0f);
    rl_ticks_for(ax, tx < 2 ? 2 : tx, &t);
    float last = -1e9f;
    for (int i = 0; i < t.n; i++) {
        float px = rl_axis_map(ax, t.v[i]);
        if (!(px >= b->x - 0.5f && px <= b->x + b->w + 0.5f))
            continue;
        rl_canvas_line(c, px, b->y, px, b->y + b->h, 1.0f, col_grid);
        float tw = (float)rl_text_width(&v->small, t.label[i]);
        if (px - tw / 2 < last + 6.0f)
            continue;
        rl_canvas_text(c, &v->small, px, b->y + b->h + 3.0f, t.label[i],
                       col_dim, RL_ALIGN_CENTER | RL_ALIGN_TOP);
        last = px + tw / 2;
    }
    rl_ticks_for(ay, ty < 2 ? 2 : ty, &t);
    last = 1e9f;
    for (int i = 0; i < t.n; i++) {
        float py = rl_axis_map(ay, t.v[i]);
        if (!(py >= b->y - 0.5f && py <= b->y + b->h + 0.5f))
            continue;
        rl_canvas_line(c, b->x, py, b->x + b->w, py, 1.0f, col_grid);
        float th = (float)v->small.height;
        /* clear of the axis title β₂ above the column */
        if (py + th / 2 > last - 2.0f || py - th / 2 < b->y - 3.0f)
            continue;
        rl_canvas_text(c, &v->small, b->x - 4.0f, py, t.label[i], col_dim,
                       RL_ALIGN_RIGHT | RL_ALIGN_MIDDLE);
        last = py - th / 2;
    }
}

static void point(struct rl_canvas *c, float px, float py)
{
    rl_layout_add(c, RL_BOX_POINT, px, py, px, py, 0.0);
}

/* a label next to (px, py) inside b: right of it, or left near the edge */
static void label(const struct rl_diagv *v, struct rl_canvas *c,
                  const struct box *b, const struct box *avoid, float px,
                  float py, float dy, const char *text, uint32_t color)
{
    float tw = (float)rl_text_width(&v->small, text);
    float lx = px + 8.0f;
    if (lx + tw > b->x + b->w - 2.0f)
        lx = px - 8.0f - tw;
    float ly = py + dy;
    float th = (float)v->small.height;
    if (ly < b->y + 2.0f)
        ly = b->y + 2.0f;
    if (ly + th > b->y + b->h - 2.0f)
        ly = b->y + b->h - 2.0f - th;
    if (lx < avoid->x + avoid->w && avoid->x < lx + tw &&
        ly < avoid->y + avoid->h && avoid->y < ly + th)
        ly = fmaxf(py + 10.0f, avoid->y + avoid->h + 2.0f);
    rl_canvas_text(c, &v->small, lx, ly, text, color,
                   RL_ALIGN_LEFT | RL_ALIGN_TOP);
}

static void draw_plane(const struct rl_diagv *v, struct rl_canvas *c,
                       const struct box *b)
{
    /* the range: every point shown, the origin included, equal aspect */
    double xlo = 0, xhi = 0, ylo = 0, yhi = 0;
    for (int w = 0; w < RL_DIAGV_NETS; w++) {
        for (int i = 0; i < v->nrec; i++) {
            grow(&xlo, &xhi, v->rec_beta[w][i][0]);
            grow(&ylo, &yhi, v->rec_beta[w][i][1]);
        }
        double be[2];
        rl_diagonal_beta(&v->m[w], be);
        grow(&xlo, &xhi, be[0]);
        grow(&ylo, &yhi, be[1]);
        if (v->have_lim[w]) {
            grow(&xlo, &xhi, v->lim[w][0]);
            grow(&ylo, &yhi, v->lim[w][1]);
        }
    }
    if (v->have_l2) {
        grow(&xlo, &xhi, v->l2[0]);
        grow(&ylo, &yhi, v->l2[1]);
    }
    if (v->have_l1) {
        grow(&xlo, &xhi, v->l1[0]);
        grow(&ylo, &yhi, v->l1[1]);
    }
    double span = fmax(xhi - xlo, yhi - ylo);
    if (!(span > 1e-9))
        span = 1.0;
    span = fmin(span, 1e30);
    double cx = 0.5 * (xlo + xhi), cy = 0.5 * (ylo + yhi);
    double sx = span * 1.3, sy = span * 1.3;
    if (b->w > b->h)
        sx *= b->w / b->h;
    else
        sy *= b->h / b->w;
    struct rl_axis ax, ay;
    rl_axis_set(&ax, cx - sx / 2, cx + sx / 2, false, b->x, b->x + b->w);
    rl_axis_set(&ay, cy - sy / 2, cy + sy / 2, false, b->y + b->h, b->y);

    rl_canvas_fill_rect(c, b->x, b->y, b->w, b->h, col_panel);
    draw_ticks(v, c, b, &ax, &ay);
    rl_canvas_text(c, &v->small, b->x + b->w / 2, b->y + b->h + 4.0f +
                   v->small.height, "β₁", col_dim,
                   RL_ALIGN_CENTER | RL_ALIGN_TOP);
    /* β₂ over the column of the y tick labels (metrics.csv: beta0 is β₁,
     * beta1 is β₂; the woodworth2020 figure names them β₁, β₂ too) */
    rl_canvas_text(c, &v->small, b->x - 4.0f, b->y - 4.0f, "β₂", col_dim,
                   RL_ALIGN_RIGHT | RL_ALIGN_BOTTOM);
    rl_canvas_text(c, &v->font, b->x, b->y - 4.0f,
                   "end-to-end β = u² − v² of each net", col_text,
                   RL_ALIGN_LEFT | RL_ALIGN_BOTTOM);
    rl_layout_plot(c, b->x, b->y, b->w, b->h);
    rl_canvas_clip(c, b->x, b->y, b->w, b->h);
    /* the axes through the origin */
    float ox = rl_axis_map(&ax, 0.0), oy = rl_axis_map(&ay, 0.0);
    rl_canvas_line(c, ox, b->y, ox, b->y + b->h, 1.0f, 0xFF46505Cu);
    rl_canvas_line(c, b->x, oy, b->x + b->w, oy, 1.0f, 0xFF46505Cu);
    /* x . beta = y for one sample */
    if (v->n == 1) {
        double a0 = v->x[0], a1 = v->x[1], t = v->y[0];
        double q = a0 * a0 + a1 * a1;
        if (q > 0) {
            double p0 = a0 * t / q, p1 = a1 * t / q, L = 4 * (sx + sy);
            rl_canvas_dashed_line(c, rl_axis_map(&ax, p0 - a1 * L),
                                  rl_axis_map(&ay, p1 + a0 * L),
                                  rl_axis_map(&ax, p0 + a1 * L),
                                  rl_axis_map(&ay, p1 - a0 * L), 1.5f, 7.0f,
                                  5.0f, col_dim);
        }
    }
    /* trails, then the closed forms, interpolators and nets */
    static float xy[RL_DIAGV_KEEP * 2 + 2];
    for (int w = 0; w < RL_DIAGV_NETS; w++) {
        int k = 0;
        for (int i = 0; i < v->nrec; i++) {
            xy[2 * k] = rl_axis_map(&ax, v->rec_beta[w][i][0]);
            xy[2 * k + 1] = rl_axis_map(&ay, v->rec_beta[w][i][1]);
            k++;
        }
        rl_canvas_polyline(c, xy, k, 2.0f, rl_with_alpha(col_net[w], 0xB0));
    }
    for (int w = 0; w < RL_DIAGV_NETS; w++) {
        if (!v->have_lim[w])
            continue;
        float px = rl_axis_map(&ax, v->lim[w][0]);
        float py = rl_axis_map(&ay, v->lim[w][1]);
        rl_canvas_ring(c, px, py, w == 0 ? 9.0f : 12.0f, 2.0f, col_net[w]);
        point(c, px, py);
    }
    /* the legend's place (drawn last), top left inside the plot */
    float lx = b->x + 8.0f, ly = b->y + 6.0f, lh = (float)v->small.height + 3.0f;
    struct box leg = {lx, ly, 260.0f, lh * 4.0f};
    if (v->have_l2) {
        float px = rl_axis_map(&ax, v->l2[0]), py = rl_axis_map(&ay, v->l2[1]);
        rl_canvas_marker(c, px, py, 5.0f, col_l2, 0xFF000000u);
        point(c, px, py);
        label(v, c, b, &leg, px, py, -8.0f - v->small.height,
              "least ‖β‖₂ (lazy limit)", col_l2);
    }
    if (v->have_l1) {
        float px = rl_axis_map(&ax, v->l1[0]), py = rl_axis_map(&ay, v->l1[1]);
        rl_canvas_marker(c, px, py, 5.0f, col_l1, 0xFF000000u);
        point(c, px, py);
        label(v, c, b, &leg, px, py, 14.0f, "least ‖β‖₁ (rich limit)", col_l1);
    }
    for (int w = 0; w < RL_DIAGV_NETS; w++) {
        double be[2];
        rl_diagonal_beta(&v->m[w], be);
        float px = rl_axis_map(&ax, be[0]), py = rl_axis_map(&ay, be[1]);
        if (!isfinite(px) || !isfinite(py))
            continue;
        rl_canvas_marker(c, px, py, 6.0f, col_net[w], 0xFFFFFFFFu);
        point(c, px, py);
    }
    for (int w = 0; w < RL_DIAGV_NETS; w++) {
        char s[80];
        snprintf(s, sizeof(s), "%s (α = %g)%s", net_name[w], v->alpha[w],
                 v->diverged[w] ? " DIVERGED (lower --lr)" : "");
        rl_canvas_fill_rect(c, lx, ly + lh / 2 - 1.5f, 14.0f, 3.0f,
                            col_net[w]);
        rl_canvas_text(c, &v->small, lx + 20.0f, ly, s, col_text,
                       RL_ALIGN_LEFT | RL_ALIGN_TOP);
        ly += lh;
    }
    if (v->have_lim[0] || v->have_lim[1]) {
        rl_canvas_text(c, &v->small, lx, ly, "ring: closed-form end point",
                       col_dim, RL_ALIGN_LEFT | RL_ALIGN_TOP);
        ly += lh;
    }
    if (v->n == 1)
        rl_canvas_text(c, &v->small, lx, ly, "dashed: x·β = y", col_dim,
                       RL_ALIGN_LEFT | RL_ALIGN_TOP);
    else if (!v->have_l2)
        rl_canvas_text(c, &v->small, lx, ly,
                       "no interpolators: more than 2 samples", col_dim,
                       RL_ALIGN_LEFT | RL_ALIGN_TOP);
    rl_canvas_unclip(c);
    rl_layout_end_plot(c);
    rl_canvas_rect(c, b->x, b->y, b->w, b->h, 1.0f, col_grid);
}

static void draw_loss(const struct rl_diagv *v, struct rl_canvas *c,
                      const struct box *b)
{
    double lo = INFINITY, hi = 0.0;
    for (int w = 0; w < RL_DIAGV_NETS; w++)
        for (int i = 0; i < v->nrec; i++) {
            double l = v->rec_loss[w][i];
            if (isfinite(l) && l > 0) {
                lo = fmin(lo, l);
                hi = fmax(hi, l);
            }
        }
    if (!(hi > 0)) {
        lo = 1e-3;
        hi = 1.0;
    }
    lo = fmax(lo, hi * 1e-20);
    if (hi / lo < 10.0) {
        lo = hi / 10.0;
    }
    struct rl_axis ax, ay;
    rl_axis_set(&ax, 0.0, v->step > 0 ? (double)v->step : 1.0, false, b->x,
                b->x + b->w);
    rl_axis_set(&ay, lo / 1.5, hi * 1.5, true, b->y + b->h, b->y);
    rl_canvas_fill_rect(c, b->x, b->y, b->w, b->h, col_panel);
    draw_ticks(v, c, b, &ax, &ay);
    rl_canvas_text(c, &v->small, b->x + b->w / 2, b->y + b->h + 4.0f +
                   v->small.height, "step", col_dim,
                   RL_ALIGN_CENTER | RL_ALIGN_TOP);
    rl_canvas_text(c, &v->font, b->x, b->y - 4.0f, "loss (MSE, log)",
                   col_text, RL_ALIGN_LEFT | RL_ALIGN_BOTTOM);
    rl_layout_plot(c, b->x, b->y, b->w, b->h);
    rl_canvas_clip(c, b->x, b->y, b->w, b->h);
    static float xy[RL_DIAGV_KEEP * 2];
    for (int w = 0; w < RL_DIAGV_NETS; w++) {
        for (int i = 0; i < v->nrec; i++) {
            xy[2 * i] = rl_axis_map(&ax, (double)v->rec_step[i]);
            xy[2 * i + 1] = rl_axis_map(&ay, v->rec_loss[w][i]);
        }
        rl_canvas_polyline(c, xy, v->nrec, 2.0f, col_net[w]);
    }
    rl_canvas_unclip(c);
    rl_layout_end_plot(c);
    rl_canvas_rect(c, b->x, b->y, b->w, b->h, 1.0f, col_grid);
}

void rl_diagv_draw(const struct rl_diagv *v, struct rl_canvas *c)
{
    rl_canvas_unclip(c);
    rl_canvas_clear(c, col_bg);
    float W = (float)c->w, H = (float)c->h;
    float lh = (float)v->font.height + 3.0f;
    float sh = (float)v->small.height + 3.0f;
    float m = 10.0f;
    /* header: the state, the data, the keys */
    char s[200];
    snprintf(s, sizeof(s), "diagonal linear net  f(x) = Σ (uᵢ² − vᵢ²) xᵢ   "
             "step %ld   lr %g%s", v->step, v->lr,
             v->paused ? "   PAUSED" : "");
    float y = 6.0f;
    float after = rl_canvas_text(c, &v->font, m, y, s, col_text,
                                 RL_ALIGN_LEFT | RL_ALIGN_TOP);
    /* the scales too, where they fit (the legend has them anyway) */
    snprintf(s, sizeof(s), "   scales: rich α %g, lazy α %g", v->alpha[0],
             v->alpha[1]);
    if (after + (float)rl_text_width(&v->font, s) < W - m)
        rl_canvas_text(c, &v->font, after, y, s, col_text,
                       RL_ALIGN_LEFT | RL_ALIGN_TOP);
    y += lh;
    rl_canvas_text(c, &v->small, m, y, v->data_text, col_dim,
                   RL_ALIGN_LEFT | RL_ALIGN_TOP);
    y += sh;
    rl_canvas_text(c, &v->small, m, y,
                   v->help ? "keys: q quit   Space pause   r restart   "
                             "h hide this line"
                           : "h: keys",
                   col_dim, RL_ALIGN_LEFT | RL_ALIGN_TOP);
    y += sh;
    /* two plots side by side: the plane (wider), the loss */
    float top = y + 6.0f + lh;
    float bottom = H - 2.0f * sh - 10.0f;
    float left = m + 44.0f;
    float gap = 64.0f;
    float avail = W - left - 3.0f * m - gap;
    struct box plane = {left, top, avail * 0.58f, bottom - top};
    struct box loss = {left + plane.w + gap, top, avail - plane.w,
                       bottom - top};
    if (plane.w < 10.0f || plane.h < 10.0f || loss.w < 10.0f)
        return;
    draw_plane(v, c, &plane);
    draw_loss(v, c, &loss);
}
