/* settings.c: the settings table, the value reader and the quoting of file
 * content (see rl_settings.h). */
#include "rl_settings.h"

#include <assert.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl_config.h"

/* enum rows are read and written as int */
_Static_assert(sizeof(enum rl_dataset) == sizeof(int), "enum size");
_Static_assert(sizeof(enum rl_activation) == sizeof(int), "enum size");
_Static_assert(sizeof(enum rl_param) == sizeof(int), "enum size");
_Static_assert(sizeof(enum rl_loss) == sizeof(int), "enum size");
_Static_assert(sizeof(enum rl_optimizer) == sizeof(int), "enum size");
_Static_assert(sizeof(enum rl_labels) == sizeof(int), "enum size");
_Static_assert(sizeof(enum rl_task) == sizeof(int), "enum size");
_Static_assert(sizeof(enum rl_teacher_inputs) == sizeof(int), "enum size");
_Static_assert(sizeof(enum rl_teacher_dirs) == sizeof(int), "enum size");
_Static_assert(sizeof(enum rl_teacher_signs) == sizeof(int), "enum size");

#define SHARED(field) .where = RL_IN_CONFIG, \
                      .offset = offsetof(struct rl_config, field)
#define PER_NET(field) .where = RL_IN_NET, \
                       .offset = offsetof(struct rl_net_cfg, field)
#define LOCAL .where = RL_IN_COMMAND
/* commands that build their nets through the trainer, so every model and
 * data option reaches them */
#define LIVE (RL_CMD_RUN | RL_CMD_WINDOW)

/* commands that train nets from settings */
#define TRAIN (RL_CMD_RUN | RL_CMD_WINDOW | RL_CMD_SWEEP | RL_CMD_PHASE)
#define EXP (RL_CMD_SWEEP | RL_CMD_PHASE | RL_CMD_RETRAIN)

static const char *const dataset_names[] = {"blobs", "xor", "circles",
                                            "spiral", "teacher", "wave", "ridge",
                                            NULL};
static const char *const activation_names[] = {"linear", "relu", "tanh",
                                               NULL};
/* in the order of the enums of rl_net.h, rl_config.h and rl_teacher.h */
static const char *const param_names[] = {"standard", "ntk", "mf", NULL};
static const char *const loss_names[] = {"mse", "logistic", "exp", NULL};
static const char *const optimizer_names[] = {"sgd", "adam", "adamw", NULL};
static const char *const labels_names[] = {"01", "pm1", NULL};
static const char *const task_names[] = {"classification", "regression",
                                         NULL};
static const char *const teacher_inputs_names[] = {"circle", "gaussian",
                                                   NULL};
static const char *const teacher_dirs_names[] = {"random", "even", NULL};
static const char *const teacher_signs_names[] = {"random", "alternate",
                                                  "positive", NULL};
static const char *const arch_names[] = {"two-layer", "diagonal", NULL};
_Static_assert(sizeof(enum rl_arch) == sizeof(int), "enum size");

/* One row per setting (see rl_settings.h for the fields and how to add
 * one). Fields left out are 0, false or NULL: no range, no unit, not in
 * files, not recorded. */
const struct rl_setting rl_settings[] = {
    /* the headless run */
    {.name = "steps", .type = RL_SET_LONG, SHARED(steps), .metavar = "N",
     .unit = "steps", .help = "training steps", .max = 1e15,
     .commands = RL_CMD_RUN | EXP, .in_file = true},
    {.name = "out", .type = RL_SET_STRING, SHARED(out_dir), .metavar = "DIR",
     .help = "output folder (default: richlazy-run-DATE-TIME in the current "
             "folder)",
     .commands = RL_CMD_RUN | RL_CMD_WINDOW | EXP | RL_CMD_MERGE},
    /* the data (and every random draw) */
    {.name = "seed", .type = RL_SET_U64, SHARED(seed), .metavar = "N",
     .help = "random seed (data and weights)",
     .commands = TRAIN | RL_CMD_RETRAIN, .in_file = true, .recorded = true},
    {.name = "dataset", .type = RL_SET_ENUM, SHARED(dataset),
     .metavar = "NAME", .help = "built-in data (the last three regression): blobs, xor, "
             "circles, spiral, teacher, wave, ridge",
     .choices = dataset_names, .commands = TRAIN | RL_CMD_RETRAIN,
     .in_file = true, .recorded = true},
    {.name = "data", .type = RL_SET_STRING, SHARED(data_path),
     .metavar = "FILE.csv",
     .help = "train on rows x,y,label from a CSV file instead",
     .commands = TRAIN | RL_CMD_RETRAIN, .in_file = true, .recorded = true},
    {.name = "samples", .type = RL_SET_INT, SHARED(samples), .metavar = "N",
     .unit = "samples", .help = "samples of built-in data", .min = 2,
     .max = 50000000, .commands = TRAIN | RL_CMD_RETRAIN, .in_file = true,
     .recorded = true},
    {.name = "noise", .type = RL_SET_DOUBLE, SHARED(noise), .metavar = "X",
     .help = "std dev of built-in data noise", .max = 100,
     .default_text = "per dataset, blobs 0.5",
     .commands = TRAIN | RL_CMD_RETRAIN, .in_file = true, .recorded = true},
    {.name = "test-split", .type = RL_SET_DOUBLE, SHARED(test_fraction),
     .metavar = "F", .help = "hold out this fraction as a test set (0: none)",
     .max = 0.95, .commands = RL_CMD_RUN | RL_CMD_WINDOW, .in_file = true,
     .recorded = true},
    {.name = "labels", .type = RL_SET_ENUM, SHARED(labels), .metavar = "KIND",
     .help = "the classes' targets (0 and 1, or -1 and +1): 01, pm1",
     .choices = labels_names, .commands = LIVE, .in_file = true,
     .recorded = true},
    {.name = "task", .type = RL_SET_ENUM, SHARED(task), .metavar = "KIND",
     .help = "regression fits real targets (a CSV's third column any real; "
             "teacher, wave and ridge always): classification, regression",
     .choices = task_names, .commands = LIVE, .in_file = true,
     .recorded = true},
    {.name = "teacher-units", .type = RL_SET_INT, SHARED(teacher.units),
     .metavar = "K", .unit = "units",
     .help = "ReLU units of the teacher (--dataset teacher)", .min = 1,
     .max = RL_TEACHER_MAX_UNITS, .commands = LIVE, .in_file = true,
     .recorded = true},
    {.name = "teacher-inputs", .type = RL_SET_ENUM, SHARED(teacher.inputs),
     .metavar = "KIND",
     .help = "teacher inputs, uniform on the unit circle or N(0, I): "
             "circle, gaussian",
     .choices = teacher_inputs_names, .commands = LIVE, .in_file = true,
     .recorded = true},
    {.name = "teacher-directions", .type = RL_SET_ENUM, SHARED(teacher.dirs),
     .metavar = "KIND",
     .help = "teacher unit directions, seeded angles or evenly spaced: "
             "random, even",
     .choices = teacher_dirs_names, .commands = LIVE, .in_file = true,
     .recorded = true},
    {.name = "teacher-signs", .type = RL_SET_ENUM, SHARED(teacher.signs),
     .metavar = "KIND",
     .help = "teacher output weights, random +-1, alternating or all +1: "
             "random, alternate, positive",
     .choices = teacher_signs_names, .commands = LIVE, .in_file = true,
     .recorded = true},
    /* the networks */
    {.name = "model", .type = RL_SET_ENUM, SHARED(arch), .metavar = "NAME",
     .help = "two-layer (the notebook's net) or diagonal (the diagonal linear "
             "net of Woodworth et al. 2020, f = sum (u_i^2 - v_i^2) x_i)",
     .choices = arch_names, .commands = LIVE},
    {.name = "diagonal-scale", .type = RL_SET_DOUBLE,
     PER_NET(diagonal_scale), .metavar = "X",
     .help = "with --model diagonal: initial u = v = X (small: rich, "
             "large: lazy)",
     .max = 1e6, .min_exclusive = true,
     .default_text = "rich 0.03, lazy 3", .commands = LIVE},
    {.name = "activation", .type = RL_SET_ENUM, SHARED(act), .metavar = "NAME",
     .help = "hidden activation: linear, relu, tanh",
     .choices = activation_names, .commands = TRAIN, .in_file = true,
     .recorded = true},
    {.name = "hidden", .type = RL_SET_INT, PER_NET(hidden), .metavar = "H",
     .unit = "units", .help = "hidden units (width)", .min = 1, .max = 10000000,
     .default_text = "500",
     .commands = TRAIN, .in_file = true, .recorded = true},
    {.name = "lr", .type = RL_SET_DOUBLE, SHARED(lr), .metavar = "X",
     .help = "learning rate", .max = 1e6, .min_exclusive = true,
     .commands = TRAIN | RL_CMD_RETRAIN, .in_file = true, .recorded = true},
    {.name = "lambda", .type = RL_SET_DOUBLE, SHARED(lambda), .metavar = "X",
     .help = "weight decay, as torch.optim.SGD(weight_decay=X)", .max = 1e6,
     .commands = RL_CMD_RUN | RL_CMD_WINDOW | RL_CMD_PHASE | RL_CMD_RETRAIN,
     .in_file = true, .recorded = true},
    {.name = "init", .type = RL_SET_DOUBLE, PER_NET(init), .metavar = "X",
     .help = "std dev of the input->hidden weights W1", .max = 1e6,
     .min_exclusive = true,
     .commands = RL_CMD_RUN | RL_CMD_WINDOW | RL_CMD_SWEEP | RL_CMD_PHASE,
     .in_file = true,
     .recorded = true},
    {.name = "out-init", .type = RL_SET_DOUBLE, SHARED(out_init),
     .metavar = "X", .help = "std dev of hidden->output weights W2",
     .max = 1e6, .min_exclusive = true, .default_text = "1/H",
     .commands = TRAIN, .in_file = true, .recorded = true},
    /* the model options of each net (rl_net.h, docs/theory.md "Model
     * options"); the defaults are the seed's net and full-batch GD */
    {.name = "bias", .type = RL_SET_FLAG, PER_NET(model.bias),
     .help = "a bias on every hidden unit and on the output, as "
             "nn.Linear(bias=True), decayed like the weights",
     .commands = LIVE, .in_file = true,
     .recorded = true},
    {.name = "bias-init", .type = RL_SET_DOUBLE, PER_NET(model.bias_init),
     .metavar = "X", .help = "std dev of the initial biases (0: start at 0)",
     .max = 1e6, .commands = LIVE, .in_file = true,
     .recorded = true},
    {.name = "alpha", .type = RL_SET_DOUBLE, PER_NET(model.alpha),
     .metavar = "X",
     .help = "output scale: the net is alpha f, trained on the loss / "
             "alpha^2 (Chizat et al. 2019)",
     .max = 1e6, .min_exclusive = true, .commands = LIVE, .in_file = true,
     .recorded = true},
    {.name = "symmetric", .type = RL_SET_FLAG, PER_NET(model.symmetric),
     .help = "units in pairs with equal input and opposite output weights: "
             "output 0 at init (even --hidden)",
     .commands = LIVE, .in_file = true,
     .recorded = true},
    {.name = "layer-ratio", .type = RL_SET_DOUBLE, PER_NET(model.layer_ratio),
     .metavar = "R",
     .help = "draw W1 (and b1) at R x its scale and W2 at its scale / R "
             "(Kunin et al. 2024)",
     .max = 1e6, .min_exclusive = true, .commands = LIVE, .in_file = true,
     .recorded = true},
    {.name = "imbalance", .type = RL_SET_DOUBLE, PER_NET(imbalance),
     .metavar = "D",
     .help = "the layer ratio whose draw has mean imbalance D = w2_j^2 - "
             "|w1_j|^2 - b1_j^2 (instead of --layer-ratio)",
     .min = -1e6, .max = 1e6, .default_text = "none",
     .commands = LIVE},
    {.name = "param", .type = RL_SET_ENUM, PER_NET(model.param),
     .metavar = "KIND",
     .help = "parametrization, output times 1, 1/sqrt(H) or 1/H (mean "
             "field): standard, ntk, mf",
     .choices = param_names, .commands = LIVE, .in_file = true,
     .recorded = true},
    {.name = "loss", .type = RL_SET_ENUM, PER_NET(model.loss),
     .metavar = "KIND",
     .help = "loss (logistic as BCEWithLogitsLoss on 0/1 labels, exp as "
             "exp(-y f)): mse, logistic, exp",
     .choices = loss_names, .commands = LIVE, .in_file = true,
     .recorded = true},
    {.name = "optimizer", .type = RL_SET_ENUM, PER_NET(model.optimizer),
     .metavar = "KIND",
     .help = "as torch.optim, --lambda their weight decay (sgd without "
             "momentum and with --batch-size 0 is plain GD): sgd, adam, "
             "adamw",
     .choices = optimizer_names, .commands = LIVE, .in_file = true,
     .recorded = true},
    {.name = "momentum", .type = RL_SET_DOUBLE, PER_NET(model.momentum),
     .metavar = "X",
     .help = "SGD momentum, as torch.optim.SGD (sgd only: Adam and AdamW "
             "refuse it)",
     .max = 1, .max_exclusive = true, .commands = LIVE, .in_file = true,
     .recorded = true},
    {.name = "nesterov", .type = RL_SET_FLAG, PER_NET(model.nesterov),
     .help = "Nesterov momentum, as torch.optim.SGD(nesterov=True)",
     .commands = LIVE, .in_file = true,
     .recorded = true},
    {.name = "batch-size", .type = RL_SET_INT, PER_NET(model.batch_size),
     .metavar = "B", .unit = "samples",
     .help = "mini-batch size, a seeded shuffle per epoch (0: full batch)",
     .max = 50000000, .commands = LIVE, .in_file = true,
     .recorded = true},
    {.name = "step-threads", .type = RL_SET_INT, SHARED(threads),
     .metavar = "N", .unit = "threads",
     .help = "threads inside each step of a relu or linear net of the "
             "notebook's form (same bits as 1; worth it from H of a few "
             "thousand)",
     .min = 1, .max = 2, .commands = LIVE},
    {.name = "log-every", .type = RL_SET_LONG, SHARED(log_every),
     .metavar = "K", .unit = "steps",
     .help = "write a metrics row every K steps (and the last step)", .min = 1,
     .max = 1e15, .commands = RL_CMD_RUN | RL_CMD_SWEEP | RL_CMD_RETRAIN,
     .in_file = true},
    {.name = "imbalance-columns", .type = RL_SET_FLAG,
     SHARED(imbalance_columns),
     .help = "metrics.csv gains the mean and sd of the imbalance delta_j "
             "(also with --imbalance, --layer-ratio or --symmetric)",
     .commands = RL_CMD_RUN},
    {.name = "checkpoint", .type = RL_SET_STRING, SHARED(checkpoint_dir),
     .metavar = "DIR",
     .help = "save both nets and their settings here at the end (see retrain)",
     .commands = RL_CMD_RUN | RL_CMD_WINDOW},
    {.name = "append", .type = RL_SET_FLAG, SHARED(append),
     .help = "write into an output folder that is not empty (files of the "
             "same name are replaced, each whole; shards always may); "
             "without it such a folder is refused",
     .commands = RL_CMD_RUN | EXP},
    {.name = "quiet", .type = RL_SET_FLAG, SHARED(quiet),
     .help = "print nothing but errors",
     .commands = RL_CMD_RUN | EXP | RL_CMD_MERGE},
    /* pictures */
    {.name = "frames-every", .type = RL_SET_LONG, SHARED(frames_every),
     .metavar = "K", .unit = "steps",
     .help = "render a PNG frame every K steps into OUT/frames (0: none)",
     .max = 1e15, .commands = RL_CMD_RUN, .in_file = true},
    {.name = "video", .type = RL_SET_FLAG, SHARED(video),
     .help = "recorded frames also to an MP4 through ffmpeg (when on the "
             "PATH)",
     .commands = RL_CMD_RUN | RL_CMD_WINDOW},
    {.name = "width", .type = RL_SET_INT, SHARED(width), .metavar = "W",
     .unit = "pixels", .help = "width of the window and of rendered frames", .min = 16,
     .max = 16384, .commands = RL_CMD_RUN | RL_CMD_WINDOW, .in_file = true},
    {.name = "height", .type = RL_SET_INT, SHARED(height), .metavar = "H",
     .unit = "pixels", .help = "height of the window and of rendered frames", .min = 16,
     .max = 16384, .commands = RL_CMD_RUN | RL_CMD_WINDOW, .in_file = true},
    {.name = "steps-per-frame", .type = RL_SET_LONG, SHARED(steps_per_frame),
     .metavar = "N", .unit = "steps",
     .help = "training steps per frame (0: 1, so the rich net's escape "
             "takes about 10 s)",
     .max = 1 << 20, .commands = RL_CMD_WINDOW},
    {.name = "paused", .type = RL_SET_FLAG, SHARED(paused),
     .help = "open paused (Space starts)", .commands = RL_CMD_WINDOW},
    {.name = "text-scale", .type = RL_SET_DOUBLE, SHARED(text_scale),
     .metavar = "X", .help = "text size factor (keys [ and ])", .min = 0.5,
     .max = 3, .commands = RL_CMD_WINDOW},
    {.name = "presentation", .type = RL_SET_FLAG, SHARED(presentation),
     .help = "hide selection, key hints and fps (key p)",
     .commands = RL_CMD_WINDOW},
    {.name = "script", .type = RL_SET_STRING, SHARED(script_path),
     .metavar = "FILE",
     .help = "scripted key presses, lines 'FRAME KEY' (see README)",
     .commands = RL_CMD_RUN | RL_CMD_WINDOW},
    {.name = "config", .type = RL_SET_STRING, SHARED(scenario),
     .metavar = "FILE",
     .help = "read settings (and a key script) from a scenario file; flags "
             "override it; a bare NAME finds a shipped one",
     .commands = TRAIN | RL_CMD_RETRAIN},
    /* the window's own */
    {.name = "state-dump", .type = RL_SET_STRING, LOCAL, .metavar = "FILE",
     .help = "on quit, write the app state as key=value lines (tests)",
     .commands = RL_CMD_WINDOW},
    {.name = "frame-dump", .type = RL_SET_STRING, LOCAL, .metavar = "FILE.png",
     .help = "on quit, write the last frame as PNG (tests)",
     .commands = RL_CMD_WINDOW},
    {.name = "max-frames", .type = RL_SET_LONG, LOCAL, .metavar = "N",
     .unit = "frames", .help = "quit after N frames (0: never)", .max = 1e15,
     .commands = RL_CMD_WINDOW},
    {.name = "from", .type = RL_SET_STRING, LOCAL, .metavar = "CHECKPOINT",
     .help = "start from a checkpoint (richlazy run --checkpoint DIR)",
     .commands = RL_CMD_WINDOW | RL_CMD_RETRAIN},
    {.name = "preset", .type = RL_SET_STRING, LOCAL, .metavar = "NAME",
     .help = "start from the live pair of a reproduce preset (richlazy "
             "reproduce --list); other flags override its settings",
     .commands = RL_CMD_WINDOW},
    {.name = "record-every", .type = RL_SET_LONG, LOCAL, .metavar = "K",
     .unit = "steps",
     .help = "recording (key c) keeps a frame every K training steps (0: "
             "every frame)",
     .max = 1e15, .commands = RL_CMD_WINDOW},
    /* the experiments' own */
    {.name = "lambdas", .type = RL_SET_STRING, LOCAL, .metavar = "LIST",
     .help = "comma-separated weight decays",
     .commands = RL_CMD_SWEEP | RL_CMD_PHASE},
    {.name = "x", .type = RL_SET_STRING, LOCAL, .metavar = "NAME",
     .help = "the numeric setting along the x axis (per-net ones also as "
             "rich-NAME or lazy-NAME)",
     .commands = RL_CMD_SWEEP | RL_CMD_PHASE},
    {.name = "xs", .type = RL_SET_STRING, LOCAL, .metavar = "LIST",
     .help = "comma-separated values of the x axis's setting",
     .commands = RL_CMD_SWEEP | RL_CMD_PHASE},
    {.name = "y", .type = RL_SET_STRING, LOCAL, .metavar = "NAME",
     .help = "the numeric setting along the y axis (default lambda, or lr "
             "with --lrs)",
     .commands = RL_CMD_PHASE},
    {.name = "ys", .type = RL_SET_STRING, LOCAL, .metavar = "LIST",
     .help = "comma-separated values of the y axis's setting",
     .commands = RL_CMD_PHASE},
    {.name = "lrs", .type = RL_SET_STRING, LOCAL, .metavar = "LIST",
     .help = "learning rates as the y axis instead (with --lambda fixed)",
     .commands = RL_CMD_PHASE},
    {.name = "inits", .type = RL_SET_INT, LOCAL, .metavar = "N",
     .help = "init scales, log-spaced from --init-min to --init-max", .min = 1,
     .max = 1024, .commands = RL_CMD_PHASE},
    {.name = "init-min", .type = RL_SET_DOUBLE, LOCAL, .metavar = "X",
     .help = "smallest W1 std dev", .max = 1e6, .min_exclusive = true,
     .commands = RL_CMD_PHASE},
    {.name = "init-max", .type = RL_SET_DOUBLE, LOCAL, .metavar = "X",
     .help = "largest W1 std dev", .max = 1e6, .min_exclusive = true,
     .commands = RL_CMD_PHASE},
    {.name = "runs", .type = RL_SET_INT, LOCAL, .metavar = "N", .unit = "runs",
     .help = "runs per cell", .min = 1, .max = 100000, .commands = EXP},
    {.name = "same-data", .type = RL_SET_FLAG, LOCAL,
     .help = "every copy trains on the same data (default: each its own "
             "draw, or a bootstrap resample of --data)",
     .commands = RL_CMD_RETRAIN},
    {.name = "threads", .type = RL_SET_INT, LOCAL, .metavar = "N",
     .unit = "threads", .help = "worker threads (0: one per online core)",
     .max = 256, .commands = EXP},
    {.name = "shard", .type = RL_SET_STRING, LOCAL, .metavar = "I/N",
     .help = "run only the I-th of N slices of the runs (I = 1..N) and write "
             "a shard file; combine with richlazy merge",
     .commands = EXP},
    /* the benchmarks' own */
    {.name = "quick", .type = RL_SET_FLAG, LOCAL,
     .help = "short, few repeats: a smoke test, figures rough",
     .commands = RL_CMD_BENCH},
    {.name = "repeats", .type = RL_SET_INT, LOCAL, .metavar = "N",
     .help = "timed repeats per figure (the median is shown); 0: 7, quick 2",
     .max = 63, .commands = RL_CMD_BENCH},
    {.name = "no-torch", .type = RL_SET_FLAG, LOCAL,
     .help = "do not run the PyTorch side", .commands = RL_CMD_BENCH},
    {.name = "torch-script", .type = RL_SET_STRING, LOCAL, .metavar = "PATH",
     .help = "the PyTorch script (default: bench/torch_bench.py in the "
             "source tree)",
     .commands = RL_CMD_BENCH},
};
const int rl_settings_count =
    (int)(sizeof(rl_settings) / sizeof(rl_settings[0]));

const struct rl_setting *rl_setting_find(const char *name)
{
    for (int i = 0; i < rl_settings_count; i++)
        if (!strcmp(rl_settings[i].name, name))
            return &rl_settings[i];
    return NULL;
}

const char *rl_cmd_name(unsigned cmd)
{
    static const char *const names[RL_CMD_COUNT] = {
        "run", "window", "sweep", "phase", "retrain", "merge", "bench"};
    for (int i = 0; i < RL_CMD_COUNT; i++)
        if (cmd == 1u << i)
            return names[i];
    return "?";
}

void *rl_setting_ptr(const struct rl_setting *s, void *cfg, int net)
{
    struct rl_config *c = cfg;
    switch (s->where) {
    case RL_IN_CONFIG:
        return (char *)c + s->offset;
    case RL_IN_NET:
        assert(net == RL_RICH || net == RL_LAZY);
        return (char *)&c->net[net] + s->offset;
    case RL_IN_COMMAND:
        break;
    }
    assert(!"a command's own setting has no place in rl_config");
    return NULL;
}

const void *rl_setting_cptr(const struct rl_setting *s, const void *cfg,
                            int net)
{
    return rl_setting_ptr(s, (void *)cfg, net);
}

void rl_setting_key(const struct rl_setting *s, int net, char *buf,
                    size_t len)
{
    if (s->where == RL_IN_NET && net >= 0)
        snprintf(buf, len, "%s_%s", rl_net_label(net), s->name);
    else
        snprintf(buf, len, "%s", s->name);
    for (char *p = buf; *p; p++)
        if (*p == '-')
            *p = '_';
}

/* ---- numbers ---- */

/* Does s match [+-]?(D+(.D*)?|.D+)([eE][+-]?D+)? exactly? */
static bool is_decimal(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    int digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
    }
    if (!digits)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

enum rl_num_result rl_parse_double(const char *s, double *v)
{
    if (!is_decimal(s))
        return RL_NUM_NOT_NUMBER;
    errno = 0;
    double d = strtod(s, NULL);
    if (!isfinite(d))
        return RL_NUM_TOO_LARGE;
    if (d != 0.0 && fabs(d) < FLT_MIN)
        return RL_NUM_TOO_SMALL;
    if (d == 0.0) {
        /* "1e-999" is a nonzero number that underflowed */
        for (const char *p = s; *p && *p != 'e' && *p != 'E'; p++)
            if (*p >= '1' && *p <= '9')
                return RL_NUM_TOO_SMALL;
    }
    *v = d;
    return RL_NUM_OK;
}

enum rl_num_result rl_parse_long(const char *s, long lo, long hi, long *v)
{
    if (!is_decimal(s))
        return RL_NUM_NOT_NUMBER;
    bool plain = true;
    for (const char *p = s + (*s == '-' || *s == '+'); *p; p++)
        plain &= *p >= '0' && *p <= '9';
    if (plain) {
        errno = 0;
        long long x = strtoll(s, NULL, 10);
        if (errno == ERANGE || x < lo || x > hi)
            return RL_NUM_TOO_LARGE;
        *v = (long)x;
        return RL_NUM_OK;
    }
    /* exponent or point form: a whole value, exactly */
    double d = strtod(s, NULL);
    if (!isfinite(d) || d != floor(d))
        return isfinite(d) ? RL_NUM_NOT_NUMBER : RL_NUM_TOO_LARGE;
    if (d < (double)lo || d > (double)hi)
        return RL_NUM_TOO_LARGE;
    *v = (long)d;
    return RL_NUM_OK;
}

enum rl_num_result rl_parse_u64(const char *s, uint64_t *v)
{
    if (!*s)
        return RL_NUM_NOT_NUMBER;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return RL_NUM_NOT_NUMBER;
    errno = 0;
    unsigned long long u = strtoull(s, NULL, 10);
    if (errno == ERANGE)
        return RL_NUM_TOO_LARGE;
    *v = (uint64_t)u;
    return RL_NUM_OK;
}

/* ---- escaping ---- */

/* Length of a valid UTF-8 sequence at p (at most n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    size_t len;
    unsigned min;
    unsigned cp;
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        len = 2, cp = p[0] & 0x1f, min = 0x80;
    else if (p[0] >= 0xe0 && p[0] <= 0xef)
        len = 3, cp = p[0] & 0x0f, min = 0x800;
    else if (p[0] >= 0xf0 && p[0] <= 0xf4)
        len = 4, cp = p[0] & 0x07, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    /* C1 controls (U+0080..U+009F) act on some terminals */
    if (cp < 0xa0)
        return 0;
    return len;
}

void rl_escape(char *out, size_t outlen, const char *s, size_t n)
{
    assert(outlen >= 8);
    if (n == (size_t)-1)
        n = strlen(s);
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0, i = 0;
    const size_t room = outlen - 4; /* "..." and NUL */
    if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
        memcpy(out, "<BOM>", 5);
        o = 5;
        i = 3;
    }
    while (i < n) {
        char piece[8];
        size_t len;
        size_t u;
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
            piece[0] = (char)p[i];
            len = 1;
            u = 1;
        } else if (p[i] == '\\') {
            memcpy(piece, "\\\\", 2);
            len = 2;
            u = 1;
        } else if (p[i] >= 0x80 && (u = utf8_len(p + i, n - i)) > 0) {
            memcpy(piece, p + i, u);
            len = u;
        } else {
            snprintf(piece, sizeof(piece), "\\x%02x", p[i]);
            len = 4;
            u = 1;
        }
        if (o + len > room) {
            memcpy(out + o, "...", 4);
            return;
        }
        memcpy(out + o, piece, len);
        o += len;
        i += u;
    }
    out[o] = '\0';
}

/* ---- values ---- */

static void quote(char *buf, size_t len, const char *text)
{
    rl_escape(buf, len, text, (size_t)-1);
}

/* The shortest decimal that reads back as exactly v ("0.002", never
 * "0.0020000000000000000"): a value written to a file comes back as the
 * user gave it. */
static void shortest(char *buf, size_t len, double v)
{
    if (v == floor(v) && fabs(v) < 1e15) {  /* whole: 1000000, not 1e+06 */
        snprintf(buf, len, "%.0f", v);
        return;
    }
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, len, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* The range as words: "> 0", ">= 2 and <= 50000000". */
static void range_words(const struct rl_setting *s, char *buf, size_t len)
{
    char lo[32], hi[32];
    shortest(lo, sizeof(lo), s->min);
    shortest(hi, sizeof(hi), s->max);
    snprintf(buf, len, "%s %s and %s %s", s->min_exclusive ? ">" : ">=", lo,
             s->max_exclusive ? "<" : "<=", hi);
}

static bool check_range(const struct rl_setting *s, double v, const char *q,
                        char *why, size_t whylen)
{
    if (s->min == s->max)
        return true;
    bool low = s->min_exclusive ? !(v > s->min) : !(v >= s->min);
    bool high = s->max_exclusive ? !(v < s->max) : !(v <= s->max);
    if (low || high) {
        char r[96];
        range_words(s, r, sizeof(r));
        snprintf(why, whylen, "must be %s, got '%s'", r, q);
        return false;
    }
    return true;
}

bool rl_setting_read(const struct rl_setting *s, const char *text, void *dst,
                     char *why, size_t whylen)
{
    char q[128];
    quote(q, sizeof(q), text);
    switch (s->type) {
    case RL_SET_INT:
    case RL_SET_LONG: {
        long lo = s->type == RL_SET_INT ? INT_MIN : LONG_MIN;
        long hi = s->type == RL_SET_INT ? INT_MAX : LONG_MAX;
        if (s->min != s->max) {
            lo = (long)s->min + (s->min_exclusive ? 1 : 0);
            hi = (long)s->max - (s->max_exclusive ? 1 : 0);
        }
        long v;
        switch (rl_parse_long(text, lo, hi, &v)) {
        case RL_NUM_OK:
            break;
        case RL_NUM_TOO_LARGE:
        case RL_NUM_TOO_SMALL:
            snprintf(why, whylen, "must be a whole number from %ld to %ld, "
                     "got '%s' (out of range)", lo, hi, q);
            return false;
        case RL_NUM_NOT_NUMBER:
            snprintf(why, whylen, "expects a whole number, got '%s'", q);
            return false;
        }
        if (s->type == RL_SET_INT)
            *(int *)dst = (int)v;
        else
            *(long *)dst = v;
        return true;
    }
    case RL_SET_U64: {
        uint64_t u;
        if (rl_parse_u64(text, &u) != RL_NUM_OK) {
            snprintf(why, whylen, "must be a whole number in 0..2^64-1 "
                     "(decimal digits only), got '%s'", q);
            return false;
        }
        *(uint64_t *)dst = u;
        return true;
    }
    case RL_SET_DOUBLE: {
        double v = 0;
        switch (rl_parse_double(text, &v)) {
        case RL_NUM_OK:
            break;
        case RL_NUM_TOO_LARGE:
            snprintf(why, whylen, "is out of range (beyond a double), got "
                     "'%s'", q);
            return false;
        case RL_NUM_TOO_SMALL:
            snprintf(why, whylen, "is below float32's smallest normal "
                     "number (%.9g), got '%s'", (double)FLT_MIN, q);
            return false;
        case RL_NUM_NOT_NUMBER:
            snprintf(why, whylen, "expects a decimal number, got '%s'", q);
            return false;
        }
        if (!check_range(s, v, q, why, whylen))
            return false;
        *(double *)dst = v;
        return true;
    }
    case RL_SET_STRING:
        if (!*text) {
            snprintf(why, whylen, "expects a value, got an empty string");
            return false;
        }
        *(const char **)dst = text;
        return true;
    case RL_SET_FLAG:
        if (strcmp(text, "0") && strcmp(text, "1")) {
            snprintf(why, whylen, "expects 0 or 1, got '%s'", q);
            return false;
        }
        *(bool *)dst = text[0] == '1';
        return true;
    case RL_SET_ENUM:
        for (int i = 0; s->choices[i]; i++) {
            if (!strcmp(text, s->choices[i])) {
                *(int *)dst = i;
                return true;
            }
        }
        {
            char list[256] = "";
            for (int i = 0; s->choices[i]; i++) {
                size_t l = strlen(list);
                snprintf(list + l, sizeof(list) - l, "%s%s",
                         i == 0 ? "" : s->choices[i + 1] ? ", " : " or ",
                         s->choices[i]);
            }
            snprintf(why, whylen, "is unknown: '%s' (choose %s)", q, list);
        }
        return false;
    }
    return false;
}

void rl_setting_format(const struct rl_setting *s, const void *src,
                       char *buf, size_t len)
{
    switch (s->type) {
    case RL_SET_INT:
        snprintf(buf, len, "%d", *(const int *)src);
        break;
    case RL_SET_LONG:
        snprintf(buf, len, "%ld", *(const long *)src);
        break;
    case RL_SET_U64:
        snprintf(buf, len, "%llu",
                 (unsigned long long)*(const uint64_t *)src);
        break;
    case RL_SET_DOUBLE:
        shortest(buf, len, *(const double *)src);
        break;
    case RL_SET_STRING: {
        const char *v = *(const char *const *)src;
        snprintf(buf, len, "%s", v ? v : "");
        break;
    }
    case RL_SET_FLAG:
        snprintf(buf, len, "%d", *(const bool *)src ? 1 : 0);
        break;
    case RL_SET_ENUM:
        snprintf(buf, len, "%s", s->choices[*(const int *)src]);
        break;
    }
}

void rl_setting_format_used(const struct rl_setting *s, const void *cfg,
                            int net, char *buf, size_t len)
{
    const struct rl_config *c = cfg;
    const void *src = rl_setting_cptr(s, cfg, net);
    double used;
    if (src == &c->out_init) {
        /* with different widths and s2 = 1/H each net uses its own: the
         * column keeps the 0 that says so */
        if (c->out_init > 0.0 ||
            c->net[RL_RICH].hidden == c->net[RL_LAZY].hidden) {
            used = rl_config_out_init(c, RL_RICH);
            src = &used;
        }
    } else if (src == &c->noise) {
        used = rl_config_noise(c);
        src = &used;
    }
    if (s->type == RL_SET_DOUBLE)
        shortest(buf, len, *(const double *)src);
    else
        rl_setting_format(s, src, buf, len);
}
