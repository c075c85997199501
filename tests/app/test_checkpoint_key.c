/* test_checkpoint_key.c: the checkpoint key (k). Pressed in a scripted
 * headless run it saves both nets into OUT/checkpoint-STEP/, a checkpoint
 * that loads back to exactly the trainer's weights; a second press at the
 * same step never overwrites the first; a folder that cannot be written
 * ends the run with one error line. */
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "test_util.h"
#include "rl_app.h"
#include "rl_checkpoint.h"
#include "rl_headless.h"
#include "rl_trainer.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#define SCRATCH RL_TEST_BUILD_DIR "/checkpoint_key_scratch"

enum { HIDDEN = 40 };

static char last_out[4096], last_err[4096];

/* richlazy run ARGS... through the headless runner; stdout and stderr are
 * kept in last_out and last_err. */
static int headless(const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    int code = test_call_main(rl_headless_main, last_out, sizeof(last_out),
                              last_err, sizeof(last_err), first, ap);
    va_end(ap);
    return code;
}

/* Names of the checkpoint-* folders in dir, sorted; returns how many. */
static int checkpoints(const char *dir, char names[][64], int max)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, "checkpoint-", 11) && n < max)
            snprintf(names[n++], 64, "%.63s", e->d_name);
    closedir(d);
    for (int i = 1; i < n; i++) /* insertion sort: a handful of names */
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char t[64];
            memcpy(t, names[j], 64);
            memcpy(names[j], names[j - 1], 64);
            memcpy(names[j - 1], t, 64);
        }
    return n;
}

static bool same_floats(const float *a, const float *b, size_t n)
{
    return a && b && !memcmp(a, b, n * sizeof(float));
}

/* Both checkpoints hold bit-identical nets at the same steps. */
static bool same_checkpoint(const struct rl_checkpoint *a,
                            const struct rl_checkpoint *b)
{
    bool same = true;
    for (int w = 0; w < RL_NETS && same; w++) {
        size_t h = (size_t)a->cfg.net[w].hidden;
        same = a->cfg.net[w].hidden == b->cfg.net[w].hidden &&
               a->step[w] == b->step[w] &&
               same_floats(a->w1[w], b->w1[w], 2 * h) &&
               same_floats(a->w2[w], b->w2[w], h) &&
               same_floats(a->w1_0[w], b->w1_0[w], 2 * h) &&
               same_floats(a->w2_0[w], b->w2_0[w], h);
    }
    return same;
}

/* The key, its name and its effect on the pure app: a request the shell
 * (window or headless run) carries out and clears. */
static void test_key_and_action(void)
{
    CHECK(rl_action_for_key("k") == RL_ACTION_CHECKPOINT);
    CHECK(!strcmp(rl_action_name(RL_ACTION_CHECKPOINT), "checkpoint"));
    bool listed = false;
    for (int i = 0; i < rl_keymap_n; i++)
        if (rl_keymap[i].action == RL_ACTION_CHECKPOINT && rl_keymap[i].help)
            listed = strstr(rl_keymap[i].help, "checkpoint") != NULL;
    CHECK(listed);

    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = HIDDEN;
    struct rl_app app;
    char err[512];
    CHECK(rl_app_init(&app, &cfg, err, sizeof(err)));
    CHECK(!app.checkpoint_requested);
    enum rl_action k = RL_ACTION_CHECKPOINT;
    rl_app_frame(&app, &k, 1);
    CHECK(app.checkpoint_requested);
    rl_app_destroy(&app);
}

/* k in a script: OUT/checkpoint-STEP/ loads back to exactly the weights a
 * trainer with the same settings has after the same number of steps. */
static void test_scripted_key_saves_loadable(void)
{
    const char *dir = SCRATCH "/one", *keys = SCRATCH "/one.keys";
    test_write_text(keys, "3 k\n");
    CHECK(headless("--steps", "100", "--hidden", "40", "--out", dir,
                   "--script", keys, NULL) == 0);
    char names[4][64];
    CHECK(checkpoints(dir, names, 4) == 1);
    CHECK(!strncmp(names[0], "checkpoint-0000", 15));
    CHECK_CONTAINS(last_out, "saved checkpoint ");
    CHECK_CONTAINS(last_out, names[0]);

    char path[512], err[1024] = "";
    snprintf(path, sizeof(path), "%s/%s", dir, names[0]);
    struct rl_checkpoint ck;
    bool loaded = rl_checkpoint_load(&ck, path, err, sizeof(err));
    CHECK(loaded);
    if (!loaded) {
        fprintf(stderr, "rl_checkpoint_load: %s\n", err);
        return;
    }
    /* pressed on frame 3, after that frame's steps: a few frames in, not
     * the start and not the end */
    CHECK(ck.step[RL_RICH] > 0 && ck.step[RL_RICH] < 100);
    CHECK(ck.step[RL_RICH] == ck.step[RL_LAZY]);
    char want[64];
    snprintf(want, sizeof(want), "checkpoint-%06ld", ck.step[RL_RICH]);
    CHECK(!strcmp(names[0], want));
    CHECK(ck.cfg.net[RL_RICH].hidden == HIDDEN &&
          ck.cfg.net[RL_LAZY].hidden == HIDDEN);

    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = HIDDEN;
    struct rl_trainer tr;
    CHECK(rl_trainer_init(&tr, &cfg, 0, err, sizeof(err)));
    rl_trainer_step(&tr, ck.step[RL_RICH]);
    for (int w = 0; w < RL_NETS; w++) {
        CHECK(tr.step[w] == ck.step[w]);
        CHECK(same_floats(tr.net[w].w1, ck.w1[w], 2 * HIDDEN));
        CHECK(same_floats(tr.net[w].w2, ck.w2[w], HIDDEN));
        CHECK(same_floats(tr.net[w].w1_0, ck.w1_0[w], 2 * HIDDEN));
        CHECK(same_floats(tr.net[w].w2_0, ck.w2_0[w], HIDDEN));
    }
    rl_trainer_destroy(&tr);
    rl_checkpoint_destroy(&ck);
}

/* k then q on one frame: the key's checkpoint and the end-of-run
 * --checkpoint hold the same nets; a second k at the same step (paused)
 * gets its own folder instead of overwriting the first. */
static void test_key_matches_end_and_never_overwrites(void)
{
    const char *dir = SCRATCH "/two", *keys = SCRATCH "/two.keys";
    const char *end = SCRATCH "/two-end";
    test_write_text(keys, "2 Space\n2 k\n4 k\n4 q\n");
    CHECK(headless("--steps", "100", "--hidden", "40", "--out", dir,
                   "--script", keys, "--checkpoint", end, "--quiet",
                   NULL) == 0);
    char names[4][64];
    CHECK(checkpoints(dir, names, 4) == 2);
    CHECK(strlen(names[0]) == strlen("checkpoint-000000"));
    char second[80];
    snprintf(second, sizeof(second), "%s_001", names[0]);
    CHECK(!strcmp(names[1], second));
    CHECK(last_out[0] == '\0'); /* --quiet */

    struct rl_checkpoint a, b, e;
    char path[512], err[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, names[0]);
    bool ok = rl_checkpoint_load(&a, path, err, sizeof(err));
    snprintf(path, sizeof(path), "%s/%s", dir, names[1]);
    ok = rl_checkpoint_load(&b, path, err, sizeof(err)) && ok;
    ok = rl_checkpoint_load(&e, end, err, sizeof(err)) && ok;
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "rl_checkpoint_load: %s\n", err);
        return;
    }
    CHECK(same_checkpoint(&a, &b));
    CHECK(same_checkpoint(&a, &e));
    rl_checkpoint_destroy(&a);
    rl_checkpoint_destroy(&b);
    rl_checkpoint_destroy(&e);
}

/* The checkpoint's folder cannot be made (its name is taken by a dangling
 * link): the run ends with one line that says so. */
static void test_unwritable_checkpoint(void)
{
    const char *dir = SCRATCH "/bad", *keys = SCRATCH "/bad.keys";
    mkdir(dir, 0777);
    CHECK(symlink("no-such-folder/below", SCRATCH "/bad/checkpoint-000000") ==
          0);
    test_write_text(keys, "0 Space\n0 k\n");
    CHECK(headless("--steps", "50", "--hidden", "40", "--out", dir,
                   "--append", "--script", keys, "--quiet", NULL) == 1);
    CHECK_CONTAINS(last_err, "richlazy run: error: cannot save a checkpoint");
    CHECK_CONTAINS(last_err, "checkpoint-000000");
    CHECK(strchr(last_err, '\n') == last_err + strlen(last_err) - 1);
}

int main(void)
{
    CHECK(system("rm -rf " SCRATCH " && mkdir -p " SCRATCH) == 0);
    test_key_and_action();
    test_scripted_key_saves_loadable();
    test_key_matches_end_and_never_overwrites();
    test_unwritable_checkpoint();
    return check_summary("checkpoint_key");
}
