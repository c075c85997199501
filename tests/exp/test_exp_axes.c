/* test_exp_axes.c: phase and sweep over any numeric setting: a custom
 * grid runs, shards and merges byte for byte; bad axis names and values
 * get the settings table's messages; the built-in axes' flags still write
 * the bytes they wrote before (tests/exp/axes_before). */
#include <cblas.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "test_util.h"
#include "rl_exp_cmd.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#define SCRATCH(name) RL_TEST_BUILD_DIR "/exp_axes_scratch/" name
#define BEFORE(name) RL_TEST_SOURCE_ROOT "/tests/exp/axes_before/" name

static char err_text[8192];
static char out_text[8192];

static int cmd(int (*fn)(int, char **, FILE *, FILE *), const char *first,
               ...)
{
    va_list ap;
    va_start(ap, first);
    int code = test_call_main(fn, out_text, sizeof(out_text), err_text,
                              sizeof(err_text), first, ap);
    va_end(ap);
    return code;
}

#define SMALL "--steps", "200", "--samples", "50", "--quiet", "--threads", "1"
#define GRID "--x", "out-init", "--xs", "0.001,0.01,0.1,1", "--y", "hidden", \
             "--ys", "10,30,100"

/* A width x W2-scale diagram (the Geiger-style width axis): one row per
 * cell with both axes' columns, the hidden axis really changing H. */
static void test_phase_over_two_settings(void)
{
    CHECK(cmd(rl_phase_main, GRID, SMALL, "--out", SCRATCH("grid"), NULL) ==
          0);
    size_t len;
    char *csv = test_read_file(SCRATCH("grid/phase.csv"), &len);
    CHECK_CONTAINS(csv, "init,lr,lambda,out_init,hidden,rel_w1_mean");
    CHECK_CONTAINS(csv, "\n0.001,0.002,0,0.001,10,");
    CHECK_CONTAINS(csv, "\n0.001,0.002,0,1,100,");
    int rows = 0;
    for (size_t i = 0; csv && i < len; i++)
        rows += csv[i] == '\n';
    CHECK(rows == 1 + 12);
    free(csv);
    CHECK(test_exists(SCRATCH("grid/phase.png")));

    /* the same grid in three shards, merged: the same bytes */
    const char *shards[3] = {"1/3", "2/3", "3/3"};
    for (int i = 0; i < 3; i++)
        CHECK(cmd(rl_phase_main, GRID, SMALL, "--shard", shards[i], "--out",
                  SCRATCH("grid_shards"), NULL) == 0);
    char *shard = test_read_file(SCRATCH("grid_shards/phase-shard-1-of-3.txt"),
                                 &len);
    CHECK_CONTAINS(shard, "\naxes=out_init rich_hidden\n");
    free(shard);
    CHECK(cmd(rl_merge_main, "--quiet", SCRATCH("grid_shards"), NULL) == 0);
    const char *names[] = {"phase.csv", "phase_runs.csv", "phase.png"};
    for (int i = 0; i < 3; i++) {
        char a[512], b[512];
        snprintf(a, sizeof(a), SCRATCH("grid/%s"), names[i]);
        snprintf(b, sizeof(b), SCRATCH("grid_shards/%s"), names[i]);
        CHECK(test_same_bytes(a, b));
    }

    /* a shard of other axes does not merge with them */
    CHECK(cmd(rl_phase_main, "--x", "out-init", "--xs", "0.001,0.01,0.1,1",
              "--y", "lr", "--ys", "10,30,100", SMALL, "--shard", "1/3",
              "--out", SCRATCH("other"), NULL) == 0);
    CHECK(cmd(rl_merge_main, "--quiet", SCRATCH("other/phase-shard-1-of-3.txt"),
              SCRATCH("grid_shards/phase-shard-2-of-3.txt"),
              SCRATCH("grid_shards/phase-shard-3-of-3.txt"), "--out",
              SCRATCH("mixed"), NULL) == 2);
    CHECK_CONTAINS(err_text, "settings differ");

    /* a damaged axes line is refused with its file and line */
    shard = test_read_file(SCRATCH("grid_shards/phase-shard-2-of-3.txt"), &len);
    char *at = shard ? strstr(shard, "axes=out_init") : NULL;
    CHECK(at != NULL);
    if (at) {
        memcpy(at, "axes=width_x", 12);
        mkdir(SCRATCH("damaged"), 0777);
        FILE *f = fopen(SCRATCH("damaged/phase-shard-2-of-3.txt"), "wb");
        CHECK(f && fwrite(shard, 1, len, f) == len);
        if (f)
            fclose(f);
        CHECK(cmd(rl_merge_main, "--quiet",
                  SCRATCH("damaged/phase-shard-2-of-3.txt"), NULL) == 2);
        CHECK_CONTAINS(err_text, "phase-shard-2-of-3.txt:16: axes expects");
        CHECK_CONTAINS(err_text, "unknown setting 'width-xt'");
    }
    free(shard);
}

/* A per-net axis names its net; a data axis draws each cell's data. */
static void test_per_net_and_data_axes(void)
{
    CHECK(cmd(rl_phase_main, "--x", "lazy-init", "--xs", "0.01,0.1", "--y",
              "samples", "--ys", "20,40", SMALL, "--out", SCRATCH("lazy"),
              NULL) == 0);
    size_t len;
    char *csv = test_read_file(SCRATCH("lazy/phase.csv"), &len);
    CHECK_CONTAINS(csv, "init,lr,lambda,samples,rel_w1_mean");
    CHECK_CONTAINS(csv, "\n0.1,0.002,0,40,");
    free(csv);
    /* the fixed init of a phase over other settings is --init's */
    CHECK(cmd(rl_phase_main, "--init", "0.5", "--x", "lr", "--xs", "0.01",
              "--y", "lambda", "--ys", "0", SMALL, "--out", SCRATCH("fixed"),
              NULL) == 0);
    csv = test_read_file(SCRATCH("fixed/phase.csv"), &len);
    CHECK_CONTAINS(csv, "\n0.5,0.01,0,");
    free(csv);
    /* sweep over the width */
    CHECK(cmd(rl_sweep_main, "--x", "hidden", "--xs", "10,20", "--runs", "2",
              SMALL, "--out", SCRATCH("sweep"), NULL) == 0);
    csv = test_read_file(SCRATCH("sweep/sweep.csv"), &len);
    CHECK(csv && !strncmp(csv, "hidden,step,loss_mean", 21));
    free(csv);
    /* the untrained net's own flags are named as ignored; the trained
     * net's are not */
    CHECK(cmd(rl_sweep_main, "--lambdas", "0", "--runs", "1", SMALL,
              "--rich-hidden", "12", "--lazy-hidden", "7", "--out",
              SCRATCH("ignored"), NULL) == 0);
    CHECK_CONTAINS(err_text, "richlazy sweep: warning: --lazy-hidden is "
                             "ignored: the sweep trains the rich net");
    CHECK(!strstr(err_text, "--rich-hidden"));
    CHECK(cmd(rl_phase_main, "--x", "lazy-alpha", "--xs", "0.1,1", "--ys",
              "0", SMALL, "--rich-hidden", "8", "--out",
              SCRATCH("ignored_phase"), NULL) == 0);
    CHECK_CONTAINS(err_text, "richlazy phase: warning: --rich-hidden is "
                             "ignored: the phase trains the lazy net");
    CHECK(cmd(rl_phase_main, "--x", "lazy-alpha", "--xs", "0.1,1", "--ys",
              "0", SMALL, "--lazy-hidden", "8", "--out",
              SCRATCH("kept_phase"), NULL) == 0);
    CHECK(!strstr(err_text, "warning"));
}

static void test_bad_axes(void)
{
    CHECK(cmd(rl_phase_main, "--x", "foo", "--xs", "1", NULL) == 2);
    CHECK_CONTAINS(err_text, "--x: unknown setting 'foo' (numeric settings: "
                   "samples, noise, teacher-units, hidden, lr, lambda, init, "
                   "out-init");
    CHECK(cmd(rl_phase_main, "--x", "activation", "--xs", "1", NULL) == 2);
    CHECK_CONTAINS(err_text, "'activation' cannot be an axis: it is not a "
                   "number");
    CHECK(cmd(rl_phase_main, "--y", "steps", "--ys", "10", NULL) == 2);
    CHECK_CONTAINS(err_text, "'steps' cannot be an axis");
    CHECK(cmd(rl_phase_main, "--x", "test-split", "--xs", "0.1", NULL) == 2);
    CHECK_CONTAINS(err_text, "'test-split' cannot be an axis");
    CHECK(cmd(rl_phase_main, "--x", "rich-lr", "--xs", "0.1", NULL) == 2);
    CHECK_CONTAINS(err_text, "'lr' is one setting for both nets");
    /* values through the table's validator, with its messages */
    CHECK(cmd(rl_phase_main, "--x", "hidden", "--xs", "10,0", NULL) == 2);
    CHECK_CONTAINS(err_text, "--xs: value 2 must be a whole number from 1 to "
                   "10000000, got '0' (out of range)");
    CHECK(cmd(rl_phase_main, "--x", "hidden", "--xs", "10,2.5", NULL) == 2);
    CHECK_CONTAINS(err_text, "--xs: value 2 expects a whole number, got "
                   "'2.5'");
    CHECK(cmd(rl_phase_main, "--y", "lr", "--ys", "0.1,-1", NULL) == 2);
    CHECK_CONTAINS(err_text, "--ys: value 2 must be > 0 and <= 1000000, got "
                   "'-1'");
    CHECK(cmd(rl_sweep_main, "--x", "out-init", "--xs", "0.1,abc", NULL) == 2);
    CHECK_CONTAINS(err_text, "--xs: value 2 expects a decimal number, got "
                   "'abc'");
    /* repeated values */
    CHECK(cmd(rl_phase_main, "--x", "hidden", "--xs", "10,20,10", NULL) == 2);
    CHECK_CONTAINS(err_text, "--xs: value 3 (10) repeats value 1; give each "
                   "value once");
    CHECK(cmd(rl_phase_main, "--lambdas", "0,0.5,0.50", NULL) == 2);
    CHECK_CONTAINS(err_text, "--lambdas: value 3 (0.5) repeats value 2");
    /* how the flags combine */
    CHECK(cmd(rl_phase_main, "--x", "hidden", NULL) == 2);
    CHECK_CONTAINS(err_text, "--x hidden needs its values: --xs LIST");
    CHECK(cmd(rl_phase_main, "--x", "hidden", "--xs", "10", "--y", "hidden",
              "--ys", "20", NULL) == 2);
    CHECK_CONTAINS(err_text, "--x and --y both name hidden");
    CHECK(cmd(rl_phase_main, "--x", "rich-init", "--xs", "0.1", "--y",
              "lazy-init", "--ys", "0.2", NULL) == 2);
    CHECK_CONTAINS(err_text, "one net per cell");
    CHECK(cmd(rl_phase_main, "--xs", "0.1", "--inits", "3", NULL) == 2);
    CHECK_CONTAINS(err_text, "with --x or --xs give the values in --xs");
    CHECK(cmd(rl_phase_main, "--ys", "0.1", "--lrs", "0.1", NULL) == 2);
    CHECK_CONTAINS(err_text, "with --y or --ys give the values in --ys");
    CHECK(cmd(rl_sweep_main, "--xs", "0.1", "--lambdas", "0", NULL) == 2);
    CHECK_CONTAINS(err_text, "not both");
}

static bool same_as_before(const char *dir, const char *file,
                           const char *before)
{
    char a[512];
    snprintf(a, sizeof(a), "%s/%s", dir, file);
    bool same = test_same_bytes(a, before);
    if (!same)
        fprintf(stderr, "%s differs from %s\n", a, before);
    return same;
}

/* The built-in axes' flags write what they wrote before custom axes
 * existed (CSV files kept in tests/exp/axes_before); naming the built-in
 * axis explicitly gives the same files, figure included. */
static void test_built_in_axes_unchanged(void)
{
    CHECK(cmd(rl_phase_main, "--inits", "3", "--init-min", "0.001",
              "--init-max", "1", "--lambdas", "0,0.5", "--hidden", "30",
              SMALL, "--out", SCRATCH("legacy_phase"), NULL) == 0);
    CHECK(same_as_before(SCRATCH("legacy_phase"), "phase.csv",
                         BEFORE("phase.csv")));
    CHECK(same_as_before(SCRATCH("legacy_phase"), "phase_runs.csv",
                         BEFORE("phase_runs.csv")));
    CHECK(cmd(rl_phase_main, "--inits", "2", "--init-min", "0.001",
              "--init-max", "1", "--lrs", "0.001,0.01", "--hidden", "30",
              SMALL, "--out", SCRATCH("legacy_lr"), NULL) == 0);
    CHECK(same_as_before(SCRATCH("legacy_lr"), "phase.csv",
                         BEFORE("phase_lr.csv")));
    CHECK(same_as_before(SCRATCH("legacy_lr"), "phase_runs.csv",
                         BEFORE("phase_lr_runs.csv")));
    CHECK(cmd(rl_sweep_main, "--lambdas", "0,0.25", "--runs", "2", "--hidden",
              "30", "--steps", "100", "--samples", "50", "--log-every", "50",
              "--quiet", "--threads", "1", "--out", SCRATCH("legacy_sweep"),
              NULL) == 0);
    CHECK(same_as_before(SCRATCH("legacy_sweep"), "sweep.csv",
                         BEFORE("sweep.csv")));
    CHECK(same_as_before(SCRATCH("legacy_sweep"), "sweep_runs.csv",
                         BEFORE("sweep_runs.csv")));
    /* --y lambda --ys is --lambdas; --x lambda --xs is sweep's --lambdas */
    CHECK(cmd(rl_phase_main, "--inits", "3", "--init-min", "0.001",
              "--init-max", "1", "--y", "lambda", "--ys", "0,0.5", "--hidden",
              "30", SMALL, "--out", SCRATCH("named_phase"), NULL) == 0);
    const char *names[] = {"phase.csv", "phase_runs.csv", "phase.png"};
    for (int i = 0; i < 3; i++) {
        char a[512], b[512];
        snprintf(a, sizeof(a), SCRATCH("legacy_phase/%s"), names[i]);
        snprintf(b, sizeof(b), SCRATCH("named_phase/%s"), names[i]);
        CHECK(test_same_bytes(a, b));
    }
    CHECK(cmd(rl_sweep_main, "--x", "lambda", "--xs", "0,0.25", "--runs", "2",
              "--hidden", "30", "--steps", "100", "--samples", "50",
              "--log-every", "50", "--quiet", "--threads", "1", "--out",
              SCRATCH("named_sweep"), NULL) == 0);
    CHECK(test_same_bytes(SCRATCH("legacy_sweep/sweep.png"),
                          SCRATCH("named_sweep/sweep.png")));
    CHECK(test_same_bytes(SCRATCH("legacy_sweep/sweep.csv"),
                          SCRATCH("named_sweep/sweep.csv")));
}

int main(void)
{
    openblas_set_num_threads(1);
    if (system("rm -rf '" RL_TEST_BUILD_DIR "/exp_axes_scratch'") != 0)
        return 1;
    mkdir(RL_TEST_BUILD_DIR "/exp_axes_scratch", 0777);
    test_phase_over_two_settings();
    test_per_net_and_data_axes();
    test_bad_axes();
    test_built_in_axes_unchanged();
    return check_summary("exp_axes");
}
