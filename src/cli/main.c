/* main.c: `richlazy [COMMAND] [options]`: dispatch to the commands. */
#include <stdio.h>
#include <string.h>

#include <cblas.h>

#include "rl_bench.h"
#include "rl_exp_cmd.h"
#include "rl_headless.h"
#include "rl_reproduce.h"
#include "rl_run.h"
#include "rl_window.h"

typedef int (*command_fn)(int argc, char **argv, FILE *out, FILE *errf);

/* `window`, with --preset NAME taken from the reproduce presets */
static int window_cmd(int argc, char **argv, FILE *out, FILE *errf)
{
    return rl_window_main_preset(argc, argv, out, errf,
                                 rl_reproduce_window_config);
}

static const struct {
    const char *name;
    command_fn fn;
    const char *summary;
} commands[] = {
    {"run", rl_headless_main,
     "train headless; write metrics.csv, data.csv, weights (and frames)"},
    {"window", window_cmd,
     "the live window (the default when a display is available)"},
    {"sweep", rl_sweep_main,
     "weight-decay sweep: many runs per lambda, mean and sd, sweep.png"},
    {"phase", rl_phase_main,
     "rich vs lazy phase diagram over init scale x lambda (or lr)"},
    {"retrain", rl_retrain_main,
     "continue a checkpoint's nets on new data, track the original task"},
    {"merge", rl_merge_main,
     "combine --shard I/N outputs into the unsharded CSV and PNG"},
    {"reproduce", rl_reproduce_main,
     "re-run published rich/lazy results with PASS/FAIL checks"},
    {"bench", rl_bench_main, "time training vs PyTorch and the fp32 peak"},
};

static void usage(FILE *f)
{
    fputs("usage: richlazy [COMMAND] [options]\n"
          "\n"
          "Watch a wide two-layer network learn in the rich (feature\n"
          "learning) and the lazy (kernel) regime, side by side.\n"
          "\n"
          "Commands:\n", f);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n  richlazy COMMAND --help   shows a command's options.\n"
          "  richlazy --hidden 100 ...   (flags alone) opens the window with "
          "them.\n", f);
}

int main(int argc, char **argv)
{
    /* one BLAS thread: the matrices are tiny; experiments parallelise
     * over runs instead */
    openblas_set_num_threads(1);
    if (argc < 2)
        return rl_main_default(stdout, stderr);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].fn(argc - 2, argv + 2, stdout, stderr);
    /* flags without a command: the default command, the window */
    if (cmd[0] == '-' && cmd[1] == '-')
        return window_cmd(argc - 1, argv + 1, stdout, stderr);
    fprintf(stderr, "richlazy: error: unknown command '%s' (see richlazy "
            "--help)\n", cmd);
    return 2;
}
