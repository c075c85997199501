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
#include "rl_settings.h"
#include "rl_readfile.h"
#include "rl_scenario.h"

enum { CHECKPOINT_FORMAT = 1 };

static const char settings_name[] = "checkpoint.txt";

/* The four arrays of one net: file suffix and shape. */
enum { ARR_W1, ARR_W2, ARR_W1_0, ARR_W2_0, ARR_COUNT };
static const char *const arr_suffix[ARR_COUNT] = {"w1", "w2", "w1_init",
                                                  "w2_init"};

/* Copy the data file src into dir/data.csv (through a temporary name). */
static bool copy_data(const char *src, const char *dir, char *err,
                      size_t errlen)
{
    FILE *in = rl_read_open(src, (uint64_t)1 << 40, err, errlen);
    if (!in)
        return false;
    struct rl_outfile of;
    if (!rl_outfile_open(&of, dir, "data.csv", err, errlen)) {
        fclose(in);
        return false;
    }
    char buf[65536];
    size_t n;
    bool ok = true;
    while (ok && (n = fread(buf, 1, sizeof(buf), in)) > 0)
        ok = fwrite(buf, 1, n, of.f) == n;
    ok = ok && !ferror(in);
    fclose(in);
    if (!ok) {
        snprintf(err, errlen, "cannot copy the data '%s' into %s/data.csv",
                 src, dir);
        rl_outfile_abort(&of);
        return false;
    }
    return rl_outfile_commit(&of, err, errlen);
}

bool rl_checkpoint_has_opt_buffers(const struct rl_net_opts *o)
{
    return o->optimizer != RL_OPT_SGD || o->momentum > 0.0;
}

bool rl_checkpoint_has_opt_step(const struct rl_net_opts *o)
{
    return rl_checkpoint_has_opt_buffers(o) || o->batch_size > 0;
}

/* The vectors of one net beyond the weights: file suffix and length. */
enum { VEC_B, VEC_B_0, VEC_OPT_M, VEC_OPT_V, VEC_COUNT };
static const char *const vec_suffix[VEC_COUNT] = {"b", "b_init", "opt_m",
                                                  "opt_v"};

static size_t vec_len(int v, int h)
{
    return v == VEC_B || v == VEC_B_0 ? (size_t)h + 1 : (size_t)h * 4 + 1;
}

/* Whether a net with options o has vector v in a checkpoint. */
static bool vec_saved(int v, const struct rl_net_opts *o)
{
    return v == VEC_B || v == VEC_B_0 ? o->bias
                                      : rl_checkpoint_has_opt_buffers(o);
}

/* out_init is not written when it is 0 (1/H of each net, the widths
 * differing); see rl_checkpoint_write_settings. */
static bool void_out_init(const struct rl_setting *st,
                          const struct rl_config *c)
{
    return st->where == RL_IN_CONFIG &&
           rl_setting_cptr(st, c, -1) == (const void *)&c->out_init &&
           !(c->out_init > 0.0);
}

bool rl_checkpoint_write_settings(const char *dir, const char *name,
                                  const struct rl_trainer *tr, char *err,
                                  size_t errlen)
{
    struct rl_config c = tr->cfg;
    /* the data travels beside the settings as data.csv (a checkpoint copies
     * it there, a run folder writes it): named relative to the folder, it
     * never points elsewhere (rl_scenario.h) */
    c.data_path = c.data_path ? "data.csv" : "";
    for (int w = 0; w < RL_NETS; w++)
        c.net[w].hidden = tr->net[w].h;
    /* s2 as used; with different widths and s2 = 1/H each net has its own,
     * so out_init is left out (a missing out_init means 1/H) */
    bool same_h = c.net[RL_RICH].hidden == c.net[RL_LAZY].hidden;
    if (c.out_init > 0.0 || same_h)
        c.out_init = rl_config_out_init(&c, RL_RICH);
    c.noise = rl_config_noise(&tr->cfg);
    /* a target imbalance is saved as the layer ratio it chose */
    for (int w = 0; w < RL_NETS; w++) {
        c.net[w].model.layer_ratio =
            rl_config_net_opts(&tr->cfg, w).layer_ratio;
        c.net[w].imbalance = NAN;
    }
    struct rl_outfile of;
    if (!rl_outfile_open(&of, dir, name, err, errlen))
        return false;
    FILE *f = of.f;
    if (!strcmp(name, settings_name))
        fprintf(f, "# richlazy checkpoint: both nets' weights (*.npy) and "
                "the settings they came from\n");
    else
        fprintf(f, "# richlazy run: the settings of this run, in the "
                "format of checkpoint.txt\n");
    fprintf(f, "format=%d\n", CHECKPOINT_FORMAT);
    char key[64], val[4200];
    for (int i = 0; i < rl_settings_count; i++) {
        const struct rl_setting *st = &rl_settings[i];
        if (!st->in_file)
            continue;
        if (void_out_init(st, &c))
            continue;
        for (int w = 0; w < (st->where == RL_IN_NET ? RL_NETS : 1); w++) {
            rl_setting_key(st, st->where == RL_IN_NET ? w : -1, key,
                           sizeof(key));
            rl_setting_format(st, rl_setting_cptr(st, &c, w), val,
                              sizeof(val));
            fprintf(f, "%s=%s\n", key, val);
        }
    }
    fprintf(f, "rich_step=%ld\n", tr->step[RL_RICH]);
    fprintf(f, "lazy_step=%ld\n", tr->step[RL_LAZY]);
    for (int w = 0; w < RL_NETS; w++)
        if (rl_checkpoint_has_opt_step(&tr->net[w].opts) ||
            tr->net[w].opt_step > 0)
            fprintf(f, "%s_opt_step=%ld\n", rl_net_label(w),
                    tr->net[w].opt_step);
    return rl_outfile_commit(&of, err, errlen);
}

static bool write_files(const char *dir, const struct rl_trainer *tr,
                        char *err, size_t errlen)
{
    /* checkpoint.txt is one key=value per line: a value with a line
     * break could not be read back */
    const char *dp = tr->cfg.data_path;
    if (dp && strpbrk(dp, "\r\n")) {
        char q[256];
        rl_escape(q, sizeof(q), dp, (size_t)-1);
        snprintf(err, errlen, "cannot save a checkpoint: the data path '%s' "
                 "holds a line break, which checkpoint.txt cannot record; "
                 "rename the file", q);
        return false;
    }
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
        /* biases and optimiser state, when the net has them */
        assert(net->b2 == net->b1 + net->h);
        size_t np = rl_net_opt_state_len(net);
        float *m = NULL, *v = NULL;
        if (rl_checkpoint_has_opt_buffers(&net->opts)) {
            m = malloc(np * sizeof(float));
            v = malloc(np * sizeof(float));
            if (!m || !v) {
                free(m);
                free(v);
                snprintf(err, errlen, "out of memory saving the optimiser "
                         "state");
                return false;
            }
            long step;
            rl_net_opt_state_get(net, m, v, &step);
        }
        const float *vec[VEC_COUNT] = {net->b1, net->b1_0, m, v};
        bool ok = true;
        for (int a = 0; a < VEC_COUNT && ok; a++) {
            if (!vec_saved(a, &net->opts))
                continue;
            snprintf(path, sizeof(path), "%s/%s_%s.npy", dir,
                     rl_net_label(w), vec_suffix[a]);
            ok = rl_npy_write(path, vec[a], 1, (int)vec_len(a, net->h), err,
                              errlen);
        }
        free(m);
        free(v);
        if (!ok)
            return false;
    }

    /* the data file travels with the checkpoint as data.csv, named
     * relative to it: a checkpoint never points elsewhere (rl_scenario.h) */
    if (tr->cfg.data_path && !copy_data(tr->cfg.data_path, dir, err, errlen))
        return false;
    /* settings last: their presence marks a complete checkpoint */
    return rl_checkpoint_write_settings(dir, settings_name, tr, err, errlen);
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

bool rl_checkpoint_savable(const struct rl_trainer *tr, char *why,
                           size_t whylen)
{
    for (int w = 0; w < RL_NETS; w++) {
        if (!tr->diverged[w] && rl_net_finite(&tr->net[w]))
            continue;
        snprintf(why, whylen, "the %s net diverged at step %ld: its "
                 "checkpoint would not train; press r to restart it at a "
                 "calm learning rate, then save", rl_net_label(w),
                 tr->diverged_step[w]);
        return false;
    }
    return true;
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
        free(ck->b[w]);
        free(ck->b_0[w]);
        free(ck->opt_m[w]);
        free(ck->opt_v[w]);
    }
    memset(ck, 0, sizeof(*ck));
}

/* Settings a checkpoint may lack (run-only settings that older
 * checkpoints of the same format did not record): absent means the
 * default. Every other file-allowed setting must be present. */
static bool optional_key(const char *key)
{
    /* out_init is left out when each net has its own 1/H */
    if (!strcmp(key, "out_init"))
        return true;
    static const char *const optional[] = {"steps", "log_every",
                                           "frames_every", "width", "height"};
    for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++)
        if (!strcmp(key, optional[i]))
            return true;
    /* the model, target and teacher options came later: a checkpoint
     * without them holds the seed's nets (their defaults) */
    static const char *const later[] = {
        "labels", "task", "teacher_units", "teacher_inputs",
        "teacher_directions", "teacher_signs", "bias", "bias_init", "alpha",
        "symmetric", "layer_ratio", "param", "loss", "optimizer", "momentum",
        "nesterov", "batch_size"};
    const char *k = key;
    if (!strncmp(k, "rich_", 5) || !strncmp(k, "lazy_", 5))
        k += 5;
    for (size_t i = 0; i < sizeof(later) / sizeof(later[0]); i++)
        if (!strcmp(k, later[i]))
            return true;
    return false;
}

enum { MAX_KEYS = 128, MAX_SETTINGS_BYTES = 1 << 20 };

/* A step count as saved: 0..1e15, like --steps. */
static bool read_step(const char *text, long *v, char *why, size_t whylen)
{
    const struct rl_setting *st = rl_setting_find("steps");
    return rl_setting_read(st, text, v, why, whylen);
}

bool rl_checkpoint_parse_settings(struct rl_checkpoint *ck, const char *text,
                                  size_t len, const char *path, char *err,
                                  size_t errlen)
{
    struct rl_config *c = &ck->cfg;
    *c = rl_config_default;
    char seen[MAX_KEYS][64];
    int nseen = 0;
    bool have_format = false, have_step[RL_NETS] = {false, false};
    bool have_opt_step[RL_NETS] = {false, false};
    char q[160], why[512], key[64];
    int lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        lineno++;
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (n && line[n - 1] == '\r')
            n--;
        if (memchr(line, '\0', n)) {
            snprintf(err, errlen, "%s:%d: a NUL byte; the file is damaged",
                     path, lineno);
            return false;
        }
        if (n == 0 || line[0] == '#')
            continue;
        const char *eq = memchr(line, '=', n);
        if (!eq) {
            rl_escape(q, sizeof(q), line, n);
            snprintf(err, errlen, "%s:%d: expected key=value, got '%s'",
                     path, lineno, q);
            return false;
        }
        size_t klen = (size_t)(eq - line);
        char value[4096];
        size_t vlen = n - klen - 1;
        rl_escape(q, sizeof(q), line, klen);
        if (klen >= sizeof(key) || vlen >= sizeof(value)) {
            snprintf(err, errlen, "%s:%d: line too long for '%s'", path,
                     lineno, q);
            return false;
        }
        memcpy(key, line, klen);
        key[klen] = '\0';
        memcpy(value, eq + 1, vlen);
        value[vlen] = '\0';
        for (int k = 0; k < nseen; k++) {
            if (!strcmp(seen[k], key)) {
                snprintf(err, errlen, "%s:%d: '%s' is given twice; the file "
                         "is damaged", path, lineno, q);
                return false;
            }
        }
        if (nseen == MAX_KEYS) {
            snprintf(err, errlen, "%s:%d: too many settings", path, lineno);
            return false;
        }
        snprintf(seen[nseen++], sizeof(seen[0]), "%s", key);
        bool ok = true;
        if (!strcmp(key, "format")) {
            long v;
            have_format = true;
            if (rl_parse_long(value, 1, 1000000, &v) != RL_NUM_OK ||
                v != CHECKPOINT_FORMAT) {
                rl_escape(q, sizeof(q), value, (size_t)-1);
                snprintf(why, sizeof(why), "must be %d (this version's), "
                         "got '%s'", CHECKPOINT_FORMAT, q);
                ok = false;
            }
        } else if (!strcmp(key, "rich_step") || !strcmp(key, "lazy_step")) {
            int w = key[0] == 'r' ? RL_RICH : RL_LAZY;
            have_step[w] = true;
            ok = read_step(value, &ck->step[w], why, sizeof(why));
        } else if (!strcmp(key, "rich_opt_step") ||
                   !strcmp(key, "lazy_opt_step")) {
            int w = key[0] == 'r' ? RL_RICH : RL_LAZY;
            have_opt_step[w] = true;
            ok = read_step(value, &ck->opt_step[w], why, sizeof(why));
        } else if (!strcmp(key, "hidden")) {
            /* checkpoints from before the per-net width: one H for both */
            const struct rl_setting *st = rl_setting_find("hidden");
            for (int w = 0; w < RL_NETS && ok; w++) {
                ok = rl_setting_read(st, value, rl_setting_ptr(st, c, w), why,
                                     sizeof(why));
                if (ok && nseen < MAX_KEYS)
                    rl_setting_key(st, w, seen[nseen++], sizeof(seen[0]));
            }
        } else {
            const struct rl_setting *st = NULL;
            int net = -1;
            char k2[64];
            for (int i = 0; i < rl_settings_count && !st; i++) {
                const struct rl_setting *r = &rl_settings[i];
                if (!r->in_file)
                    continue;
                for (int w = 0; w < (r->where == RL_IN_NET ? RL_NETS : 1);
                     w++) {
                    rl_setting_key(r, r->where == RL_IN_NET ? w : -1, k2,
                                   sizeof(k2));
                    if (!strcmp(k2, key)) {
                        st = r;
                        net = w;
                        break;
                    }
                }
            }
            if (!st) {
                snprintf(err, errlen, "%s:%d: unknown setting '%s' (not "
                         "one a checkpoint holds)", path, lineno, q);
                return false;
            }
            void *dst = rl_setting_ptr(st, c, net);
            if (st->type == RL_SET_STRING) {
                /* the one string a checkpoint holds: the data file, in
                 * the checkpoint's folder (rl_file_data_path); kept in
                 * ck; empty means built-in data */
                assert(dst == &c->data_path);
                ck->data_path[0] = '\0';
                if (value[0]) {
                    char folder[4200];
                    snprintf(folder, sizeof(folder), "%s", path);
                    char *slash = strrchr(folder, '/');
                    if (slash)
                        *slash = '\0';
                    else
                        snprintf(folder, sizeof(folder), ".");
                    if (slash == folder)
                        snprintf(folder, sizeof(folder), "/");
                    ok = rl_file_data_path(value, folder, ck->data_path,
                                           why, sizeof(why));
                    if (!ok)
                        ck->data_path[0] = '\0';
                }
                c->data_path = ck->data_path[0] ? ck->data_path : NULL;
            } else {
                ok = rl_setting_read(st, value, dst, why, sizeof(why));
            }
        }
        if (!ok) {
            snprintf(err, errlen, "%s:%d: %s %s", path, lineno, q, why);
            return false;
        }
    }
    /* every setting the writer writes must be there */
    if (!have_format) {
        snprintf(err, errlen, "%s: setting 'format' is missing; the "
                 "checkpoint is incomplete, save it again", path);
        return false;
    }
    for (int w = 0; w < RL_NETS; w++) {
        if (!have_step[w]) {
            snprintf(err, errlen, "%s: setting '%s_step' is missing; the "
                     "checkpoint is incomplete, save it again", path,
                     rl_net_label(w));
            return false;
        }
    }
    for (int i = 0; i < rl_settings_count; i++) {
        const struct rl_setting *r = &rl_settings[i];
        if (!r->in_file)
            continue;
        for (int w = 0; w < (r->where == RL_IN_NET ? RL_NETS : 1); w++) {
            rl_setting_key(r, r->where == RL_IN_NET ? w : -1, key,
                           sizeof(key));
            bool found = optional_key(key);
            for (int k = 0; k < nseen && !found; k++)
                found = !strcmp(seen[k], key);
            if (!found) {
                snprintf(err, errlen, "%s: setting '%s' is missing; the "
                         "checkpoint is incomplete, save it again", path,
                         key);
                return false;
            }
        }
    }
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_net_opts *o = &c->net[w].model;
        if (rl_checkpoint_has_opt_step(o) && !have_opt_step[w]) {
            snprintf(err, errlen, "%s: setting '%s_opt_step' is missing; the "
                     "checkpoint is incomplete, save it again", path,
                     rl_net_label(w));
            return false;
        }
    }
    c->out_dir = NULL;
    return true;
}

static bool read_settings(struct rl_checkpoint *ck, const char *dir,
                          char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s", dir, settings_name);
    /* a regular file of at most 1 MiB (it holds a few dozen lines) */
    char why[4400];
    FILE *f = rl_read_open(path, (uint64_t)1 << 20, why, sizeof(why));
    if (!f) {
        if (errno)
            snprintf(err, errlen, "%s: not a checkpoint (%s: %s); save one "
                     "with 'richlazy run --checkpoint DIR'", dir,
                     settings_name, strerror(errno));
        else
            snprintf(err, errlen, "%s", why);
        return false;
    }
    size_t len;
    bool oom;
    char *buf = rl_read_all(f, MAX_SETTINGS_BYTES, &len, &oom);
    bool ok = false;
    if (!buf && oom)
        snprintf(err, errlen, "out of memory");
    else if (!buf)
        snprintf(err, errlen, "%s: cannot read it", path);
    else if (len > MAX_SETTINGS_BYTES)
        snprintf(err, errlen, "%s: larger than %d bytes; not a checkpoint's "
                 "settings", path, MAX_SETTINGS_BYTES);
    else
        ok = rl_checkpoint_parse_settings(ck, buf, len, path, err, errlen);
    free(buf);
    return ok;
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
                 "%s_hidden=%d, so (%d, %d) is needed", path, rows, cols,
                 rl_net_label(which), h,
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

/* Read the (1, n) vector dir/NET_SUFFIX.npy into *out: finite. */
static bool read_vec(const char *dir, int which, const char *suffix, int h,
                     size_t n, float **out, char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s_%s.npy", dir, rl_net_label(which),
             suffix);
    int rows, cols;
    char why[1024];
    if (!rl_npy_read(path, out, &rows, &cols, why, sizeof(why))) {
        snprintf(err, errlen, "checkpoint %s: %s", dir, why);
        return false;
    }
    if (rows != 1 || (size_t)cols != n) {
        snprintf(err, errlen, "%s: shape (%d, %d) but checkpoint.txt says "
                 "%s_hidden=%d, so (1, %zu) is needed", path, rows, cols,
                 rl_net_label(which), h, n);
        free(*out);
        *out = NULL;
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite((*out)[i])) {
            snprintf(err, errlen, "%s: element %zu is NaN or infinite (the "
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
            if (!read_array(dir, w, a, ck->cfg.net[w].hidden, dst[a], err,
                            errlen))
                goto fail;
        float **vdst[VEC_COUNT] = {&ck->b[w], &ck->b_0[w], &ck->opt_m[w],
                                   &ck->opt_v[w]};
        for (int a = 0; a < VEC_COUNT; a++)
            if (vec_saved(a, &ck->cfg.net[w].model) &&
                !read_vec(dir, w, vec_suffix[a], ck->cfg.net[w].hidden,
                          vec_len(a, ck->cfg.net[w].hidden), vdst[a], err,
                          errlen))
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
    const int h = ck->cfg.net[which].hidden;
    assert(net->h == h);
    net->act = ck->cfg.act;
    net->opts = rl_config_net_opts(&ck->cfg, which);
    net->init_w1 = ck->cfg.net[which].init;
    net->init_w2 = rl_config_out_init(&ck->cfg, which);
    /* the initial weights first, so their norms are computed exactly as
     * rl_net_reset did */
    memcpy(net->w1, ck->w1_0[which], (size_t)h * 2 * sizeof(float));
    memcpy(net->w2, ck->w2_0[which], (size_t)h * sizeof(float));
    assert(net->b2 == net->b1 + h);
    if (ck->b_0[which])
        memcpy(net->b1, ck->b_0[which], ((size_t)h + 1) * sizeof(float));
    else
        memset(net->b1, 0, ((size_t)h + 1) * sizeof(float));
    rl_net_mark_initial(net);
    memcpy(net->w1, ck->w1[which], (size_t)h * 2 * sizeof(float));
    memcpy(net->w2, ck->w2[which], (size_t)h * sizeof(float));
    if (ck->b[which])
        memcpy(net->b1, ck->b[which], ((size_t)h + 1) * sizeof(float));
    if (ck->opt_m[which])
        rl_net_opt_state_set(net, ck->opt_m[which], ck->opt_v[which],
                             ck->opt_step[which]);
    else
        rl_net_opt_reset(net);
    net->opt_step = ck->opt_step[which];
}

bool rl_checkpoint_trainer_init(struct rl_trainer *tr,
                                const struct rl_checkpoint *ck,
                                int history_cap, char *err, size_t errlen)
{
    struct rl_config cfg = ck->cfg;
    cfg.data_path = ck->data_path[0] ? ck->data_path : NULL;
    /* the continued nets log every step, as a trainer built from the
     * defaults does (the run's own log_every stays in ck->cfg) */
    cfg.log_every = rl_config_default.log_every;
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
