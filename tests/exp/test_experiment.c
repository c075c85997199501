/* test_experiment.c: the experiments engine: aggregates against the runs,
 * thread-count independence, shards and their merge, checkpoints that
 * continue exactly, and bad checkpoints. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "test_util.h"
#include "rl_checkpoint.h"
#include "rl_experiment.h"
#include "rl_metrics.h"
#include "rl_npy.h"
#include "rl_trainer.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#define SCRATCH(name) RL_TEST_BUILD_DIR "/experiment_scratch/" name

static char err[8192];

static void rm_rf(const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not clean %s\n", dir);
}

/* A small sweep: 3 lambdas x 5 runs x 300 steps, H = 40. */
static void small_sweep(struct rl_exp *e)
{
    memset(e, 0, sizeof(*e));
    e->kind = RL_EXP_SWEEP;
    e->cfg = rl_config_default;
    e->cfg.net[RL_RICH].hidden = e->cfg.net[RL_LAZY].hidden = 40;
    e->cfg.samples = 60;
    e->cfg.steps = 300;
    e->cfg.log_every = 7; /* 300 is not a multiple: the last step logs too */
    e->cfg.lr = 0.01;
    e->runs = 5;
    e->ncells = 3;
    e->nx = 3;
    e->ny = 1;
    const double lam[3] = {0.0, 0.25, 0.5};
    for (int i = 0; i < 3; i++)
        e->cells[i] = (struct rl_exp_cell){.init = 0.1, .lr = e->cfg.lr,
                                           .lambda = lam[i], .from_net = -1};
}

/* Run e (or one shard of it) and write CSVs or the shard file to dir. */
static bool run_to(const struct rl_exp *e, int shard, int count, int threads,
                   const char *dir)
{
    struct rl_exp_data d;
    struct rl_exp_results res;
    if (!rl_exp_data_init(&d, e, NULL, err, sizeof(err)))
        return false;
    bool ok = rl_exp_results_init(&res, e) &&
              rl_exp_run(e, &d, shard, count, threads, &res, NULL, NULL, err,
                         sizeof(err));
    mkdir(dir, 0777);
    if (ok)
        ok = count > 0 ? rl_exp_shard_write(e, &res, shard, count, dir, err,
                                            sizeof(err))
                       : rl_exp_write_csv(e, &res, dir, err, sizeof(err));
    rl_exp_results_destroy(&res);
    rl_exp_data_destroy(&d);
    return ok;
}

/* The CSV's mean and sd equal those of the individual runs, each trained
 * here again independently of the engine. */
static void test_sweep_csv_is_mean_sd_of_runs(void)
{
    static struct rl_exp e;
    small_sweep(&e);
    CHECK(run_to(&e, 0, 0, 2, SCRATCH("stats")));

    struct rl_data data;
    CHECK(rl_data_generate(&data, e.cfg.dataset, e.cfg.samples,
                           rl_config_noise(&e.cfg), e.cfg.seed));
    const long steps_checked[3] = {0, 147, 300};
    /* metric values [cell][run][checked step][loss, rel_w1, rel_w2] */
    double v[3][5][3][3];
    for (int c = 0; c < 3; c++) {
        for (int r = 0; r < 5; r++) {
            struct rl_net net;
            CHECK(rl_net_init(&net, e.cfg.net[e.net].hidden, 0));
            struct rl_rng rng;
            rl_rng_seed(&rng, e.cfg.seed, RL_STREAM_RUN_BASE + (uint64_t)r);
            rl_net_reset(&net, RL_ACT_LINEAR, 0.1,
                         1.0 / e.cfg.net[e.net].hidden, &rng);
            long step = 0;
            for (int k = 0; k < 3; k++) {
                while (step < steps_checked[k]) {
                    rl_net_step(&net, &data, e.cells[c].lr,
                                e.cells[c].lambda);
                    step++;
                }
                struct rl_metrics m;
                rl_metrics_compute(&net, &data, NULL, &m);
                v[c][r][k][0] = m.loss;
                v[c][r][k][1] = m.rel_w1;
                v[c][r][k][2] = m.rel_w2;
            }
            rl_net_destroy(&net);
        }
    }
    rl_data_destroy(&data);

    FILE *f = fopen(SCRATCH("stats/sweep.csv"), "r");
    CHECK(f != NULL);
    if (!f)
        return;
    char line[1024];
    CHECK(fgets(line, sizeof(line), f) != NULL);
    CHECK_CONTAINS(line, "lambda,step,loss_mean,loss_sd,rel_w1_mean");
    int rows = 0, matched = 0;
    while (fgets(line, sizeof(line), f)) {
        double lam, col[6];
        long step;
        if (sscanf(line, "%lf,%ld,%lf,%lf,%lf,%lf,%lf,%lf", &lam, &step,
                   &col[0], &col[1], &col[2], &col[3], &col[4],
                   &col[5]) != 8) {
            CHECK(!"malformed sweep.csv row");
            break;
        }
        rows++;
        int c = lam == 0.0 ? 0 : lam == 0.25 ? 1 : 2;
        for (int k = 0; k < 3; k++) {
            if (step != steps_checked[k])
                continue;
            matched++;
            for (int m = 0; m < 3; m++) {
                double mean = 0, ss = 0;
                for (int r = 0; r < 5; r++)
                    mean += v[c][r][k][m];
                mean /= 5;
                for (int r = 0; r < 5; r++)
                    ss += (v[c][r][k][m] - mean) * (v[c][r][k][m] - mean);
                double sd = sqrt(ss / 4);
                CHECK_NEAR(col[2 * m], mean, 1e-8 * fabs(mean) + 1e-300);
                CHECK_NEAR(col[2 * m + 1], sd, 1e-7 * fabs(sd) + 1e-12);
            }
        }
    }
    fclose(f);
    /* steps 0, 7, ..., 294 and 300, for each of 3 lambdas */
    CHECK(rows == 3 * (300 / 7 + 2));
    CHECK(matched == 9);

    /* the runs file: 15 rows of finals, equal to the recomputed ones */
    f = fopen(SCRATCH("stats/sweep_runs.csv"), "r");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK(fgets(line, sizeof(line), f) != NULL);
    CHECK_CONTAINS(line, "lambda,run,loss,rel_w1,rel_w2,diverged_step");
    int n = 0;
    while (fgets(line, sizeof(line), f)) {
        double lam, loss, r1, r2;
        int run;
        long div;
        CHECK(sscanf(line, "%lf,%d,%lf,%lf,%lf,%ld", &lam, &run, &loss, &r1,
                     &r2, &div) == 6);
        int c = n / 5;
        CHECK(run == n % 5);
        CHECK_NEAR(loss, v[c][run][2][0], 1e-8 * v[c][run][2][0]);
        CHECK_NEAR(r1, v[c][run][2][1], 1e-8 * v[c][run][2][1]);
        CHECK(div == -1);
        n++;
    }
    fclose(f);
    CHECK(n == 15);
}

static void test_thread_count_does_not_change_results(void)
{
    static struct rl_exp e;
    small_sweep(&e);
    CHECK(run_to(&e, 0, 0, 1, SCRATCH("t1")));
    CHECK(run_to(&e, 0, 0, 2, SCRATCH("t2")));
    CHECK(run_to(&e, 0, 0, 5, SCRATCH("t5")));
    CHECK(test_same_bytes(SCRATCH("t1/sweep.csv"), SCRATCH("t2/sweep.csv")));
    CHECK(test_same_bytes(SCRATCH("t1/sweep.csv"), SCRATCH("t5/sweep.csv")));
    CHECK(test_same_bytes(SCRATCH("t1/sweep_runs.csv"),
                     SCRATCH("t2/sweep_runs.csv")));
    /* shard files too */
    CHECK(run_to(&e, 2, 3, 1, SCRATCH("s1")));
    CHECK(run_to(&e, 2, 3, 2, SCRATCH("s2")));
    CHECK(test_same_bytes(SCRATCH("s1/sweep-shard-2-of-3.txt"),
                     SCRATCH("s2/sweep-shard-2-of-3.txt")));
}

static bool merge_to(char *const *paths, int n, const char *dir)
{
    static struct rl_exp e;
    struct rl_exp_results res;
    if (!rl_exp_shard_merge(paths, n, &e, &res, err, sizeof(err)))
        return false;
    mkdir(dir, 0777);
    bool ok = rl_exp_write_csv(&e, &res, dir, err, sizeof(err));
    rl_exp_results_destroy(&res);
    return ok;
}

static void test_shards_merge_to_unsharded_bytes(void)
{
    static struct rl_exp e;
    small_sweep(&e);
    /* one diverging cell, so NaNs travel through shards too */
    e.cells[2].init = 3.0;
    e.cells[2].lr = 0.5;
    CHECK(run_to(&e, 0, 0, 2, SCRATCH("whole")));
    for (int s = 1; s <= 4; s++)
        CHECK(run_to(&e, s, 4, 2, SCRATCH("parts")));
    char *dirs[] = {SCRATCH("parts")};
    CHECK(merge_to(dirs, 1, SCRATCH("merged")));
    CHECK(test_same_bytes(SCRATCH("whole/sweep.csv"), SCRATCH("merged/sweep.csv")));
    CHECK(test_same_bytes(SCRATCH("whole/sweep_runs.csv"),
                     SCRATCH("merged/sweep_runs.csv")));
    size_t len;
    char *runs = test_read_file(SCRATCH("whole/sweep_runs.csv"), &len);
    CHECK_CONTAINS(runs, "nan"); /* the diverged cell */
    free(runs);

    /* shards named as files, in any order */
    char *files[] = {SCRATCH("parts/sweep-shard-3-of-4.txt"),
                     SCRATCH("parts/sweep-shard-1-of-4.txt"),
                     SCRATCH("parts/sweep-shard-4-of-4.txt"),
                     SCRATCH("parts/sweep-shard-2-of-4.txt")};
    CHECK(merge_to(files, 4, SCRATCH("merged2")));
    CHECK(test_same_bytes(SCRATCH("whole/sweep.csv"),
                     SCRATCH("merged2/sweep.csv")));

    /* a missing shard is named */
    CHECK(!merge_to(files, 3, SCRATCH("merged3")));
    CHECK_CONTAINS(err, "runs missing");
    CHECK_CONTAINS(err, "shard 2 of 4");
    /* the same shard twice */
    char *twice[] = {files[0], files[0]};
    CHECK(!merge_to(twice, 2, SCRATCH("merged3")));
    CHECK_CONTAINS(err, "appears twice");
    /* shards of another experiment */
    e.runs = 4;
    CHECK(run_to(&e, 1, 4, 1, SCRATCH("other")));
    char *mixed[] = {files[0], SCRATCH("other/sweep-shard-1-of-4.txt")};
    CHECK(!merge_to(mixed, 2, SCRATCH("merged3")));
    CHECK_CONTAINS(err, "settings differ");
    CHECK_CONTAINS(err, "runs=");
    /* shards computed on another kind of machine (another kernel) */
    {
        size_t n;
        char *text = test_read_file(files[1], &n);
        char *k = text ? strstr(text, "kernel=") : NULL;
        CHECK(k != NULL);
        if (k) {
            char *eol = strchr(k, '\n');
            FILE *f = fopen(SCRATCH("parts/sweep-shard-1-of-4.txt"), "w");
            fprintf(f, "%.*skernel=elsewhere%s", (int)(k - text), text, eol);
            fclose(f);
            CHECK(!merge_to(files, 4, SCRATCH("merged4")));
            CHECK_CONTAINS(err, "kernel=elsewhere");
            CHECK_CONTAINS(err, "same kind of machine");
            f = fopen(SCRATCH("parts/sweep-shard-1-of-4.txt"), "w");
            fwrite(text, 1, n, f);
            fclose(f);
        }
        free(text);
    }
    /* not a shard */
    char *bad[] = {SCRATCH("whole/sweep.csv")};
    CHECK(!merge_to(bad, 1, SCRATCH("merged3")));
    CHECK_CONTAINS(err, "not a richlazy shard file");
    /* a folder without shards */
    char *empty[] = {SCRATCH("whole")};
    CHECK(!merge_to(empty, 1, SCRATCH("merged3")));
    CHECK_CONTAINS(err, "no shard files");
}

static void test_phase_marks_divergence(void)
{
    static struct rl_exp e;
    memset(&e, 0, sizeof(e));
    e.kind = RL_EXP_PHASE;
    e.cfg = rl_config_default;
    e.cfg.net[RL_RICH].hidden = e.cfg.net[RL_LAZY].hidden = 100;
    e.cfg.steps = 400;
    e.cfg.log_every = 400;
    e.runs = 2;
    e.nx = 3;
    e.ny = 2;
    e.ncells = 6;
    const double inits[3] = {0.001, 0.1, 3.0}; /* 3.0 diverges at lr 2e-3 */
    for (int y = 0; y < 2; y++)
        for (int x = 0; x < 3; x++)
            e.cells[y * 3 + x] = (struct rl_exp_cell){
                .init = inits[x], .lr = 2e-3, .lambda = y * 0.5,
                .from_net = -1};
    CHECK(run_to(&e, 0, 0, 2, SCRATCH("phase")));
    size_t len;
    char *csv = test_read_file(SCRATCH("phase/phase.csv"), &len);
    CHECK_CONTAINS(csv, "init,lr,lambda,rel_w1_mean,rel_w1_sd,loss_mean");
    /* the small init moves far more (rich) than 0.1; 3.0 diverged */
    struct rl_exp_data d;
    struct rl_exp_results res;
    CHECK(rl_exp_data_init(&d, &e, NULL, err, sizeof(err)));
    CHECK(rl_exp_results_init(&res, &e));
    CHECK(rl_exp_run(&e, &d, 0, 0, 2, &res, NULL, NULL, err, sizeof(err)));
    double rich, sd, lazy;
    rl_exp_cell_stats(&e, &res, 0, 1, RL_EXP_REL_W1, &rich, &sd);
    rl_exp_cell_stats(&e, &res, 1, 1, RL_EXP_REL_W1, &lazy, &sd);
    CHECK(rich > 10 * lazy);
    CHECK(rl_exp_cell_diverged(&e, &res, 2) == 2);
    CHECK(rl_exp_cell_diverged(&e, &res, 0) == 0);
    CHECK_CONTAINS(csv, ",2,2\n"); /* runs 2, diverged 2 */
    free(csv);
    rl_exp_results_destroy(&res);
    rl_exp_data_destroy(&d);
}

static struct rl_config ck_config(enum rl_activation act)
{
    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 60;
    cfg.samples = 80;
    cfg.act = act;
    cfg.lambda = 0.1;
    cfg.lr = act == RL_ACT_LINEAR ? 2e-3 : 0.05;
    cfg.seed = 7;
    cfg.dataset = act == RL_ACT_LINEAR ? RL_DATASET_BLOBS : RL_DATASET_XOR;
    return cfg;
}

static bool same_floats(const float *a, const float *b, int n)
{
    return memcmp(a, b, (size_t)n * sizeof(float)) == 0;
}

/* 2n steps equal n steps + save + load + n steps, bit for bit. */
static void test_checkpoint_continues_exactly(void)
{
    const enum rl_activation acts[2] = {RL_ACT_LINEAR, RL_ACT_RELU};
    for (int a = 0; a < 2; a++) {
        struct rl_config cfg = ck_config(acts[a]);
        struct rl_trainer whole, half, cont;
        CHECK(rl_trainer_init(&whole, &cfg, 64, err, sizeof(err)));
        CHECK(rl_trainer_init(&half, &cfg, 64, err, sizeof(err)));
        rl_trainer_step(&whole, 400);
        rl_trainer_step(&half, 200);
        CHECK(rl_checkpoint_save(SCRATCH("ck"), &half, err, sizeof(err)));
        struct rl_checkpoint ck;
        CHECK(rl_checkpoint_load(&ck, SCRATCH("ck"), err, sizeof(err)));
        CHECK(ck.step[RL_RICH] == 200 && ck.step[RL_LAZY] == 200);
        CHECK(ck.cfg.net[RL_RICH].hidden == 60 && ck.cfg.act == acts[a]);
        CHECK(rl_checkpoint_trainer_init(&cont, &ck, 64, err, sizeof(err)));
        rl_trainer_step(&cont, 200);
        for (int w = 0; w < RL_NETS; w++) {
            const struct rl_net *x = &whole.net[w], *y = &cont.net[w];
            CHECK(cont.step[w] == 400);
            CHECK(same_floats(x->w1, y->w1, 2 * x->h));
            CHECK(same_floats(x->w2, y->w2, x->h));
            CHECK(same_floats(x->w1_0, y->w1_0, 2 * x->h));
            CHECK(x->norm_w1_0 == y->norm_w1_0);
            CHECK(whole.last[w].rel_w1 == cont.last[w].rel_w1);
            CHECK(whole.last[w].loss == cont.last[w].loss);
        }
        rl_trainer_destroy(&whole);
        rl_trainer_destroy(&half);
        rl_trainer_destroy(&cont);
        rl_checkpoint_destroy(&ck);
    }
}

/* retrain with the checkpoint's own data and lambda continues the run:
 * each copy ends where the uninterrupted run ends. */
static void test_retrain_continues_the_run(void)
{
    struct rl_config cfg = ck_config(RL_ACT_LINEAR);
    struct rl_trainer whole, half;
    CHECK(rl_trainer_init(&whole, &cfg, 64, err, sizeof(err)));
    CHECK(rl_trainer_init(&half, &cfg, 64, err, sizeof(err)));
    rl_trainer_step(&whole, 300);
    rl_trainer_step(&half, 100);
    CHECK(rl_checkpoint_save(SCRATCH("ck2"), &half, err, sizeof(err)));
    struct rl_checkpoint ck;
    CHECK(rl_checkpoint_load(&ck, SCRATCH("ck2"), err, sizeof(err)));

    static struct rl_exp e;
    memset(&e, 0, sizeof(e));
    e.kind = RL_EXP_RETRAIN;
    e.cfg = ck.cfg;
    e.cfg.steps = 200;
    e.cfg.log_every = 50;
    e.runs = 3;
    e.resample = false;
    e.dataset2 = ck.cfg.dataset;
    e.samples2 = ck.cfg.samples;
    e.noise2 = ck.cfg.noise;
    e.seed2 = ck.cfg.seed;
    e.ncells = 2;
    e.nx = 2;
    e.ny = 1;
    for (int w = 0; w < 2; w++)
        e.cells[w] = (struct rl_exp_cell){.init = ck.cfg.net[w].init,
                                          .lr = ck.cfg.lr,
                                          .lambda = ck.cfg.lambda,
                                          .from_net = w};
    struct rl_exp_data d;
    struct rl_exp_results res;
    CHECK(rl_exp_data_init(&d, &e, &ck, err, sizeof(err)));
    CHECK(rl_exp_results_init(&res, &e));
    CHECK(rl_exp_run(&e, &d, 0, 0, 2, &res, NULL, NULL, err, sizeof(err)));
    for (int w = 0; w < 2; w++) {
        for (int r = 0; r < 3; r++) {
            int g = w * 3 + r;
            /* loss and rel_w1 at the end equal the uninterrupted run's */
            CHECK(*rl_exp_value(&res, g, 4, RL_EXP_LOSS) ==
                  whole.last[w].loss);
            CHECK(*rl_exp_value(&res, g, 4, RL_EXP_REL_W1) ==
                  whole.last[w].rel_w1);
            /* trained on the original data: both losses agree */
            CHECK(*rl_exp_value(&res, g, 4, RL_EXP_LOSS2) ==
                  whole.last[w].loss);
        }
        double mean, sd;
        rl_exp_cell_stats(&e, &res, w, 4, RL_EXP_LOSS, &mean, &sd);
        CHECK(sd == 0.0);
    }
    rl_exp_results_destroy(&res);
    rl_exp_data_destroy(&d);

    /* with a fresh draw per copy the copies differ, the original task
     * stays the one of the checkpoint */
    e.resample = true;
    e.cfg.lambda = 0.5;
    CHECK(rl_exp_data_init(&d, &e, &ck, err, sizeof(err)));
    CHECK(rl_exp_results_init(&res, &e));
    CHECK(rl_exp_run(&e, &d, 0, 0, 1, &res, NULL, NULL, err, sizeof(err)));
    double mean, sd;
    rl_exp_cell_stats(&e, &res, RL_LAZY, 4, RL_EXP_LOSS, &mean, &sd);
    CHECK(sd > 0.0);
    CHECK(isfinite(*rl_exp_value(&res, 0, 4, RL_EXP_LOSS2)));
    rl_exp_results_destroy(&res);
    rl_exp_data_destroy(&d);
    rl_trainer_destroy(&whole);
    rl_trainer_destroy(&half);
    rl_checkpoint_destroy(&ck);
}

static bool load_fails(const char *dir)
{
    struct rl_checkpoint ck;
    bool ok = rl_checkpoint_load(&ck, dir, err, sizeof(err));
    if (ok)
        rl_checkpoint_destroy(&ck);
    return !ok && ck.w1[0] == NULL;
}

static void test_bad_checkpoints(void)
{
    struct rl_config cfg = ck_config(RL_ACT_LINEAR);
    struct rl_trainer tr;
    CHECK(rl_trainer_init(&tr, &cfg, 64, err, sizeof(err)));
    CHECK(rl_checkpoint_save(SCRATCH("bad"), &tr, err, sizeof(err)));
    rl_trainer_destroy(&tr);
    char cmd[1024];

    CHECK(load_fails(SCRATCH("no_such_folder")));
    CHECK_CONTAINS(err, "not a checkpoint");
    CHECK_CONTAINS(err, "richlazy run --checkpoint");

    /* a missing settings file */
    rm_rf(SCRATCH("b1"));
    snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s' && rm '%s/checkpoint.txt'",
             SCRATCH("bad"), SCRATCH("b1"), SCRATCH("b1"));
    CHECK(system(cmd) == 0);
    CHECK(load_fails(SCRATCH("b1")));
    CHECK_CONTAINS(err, "checkpoint.txt");

    /* a missing weights file */
    rm_rf(SCRATCH("b2"));
    snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s' && rm '%s/lazy_w2.npy'",
             SCRATCH("bad"), SCRATCH("b2"), SCRATCH("b2"));
    CHECK(system(cmd) == 0);
    CHECK(load_fails(SCRATCH("b2")));
    CHECK_CONTAINS(err, "lazy_w2.npy");

    /* not .npy */
    rm_rf(SCRATCH("b3"));
    snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s'", SCRATCH("bad"),
             SCRATCH("b3"));
    CHECK(system(cmd) == 0);
    test_write_text(SCRATCH("b3/rich_w1.npy"), "x,y\n1,2\n");
    CHECK(load_fails(SCRATCH("b3")));
    CHECK_CONTAINS(err, "rich_w1.npy");

    /* the wrong shape */
    rm_rf(SCRATCH("b4"));
    snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s'", SCRATCH("bad"),
             SCRATCH("b4"));
    CHECK(system(cmd) == 0);
    float w[3 * 2] = {0};
    CHECK(rl_npy_write(SCRATCH("b4/rich_w1_init.npy"), w, 3, 2, err,
                       sizeof(err)));
    CHECK(load_fails(SCRATCH("b4")));
    CHECK_CONTAINS(err, "rich_w1_init.npy: shape (3, 2)");
    CHECK_CONTAINS(err, "hidden=60");

    /* weights of a diverged net */
    rm_rf(SCRATCH("b4n"));
    snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s'", SCRATCH("bad"),
             SCRATCH("b4n"));
    CHECK(system(cmd) == 0);
    float wn[60 * 2];
    for (int i = 0; i < 120; i++)
        wn[i] = i == 7 ? NAN : 0.1f;
    CHECK(rl_npy_write(SCRATCH("b4n/lazy_w1.npy"), wn, 60, 2, err,
                       sizeof(err)));
    CHECK(load_fails(SCRATCH("b4n")));
    CHECK_CONTAINS(err, "lazy_w1.npy: element 7 is NaN or infinite");

    /* a missing and a bad setting */
    rm_rf(SCRATCH("b5"));
    snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s' && grep -v '^lr=' "
             "'%s/checkpoint.txt' > '%s/c' && mv '%s/c' '%s/checkpoint.txt'",
             SCRATCH("bad"), SCRATCH("b5"), SCRATCH("b5"), SCRATCH("b5"),
             SCRATCH("b5"), SCRATCH("b5"));
    CHECK(system(cmd) == 0);
    CHECK(load_fails(SCRATCH("b5")));
    CHECK_CONTAINS(err, "setting 'lr' is missing");
    snprintf(cmd, sizeof(cmd), "echo 'lr=fast' >> '%s/checkpoint.txt'",
             SCRATCH("b5"));
    CHECK(system(cmd) == 0);
    CHECK(load_fails(SCRATCH("b5")));
    CHECK_CONTAINS(err, "lr expects a decimal number, got 'fast'");
}

int main(void)
{
    openblas_set_num_threads(1);
    rm_rf(SCRATCH(""));
    mkdir(RL_TEST_BUILD_DIR "/experiment_scratch", 0777);
    test_sweep_csv_is_mean_sd_of_runs();
    test_thread_count_does_not_change_results();
    test_shards_merge_to_unsharded_bytes();
    test_phase_marks_divergence();
    test_checkpoint_continues_exactly();
    test_retrain_continues_the_run();
    test_bad_checkpoints();
    return check_summary("experiment");
}
