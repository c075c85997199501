/* test_options.c: the model, target and teacher options from the command
 * line to the nets: `richlazy run` with options trains exactly what the
 * engine API trains; every optimiser continues bit for bit across a
 * checkpoint; wrong combinations name the flag; metrics.csv gains only
 * the columns the options call for; the learnability warning. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "test_util.h"
#include "rl_checkpoint.h"
#include "rl_config.h"
#include "rl_data.h"
#include "rl_net.h"
#include "rl_npy.h"
#include "rl_rng.h"
#include "rl_run.h"
#include "rl_trainer.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#define SCRATCH RL_TEST_BUILD_DIR "/options_scratch"

static char err_text[8192];
static char out_text[8192];

static int run(const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    int code = test_call_main(rl_run_main, out_text, sizeof(out_text),
                              err_text, sizeof(err_text), first, ap);
    va_end(ap);
    return code;
}

/* The first line of a file (its header), into buf. */
static void first_line(const char *path, char *buf, size_t len)
{
    size_t n;
    char *text = test_read_file(path, &n);
    buf[0] = '\0';
    if (!text)
        return;
    size_t k = strcspn(text, "\n");
    snprintf(buf, len, "%.*s", (int)(k < len - 1 ? k : len - 1), text);
    free(text);
}

/* The loss column (third field) of metrics.csv at (step, net), or NULL. */
static const char *loss_at(const char *csv, long step, const char *net,
                           char *buf, size_t len)
{
    char key[64];
    int kl = snprintf(key, sizeof(key), "\n%ld,%s,", step, net);
    const char *p = strstr(csv, key);
    if (!p)
        return NULL;
    p += kl;
    size_t n = strcspn(p, ",");
    snprintf(buf, len, "%.*s", (int)n, p);
    return buf;
}

/* run with options == the engine API with the same options, step by step
 * (the seed's draw order: data from the seed's data stream, each net from
 * its own; the mini-batch order from the documented shuffle seed). */
static void test_run_equals_engine(void)
{
    CHECK(run("--dataset", "xor", "--samples", "60", "--activation", "tanh",
              "--hidden", "16", "--steps", "40", "--seed", "5", "--lr",
              "0.05", "--rich-bias", "--bias-init", "0.1", "--rich-alpha",
              "2", "--lazy-optimizer", "adam", "--lazy-batch-size", "16",
              "--loss", "logistic", "--labels", "pm1", "--rich-momentum",
              "0.5", "--rich-nesterov", "--lazy-param", "ntk", "--quiet",
              "--out", SCRATCH "/engine", NULL) == 0);
    size_t len;
    char *csv = test_read_file(SCRATCH "/engine/metrics.csv", &len);
    CHECK(csv != NULL);
    if (!csv)
        return;
    struct rl_data d;
    CHECK(rl_data_generate(&d, RL_DATASET_XOR, 60, 0.3, 5));
    CHECK(rl_data_labels_pm1(&d));
    const uint64_t stream[2] = {RL_STREAM_RICH, RL_STREAM_LAZY};
    struct rl_net_opts o[2] = {
        {.bias = true, .bias_init = 0.1, .alpha = 2.0, .momentum = 0.5,
         .nesterov = true, .loss = RL_LOSS_LOGISTIC,
         .targets = RL_TARGETS_PM1},
        {.bias_init = 0.1, .optimizer = RL_OPT_ADAM, .batch_size = 16,
         .param = RL_PARAM_NTK, .loss = RL_LOSS_LOGISTIC,
         .targets = RL_TARGETS_PM1},
    };
    const double init[2] = {0.001, 0.25};
    int compared = 0;
    for (int w = 0; w < 2; w++) {
        o[w].shuffle_seed = rl_mix64(5 ^ rl_mix64(stream[w]));
        struct rl_rng rng;
        rl_rng_seed(&rng, 5, stream[w]);
        struct rl_net net;
        CHECK(rl_net_init(&net, 16, d.n));
        rl_net_reset_opts(&net, RL_ACT_TANH, init[w], 1.0 / 16, &o[w], &rng);
        for (long s = 0; s <= 40; s++) {
            double loss, acc;
            rl_net_evaluate(&net, &d, &loss, &acc);
            char want[64], got[64];
            snprintf(want, sizeof(want), "%.9g", loss);
            const char *g = loss_at(csv, s, rl_net_label(w), got,
                                    sizeof(got));
            CHECK(g && !strcmp(g, want));
            if (g && strcmp(g, want))
                fprintf(stderr, "%s step %ld: run %s, engine %s\n",
                        rl_net_label(w), s, g, want);
            compared++;
            rl_net_step(&net, &d, 0.05, 0.0);
        }
        rl_net_destroy(&net);
    }
    CHECK(compared == 82);
    rl_data_destroy(&d);
    free(csv);
}

/* 2n steps == n steps, save, load, n steps: bit for bit, every optimiser,
 * through the checkpoint files. */
static void test_checkpoint_every_optimizer(void)
{
    struct {
        const char *name;
        struct rl_net_opts o;
    } cases[] = {
        {"gd", {.bias = true, .bias_init = 0.2}},
        {"sgd-batch", {.bias = true, .bias_init = 0.2, .batch_size = 16}},
        {"momentum", {.bias = true, .momentum = 0.9, .batch_size = 16}},
        {"nesterov", {.momentum = 0.9, .nesterov = true}},
        {"adam", {.bias = true, .bias_init = 0.2, .optimizer = RL_OPT_ADAM,
                  .batch_size = 16}},
        {"adamw", {.optimizer = RL_OPT_ADAMW, .loss = RL_LOSS_LOGISTIC}},
    };
    mkdir(SCRATCH, 0777);
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        struct rl_config cfg = rl_config_default;
        cfg.act = RL_ACT_RELU;
        cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 12;
        cfg.samples = 40;
        cfg.lr = 0.01;
        cfg.lambda = 0.01;
        cfg.dataset = RL_DATASET_CIRCLES;
        for (int w = 0; w < RL_NETS; w++) {
            double keep_alpha = 1.0;
            cfg.net[w].model = cases[c].o;
            cfg.net[w].model.alpha = keep_alpha;
            cfg.net[w].model.layer_ratio = 1.0;
        }
        char err[1024];
        struct rl_trainer a, b;
        CHECK(rl_trainer_init(&a, &cfg, 64, err, sizeof(err)));
        CHECK(rl_trainer_init(&b, &cfg, 64, err, sizeof(err)));
        rl_trainer_step(&a, 30);
        rl_trainer_step(&b, 30);
        char dir[512];
        snprintf(dir, sizeof(dir), SCRATCH "/ck-%s", cases[c].name);
        CHECK(rl_checkpoint_save(dir, &b, err, sizeof(err)));
        rl_trainer_destroy(&b);
        struct rl_checkpoint ck;
        bool ok = rl_checkpoint_load(&ck, dir, err, sizeof(err));
        if (!ok)
            fprintf(stderr, "%s: %s\n", cases[c].name, err);
        CHECK(ok);
        if (!ok) {
            rl_trainer_destroy(&a);
            continue;
        }
        CHECK(rl_checkpoint_trainer_init(&b, &ck, 64, err, sizeof(err)));
        rl_trainer_step(&a, 30);
        rl_trainer_step(&b, 30);
        for (int w = 0; w < RL_NETS; w++) {
            const struct rl_net *x = &a.net[w], *y = &b.net[w];
            size_t np = (size_t)x->h * 4 + 1;
            bool same = !memcmp(x->theta, y->theta, np * sizeof(float)) &&
                        !memcmp(x->opt_m, y->opt_m, np * sizeof(float)) &&
                        !memcmp(x->opt_v, y->opt_v, np * sizeof(float)) &&
                        x->opt_step == y->opt_step &&
                        !memcmp(x->b1_0, y->b1_0,
                                ((size_t)x->h + 1) * sizeof(float));
            if (!same)
                fprintf(stderr, "%s, %s net: continued run differs\n",
                        cases[c].name, rl_net_label(w));
            CHECK(same);
            CHECK(a.step[w] == 60 && b.step[w] == 60);
            /* the step really moved the state the checkpoint kept */
            if (cases[c].o.bias)
                CHECK(x->b1[0] != x->b1_0[0]);
            if (cases[c].o.momentum > 0 || cases[c].o.optimizer)
                CHECK(x->opt_m[0] != 0.0f);
        }
        rl_trainer_destroy(&a);
        rl_trainer_destroy(&b);
        rl_checkpoint_destroy(&ck);
    }
    /* a checkpoint that lacks the optimiser's buffers is refused, naming
     * the file */
    CHECK(unlink(SCRATCH "/ck-adam/lazy_opt_v.npy") == 0);
    struct rl_checkpoint ck;
    char err[1024];
    CHECK(!rl_checkpoint_load(&ck, SCRATCH "/ck-adam", err, sizeof(err)));
    CHECK_CONTAINS(err, "lazy_opt_v.npy");
}

/* Wrong combinations: one line naming the flag, nothing written. */
static void test_wrong_combinations_name_the_flag(void)
{
    struct {
        const char *a[6];
        const char *message;
    } cases[] = {
        {{"--hidden", "21", "--lazy-symmetric"}, "--lazy-symmetric"},
        /* a flag given for both nets is named as given */
        {{"--dataset", "wave", "--loss", "logistic"}, "error: --loss: "},
        {{"--nesterov"}, "error: --nesterov: "},
        {{"--hidden", "21", "--symmetric"}, "error: --symmetric: "},
        {{"--dataset", "wave", "--lazy-loss", "exp"}, "error: --lazy-loss: "},
        /* momentum is SGD's: refused with Adam and AdamW, not ignored */
        {{"--optimizer", "adam", "--momentum", "0.9"},
         "error: --momentum: momentum and nesterov are SGD's; Adam"},
        {{"--lazy-optimizer", "adamw", "--lazy-momentum", "0.5"},
         "error: --lazy-momentum: momentum and nesterov are SGD's; AdamW"},
        {{"--lazy-momentum", "0.5", "--rich-nesterov"}, "--rich-nesterov"},
        {{"--dataset", "ridge", "--labels", "pm1"}, "--labels pm1"},
        {{"--layer-ratio", "2", "--imbalance", "0.1"},
         "--rich-layer-ratio and --rich-imbalance"},
        {{"--optimizer", "rmsprop"}, "choose sgd, adam or adamw"},
        {{"--momentum", "1"}, "must be >= 0 and < 1"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char **a = cases[i].a;
        int code = run(a[0], a[1] ? a[1] : "--quiet", a[2] ? a[2] : "--quiet",
                       a[3] ? a[3] : "--quiet", "--steps", "2", "--out",
                       SCRATCH "/never", "--quiet", NULL);
        CHECK(code == 2);
        CHECK_CONTAINS(err_text, cases[i].message);
        CHECK(!test_exists(SCRATCH "/never"));
    }
}

/* Extra metrics.csv columns only where the options call for them. */
static void test_metrics_columns(void)
{
    char head[2048];
    const char *base = "step,net,loss,accuracy,rel_w1,rel_w2,norm_w1,"
                       "norm_w2,test_loss,test_accuracy,eff_rank,part_ratio,"
                       "alignment,kernel_dist,ntk_dist,imbalance,strength,"
                       "lazy_scale";
    CHECK(run("--steps", "3", "--hidden", "8", "--quiet", "--out",
              SCRATCH "/m0", NULL) == 0);
    first_line(SCRATCH "/m0/metrics.csv", head, sizeof(head));
    CHECK(!strcmp(head, base));
    CHECK(run("--steps", "3", "--hidden", "8", "--quiet", "--dataset",
              "teacher", "--activation", "relu", "--out", SCRATCH "/m1",
              NULL) == 0);
    first_line(SCRATCH "/m1/metrics.csv", head, sizeof(head));
    CHECK_CONTAINS(head, ",loss,r2,");
    CHECK_CONTAINS(head, ",test_r2,");
    CHECK_CONTAINS(head, "lazy_scale,teacher_alignment");
    CHECK(!strstr(head, "accuracy") && !strstr(head, "margin"));
    CHECK(run("--steps", "3", "--hidden", "8", "--quiet", "--lazy-loss",
              "exp", "--rich-symmetric", "--out", SCRATCH "/m2", NULL) == 0);
    first_line(SCRATCH "/m2/metrics.csv", head, sizeof(head));
    CHECK_CONTAINS(head, "lazy_scale,margin,delta_mean,delta_sd");
    CHECK(!strstr(head, "teacher"));
    CHECK(run("--steps", "3", "--hidden", "8", "--quiet",
              "--imbalance-columns", "--out", SCRATCH "/m3", NULL) == 0);
    first_line(SCRATCH "/m3/metrics.csv", head, sizeof(head));
    CHECK_CONTAINS(head, "lazy_scale,delta_mean,delta_sd");
    /* a symmetric net's imbalance spread is what the draw gave: finite */
    size_t len;
    char *csv = test_read_file(SCRATCH "/m2/metrics.csv", &len);
    CHECK(csv && !strstr(csv, "-nan"));
    free(csv);
}

/* A CSV's third column is read as a real for regression, as labels
 * otherwise. */
static void test_csv_regression(void)
{
    mkdir(SCRATCH, 0777);
    test_write_text(SCRATCH "/real.csv", "x,y,target\n0,1,0.25\n1,0,-1.5\n"
                                         "0.5,0.5,2\n-1,0,0.125\n");
    CHECK(run("--data", SCRATCH "/real.csv", "--steps", "2", "--quiet",
              "--out", SCRATCH "/r0", NULL) == 2);
    CHECK_CONTAINS(err_text, "real.csv:2");
    CHECK(run("--data", SCRATCH "/real.csv", "--task", "regression",
              "--steps", "2", "--quiet", "--out", SCRATCH "/r1", NULL) == 0);
    char head[2048];
    first_line(SCRATCH "/r1/metrics.csv", head, sizeof(head));
    CHECK_CONTAINS(head, ",loss,r2,");
}

/* The learnability warning: once, with the fix; none with --bias. */
static void test_learnability_warning(void)
{
    CHECK(run("--dataset", "circles", "--activation", "relu", "--steps", "1",
              "--hidden", "4", "--out", SCRATCH "/l0", NULL) == 0);
    const char *w = strstr(err_text, "circles needs --bias with relu");
    CHECK(w != NULL);
    CHECK(w && !strstr(w + 1, "circles needs --bias"));
    CHECK(run("--dataset", "circles", "--activation", "relu", "--steps", "1",
              "--hidden", "4", "--bias", "--out", SCRATCH "/l1", NULL) == 0);
    CHECK(!strstr(err_text, "needs --bias"));
    /* one net with bias: the other is named */
    CHECK(run("--dataset", "xor", "--activation", "tanh", "--steps", "1",
              "--hidden", "4", "--rich-bias", "--out", SCRATCH "/l2",
              NULL) == 0);
    CHECK_CONTAINS(err_text, "the lazy net: xor needs --lazy-bias with "
                             "tanh");
    CHECK(!strstr(err_text, "the rich net"));
    /* the summary shows the per-net settings away from their defaults,
     * flags as yes/no */
    CHECK_CONTAINS(out_text, "bias");
    CHECK_CONTAINS(out_text, "  rich  0.001     yes ");
    CHECK_CONTAINS(out_text, "  lazy  0.25      no ");
    CHECK(!strstr(out_text, "optimizer"));
    /* ntk / mean-field with W2 at the standard 1/H: a hint, once */
    CHECK(run("--steps", "1", "--hidden", "4", "--param", "ntk", "--out",
              SCRATCH "/l4", NULL) == 0);
    CHECK_CONTAINS(err_text, "warning: both nets have --param ntk: the "
                             "output is scaled by 1/sqrt(H)");
    CHECK(run("--steps", "1", "--hidden", "4", "--lazy-param", "mf",
              "--out", SCRATCH "/l5", NULL) == 0);
    CHECK_CONTAINS(err_text, "warning: the lazy net has --param mf");
    CHECK(run("--steps", "1", "--hidden", "4", "--param", "ntk",
              "--out-init", "1", "--out", SCRATCH "/l6", NULL) == 0);
    CHECK(!strstr(err_text, "--param"));
    /* a loss-function column: the metric is "final loss" */
    CHECK(run("--steps", "1", "--hidden", "4", "--rich-loss", "logistic",
              "--rich-batch-size", "2", "--out", SCRATCH "/l3", NULL) == 0);
    CHECK_CONTAINS(out_text, " loss      batch-size final loss  accuracy");
    CHECK_CONTAINS(out_text, "  rich  0.001     logistic  2          ");
}

/* Two threads inside the step: the same bytes as one. */
static void test_step_threads_same_bytes(void)
{
    CHECK(run("--activation", "relu", "--hidden", "64", "--steps", "30",
              "--quiet", "--out", SCRATCH "/t1", NULL) == 0);
    CHECK(run("--activation", "relu", "--hidden", "64", "--steps", "30",
              "--step-threads", "2", "--quiet", "--out", SCRATCH "/t2",
              NULL) == 0);
    CHECK(test_same_bytes(SCRATCH "/t1/metrics.csv",
                          SCRATCH "/t2/metrics.csv"));
    CHECK(test_same_bytes(SCRATCH "/t1/weights/rich_w1_final.npy",
                          SCRATCH "/t2/weights/rich_w1_final.npy"));
}

/* A target imbalance picks the layer ratio rl_net_ratio_for_imbalance
 * gives, and the checkpoint keeps that ratio. */
static void test_imbalance_sets_ratio(void)
{
    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 2000;
    cfg.act = RL_ACT_RELU;
    cfg.net[RL_LAZY].imbalance = 0.5;
    struct rl_trainer tr;
    char err[512];
    CHECK(rl_trainer_init(&tr, &cfg, 16, err, sizeof(err)));
    double r = rl_net_ratio_for_imbalance(0.25, 1.0 / 2000, 0.0, 0.5);
    CHECK(tr.net[RL_LAZY].opts.layer_ratio == r);
    CHECK(tr.net[RL_RICH].opts.layer_ratio == 1.0);
    double mean, sd;
    rl_metrics_imbalance_stats(&tr.net[RL_LAZY], &mean, &sd);
    CHECK_NEAR(mean, 0.5, 0.05);
    CHECK(rl_checkpoint_save(SCRATCH "/ck-imb", &tr, err, sizeof(err)));
    struct rl_checkpoint ck;
    CHECK(rl_checkpoint_load(&ck, SCRATCH "/ck-imb", err, sizeof(err)));
    CHECK(ck.cfg.net[RL_LAZY].model.layer_ratio == r);
    CHECK(isnan(ck.cfg.net[RL_LAZY].imbalance));
    rl_checkpoint_destroy(&ck);
    rl_trainer_destroy(&tr);
}

/* Switching to a regression set keeps the old data when a net's loss
 * needs classes, and works otherwise. */
static void test_set_dataset_checks_options(void)
{
    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 8;
    cfg.net[RL_LAZY].model.loss = RL_LOSS_LOGISTIC;
    struct rl_trainer tr;
    char err[512];
    CHECK(rl_trainer_init(&tr, &cfg, 16, err, sizeof(err)));
    CHECK(!rl_trainer_set_dataset(&tr, RL_DATASET_WAVE, err, sizeof(err)));
    CHECK_CONTAINS(err, "--lazy-loss");
    CHECK(tr.cfg.dataset == RL_DATASET_BLOBS);
    CHECK(tr.net[RL_LAZY].opts.targets == RL_TARGETS_01);
    tr.cfg.net[RL_LAZY].model.loss = RL_LOSS_MSE;
    CHECK(rl_trainer_set_dataset(&tr, RL_DATASET_WAVE, err, sizeof(err)));
    CHECK(tr.net[RL_LAZY].opts.targets == RL_TARGETS_REAL);
    rl_trainer_destroy(&tr);
}

/* A plain flag of a per-net row sets both nets. */
static void test_plain_flag_sets_both(void)
{
    CHECK(run("--steps", "1", "--hidden", "8", "--bias", "--symmetric",
              "--quiet", "--checkpoint", SCRATCH "/both", "--out",
              SCRATCH "/both-run", NULL) == 0);
    struct rl_checkpoint ck;
    char err[512];
    CHECK(rl_checkpoint_load(&ck, SCRATCH "/both", err, sizeof(err)));
    for (int w = 0; w < RL_NETS; w++)
        CHECK(ck.cfg.net[w].model.bias && ck.cfg.net[w].model.symmetric &&
              ck.b[w] != NULL);
    rl_checkpoint_destroy(&ck);
}

/* Each net has its own width: --rich-hidden / --lazy-hidden reach the
 * weights, the checkpoint keeps both (and continues bit for bit), and a
 * checkpoint from before, with one hidden=, still loads as both. */
static void test_per_net_width(void)
{
    CHECK(run("--steps", "20", "--rich-hidden", "50", "--lazy-hidden", "400",
              "--activation", "relu", "--samples", "40", "--quiet",
              "--checkpoint", SCRATCH "/width", "--out", SCRATCH "/width-run",
              NULL) == 0);
    const char *names[] = {"rich_w1_final", "lazy_w1_final", "rich_w2_init",
                           "lazy_w2_init"};
    const int want_rows[] = {50, 400, 1, 1}, want_cols[] = {2, 2, 50, 400};
    for (int i = 0; i < 4; i++) {
        char path[512], err[512];
        snprintf(path, sizeof(path), SCRATCH "/width-run/weights/%s.npy",
                 names[i]);
        float *w = NULL;
        int rows = 0, cols = 0;
        CHECK(rl_npy_read(path, &w, &rows, &cols, err, sizeof(err)));
        CHECK(rows == want_rows[i] && cols == want_cols[i]);
        free(w);
    }
    size_t n;
    char *txt = test_read_file(SCRATCH "/width/checkpoint.txt", &n);
    CHECK_CONTAINS(txt, "\nrich_hidden=50\n");
    CHECK_CONTAINS(txt, "\nlazy_hidden=400\n");
    /* s2 = 1/H differs between the nets: no single out_init */
    CHECK(txt && !strstr(txt, "\nout_init="));
    free(txt);
    struct rl_checkpoint ck;
    char err[1024];
    CHECK(rl_checkpoint_load(&ck, SCRATCH "/width", err, sizeof(err)));
    CHECK(ck.cfg.net[RL_RICH].hidden == 50);
    CHECK(ck.cfg.net[RL_LAZY].hidden == 400);
    rl_checkpoint_destroy(&ck);

    /* 2n steps = n + save + load + n, each net at its own width */
    struct rl_config cfg = rl_config_default;
    cfg.act = RL_ACT_RELU;
    cfg.net[RL_RICH].hidden = 6;
    cfg.net[RL_LAZY].hidden = 30;
    cfg.samples = 40;
    struct rl_trainer a, b;
    CHECK(rl_trainer_init(&a, &cfg, 64, err, sizeof(err)));
    CHECK(rl_trainer_init(&b, &cfg, 64, err, sizeof(err)));
    CHECK(a.net[RL_RICH].h == 6 && a.net[RL_LAZY].h == 30);
    CHECK(a.net[RL_LAZY].init_w2 == 1.0 / 30);
    rl_trainer_step(&a, 25);
    rl_trainer_step(&b, 25);
    CHECK(rl_checkpoint_save(SCRATCH "/width2", &b, err, sizeof(err)));
    rl_trainer_destroy(&b);
    CHECK(rl_checkpoint_load(&ck, SCRATCH "/width2", err, sizeof(err)));
    CHECK(rl_checkpoint_trainer_init(&b, &ck, 64, err, sizeof(err)));
    rl_checkpoint_destroy(&ck);
    CHECK(b.net[RL_LAZY].init_w2 == 1.0 / 30);
    rl_trainer_step(&a, 25);
    rl_trainer_step(&b, 25);
    for (int w = 0; w < RL_NETS; w++) {
        CHECK(b.net[w].h == a.net[w].h);
        size_t np = (size_t)a.net[w].h * 4 + 1;
        CHECK(!memcmp(a.net[w].theta, b.net[w].theta, np * sizeof(float)));
    }
    rl_trainer_destroy(&a);
    rl_trainer_destroy(&b);

    /* an older checkpoint: one hidden= for both nets */
    cfg.net[RL_LAZY].hidden = 6;
    CHECK(rl_trainer_init(&a, &cfg, 64, err, sizeof(err)));
    rl_trainer_step(&a, 5);
    CHECK(rl_checkpoint_save(SCRATCH "/width-old", &a, err, sizeof(err)));
    rl_trainer_destroy(&a);
    CHECK(system("sed -i -e '/^lazy_hidden=/d' -e 's/^rich_hidden=/hidden=/' "
                 SCRATCH "/width-old/checkpoint.txt") == 0);
    txt = test_read_file(SCRATCH "/width-old/checkpoint.txt", &n);
    CHECK_CONTAINS(txt, "\nhidden=6\n");
    CHECK(txt && !strstr(txt, "_hidden="));
    free(txt);
    bool ok = rl_checkpoint_load(&ck, SCRATCH "/width-old", err, sizeof(err));
    if (!ok)
        fprintf(stderr, "old checkpoint: %s\n", err);
    CHECK(ok);
    if (ok) {
        CHECK(ck.cfg.net[RL_RICH].hidden == 6);
        CHECK(ck.cfg.net[RL_LAZY].hidden == 6);
        rl_checkpoint_destroy(&ck);
    }
}

int main(void)
{
    /* run refuses a non-empty output folder: start from none */
    if (system("rm -rf " SCRATCH) != 0)
        fprintf(stderr, "could not clear " SCRATCH "\n");
    test_set_dataset_checks_options();
    test_plain_flag_sets_both();
    test_run_equals_engine();
    test_checkpoint_every_optimizer();
    test_wrong_combinations_name_the_flag();
    test_metrics_columns();
    test_csv_regression();
    test_learnability_warning();
    test_step_threads_same_bytes();
    test_imbalance_sets_ratio();
    test_per_net_width();
    return check_summary("options");
}
