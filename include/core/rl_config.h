/* rl_config.h: every setting of a richlazy session, with its default.
 *
 * One constant, rl_config_default, holds the defaults (the seed notebook's
 * values); the command line and the window only ever change a copy. Each
 * field that a user can set is a row of the settings table (rl_settings.h),
 * which says how to add one.
 */
#ifndef RL_CONFIG_H
#define RL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rl_data.h"
#include "rl_net.h"

enum { RL_RICH = 0, RL_LAZY = 1, RL_NETS = 2 };

enum rl_labels {
    RL_LABELS_01,               /* classes as 0 and 1 (the seed) */
    RL_LABELS_PM1,              /* classes as -1 and +1 */
};

enum rl_task {
    RL_TASK_CLASSIFICATION,     /* two classes (the seed) */
    RL_TASK_REGRESSION,         /* real targets; implied by the regression
                                   datasets; a CSV's third column is read
                                   as a real */
};

/* "rich" or "lazy". */
const char *rl_net_label(int which);

/* The settings each net of the pair has its own value of (rows with
 * PER_NET in the settings table, flags --rich-X, --lazy-X and --X). */
struct rl_net_cfg {
    int hidden;                 /* H, hidden units (seed: 500 for both) */
    double init;                /* s1 of W1 (seed: rich 0.001, lazy 0.25) */
    struct rl_net_opts model;   /* model and optimiser options (rl_net.h);
                                   the defaults (alpha 1, layer ratio 1, the
                                   rest zero) are the seed's net and GD */
    double imbalance;           /* target mean imbalance delta; NaN: none
                                   (the layer ratio is used instead) */
    double diagonal_scale;      /* alpha of the diagonal net, u = v = alpha
                                   at init (rich 0.03, lazy 3) */
};

/* The model `run` trains (the settings row "model"). */
enum rl_arch {
    RL_ARCH_TWO_LAYER,          /* the seed's 2 -> H -> 1 net (rl_net.h) */
    RL_ARCH_DIAGONAL,           /* the diagonal linear net (rl_diagonal.h) */
};

struct rl_config {
    /* the networks */
    enum rl_activation act;     /* seed: linear */
    struct rl_net_cfg net[RL_NETS]; /* per net: rich, lazy */
    double out_init;            /* s2 of W2; 0 means 1/H of each net (seed) */
    double lr;                  /* learning rate (seed: 2e-3) */
    double lambda;              /* PyTorch SGD weight_decay (seed: 0) */
    uint64_t seed;              /* every random draw derives from it */
    int threads;                /* threads inside one step (1 or 2) */

    enum rl_arch arch;          /* two-layer (seed) or diagonal */

    /* the data */
    enum rl_dataset dataset;    /* built-in generator, unless data_path */
    const char *data_path;      /* CSV of x,y,label; NULL for built-in */
    int samples;                /* N for built-in data (seed: 200) */
    double noise;               /* std dev of the generator's noise; <0: dataset default */
    double test_fraction;       /* held-out share, 0 = no test split */
    enum rl_labels labels;      /* 0/1 (seed) or -1/+1 class labels */
    enum rl_task task;          /* classification (seed) or regression */
    struct rl_teacher_opts teacher; /* the teacher dataset's options */

    /* the headless run */
    long steps;                 /* training steps (seed: 5000) */
    long log_every;             /* metrics.csv row every K steps */
    const char *out_dir;        /* output folder; NULL: timestamped default */
    bool quiet;                 /* no summary or progress on stdout/stderr */
    bool imbalance_columns;     /* metrics.csv: mean and sd of delta_j */
    bool append;                /* results may go into a non-empty out_dir */
    long frames_every;          /* headless: a PNG frame every K steps (0: none) */
    bool video;                 /* recorded frames also to an MP4 (ffmpeg) */
    int width, height;          /* size of rendered frames (1280 x 800) */
    const char *script_path;    /* scripted key presses "FRAME KEY" */
    const char *checkpoint_dir; /* save a checkpoint here at the end; NULL: none */
    const char *scenario;       /* --config as given; NULL: no scenario */
    const char *scenario_script; /* the scenario's [script] section as
                                  * script text (line numbers as in the
                                  * file; rl_scenario.h), or NULL */

    /* the window's view */
    long steps_per_frame;       /* training steps per frame; 0: the window's
                                 * default (1: the rich net's escape takes
                                 * about 10 s at 60 frames/s) */
    bool paused;                /* the window opens paused */
    double text_scale;          /* text size factor on top of the size's
                                 * own scale (1; keys [ and ]) */
    bool presentation;          /* hide the UI chrome (selection, key hints,
                                 * fps); headless frames always do */
};

extern const struct rl_config rl_config_default;

/* The s2 net `which` (RL_RICH or RL_LAZY) actually uses: out_init, or
 * 1/H of that net when out_init is 0. */
double rl_config_out_init(const struct rl_config *cfg, int which);

/* The larger of the two nets' widths H (what a memory check of the pair
 * counts, conservatively, for both nets). */
int rl_config_max_hidden(const struct rl_config *cfg);

/* The noise actually used: cfg->noise, or the dataset's default when < 0
 * (blobs 0.5, xor 0.3, circles 0.15, spiral 0.1, teacher 0, wave and
 * ridge 0.05 on the targets). */
double rl_config_noise(const struct rl_config *cfg);

/* True when the nets fit real targets: --task regression, or a built-in
 * regression dataset (teacher, wave, ridge) without --data. */
bool rl_config_regression(const struct rl_config *cfg);

/* The options net `which` is drawn and trained with: cfg->net[which].model
 * with the targets the task and labels say (real, -1/+1 or 0/1) and the
 * layer ratio that the target imbalance asks for, when one is given
 * (rl_net_ratio_for_imbalance with s1 = init, s2 = out-init, the bias
 * scale when bias is on), and a shuffle seed derived from cfg->seed and
 * the net's stream unless the options hold one. */
struct rl_net_opts rl_config_net_opts(const struct rl_config *cfg,
                                      int which);

/* Check the settings that depend on each other: each net's options
 * (rl_net_opts_check, the message naming the flag), --layer-ratio with
 * --imbalance, --labels pm1 with regression. One line in err and false
 * when wrong. */
bool rl_config_check(const struct rl_config *cfg, char *err, size_t errlen);

#endif
