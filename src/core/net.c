/* net.c: the two-layer network, its gradient (plain and linear fast path)
 * and the SGD step with PyTorch-style weight decay. See rl_net.h. */
#include "rl_net.h"
#include "rl_net_kernel.h"

#include <assert.h>
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const act_names[RL_ACT_COUNT] = {"linear", "relu", "tanh"};

const char *rl_activation_name(enum rl_activation act)
{
    assert(act >= 0 && act < RL_ACT_COUNT);
    return act_names[act];
}

bool rl_activation_parse(const char *name, enum rl_activation *act)
{
    for (int i = 0; i < RL_ACT_COUNT; i++) {
        if (!strcmp(name, act_names[i])) {
            *act = (enum rl_activation)i;
            return true;
        }
    }
    return false;
}

/* Floats rounded up to a whole 64-byte line, so arrays carved from one
 * aligned block stay aligned. */
static size_t line_floats(int count)
{
    return ((size_t)count + 15) / 16 * 16;
}

/* One 64-byte aligned block of `arrays` arrays of `count` floats each, the
 * start of every array written to parts[]. NULL on out of memory. */
static float *alloc_lines(int count, int arrays, float **parts[])
{
    size_t stride = line_floats(count > 0 ? count : 1);
    float *block = aligned_alloc(64, stride * (size_t)arrays * sizeof(float));
    if (!block)
        return NULL;
    memset(block, 0, stride * (size_t)arrays * sizeof(float));
    for (int a = 0; a < arrays; a++)
        *parts[a] = block + stride * (size_t)a;
    return block;
}

bool rl_net_init(struct rl_net *net, int h, int max_n)
{
    assert(h > 0 && max_n >= 0);
    memset(net, 0, sizeof(*net));
    net->h = h;
    net->w1 = calloc((size_t)h * 2, sizeof(float));
    net->w2 = calloc((size_t)h, sizeof(float));
    net->w1_0 = calloc((size_t)h * 2, sizeof(float));
    net->w2_0 = calloc((size_t)h, sizeof(float));
    net->dw1 = calloc((size_t)h * 2, sizeof(float));
    net->dw2 = calloc((size_t)h, sizeof(float));
    if (!net->w1 || !net->w2 || !net->w1_0 || !net->w2_0 || !net->dw1 ||
        !net->dw2)
        goto fail;
    float **units[] = {&net->fa0, &net->fa1, &net->fg0, &net->fg1, &net->fg2};
    if (!alloc_lines(h, 5, units))
        goto fail;
    if (!rl_net_reserve(net, max_n))
        goto fail;
    return true;
fail:
    rl_net_destroy(net);
    return false;
}

void rl_net_destroy(struct rl_net *net)
{
    free(net->w1);
    free(net->w2);
    free(net->w1_0);
    free(net->w2_0);
    free(net->dw1);
    free(net->dw2);
    free(net->pre);
    free(net->post);
    free(net->out);
    free(net->fa0);  /* the start of its block */
    free(net->fx0);  /* likewise */
    memset(net, 0, sizeof(*net));
}

bool rl_net_reserve(struct rl_net *net, int n)
{
    assert(n >= 0);
    if (n <= net->cap_n)
        return true;
    size_t cells = (size_t)n * (size_t)net->h;
    float *pre = malloc(cells * sizeof(float));
    float *post = malloc(cells * sizeof(float));
    float *out = malloc((size_t)n * 2 * sizeof(float));
    float *fx0, *fx1, *fe, *fex0, *fex1, *fout;
    float **parts[] = {&fx0, &fx1, &fe, &fex0, &fex1, &fout};
    float *block = alloc_lines(n, 6, parts);
    if (!pre || !post || !out || !block) {
        free(pre);
        free(post);
        free(out);
        free(block);
        return false;
    }
    free(net->fx0);
    net->fx0 = fx0;
    net->fx1 = fx1;
    net->fe = fe;
    net->fex0 = fex0;
    net->fex1 = fex1;
    net->fout = fout;
    free(net->pre);
    free(net->post);
    free(net->out);
    net->pre = pre;
    net->post = post;
    net->out = out;
    net->cap_n = n;
    return true;
}

static double norm2(const float *v, size_t len)
{
    double s = 0.0;
    for (size_t i = 0; i < len; i++)
        s += (double)v[i] * v[i];
    return sqrt(s);
}

void rl_net_mark_initial(struct rl_net *net)
{
    memcpy(net->w1_0, net->w1, (size_t)net->h * 2 * sizeof(float));
    memcpy(net->w2_0, net->w2, (size_t)net->h * sizeof(float));
    net->norm_w1_0 = norm2(net->w1_0, (size_t)net->h * 2);
    net->norm_w2_0 = norm2(net->w2_0, (size_t)net->h);
}

void rl_net_reset(struct rl_net *net, enum rl_activation act, double s1,
                  double s2, struct rl_rng *rng)
{
    net->act = act;
    net->init_w1 = s1;
    net->init_w2 = s2;
    for (int i = 0; i < 2 * net->h; i++)
        net->w1[i] = (float)(s1 * rl_rng_normal(rng));
    for (int i = 0; i < net->h; i++)
        net->w2[i] = (float)(s2 * rl_rng_normal(rng));
    rl_net_mark_initial(net);
}

void rl_net_beta(const struct rl_net *net, double beta[2])
{
    double b0 = 0.0, b1 = 0.0;
    const float *w1 = net->w1, *w2 = net->w2;
    for (int i = 0; i < net->h; i++) {
        b0 += (double)w2[i] * w1[2 * i];
        b1 += (double)w2[i] * w1[2 * i + 1];
    }
    beta[0] = b0;
    beta[1] = b1;
}

static inline float activate(enum rl_activation act, float z)
{
    switch (act) {
    case RL_ACT_RELU:
        return z > 0.0f ? z : 0.0f;
    case RL_ACT_TANH:
        return tanhf(z);
    default:
        return z;
    }
}

void rl_net_predict(const struct rl_net *net, const float *x, int n,
                    float *out)
{
    if (net->act == RL_ACT_LINEAR) {
        double beta[2];
        rl_net_beta(net, beta);
        for (int k = 0; k < n; k++)
            out[k] = (float)(beta[0] * x[2 * k] + beta[1] * x[2 * k + 1]);
        return;
    }
    rl_kernel_predict(net->act, net->h, n, net->w1, net->w2, x, out);
}

/* Loss and accuracy from outputs; labels are exactly 0 or 1. */
static void score(const float *out, const struct rl_data *d, double *loss,
                  double *accuracy)
{
    double sse = 0.0;
    int correct = 0;
    for (int k = 0; k < d->n; k++) {
        double e = (double)out[k] - d->y[k];
        sse += e * e;
        correct += ((out[k] > 0.5f) == (d->y[k] > 0.5f));
    }
    *loss = d->n ? sse / d->n : NAN;
    *accuracy = d->n ? (double)correct / d->n : NAN;
}

void rl_net_evaluate(const struct rl_net *net, const struct rl_data *d,
                     double *loss, double *accuracy)
{
    if (net->act == RL_ACT_LINEAR) {
        /* O(n) through beta, no scratch needed */
        double beta[2];
        rl_net_beta(net, beta);
        double sse = 0.0;
        int correct = 0;
        for (int k = 0; k < d->n; k++) {
            double o = beta[0] * d->x[2 * k] + beta[1] * d->x[2 * k + 1];
            double e = o - d->y[k];
            sse += e * e;
            correct += ((o > 0.5) == (d->y[k] > 0.5f));
        }
        *loss = d->n ? sse / d->n : NAN;
        *accuracy = d->n ? (double)correct / d->n : NAN;
        return;
    }
    /* chunked so any n works without allocation */
    enum { CHUNK = 256 };
    float out[CHUNK];
    double sse = 0.0, correct = 0.0;
    for (int k0 = 0; k0 < d->n; k0 += CHUNK) {
        int m = d->n - k0 < CHUNK ? d->n - k0 : CHUNK;
        rl_net_predict(net, d->x + 2 * k0, m, out);
        struct rl_data part = {.n = m, .x = d->x + 2 * k0, .y = d->y + k0};
        double l, a;
        score(out, &part, &l, &a);
        sse += l * m;
        correct += a * m;
    }
    *loss = d->n ? sse / d->n : NAN;
    *accuracy = d->n ? correct / d->n : NAN;
}

double rl_net_grad_plain(struct rl_net *net, const struct rl_data *d,
                         float *dw1, float *dw2)
{
    const int n = d->n, h = net->h;
    assert(n <= net->cap_n);
    float *pre = net->pre;      /* (n, h) */
    float *post = net->post;    /* (n, h) */
    float *out = net->out;      /* (n) */
    float *dout = net->out + n; /* (n) */

    /* forward: pre = X w1^T, post = act(pre), out = post w2 */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, h, 2, 1.0f,
                d->x, 2, net->w1, 2, 0.0f, pre, h);
    const float *hidden = pre;
    if (net->act != RL_ACT_LINEAR) {
        for (size_t c = 0; c < (size_t)n * h; c++)
            post[c] = activate(net->act, pre[c]);
        hidden = post;
    }
    cblas_sgemv(CblasRowMajor, CblasNoTrans, n, h, 1.0f, hidden, h, net->w2,
                1, 0.0f, out, 1);

    /* MSE: L = mean (out - y)^2, dL/dout = 2 (out - y) / n */
    double sse = 0.0;
    for (int k = 0; k < n; k++) {
        double e = (double)out[k] - d->y[k];
        sse += e * e;
        dout[k] = (float)(2.0 * e / n);
    }

    /* dw2 = hidden^T dout */
    cblas_sgemv(CblasRowMajor, CblasTrans, n, h, 1.0f, hidden, h, dout, 1,
                0.0f, dw2, 1);

    /* dpre = (dout w2^T) * act'(pre), written into post */
    for (int k = 0; k < n; k++) {
        float g = dout[k];
        float *row = post + (size_t)k * h;
        const float *z = pre + (size_t)k * h;
        switch (net->act) {
        case RL_ACT_LINEAR:
            for (int i = 0; i < h; i++)
                row[i] = g * net->w2[i];
            break;
        case RL_ACT_RELU:
            for (int i = 0; i < h; i++)
                row[i] = z[i] > 0.0f ? g * net->w2[i] : 0.0f;
            break;
        case RL_ACT_TANH:
            for (int i = 0; i < h; i++)
                row[i] = g * net->w2[i] * (1.0f - row[i] * row[i]);
            break;
        default:
            assert(0);
        }
    }

    /* dw1 = dpre^T X */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, h, 2, n, 1.0f, post,
                h, d->x, 2, 0.0f, dw1, 2);
    return n ? sse / n : NAN;
}

double rl_net_grad_fused(struct rl_net *net, const struct rl_data *d,
                         float *dw1, float *dw2)
{
    const int n = d->n, h = net->h;
    assert(n <= net->cap_n);
    const float *w1 = net->w1, *w2 = net->w2;
    float *a0 = net->fa0, *a1 = net->fa1;
    for (int i = 0; i < h; i++) {
        a0[i] = w1[2 * i];
        a1[i] = w1[2 * i + 1];
    }
    float *x0 = net->fx0, *x1 = net->fx1;
    for (int k = 0; k < n; k++) {
        x0[k] = d->x[2 * k];
        x1[k] = d->x[2 * k + 1];
    }
    float *post = net->act == RL_ACT_TANH ? net->post : NULL;
    rl_kernel_forward(net->act, h, n, a0, a1, w2, x0, x1, net->fout, post);

    /* MSE: L = mean (out - y)^2, dL/dout = 2 (out - y) / n */
    double sse = 0.0;
    for (int k = 0; k < n; k++) {
        double e = (double)net->fout[k] - d->y[k];
        sse += e * e;
        float g = (float)(2.0 * e / n);
        net->fe[k] = g;
        net->fex0[k] = g * x0[k];
        net->fex1[k] = g * x1[k];
    }

    float *g0 = net->fg0, *g1 = net->fg1, *g2 = net->fg2;
    rl_kernel_backward(net->act, h, n, a0, a1, x0, x1, net->fex0, net->fex1,
                       net->fe, post, g0, g1, g2);
    for (int i = 0; i < h; i++) {
        dw1[2 * i] = w2[i] * g0[i];
        dw1[2 * i + 1] = w2[i] * g1[i];
        /* relu, linear: dL/dw2 = sum_k e act(z) = a0 g0 + a1 g1 */
        dw2[i] = net->act == RL_ACT_TANH ? g2[i]
                                         : a0[i] * g0[i] + a1[i] * g1[i];
    }
    return n ? sse / n : NAN;
}

/* dL/dbeta for the linear net: g = 2 (Sxx beta - Sxy); and the loss
 * beta^T Sxx beta - 2 beta.Sxy + syy. */
static double linear_beta_grad(const struct rl_data *d, const double beta[2],
                               double g[2])
{
    const double *s = d->sxx;
    double sb0 = s[0] * beta[0] + s[1] * beta[1];
    double sb1 = s[2] * beta[0] + s[3] * beta[1];
    g[0] = 2.0 * (sb0 - d->sxy[0]);
    g[1] = 2.0 * (sb1 - d->sxy[1]);
    double loss = beta[0] * sb0 + beta[1] * sb1 -
                  2.0 * (beta[0] * d->sxy[0] + beta[1] * d->sxy[1]) + d->syy;
    return loss < 0.0 ? 0.0 : loss; /* rounding can dip below 0 at the optimum; NaN stays NaN */
}

double rl_net_grad_fast(const struct rl_net *net, const struct rl_data *d,
                        float *dw1, float *dw2)
{
    assert(net->act == RL_ACT_LINEAR);
    double beta[2], g[2];
    rl_net_beta(net, beta);
    double loss = linear_beta_grad(d, beta, g);
    /* out = X w1^T w2^T, so dL/dw1[i,:] = w2[i] g and dL/dw2[i] = w1[i,:].g */
    for (int i = 0; i < net->h; i++) {
        dw1[2 * i] = (float)(net->w2[i] * g[0]);
        dw1[2 * i + 1] = (float)(net->w2[i] * g[1]);
        dw2[i] = (float)(net->w1[2 * i] * g[0] + net->w1[2 * i + 1] * g[1]);
    }
    return loss;
}

double rl_net_step(struct rl_net *net, const struct rl_data *d, double lr,
                   double lambda)
{
    const int h = net->h;
    float *w1 = net->w1, *w2 = net->w2;
    if (net->act == RL_ACT_LINEAR && !net->force_plain) {
        /* fused O(h) pass: both layers from the old weights at once */
        double beta[2], g[2];
        rl_net_beta(net, beta);
        double loss = linear_beta_grad(d, beta, g);
        const double decay = 1.0 - lr * lambda;
        const double lg0 = lr * g[0], lg1 = lr * g[1];
        for (int i = 0; i < h; i++) {
            double a0 = w1[2 * i], a1 = w1[2 * i + 1], b = w2[i];
            w1[2 * i] = (float)(decay * a0 - lg0 * b);
            w1[2 * i + 1] = (float)(decay * a1 - lg1 * b);
            w2[i] = (float)(decay * b - (lg0 * a0 + lg1 * a1));
        }
        return loss;
    }
    double loss = net->force_blas
                      ? rl_net_grad_plain(net, d, net->dw1, net->dw2)
                      : rl_net_grad_fused(net, d, net->dw1, net->dw2);
    /* W <- W - lr (dL/dW + lambda W), torch.optim.SGD with weight_decay */
    const float flr = (float)lr, flam = (float)lambda;
    for (int c = 0; c < 2 * h; c++)
        w1[c] -= flr * (net->dw1[c] + flam * w1[c]);
    for (int i = 0; i < h; i++)
        w2[i] -= flr * (net->dw2[i] + flam * w2[i]);
    return loss;
}

size_t rl_net_step_bytes(const struct rl_net *net, int n)
{
    const size_t h = (size_t)net->h, f = sizeof(float);
    size_t data = (size_t)n * 3 * f;            /* x (n, 2), y (n) */
    size_t weights = h * 3 * f;                 /* w1, w2 */
    if (net->act == RL_ACT_LINEAR && !net->force_plain)
        return weights;                         /* moments only, O(h) */
    size_t grads = h * 3 * f;                   /* dw1, dw2 */
    if (net->force_blas)                        /* pre, post (n, h), out */
        return data + weights + grads + (h * 2 + 2) * (size_t)n * f;
    /* a0 a1 g0 g1, and g2 for tanh */
    size_t units = h * (net->act == RL_ACT_TANH ? 5 : 4) * f;
    size_t samples = (size_t)n * 6 * f;         /* x0 x1 e ex0 ex1 out */
    size_t post = net->act == RL_ACT_TANH ? h * (size_t)n * f : 0;
    return data + weights + grads + units + samples + post;
}

bool rl_net_finite(const struct rl_net *net)
{
    for (int c = 0; c < 2 * net->h; c++)
        if (!isfinite(net->w1[c]))
            return false;
    for (int i = 0; i < net->h; i++)
        if (!isfinite(net->w2[i]))
            return false;
    return true;
}

double rl_net_lr_limit(const struct rl_net *net, const struct rl_data *d)
{
    if (net->act != RL_ACT_LINEAR)
        return NAN;
    /* near the current weights beta moves as beta <- beta - lr K g with
     * K = W1^T W1 + |W2|^2 I and g = 2 (Sxx beta - Sxy): stable while
     * lr * 2 * lambda_max(K Sxx) < 2. K Sxx is similar to a symmetric
     * matrix, so its eigenvalues are real. */
    double k00 = 0.0, k01 = 0.0, k11 = 0.0, w22 = 0.0;
    for (int i = 0; i < net->h; i++) {
        double a = net->w1[2 * i], b = net->w1[2 * i + 1], c = net->w2[i];
        k00 += a * a;
        k01 += a * b;
        k11 += b * b;
        w22 += c * c;
    }
    k00 += w22;
    k11 += w22;
    const double *s = d->sxx;
    double m00 = k00 * s[0] + k01 * s[2], m01 = k00 * s[1] + k01 * s[3];
    double m10 = k01 * s[0] + k11 * s[2], m11 = k01 * s[1] + k11 * s[3];
    double tr = m00 + m11, det = m00 * m11 - m01 * m10;
    double disc = tr * tr / 4.0 - det;
    double top = tr / 2.0 + sqrt(disc > 0.0 ? disc : 0.0);
    return top > 0.0 ? 1.0 / top : INFINITY;
}
