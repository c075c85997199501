/* checkpoint.c: save and load both nets with their settings (see
 * rl_checkpoint.h). */
#define _GNU_SOURCE
#include "rl_checkpoint.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rl_npy.h"
#include "rl_output.h"

enum { CHECKPOINT_FORMAT = 1 };

static const char settings_name[] = "checkpoint.txt";

/* The four arrays of one net: file suffix and shape. */
enum { ARR_W1, ARR_W2, ARR_W1_0, ARR_W2_0, ARR_COUNT };
static const char *const arr_suffix[ARR_COUNT] = {"w1", "w2", "w1_init",
                                                  "w2_init"};

static bool write_files(const char *dir, const struct rl_trainer *tr,
                        char *err, size_t errlen)
{
    char path[4400];
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_net *net = &tr->net[w];
        const float *arr[ARR_COUNT] = {net->w1, net->w2, net->w1_0,
                                       net->w2_0};
        for (int a = 0; a < ARR_COUNT; a++) {
            snprintf(path, sizeof(path), "%s/%s_%s.npy", dir,
                     rl_net_label(w), arr_suffix[a]);
            bool is_w1 = a == ARR_W1 || a == ARR_W1_0;
            if (!rl_npy_write(path, arr[a], is_w1 ? net->h : 1,
                              is_w1 ? 2 : net->h, err, errlen))
                return false;
        }
    }

    /* settings last: their presence marks a complete checkpoint */
    const struct rl_config *c = &tr->cfg;
    char data[4096] = "";
    if (c->data_path && !realpath(c->data_path, data))
        snprintf(data, sizeof(data), "%s", c->data_path);
    struct rl_outfile of;
    if (!rl_outfile_open(&of, dir, settings_name, err, errlen))
        return false;
    FILE *f = of.f;
    fprintf(f, "# richlazy checkpoint: both nets' weights (*.npy) and the "
            "settings they came from\n");
    fprintf(f, "format=%d\n", CHECKPOINT_FORMAT);
    fprintf(f, "hidden=%d\n", tr->net[RL_RICH].h);
    fprintf(f, "activation=%s\n", rl_activation_name(c->act));
    fprintf(f, "rich_init=%.17g\n", c->init[RL_RICH]);
    fprintf(f, "lazy_init=%.17g\n", c->init[RL_LAZY]);
    fprintf(f, "out_init=%.17g\n", rl_config_out_init(c));
    fprintf(f, "lr=%.17g\n", c->lr);
    fprintf(f, "lambda=%.17g\n", c->lambda);
    fprintf(f, "seed=%llu\n", (unsigned long long)c->seed);
    fprintf(f, "rich_step=%ld\n", tr->step[RL_RICH]);
    fprintf(f, "lazy_step=%ld\n", tr->step[RL_LAZY]);
    fprintf(f, "dataset=%s\n", rl_dataset_name(c->dataset));
    fprintf(f, "data=%s\n", data);
    fprintf(f, "samples=%d\n", c->samples);
    fprintf(f, "noise=%.17g\n", rl_config_noise(c));
    fprintf(f, "test_split=%.17g\n", c->test_fraction);
    return rl_outfile_commit(&of, err, errlen);
}

bool rl_checkpoint_check_dest(const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(dir, &st) == 0) {
        snprintf(err, errlen, "checkpoint '%s' already exists; a checkpoint "
                 "is never overwritten: choose a new name or remove it",
                 dir);
        return false;
    }
    if (errno == ENOTDIR) {
        snprintf(err, errlen, "cannot create checkpoint folder '%s': a part "
                 "of that path is a file, not a folder", dir);
        return false;
    }
    if (errno != ENOENT) {
        snprintf(err, errlen, "cannot use checkpoint folder '%s': %s", dir,
                 strerror(errno));
        return false;
    }
    /* the nearest existing ancestor must be a folder we may write into */
    char p[4096];
    if (snprintf(p, sizeof(p), "%s", dir) >= (int)sizeof(p)) {
        snprintf(err, errlen, "checkpoint folder name is too long");
        return false;
    }
    for (;;) {
        size_t n = strlen(p);
        while (n > 1 && p[n - 1] == '/')
            p[--n] = '\0';
        char *slash = strrchr(p, '/');
        if (!slash)
            snprintf(p, sizeof(p), ".");
        else if (slash == p)
            p[1] = '\0';
        else
            *slash = '\0';
        if (stat(p, &st) == 0)
            break;
        if (errno != ENOENT || !strcmp(p, ".") || !strcmp(p, "/")) {
            snprintf(err, errlen, "cannot create checkpoint folder '%s': "
                     "'%s': %s", dir, p, strerror(errno));
            return false;
        }
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot create checkpoint folder '%s': '%s' "
                 "is not a folder", dir, p);
        return false;
    }
    if (access(p, W_OK | X_OK) != 0) {
        snprintf(err, errlen, "cannot create checkpoint folder '%s': '%s': "
                 "%s", dir, p, strerror(errno));
        return false;
    }
    return true;
}

bool rl_checkpoint_save(const char *dir, const struct rl_trainer *tr,
                        char *err, size_t errlen)
{
    /* the parent folders, then the checkpoint staged beside its final
     * name and published in one rename: never a mix of two checkpoints */
    char trimmed[4096], parent[4096];
    if (snprintf(trimmed, sizeof(trimmed), "%s", dir) >=
        (int)sizeof(trimmed)) {
        snprintf(err, errlen, "checkpoint folder name is too long");
        return false;
    }
    size_t n = strlen(trimmed);
    while (n > 1 && trimmed[n - 1] == '/')
        trimmed[--n] = '\0';
    snprintf(parent, sizeof(parent), "%s", trimmed);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        bool created;
        if (!rl_output_prepare_dir(parent, &created, err, errlen))
            return false;
    }
    char stage[4200];
    if (!rl_output_temp_name(stage, sizeof(stage), trimmed, ".part") ||
        mkdir(stage, 0777) != 0) {
        snprintf(err, errlen, "cannot create checkpoint folder '%s': %s", dir,
                 strerror(errno));
        return false;
    }
    if (!write_files(stage, tr, err, errlen))
        goto fail;
    if (!rl_output_sync_dir(stage, true)) {
        snprintf(err, errlen, "cannot sync checkpoint '%s': %s", dir,
                 strerror(errno));
        goto fail;
    }
    if (rename(stage, trimmed) != 0) {
        /* an earlier checkpoint there: swap it out whole, then remove it */
        if ((errno != ENOTEMPTY && errno != EEXIST) ||
            renameat2(AT_FDCWD, stage, AT_FDCWD, trimmed,
                      RENAME_EXCHANGE) != 0) {
            snprintf(err, errlen, "cannot save checkpoint '%s': %s", dir,
                     strerror(errno));
            goto fail;
        }
    }
    rl_output_remove_tree(stage); /* the old checkpoint, if any */
    rl_output_sync_dir(trimmed, false);
    return true;
fail:
    rl_output_remove_tree(stage);
    return false;
}

bool rl_checkpoint_save_new(const char *parent, const struct rl_trainer *tr,
                            char *path, size_t pathlen, char *err,
                            size_t errlen)
{
    long step = tr->step[RL_RICH] > tr->step[RL_LAZY] ? tr->step[RL_RICH]
                                                      : tr->step[RL_LAZY];
    for (int k = 0; k < 1000; k++) {
        char name[64];
        rl_output_step_name(name, sizeof(name), "checkpoint-", step, k, "");
        int len = snprintf(path, pathlen, "%s/%s", parent, name);
        if (len < 0 || (size_t)len >= pathlen) {
            snprintf(err, errlen, "checkpoint folder name under '%s' is too "
                     "long", parent);
            return false;
        }
        if (access(path, F_OK) != 0)
            return rl_checkpoint_save(path, tr, err, errlen);
    }
    snprintf(err, errlen, "'%s' already holds 1000 checkpoints of step %ld; "
             "move some away", parent, step);
    return false;
}

void rl_checkpoint_destroy(struct rl_checkpoint *ck)
{
    for (int w = 0; w < RL_NETS; w++) {
        free(ck->w1[w]);
        free(ck->w2[w]);
        free(ck->w1_0[w]);
        free(ck->w2_0[w]);
    }
    memset(ck, 0, sizeof(*ck));
}

/* The settings keys, in the order they are checked. */
enum {
    K_FORMAT, K_HIDDEN, K_ACTIVATION, K_RICH_INIT, K_LAZY_INIT, K_OUT_INIT,
    K_LR, K_LAMBDA, K_SEED, K_RICH_STEP, K_LAZY_STEP, K_DATASET, K_DATA,
    K_SAMPLES, K_NOISE, K_TEST_SPLIT, K_COUNT
};
static const char *const keys[K_COUNT] = {
    "format", "hidden", "activation", "rich_init", "lazy_init", "out_init",
    "lr", "lambda", "seed", "rich_step", "lazy_step", "dataset", "data",
    "samples", "noise", "test_split"};

static bool to_double(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return *s && !*end && !errno && isfinite(*v);
}

static bool to_long(const char *s, long lo, long hi, long *v)
{
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (!*s || *end || errno || x < lo || x > hi)
        return false;
    *v = x;
    return true;
}

static bool read_settings(struct rl_checkpoint *ck, const char *dir,
                          char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s", dir, settings_name);
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "%s: not a checkpoint (%s: %s); save one with "
                 "'richlazy run --checkpoint DIR'", dir, settings_name,
                 strerror(errno));
        return false;
    }
    static char val[K_COUNT][4096];
    bool have[K_COUNT] = {false};
    char line[4200];
    int lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof(line), f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        char *eq = strchr(line, '=');
        if (!eq) {
            snprintf(err, errlen, "%s:%d: expected key=value, got '%.60s'",
                     path, lineno, line);
            ok = false;
            break;
        }
        *eq = '\0';
        for (int k = 0; k < K_COUNT; k++) {
            if (!strcmp(line, keys[k])) {
                snprintf(val[k], sizeof(val[k]), "%s", eq + 1);
                have[k] = true;
            }
        }
    }
    fclose(f);
    if (!ok)
        return false;
    for (int k = 0; k < K_COUNT; k++) {
        if (!have[k]) {
            snprintf(err, errlen, "%s: setting '%s' is missing; the "
                     "checkpoint is incomplete, save it again", path,
                     keys[k]);
            return false;
        }
    }

    struct rl_config *c = &ck->cfg;
    *c = rl_config_default;
    long lv;
    double dv;
    const char *bad = NULL;
    if (!to_long(val[K_FORMAT], 1, 1000, &lv) || lv != CHECKPOINT_FORMAT)
        bad = keys[K_FORMAT];
    else if (!to_long(val[K_HIDDEN], 1, 10000000, &lv) || !((c->hidden = (int)lv)))
        bad = keys[K_HIDDEN];
    else if (!rl_activation_parse(val[K_ACTIVATION], &c->act))
        bad = keys[K_ACTIVATION];
    else if (!to_double(val[K_RICH_INIT], &c->init[RL_RICH]))
        bad = keys[K_RICH_INIT];
    else if (!to_double(val[K_LAZY_INIT], &c->init[RL_LAZY]))
        bad = keys[K_LAZY_INIT];
    else if (!to_double(val[K_OUT_INIT], &c->out_init) || c->out_init <= 0)
        bad = keys[K_OUT_INIT];
    else if (!to_double(val[K_LR], &c->lr) || c->lr <= 0)
        bad = keys[K_LR];
    else if (!to_double(val[K_LAMBDA], &c->lambda) || c->lambda < 0)
        bad = keys[K_LAMBDA];
    else if (!to_long(val[K_RICH_STEP], 0, LONG_MAX, &ck->step[RL_RICH]))
        bad = keys[K_RICH_STEP];
    else if (!to_long(val[K_LAZY_STEP], 0, LONG_MAX, &ck->step[RL_LAZY]))
        bad = keys[K_LAZY_STEP];
    else if (!rl_dataset_parse(val[K_DATASET], &c->dataset))
        bad = keys[K_DATASET];
    else if (!to_long(val[K_SAMPLES], 2, 50000000, &lv) || !((c->samples = (int)lv)))
        bad = keys[K_SAMPLES];
    else if (!to_double(val[K_NOISE], &c->noise) || c->noise < 0)
        bad = keys[K_NOISE];
    else if (!to_double(val[K_TEST_SPLIT], &dv) || dv < 0 || dv >= 1)
        bad = keys[K_TEST_SPLIT];
    if (!bad) {
        c->test_fraction = dv;
        char *end;
        errno = 0;
        unsigned long long s = strtoull(val[K_SEED], &end, 10);
        if (!val[K_SEED][0] || *end || errno || val[K_SEED][0] == '-')
            bad = keys[K_SEED];
        c->seed = (uint64_t)s;
    }
    if (bad) {
        int k = 0;
        while (strcmp(keys[k], bad))
            k++;
        snprintf(err, errlen, "%s: bad value '%.60s' for '%s'", path, val[k],
                 bad);
        return false;
    }
    snprintf(ck->data_path, sizeof(ck->data_path), "%s", val[K_DATA]);
    c->data_path = ck->data_path[0] ? ck->data_path : NULL;
    c->out_dir = NULL;
    return true;
}

static bool read_array(const char *dir, int which, int a, int h, float **out,
                       char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s_%s.npy", dir, rl_net_label(which),
             arr_suffix[a]);
    int rows, cols;
    char why[1024];
    if (!rl_npy_read(path, out, &rows, &cols, why, sizeof(why))) {
        snprintf(err, errlen, "checkpoint %s: %s", dir, why);
        return false;
    }
    bool is_w1 = a == ARR_W1 || a == ARR_W1_0;
    int want_r = is_w1 ? h : 1, want_c = is_w1 ? 2 : h;
    if (rows != want_r || cols != want_c) {
        snprintf(err, errlen, "%s: shape (%d, %d) but checkpoint.txt says "
                 "hidden=%d, so (%d, %d) is needed", path, rows, cols, h,
                 want_r, want_c);
        free(*out);
        *out = NULL;
        return false;
    }
    /* a diverged net's weights would only train into NaN again */
    for (long i = 0; i < (long)rows * cols; i++) {
        if (!isfinite((*out)[i])) {
            snprintf(err, errlen, "%s: element %ld is NaN or infinite (the "
                     "net had diverged); save a checkpoint of a finite net",
                     path, i);
            free(*out);
            *out = NULL;
            return false;
        }
    }
    return true;
}

bool rl_checkpoint_load(struct rl_checkpoint *ck, const char *dir, char *err,
                        size_t errlen)
{
    memset(ck, 0, sizeof(*ck));
    if (!read_settings(ck, dir, err, errlen))
        goto fail;
    for (int w = 0; w < RL_NETS; w++) {
        float **dst[ARR_COUNT] = {&ck->w1[w], &ck->w2[w], &ck->w1_0[w],
                                  &ck->w2_0[w]};
        for (int a = 0; a < ARR_COUNT; a++)
            if (!read_array(dir, w, a, ck->cfg.hidden, dst[a], err, errlen))
                goto fail;
    }
    /* the settings point into ck itself: fix up after any struct copy by
     * the caller is their business; here it is consistent */
    ck->cfg.data_path = ck->data_path[0] ? ck->data_path : NULL;
    return true;
fail:
    rl_checkpoint_destroy(ck);
    return false;
}

void rl_checkpoint_apply_net(const struct rl_checkpoint *ck, int which,
                             struct rl_net *net)
{
    const int h = ck->cfg.hidden;
    assert(net->h == h);
    net->act = ck->cfg.act;
    net->init_w1 = ck->cfg.init[which];
    net->init_w2 = ck->cfg.out_init;
    /* the initial weights first, so their norms are computed exactly as
     * rl_net_reset did */
    memcpy(net->w1, ck->w1_0[which], (size_t)h * 2 * sizeof(float));
    memcpy(net->w2, ck->w2_0[which], (size_t)h * sizeof(float));
    rl_net_mark_initial(net);
    memcpy(net->w1, ck->w1[which], (size_t)h * 2 * sizeof(float));
    memcpy(net->w2, ck->w2[which], (size_t)h * sizeof(float));
}

bool rl_checkpoint_trainer_init(struct rl_trainer *tr,
                                const struct rl_checkpoint *ck,
                                int history_cap, char *err, size_t errlen)
{
    struct rl_config cfg = ck->cfg;
    cfg.data_path = ck->data_path[0] ? ck->data_path : NULL;
    if (!rl_trainer_init(tr, &cfg, history_cap, err, errlen))
        return false;
    for (int w = 0; w < RL_NETS; w++) {
        rl_checkpoint_apply_net(ck, w, &tr->net[w]);
        tr->step[w] = ck->step[w];
        rl_history_clear(&tr->hist[w]);
        rl_trainer_log(tr, w);
    }
    return true;
}
