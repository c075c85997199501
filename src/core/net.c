/* net.c: the two-layer network, its gradient (plain and linear fast path)
 * and the SGD step with PyTorch-style weight decay. See rl_net.h. */
#include "rl_net.h"
#include "rl_net_kernel.h"
#include "rl_vecmath.h"

#include <assert.h>
#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
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

/* ---- the two-thread step ------------------------------------------ */

/* One half of a fused kernel call: the forward pass on samples
 * [k0, k0 + n) or the backward pass on units [i0, i0 + h); with update,
 * the backward pass then also writes the units' gradient (dw1, dw2) and
 * takes the SGD step on them (w1, w2: the units' rows of the weights). */
struct half_job {
    bool backward, update;
    enum rl_activation act;
    int h, n;
    const float *a0, *a1, *w2, *x0, *x1, *ex0, *ex1;
    float *out, *g0, *g1;
    float *w1u, *w2u, *dw1, *dw2;
    float lr, lambda;
};

struct rl_net_pool {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    long posted, done;      /* jobs handed over and finished */
    bool quit;
    struct half_job job;
};

/* dw1 (h, 2) and dw2 (h) from the backward pass's sums (rl_net_kernel.h):
 * dw1 = w2 (g0, g1); relu, linear dw2 = a0 g0 + a1 g1, tanh g2. */
static inline void assemble_plain(int h, bool tanh_act,
                                  const float *restrict w2,
                                  const float *restrict a0,
                                  const float *restrict a1,
                                  const float *restrict g0,
                                  const float *restrict g1,
                                  const float *restrict g2,
                                  float *restrict dw1, float *restrict dw2)
{
    for (int i = 0; i < h; i++) {
        dw1[2 * i] = w2[i] * g0[i];
        dw1[2 * i + 1] = w2[i] * g1[i];
    }
    if (tanh_act) {
        for (int i = 0; i < h; i++)
            dw2[i] = g2[i];
    } else {
        for (int i = 0; i < h; i++)
            dw2[i] = a0[i] * g0[i] + a1[i] * g1[i];
    }
}

/* W <- W - lr (dL/dW + lambda W) on w1 (h, 2) and w2 (h), as
 * torch.optim.SGD with weight_decay: the seed's step. */
static inline void sgd_plain(int h, float *restrict w1, float *restrict w2,
                             const float *restrict dw1,
                             const float *restrict dw2, float lr,
                             float lambda)
{
    for (int c = 0; c < 2 * h; c++)
        w1[c] -= lr * (dw1[c] + lambda * w1[c]);
    for (int i = 0; i < h; i++)
        w2[i] -= lr * (dw2[i] + lambda * w2[i]);
}

/* The seed's step on units [0, h) of a job from the backward pass's
 * sums (relu, linear: rl_net_kernel.h): dw1 = w2 (g0, g1), dw2 = a0 g0 +
 * a1 g1, then W <- W - lr (dW + lambda W) as torch.optim.SGD with
 * weight_decay. Each unit's numbers depend on that unit alone, so any
 * split of the units gives the same bits. */
RL_VM_CLONES
static void update_units(const struct half_job *j)
{
    const int h = j->h;
    assemble_plain(h, false, j->w2u, j->a0, j->a1, j->g0, j->g1, NULL,
                   j->dw1, j->dw2);
    sgd_plain(h, j->w1u, j->w2u, j->dw1, j->dw2, j->lr, j->lambda);
}

static void run_half(const struct half_job *j)
{
    if (j->backward) {
        rl_kernel_backward(j->act, j->h, j->n, j->a0, j->a1, j->x0, j->x1,
                           j->ex0, j->ex1, NULL, NULL, j->g0, j->g1, NULL);
        if (j->update)
            update_units(j);
    } else {
        rl_kernel_forward(j->act, j->h, j->n, j->a0, j->a1, j->w2, j->x0,
                          j->x1, j->out, NULL);
    }
}

static void *pool_main(void *arg)
{
    struct rl_net_pool *p = arg;
    long seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->posted == seen && !p->quit)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->quit)
            break;
        seen = p->posted;
        struct half_job job = p->job;
        pthread_mutex_unlock(&p->mu);
        run_half(&job);
        pthread_mutex_lock(&p->mu);
        p->done = seen;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Run job a on the helper and b here; return when both are done. */
static void run_pair(struct rl_net_pool *p, const struct half_job *a,
                     const struct half_job *b)
{
    pthread_mutex_lock(&p->mu);
    p->job = *a;
    p->posted++;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    run_half(b);
    pthread_mutex_lock(&p->mu);
    while (p->done != p->posted)
        pthread_cond_wait(&p->cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

bool rl_net_set_threads(struct rl_net *net, int threads)
{
    assert(threads == 1 || threads == 2);
    struct rl_net_pool *p = net->pool;
    if (threads == 1) {
        if (p) {
            pthread_mutex_lock(&p->mu);
            p->quit = true;
            pthread_cond_broadcast(&p->cv);
            pthread_mutex_unlock(&p->mu);
            pthread_join(p->thread, NULL);
            pthread_mutex_destroy(&p->mu);
            pthread_cond_destroy(&p->cv);
            free(p);
            net->pool = NULL;
        }
        return true;
    }
    if (p)
        return true;
    p = calloc(1, sizeof(*p));
    if (!p)
        return false;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->thread, NULL, pool_main, p) != 0) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        free(p);
        return false;
    }
    net->pool = p;
    return true;
}

/* The fused forward pass, on two threads (split samples) when the net has
 * a helper and the activation is relu or linear. */
static void fused_forward(struct rl_net *net, int n, const float *a0,
                          const float *a1, float *post)
{
    const int h = net->h;
    if (!net->pool || net->act == RL_ACT_TANH || n < 2) {
        rl_kernel_forward(net->act, h, n, a0, a1, net->w2, net->fx0,
                          net->fx1, net->fout, post);
        return;
    }
    /* split at a whole 64-byte line: both halves start aligned, so the
     * vector loops peel the same way as on one thread */
    int k = n / 2 / 16 * 16;
    if (k == 0) {
        rl_kernel_forward(net->act, h, n, a0, a1, net->w2, net->fx0,
                          net->fx1, net->fout, post);
        return;
    }
    struct half_job lo = {.act = net->act, .h = h, .n = k, .a0 = a0,
                          .a1 = a1, .w2 = net->w2, .x0 = net->fx0,
                          .x1 = net->fx1, .out = net->fout};
    struct half_job hi = lo;
    hi.n = n - k;
    hi.x0 = net->fx0 + k;
    hi.x1 = net->fx1 + k;
    hi.out = net->fout + k;
    run_pair(net->pool, &hi, &lo);
}

/* A backward job over all of a net's units (all->h of them), on two
 * threads when the net has a helper: the units split at a 64-byte line,
 * as in fused_forward, so both halves run the same code as one thread. */
static void run_units(struct rl_net *net, const struct half_job *all)
{
    const int i = all->h / 2 / 16 * 16;
    if (!net->pool || i == 0) {
        run_half(all);
        return;
    }
    struct half_job lo = *all, hi = *all;
    lo.h = i;
    hi.h = all->h - i;
    hi.a0 += i;
    hi.a1 += i;
    hi.g0 += i;
    hi.g1 += i;
    if (all->update) {
        hi.w1u += 2 * i;
        hi.w2u += i;
        hi.dw1 += 2 * i;
        hi.dw2 += i;
    }
    run_pair(net->pool, &hi, &lo);
}

/* The fused backward pass, on two threads (split units) likewise; tanh
 * (which needs post and g2) on this one. */
static void fused_backward(struct rl_net *net, int n, const float *a0,
                           const float *a1, float *post)
{
    if (net->act == RL_ACT_TANH) {
        rl_kernel_backward(net->act, net->h, n, a0, a1, net->fx0, net->fx1,
                           net->fex0, net->fex1, net->fe, post, net->fg0,
                           net->fg1, net->fg2);
        return;
    }
    const struct half_job all = {.backward = true, .act = net->act,
                                 .h = net->h, .n = n, .a0 = a0, .a1 = a1,
                                 .x0 = net->fx0, .x1 = net->fx1,
                                 .ex0 = net->fex0, .ex1 = net->fex1,
                                 .g0 = net->fg0, .g1 = net->fg1};
    run_units(net, &all);
}

/* The fused backward pass and the seed's SGD step (relu, linear), on
 * the units of each half when the net has a helper, else on all of them
 * through the same code: the same bits either way. */
static void fused_backward_step(struct rl_net *net, int n, float lr,
                                float lambda)
{
    const struct half_job all = {
        .backward = true, .update = true, .act = net->act, .h = net->h,
        .n = n, .a0 = net->fa0, .a1 = net->fa1, .x0 = net->fx0,
        .x1 = net->fx1, .ex0 = net->fex0, .ex1 = net->fex1, .g0 = net->fg0,
        .g1 = net->fg1, .w1u = net->w1, .w2u = net->w2, .dw1 = net->dw1,
        .dw2 = net->dw2, .lr = lr, .lambda = lambda};
    run_units(net, &all);
}

bool rl_net_init(struct rl_net *net, int h, int max_n)
{
    assert(h > 0 && max_n >= 0);
    memset(net, 0, sizeof(*net));
    net->h = h;
    net->perm_epoch = -1;
    const size_t np = (size_t)h * 4 + 1;
    net->theta = calloc(np, sizeof(float));
    net->grad = calloc(np, sizeof(float));
    net->opt_m = calloc(np, sizeof(float));
    net->opt_v = calloc(np, sizeof(float));
    net->w1_0 = calloc((size_t)h * 2, sizeof(float));
    net->w2_0 = calloc((size_t)h, sizeof(float));
    net->b1_0 = calloc((size_t)h + 1, sizeof(float));
    if (!net->theta || !net->grad || !net->opt_m || !net->opt_v ||
        !net->w1_0 || !net->w2_0 || !net->b1_0)
        goto fail;
    net->w1 = net->theta;
    net->w2 = net->theta + 2 * h;
    net->b1 = net->theta + 3 * h;
    net->b2 = net->theta + 4 * h;
    net->dw1 = net->grad;
    net->dw2 = net->grad + 2 * h;
    float **units[] = {&net->fa0, &net->fa1, &net->fg0, &net->fg1, &net->fg2,
                       &net->fgb};
    if (!alloc_lines(h, 6, units))
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
    rl_net_set_threads(net, 1);
    free(net->theta);
    free(net->grad);
    free(net->opt_m);
    free(net->opt_v);
    free(net->w1_0);
    free(net->w2_0);
    free(net->b1_0);
    free(net->perm);
    free(net->fy);
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
    float *fy = malloc((size_t)(n > 0 ? n : 1) * sizeof(float));
    int *perm = malloc((size_t)(n > 0 ? n : 1) * sizeof(int));
    float *fx0, *fx1, *fe, *fex0, *fex1, *fout;
    float **parts[] = {&fx0, &fx1, &fe, &fex0, &fex1, &fout};
    float *block = alloc_lines(n, 6, parts);
    if (!pre || !post || !out || !block || !fy || !perm) {
        free(pre);
        free(post);
        free(out);
        free(block);
        free(fy);
        free(perm);
        return false;
    }
    free(net->fy);
    free(net->perm);
    net->fy = fy;
    net->perm = perm;
    net->perm_epoch = -1;
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
    memcpy(net->b1_0, net->b1, ((size_t)net->h + 1) * sizeof(float));
}

static const struct rl_net_opts no_opts;

void rl_net_reset(struct rl_net *net, enum rl_activation act, double s1,
                  double s2, struct rl_rng *rng)
{
    rl_net_reset_opts(net, act, s1, s2, NULL, rng);
}

bool rl_net_opts_check(const struct rl_net_opts *o, int h, char *err,
                       size_t errlen)
{
    const char *bad = NULL;
    if (o->symmetric && h % 2)
        bad = "symmetric init pairs the hidden units: the width must be "
              "even (give an even hidden size)";
    else if (o->targets == RL_TARGETS_REAL && o->loss != RL_LOSS_MSE)
        bad = "logistic and exp losses need class labels: use --loss mse "
              "for real-valued targets";
    else if (o->nesterov && !(o->momentum > 0.0))
        bad = "nesterov needs a momentum > 0";
    else if (!(o->alpha >= 0.0) || !isfinite(o->alpha) ||
             !(o->bias_init >= 0.0) || !isfinite(o->bias_init) ||
             !(o->layer_ratio >= 0.0) || !isfinite(o->layer_ratio))
        bad = "alpha, bias init and layer ratio must be finite and >= 0";
    else if (!(o->momentum >= 0.0 && o->momentum < 1.0))
        bad = "momentum must be in [0, 1)";
    else if (!(o->beta1 >= 0.0 && o->beta1 < 1.0) ||
             !(o->beta2 >= 0.0 && o->beta2 < 1.0) || !(o->eps >= 0.0) ||
             !isfinite(o->eps))
        bad = "Adam betas must be in [0, 1) and eps finite and >= 0";
    else if (o->batch_size < 0)
        bad = "batch size must be >= 0 (0: full batch)";
    if (bad) {
        snprintf(err, errlen, "%s", bad);
        return false;
    }
    return true;
}

void rl_net_opt_reset(struct rl_net *net)
{
    const size_t np = (size_t)net->h * 4 + 1;
    memset(net->opt_m, 0, np * sizeof(float));
    memset(net->opt_v, 0, np * sizeof(float));
    net->opt_step = 0;
    net->perm_epoch = -1;
}

void rl_net_reset_opts(struct rl_net *net, enum rl_activation act, double s1,
                       double s2, const struct rl_net_opts *o,
                       struct rl_rng *rng)
{
    if (!o)
        o = &no_opts;
    assert(!o->symmetric || net->h % 2 == 0);
    const int h = net->h;
    net->act = act;
    net->opts = *o;
    net->init_w1 = s1;
    net->init_w2 = s2;
    const double r = o->layer_ratio > 0.0 ? o->layer_ratio : 1.0;
    const double a1 = s1 * r, a2 = s2 / r;
    const double sb = o->bias ? o->bias_init : 0.0;
    memset(net->b1, 0, ((size_t)h + 1) * sizeof(float));
    if (!o->symmetric) {
        if (r == 1.0) {
            /* the seed's draws, expression for expression */
            for (int i = 0; i < 2 * h; i++)
                net->w1[i] = (float)(s1 * rl_rng_normal(rng));
            for (int i = 0; i < h; i++)
                net->w2[i] = (float)(s2 * rl_rng_normal(rng));
        } else {
            for (int i = 0; i < 2 * h; i++)
                net->w1[i] = (float)(a1 * rl_rng_normal(rng));
            for (int i = 0; i < h; i++)
                net->w2[i] = (float)(a2 * rl_rng_normal(rng));
        }
        if (o->bias) {
            for (int i = 0; i < h; i++)
                net->b1[i] = (float)(sb * r * rl_rng_normal(rng));
            net->b2[0] = (float)(sb * rl_rng_normal(rng));
        }
    } else {
        /* pairs (2j, 2j + 1): rl_net_predict gives f = 0 exactly, since
         * its lanes add each pair's two opposite terms side by side */
        for (int i = 0; i < h; i += 2) {
            net->w1[2 * i] = (float)(a1 * rl_rng_normal(rng));
            net->w1[2 * i + 1] = (float)(a1 * rl_rng_normal(rng));
            net->w1[2 * i + 2] = net->w1[2 * i];
            net->w1[2 * i + 3] = net->w1[2 * i + 1];
        }
        for (int i = 0; i < h; i += 2) {
            net->w2[i] = (float)(a2 * rl_rng_normal(rng));
            net->w2[i + 1] = -net->w2[i];
        }
        if (o->bias)
            for (int i = 0; i < h; i += 2) {
                net->b1[i] = (float)(sb * r * rl_rng_normal(rng));
                net->b1[i + 1] = net->b1[i];
            }
    }
    rl_net_opt_reset(net);
    rl_net_mark_initial(net);
}

void rl_net_set_training(struct rl_net *net, const struct rl_net_opts *o)
{
    struct rl_net_opts k = net->opts;
    k.loss = o->loss;
    k.targets = o->targets;
    k.optimizer = o->optimizer;
    k.momentum = o->momentum;
    k.nesterov = o->nesterov;
    k.beta1 = o->beta1;
    k.beta2 = o->beta2;
    k.eps = o->eps;
    k.batch_size = o->batch_size;
    if (o->shuffle_seed)
        k.shuffle_seed = o->shuffle_seed;
    net->opts = k;
    rl_net_opt_reset(net);
}

double rl_net_ratio_for_imbalance(double s1, double s2, double sb,
                                  double delta)
{
    /* E delta = s2^2 / u - u (2 s1^2 + sb^2), u = r^2 > 0:
     * q u^2 + delta u - s2^2 = 0 with q = 2 s1^2 + sb^2 */
    double q = 2.0 * s1 * s1 + sb * sb;
    assert(q > 0.0);
    double u = (-delta + sqrt(delta * delta + 4.0 * q * s2 * s2)) / (2.0 * q);
    return sqrt(u);
}

/* c of the parametrisation at width h. */
static double param_scale(enum rl_param p, int h)
{
    switch (p) {
    case RL_PARAM_NTK:
        return 1.0 / sqrt((double)h);
    case RL_PARAM_MF:
        return 1.0 / (double)h;
    default:
        return 1.0;
    }
}

static double opt_alpha(const struct rl_net_opts *o)
{
    return o->alpha > 0.0 ? o->alpha : 1.0;
}

double rl_net_out_scale(const struct rl_net *net)
{
    return opt_alpha(&net->opts) * param_scale(net->opts.param, net->h);
}

/* The output is the seed's plain sum: no bias, alpha c = 1. */
static bool plain_output(const struct rl_net *net)
{
    const struct rl_net_opts *o = &net->opts;
    return !o->bias && opt_alpha(o) == 1.0 && o->param == RL_PARAM_STANDARD;
}

static bool full_batch(const struct rl_net *net, int n)
{
    return net->opts.batch_size <= 0 || net->opts.batch_size >= n;
}

/* The seed's step applies: plain output, mse, full batch, SGD without
 * momentum (symmetric and layer ratio only change the draw). */
static bool seed_step(const struct rl_net *net, int n)
{
    const struct rl_net_opts *o = &net->opts;
    return plain_output(net) && o->loss == RL_LOSS_MSE && full_batch(net, n) &&
           o->optimizer == RL_OPT_SGD && o->momentum == 0.0;
}

enum rl_net_path rl_net_path(const struct rl_net *net, int n)
{
    bool linear = net->act == RL_ACT_LINEAR && !net->force_plain;
    if (seed_step(net, n)) {
        if (linear)
            return RL_PATH_FAST;
        return net->force_blas ? RL_PATH_BLAS : RL_PATH_FUSED;
    }
    if (linear && full_batch(net, n) && net->opts.loss == RL_LOSS_MSE)
        return RL_PATH_FAST;
    return RL_PATH_GENERAL;
}

const char *rl_net_path_name(enum rl_net_path path)
{
    static const char *const names[] = {"fast", "fused", "general", "blas"};
    assert(path >= 0 && path <= RL_PATH_BLAS);
    return names[path];
}

size_t rl_net_opt_state_len(const struct rl_net *net)
{
    return (size_t)net->h * 4 + 1;
}

void rl_net_opt_state_get(const struct rl_net *net, float *m, float *v,
                          long *step)
{
    const size_t np = rl_net_opt_state_len(net);
    memcpy(m, net->opt_m, np * sizeof(float));
    memcpy(v, net->opt_v, np * sizeof(float));
    *step = net->opt_step;
}

void rl_net_opt_state_set(struct rl_net *net, const float *m, const float *v,
                          long step)
{
    assert(step >= 0);
    const size_t np = rl_net_opt_state_len(net);
    memcpy(net->opt_m, m, np * sizeof(float));
    memcpy(net->opt_v, v, np * sizeof(float));
    net->opt_step = step;
    net->perm_epoch = -1;
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
    if (!plain_output(net)) {
        const double al = opt_alpha(&net->opts);
        const double c = param_scale(net->opts.param, net->h);
        const double b2 = net->b2[0];
        if (net->act == RL_ACT_LINEAR && !net->opts.bias) {
            double beta[2];
            rl_net_beta(net, beta);
            for (int k = 0; k < n; k++)
                out[k] = (float)(al * c *
                                 (beta[0] * x[2 * k] + beta[1] * x[2 * k + 1]));
            return;
        }
        rl_kernel_predict_b(net->act, net->h, n, net->w1, net->b1, net->w2, x,
                            out);
        for (int k = 0; k < n; k++)
            out[k] = (float)(al * (c * out[k] + b2));
        return;
    }
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

/* Class labels above this are positive: 0/1 labels at 0.5, +-1 at 0. */
static float label_threshold(enum rl_targets t)
{
    return t == RL_TARGETS_01 ? 0.5f : 0.0f;
}

/* The sign s = +-1 of a class label. */
static double label_sign(enum rl_targets t, float y)
{
    return y > label_threshold(t) ? 1.0 : -1.0;
}

/* The margin losses of m = s o (s = +-1 the label's sign) and their
 * derivative in o: exp(-m), or logistic softplus(-m) = log(1 + e^-m)
 * written to never overflow, whose derivative in m is -sigmoid(-m).
 * Branch free, so the loops over samples vectorise. */
static inline double margin_loss(bool logistic, double s, double o,
                                 double *dl)
{
    double m = s * o;
    if (!logistic) {
        double v = rl_vm_exp(-m);
        *dl = -s * v;
        return v;
    }
    double em = rl_vm_exp(-fabs(m));
    double sp = (m > 0.0 ? 0.0 : -m) + rl_vm_log1p_unit(em);
    double sig = (m >= 0.0 ? em : 1.0) / (1.0 + em);
    *dl = -s * sig;
    return sp;
}

/* Loss and accuracy (or R^2) by the options, through rl_net_predict. */
static void evaluate_opts(const struct rl_net *net, const struct rl_data *d,
                          double *loss, double *accuracy)
{
    const struct rl_net_opts *o = &net->opts;
    const double thr = o->loss == RL_LOSS_MSE && o->targets == RL_TARGETS_01
                           ? 0.5 : 0.0;
    double ymean = 0.0;
    if (o->targets == RL_TARGETS_REAL) {
        for (int k = 0; k < d->n; k++)
            ymean += d->y[k];
        ymean = d->n ? ymean / d->n : 0.0;
    }
    enum { CHUNK = 256 };
    float out[CHUNK];
    double sum = 0.0, sse = 0.0, sst = 0.0;
    int correct = 0;
    for (int k0 = 0; k0 < d->n; k0 += CHUNK) {
        int m = d->n - k0 < CHUNK ? d->n - k0 : CHUNK;
        rl_net_predict(net, d->x + 2 * k0, m, out);
        for (int k = 0; k < m; k++) {
            float y = d->y[k0 + k];
            double dl, e = (double)out[k] - y, c = (double)y - ymean;
            sum += rl_net_sample_loss(o->loss, o->targets, out[k], y, &dl);
            sse += e * e;
            sst += c * c;
            correct += ((out[k] > thr) == (label_sign(o->targets, y) > 0.0));
        }
    }
    *loss = d->n ? sum / d->n : NAN;
    if (o->targets == RL_TARGETS_REAL)
        *accuracy = d->n && sst > 0.0 ? 1.0 - sse / sst : NAN;
    else
        *accuracy = d->n ? (double)correct / d->n : NAN;
}

void rl_net_evaluate(const struct rl_net *net, const struct rl_data *d,
                     double *loss, double *accuracy)
{
    if (!plain_output(net) || net->opts.loss != RL_LOSS_MSE ||
        net->opts.targets != RL_TARGETS_01) {
        evaluate_opts(net, d, loss, accuracy);
        return;
    }
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


/* w1 (h, 2) into its columns a0, a1. */
static inline void split_columns(int h, const float *restrict w1,
                                 float *restrict a0, float *restrict a1)
{
    for (int i = 0; i < h; i++) {
        a0[i] = w1[2 * i];
        a1[i] = w1[2 * i + 1];
    }
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

/* loss(f, y) and dl = d loss / d f under loss l, labels above thr
 * positive: the per-sample body of batch_errors and rl_net_sample_loss. */
static inline double loss_at(enum rl_loss l, float thr, double f, float y,
                             double *dl)
{
    if (l == RL_LOSS_MSE) {
        double r = f - y;
        *dl = 2.0 * r;
        return r * r;
    }
    return margin_loss(l == RL_LOSS_LOGISTIC, y > thr ? 1.0 : -1.0, f, dl);
}

/* dJ/dr_k from the outputs r (out) of a batch of m: f = al (c r + b2),
 * J = mean loss(f, y) / al^2 (labels above thr positive), so
 * e_k = c loss'(f_k) / (al m), ex0, ex1 = e x0, x1; returns the sum of
 * the losses, *db2 the sum of loss' / (al m). The sums run in LANES
 * running sums (sample k in lane k % LANES), then the lanes in order: a
 * fixed order the loop vectorises in. l is a constant at each call, so
 * each loss gets its own branch-free loop. */
static inline double batch_errors(enum rl_loss l, float thr, int m,
                                  double al, double c, double b2,
                                  const float *restrict out,
                                  const float *restrict y,
                                  const float *restrict x0,
                                  const float *restrict x1,
                                  float *restrict e, float *restrict ex0,
                                  float *restrict ex1, double *db2)
{
    enum { LANES = 8 };
    double fit[LANES] = {0}, sb[LANES] = {0};
    const double am = al * m;
    for (int k0 = 0; k0 < m; k0 += LANES) {
        const int len = m - k0 < LANES ? m - k0 : LANES;
        for (int j = 0; j < len; j++) {
            const int k = k0 + j;
            double dl;
            fit[j] += loss_at(l, thr, al * (c * out[k] + b2), y[k], &dl);
            double q = dl / am;
            sb[j] += q;
            float ek = (float)(c * q);
            e[k] = ek;
            ex0[k] = ek * x0[k];
            ex1[k] = ek * x1[k];
        }
    }
    double sum = 0.0, sum_b = 0.0;
    for (int j = 0; j < LANES; j++) {
        sum += fit[j];
        sum_b += sb[j];
    }
    *db2 = sum_b;
    return sum;
}

double rl_net_sample_loss(enum rl_loss l, enum rl_targets t, double o,
                          float y, double *dl)
{
    return loss_at(l, label_threshold(t), o, y, dl);
}

/* The plain path up to the backward pass: w1's columns and the samples'
 * coordinates split, the fused forward pass, and the MSE errors
 * e = dL/dout = 2 (out - y) / n (alpha 1, c 1, b2 0 make f the output
 * itself) with e x0, e x1; returns the sum of squares. */
static inline __attribute__((always_inline)) double
fused_errors(struct rl_net *net, const struct rl_data *d, float *post)
{
    const int n = d->n;
    assert(n <= net->cap_n);
    split_columns(net->h, net->w1, net->fa0, net->fa1);
    split_columns(n, d->x, net->fx0, net->fx1);
    fused_forward(net, n, net->fa0, net->fa1, post);
    double db2;
    return batch_errors(RL_LOSS_MSE, 0.5f, n, 1.0, 1.0, 0.0, net->fout,
                        d->y, net->fx0, net->fx1, net->fe, net->fex0,
                        net->fex1, &db2);
}

RL_VM_CLONES
double rl_net_grad_fused(struct rl_net *net, const struct rl_data *d,
                         float *dw1, float *dw2)
{
    const int n = d->n, h = net->h;
    float *post = net->act == RL_ACT_TANH ? net->post : NULL;
    double sse = fused_errors(net, d, post);
    fused_backward(net, n, net->fa0, net->fa1, post);
    assemble_plain(h, net->act == RL_ACT_TANH, net->w2, net->fa0, net->fa1,
                   net->fg0, net->fg1, net->fg2, dw1, dw2);
    return n ? sse / n : NAN;
}

/* The seed's step on the fused path for relu and linear: fused_errors,
 * then the backward pass and the SGD step per unit (fused_backward_step).
 * Returns the loss before the step. */
RL_VM_CLONES
static double fused_step(struct rl_net *net, const struct rl_data *d,
                         float lr, float lambda)
{
    const int n = d->n;
    double sse = fused_errors(net, d, NULL);
    fused_backward_step(net, n, lr, lambda);
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

/* The gradient g (4h + 1, rl_net.h's theta layout) from the backward
 * pass's sums: assemble_plain, and with bias dJ/dw2 += b gb (relu,
 * linear: sum_k e act(z) = a0 g0 + a1 g1 + b gb) and dJ/db = w2 gb. */
static inline void assemble_grad(int h, bool tanh_act, bool bias,
                                 const float *restrict w2,
                                 const float *restrict a0,
                                 const float *restrict a1,
                                 const float *restrict b1,
                                 const float *restrict g0,
                                 const float *restrict g1,
                                 const float *restrict gb,
                                 const float *restrict g2,
                                 float *restrict g)
{
    float *restrict dw2 = g + 2 * h, *restrict db = g + 3 * h;
    assemble_plain(h, tanh_act, w2, a0, a1, g0, g1, g2, g, dw2);
    if (bias && !tanh_act)
        for (int i = 0; i < h; i++)
            dw2[i] += b1[i] * gb[i];
    for (int i = 0; i < h; i++)
        db[i] = bias ? w2[i] * gb[i] : 0.0f;
}

RL_VM_CLONES
double rl_net_grad_general(struct rl_net *net, const struct rl_data *d,
                           const int *idx, int m, float *g)
{
    const int h = net->h;
    assert(m >= 0 && m <= net->cap_n && (idx || m == d->n));
    const struct rl_net_opts *o = &net->opts;
    const float *w2 = net->w2, *b1 = net->b1;
    float *a0 = net->fa0, *a1 = net->fa1;
    split_columns(h, net->w1, a0, a1);
    float *x0 = net->fx0, *x1 = net->fx1, *y = net->fy;
    if (idx) {
        for (int k = 0; k < m; k++) {
            int s = idx[k];
            assert(s >= 0 && s < d->n);
            x0[k] = d->x[2 * s];
            x1[k] = d->x[2 * s + 1];
            y[k] = d->y[s];
        }
    } else {
        split_columns(m, d->x, x0, x1);
        memcpy(y, d->y, (size_t)m * sizeof(float));
    }
    float *post = net->act == RL_ACT_TANH ? net->post : NULL;
    /* without bias the seed's kernels (b1 is zero) */
    if (o->bias)
        rl_kernel_forward_b(net->act, h, m, a0, a1, b1, w2, x0, x1,
                            net->fout, post);
    else
        rl_kernel_forward(net->act, h, m, a0, a1, w2, x0, x1, net->fout,
                          post);

    /* f = al (c r + b2), J = mean loss(f, y) / al^2, so
     * dJ/dr_k = c loss'(f_k) / (al m) and dJ/db2 = sum_k loss'(f_k) / (al m) */
    const double al = opt_alpha(o), c = param_scale(o->param, h);
    const double b2 = net->b2[0];
    double fit = 0.0, db2 = 0.0;
    const float thr = label_threshold(o->targets);
    if (o->loss == RL_LOSS_MSE)
        fit = batch_errors(RL_LOSS_MSE, thr, m, al, c, b2, net->fout, y, x0,
                           x1, net->fe, net->fex0, net->fex1, &db2);
    else if (o->loss == RL_LOSS_LOGISTIC)
        fit = batch_errors(RL_LOSS_LOGISTIC, thr, m, al, c, b2, net->fout, y,
                           x0, x1, net->fe, net->fex0, net->fex1, &db2);
    else
        fit = batch_errors(RL_LOSS_EXP, thr, m, al, c, b2, net->fout, y, x0,
                           x1, net->fe, net->fex0, net->fex1, &db2);
    float *g0 = net->fg0, *g1 = net->fg1, *gb = net->fgb, *g2 = net->fg2;
    if (o->bias)
        rl_kernel_backward_b(net->act, h, m, a0, a1, b1, x0, x1, net->fex0,
                             net->fex1, net->fe, post, g0, g1, gb, g2);
    else
        rl_kernel_backward(net->act, h, m, a0, a1, x0, x1, net->fex0,
                           net->fex1, net->fe, post, g0, g1, g2);
    assemble_grad(h, net->act == RL_ACT_TANH, o->bias, w2, a0, a1, b1, g0,
                  g1, gb, g2, g);
    g[4 * h] = o->bias ? (float)db2 : 0.0f;
    return m ? fit / m : NAN;
}

/* The gradient of J for a linear net under mse, from the moments. With
 * q = al c beta and q0 = al (c beta0 + b2), beta0 = sum_j a_j b_j, the
 * output is f = q.x + q0 and the fit is q'Sxx q + 2 q0 q.mx + q0^2
 * - 2 q.Sxy - 2 q0 my + Syy (mx, my the means of x and y; docs/theory.md);
 * dJ/dbeta = (c / al) dfit/dq, dJ/dbeta0 = (c / al) dfit/dq0 and
 * dJ/db2 = dfit/dq0 / al. Without bias q0 = 0 and the means are not
 * needed: O(h); with bias one O(n) pass for the means. */
static double grad_fast_opts(const struct rl_net *net, const struct rl_data *d,
                             float *g)
{
    const int h = net->h;
    const bool bias = net->opts.bias;
    const double al = opt_alpha(&net->opts);
    const double c = param_scale(net->opts.param, h);
    double beta[2], beta0 = 0.0;
    rl_net_beta(net, beta);
    double mx0 = 0.0, mx1 = 0.0, my = 0.0;
    if (bias) {
        for (int i = 0; i < h; i++)
            beta0 += (double)net->w2[i] * net->b1[i];
        for (int k = 0; k < d->n; k++) {
            mx0 += d->x[2 * k];
            mx1 += d->x[2 * k + 1];
            my += d->y[k];
        }
        if (d->n) {
            mx0 /= d->n;
            mx1 /= d->n;
            my /= d->n;
        }
    }
    const double q[2] = {al * c * beta[0], al * c * beta[1]};
    const double q0 = bias ? al * (c * beta0 + net->b2[0]) : 0.0;
    const double *s = d->sxx;
    double sq0 = s[0] * q[0] + s[1] * q[1];
    double sq1 = s[2] * q[0] + s[3] * q[1];
    double qm = q[0] * mx0 + q[1] * mx1;
    double fit = q[0] * sq0 + q[1] * sq1 + 2.0 * q0 * qm + q0 * q0 -
                 2.0 * (q[0] * d->sxy[0] + q[1] * d->sxy[1]) -
                 2.0 * q0 * my + d->syy;
    double dq0 = 2.0 * (sq0 + q0 * mx0 - d->sxy[0]);
    double dq1 = 2.0 * (sq1 + q0 * mx1 - d->sxy[1]);
    double dqb = 2.0 * (qm + q0 - my);
    double gb0 = (c / al) * dq0, gb1 = (c / al) * dq1;
    double gbb = (c / al) * dqb;
    for (int i = 0; i < h; i++) {
        g[2 * i] = (float)(net->w2[i] * gb0);
        g[2 * i + 1] = (float)(net->w2[i] * gb1);
        g[2 * h + i] = (float)(net->w1[2 * i] * gb0 +
                               net->w1[2 * i + 1] * gb1 +
                               (bias ? net->b1[i] * gbb : 0.0));
        g[3 * h + i] = bias ? (float)(net->w2[i] * gbb) : 0.0f;
    }
    g[4 * h] = bias ? (float)(dqb / al) : 0.0f;
    return fit < 0.0 ? 0.0 : fit;
}

RL_VM_CLONES
void rl_net_opt_apply(const struct rl_net_opts *o, float *p_, const float *g_,
                      float *mb_, float *vb_, long *step, int np, double lr,
                      double lambda)
{
    /* the four arrays are distinct (contract): restrict lets the loops,
     * each free of branches, vectorise; every element sees the same
     * operations in the same order as the scalar form */
    float *restrict p = p_;
    const float *restrict g = g_;
    float *restrict mb = mb_;
    float *restrict vb = vb_;
    const float flr = (float)lr, wd = (float)lambda;
    if (o->optimizer == RL_OPT_SGD) {
        if (o->momentum == 0.0) {
            /* W <- W - lr (dJ/dW + lambda W) */
            for (int c = 0; c < np; c++)
                p[c] -= flr * (g[c] + wd * p[c]);
        } else {
            /* buf <- d on the first step, else momentum buf + d
             * (dampening 0); nesterov: d + momentum buf, else buf */
            const float mom = (float)o->momentum;
            if (*step == 0) {
                for (int c = 0; c < np; c++)
                    mb[c] = g[c] + wd * p[c];
            } else {
                for (int c = 0; c < np; c++)
                    mb[c] = mom * mb[c] + (g[c] + wd * p[c]);
            }
            if (o->nesterov) {
                /* d is recomputed from the unchanged p and g */
                for (int c = 0; c < np; c++)
                    p[c] -= flr * ((g[c] + wd * p[c]) + mom * mb[c]);
            } else {
                for (int c = 0; c < np; c++)
                    p[c] -= flr * mb[c];
            }
        }
    } else {
        const double b1 = o->beta1 > 0.0 ? o->beta1 : 0.9;
        const double b2 = o->beta2 > 0.0 ? o->beta2 : 0.999;
        const double eps = o->eps > 0.0 ? o->eps : 1e-8;
        const double t = (double)(*step + 1);
        const double bc1 = 1.0 - pow(b1, t), bc2 = 1.0 - pow(b2, t);
        const float step_size = (float)(lr / bc1);
        const float bc2_sqrt = (float)sqrt(bc2);
        const float w1m = (float)(1.0 - b1), fb2 = (float)b2;
        const float w2m = (float)(1.0 - b2), feps = (float)eps;
        const float decay = (float)(1.0 - lr * lambda);
        if (o->optimizer == RL_OPT_ADAMW) {
            for (int c = 0; c < np; c++) {
                float gc = g[c];
                float pc = p[c] * decay;    /* p <- p (1 - lr lambda) first */
                float m = mb[c] + w1m * (gc - mb[c]);       /* lerp to g */
                float v = vb[c] * fb2 + w2m * gc * gc;
                mb[c] = m;
                vb[c] = v;
                float denom = sqrtf(v) / bc2_sqrt + feps;
                p[c] = pc + -step_size * (m / denom);
            }
        } else {
            for (int c = 0; c < np; c++) {
                float gc = g[c] + wd * p[c]; /* Adam: L2 term in the gradient */
                float m = mb[c] + w1m * (gc - mb[c]);       /* lerp to g */
                float v = vb[c] * fb2 + w2m * gc * gc;
                mb[c] = m;
                vb[c] = v;
                float denom = sqrtf(v) / bc2_sqrt + feps;
                p[c] += -step_size * (m / denom);
            }
        }
    }
    (*step)++;
}

/* One optimiser update of the first np parameters from net->grad, as the
 * torch.optim classes do it (docs/theory.md "Optimisers"), in float. */
static void opt_update(struct rl_net *net, int np, double lr, double lambda)
{
    rl_net_opt_apply(&net->opts, net->theta, net->grad, net->opt_m,
                     net->opt_v, &net->opt_step, np, lr, lambda);
}

static int n_params(const struct rl_net *net)
{
    return net->opts.bias ? 4 * net->h + 1 : 3 * net->h;
}

double rl_net_step_batch(struct rl_net *net, const struct rl_data *d,
                         const int *idx, int m, double lr, double lambda)
{
    double loss = rl_net_grad_general(net, d, idx, m, net->grad);
    opt_update(net, n_params(net), lr, lambda);
    return loss;
}

void rl_net_shuffle(uint64_t seed, long epoch, int *p, int n)
{
    struct rl_rng rng;
    rl_rng_seed(&rng, seed, (uint64_t)epoch);
    for (int i = 0; i < n; i++)
        p[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rl_rng_below(&rng, (uint32_t)i + 1);
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
    }
}

/* perm = epoch's order of n samples: Fisher-Yates from its own stream. */
static void draw_perm(struct rl_net *net, int n, long epoch)
{
    rl_net_shuffle(net->opts.shuffle_seed, epoch, net->perm, n);
    net->perm_epoch = epoch;
    net->perm_n = n;
}

/* A step of a net with options (path fast or general). */
static double step_opts(struct rl_net *net, const struct rl_data *d,
                        enum rl_net_path path, double lr, double lambda)
{
    if (path == RL_PATH_FAST) {
        double loss = grad_fast_opts(net, d, net->grad);
        opt_update(net, n_params(net), lr, lambda);
        return loss;
    }
    const int n = d->n;
    if (full_batch(net, n))
        return rl_net_step_batch(net, d, NULL, n, lr, lambda);
    const int b = net->opts.batch_size;
    const long per_epoch = (n + b - 1) / b;
    const long epoch = net->opt_step / per_epoch;
    const int start = (int)(net->opt_step % per_epoch) * b;
    if (net->perm_epoch != epoch || net->perm_n != n)
        draw_perm(net, n, epoch);
    int m = n - start < b ? n - start : b;
    return rl_net_step_batch(net, d, net->perm + start, m, lr, lambda);
}

double rl_net_step(struct rl_net *net, const struct rl_data *d, double lr,
                   double lambda)
{
    const int h = net->h;
    float *w1 = net->w1, *w2 = net->w2;
    enum rl_net_path path = rl_net_path(net, d->n);
    if (!seed_step(net, d->n))
        return step_opts(net, d, path, lr, lambda);
    net->opt_step++;
    if (path == RL_PATH_FAST) {
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
    /* W <- W - lr (dL/dW + lambda W), torch.optim.SGD with weight_decay */
    const float flr = (float)lr, flam = (float)lambda;
    if (!net->force_blas && net->act != RL_ACT_TANH)
        return fused_step(net, d, flr, flam);
    double loss = net->force_blas
                      ? rl_net_grad_plain(net, d, net->dw1, net->dw2)
                      : rl_net_grad_fused(net, d, net->dw1, net->dw2);
    sgd_plain(h, w1, w2, net->dw1, net->dw2, flr, flam);
    return loss;
}

size_t rl_net_step_bytes(const struct rl_net *net, int n)
{
    const size_t h = (size_t)net->h, f = sizeof(float);
    size_t data = (size_t)n * 3 * f;            /* x (n, 2), y (n) */
    size_t weights = h * 3 * f;                 /* w1, w2 */
    if (net->act == RL_ACT_LINEAR && !net->force_plain &&
        rl_net_path(net, n) == RL_PATH_FAST)    /* moments only, O(h); */
        return weights + (net->opts.bias ? data + h * f : 0); /* means */
    size_t grads = h * 3 * f;                   /* dw1, dw2 */
    if (net->force_blas)                        /* pre, post (n, h), out */
        return data + weights + grads + (h * 2 + 2) * (size_t)n * f;
    /* a0 a1 g0 g1, and g2 for tanh */
    size_t units = h * (net->act == RL_ACT_TANH ? 5 : 4) * f;
    size_t samples = (size_t)n * 6 * f;         /* x0 x1 e ex0 ex1 out */
    size_t post = net->act == RL_ACT_TANH ? h * (size_t)n * f : 0;
    if (rl_net_path(net, n) == RL_PATH_GENERAL) {
        /* b1, its gradient and sums; optimiser buffers; y and the order */
        size_t np = (size_t)n_params(net);
        if (net->opts.bias)
            units += h * 3 * f;
        if (net->opts.optimizer != RL_OPT_SGD || net->opts.momentum > 0.0)
            units += np * f * (net->opts.optimizer == RL_OPT_SGD ? 1 : 2);
        samples += (size_t)n * (f + sizeof(int));
    }
    return data + weights + grads + units + samples + post;
}

bool rl_net_finite(const struct rl_net *net)
{
    for (int c = 0; c < 4 * net->h + 1; c++)
        if (!isfinite(net->theta[c]))
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
    if (!plain_output(net)) {
        /* J's curvature in beta is c^2 times the seed's (alpha cancels) */
        double c = param_scale(net->opts.param, net->h);
        top *= c * c;
    }
    return top > 0.0 ? 1.0 / top : INFINITY;
}
