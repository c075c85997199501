/* test_alloc_count.c: the allocation counter counts, and a steady-state
 * training step allocates nothing: rl_net_step on every activation and
 * path, and the trainer's pair step (which also logs metrics into the
 * history, past its capacity). Under sanitizers the counter reports -1
 * and the step checks are skipped with a note.
 */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "rl_alloc_count.h"
#include "rl_config.h"
#include "rl_data.h"
#include "rl_net.h"
#include "rl_rng.h"
#include "rl_trainer.h"

static bool counting;

static void test_counter_counts(void)
{
    long a0 = rl_alloc_count();
    if (a0 < 0) {
        printf("test_alloc_count: this build cannot count allocations "
               "(sanitizers own malloc); step checks skipped\n");
        return;
    }
    counting = true;
    void *volatile p = malloc(32);
    void *volatile q = calloc(4, 8);
    p = realloc(p, 4096);
    long a1 = rl_alloc_count();
    free(p);
    free(q);
    CHECK(a1 - a0 == 3);
}

/* steps of one net after a warm-up step; -1 on setup failure */
static long net_step_allocations(enum rl_activation act, bool plain,
                                 bool blas, long steps)
{
    const struct rl_config *c = &rl_config_default;
    struct rl_data d;
    struct rl_net net;
    if (!rl_data_generate(&d, RL_DATASET_BLOBS, 64, rl_config_noise(c),
                          c->seed))
        return -1;
    if (!rl_net_init(&net, 37, 64)) {
        rl_data_destroy(&d);
        return -1;
    }
    struct rl_rng rng;
    rl_rng_seed(&rng, c->seed, RL_STREAM_LAZY);
    rl_net_reset(&net, act, c->net[RL_LAZY].init, 1.0 / 37, &rng);
    net.force_plain = plain;
    net.force_blas = blas;
    rl_net_step(&net, &d, c->lr, 0.01);
    long a0 = rl_alloc_count();
    for (long i = 0; i < steps; i++)
        rl_net_step(&net, &d, c->lr, 0.01);
    long a = rl_alloc_count() - a0;
    rl_net_destroy(&net);
    rl_data_destroy(&d);
    return a;
}

static void test_net_step_allocates_nothing(void)
{
    if (!counting)
        return;
    const enum rl_activation acts[] = {RL_ACT_LINEAR, RL_ACT_RELU,
                                       RL_ACT_TANH};
    for (int i = 0; i < 3; i++) {
        /* the fast path (linear only; others fall back to fused) */
        CHECK(net_step_allocations(acts[i], false, false, 200) == 0);
        CHECK(net_step_allocations(acts[i], true, false, 200) == 0);
        CHECK(net_step_allocations(acts[i], true, true, 200) == 0);
    }
}

/* Steps with model options on every optimiser (some with mini-batches,
 * which draw a new order each epoch) allocate nothing either. */
static void test_net_options_step_allocates_nothing(void)
{
    if (!counting)
        return;
    const struct rl_net_opts opts[] = {
        {.bias = true, .bias_init = 0.5},
        {.batch_size = 10, .shuffle_seed = 1, .alpha = 2.0},
        {.momentum = 0.9, .loss = RL_LOSS_LOGISTIC, .param = RL_PARAM_NTK},
        {.momentum = 0.9, .nesterov = true, .batch_size = 7},
        {.optimizer = RL_OPT_ADAM, .loss = RL_LOSS_EXP, .bias = true},
        {.optimizer = RL_OPT_ADAMW, .batch_size = 32, .symmetric = true},
    };
    struct rl_data d;
    if (!rl_data_generate(&d, RL_DATASET_XOR, 64, 0.2, 1))
        return;
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
        for (int act = 0; act < RL_ACT_COUNT; act++) {
            struct rl_net net;
            if (!rl_net_init(&net, 38, d.n))
                continue;
            struct rl_rng rng;
            rl_rng_seed(&rng, 1, 1);
            rl_net_reset_opts(&net, (enum rl_activation)act, 0.5, 0.1,
                              &opts[i], &rng);
            rl_net_step(&net, &d, 0.01, 0.01);
            long a0 = rl_alloc_count();
            for (int s = 0; s < 100; s++)
                rl_net_step(&net, &d, 0.01, 0.01);
            CHECK(rl_alloc_count() - a0 == 0);
            rl_net_destroy(&net);
        }
    rl_data_destroy(&d);
}

static void test_trainer_pair_step_allocates_nothing(void)
{
    if (!counting)
        return;
    const enum rl_activation acts[] = {RL_ACT_LINEAR, RL_ACT_RELU};
    for (int i = 0; i < 2; i++) {
        struct rl_config cfg = rl_config_default;
        cfg.act = acts[i];
        cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 50;
        cfg.samples = 64;
        cfg.lambda = 0.01;
        struct rl_trainer tr;
        char err[256];
        CHECK(rl_trainer_init(&tr, &cfg, 256, err, sizeof(err)));
        rl_trainer_step(&tr, 1);
        long a0 = rl_alloc_count();
        /* more logged rows than the history holds: its thinning too */
        rl_trainer_step(&tr, 3000);
        long a = rl_alloc_count() - a0;
        CHECK(tr.step[RL_RICH] == 3001 && tr.step[RL_LAZY] == 3001);
        if (a != 0)
            printf("test_alloc_count: %s pair step: %ld allocations\n",
                   rl_activation_name(acts[i]), a);
        CHECK(a == 0);
        rl_trainer_destroy(&tr);
    }
}

int main(void)
{
    test_counter_counts();
    test_net_step_allocates_nothing();
    test_net_options_step_allocates_nothing();
    test_trainer_pair_step_allocates_nothing();
    return check_summary("alloc_count");
}
