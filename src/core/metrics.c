/* metrics.c: loss, accuracy, weight-change and regime measures of one net.
 * The regime measures are defined in rl_metrics.h and docs/theory.md. */
#include "rl_metrics.h"

#include <assert.h>
#include <math.h>

#include "rl_theory.h"

/* Sums over units from one pass over the current and initial weights. */
struct weight_sums {
    double d1, s1, d2, s2;  /* ||W1 - W1_0||^2, ||W1||^2, same for W2 */
    double g[3], g0[3];     /* G = W1^T W1 as (g00, g01, g11), and G0 */
    double n2_0;            /* ||W2_0||^2 */
    double beta[2], beta0[2];
};

static void weight_pass(const struct rl_net *net, struct weight_sums *w)
{
    *w = (struct weight_sums){0};
    const float *a = net->w1, *a0 = net->w1_0, *b = net->w2, *b0 = net->w2_0;
    for (int i = 0; i < net->h; i++) {
        double x0 = a[2 * i], x1 = a[2 * i + 1], y = b[i];
        double p0 = a0[2 * i], p1 = a0[2 * i + 1], q = b0[i];
        double e0 = x0 - p0, e1 = x1 - p1, e2 = y - q;
        /* same order as a flat pass over w1 then w2: rel_w1 and norm_w1
         * keep their exact values */
        w->d1 += e0 * e0;
        w->d1 += e1 * e1;
        w->s1 += x0 * x0;
        w->s1 += x1 * x1;
        w->d2 += e2 * e2;
        w->s2 += y * y;
        w->g[0] += x0 * x0;
        w->g[1] += x0 * x1;
        w->g[2] += x1 * x1;
        w->g0[0] += p0 * p0;
        w->g0[1] += p0 * p1;
        w->g0[2] += p1 * p1;
        w->n2_0 += q * q;
        w->beta[0] += y * x0;
        w->beta[1] += y * x1;
        w->beta0[0] += q * p0;
        w->beta0[1] += q * p1;
    }
}

/* Effective rank (Roy & Vetterli 2007) and participation ratio of a matrix
 * whose Gram matrix is the symmetric (2, 2) g = (g00, g01, g11). */
static void rank_measures(const double g[3], double *eff_rank,
                          double *part_ratio)
{
    double tr = g[0] + g[2];
    double fro2 = g[0] * g[0] + 2.0 * g[1] * g[1] + g[2] * g[2];
    if (!(tr > 0.0) || !isfinite(tr)) {
        *eff_rank = *part_ratio = NAN;
        return;
    }
    /* eigenvalues sigma^2; the small one as det / large (no cancellation
     * beyond the determinant's own) */
    double e1 = 0.5 * tr + hypot(0.5 * (g[0] - g[2]), g[1]);
    double det = g[0] * g[2] - g[1] * g[1];
    double e2 = det > 0.0 ? det / e1 : 0.0;
    double s1 = sqrt(e1), s2 = sqrt(e2), sum = s1 + s2;
    double ent = 0.0;
    const double p[2] = {s1 / sum, s2 / sum};
    for (int k = 0; k < 2; k++)
        if (p[k] > 0.0)
            ent -= p[k] * log(p[k]);
    *eff_rank = exp(ent);
    *part_ratio = tr * tr / fro2; /* (sum sigma^2)^2 / sum sigma^4 */
}

/* Fort et al. 2020 kernel distance 1 - <A, B>_F / (|A|_F |B|_F) of two
 * symmetric (2, 2) matrices given as (a00, a01, a11). */
static double kernel_distance(const double a[3], const double b[3])
{
    double ab = a[0] * b[0] + 2.0 * a[1] * b[1] + a[2] * b[2];
    double aa = a[0] * a[0] + 2.0 * a[1] * a[1] + a[2] * a[2];
    double bb = b[0] * b[0] + 2.0 * b[1] * b[1] + b[2] * b[2];
    if (!(aa > 0.0 && bb > 0.0))
        return NAN;
    double d = 1.0 - ab / sqrt(aa * bb);
    return d > 0.0 ? d : 0.0; /* rounding at d = 0 */
}

/* Largest eigenvalue of the product of two symmetric positive
 * semi-definite (2, 2) matrices (real, as it is similar to a symmetric
 * one); m, s row-major. */
static double product_top_eig(const double m[4], const double s[4])
{
    double p0 = m[0] * s[0] + m[1] * s[2], p1 = m[0] * s[1] + m[1] * s[3];
    double p2 = m[2] * s[0] + m[3] * s[2], p3 = m[2] * s[1] + m[3] * s[3];
    double half = 0.5 * (p0 + p3), det = p0 * p3 - p1 * p2;
    double disc = half * half - det;
    return half + sqrt(disc > 0.0 ? disc : 0.0);
}

/* Chizat, Oyallon & Bach 2019, relative scale at the initial weights:
 * kappa = |f0 - f*| |D2 f| / |Df|^2, norms in L2 of the training inputs,
 * f* the least-squares linear fit. For beta = W2 W1: |Df|^2 is the top
 * eigenvalue of M0 Sxx, |D2 f| = sqrt(top eigenvalue of Sxx). */
static double lazy_scale(const struct rl_theory_task *t,
                         const struct weight_sums *w)
{
    double e[2] = {w->beta0[0] - t->beta_ls[0], w->beta0[1] - t->beta_ls[1]};
    double se0 = t->sxx[0] * e[0] + t->sxx[1] * e[1];
    double se1 = t->sxx[2] * e[0] + t->sxx[3] * e[1];
    double resid = sqrt(fmax(0.0, e[0] * se0 + e[1] * se1));
    const double id[4] = {1, 0, 0, 1};
    double m0[4] = {w->g0[0] + w->n2_0, w->g0[1], w->g0[1],
                    w->g0[2] + w->n2_0};
    double df2 = product_top_eig(m0, t->sxx);
    double d2f = sqrt(product_top_eig(id, t->sxx));
    return df2 > 0.0 ? resid * d2f / df2 : NAN;
}

/* A NaN from inf - inf carries a sign bit and prints as "-nan"; make every
 * NaN the same positive one so CSVs and summaries say "nan". */
static void canonical_nan(struct rl_metrics *m)
{
    _Static_assert(sizeof(*m) % sizeof(double) == 0,
                   "struct rl_metrics holds doubles only");
    double *v = (double *)m;
    for (size_t i = 0; i < sizeof(*m) / sizeof(double); i++)
        if (isnan(v[i]))
            v[i] = NAN;
}

void rl_metrics_compute(const struct rl_net *net, const struct rl_data *train,
                        const struct rl_data *test, struct rl_metrics *m)
{
    rl_net_evaluate(net, train, &m->loss, &m->accuracy);
    if (test && test->n > 0) {
        rl_net_evaluate(net, test, &m->test_loss, &m->test_accuracy);
    } else {
        m->test_loss = NAN;
        m->test_accuracy = NAN;
    }
    struct weight_sums w;
    weight_pass(net, &w);
    m->norm_w1 = sqrt(w.s1);
    m->norm_w2 = sqrt(w.s2);
    /* relative to the initial norm (seed: w1_rel_changes); undefined at
     * a zero initialisation */
    m->rel_w1 = net->norm_w1_0 > 0.0 ? sqrt(w.d1) / net->norm_w1_0 : NAN;
    m->rel_w2 = net->norm_w2_0 > 0.0 ? sqrt(w.d2) / net->norm_w2_0 : NAN;

    struct rl_theory_task task;
    rl_theory_task_init(&task, train);
    rank_measures(w.g, &m->eff_rank, &m->part_ratio);
    const double *u = task.bhat;
    double gu = w.g[0] * u[0] * u[0] + 2.0 * w.g[1] * u[0] * u[1] +
                w.g[2] * u[1] * u[1];
    m->alignment = w.s1 > 0.0 ? gu / w.s1 : NAN; /* NaN when bhat is */
    m->kernel_dist = kernel_distance(w.g0, w.g);
    m->imbalance = w.s1 - w.s2;
    if (net->act == RL_ACT_LINEAR) {
        double mt[3] = {w.g[0] + w.s2, w.g[1], w.g[2] + w.s2};
        double m0[3] = {w.g0[0] + w.n2_0, w.g0[1], w.g0[2] + w.n2_0};
        m->ntk_dist = kernel_distance(m0, mt);
        m->strength = task.lx * (w.beta[0] * task.mu[0] +
                                 w.beta[1] * task.mu[1]);
        m->lazy_scale = task.valid ? lazy_scale(&task, &w) : NAN;
    } else {
        m->ntk_dist = m->strength = m->lazy_scale = NAN;
    }
    canonical_nan(m);
}

void rl_metrics_unit_balance(const struct rl_net *net, int i, double *w2_abs,
                             double *w1_norm)
{
    assert(i >= 0 && i < net->h);
    *w2_abs = fabs((double)net->w2[i]);
    *w1_norm = hypot(net->w1[2 * i], net->w1[2 * i + 1]);
}

const char *rl_metrics_csv_header(void)
{
    return "loss,accuracy,rel_w1,rel_w2,norm_w1,norm_w2,test_loss,"
           "test_accuracy,eff_rank,part_ratio,alignment,kernel_dist,"
           "ntk_dist,imbalance,strength,lazy_scale";
}

const char *rl_metrics_csv_header_for(bool regression)
{
    if (!regression)
        return rl_metrics_csv_header();
    return "loss,r2,rel_w1,rel_w2,norm_w1,norm_w2,test_loss,"
           "test_r2,eff_rank,part_ratio,alignment,kernel_dist,"
           "ntk_dist,imbalance,strength,lazy_scale";
}

void rl_metrics_extra_compute(const struct rl_net *net,
                              const struct rl_data *train, unsigned cols,
                              struct rl_metrics_extra *x)
{
    *x = (struct rl_metrics_extra){NAN, NAN, NAN, NAN};
    if (cols & RL_COL_MARGIN)
        x->margin = rl_metrics_margin(net, train);
    if (cols & RL_COL_IMBALANCE)
        rl_metrics_imbalance_stats(net, &x->delta_mean, &x->delta_sd);
    if ((cols & RL_COL_TEACHER) && train->teacher.k > 0)
        x->teacher_alignment = rl_teacher_alignment(&train->teacher, net->w1,
                                                    net->w2, net->h, true);
    /* one NaN for every NaN (see canonical_nan) */
    double *v[4] = {&x->margin, &x->delta_mean, &x->delta_sd,
                    &x->teacher_alignment};
    for (int i = 0; i < 4; i++)
        if (isnan(*v[i]))
            *v[i] = NAN;
}

void rl_metrics_extra_csv_header(FILE *f, unsigned cols)
{
    if (cols & RL_COL_MARGIN)
        fputs(",margin", f);
    if (cols & RL_COL_IMBALANCE)
        fputs(",delta_mean,delta_sd", f);
    if (cols & RL_COL_TEACHER)
        fputs(",teacher_alignment", f);
}

void rl_metrics_extra_csv_row(FILE *f, unsigned cols,
                              const struct rl_metrics_extra *x)
{
    if (cols & RL_COL_MARGIN)
        fprintf(f, ",%.9g", x->margin);
    if (cols & RL_COL_IMBALANCE)
        fprintf(f, ",%.9g,%.9g", x->delta_mean, x->delta_sd);
    if (cols & RL_COL_TEACHER)
        fprintf(f, ",%.9g", x->teacher_alignment);
}

void rl_metrics_csv_row(FILE *f, const struct rl_metrics *m)
{
    fprintf(f, "%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g", m->loss,
            m->accuracy, m->rel_w1, m->rel_w2, m->norm_w1, m->norm_w2,
            m->test_loss, m->test_accuracy);
    fprintf(f, ",%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g", m->eff_rank,
            m->part_ratio, m->alignment, m->kernel_dist, m->ntk_dist,
            m->imbalance, m->strength, m->lazy_scale);
}

double rl_metrics_margin(const struct rl_net *net, const struct rl_data *d)
{
    const struct rl_net_opts *o = &net->opts;
    if (o->targets == RL_TARGETS_REAL || d->n == 0)
        return NAN;
    const int h = net->h;
    double t2 = 0.0;
    for (int c = 0; c < 3 * h; c++)
        t2 += (double)net->theta[c] * net->theta[c];
    if (o->bias)
        for (int c = 3 * h; c < 4 * h + 1; c++)
            t2 += (double)net->theta[c] * net->theta[c];
    if (!(t2 > 0.0))
        return NAN;
    enum { CHUNK = 256 };
    float out[CHUNK];
    double low = INFINITY;
    for (int k0 = 0; k0 < d->n; k0 += CHUNK) {
        int m = d->n - k0 < CHUNK ? d->n - k0 : CHUNK;
        rl_net_predict(net, d->x + 2 * k0, m, out);
        for (int k = 0; k < m; k++) {
            float y = d->y[k0 + k];
            bool pos = o->targets == RL_TARGETS_01 ? y > 0.5f : y > 0.0f;
            double v = pos ? out[k] : -(double)out[k];
            if (!(v >= low))
                low = v;    /* NaN outputs make the margin NaN */
        }
    }
    return low / t2;
}

/* delta_j = w2_j^2 - ||w1_j||^2 - b1_j^2 in double. */
static double unit_delta(const struct rl_net *net, int j)
{
    double a = net->w2[j], w0 = net->w1[2 * j], w1 = net->w1[2 * j + 1];
    double b = net->b1[j];
    return a * a - w0 * w0 - w1 * w1 - b * b;
}

void rl_metrics_imbalance_stats(const struct rl_net *net, double *mean,
                                double *spread)
{
    const int h = net->h;
    double s = 0.0;
    for (int j = 0; j < h; j++)
        s += unit_delta(net, j);
    *mean = s / h;
    double ss = 0.0;    /* two passes: no cancellation */
    for (int j = 0; j < h; j++) {
        double e = unit_delta(net, j) - *mean;
        ss += e * e;
    }
    *spread = sqrt(ss / h);
}
