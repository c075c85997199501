/* plot.c: axes, ticks and autoscaling (see rl_plot.h). */
#include "rl_plot.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rl_axis_set(struct rl_axis *a, double lo, double hi, bool log, float p0,
                 float p1)
{
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = log ? 1e-3 : 0.0;
        hi = 1.0;
    }
    if (hi < lo) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (log) {
        if (hi <= 0.0)
            hi = 1.0;
        if (lo <= 0.0)
            lo = hi * 1e-3;
        if (hi <= lo * (1.0 + 1e-9)) {
            lo /= 2.0;
            hi *= 2.0;
        }
    } else if (hi - lo <= 1e-12 * fmax(fabs(lo), fabs(hi)) || hi == lo) {
        double d = fabs(lo) > 0.0 ? fabs(lo) * 0.5 : 1.0;
        lo -= d;
        hi += d;
    }
    a->lo = lo;
    a->hi = hi;
    a->log = log;
    a->p0 = p0;
    a->p1 = p1;
}

float rl_axis_map(const struct rl_axis *a, double v)
{
    if (!isfinite(v))
        return NAN;
    double t;
    if (a->log) {
        if (v <= 0.0)
            return NAN;
        t = (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    } else {
        t = (v - a->lo) / (a->hi - a->lo);
    }
    /* keep far-away points finite so float conversion stays defined */
    if (t > 1e6)
        t = 1e6;
    if (t < -1e6)
        t = -1e6;
    return (float)(a->p0 + t * (a->p1 - a->p0));
}

double rl_axis_unmap(const struct rl_axis *a, float p)
{
    double t = (a->p1 != a->p0) ? (p - a->p0) / (double)(a->p1 - a->p0) : 0;
    if (a->log)
        return pow(10.0, log10(a->lo) + t * (log10(a->hi) - log10(a->lo)));
    return a->lo + t * (a->hi - a->lo);
}

void rl_format_num(char *buf, size_t len, double v, int digits)
{
    if (v == 0.0) {
        snprintf(buf, len, "0");
        return;
    }
    if (!isfinite(v)) {
        snprintf(buf, len, "%s", isnan(v) ? "NaN" : (v > 0 ? "inf" : "-inf"));
        return;
    }
    double av = fabs(v);
    if (av >= 1e-3 && av < 1e5) {
        snprintf(buf, len, "%.*g", digits, v);
        return;
    }
    /* compact exponent: 2e-4 rather than 2.000e-04 */
    char tmp[48];
    snprintf(tmp, sizeof(tmp), "%.*e", digits > 1 ? digits - 1 : 0, v);
    char *e = strchr(tmp, 'e');
    char mant[32];
    size_t ml = e ? (size_t)(e - tmp) : strlen(tmp);
    if (ml >= sizeof(mant))
        ml = sizeof(mant) - 1;
    memcpy(mant, tmp, ml);
    mant[ml] = '\0';
    if (strchr(mant, '.')) {
        size_t k = strlen(mant);
        while (k > 0 && mant[k - 1] == '0')
            mant[--k] = '\0';
        if (k > 0 && mant[k - 1] == '.')
            mant[--k] = '\0';
    }
    int ex = e ? (int)strtol(e + 1, NULL, 10) : 0;
    snprintf(buf, len, "%se%d", mant, ex);
}

/* "10" followed by k in superscript digits, e.g. "10⁻³". */
static void format_pow10(char *buf, size_t len, int k)
{
    static const char *const sup[10] = {"⁰", "¹", "²", "³", "⁴",
                                        "⁵", "⁶", "⁷", "⁸", "⁹"};
    char digits[16];
    snprintf(digits, sizeof(digits), "%d", k < 0 ? -k : k);
    size_t o = (size_t)snprintf(buf, len, "10%s", k < 0 ? "⁻" : "");
    for (const char *d = digits; *d && o < len; d++)
        o += (size_t)snprintf(buf + o, len - o, "%s", sup[*d - '0']);
}

void rl_ticks_linear(double lo, double hi, int target, struct rl_ticks *t)
{
    t->n = 0;
    t->nminor = 0;
    if (!(hi > lo) || !isfinite(lo) || !isfinite(hi))
        return;
    if (target < 2)
        target = 2;
    double raw = (hi - lo) / target;
    double mag = pow(10.0, floor(log10(raw)));
    /* the nice step nearest to raw (in ratio), so an axis gets about
     * `target` ticks, never just one */
    double step = mag;
    if (raw / mag > 7.07)
        step = 10.0 * mag;
    else if (raw / mag > 3.16)
        step = 5.0 * mag;
    else if (raw / mag > 1.41)
        step = 2.0 * mag;
    double first = ceil(lo / step - 1e-9) * step;
    /* digits after the point needed by this step */
    int dec = step >= 1.0 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (step / pow(10.0, -dec) != floor(step / pow(10.0, -dec) + 1e-9))
        dec++;
    double amax = fmax(fabs(lo), fabs(hi));
    bool sci = amax >= 1e5 || amax < 1e-3;
    for (int i = 0; i < RL_TICKS_MAX; i++) {
        double v = first + i * step;
        if (v > hi + step * 1e-9)
            break;
        if (fabs(v) < step * 1e-9)
            v = 0.0;
        t->v[t->n] = v;
        if (sci)
            rl_format_num(t->label[t->n], sizeof(t->label[0]), v, 3);
        else
            snprintf(t->label[t->n], sizeof(t->label[0]), "%.*f", dec, v);
        t->n++;
    }
}

void rl_ticks_log(double lo, double hi, int target, struct rl_ticks *t)
{
    t->n = 0;
    t->nminor = 0;
    if (!(lo > 0.0) || !(hi > lo) || !isfinite(hi))
        return;
    if (target < 2)
        target = 2;
    double llo = log10(lo), lhi = log10(hi);
    int k0 = (int)ceil(llo - 1e-9), k1 = (int)floor(lhi + 1e-9);
    int decades = k1 - k0 + 1;
    if (decades < 1) {
        /* less than a decade in view: fall back to linear ticks */
        rl_ticks_linear(lo, hi, target, t);
        return;
    }
    int every = 1;
    while (decades / every > target || decades / every > RL_TICKS_MAX)
        every++;
    for (int k = k0; k <= k1 && t->n < RL_TICKS_MAX; k++) {
        if (((k % every) + every) % every != 0)
            continue;
        t->v[t->n] = pow(10.0, k);
        format_pow10(t->label[t->n], sizeof(t->label[0]), k);
        t->n++;
    }
    if (every == 1 && lhi - llo <= 7.0) {
        for (int k = (int)floor(llo); k <= k1; k++)
            for (int m = 2; m <= 9; m++) {
                double v = m * pow(10.0, k);
                if (v >= lo && v <= hi && t->nminor < RL_TICKS_MAX * 2)
                    t->minor[t->nminor++] = v;
            }
    }
    if (t->n <= 2 && lhi - llo < 2.5) {
        /* few decade marks: also label 2 and 5 x 10^k, as plain numbers */
        for (int k = (int)floor(llo); k <= (int)ceil(lhi); k++)
            for (int m = 2; m <= 5; m += 3) {
                double v = m * pow(10.0, k);
                if (v < lo || v > hi || t->n >= RL_TICKS_MAX)
                    continue;
                t->v[t->n] = v;
                rl_format_num(t->label[t->n], sizeof(t->label[0]), v, 2);
                t->n++;
            }
        /* keep them sorted for the callers that thin labels */
        for (int i = 1; i < t->n; i++)
            for (int j = i; j > 0 && t->v[j] < t->v[j - 1]; j--) {
                double tv = t->v[j];
                char tl[24];
                memcpy(tl, t->label[j], sizeof(tl));
                t->v[j] = t->v[j - 1];
                memcpy(t->label[j], t->label[j - 1], sizeof(tl));
                t->v[j - 1] = tv;
                memcpy(t->label[j - 1], tl, sizeof(tl));
            }
        /* one style per axis, never a mix: plain decimals where they are
         * short (0.05 0.1 0.2 0.5), else m×10^k throughout */
        bool plain = t->v[0] >= 1e-3 && t->v[t->n - 1] <= 1e4;
        for (int i = 0; i < t->n; i++) {
            if (plain) {
                /* whole numbers in full (100, 200, 500: never 1e+02) */
                if (t->v[i] >= 1.0 && t->v[i] == floor(t->v[i]))
                    snprintf(t->label[i], sizeof(t->label[0]), "%.0f",
                             t->v[i]);
                else
                    rl_format_num(t->label[i], sizeof(t->label[0]), t->v[i],
                                  2);
                continue;
            }
            int k = (int)floor(log10(t->v[i]) + 1e-9);
            int m = (int)lround(t->v[i] / pow(10.0, k));
            char p10[20];
            format_pow10(p10, sizeof(p10), k);
            if (m == 1)
                snprintf(t->label[i], sizeof(t->label[0]), "%s", p10);
            else
                snprintf(t->label[i], sizeof(t->label[0]), "%d×%s", m, p10);
        }
    }
}

void rl_ticks_for(const struct rl_axis *a, int target, struct rl_ticks *t)
{
    if (a->log)
        rl_ticks_log(a->lo, a->hi, target, t);
    else
        rl_ticks_linear(a->lo, a->hi, target, t);
}

void rl_autoscale_init(struct rl_autoscale *s, bool log, bool symmetric)
{
    memset(s, 0, sizeof(*s));
    s->log = log;
    s->symmetric = symmetric;
    s->margin = 0.08;
    s->rate = 0.15;
    s->lo = log ? 0.1 : -1.0;
    s->hi = 1.0;
}

void rl_autoscale_reset(struct rl_autoscale *s)
{
    s->valid = false;
}

void rl_autoscale_update(struct rl_autoscale *s, double dmin, double dmax)
{
    if (s->locked || !isfinite(dmin) || !isfinite(dmax))
        return;
    if (dmax < dmin) {
        double t = dmin;
        dmin = dmax;
        dmax = t;
    }
    if (s->log) {
        if (!(dmin > 0.0))
            return;
        dmin = log10(dmin);
        dmax = log10(dmax);
    }
    if (s->symmetric) {
        double m = fmax(fabs(dmin), fabs(dmax));
        dmin = -m;
        dmax = m;
    }
    double span = dmax - dmin;
    if (span <= 0.0)
        span = s->log ? 0.5 : (fabs(dmax) > 0.0 ? fabs(dmax) : 1e-12);
    double tlo = dmin - s->margin * span, thi = dmax + s->margin * span;
    double lo = s->log ? log10(s->lo) : s->lo;
    double hi = s->log ? log10(s->hi) : s->hi;
    if (!s->valid) {
        lo = tlo;
        hi = thi;
        s->valid = true;
    } else {
        /* grow at once so no point comes within 5% of the edge (the
         * margin puts it back at 8%) */
        for (int pass = 0; pass < 2; pass++) { /* one end's growth widens
                                                * the span the other needs */
            double keep = 0.05 * (hi - lo), room = s->margin * (hi - lo);
            if (dmin < lo + keep)
                lo = fmin(tlo, dmin - room);
            if (dmax > hi - keep)
                hi = fmax(thi, dmax + room);
        }
        /* shrink gently, and only when the data fill under half the span:
         * hysteresis keeps the axes still while the data wobble */
        if ((thi - tlo) < 0.5 * (hi - lo))
            s->shrinking = true;
        if (s->shrinking) {
            lo += s->rate * (tlo - lo);
            hi += s->rate * (thi - hi);
            if ((hi - lo) < 1.02 * (thi - tlo))
                s->shrinking = false;
        }
    }
    if (s->log) {
        s->lo = pow(10.0, lo);
        s->hi = pow(10.0, hi);
    } else {
        s->lo = lo;
        s->hi = hi;
    }
}

static bool boxes_meet(const float *a, const float *b, float gap)
{
    return a[0] < b[2] + gap && b[0] < a[2] + gap && a[1] < b[3] + gap &&
           b[1] < a[3] + gap;
}

int rl_place_labels(int n, const float *x, const float *w, float h,
                    float xmin, float xmax, float y0, float row_h, int rows,
                    const float *avoid, float gap, float *out_x,
                    float *out_y)
{
    int placed = 0;
    for (int i = 0; i < n; i++) {
        out_x[i] = NAN;
        out_y[i] = NAN;
        float tx = x[i] + gap;
        if (tx + w[i] > xmax)
            tx = x[i] - w[i] - gap;
        if (tx < xmin)
            tx = xmin;
        for (int row = 0; row < rows; row++) {
            float ty = y0 + row * row_h;
            float q[4] = {tx, ty, tx + w[i], ty + h};
            bool free = !(avoid && boxes_meet(q, avoid, gap));
            for (int k = 0; k < i && free; k++) {
                if (!isfinite(out_x[k]))
                    continue;
                float o[4] = {out_x[k], out_y[k], out_x[k] + w[k],
                              out_y[k] + h};
                free = !boxes_meet(q, o, gap);
            }
            if (free) {
                out_x[i] = tx;
                out_y[i] = ty;
                placed++;
                break;
            }
        }
    }
    return placed;
}

void rl_format_rate(char *buf, size_t len, double v)
{
    if (!isfinite(v) || v < 0)
        snprintf(buf, len, "–");
    else if (v < 1e4)
        snprintf(buf, len, "%.0f", v);
    else if (v < 1e6)
        snprintf(buf, len, "%.1fk", v / 1e3);
    else if (v < 1e9)
        snprintf(buf, len, "%.1fM", v / 1e6);
    else
        snprintf(buf, len, "%.1fG", v / 1e9);
}
