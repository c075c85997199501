/* rl_settings.h: the one table of richlazy's settings, and the one way a
 * value is read, checked and quoted.
 *
 * Every flag of every command, every key of checkpoint.txt and of the shard
 * files, and every setting the run summary prints is one row of
 * rl_settings[] (settings.c). A row gives the setting's name (flag
 * "--NAME", file key NAME with '-' written '_'), its type, where its value
 * lives, its unit, its allowed range or choices, its help line, the
 * commands that take it, whether each net of the pair has its own value,
 * and whether a file may set it. Its default is the value in
 * rl_config_default (or in the command's own defaults, for the few rows
 * that live in a command's options).
 *
 * A value from the command line and the same value from a file go through
 * rl_setting_read(), so they are accepted or refused alike, with the same
 * message; a file adds "FILE:LINE: " in front.
 *
 * How to add a setting (one row):
 *   1. Add the field to struct rl_config (rl_config.h), or to struct
 *      rl_net_cfg when each net has its own value, with its default in
 *      rl_config_default (config.c).
 *   2. Add one row to rl_settings[] in settings.c, with SHARED(field) or
 *      PER_NET(field) for where it lives; fields left out are 0/NULL/false:
 *        {.name = "momentum", .type = RL_SET_DOUBLE, PER_NET(momentum),
 *         .metavar = "X", .help = "SGD momentum, as torch.optim.SGD",
 *         .max = 1, .max_exclusive = true, .commands = TRAIN,
 *         .in_file = true},
 *      A per-net row NAME gives the flags --rich-NAME, --lazy-NAME and
 *      --NAME (both nets), and the file keys rich_NAME and lazy_NAME. An
 *      enum row lists its names in .choices (value = index; the enum must
 *      be int-sized and in the same order). .in_file = true makes it part
 *      of checkpoint.txt (written, and required when read: add its key to
 *      optional_key() in checkpoint.c if older checkpoints lack it);
 *      .recorded = true adds a frames.csv column and PNG text chunk (then
 *      update RL_RECORDER_CSV_HEADER).
 *   3. Regenerate the README's settings table with
 *      `build/tests/core/test_settings --print` (test_settings fails until
 *      it matches), and add run's flags to the README's run table.
 * Turning a shared setting into a per-net one: move the field from
 * struct rl_config into struct rl_net_cfg and change SHARED to PER_NET in
 * its row (then update the users of the field).
 * Settings that live in a command's own options struct (e.g. sweep's
 * --runs) are rows with LOCAL offset; the command binds them to its struct
 * with an rl_bind (rl_cli.h).
 */
#ifndef RL_SETTINGS_H
#define RL_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rl_set_type {
    RL_SET_INT,     /* int */
    RL_SET_LONG,    /* long */
    RL_SET_DOUBLE,  /* double */
    RL_SET_U64,     /* uint64_t, plain decimal digits */
    RL_SET_STRING,  /* const char * (points into argv or the caller's text) */
    RL_SET_FLAG,    /* bool, a flag without value; "0"/"1" in files */
    RL_SET_ENUM,    /* int-sized enum; value = index into choices */
};

/* The commands, as a bit mask. */
enum rl_cmd {
    RL_CMD_RUN = 1 << 0,
    RL_CMD_WINDOW = 1 << 1,
    RL_CMD_SWEEP = 1 << 2,
    RL_CMD_PHASE = 1 << 3,
    RL_CMD_RETRAIN = 1 << 4,
    RL_CMD_MERGE = 1 << 5,
    RL_CMD_BENCH = 1 << 6,
};
enum { RL_CMD_COUNT = 7 };

/* Where a row's value lives. */
enum rl_set_where {
    RL_IN_CONFIG,   /* offset into struct rl_config */
    RL_IN_NET,      /* offset into struct rl_net_cfg, one per net */
    RL_IN_COMMAND,  /* the command's own options (bound by name) */
};

struct rl_setting {
    const char *name;       /* field-standard spelling, '-' between words */
    enum rl_set_type type;
    enum rl_set_where where;
    size_t offset;          /* see where; 0 for RL_IN_COMMAND */
    const char *metavar;    /* "X" in "--lr X"; NULL for flags */
    const char *unit;       /* "steps", "pixels", ...; "" when none */
    const char *help;       /* one line */
    double min, max;        /* range for numbers; min == max: none */
    bool min_exclusive;     /* value must be > min rather than >= min */
    bool max_exclusive;     /* value must be < max rather than <= max */
    const char *const *choices; /* RL_SET_ENUM: NULL-terminated names */
    const char *default_text;   /* shown instead of the stored default
                                 * (e.g. "1/H"); NULL: the stored one */
    unsigned commands;      /* rl_cmd bits of the commands that take it */
    bool in_file;           /* may appear in checkpoint.txt, shard and
                             * scenario files; false for every setting that
                             * chooses where something is written, starts a
                             * program or reads a script */
    bool recorded;          /* a column of frames.csv and a text chunk of
                             * every recorded PNG (the value used) */
};

extern const struct rl_setting rl_settings[];
extern const int rl_settings_count;

/* The row called name ("lr", "init"), or NULL. */
const struct rl_setting *rl_setting_find(const char *name);

/* "run", "window", ... for one rl_cmd bit. */
const char *rl_cmd_name(unsigned cmd);

/* Address of the value of a config row in cfg (a struct rl_config); net is
 * RL_RICH or RL_LAZY for RL_IN_NET rows and ignored otherwise. */
void *rl_setting_ptr(const struct rl_setting *s, void *cfg, int net);
const void *rl_setting_cptr(const struct rl_setting *s, const void *cfg,
                            int net);

/* The file key of a row for net (per-net rows: "rich_init"), or the plain
 * key (net < 0 or shared rows: "test_split") into buf. */
void rl_setting_key(const struct rl_setting *s, int net, char *buf,
                    size_t len);

/* Read text as a value of s into dst (the field itself). On a bad value
 * returns false and writes into why the problem without the setting's name
 * in front, e.g. "must be > 0, got '-1'" or "expects a number, got
 * '0x10'" (text quoted escaped, see rl_escape); the caller adds "--lr " or
 * "FILE:LINE: lr ". Strings keep pointing into text. Flags take "0" or
 * "1" here (files); on the command line a flag takes no value. */
bool rl_setting_read(const struct rl_setting *s, const char *text, void *dst,
                     char *why, size_t whylen);

/* Write the value at src as text that rl_setting_read reads back exactly
 * (%.17g for doubles). */
void rl_setting_format(const struct rl_setting *s, const void *src,
                       char *buf, size_t len);

/* The value used of a config row (out-init and noise resolved as
 * rl_config_out_init and rl_config_noise do) in its shortest form that
 * reads back exactly (doubles: %.15g, else %.17g); as frames.csv and the
 * PNG text chunks record it. */
void rl_setting_format_used(const struct rl_setting *s, const void *cfg,
                            int net, char *buf, size_t len);

/* ---- numbers, read one way everywhere ---- */

enum rl_num_result {
    RL_NUM_OK,
    RL_NUM_NOT_NUMBER,  /* not a plain decimal: hex, inf, nan, spaces, ... */
    RL_NUM_TOO_LARGE,   /* a decimal beyond the type's range */
    RL_NUM_TOO_SMALL,   /* nonzero, but below float32's smallest normal
                         * (1.17549435e-38) in magnitude */
};

/* A decimal number: optional sign, digits with an optional point, an
 * optional exponent; nothing before or after it. */
enum rl_num_result rl_parse_double(const char *s, double *v);

/* A whole number in [lo, hi] given in plain decimal digits (optional '-'),
 * or in decimal exponent form with a whole value ("1e6"). Never wraps:
 * outside [lo, hi] is RL_NUM_TOO_LARGE. */
enum rl_num_result rl_parse_long(const char *s, long lo, long hi, long *v);

/* 0..2^64-1 in plain decimal digits only. */
enum rl_num_result rl_parse_u64(const char *s, uint64_t *v);

/* ---- quoting file content in messages ---- */

/* Copy at most n bytes of s (or up to its NUL when n is (size_t)-1) into
 * out as printable text: printable ASCII and valid UTF-8 as they are,
 * backslash as "\\", other bytes as "\xHH" (control characters, ESC,
 * invalid UTF-8), a UTF-8 byte order mark at the start as "<BOM>", and
 * "..." when out is too small. out always ends in NUL (outlen >= 8). */
void rl_escape(char *out, size_t outlen, const char *s, size_t n);

#endif
