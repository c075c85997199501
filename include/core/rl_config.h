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
#include <stdint.h>

#include "rl_data.h"
#include "rl_net.h"

enum { RL_RICH = 0, RL_LAZY = 1, RL_NETS = 2 };

/* "rich" or "lazy". */
const char *rl_net_label(int which);

/* The settings each net of the pair has its own value of (rows with
 * PER_NET in the settings table, flags --rich-X, --lazy-X and --X). */
struct rl_net_cfg {
    double init;                /* s1 of W1 (seed: rich 0.001, lazy 0.25) */
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
    int hidden;                 /* H, hidden units (seed: 500) */
    enum rl_activation act;     /* seed: linear */
    struct rl_net_cfg net[RL_NETS]; /* per net: rich, lazy */
    double out_init;            /* s2 of W2; 0 means 1/H (seed) */
    double lr;                  /* learning rate (seed: 2e-3) */
    double lambda;              /* PyTorch SGD weight_decay (seed: 0) */
    uint64_t seed;              /* every random draw derives from it */
    struct rl_net_opts model[RL_NETS]; /* per-net model and optimiser
                                   options (rl_net.h); all zero: the seed's */

    enum rl_arch arch;          /* two-layer (seed) or diagonal */

    /* the data */
    enum rl_dataset dataset;    /* built-in generator, unless data_path */
    const char *data_path;      /* CSV of x,y,label; NULL for built-in */
    int samples;                /* N for built-in data (seed: 200) */
    double noise;               /* std dev of the generator's noise; <0: dataset default */
    double test_fraction;       /* held-out share, 0 = no test split */

    /* the headless run */
    long steps;                 /* training steps (seed: 5000) */
    long log_every;             /* metrics.csv row every K steps */
    const char *out_dir;        /* output folder; NULL: timestamped default */
    bool quiet;                 /* no summary or progress on stdout/stderr */
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

/* The s2 actually used: out_init, or 1/H when out_init is 0. */
double rl_config_out_init(const struct rl_config *cfg);

/* The noise actually used: cfg->noise, or the dataset's default when < 0. */
double rl_config_noise(const struct rl_config *cfg);

#endif
