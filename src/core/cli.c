/* cli.c: flags derived from the settings table, and their help (see
 * rl_cli.h). */
#include "rl_cli.h"

#include <assert.h>
#include <string.h>

#include "rl_config.h"
#include "rl_scenario.h"

static size_t type_size(enum rl_set_type t)
{
    switch (t) {
    case RL_SET_INT:
    case RL_SET_ENUM:
        return sizeof(int);
    case RL_SET_LONG:
        return sizeof(long);
    case RL_SET_DOUBLE:
        return sizeof(double);
    case RL_SET_U64:
        return sizeof(uint64_t);
    case RL_SET_STRING:
        return sizeof(const char *);
    case RL_SET_FLAG:
        return sizeof(bool);
    }
    return 0;
}

static const struct rl_bind *find_bind(const struct rl_bind *binds,
                                       int nbinds, const char *name)
{
    for (int i = 0; i < nbinds; i++)
        if (!strcmp(binds[i].name, name))
            return &binds[i];
    return NULL;
}

static void add(struct rl_cli *cli, const struct rl_setting *s,
                const char *prefix, size_t offset, size_t stride,
                const char *help)
{
    assert(cli->nopts < RL_CLI_MAX_OPTS);
    struct rl_opt *o = &cli->opts[cli->nopts++];
    snprintf(o->flag, sizeof(o->flag), "--%s%s", prefix, s->name);
    o->set = s;
    o->offset = offset;
    o->stride = stride;
    o->help = help;
}

void rl_cli_build(struct rl_cli *cli, unsigned cmd, size_t cfg_base,
                  const struct rl_bind *binds, int nbinds)
{
    memset(cli, 0, sizeof(*cli));
    cli->cmd = cmd;
    cli->cfg_base = cfg_base;
    for (int i = 0; i < rl_settings_count; i++) {
        const struct rl_setting *s = &rl_settings[i];
        if (!(s->commands & cmd))
            continue;
        const struct rl_bind *b = find_bind(binds, nbinds, s->name);
        const char *help = b && b->help ? b->help : s->help;
        if (b && b->offset != RL_BIND_CONFIG) {
            add(cli, s, "", b->offset, 0, help);
            continue;
        }
        assert(s->where != RL_IN_COMMAND); /* such rows must be bound */
        if (s->where == RL_IN_CONFIG) {
            add(cli, s, "", cfg_base + s->offset, 0, help);
            continue;
        }
        size_t net0 = cfg_base + offsetof(struct rl_config, net) + s->offset;
        size_t stride = sizeof(struct rl_net_cfg);
        add(cli, s, "rich-", net0 + RL_RICH * stride, 0, help);
        add(cli, s, "lazy-", net0 + RL_LAZY * stride, 0, help);
        add(cli, s, "", net0, stride, help);
    }
}

int rl_cli_find(const struct rl_cli *cli, const char *name)
{
    for (int i = 0; i < cli->nopts; i++)
        if (!strcmp(cli->opts[i].flag, name))
            return i;
    return -1;
}

bool rl_cli_seen(const struct rl_cli *cli, const struct rl_cli_seen *seen,
                 const char *name)
{
    int i = rl_cli_find(cli, name);
    return i >= 0 && seen->on[i];
}

enum rl_cli_result rl_cli_parse(const struct rl_cli *cli, int argc,
                                char **argv, void *target,
                                struct rl_cli_seen *seen, char *err,
                                size_t errlen)
{
    int npos;
    return rl_cli_parse_positional(cli, argc, argv, target, seen, NULL, 0,
                                   &npos, err, errlen);
}

enum rl_cli_result rl_cli_parse_positional(const struct rl_cli *cli, int argc,
                                           char **argv, void *target,
                                           struct rl_cli_seen *seen,
                                           char **pos,
                                           int maxpos, int *npos, char *err,
                                           size_t errlen)
{
    if (seen)
        memset(seen, 0, sizeof(*seen));
    *npos = 0;
    char q[160];
    /* a scenario first (the last --config given), so flags override it */
    const char *scenario = NULL;
    for (int a = 0; a < argc; a++) {
        if (!strncmp(argv[a], "--config=", 9))
            scenario = argv[a] + 9;
        else if (!strcmp(argv[a], "--config") && a + 1 < argc)
            scenario = argv[++a];
    }
    if (scenario && rl_cli_find(cli, "--config") >= 0 &&
        !rl_scenario_apply(cli, scenario, target, seen, err, errlen))
        return RL_CLI_ERROR;
    for (int a = 0; a < argc; a++) {
        const char *arg = argv[a];
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
            return RL_CLI_HELP;
        if (arg[0] != '-' && *npos < maxpos) {
            pos[(*npos)++] = argv[a];
            continue;
        }
        if (strncmp(arg, "--", 2) != 0) {
            rl_escape(q, sizeof(q), arg, (size_t)-1);
            snprintf(err, errlen, "unexpected argument '%s' (flags start "
                     "with --; see --help)", q);
            return RL_CLI_ERROR;
        }
        /* --name=value or --name value */
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        int i = -1;
        for (int k = 0; k < cli->nopts && i < 0; k++)
            if (strlen(cli->opts[k].flag) == len &&
                !memcmp(cli->opts[k].flag, arg, len))
                i = k;
        if (i < 0) {
            rl_escape(q, sizeof(q), arg, len);
            snprintf(err, errlen, "unknown flag '%s' (see --help)", q);
            return RL_CLI_ERROR;
        }
        const struct rl_opt *o = &cli->opts[i];
        if (seen)
            seen->on[i] = true;
        char *field = (char *)target + o->offset;
        if (o->set->type == RL_SET_FLAG) {
            if (eq) {
                snprintf(err, errlen, "%s takes no value", o->flag);
                return RL_CLI_ERROR;
            }
            *(bool *)field = true;
            if (o->stride) /* plain flag of a per-net row: both nets */
                *(bool *)(field + o->stride) = true;
            continue;
        }
        const char *value;
        if (eq) {
            value = eq + 1;
        } else if (a + 1 < argc) {
            value = argv[++a];
        } else {
            snprintf(err, errlen, "%s needs a value (%s)", o->flag,
                     o->set->metavar ? o->set->metavar : "VALUE");
            return RL_CLI_ERROR;
        }
        char why[512];
        if (!rl_setting_read(o->set, value, field, why, sizeof(why))) {
            snprintf(err, errlen, "%s %s", o->flag, why);
            return RL_CLI_ERROR;
        }
        if (o->stride) /* plain flag of a per-net row: both nets */
            memcpy(field + o->stride, field, type_size(o->set->type));
    }
    return RL_CLI_OK;
}

static void print_default(FILE *f, const struct rl_opt *o,
                          const void *defaults)
{
    const struct rl_setting *s = o->set;
    if (s->default_text) {
        fprintf(f, " [%s]", s->default_text);
        return;
    }
    const char *field = (const char *)defaults + o->offset;
    char buf[64];
    switch (s->type) {
    case RL_SET_DOUBLE:
        if (*(const double *)field < 0.0 ||
            (*(const double *)field == 0.0 && strstr(o->help, "(default")))
            return;
        if (o->stride &&
            *(const double *)field != *(const double *)(field + o->stride))
            return; /* the nets differ: their own flags show both */
        snprintf(buf, sizeof(buf), "%g", *(const double *)field);
        break;
    case RL_SET_STRING:
        if (!*(const char *const *)field)
            return;
        rl_setting_format(s, field, buf, sizeof(buf));
        break;
    case RL_SET_FLAG:
        return;
    default:
        rl_setting_format(s, field, buf, sizeof(buf));
        break;
    }
    fprintf(f, " [%s]", buf);
}

void rl_cli_print_help(FILE *f, const char *usage, const struct rl_cli *cli,
                       const void *defaults)
{
    fputs(usage, f);
    fputs("\nOptions (default in brackets):\n", f);
    /* one help column for all: as wide as the longest flag and its value
     * name (at most 28; a longer one puts its help on the next line) */
    int col = 20;
    for (int i = 0; i < cli->nopts; i++) {
        const struct rl_setting *s = cli->opts[i].set;
        int n = (int)strlen(cli->opts[i].flag) +
                (s->metavar ? 1 + (int)strlen(s->metavar) : 0);
        if (n > col && n <= 28)
            col = n;
    }
    for (int i = 0; i < cli->nopts; i++) {
        const struct rl_opt *o = &cli->opts[i];
        const struct rl_setting *s = o->set;
        char head[80];
        snprintf(head, sizeof(head), "%s%s%s", o->flag,
                 s->metavar ? " " : "", s->metavar ? s->metavar : "");
        const char *who = "";
        if (s->where == RL_IN_NET && !o->stride)
            who = !strncmp(o->flag, "--rich-", 7) ? " (rich net)"
                  : !strncmp(o->flag, "--lazy-", 7) ? " (lazy net)" : "";
        else if (s->where == RL_IN_NET && o->stride)
            who = " (both nets)";
        if ((int)strlen(head) > col)
            fprintf(f, "  %s\n  %-*s %s%s", head, col, "", o->help, who);
        else
            fprintf(f, "  %-*s %s%s", col, head, o->help, who);
        if (defaults)
            print_default(f, o, defaults);
        fputc('\n', f);
    }
    fprintf(f, "  %-*s %s\n", col, "-h, --help", "show this help");
}
