/* cli.c: table-driven flag parsing and generated help (see rl_cli.h). */
#include "rl_cli.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rl_config.h"
#include "rl_data.h"
#include "rl_net.h"

#define CFG(field) offsetof(struct rl_config, field)

const struct rl_opt rl_run_opts[] = {
    {"--steps", RL_OPT_LONG, CFG(steps), "N", "training steps", 0, 1e15, false},
    {"--out", RL_OPT_STRING, CFG(out_dir), "DIR",
     "output folder (default: richlazy-run-DATE-TIME in the current folder)",
     0, 0, false},
    {"--dataset", RL_OPT_DATASET, CFG(dataset), "NAME",
     "built-in data: blobs, xor, circles, spiral", 0, 0, false},
    {"--data", RL_OPT_STRING, CFG(data_path), "FILE.csv",
     "train on rows x,y,label from a CSV file instead", 0, 0, false},
    {"--samples", RL_OPT_INT, CFG(samples), "N",
     "samples of built-in data", 2, 50000000, false},
    {"--noise", RL_OPT_DOUBLE, CFG(noise), "X",
     "std dev of built-in data noise (default: per dataset, blobs 0.5)", 0,
     100, false},
    {"--test-split", RL_OPT_DOUBLE, CFG(test_fraction), "F",
     "hold out this fraction as a test set (0: none)", 0, 0.95, false},
    {"--activation", RL_OPT_ACTIVATION, CFG(act), "NAME",
     "hidden activation: linear, relu, tanh", 0, 0, false},
    {"--hidden", RL_OPT_INT, CFG(hidden), "H", "hidden units", 1, 10000000,
     false},
    {"--lr", RL_OPT_DOUBLE, CFG(lr), "X", "learning rate", 0, 1e6, true},
    {"--lambda", RL_OPT_DOUBLE, CFG(lambda), "X",
     "weight decay, as torch.optim.SGD(weight_decay=X)", 0, 1e6, false},
    {"--rich-init", RL_OPT_DOUBLE, CFG(init[RL_RICH]), "X",
     "std dev of the rich net's input->hidden weights", 0, 1e6, true},
    {"--lazy-init", RL_OPT_DOUBLE, CFG(init[RL_LAZY]), "X",
     "std dev of the lazy net's input->hidden weights", 0, 1e6, true},
    {"--out-init", RL_OPT_DOUBLE, CFG(out_init), "X",
     "std dev of hidden->output weights (default: 1/H)", 0, 1e6, true},
    {"--seed", RL_OPT_U64, CFG(seed), "N", "random seed (data and weights)",
     0, 0, false},
    {"--log-every", RL_OPT_LONG, CFG(log_every), "K",
     "write a metrics.csv row every K steps (and the last step)", 1, 1e15,
     false},
    {"--checkpoint", RL_OPT_STRING, CFG(checkpoint_dir), "DIR",
     "save both nets and their settings here at the end (see retrain)", 0,
     0, false},
    {"--quiet", RL_OPT_FLAG, CFG(quiet), NULL,
     "print nothing but errors", 0, 0, false},
    {"--append", RL_OPT_FLAG, CFG(append), NULL,
     "write into an output folder that is not empty (files of the same "
     "name are replaced, each whole); without it such a folder is refused",
     0, 0, false},
    {"--frames-every", RL_OPT_LONG, CFG(frames_every), "K",
     "render a PNG frame every K steps into OUT/frames (0: none)", 0, 1e15,
     false},
    {"--video", RL_OPT_FLAG, CFG(video), NULL,
     "recorded frames also to an MP4 through ffmpeg (when on the PATH)", 0,
     0, false},
    {"--width", RL_OPT_INT, CFG(width), "W", "width of rendered frames",
     16, 16384, false},
    {"--height", RL_OPT_INT, CFG(height), "H", "height of rendered frames",
     16, 16384, false},
    {"--script", RL_OPT_STRING, CFG(script_path), "FILE",
     "scripted key presses, lines 'FRAME KEY' (see README)", 0, 0, false},
};
const int rl_run_nopts = (int)(sizeof(rl_run_opts) / sizeof(rl_run_opts[0]));

int rl_cli_find(const struct rl_opt *opts, int nopts, const char *name)
{
    for (int i = 0; i < nopts; i++)
        if (!strcmp(opts[i].name, name))
            return i;
    return -1;
}

static bool parse_number(const char *s, double *v)
{
    if (!*s)
        return false;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (*end || errno == ERANGE)
        return false;
    *v = d;
    return true;
}

static bool check_range(const struct rl_opt *o, double v, const char *text,
                        char *err, size_t errlen)
{
    if (!isfinite(v)) {
        snprintf(err, errlen, "%s must be a finite number, got '%s'",
                 o->name, text);
        return false;
    }
    if (o->min == o->max)
        return true;
    if (o->min_exclusive ? !(v > o->min) : !(v >= o->min)) {
        snprintf(err, errlen, "%s must be %s %g, got '%s'", o->name,
                 o->min_exclusive ? ">" : ">=", o->min, text);
        return false;
    }
    if (v > o->max) {
        snprintf(err, errlen, "%s must be at most %g, got '%s'", o->name,
                 o->max, text);
        return false;
    }
    return true;
}

static bool set_value(const struct rl_opt *o, const char *text, void *target,
                      char *err, size_t errlen)
{
    char *field = (char *)target + o->offset;
    double v;
    switch (o->type) {
    case RL_OPT_INT:
    case RL_OPT_LONG:
    case RL_OPT_U64: {
        if (o->type == RL_OPT_U64) {
            /* seeds: plain decimal digits, exact over the whole range */
            char *end;
            errno = 0;
            unsigned long long u = strtoull(text, &end, 10);
            if (!*text || *end || errno || text[0] == '-' || text[0] == '+') {
                snprintf(err, errlen, "%s must be a whole number in "
                         "0..2^64-1, got '%s'", o->name, text);
                return false;
            }
            *(uint64_t *)field = (uint64_t)u;
            return true;
        }
        /* counts: accept 1e6-style too, but only whole values */
        if (!parse_number(text, &v) || v != floor(v)) {
            snprintf(err, errlen, "%s expects a whole number, got '%s'",
                     o->name, text);
            return false;
        }
        if (!check_range(o, v, text, err, errlen))
            return false;
        if (o->type == RL_OPT_INT) {
            if (v > INT_MAX || v < INT_MIN) {
                snprintf(err, errlen, "%s is too large: '%s'", o->name, text);
                return false;
            }
            *(int *)field = (int)v;
        } else {
            *(long *)field = (long)v;
        }
        return true;
    }
    case RL_OPT_DOUBLE:
        if (!parse_number(text, &v)) {
            snprintf(err, errlen, "%s expects a number, got '%s'", o->name,
                     text);
            return false;
        }
        if (!check_range(o, v, text, err, errlen))
            return false;
        *(double *)field = v;
        return true;
    case RL_OPT_STRING:
        if (!*text) {
            snprintf(err, errlen, "%s expects a value, got an empty string",
                     o->name);
            return false;
        }
        *(const char **)field = text;
        return true;
    case RL_OPT_DATASET:
        if (!rl_dataset_parse(text, (enum rl_dataset *)field)) {
            snprintf(err, errlen,
                     "unknown dataset '%s' (choose blobs, xor, circles or "
                     "spiral)", text);
            return false;
        }
        return true;
    case RL_OPT_ACTIVATION:
        if (!rl_activation_parse(text, (enum rl_activation *)field)) {
            snprintf(err, errlen,
                     "unknown activation '%s' (choose linear, relu or tanh)",
                     text);
            return false;
        }
        return true;
    case RL_OPT_FLAG:
        break;
    }
    return false;
}

enum rl_cli_result rl_cli_parse(const struct rl_opt *opts, int nopts,
                                int argc, char **argv, void *target,
                                uint64_t *seen, char *err, size_t errlen)
{
    if (seen)
        *seen = 0;
    for (int a = 0; a < argc; a++) {
        const char *arg = argv[a];
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
            return RL_CLI_HELP;
        if (strncmp(arg, "--", 2) != 0) {
            snprintf(err, errlen, "unexpected argument '%s' (flags start "
                     "with --; see --help)", arg);
            return RL_CLI_ERROR;
        }
        /* --name=value or --name value */
        char name[64];
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        if (len >= sizeof(name)) {
            snprintf(err, errlen, "unknown flag '%.60s...' (see --help)",
                     arg);
            return RL_CLI_ERROR;
        }
        memcpy(name, arg, len);
        name[len] = '\0';
        int i = rl_cli_find(opts, nopts, name);
        if (i < 0) {
            snprintf(err, errlen, "unknown flag '%s' (see --help)", name);
            return RL_CLI_ERROR;
        }
        const struct rl_opt *o = &opts[i];
        if (seen && i < 64)
            *seen |= (uint64_t)1 << i;
        if (o->type == RL_OPT_FLAG) {
            if (eq) {
                snprintf(err, errlen, "%s takes no value", o->name);
                return RL_CLI_ERROR;
            }
            *(bool *)((char *)target + o->offset) = true;
            continue;
        }
        const char *value;
        if (eq) {
            value = eq + 1;
        } else if (a + 1 < argc) {
            value = argv[++a];
        } else {
            snprintf(err, errlen, "%s needs a value (%s)", o->name,
                     o->metavar ? o->metavar : "VALUE");
            return RL_CLI_ERROR;
        }
        if (!set_value(o, value, target, err, errlen))
            return RL_CLI_ERROR;
    }
    return RL_CLI_OK;
}

static void print_default(FILE *f, const struct rl_opt *o,
                          const void *defaults)
{
    const char *field = (const char *)defaults + o->offset;
    switch (o->type) {
    case RL_OPT_INT:
        fprintf(f, " [%d]", *(const int *)field);
        break;
    case RL_OPT_LONG:
        fprintf(f, " [%ld]", *(const long *)field);
        break;
    case RL_OPT_DOUBLE:
        if (*(const double *)field > 0.0)
            fprintf(f, " [%g]", *(const double *)field);
        else if (*(const double *)field == 0.0 &&
                 !strstr(o->help, "default"))
            fprintf(f, " [0]");
        break;
    case RL_OPT_U64:
        fprintf(f, " [%llu]", (unsigned long long)*(const uint64_t *)field);
        break;
    case RL_OPT_STRING:
        if (*(const char *const *)field)
            fprintf(f, " [%s]", *(const char *const *)field);
        break;
    case RL_OPT_DATASET:
        fprintf(f, " [%s]", rl_dataset_name(*(const enum rl_dataset *)field));
        break;
    case RL_OPT_ACTIVATION:
        fprintf(f, " [%s]",
                rl_activation_name(*(const enum rl_activation *)field));
        break;
    case RL_OPT_FLAG:
        break;
    }
}

void rl_cli_print_help(FILE *f, const char *usage, const struct rl_opt *opts,
                       int nopts, const void *defaults)
{
    fputs(usage, f);
    fputs("\nOptions (default in brackets):\n", f);
    for (int i = 0; i < nopts; i++) {
        const struct rl_opt *o = &opts[i];
        char head[64];
        snprintf(head, sizeof(head), "%s%s%s", o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
        fprintf(f, "  %-20s %s", head, o->help);
        if (defaults)
            print_default(f, o, defaults);
        fputc('\n', f);
    }
    fprintf(f, "  %-20s %s\n", "-h, --help", "show this help");
}
