/* rl_checkpoint.h: save both nets with the settings they came from, and
 * load them back so training continues exactly where it left off.
 *
 * A checkpoint is a folder:
 *   checkpoint.txt            key=value lines: format, every setting the
 *                             settings table allows in files (per-net ones
 *                             as rich_X and lazy_X, the width H as
 *                             rich_hidden and lazy_hidden; out_init and
 *                             noise as the values used, out_init left out
 *                             when it is 1/H of two different widths),
 *                             rich_step and lazy_step; numbers as %.17g.
 *                             An older file's one hidden=H sets both nets
 *   (H below is each net's own width)
 *   {rich,lazy}_w1.npy        (H, 2) current input->hidden weights
 *   {rich,lazy}_w2.npy        (1, H) current hidden->output weights
 *   {rich,lazy}_w1_init.npy   (H, 2) the initial weights, the reference of
 *   {rich,lazy}_w2_init.npy   (1, H) rel_w1/rel_w2, so those continue too
 *   {rich,lazy}_b.npy         (1, H + 1) with --bias: b1 then b2, and
 *   {rich,lazy}_b_init.npy    (1, H + 1) the initial ones
 *   {rich,lazy}_opt_m.npy     (1, 4H + 1) with momentum, Adam or AdamW: the
 *   {rich,lazy}_opt_v.npy     (1, 4H + 1) optimiser's buffers in theta's
 *                             layout (rl_net_opt_state_get)
 * and, with those buffers or a mini-batch size, rich_opt_step and
 * lazy_opt_step in checkpoint.txt (the optimiser's step count, which also
 * fixes the place in the shuffled epochs).
 * Weights are float32 as trained, so a reload is bit-exact. Built-in data
 * is not stored: it is regenerated from (dataset, samples, noise, seed).
 * A data file is copied into the folder as data.csv and checkpoint.txt
 * says data=data.csv; on load the data path must name a regular file in
 * the checkpoint's own folder (rl_file_data_path: no absolute path, no
 * '..', no symlink leading out), so a checkpoint from someone else reads
 * nothing the user did not hand over.
 */
#ifndef RL_CHECKPOINT_H
#define RL_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>

#include "rl_config.h"
#include "rl_net.h"
#include "rl_trainer.h"

struct rl_checkpoint {
    struct rl_config cfg;       /* settings; cfg.data_path points at data_path
                                 * below or is NULL; out_dir is NULL */
    char data_path[4096];
    long step[RL_NETS];         /* steps each net had taken */
    float *w1[RL_NETS];         /* (H, 2) */
    float *w2[RL_NETS];         /* (H) */
    float *w1_0[RL_NETS];       /* (H, 2) initial */
    float *w2_0[RL_NETS];       /* (H) initial */
    float *b[RL_NETS];          /* (H + 1) b1, b2; NULL without bias */
    float *b_0[RL_NETS];        /* (H + 1) initial; NULL without bias */
    float *opt_m[RL_NETS];      /* (4H + 1) optimiser buffers; NULL when */
    float *opt_v[RL_NETS];      /* the optimiser keeps none */
    long opt_step[RL_NETS];     /* optimiser steps (0 when not saved) */
};

/* Does a net with options o keep optimiser buffers (momentum, Adam,
 * AdamW), and does its optimiser step count matter (those, or mini-batch
 * order)? What a checkpoint saves follows these. */
bool rl_checkpoint_has_opt_buffers(const struct rl_net_opts *o);
bool rl_checkpoint_has_opt_step(const struct rl_net_opts *o);

/* Write tr's settings and both nets as the checkpoint dir (parents are
 * created). The files are written into a staging folder beside dir and
 * published in one rename, replacing an earlier checkpoint at dir whole
 * (never a mix of two); a kill mid-write leaves dir as it was. Callers
 * that must not replace one check with rl_checkpoint_check_dest first.
 * False with err on failure (nothing left behind). */
bool rl_checkpoint_save(const char *dir, const struct rl_trainer *tr,
                        char *err, size_t errlen);

/* Before any work: true when a checkpoint can be created at dir: nothing
 * exists there yet, and its nearest existing ancestor is a folder we may
 * write into. False with err naming dir and what to do. */
bool rl_checkpoint_check_dest(const char *dir, char *err, size_t errlen);

/* Whether the checkpoint key (k) should save tr: false, with why saying
 * which net and what to do, when a net diverged (its weights are non-finite,
 * or finite but trained on they diverge again, so retrain and window --from
 * would refuse or repeat the blow-up). */
bool rl_checkpoint_savable(const struct rl_trainer *tr, char *why,
                           size_t whylen);

/* Save tr into a new folder parent/checkpoint-STEP (STEP: the larger of
 * the two nets' steps, at least 6 digits), or checkpoint-STEP_NNN when that
 * name is taken: an earlier checkpoint is never overwritten. This is what
 * the window's checkpoint key (k) does. path gets the folder's name. False
 * with err on failure (a folder left without checkpoint.txt is not a
 * checkpoint). */
bool rl_checkpoint_save_new(const char *parent, const struct rl_trainer *tr,
                            char *path, size_t pathlen, char *err,
                            size_t errlen);

/* Read a checkpoint folder into ck (initialised by the call). On any
 * problem (missing folder or file, not .npy, wrong shape, bad or missing
 * setting) returns false with one line in err naming the file and what to
 * do, and leaves ck zeroed. */
bool rl_checkpoint_load(struct rl_checkpoint *ck, const char *dir, char *err,
                        size_t errlen);

/* Read the text of a checkpoint.txt (len bytes, need not end in NUL)
 * into ck->cfg, ck->data_path and ck->step. Every value goes through the
 * settings table's reader (the same check as its flag); unknown,
 * duplicated or missing keys, NUL bytes and bad values are refused with
 * "path:LINE: ..." in err (file content quoted escaped). */
bool rl_checkpoint_parse_settings(struct rl_checkpoint *ck, const char *text,
                                  size_t len, const char *path, char *err,
                                  size_t errlen);

/* Write tr's settings and step counts as the file dir/name in the format
 * of checkpoint.txt (every in-file row of the settings table, key=value,
 * then rich_step, lazy_step and the optimiser step counts), so that
 * rl_checkpoint_parse_settings reads it back. `run` writes one as
 * settings.txt beside its results. Written through a temporary file and
 * renamed into place. False with err on failure. */
bool rl_checkpoint_write_settings(const char *dir, const char *name,
                                  const struct rl_trainer *tr, char *err,
                                  size_t errlen);

/* Free the weights; safe on a zeroed struct. */
void rl_checkpoint_destroy(struct rl_checkpoint *ck);

/* Give net (rl_net_init'ed with ck->cfg.net[which].hidden units) the
 * checkpoint's net `which`: its options (rl_config_net_opts of ck->cfg),
 * its W2 scale (rl_config_out_init of that net), current and
 * initial weights and biases and their norms, activation, init scales and
 * the optimiser state. The step count is ck->step[which]. */
void rl_checkpoint_apply_net(const struct rl_checkpoint *ck, int which,
                             struct rl_net *net);

/* Build a trainer from the checkpoint: data from its settings, both nets
 * with its weights and step counts, history restarted at those steps.
 * Stepping it then continues exactly (bit for bit) the run that saved it.
 * history_cap as in rl_trainer_init. ck must outlive tr: tr->cfg.data_path
 * points into it. False with err on failure. */
bool rl_checkpoint_trainer_init(struct rl_trainer *tr,
                                const struct rl_checkpoint *ck,
                                int history_cap, char *err, size_t errlen);

#endif
