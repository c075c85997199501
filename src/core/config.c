/* config.c: the defaults of every setting (the seed notebook's values). */
#include "rl_config.h"

#include <assert.h>

const struct rl_config rl_config_default = {
    .hidden = 500,
    .act = RL_ACT_LINEAR,
    .net = {[RL_RICH] = {.init = 0.001, .diagonal_scale = 0.03},
            [RL_LAZY] = {.init = 0.25, .diagonal_scale = 3.0}},
    .out_init = 0.0, /* 1/H */
    .lr = 2e-3,
    .lambda = 0.0,
    .seed = 1,
    .dataset = RL_DATASET_BLOBS,
    .data_path = NULL,
    .samples = 200,
    .noise = -1.0, /* the dataset's own default */
    .test_fraction = 0.0,
    .steps = 5000,
    .log_every = 1,
    .out_dir = NULL,
    .quiet = false,
    .frames_every = 0,
    .width = 1280,
    .height = 800,
    .script_path = NULL,
    .steps_per_frame = 0,
    .paused = false,
    .text_scale = 1.0,
    .presentation = false,
};

const char *rl_net_label(int which)
{
    assert(which == RL_RICH || which == RL_LAZY);
    return which == RL_RICH ? "rich" : "lazy";
}

double rl_config_out_init(const struct rl_config *cfg)
{
    return cfg->out_init > 0.0 ? cfg->out_init : 1.0 / cfg->hidden;
}

double rl_config_noise(const struct rl_config *cfg)
{
    if (cfg->noise >= 0.0)
        return cfg->noise;
    switch (cfg->dataset) {
    case RL_DATASET_BLOBS:
        return 0.5;
    case RL_DATASET_XOR:
        return 0.3;
    case RL_DATASET_CIRCLES:
        return 0.15;
    case RL_DATASET_SPIRAL:
        return 0.1;
    default:
        return 0.2;
    }
}
