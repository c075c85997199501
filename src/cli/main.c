/* main.c: `richlazy [COMMAND] [options]`: dispatch to the commands. */
#include <stdio.h>
#include <string.h>

#include <cblas.h>

#include "rl_bench.h"
#include "rl_doc.h"
#include "rl_exp_cmd.h"
#include "rl_export_torch.h"
#include "rl_headless.h"
#include "rl_reproduce.h"
#include "rl_run.h"
#include "rl_window.h"

/* `window`, with --preset NAME taken from the reproduce presets */
static int window_cmd(int argc, char **argv, FILE *out, FILE *errf)
{
    return rl_window_main_preset(argc, argv, out, errf,
                                 rl_reproduce_window_config);
}

static const struct rl_command commands[] = {
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
    {"export-torch", rl_export_torch_main,
     "write RUNDIR/replay.py: PyTorch trains the run again and compares"},
};
static const int ncommands = (int)(sizeof(commands) / sizeof(commands[0]));
/* flags without a command run this one */
static const int default_command = 1;

static void usage(FILE *f)
{
    fputs("usage: richlazy [COMMAND] [options]\n"
          "\n"
          "Watch a wide two-layer network learn in the rich (feature\n"
          "learning) and the lazy (kernel) regime, side by side.\n"
          "\n"
          "Commands:\n", f);
    for (int i = 0; i < ncommands; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n  richlazy COMMAND --help   shows a command's options.\n"
          "  richlazy --hidden 100 ...   (flags alone) opens the window with "
          "them.\n"
          "  richlazy --version        prints the version and revision.\n",
          f);
}

/* `richlazy help [COMMAND | --man | --bash-completion]`: the help of the
 * program or of one command; --man and --bash-completion (used by the
 * build) write the man page and the completion script generated from the
 * same help texts. */
static int help_main(int argc, char **argv)
{
    char err[512];
    if (argc == 0) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[0], "--man") || !strcmp(argv[0], "--bash-completion")) {
        bool ok = argv[0][2] == 'm'
            ? rl_doc_man(stdout, usage, commands, ncommands, err, sizeof(err))
            : rl_doc_bash_completion(stdout, commands, ncommands,
                                     default_command, err, sizeof(err));
        if (!ok) {
            fprintf(stderr, "richlazy: error: %s\n", err);
            return 1;
        }
        return fflush(stdout) == 0 ? 0 : 1;
    }
    for (int i = 0; i < ncommands; i++) {
        if (!strcmp(argv[0], commands[i].name)) {
            char flag[] = "--help";
            char *args[] = {flag, NULL};
            return commands[i].fn(1, args, stdout, stderr);
        }
    }
    fprintf(stderr, "richlazy: error: no help on '%s' (commands: see richlazy "
            "--help)\n", argv[0]);
    return 2;
}

int main(int argc, char **argv)
{
    /* one BLAS thread: the matrices are tiny; experiments parallelise
     * over runs instead */
    openblas_set_num_threads(1);
    if (argc < 2)
        return rl_main_default(stdout, stderr);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "help"))
        return help_main(argc - 2, argv + 2);
    if (!strcmp(cmd, "--version")) {
        printf("richlazy %s (revision %s)\n", rl_version, rl_revision);
        return 0;
    }
    for (int i = 0; i < ncommands; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].fn(argc - 2, argv + 2, stdout, stderr);
    /* flags without a command: the default command, the window */
    if (cmd[0] == '-' && cmd[1] == '-')
        return commands[default_command].fn(argc - 1, argv + 1, stdout,
                                            stderr);
    fprintf(stderr, "richlazy: error: unknown command '%s' (see richlazy "
            "--help)\n", cmd);
    return 2;
}
