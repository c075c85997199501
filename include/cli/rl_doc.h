/* rl_doc.h: the man page and the bash completion, generated from the
 * program's own help.
 *
 * Each command prints its --help from its settings table; these functions
 * run every command's help into memory and turn what it printed into a
 * man page (troff, section 1) or a bash completion script, so both list
 * exactly the commands and flags --help lists and never need editing by
 * hand. The build runs `richlazy help --man` and `richlazy help
 * --bash-completion` and installs the results.
 *
 * What is read from a help text: the "usage: " line(s); the description
 * up to the first option line; option lines "  --name METAVAR  help"
 * (METAVAR starts with an upper-case letter; deeper-indented lines continue
 * the help); flags inside the usage line such as "[--out DIR]"; everything
 * after the options is kept as preformatted text. A help text of a value
 * "choose: a, b, c" (single lower-case words after the last ": ") gives the
 * completion its choices; a METAVAR naming a DIR or CHECKPOINT completes
 * folders, one naming a FILE or PATH completes files.
 */
#ifndef RL_DOC_H
#define RL_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A command's entry point: argv[0..argc) are its flags (not the program
 * or the command name); output to out, errors to err; exit status. */
typedef int (*rl_command_fn)(int argc, char **argv, FILE *out, FILE *err);

struct rl_command {
    const char *name;       /* "run" */
    rl_command_fn fn;
    const char *summary;    /* one line for the command list */
};

/* The program's version (meson's project version) and the revision it
 * was built from (`git describe --always --dirty` at build time, "unknown"
 * when built outside a git checkout). Defined in the generated version.c. */
extern const char rl_version[];
extern const char rl_revision[];

/* Write the man page of the program whose top-level help `usage` prints
 * and whose commands are cmds[0..n). Each command's help is obtained by
 * calling its fn with the single flag --help. False, with one line in err,
 * when a help text cannot be captured or parsed (out of memory, a command
 * whose --help fails or prints no "usage: " line). */
bool rl_doc_man(FILE *f, void (*usage)(FILE *), const struct rl_command *cmds,
                int n, char *err, size_t errlen);

/* Write a bash completion script for the program of commands cmds[0..n): commands, each
 * command's flags, and flag values (choices, files, folders) as described
 * above; flags without a command complete as those of cmds[default_cmd]
 * (the command the program runs then). Same failures as rl_doc_man. */
bool rl_doc_bash_completion(FILE *f, const struct rl_command *cmds, int n,
                            int default_cmd, char *err, size_t errlen);

#endif
