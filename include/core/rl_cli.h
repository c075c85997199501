/* rl_cli.h: a small table-driven command-line parser.
 *
 * Each command describes its flags as a table of rl_opt; the parser writes
 * values into a target struct at each option's offset, checks ranges, and
 * reports one clear line on the first problem. The help text is generated
 * from the same table, so --help always tells the truth.
 */
#ifndef RL_CLI_H
#define RL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum rl_opt_type {
    RL_OPT_INT,         /* int */
    RL_OPT_LONG,        /* long */
    RL_OPT_DOUBLE,      /* double */
    RL_OPT_U64,         /* uint64_t */
    RL_OPT_STRING,      /* const char * (points into argv) */
    RL_OPT_FLAG,        /* bool, takes no value */
    RL_OPT_DATASET,     /* enum rl_dataset, by name */
    RL_OPT_ACTIVATION,  /* enum rl_activation, by name */
};

struct rl_opt {
    const char *name;       /* "--lr" */
    enum rl_opt_type type;
    size_t offset;          /* offsetof(target struct, field) */
    const char *metavar;    /* "X" in "--lr X"; NULL for flags */
    const char *help;       /* one line */
    double min, max;        /* inclusive range for numbers (min == max: none) */
    bool min_exclusive;     /* value must be > min rather than >= min */
};

enum rl_cli_result {
    RL_CLI_OK = 0,
    RL_CLI_HELP = 1,        /* -h/--help seen: print help, exit 0 */
    RL_CLI_ERROR = 2,       /* err holds the problem: exit 2 */
};

/* Parse argv[0..argc) (argv[0] is the first flag, not the program) into
 * target. `seen`, when non-NULL, gets bit i set for each table entry i
 * given (tables of at most 64 entries). Positional arguments are errors. */
enum rl_cli_result rl_cli_parse(const struct rl_opt *opts, int nopts,
                                int argc, char **argv, void *target,
                                uint64_t *seen, char *err, size_t errlen);

/* Print "usage" then one line per option with its default read from
 * `defaults` (a struct of the same type as the parse target). */
void rl_cli_print_help(FILE *f, const char *usage, const struct rl_opt *opts,
                       int nopts, const void *defaults);

/* The options of `richlazy run` (target: struct rl_config). */
extern const struct rl_opt rl_run_opts[];
extern const int rl_run_nopts;

/* Index of the option called name in a table, -1 when absent. */
int rl_cli_find(const struct rl_opt *opts, int nopts, const char *name);

#endif
