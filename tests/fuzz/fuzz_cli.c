/* fuzz_cli.c: libFuzzer target for the command line of `richlazy run`.
 *
 * The input is split at NUL and newline bytes into argv; rl_cli_parse then
 * either fills a struct rl_config whose values respect every range in the
 * flag table, asks for help, or refuses with one line.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rl_cli.h"
#include "rl_config.h"

#include "fuzz_check.h"

#define MAX_ARGS 64

/* A numeric option's value in target, as a double. */
static double value_of(const struct rl_opt *o, const void *target)
{
    const char *field = (const char *)target + o->offset;
    switch (o->set->type) {
    case RL_SET_INT:
        return *(const int *)field;
    case RL_SET_LONG:
        return (double)*(const long *)field;
    case RL_SET_DOUBLE:
        return *(const double *)field;
    default:
        return 0.0;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
    /* a private NUL-terminated copy, split in place */
    char *text = fuzz_text(buf, len);
    if (!text)
        return 0;
    char *argv[MAX_ARGS];
    int argc = 0;
    char *start = text;
    for (size_t i = 0; i <= len && argc < MAX_ARGS; i++) {
        if (i == len || text[i] == '\0' || text[i] == '\n') {
            text[i] = '\0';
            argv[argc++] = start;
            start = text + i + 1;
        }
    }

    struct rl_config cfg = rl_config_default;
    static struct rl_cli_seen seen;
    char err[512];
    err[0] = '\0';
    static struct rl_cli cli;
    if (!cli.nopts)
        rl_cli_build(&cli, RL_CMD_RUN, 0, NULL, 0);
    enum rl_cli_result r = rl_cli_parse(&cli, argc, argv, &cfg, &seen, err,
                                        sizeof(err));
    if (r == RL_CLI_ERROR) {
        FUZZ_CHECK(err[0] != '\0');
    } else if (r == RL_CLI_OK) {
        for (int i = 0; i < cli.nopts; i++) {
            const struct rl_opt *o = &cli.opts[i];
            const struct rl_setting *s = o->set;
            if (!seen.on[i] || s->min == s->max)
                continue;
            double v = value_of(o, &cfg);
            if (s->type != RL_SET_INT && s->type != RL_SET_LONG &&
                s->type != RL_SET_DOUBLE)
                continue;
            FUZZ_CHECK(isfinite(v));
            FUZZ_CHECK(s->min_exclusive ? v > s->min : v >= s->min);
            FUZZ_CHECK(s->max_exclusive ? v < s->max : v <= s->max);
        }
        FUZZ_CHECK(cfg.net[RL_RICH].hidden >= 1 &&
                   cfg.net[RL_LAZY].hidden >= 1 && cfg.samples >= 2 &&
                   cfg.steps >= 0);
        FUZZ_CHECK(cfg.act >= 0 && cfg.act < RL_ACT_COUNT);
        FUZZ_CHECK(cfg.dataset >= 0 && cfg.dataset < RL_DATASET_COUNT);
    }
    free(text);
    return 0;
}
