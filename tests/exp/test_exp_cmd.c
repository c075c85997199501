/* test_exp_cmd.c: `richlazy sweep`, `phase`, `retrain` and `merge` end to
 * end: files and figures, shards merged byte for byte (PNG included),
 * thread count, checkpoints through the command line, bad flags. */
#include <cblas.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "test_util.h"
#include "rl_checkpoint.h"
#include "rl_exp_cmd.h"
#include "rl_png.h"
#include "rl_trainer.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#define SCRATCH(name) RL_TEST_BUILD_DIR "/exp_cmd_scratch/" name

static char err_text[8192];
static char out_text[8192];

/* Run a command's main with ARGS... (NULL-terminated). */
static int cmd(int (*fn)(int, char **, FILE *, FILE *), const char *first,
               ...)
{
    va_list ap;
    va_start(ap, first);
    int code = test_call_main(fn, out_text, sizeof(out_text), err_text,
                              sizeof(err_text), first, ap);
    va_end(ap);
    if (code && !err_text[0])
        fprintf(stderr, "exit %d without an error line\n", code);
    return code;
}

#define SMALL "--hidden", "30", "--steps", "240", "--samples", "50"

static void test_sweep_files_and_figure(void)
{
    CHECK(cmd(rl_sweep_main, "--lambdas", "0,0.25,0.5", "--runs", "4",
              SMALL, "--out", SCRATCH("sweep"), NULL) == 0);
    CHECK_CONTAINS(out_text, "richlazy sweep: 3 cells x 4 runs x 240 steps");
    CHECK_CONTAINS(out_text, " s wall on ");
    CHECK(test_exists(SCRATCH("sweep/sweep.csv")));
    CHECK(test_exists(SCRATCH("sweep/sweep_runs.csv")));
    uint32_t *px = NULL;
    int w = 0, h = 0;
    char err[512];
    CHECK(rl_png_read(SCRATCH("sweep/sweep.png"), &px, &w, &h, err,
                      sizeof(err)));
    CHECK(w >= 1200 && h >= 500);
    /* not blank: the curves put colour on the white page, in greens
     * (the swept values' ramp), never in the nets' orange or blue */
    long coloured = 0, net_coloured = 0;
    for (long i = 0; px && i < (long)w * h; i++) {
        uint32_t c = px[i] & 0xFFFFFF;
        int r = (int)(c >> 16), g = (int)((c >> 8) & 255), b = (int)(c & 255);
        coloured += g > r + 40 && g > b + 20;
        net_coloured += (abs(r - 0xD5) + abs(g - 0x5E) + abs(b) < 40) ||
                        (abs(r) + abs(g - 0x72) + abs(b - 0xB2) < 40);
    }
    CHECK(coloured > 2000);
    CHECK(net_coloured < 50);
    free(px);
}

static void test_shards_and_threads_give_the_same_bytes(void)
{
    CHECK(cmd(rl_sweep_main, "--lambdas", "0,0.5", "--runs", "5", SMALL,
              "--threads", "2", "--quiet", "--out", SCRATCH("whole"),
              NULL) == 0);
    CHECK(cmd(rl_sweep_main, "--lambdas", "0,0.5", "--runs", "5", SMALL,
              "--threads", "1", "--quiet", "--out", SCRATCH("one"),
              NULL) == 0);
    const char *names[3] = {"sweep.csv", "sweep_runs.csv", "sweep.png"};
    char a[512], b[512];
    for (int i = 0; i < 3; i++) {
        snprintf(a, sizeof(a), SCRATCH("whole/%s"), names[i]);
        snprintf(b, sizeof(b), SCRATCH("one/%s"), names[i]);
        CHECK(test_same_bytes(a, b));
    }
    const char *shards[3] = {"1/3", "2/3", "3/3"};
    for (int s = 0; s < 3; s++) {
        CHECK(cmd(rl_sweep_main, "--lambdas", "0,0.5", "--runs", "5", SMALL,
                  "--shard", shards[s], "--out", SCRATCH("shards"),
                  NULL) == 0);
        CHECK_CONTAINS(out_text, "richlazy merge");
    }
    CHECK(!test_exists(SCRATCH("shards/sweep.csv"))); /* shards write shards only */
    CHECK(cmd(rl_merge_main, SCRATCH("shards"), "--out", SCRATCH("merged"),
              NULL) == 0);
    CHECK_CONTAINS(out_text, "10 runs of a sweep");
    for (int i = 0; i < 3; i++) {
        snprintf(a, sizeof(a), SCRATCH("whole/%s"), names[i]);
        snprintf(b, sizeof(b), SCRATCH("merged/%s"), names[i]);
        CHECK(test_same_bytes(a, b));
    }
    /* merge writes next to the shards by default */
    CHECK(cmd(rl_merge_main, "--quiet", SCRATCH("shards"), NULL) == 0);
    CHECK(test_same_bytes(SCRATCH("whole/sweep.png"), SCRATCH("shards/sweep.png")));
}

static void test_phase(void)
{
    CHECK(cmd(rl_phase_main, "--inits", "4", "--init-min", "0.001",
              "--init-max", "2", "--lambdas", "0,0.5", SMALL, "--quiet",
              "--out", SCRATCH("phase"), NULL) == 0);
    size_t len;
    char *csv = test_read_file(SCRATCH("phase/phase.csv"), &len);
    CHECK_CONTAINS(csv, "init,lr,lambda,rel_w1_mean");
    int rows = 0;
    for (size_t i = 0; csv && i < len; i++)
        rows += csv[i] == '\n';
    CHECK(rows == 1 + 8);
    free(csv);
    CHECK(test_exists(SCRATCH("phase/phase.png")));
    /* learning rate as the y axis */
    CHECK(cmd(rl_phase_main, "--inits", "3", "--lrs", "0.001,0.01", SMALL,
              "--quiet", "--out", SCRATCH("phase_lr"), NULL) == 0);
    CHECK(test_exists(SCRATCH("phase_lr/phase.png")));
    CHECK(cmd(rl_phase_main, "--lrs", "0.01", "--lambdas", "0", NULL) == 2);
    CHECK_CONTAINS(err_text, "not both");
}

static void test_retrain_from_checkpoint(void)
{
    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 30;
    cfg.samples = 50;
    char err[1024];
    struct rl_trainer tr;
    CHECK(rl_trainer_init(&tr, &cfg, 64, err, sizeof(err)));
    rl_trainer_step(&tr, 100);
    CHECK(rl_checkpoint_save(SCRATCH("ck"), &tr, err, sizeof(err)));
    rl_trainer_destroy(&tr);

    CHECK(cmd(rl_retrain_main, "--from", SCRATCH("ck"), "--runs", "3",
              "--steps", "120", "--lambda", "0.5", "--dataset", "blobs",
              "--noise", "0.8", "--out", SCRATCH("retrain"), NULL) == 0);
    CHECK_CONTAINS(out_text, "rich");
    CHECK_CONTAINS(out_text, "lazy");
    size_t len;
    char *csv = test_read_file(SCRATCH("retrain/retrain.csv"), &len);
    CHECK_CONTAINS(csv, "net,lambda,step,loss_mean,loss_sd,orig_loss_mean,"
                        "orig_loss_sd");
    CHECK_CONTAINS(csv, "\nrich,0.5,0,");
    CHECK_CONTAINS(csv, "\nlazy,0.5,120,");
    free(csv);
    CHECK(test_exists(SCRATCH("retrain/retrain.png")));

    CHECK(cmd(rl_retrain_main, "--runs", "2", NULL) == 2);
    CHECK_CONTAINS(err_text, "--from CHECKPOINT is required");
    CHECK(cmd(rl_retrain_main, "--from", SCRATCH("nothing_here"), NULL) == 2);
    CHECK_CONTAINS(err_text, "not a checkpoint");
}

static void test_bad_flags(void)
{
    CHECK(cmd(rl_sweep_main, "--lambdas", "0,abc", NULL) == 2);
    CHECK_CONTAINS(err_text, "--lambdas: value 2 expects a decimal number, "
                   "got 'abc'");
    /* list items are read as their flag is: decimal, no spaces */
    CHECK(cmd(rl_sweep_main, "--lambdas", "0,0x10", NULL) == 2);
    CHECK_CONTAINS(err_text, "--lambdas: value 2 expects a decimal number");
    CHECK(cmd(rl_sweep_main, "--lambdas", "0, 0.5", NULL) == 2);
    CHECK_CONTAINS(err_text, "got ' 0.5'");
    CHECK(cmd(rl_phase_main, "--lrs", "0.1,0", NULL) == 2);
    CHECK_CONTAINS(err_text, "--lrs: value 2 must be > 0");
    CHECK(cmd(rl_sweep_main, "--lambdas", "0,,1", NULL) == 2);
    CHECK_CONTAINS(err_text, "--lambdas expects numbers separated by commas");
    CHECK(cmd(rl_sweep_main, "--shard", " 1/2", NULL) == 2);
    CHECK_CONTAINS(err_text, "--shard expects I/N");
    CHECK(cmd(rl_sweep_main, "--lambdas", "0,-1", NULL) == 2);
    CHECK_CONTAINS(err_text, "must be >= 0");
    CHECK(cmd(rl_sweep_main, "--lambdas", "0,", NULL) == 2);
    CHECK(cmd(rl_sweep_main, "--shard", "0/3", NULL) == 2);
    CHECK_CONTAINS(err_text, "--shard expects I/N with 1 <= I <= N");
    CHECK(cmd(rl_sweep_main, "--shard", "4/3", NULL) == 2);
    CHECK(cmd(rl_sweep_main, "--runs", "0", NULL) == 2);
    CHECK(cmd(rl_sweep_main, "--bogus", NULL) == 2);
    CHECK_CONTAINS(err_text, "unknown flag '--bogus'");
    CHECK(cmd(rl_sweep_main, "--data", SCRATCH("missing.csv"), "--out",
              SCRATCH("never"), NULL) == 2);
    CHECK(!test_exists(SCRATCH("never"))); /* bad data: no output folder */
    CHECK(cmd(rl_merge_main, NULL) == 2);
    CHECK_CONTAINS(err_text, "name the shard files");
    CHECK(cmd(rl_merge_main, SCRATCH("nothing_here"), NULL) == 2);
    CHECK(cmd(rl_sweep_main, "--help", NULL) == 0);
    CHECK_CONTAINS(out_text, "--lambdas LIST");
    CHECK_CONTAINS(out_text, "[0,0.125,0.25,0.5]");
    CHECK(cmd(rl_merge_main, "--help", NULL) == 0);
}

int main(void)
{
    openblas_set_num_threads(1);
    if (system("rm -rf '" RL_TEST_BUILD_DIR "/exp_cmd_scratch'") != 0)
        return 1;
    mkdir(RL_TEST_BUILD_DIR "/exp_cmd_scratch", 0777);
    test_sweep_files_and_figure();
    test_shards_and_threads_give_the_same_bytes();
    test_phase();
    test_retrain_from_checkpoint();
    test_bad_flags();
    return check_summary("exp_cmd");
}
