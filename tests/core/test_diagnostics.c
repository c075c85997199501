/* test_diagnostics.c: the regime measures of rl_metrics on hand-built nets
 * and on the seed's rich/lazy pair. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rl_app.h"
#include "rl_diag.h"
#include "rl_metrics.h"
#include "rl_rng.h"
#include "rl_trainer.h"

/* Four points whose least-squares direction is bhat = (1, 1)/sqrt(2):
 * Sxx = I/2, Sxy = (1/4, 1/4). */
static void diamond_data(struct rl_data *d)
{
    static const float pts[8] = {1, 0, -1, 0, 0, 1, 0, -1};
    static const float lab[4] = {1, 0, 1, 0};
    CHECK(rl_data_init(d, 4));
    memcpy(d->x, pts, sizeof(pts));
    memcpy(d->y, lab, sizeof(lab));
    rl_data_update_moments(d);
}

/* A linear net of h units with w1 row i = (r[2i], r[2i+1]) and w2 = 1/h,
 * marked initial. */
static void hand_net(struct rl_net *net, int h, const double *rows)
{
    CHECK(rl_net_init(net, h, 0));
    net->act = RL_ACT_LINEAR;
    for (int i = 0; i < h; i++) {
        net->w1[2 * i] = (float)rows[2 * i];
        net->w1[2 * i + 1] = (float)rows[2 * i + 1];
        net->w2[i] = 1.0f / h;
    }
    rl_net_mark_initial(net);
}

static void test_rank_one_and_isotropic(void)
{
    struct rl_data d;
    diamond_data(&d);
    enum { H = 6 };
    /* rank one: every row a multiple of (0.6, 0.8) */
    double rows[2 * H];
    for (int i = 0; i < H; i++) {
        double c = (i % 3 - 1.2) * 0.7;
        rows[2 * i] = 0.6 * c;
        rows[2 * i + 1] = 0.8 * c;
    }
    struct rl_net net;
    hand_net(&net, H, rows);
    struct rl_metrics m;
    rl_metrics_compute(&net, &d, NULL, &m);
    CHECK_NEAR(m.eff_rank, 1.0, 1e-6);
    CHECK_NEAR(m.part_ratio, 1.0, 1e-9);
    rl_net_destroy(&net);

    /* isotropic: rows alternate (2, 0) and (0, 2), so W1^T W1 = 12 I */
    for (int i = 0; i < H; i++) {
        rows[2 * i] = i % 2 ? 0.0 : 2.0;
        rows[2 * i + 1] = i % 2 ? 2.0 : 0.0;
    }
    hand_net(&net, H, rows);
    rl_metrics_compute(&net, &d, NULL, &m);
    CHECK_NEAR(m.eff_rank, 2.0, 1e-12);
    CHECK_NEAR(m.part_ratio, 2.0, 1e-12);
    /* unequal singular values 3 and 1: p = (3/4, 1/4) */
    net.w1[0] = 3.0f;
    net.w1[1] = 0.0f;
    net.w1[2] = 0.0f;
    net.w1[3] = 1.0f;
    for (int i = 2; i < H; i++)
        net.w1[2 * i] = net.w1[2 * i + 1] = 0.0f;
    rl_metrics_compute(&net, &d, NULL, &m);
    CHECK_NEAR(m.eff_rank, exp(-(0.75 * log(0.75) + 0.25 * log(0.25))), 1e-12);
    CHECK_NEAR(m.part_ratio, 100.0 / 82.0, 1e-12);
    rl_net_destroy(&net);
    rl_data_destroy(&d);
}

static void test_alignment(void)
{
    struct rl_data d;
    diamond_data(&d);
    enum { H = 5 };
    double rows[2 * H];
    /* rows parallel (or antiparallel) to bhat = (1, 1)/sqrt(2): 1 */
    for (int i = 0; i < H; i++)
        rows[2 * i] = rows[2 * i + 1] = (i - 2.5) * 0.3;
    struct rl_net net;
    hand_net(&net, H, rows);
    struct rl_metrics m;
    rl_metrics_compute(&net, &d, NULL, &m);
    CHECK_NEAR(m.alignment, 1.0, 1e-12);
    rl_net_destroy(&net);
    /* rows orthogonal to bhat: 0 */
    for (int i = 0; i < H; i++) {
        rows[2 * i] = (i + 1) * 0.2;
        rows[2 * i + 1] = -(i + 1) * 0.2;
    }
    hand_net(&net, H, rows);
    rl_metrics_compute(&net, &d, NULL, &m);
    CHECK_NEAR(m.alignment, 0.0, 1e-12);
    rl_net_destroy(&net);

    /* random isotropic init: 0.5 in expectation (mean of 400 draws of 50
     * units; one draw's standard deviation is about 0.07) */
    struct rl_rng rng;
    rl_rng_seed(&rng, 11, 3);
    CHECK(rl_net_init(&net, 50, 0));
    double sum = 0.0;
    for (int k = 0; k < 400; k++) {
        rl_net_reset(&net, RL_ACT_LINEAR, 0.3, 0.02, &rng);
        rl_metrics_compute(&net, &d, NULL, &m);
        sum += m.alignment;
    }
    CHECK_NEAR(sum / 400, 0.5, 0.01);
    rl_net_destroy(&net);
    rl_data_destroy(&d);
}

static void test_kernel_distance_and_imbalance(void)
{
    struct rl_data d;
    diamond_data(&d);
    double rows[4] = {1.0, 0.0, 2.0, 0.0};
    struct rl_net net;
    hand_net(&net, 2, rows);
    struct rl_metrics m;
    rl_metrics_compute(&net, &d, NULL, &m);
    /* at the initial weights: no distance */
    CHECK_NEAR(m.kernel_dist, 0.0, 1e-15);
    CHECK_NEAR(m.ntk_dist, 0.0, 1e-15);
    /* Q = 1 + 4 - 2 (1/2)^2 */
    CHECK_NEAR(m.imbalance, 5.0 - 0.5, 1e-12);
    /* W1 turned by 90 degrees: G = 5 e2 e2^T orthogonal to G0 = 5 e1 e1^T */
    net.w1[0] = 0.0f;
    net.w1[1] = 1.0f;
    net.w1[2] = 0.0f;
    net.w1[3] = 2.0f;
    rl_metrics_compute(&net, &d, NULL, &m);
    CHECK_NEAR(m.kernel_dist, 1.0, 1e-12);
    /* M0 = diag(5.5, 0.5), M = diag(0.5, 5.5): 1 - 5.5/30.5 */
    CHECK_NEAR(m.ntk_dist, 1.0 - 5.5 / 30.5, 1e-12);
    /* a uniform rescaling keeps G's direction: distance 0 again */
    net.w1[0] = 3.0f;
    net.w1[1] = 0.0f;
    net.w1[2] = 6.0f;
    net.w1[3] = 0.0f;
    rl_metrics_compute(&net, &d, NULL, &m);
    CHECK_NEAR(m.kernel_dist, 0.0, 1e-12);
    double w2a, w1n;
    rl_metrics_unit_balance(&net, 1, &w2a, &w1n);
    CHECK_NEAR(w2a, 0.5, 0);
    CHECK_NEAR(w1n, 6.0, 1e-12);
    rl_net_destroy(&net);
    rl_data_destroy(&d);
}

static void test_linear_only_measures(void)
{
    struct rl_data d;
    diamond_data(&d);
    double rows[4] = {1.0, 0.5, -0.5, 2.0};
    struct rl_net net;
    hand_net(&net, 2, rows);
    for (int act = 0; act < RL_ACT_COUNT; act++) {
        net.act = (enum rl_activation)act;
        struct rl_metrics m;
        rl_metrics_compute(&net, &d, NULL, &m);
        bool linear = act == RL_ACT_LINEAR;
        CHECK(isfinite(m.eff_rank) && isfinite(m.part_ratio));
        CHECK(isfinite(m.alignment) && isfinite(m.kernel_dist));
        CHECK(isfinite(m.imbalance));
        CHECK(isfinite(m.ntk_dist) == linear);
        CHECK(isfinite(m.strength) == linear);
        CHECK(isfinite(m.lazy_scale) == linear);
    }
    rl_net_destroy(&net);
    rl_data_destroy(&d);
}

/* The seed's pair: the measures tell rich from lazy. */
static void test_seed_pair(void)
{
    struct rl_config c = rl_config_default;
    struct rl_trainer tr;
    char err[256];
    CHECK(rl_trainer_init(&tr, &c, 0, err, sizeof(err)));
    for (int w = 0; w < RL_NETS; w++) {
        CHECK_NEAR(tr.last[w].kernel_dist, 0.0, 1e-15);
        CHECK_NEAR(tr.last[w].ntk_dist, 0.0, 1e-15);
        CHECK(tr.last[w].eff_rank > 1.99);
        CHECK_NEAR(tr.last[w].alignment, 0.5, 0.05);
    }
    /* Chizat's scale: far above 1 for the rich net, far below for lazy */
    CHECK(tr.last[RL_RICH].lazy_scale > 10.0);
    CHECK(tr.last[RL_LAZY].lazy_scale < 0.1);
    rl_trainer_step(&tr, 3000);
    const struct rl_metrics *r = &tr.last[RL_RICH], *l = &tr.last[RL_LAZY];
    CHECK(r->eff_rank < 1.25 && l->eff_rank > 1.99);
    CHECK(r->part_ratio < 1.01 && l->part_ratio > 1.99);
    CHECK(r->alignment > 0.99 && l->alignment < 0.55);
    CHECK(r->kernel_dist > 0.2 && l->kernel_dist < 1e-6);
    /* without weight decay Q stays near its start (gradient flow keeps it) */
    CHECK_NEAR(l->imbalance / tr.hist[RL_LAZY].pts[0].m.imbalance, 1.0, 1e-3);
    /* both reach the least-squares fit, so the same strength */
    CHECK_NEAR(r->strength, l->strength, 1e-4);
    rl_trainer_destroy(&tr);
}

static int count_fields(const char *s)
{
    int n = 1;
    for (; *s; s++)
        n += *s == ',';
    return n;
}

static void test_csv_columns(void)
{
    const char *h = rl_metrics_csv_header();
    /* the core columns first, in their order */
    CHECK(!strncmp(h, "loss,accuracy,rel_w1,rel_w2,norm_w1,norm_w2,"
                      "test_loss,test_accuracy,", 53));
    CHECK_CONTAINS(h, "eff_rank,part_ratio,alignment,kernel_dist,ntk_dist,"
                      "imbalance,strength,lazy_scale");
    struct rl_metrics m;
    memset(&m, 0, sizeof(m));
    m.ntk_dist = NAN;
    char buf[1024] = "";
    FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
    CHECK(f != NULL);
    if (f) {
        rl_metrics_csv_row(f, &m);
        fclose(f);
    }
    CHECK(count_fields(buf) == count_fields(h));
    CHECK_CONTAINS(buf, ",nan,");
}

/* The keys g and t through the app, and the theory series they show. */
static void test_app_keys_and_series(void)
{
    CHECK(rl_action_for_key("g") == RL_ACTION_DIAG);
    CHECK(rl_action_for_key("t") == RL_ACTION_THEORY);
    struct rl_config c = rl_config_default;
    c.net[RL_RICH].hidden = c.net[RL_LAZY].hidden = 100;
    struct rl_app app;
    char err[256];
    CHECK(rl_app_init(&app, &c, err, sizeof(err)));
    CHECK(!app.diag.panel && !app.diag.theory);
    CHECK(app.diag.n[RL_RICH] == 0);
    enum rl_action keys[2] = {RL_ACTION_DIAG, RL_ACTION_THEORY};
    rl_app_frame(&app, keys, 2);
    CHECK(app.diag.panel && app.diag.theory);
    for (int f = 0; f < 50; f++)
        rl_app_frame(&app, NULL, 0);
    char dump[2048];
    rl_app_dump(&app, dump, sizeof(dump));
    CHECK_CONTAINS(dump, "diag=1\ntheory=1\n");
    /* one prediction per history point, at the same steps */
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_history *h = &app.tr->hist[w];
        CHECK(app.diag.n[w] == h->n + (h->latest.step != h->pts[h->n - 1].step));
        CHECK(app.diag.step[w][app.diag.n[w] - 1] == (double)app.tr->step[w]);
        bool finite = true;
        for (int k = 0; k < app.diag.n[w]; k++)
            finite &= isfinite(app.diag.loss[w][k]) && isfinite(app.diag.q[w][k]);
        CHECK(finite);
    }
    /* the rich net gets the rich theory, the lazy net the lazy one */
    CHECK(!app.diag.lazy_kind[RL_RICH] && app.diag.lazy_kind[RL_LAZY]);
    CHECK_NEAR(app.diag.loss[RL_LAZY][app.diag.n[RL_LAZY] - 1],
               app.tr->last[RL_LAZY].loss, 1e-3);

    /* lr changed mid-run: the predictions no longer apply */
    rl_app_frame(&app, (enum rl_action[]){RL_ACTION_LR_UP}, 1);
    CHECK(app.diag.stale[RL_RICH] && app.diag.stale[RL_LAZY]);
    CHECK(app.diag.n[RL_RICH] == 0);
    /* a restart uses the new lr from step 0: fresh theory */
    rl_app_frame(&app, (enum rl_action[]){RL_ACTION_RESTART}, 1);
    CHECK(!app.diag.stale[RL_RICH] && app.diag.n[RL_RICH] > 0);
    CHECK_NEAR(app.diag.th[RL_RICH].lr, 2.0 * c.lr, 1e-15);
    /* weight decay turned on at step 0 is part of the theory */
    rl_app_apply(&app, RL_ACTION_RESTART);
    rl_app_frame(&app, (enum rl_action[]){RL_ACTION_LAMBDA_UP}, 1);
    CHECK(!app.diag.stale[RL_LAZY]);
    CHECK(app.diag.th[RL_LAZY].lambda > 0.0);

    /* both off: nothing to show */
    rl_app_frame(&app, keys, 2);
    CHECK(!app.diag.panel && !app.diag.theory && app.diag.n[RL_RICH] == 0);
    rl_app_destroy(&app);
}

int main(void)
{
    test_rank_one_and_isotropic();
    test_alignment();
    test_kernel_distance_and_imbalance();
    test_linear_only_measures();
    test_seed_pair();
    test_csv_columns();
    test_app_keys_and_series();
    return check_summary("diagnostics");
}
