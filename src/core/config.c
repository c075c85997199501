/* config.c: the defaults of every setting (the seed notebook's values). */
#include "rl_config.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>

const struct rl_config rl_config_default = {
    .act = RL_ACT_LINEAR,
    /* biases, when on, start at the scale of the net's own W1 (as a
     * weight on a constant input 1 would) */
    .net = {[RL_RICH] = {.hidden = 500, .init = 0.001,
                         .model = {.alpha = 1.0, .layer_ratio = 1.0,
                                   .bias_init = 0.001},
                         .imbalance = NAN, .diagonal_scale = 0.03},
            [RL_LAZY] = {.hidden = 500, .init = 0.25,
                         .model = {.alpha = 1.0, .layer_ratio = 1.0,
                                   .bias_init = 0.25},
                         .imbalance = NAN, .diagonal_scale = 3.0}},
    .out_init = 0.0, /* 1/H */
    .lr = 2e-3,
    .lambda = 0.0,
    .seed = 1,
    .dataset = RL_DATASET_BLOBS,
    .data_path = NULL,
    .samples = 200,
    .noise = -1.0, /* the dataset's own default */
    .test_fraction = 0.0,
    .labels = RL_LABELS_01,
    .task = RL_TASK_CLASSIFICATION,
    .teacher = {.units = RL_TEACHER_DEFAULT_UNITS},
    .steps = 5000,
    .log_every = 1,
    .out_dir = NULL,
    .quiet = false,
    .frames_every = 0,
    .width = 1280,
    .height = 800,
    .script_path = NULL,
    .threads = 1,
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

double rl_config_out_init(const struct rl_config *cfg, int which)
{
    assert(which == RL_RICH || which == RL_LAZY);
    return cfg->out_init > 0.0 ? cfg->out_init
                               : 1.0 / cfg->net[which].hidden;
}

int rl_config_max_hidden(const struct rl_config *cfg)
{
    int r = cfg->net[RL_RICH].hidden, l = cfg->net[RL_LAZY].hidden;
    return r > l ? r : l;
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
    case RL_DATASET_TEACHER:
        return 0.0; /* Chizat et al. 2019 Fig. 1: exact teacher targets */
    case RL_DATASET_WAVE:
    case RL_DATASET_RIDGE:
        return 0.05; /* on the targets, whose range is about 1 */
    default:
        return 0.2;
    }
}

bool rl_config_regression(const struct rl_config *cfg)
{
    return cfg->task == RL_TASK_REGRESSION ||
           (!cfg->data_path && rl_dataset_is_regression(cfg->dataset));
}

struct rl_net_opts rl_config_net_opts(const struct rl_config *cfg,
                                      int which)
{
    assert(which == RL_RICH || which == RL_LAZY);
    const struct rl_net_cfg *n = &cfg->net[which];
    struct rl_net_opts o = n->model;
    o.targets = rl_config_regression(cfg) ? RL_TARGETS_REAL
                : cfg->labels == RL_LABELS_PM1 ? RL_TARGETS_PM1
                                               : RL_TARGETS_01;
    /* the mini-batch order: its own seed per net, derived from the run's
     * seed unless the options give one */
    if (!o.shuffle_seed) {
        uint64_t stream = which == RL_RICH ? RL_STREAM_RICH : RL_STREAM_LAZY;
        o.shuffle_seed = rl_mix64(cfg->seed ^ rl_mix64(stream));
    }
    if (isfinite(n->imbalance))
        o.layer_ratio = rl_net_ratio_for_imbalance(
            n->init, rl_config_out_init(cfg, which), o.bias ? o.bias_init : 0.0,
            n->imbalance);
    return o;
}

bool rl_config_check(const struct rl_config *cfg, char *err, size_t errlen)
{
    if (cfg->labels == RL_LABELS_PM1 && rl_config_regression(cfg)) {
        snprintf(err, errlen, "--labels pm1 is for class labels, but the "
                 "task is regression (%s): drop --labels",
                 cfg->task == RL_TASK_REGRESSION
                     ? "--task regression"
                     : rl_dataset_name(cfg->dataset));
        return false;
    }
    for (int w = 0; w < RL_NETS; w++) {
        const char *label = rl_net_label(w);
        const struct rl_net_cfg *n = &cfg->net[w];
        if (isfinite(n->imbalance) && n->model.layer_ratio != 1.0) {
            snprintf(err, errlen, "--%s-layer-ratio and --%s-imbalance both "
                     "set the layer ratio: give one of them", label, label);
            return false;
        }
        struct rl_net_opts o = rl_config_net_opts(cfg, w);
        const struct rl_net_opts q = rl_config_net_opts(cfg, 1 - w);
        const int qh = cfg->net[1 - w].hidden;
        char why[200];
        /* the flag to name, in the order rl_net_opts_check tests, and
         * whether the other net has the same value (then the user most
         * likely gave --X for both: name that) */
        const char *flag = NULL;
        bool same = false;
        if (!rl_net_opts_check(&o, n->hidden, why, sizeof(why))) {
            flag = "options";
            if (o.symmetric && n->hidden % 2) {
                flag = "symmetric";
                same = q.symmetric && qh == n->hidden;
            } else if (o.targets == RL_TARGETS_REAL &&
                       o.loss != RL_LOSS_MSE) {
                flag = "loss";
                same = q.loss == o.loss;
            } else if (o.nesterov && !(o.momentum > 0.0)) {
                flag = "nesterov";
                same = q.nesterov && !(q.momentum > 0.0);
            }
        } else if (o.optimizer != RL_OPT_SGD &&
                   (o.momentum > 0.0 || o.nesterov)) {
            /* torch.optim.Adam has no momentum argument: its first
             * moment's decay is beta1 */
            flag = o.momentum > 0.0 ? "momentum" : "nesterov";
            snprintf(why, sizeof(why), "momentum and nesterov are SGD's; "
                     "%s keeps its own running average (beta1 0.9): drop "
                     "--%s or use --optimizer sgd",
                     o.optimizer == RL_OPT_ADAM ? "Adam" : "AdamW", flag);
            same = q.optimizer == o.optimizer && q.momentum == o.momentum &&
                   q.nesterov == o.nesterov;
        }
        if (flag) {
            if (same)
                snprintf(err, errlen, "--%s: %s", flag, why);
            else
                snprintf(err, errlen, "--%s-%s: %s", label, flag, why);
            return false;
        }
    }
    return true;
}
