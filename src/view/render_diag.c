/* render_diag.c: the diagnostics panel and the theory overlays (see
 * rl_render_diag.h). Measures come from the nets' histories (rl_metrics),
 * predictions from app->diag (rl_diag.h). */
#include "rl_render_diag.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "rl_plot.h"

struct box {
    float x, y, w, h;
};

/* ---- the loss overlays ---- */

void rl_render_diag_prepare(struct rl_app *app)
{
    static const char *const label[RL_NETS][2] = {
        {"rich: Saxe theory (unit)", "rich: linearised theory"},
        {"lazy: Saxe theory (unit)", "lazy: linearised theory"},
    };
    const struct rl_diag *d = &app->diag;
    for (int w = 0; w < RL_NETS; w++) {
        if (!d->step[w])
            continue;
        int idx = -1;
        for (int i = 0; i < app->noverlays; i++)
            if (app->overlays[i].step == d->step[w])
                idx = i;
        if (idx < 0) {
            /* in the net's colour, curve and legend sample alike, so each
             * dashed curve says which net it predicts (grey for both
             * left the reader guessing) */
            struct rl_overlay ov = {.plot = RL_PLOT_LOSS, .net = w,
                                    .own_steps = true, .steps_net = w,
                                    .dashed = true, .step = d->step[w],
                                    .value = d->loss[w]};
            if (!rl_app_add_overlay(app, &ov))
                continue; /* table full: no overlay, nothing breaks */
            idx = app->noverlays - 1;
        }
        struct rl_overlay *o = &app->overlays[idx];
        bool on = d->theory && d->n[w] > 0;
        o->n = on ? d->n[w] : 0;
        o->value = d->loss[w];
        o->label = on ? label[w][d->lazy_kind[w]] : NULL;
    }
}

/* ---- small drawing helpers ---- */

static void fmt(char *buf, size_t len, double v)
{
    if (!isfinite(v))
        snprintf(buf, len, "–");
    else
        rl_format_num(buf, len, v, 3);
}

/* Grid lines and tick labels around area a. */
static void axes(struct rl_render *r, struct rl_canvas *c, struct box a,
                 const struct rl_axis *ax, const struct rl_axis *ay, int xt,
                 int yt)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    struct rl_ticks t;
    rl_ticks_for(ax, xt, &t);
    float lastx = -1e9f;
    for (int i = 0; i < t.n; i++) {
        float px = rl_axis_map(ax, t.v[i]);
        if (!(px >= a.x - 0.5f && px <= a.x + a.w + 0.5f))
            continue;
        rl_canvas_line(c, px, a.y, px, a.y + a.h, 1.0f, th->grid);
        int tw = rl_text_width(&r->small, t.label[i]);
        /* the last label may not stick out of the cell */
        float lx = fminf(px, a.x + a.w + 4 * s - tw * 0.5f);
        /* the first label may not reach under the y labels */
        lx = fmaxf(lx, a.x + tw * 0.5f - 1);
        if (lx - tw * 0.5f > lastx + 4 * s) {
            rl_view_tick_text(c, &r->small, lx, a.y + a.h + 2 * s,
                              t.label[i], t.v[i], th->text_dim,
                              RL_ALIGN_CENTER | RL_ALIGN_TOP);
            lastx = lx + tw * 0.5f;
        }
    }
    rl_ticks_for(ay, yt, &t);
    rl_render_y_ticks(r, c, a.x, a.y, a.w, a.h, ay, &t, 3 * s);
}

/* A cell: white card, title, and the plot area inside it. */
static struct box cell(struct rl_render *r, struct rl_canvas *c, struct box b,
                       const char *title, bool with_axes)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    rl_canvas_fill_rect(c, b.x, b.y, b.w, b.h, th->panel);
    rl_canvas_rect(c, b.x, b.y, b.w, b.h, 1.0f, th->frame);
    rl_canvas_clip(c, b.x, b.y, b.w, b.h);
    /* a title too long for the cell loses words from its end */
    char shown[128];
    rl_view_fit_words(&r->font, title, b.w - 12 * s, shown, sizeof(shown));
    rl_canvas_text(c, &r->font, b.x + 6 * s, b.y + 3 * s, shown, th->text,
                   RL_ALIGN_LEFT | RL_ALIGN_TOP);
    rl_canvas_unclip(c);
    struct box in;
    in.x = b.x + (with_axes ? 42 * s : 6 * s);
    in.y = b.y + r->font.height + 7 * s +
           (with_axes ? r->small.height * 0.5f : 0.0f);
    in.w = b.x + b.w - 8 * s - in.x;
    in.h = b.y + b.h - (with_axes ? r->small.height + 5 * s : 6 * s) - in.y;
    in.w = in.w > 1 ? in.w : 1;
    in.h = in.h > 1 ? in.h : 1;
    return in;
}

/* Polyline through n points (xs, ys) mapped by the axes, in chunks of the
 * renderer's scratch; non-finite points break it. */
static void series(struct rl_render *r, struct rl_canvas *c,
                   const struct rl_axis *ax, const struct rl_axis *ay,
                   const double *xs, double x0, const double *ys, int n,
                   double scale, bool dashed, float width, uint32_t color)
{
    float s = r->scale;
    int k = 0;
    for (int j = 0; j <= n; j++) {
        float x = NAN, y = NAN;
        if (j < n) {
            x = rl_axis_map(ax, x0 + xs[j]);
            y = rl_axis_map(ay, ys[j] * scale);
        }
        bool ok = isfinite(x) && isfinite(y);
        if (ok) {
            r->xy[2 * k] = x;
            r->xy[2 * k + 1] = y;
            k++;
        }
        if (!ok || k == r->xy_cap) {
            if (dashed)
                rl_canvas_dashed_polyline(c, r->xy, k, width, 5 * s, 3.5f * s,
                                          color);
            else
                rl_canvas_polyline(c, r->xy, k, width, color);
            if (ok && k == r->xy_cap) {
                r->xy[0] = x;
                r->xy[1] = y;
                k = 1;
            } else {
                k = 0;
            }
        }
    }
}

/* ---- the measures over time ---- */

enum {
    P_RANK,
    P_ALIGN,
    P_KDIST,
    P_NTK,
    P_Q,
    P_V,
    P_COUNT,
};

struct plot_spec {
    const char *title;
    size_t off;             /* the field of struct rl_metrics */
    bool logy;
    double lo, hi;          /* fixed range when lo < hi */
    bool ratio;             /* divided by its value at step 0 */
    bool linear_only;
};

static const struct plot_spec specs[P_COUNT] = {
    {"effective rank of W1", offsetof(struct rl_metrics, eff_rank), false,
     0.95, 2.05, false, false},
    {"task alignment of W1 with β*", offsetof(struct rl_metrics, alignment),
     false, -0.02, 1.02, false, false},
    {"kernel distance of G = W1'W1",
     offsetof(struct rl_metrics, kernel_dist), true, 0, 0, false, false},
    {"tangent-kernel distance, M = G + ‖W2‖²I", offsetof(struct rl_metrics, ntk_dist),
     true, 0, 0, false, true},
    {"imbalance Q/Q₀", offsetof(struct rl_metrics, imbalance), false, 0, 0,
     true, false},
    {"strength v = λx β·μ", offsetof(struct rl_metrics, strength), false, 0,
     0, false, true},
};

static double field(const struct rl_metrics *m, size_t off)
{
    double v;
    memcpy(&v, (const char *)m + off, sizeof(v));
    return v;
}

/* Point i of history h (the latest after the stored ones), or NULL. */
static const struct rl_history_point *hist_at(const struct rl_history *h,
                                              int i)
{
    if (i < h->n)
        return &h->pts[i];
    if (i == h->n && h->has_latest &&
        (h->n == 0 || h->pts[h->n - 1].step != h->latest.step))
        return &h->latest;
    return NULL;
}

/* The theory series shown on plot p for net w, or NULL. */
static const double *theory_of(const struct rl_diag *d, int p, int w)
{
    if (!d->theory || d->n[w] == 0)
        return NULL;
    if (p == P_Q)
        return d->q[w];
    if (p == P_V && !d->lazy_kind[w])
        return d->v[w];
    return NULL;
}

static void draw_measure(struct rl_render *r, struct rl_canvas *c,
                         const struct rl_app *app, int p, struct box b,
                         const struct rl_axis *ax)
{
    const struct rl_theme *th = r->theme;
    const struct plot_spec *sp = &specs[p];
    const struct rl_trainer *tr = app->tr;
    const struct rl_diag *d = &app->diag;
    float s = r->scale;
    struct box in = cell(r, c, b, sp->title, true);
    /* one-line notes where the plot would otherwise mislead: on their own
     * line at the bottom of the cell, under the step axis, never over the
     * curves; left out where the cell has no room */
    const char *note = NULL;
    char buf[96];
    if (p == P_Q && tr->cfg.lambda == 0.0)
        note = "λ=0: flow keeps Q; descent drifts O(lr²)";
    if (p == P_V && d->theory && tr->cfg.act == RL_ACT_LINEAR &&
        d->built[RL_RICH] && d->th[RL_RICH].task.valid) {
        const struct rl_theory_task *tk = &d->th[RL_RICH].task;
        double cosang = tk->mu[0] * tk->bhat[0] + tk->mu[1] * tk->bhat[1];
        double deg = acos(fmin(1.0, fabs(cosang))) * 180.0 / M_PI;
        snprintf(buf, sizeof(buf), "logistic stops at s: μ is %.0f° off β*",
                 deg);
        note = buf;
    }
    float note_h = r->small.height + 2 * s;
    if (note && (rl_text_width(&r->small, note) > b.w - 12 * s ||
                 in.h - note_h < 4 * r->small.height))
        note = NULL;
    if (note)
        in.h -= note_h;
    struct rl_axis axp = *ax;
    axp.p0 = in.x;
    axp.p1 = in.x + in.w;

    /* range of the data (both nets) and of the predictions */
    double base[RL_NETS], lo = INFINITY, hi = -INFINITY;
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_history *h = &tr->hist[w];
        base[w] = sp->ratio && h->n > 0 ? 1.0 / field(&h->pts[0].m, sp->off)
                                        : 1.0;
        for (int i = 0; i <= h->n; i++) {
            const struct rl_history_point *pt = hist_at(h, i);
            if (!pt)
                continue;
            double v = field(&pt->m, sp->off) * base[w];
            if (isfinite(v) && (!sp->logy || v > 0.0)) {
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
        }
        const double *t = theory_of(d, p, w);
        for (int k = 0; t && k < d->n[w]; k++) {
            double v = t[k] * base[w];
            if (isfinite(v) && (!sp->logy || v > 0.0)) {
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
        }
    }
    bool any = hi >= lo;
    struct rl_axis ay;
    if (sp->lo < sp->hi) {
        rl_axis_set(&ay, sp->lo, sp->hi, false, in.y + in.h, in.y);
    } else if (sp->logy) {
        double llo = any ? log10(lo) : -6, lhi = any ? log10(hi) : 0;
        if (lhi - llo < 1.0)
            llo = lhi - 1.0;
        double pad = 0.06 * (lhi - llo);
        rl_axis_set(&ay, pow(10, llo - pad), pow(10, lhi + pad), true,
                    in.y + in.h, in.y);
    } else {
        if (!any) {
            lo = 0.0;
            hi = 1.0;
        }
        if (sp->ratio) { /* Q/Q0: always 0..1, so a few percent of drift
                          * reads as a few percent */
            lo = fmin(lo, 0.0);
            hi = fmax(hi, 1.0);
        } else {
            lo = fmin(lo, 0.0);
        }
        double span = hi - lo > 1e-9 ? hi - lo : 1e-3;
        rl_axis_set(&ay, lo - 0.06 * span, hi + 0.06 * span, false,
                    in.y + in.h, in.y);
    }
    axes(r, c, in, &axp, &ay, in.w > 220 * s ? 4 : 3, 4);

    rl_canvas_clip(c, in.x, in.y, in.w, in.h);
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_history *h = &tr->hist[w];
        /* history as (step, value) runs through the scratch */
        int k = 0;
        for (int i = 0; i <= h->n; i++) {
            const struct rl_history_point *pt = hist_at(h, i);
            if (!pt)
                continue;
            /* on the session step axis, like the curves */
            double xs = app->step_offset[w] + pt->step;
            xs = app->log_x && xs < 1 ? NAN : xs;
            float x = rl_axis_map(&axp, xs);
            float y = rl_axis_map(&ay, field(&pt->m, sp->off) * base[w]);
            if (!isfinite(x) || !isfinite(y)) {
                rl_canvas_polyline(c, r->xy, k, 1.8f * s, th->net[w]);
                k = 0;
                continue;
            }
            /* closer than a pixel to the last point: skip, but keep the
             * newest */
            if (k > 0 && fabsf(x - r->xy[2 * k - 2]) < 0.6f &&
                fabsf(y - r->xy[2 * k - 1]) < 0.6f && i + 1 < h->n)
                continue;
            r->xy[2 * k] = x;
            r->xy[2 * k + 1] = y;
            k++;
            if (k == r->xy_cap) {
                rl_canvas_polyline(c, r->xy, k, 1.8f * s, th->net[w]);
                r->xy[0] = x;
                r->xy[1] = y;
                k = 1;
            }
        }
        rl_canvas_polyline(c, r->xy, k, 1.8f * s, th->net[w]);
        const double *t = theory_of(d, p, w);
        if (t)
            series(r, c, &axp, &ay, d->step[w], (double)app->step_offset[w],
                   t, d->n[w], base[w], true,
                   1.5f * s, rl_color_mix(th->net[w], th->text, 0.35));
    }
    rl_canvas_unclip(c);
    if (note)
        rl_canvas_text(c, &r->small, b.x + b.w - 6 * s, b.y + b.h - 3 * s,
                       note, th->text_dim, RL_ALIGN_RIGHT | RL_ALIGN_BOTTOM);
    if (sp->linear_only && tr->cfg.act != RL_ACT_LINEAR)
        rl_canvas_text(c, &r->font, in.x + in.w * 0.5f, in.y + in.h * 0.5f,
                       "linear only", th->text_dim,
                       RL_ALIGN_CENTER | RL_ALIGN_MIDDLE);
}

/* ---- per-unit balance ---- */

static void draw_balance(struct rl_render *r, struct rl_canvas *c,
                         const struct rl_app *app, struct box b)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    struct box in = cell(r, c, b, "balance: |W2ᵢ| against ‖W1ᵢ‖", true);
    /* one log range for both axes, so the diagonal W2ᵢ² = ‖W1ᵢ‖² is at
     * 45 degrees */
    double lo = INFINITY, hi = -INFINITY;
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_net *net = &app->tr->net[w];
        for (int i = 0; i < net->h; i++) {
            double a, n1;
            rl_metrics_unit_balance(net, i, &a, &n1);
            if (a > 0.0 && isfinite(a)) {
                lo = fmin(lo, a);
                hi = fmax(hi, a);
            }
            if (n1 > 0.0 && isfinite(n1)) {
                lo = fmin(lo, n1);
                hi = fmax(hi, n1);
            }
        }
    }
    if (!(hi >= lo)) {
        lo = 1e-3;
        hi = 1.0;
    }
    double llo = log10(lo), lhi = log10(hi);
    if (lhi - llo < 1.0)
        llo = lhi - 1.0;
    llo -= 0.05 * (lhi - llo);
    lhi += 0.05 * (lhi - llo);
    /* the key to the dashed line outside the plot: right of the square
     * when there is room, else on a line of its own at the bottom, else
     * left out (the scatter fills the square) */
    const char *key = "dashed: balanced";
    float kw = (float)rl_text_width(&r->small, key), kh = r->small.height;
    int key_at = 0; /* 0: none, 1: right, 2: bottom */
    if (in.w - fminf(in.w, in.h) >= 2 * (kw + 8 * s))
        key_at = 1;
    else if (in.h - kh - 2 * s >= 4 * kh && kw < b.w - 12 * s)
        key_at = 2;
    if (key_at == 2)
        in.h -= kh + 2 * s;
    float side = fminf(in.w, in.h);
    in.x += (in.w - side) * 0.5f;
    in.w = side;
    struct rl_axis ax, ay;
    rl_axis_set(&ax, pow(10, llo), pow(10, lhi), true, in.x, in.x + in.w);
    rl_axis_set(&ay, pow(10, llo), pow(10, lhi), true, in.y + in.h, in.y);
    axes(r, c, in, &ax, &ay, 3, 3);
    rl_canvas_clip(c, in.x, in.y, in.w, in.h);
    rl_canvas_dashed_line(c, in.x, in.y + in.h, in.x + in.w, in.y, 1.2f * s,
                          5 * s, 4 * s, th->text_dim);
    float pr = fmaxf(1.2f, 1.6f * s);
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_net *net = &app->tr->net[w];
        for (int i = 0; i < net->h; i++) {
            double a, n1;
            rl_metrics_unit_balance(net, i, &a, &n1);
            rl_canvas_circle(c, rl_axis_map(&ax, n1), rl_axis_map(&ay, a), pr,
                             th->net_soft[w]);
        }
    }
    /* axis names inside the empty corners (the diagonal runs between) */
    rl_canvas_text(c, &r->small, in.x + 4 * s, in.y + 3 * s, "↑ |W2ᵢ|",
                   th->text_dim, RL_ALIGN_LEFT | RL_ALIGN_TOP);
    rl_canvas_text(c, &r->small, in.x + in.w - 4 * s, in.y + in.h - 3 * s,
                   "‖W1ᵢ‖ →", th->text_dim, RL_ALIGN_RIGHT | RL_ALIGN_BOTTOM);
    rl_canvas_unclip(c);
    if (key_at == 1)
        rl_canvas_text(c, &r->small, in.x + in.w + 8 * s, in.y, key,
                       th->text_dim, RL_ALIGN_LEFT | RL_ALIGN_TOP);
    else if (key_at == 2)
        rl_canvas_text(c, &r->small, b.x + b.w - 6 * s, b.y + b.h - 3 * s,
                       key, th->text_dim, RL_ALIGN_RIGHT | RL_ALIGN_BOTTOM);
}

/* ---- the table of current values ---- */

/* One row of the table: a name on the left, then the rich and the lazy
 * value right-aligned at x1 and x2, all in one colour. */
static void table_row(struct rl_canvas *c, const struct rl_font *f, float x0,
                      float x1, float x2, float y, const char *name,
                      const char *rich, const char *lazy, uint32_t color)
{
    rl_canvas_text(c, f, x0, y, name, color, RL_ALIGN_LEFT | RL_ALIGN_TOP);
    rl_canvas_text(c, f, x1, y, rich, color, RL_ALIGN_RIGHT | RL_ALIGN_TOP);
    rl_canvas_text(c, f, x2, y, lazy, color, RL_ALIGN_RIGHT | RL_ALIGN_TOP);
}

static void draw_table(struct rl_render *r, struct rl_canvas *c,
                       const struct rl_app *app, struct box b)
{
    const struct rl_theme *th = r->theme;
    const struct rl_trainer *tr = app->tr;
    const struct rl_diag *d = &app->diag;
    float s = r->scale;
    struct box in = cell(r, c, b, "now", false);
    rl_canvas_clip(c, b.x, b.y, b.w, b.h);
    const struct rl_font *f = &r->small;
    /* ten rows: tighter spacing where the cell is short; rows that still
     * do not fit are left out */
    float bottom = b.y + b.h - 2 * s;
    float lh = fminf(f->height + 1.5f * s, (bottom - in.y) / 10.0f);
    lh = fmaxf(lh, (float)f->height + 1.0f); /* rows never touch */
    /* the rich column right of the longest name where there is room; a
     * name that still does not fit loses its last words */
    float vw = (float)rl_text_width(f, "9.99e-9");
    float c0 = in.x, c2 = in.x + in.w;
    float c1 = fmaxf(in.x + in.w * 0.60f,
                     c0 + (float)rl_text_width(f, "kernel dist G") + 6 * s + vw);
    c1 = fminf(c1, c2 - vw - 6 * s);
    float namew = c1 - vw - 6 * s - c0;
    float y = in.y;
    rl_canvas_text(c, f, c1, y, "rich", th->net[RL_RICH],
                   RL_ALIGN_RIGHT | RL_ALIGN_TOP);
    rl_canvas_text(c, f, c2, y, "lazy", th->net[RL_LAZY],
                   RL_ALIGN_RIGHT | RL_ALIGN_TOP);
    y += lh;
    struct row {
        const char *name;
        size_t off;
    };
    static const struct row rows[] = {
        {"eff. rank", offsetof(struct rl_metrics, eff_rank)},
        {"part. ratio", offsetof(struct rl_metrics, part_ratio)},
        {"alignment", offsetof(struct rl_metrics, alignment)},
        {"kernel dist G", offsetof(struct rl_metrics, kernel_dist)},
        {"kernel dist M", offsetof(struct rl_metrics, ntk_dist)},
        {"Q", offsetof(struct rl_metrics, imbalance)},
        {"Chizat scale, init", offsetof(struct rl_metrics, lazy_scale)},
    };
    char a[32], bb[32];
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        fmt(a, sizeof(a), field(&tr->last[RL_RICH], rows[i].off));
        fmt(bb, sizeof(bb), field(&tr->last[RL_LAZY], rows[i].off));
        if (y + f->height > bottom)
            break;
        char name[64];
        const char *full = rows[i].name;
        if (rl_text_width(f, "kernel dist M") > namew &&
            !strncmp(full, "kernel ", 7))
            full += 7; /* "dist G", "dist M": still told apart */
        rl_view_fit_words(f, full, namew, name, sizeof(name));
        table_row(c, f, c0, c1, c2, y, name, a, bb, th->text);
        y += lh;
    }
    /* |beta| now and where theory says it settles under decay */
    if (tr->cfg.act == RL_ACT_LINEAR) {
        char nb[2][32], tb[2][32];
        for (int w = 0; w < RL_NETS; w++) {
            double beta[2];
            rl_net_beta(&tr->net[w], beta);
            fmt(nb[w], sizeof(nb[w]), hypot(beta[0], beta[1]));
            fmt(tb[w], sizeof(tb[w]),
                d->built[w] ? hypot(d->decay_beta[w][0], d->decay_beta[w][1])
                            : NAN);
        }
        if (y + f->height <= bottom)
            table_row(c, f, c0, c1, c2, y, "‖β‖", nb[0], nb[1], th->text);
        y += lh;
        if (y + f->height <= bottom)
            table_row(c, f, c0, c1, c2, y, "‖β‖ theory, t→∞", tb[0], tb[1],
                      th->text_dim);
        y += lh;
    } else if (y + f->height <= bottom) {
        rl_canvas_text(c, f, c0, y, "M, Chizat, β: linear only", th->text_dim,
                       RL_ALIGN_LEFT | RL_ALIGN_TOP);
        y += lh;
    }
    rl_canvas_unclip(c);
}

/* ---- the panel ---- */

void rl_render_diag_panel(struct rl_render *r, struct rl_canvas *c,
                          struct rl_app *app, float x, float y, float w,
                          float h)
{
    if (!app->diag.panel)
        return;
    const struct rl_theme *th = r->theme;
    const struct rl_diag *d = &app->diag;
    float s = r->scale;
    /* the scatters under the panel no longer take hover */
    for (int n = 0; n < RL_NETS; n++)
        for (int k = 0; k < RL_SCATTER_COUNT; k++)
            app->area[n][k].valid = false;
    rl_canvas_fill_rect(c, x, y, w, h, th->bg);
    rl_layout_cover(c, x, y, w, h);

    /* header line: title, keys, which theory each net gets */
    char line[256];
    float hy = y + r->title.height * 0.5f;
    rl_canvas_clip(c, x, y, w, h);
    float tx = rl_canvas_text(c, &r->title, x, hy, "Regime diagnostics",
                              th->text, RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    snprintf(line, sizeof(line), "   g: close   ·   t: theory %s (dashed)",
             d->theory ? "on" : "off");
    tx = rl_canvas_text(c, &r->font, tx, hy, line, th->text_dim,
                        RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    for (int n = 0; n < RL_NETS; n++) {
        if (app->tr->cfg.act != RL_ACT_LINEAR)
            snprintf(line, sizeof(line), "   ·   %s: theory linear only",
                     rl_net_label(n));
        else if (d->stale[n])
            snprintf(line, sizeof(line),
                     "   ·   %s: no theory (lr/λ changed; r restarts)",
                     rl_net_label(n));
        else
            snprintf(line, sizeof(line), "   ·   %s: %s", rl_net_label(n),
                     d->lazy_kind[n] ? "linearised (Lee et al.)"
                                     : "Saxe et al.");
        /* an item that does not fit whole is left out, with the rest */
        if (tx + rl_text_width(&r->font, line) > x + w)
            break;
        tx = rl_canvas_text(c, &r->font, tx, hy, line, th->net[n],
                            RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    }
    rl_canvas_unclip(c);

    /* the shared step axis (pixels set per cell) */
    long maxstep = rl_app_step(app) > 10 ? rl_app_step(app) : 10;
    struct rl_axis ax;
    if (app->log_x)
        rl_axis_set(&ax, 1.0, maxstep * 1.02, true, 0, 1);
    else
        rl_axis_set(&ax, 0.0, maxstep * 1.02, false, 0, 1);

    /* 2 x 4 grid: six measures, the balance scatter, the table */
    float gap = 6 * s, top = y + r->title.height + 4 * s;
    float cw = (w - 3 * gap) / 4.0f, ch = (y + h - top - gap) / 2.0f;
    if (cw < 40 * s || ch < 40 * s)
        return;
    for (int k = 0; k < 8; k++) {
        struct box b = {x + (k % 4) * (cw + gap), top + (k / 4) * (ch + gap),
                        cw, ch};
        if (k < P_COUNT)
            draw_measure(r, c, app, k, b, &ax);
        else if (k == 6)
            draw_balance(r, c, app, b);
        else
            draw_table(r, c, app, b);
    }
}
