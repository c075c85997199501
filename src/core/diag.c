/* diag.c: theory series for the live diagnostics (see rl_diag.h). */
#include "rl_diag.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool rl_diag_init(struct rl_diag *d, int cap)
{
    memset(d, 0, sizeof(*d));
    d->cap = cap > 16 ? cap : 16;
    for (int w = 0; w < RL_NETS; w++) {
        d->step[w] = calloc((size_t)d->cap, sizeof(double));
        d->loss[w] = calloc((size_t)d->cap, sizeof(double));
        d->q[w] = calloc((size_t)d->cap, sizeof(double));
        d->v[w] = calloc((size_t)d->cap, sizeof(double));
        if (!d->step[w] || !d->loss[w] || !d->q[w] || !d->v[w]) {
            rl_diag_destroy(d);
            return false;
        }
        d->last_step[w] = -1;
    }
    return true;
}

void rl_diag_destroy(struct rl_diag *d)
{
    for (int w = 0; w < RL_NETS; w++) {
        free(d->step[w]);
        free(d->loss[w]);
        free(d->q[w]);
        free(d->v[w]);
    }
    memset(d, 0, sizeof(*d));
}

/* What the theory depends on besides lr and lambda: the initial weights
 * and the data, summarised. */
static void signature(const struct rl_trainer *tr, int w, double sig[4])
{
    const struct rl_net *net = &tr->net[w];
    sig[0] = net->norm_w1_0 + 1e3 * (double)net->act;
    sig[1] = net->norm_w2_0 + (double)net->h;
    sig[2] = net->h > 0 ? (double)net->w1_0[0] + (double)net->w2_0[0] : 0.0;
    sig[3] = tr->train.sxy[0] + 3.0 * tr->train.sxy[1] + tr->train.n;
}

static void track(struct rl_diag *d, const struct rl_trainer *tr, int w)
{
    double sig[4];
    signature(tr, w, sig);
    long step = tr->step[w];
    bool renewed = !d->built[w] || memcmp(sig, d->sig[w], sizeof(sig)) ||
                   step < d->last_step[w];
    bool changed = d->built[w] && (tr->cfg.lr != d->th[w].lr ||
                                   tr->cfg.lambda != d->th[w].lambda);
    /* a change seen while the net was still at step 0 at the last look
     * came before its first step (the app applies keys before stepping) */
    bool from_start = step == 0 || d->last_step[w] == 0;
    if (renewed || (changed && from_start)) {
        rl_theory_init(&d->th[w], &tr->train, &tr->net[w], tr->cfg.lr,
                       tr->cfg.lambda);
        rl_theory_decay_beta(&d->th[w].task, tr->cfg.lambda,
                             d->decay_beta[w]);
        memcpy(d->sig[w], sig, sizeof(sig));
        d->built[w] = true;
        d->stale[w] = false;
    } else if (changed) {
        d->stale[w] = true;
    }
    d->last_step[w] = step;
}

/* Sample net w's predictions at its history steps. */
static void fill(struct rl_diag *d, const struct rl_trainer *tr, int w)
{
    const struct rl_history *h = &tr->hist[w];
    const struct rl_theory *th = &d->th[w];
    int n = 0;
    for (int i = 0; i <= h->n && n < d->cap; i++) {
        const struct rl_history_point *p =
            i < h->n ? &h->pts[i] : (h->has_latest ? &h->latest : NULL);
        if (!p || (n > 0 && (double)p->step <= d->step[w][n - 1]))
            continue;
        d->step[w][n++] = (double)p->step;
    }
    d->n[w] = 0;
    if (!th->valid || d->stale[w] || n == 0)
        return;
    /* the regime Chizat's scale at init calls for */
    d->lazy_kind[w] = tr->last[w].lazy_scale < 1.0;
    if (!d->lazy_kind[w]) {
        rl_theory_rich_curve(th, d->step[w], n, d->loss[w], d->q[w]);
        for (int k = 0; k < n; k++)
            d->v[w][k] = rl_theory_rich_v(th, d->step[w][k]);
    } else {
        for (int k = 0; k < n; k++) {
            d->loss[w][k] = rl_theory_lazy_loss(th, (long)d->step[w][k]);
            d->q[w][k] = rl_theory_q(th, d->step[w][k]);
            d->v[w][k] = NAN;
        }
    }
    d->n[w] = n;
}

void rl_diag_update(struct rl_diag *d, const struct rl_trainer *tr)
{
    if (!d->cap)
        return; /* not initialised yet */
    for (int w = 0; w < RL_NETS; w++) {
        track(d, tr, w);
        if (d->panel || d->theory)
            fill(d, tr, w);
        else
            d->n[w] = 0;
    }
}
