/* test_trainer.c: the pair's stepping, resets, divergence and history. */
#include <cblas.h>

#include "check.h"
#include "rl_trainer.h"

static struct rl_config small_config(void)
{
    struct rl_config c = rl_config_default;
    c.net[RL_RICH].hidden = c.net[RL_LAZY].hidden = 50;
    c.samples = 60;
    return c;
}

static void test_init_logs_step_zero(void)
{
    struct rl_config c = small_config();
    struct rl_trainer tr;
    char err[256];
    CHECK(rl_trainer_init(&tr, &c, 64, err, sizeof(err)));
    for (int w = 0; w < RL_NETS; w++) {
        CHECK(tr.step[w] == 0);
        CHECK(tr.hist[w].n == 1);
        CHECK(tr.last[w].rel_w1 == 0.0);
        CHECK_NEAR(tr.net[w].init_w1, c.net[w].init, 0);
        CHECK_NEAR(tr.net[w].init_w2, 1.0 / 50, 1e-12);
    }
    CHECK(tr.train.n == 60);
    CHECK(tr.test.n == 0);
    rl_trainer_step(&tr, 10);
    CHECK(tr.step[RL_RICH] == 10 && tr.step[RL_LAZY] == 10);
    CHECK(tr.hist[RL_RICH].n == 11);
    rl_trainer_destroy(&tr);
}

static void test_restart_is_exact(void)
{
    struct rl_config c = small_config();
    struct rl_trainer tr;
    char err[256];
    CHECK(rl_trainer_init(&tr, &c, 64, err, sizeof(err)));
    float first[100];
    for (int i = 0; i < 100; i++)
        first[i] = tr.net[RL_LAZY].w1[i];
    rl_trainer_step(&tr, 100);
    CHECK(tr.last[RL_LAZY].rel_w1 > 0.0);
    rl_trainer_restart(&tr);
    int same = 1;
    for (int i = 0; i < 100; i++)
        same &= tr.net[RL_LAZY].w1[i] == first[i];
    CHECK(same);
    CHECK(tr.step[RL_LAZY] == 0);
    /* new seed: different weights */
    CHECK(rl_trainer_reseed(&tr, 99, err, sizeof(err)));
    int differ = 0;
    for (int i = 0; i < 100; i++)
        differ += tr.net[RL_LAZY].w1[i] != first[i];
    CHECK(differ > 90);
    rl_trainer_destroy(&tr);
}

static void test_divergence_pauses_only_that_net(void)
{
    struct rl_config c = small_config();
    c.net[RL_RICH].init = 5.0; /* a large init plus a huge lr blows up */
    struct rl_trainer tr;
    char err[256];
    CHECK(rl_trainer_init(&tr, &c, 64, err, sizeof(err)));
    tr.cfg.lr = 50.0;
    tr.paused[RL_LAZY] = true;
    rl_trainer_step(&tr, 200);
    CHECK(tr.diverged[RL_RICH]);
    CHECK(tr.diverged_lr[RL_RICH] == 50.0);
    CHECK(!tr.diverged[RL_LAZY]);
    CHECK(tr.step[RL_LAZY] == 0); /* paused */
    long at = tr.step[RL_RICH];
    tr.paused[RL_LAZY] = false;
    tr.cfg.lr = 1e-6; /* stable even for the large init */
    rl_trainer_step(&tr, 10);
    CHECK(tr.step[RL_RICH] == at); /* diverged nets stay put */
    CHECK(tr.step[RL_LAZY] == 10);
    rl_trainer_reset_net(&tr, RL_RICH);
    CHECK(!tr.diverged[RL_RICH]);
    rl_trainer_step(&tr, 10);
    CHECK(tr.step[RL_RICH] == 10);
    CHECK(isfinite(tr.last[RL_RICH].loss));
    rl_trainer_destroy(&tr);
}

/* The step reported for a divergence and the last metrics must not depend
 * on how often metrics are logged or how steps are chunked. */
static void test_divergence_step_independent_of_logging(void)
{
    long at[3];
    const long every[3] = {1, 100, 7};
    const long chunk[3] = {1, 50, 3};
    for (int i = 0; i < 3; i++) {
        struct rl_config c = small_config();
        c.net[RL_LAZY].init = 3.0;
        c.lr = 0.05;
        c.log_every = every[i];
        struct rl_trainer tr;
        char err[256];
        CHECK(rl_trainer_init(&tr, &c, 64, err, sizeof(err)));
        for (int k = 0; k < 40; k++)
            rl_trainer_step(&tr, chunk[i]);
        CHECK(tr.diverged[RL_LAZY]);
        at[i] = tr.diverged_step[RL_LAZY];
        CHECK(!isfinite(tr.last[RL_LAZY].loss));
        CHECK(rl_trainer_logged_now(&tr, RL_LAZY));
        rl_trainer_destroy(&tr);
    }
    CHECK(at[0] > 0);
    CHECK(at[0] == at[1]);
    CHECK(at[0] == at[2]);
}

static void test_test_split_tracked(void)
{
    struct rl_config c = small_config();
    c.test_fraction = 0.25;
    struct rl_trainer tr;
    char err[256];
    CHECK(rl_trainer_init(&tr, &c, 64, err, sizeof(err)));
    CHECK(tr.test.n == 15);
    CHECK(tr.train.n == 45);
    rl_trainer_step(&tr, 50);
    CHECK(isfinite(tr.last[RL_LAZY].test_loss));
    CHECK(tr.last[RL_LAZY].test_accuracy >= 0.0);
    rl_trainer_destroy(&tr);
}

static void test_switch_dataset_and_activation(void)
{
    struct rl_config c = small_config();
    struct rl_trainer tr;
    char err[256];
    CHECK(rl_trainer_init(&tr, &c, 64, err, sizeof(err)));
    rl_trainer_step(&tr, 20);
    CHECK(rl_trainer_set_dataset(&tr, RL_DATASET_SPIRAL, err, sizeof(err)));
    CHECK(tr.cfg.dataset == RL_DATASET_SPIRAL);
    CHECK(tr.step[RL_RICH] == 0);
    /* a linear trainer holds no (n, h) scratch; the switch allocates it */
    CHECK(tr.cfg.act != RL_ACT_LINEAR || tr.net[RL_RICH].cap_n == 0);
    CHECK(rl_trainer_set_activation(&tr, RL_ACT_TANH));
    CHECK(tr.net[RL_RICH].act == RL_ACT_TANH);
    CHECK(tr.net[RL_RICH].cap_n >= tr.train.n);
    rl_trainer_step(&tr, 20);
    CHECK(tr.step[RL_LAZY] == 20);
    rl_trainer_destroy(&tr);
}

static void test_bad_data_file_fails_cleanly(void)
{
    struct rl_config c = small_config();
    c.data_path = "/nonexistent/file.csv";
    struct rl_trainer tr;
    char err[256] = "";
    CHECK(!rl_trainer_init(&tr, &c, 64, err, sizeof(err)));
    CHECK_CONTAINS(err, "/nonexistent/file.csv");
}

int main(void)
{
    openblas_set_num_threads(1);
    test_init_logs_step_zero();
    test_restart_is_exact();
    test_divergence_pauses_only_that_net();
    test_divergence_step_independent_of_logging();
    test_test_split_tracked();
    test_switch_dataset_and_activation();
    test_bad_data_file_fails_cleanly();
    return check_summary("trainer");
}
