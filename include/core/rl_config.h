/* rl_config.h: every setting of a richlazy session, with its default.
 *
 * One constant, rl_config_default, holds the defaults (the seed notebook's
 * values); the command line and the window only ever change a copy.
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

struct rl_config {
    /* the networks */
    int hidden;                 /* H, hidden units (seed: 500) */
    enum rl_activation act;     /* seed: linear */
    double init[RL_NETS];       /* s1 of W1 for rich, lazy (seed: 0.001, 0.25) */
    double out_init;            /* s2 of W2; 0 means 1/H (seed) */
    double lr;                  /* learning rate (seed: 2e-3) */
    double lambda;              /* PyTorch SGD weight_decay (seed: 0) */
    uint64_t seed;              /* every random draw derives from it */

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
};

extern const struct rl_config rl_config_default;

/* The s2 actually used: out_init, or 1/H when out_init is 0. */
double rl_config_out_init(const struct rl_config *cfg);

/* The noise actually used: cfg->noise, or the dataset's default when < 0. */
double rl_config_noise(const struct rl_config *cfg);

#endif
