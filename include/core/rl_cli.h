/* rl_cli.h: command-line flags derived from the settings table.
 *
 * A command builds its flag list from the rows of rl_settings[] that name
 * it (rl_settings.h): a shared row NAME is the flag --NAME, a per-net row
 * NAME the flags --rich-NAME, --lazy-NAME and --NAME (both nets). Rows
 * whose value lives in the command's own options struct are bound to it by
 * an rl_bind. The parser writes values into the target struct, checks them
 * with rl_setting_read (the same check files get) and reports one clear
 * line on the first problem. The help text is generated from the same
 * list, so --help always tells the truth.
 */
#ifndef RL_CLI_H
#define RL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rl_settings.h"

/* Where a command keeps a setting: the offset of the value in the target
 * struct (RL_BIND_CONFIG: the row stays in the target's struct rl_config
 * and only the help changes) and an optional help line of its own (NULL:
 * the row's). A per-net row bound to an offset is one value there, taken
 * by the plain flag --NAME only. */
struct rl_bind {
    const char *name;
    size_t offset;
    const char *help;
};
#define RL_BIND_CONFIG ((size_t)-1)

enum { RL_CLI_MAX_OPTS = 160 };

/* Which flags of a command were given: on[i] for cli->opts[i]. */
struct rl_cli_seen {
    bool on[RL_CLI_MAX_OPTS];
};

struct rl_opt {
    char flag[48];                  /* "--rich-init" */
    const struct rl_setting *set;   /* its row */
    size_t offset;                  /* of the value in the target struct */
    size_t stride;                  /* per-net plain flag: distance to the
                                     * second net's value; 0 otherwise */
    const char *help;
};

struct rl_cli {
    unsigned cmd;                   /* one rl_cmd bit */
    size_t cfg_base;                /* offset of the struct rl_config in
                                     * the parse target */
    int nopts;
    struct rl_opt opts[RL_CLI_MAX_OPTS];
};

/* The flags of command cmd: every row naming it, in table order. The
 * target struct holds its struct rl_config at cfg_base (0 when the target
 * is the config itself). Every RL_IN_COMMAND row naming cmd must be bound
 * (programmer error otherwise). */
void rl_cli_build(struct rl_cli *cli, unsigned cmd, size_t cfg_base,
                  const struct rl_bind *binds, int nbinds);

enum rl_cli_result {
    RL_CLI_OK = 0,
    RL_CLI_HELP = 1,        /* -h/--help seen: print help, exit 0 */
    RL_CLI_ERROR = 2,       /* err holds the problem: exit 2 */
};

/* Parse argv[0..argc) (argv[0] is the first flag, not the program) into
 * target. `seen`, when non-NULL, records each flag given.
 * Positional arguments are errors. When the command takes --config FILE
 * and it is given, the scenario file is read first (rl_scenario_apply:
 * its settings count as given), then every flag on top of it. */
enum rl_cli_result rl_cli_parse(const struct rl_cli *cli, int argc,
                                char **argv, void *target,
                                struct rl_cli_seen *seen, char *err,
                                size_t errlen);

/* As rl_cli_parse, but arguments not starting with "-" are positional:
 * up to maxpos of them are stored (pointing into argv) in pos and counted
 * in *npos; more than maxpos is an error. */
enum rl_cli_result rl_cli_parse_positional(const struct rl_cli *cli, int argc,
                                           char **argv, void *target,
                                           struct rl_cli_seen *seen,
                                           char **pos,
                                           int maxpos, int *npos, char *err,
                                           size_t errlen);

/* Print "usage" then one line per flag with its default read from
 * `defaults` (a struct of the same type as the parse target). */
void rl_cli_print_help(FILE *f, const char *usage, const struct rl_cli *cli,
                       const void *defaults);

/* Index of the flag called name ("--lr"), -1 when absent. */
int rl_cli_find(const struct rl_cli *cli, const char *name);

/* Was the flag called name given (per `seen` from rl_cli_parse)? */
bool rl_cli_seen(const struct rl_cli *cli, const struct rl_cli_seen *seen,
                 const char *name);

#endif
