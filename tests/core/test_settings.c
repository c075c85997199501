/* test_settings.c: the settings table itself: its rows are consistent, the
 * enum choices match the names the program uses, every command's flags
 * come from it, and the README's settings table is the table (generated
 * from it: `build/tests/core/test_settings --print` prints the block). */
#include <stdlib.h>

#include "check.h"
#include "rl_cli.h"
#include "rl_config.h"
#include "rl_data.h"
#include "rl_net.h"
#include "rl_settings.h"
#include "test_util.h"

#ifndef RL_TEST_SOURCE_ROOT
#define RL_TEST_SOURCE_ROOT "."
#endif

static void test_rows_consistent(void)
{
    for (int i = 0; i < rl_settings_count; i++) {
        const struct rl_setting *s = &rl_settings[i];
        CHECK(s->name && s->help && s->commands);
        CHECK(rl_setting_find(s->name) == s); /* names unique */
        CHECK((s->metavar == NULL) == (s->type == RL_SET_FLAG));
        CHECK((s->choices != NULL) == (s->type == RL_SET_ENUM));
        if (s->min != s->max)
            CHECK(s->min < s->max);
        /* what a command keeps for itself is never read from a file */
        if (s->where == RL_IN_COMMAND)
            CHECK(!s->in_file && !s->recorded);
        /* the default passes the row's own check (or is a stated
         * sentinel: noise < 0, out-init 0) */
        if (s->where != RL_IN_COMMAND && s->type != RL_SET_STRING &&
            !s->default_text) {
            char text[64], why[256];
            for (int w = 0; w < (s->where == RL_IN_NET ? RL_NETS : 1); w++) {
                rl_setting_format(s, rl_setting_cptr(s, &rl_config_default, w),
                                  text, sizeof(text));
                union {
                    double d;
                    long l;
                    int i;
                    uint64_t u;
                    bool b;
                } v;
                CHECK(rl_setting_read(s, text, &v, why, sizeof(why)));
            }
        }
    }
    /* paths that choose where things are written, programs and scripts
     * never come from files */
    const char *never[] = {"out", "checkpoint", "video", "script", "quiet"};
    for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
        CHECK(rl_setting_find(never[i]) && !rl_setting_find(never[i])->in_file);
}

static void test_choices_match_names(void)
{
    const struct rl_setting *d = rl_setting_find("dataset");
    for (int i = 0; i < RL_DATASET_COUNT; i++)
        CHECK(d->choices[i] && !strcmp(d->choices[i], rl_dataset_name(i)));
    CHECK(d->choices[RL_DATASET_COUNT] == NULL);
    const struct rl_setting *a = rl_setting_find("activation");
    for (int i = 0; i < RL_ACT_COUNT; i++)
        CHECK(a->choices[i] &&
              !strcmp(a->choices[i], rl_activation_name(i)));
    CHECK(a->choices[RL_ACT_COUNT] == NULL);
}

static void test_per_net_keys(void)
{
    const struct rl_setting *s = rl_setting_find("init");
    char key[64];
    rl_setting_key(s, RL_RICH, key, sizeof(key));
    CHECK(!strcmp(key, "rich_init"));
    rl_setting_key(s, RL_LAZY, key, sizeof(key));
    CHECK(!strcmp(key, "lazy_init"));
    rl_setting_key(rl_setting_find("test-split"), -1, key, sizeof(key));
    CHECK(!strcmp(key, "test_split"));
    struct rl_config c = rl_config_default;
    *(double *)rl_setting_ptr(s, &c, RL_LAZY) = 7.0;
    CHECK(c.net[RL_LAZY].init == 7.0 && c.net[RL_RICH].init == 0.001);
}

/* Each command's flags are exactly the rows naming it: a shared row one
 * flag, a per-net row three (or one, when the command keeps it itself). */
static void test_commands_take_their_rows(void)
{
    static struct rl_bind binds[128];
    int nb = 0;
    for (int i = 0; i < rl_settings_count; i++)
        if (rl_settings[i].where == RL_IN_COMMAND)
            binds[nb++] = (struct rl_bind){rl_settings[i].name,
                                           sizeof(struct rl_config) + 8 * i,
                                           NULL};
    for (int k = 0; k < RL_CMD_COUNT; k++) {
        unsigned cmd = 1u << k;
        struct rl_cli cli;
        rl_cli_build(&cli, cmd, 0, binds, nb);
        int want = 0;
        for (int i = 0; i < rl_settings_count; i++) {
            const struct rl_setting *s = &rl_settings[i];
            if (!(s->commands & cmd))
                continue;
            char flag[64];
            snprintf(flag, sizeof(flag), "--%s", s->name);
            CHECK(rl_cli_find(&cli, flag) >= 0);
            want += s->where == RL_IN_NET ? 3 : 1;
            if (s->where == RL_IN_NET) {
                snprintf(flag, sizeof(flag), "--rich-%s", s->name);
                CHECK(rl_cli_find(&cli, flag) >= 0);
            }
        }
        CHECK(cli.nopts == want);
    }
    /* the window takes no --steps, the experiments no --video */
    struct rl_cli w;
    rl_cli_build(&w, RL_CMD_WINDOW, 0, binds, nb);
    CHECK(rl_cli_find(&w, "--steps") < 0 && rl_cli_find(&w, "--from") >= 0);
    rl_cli_build(&w, RL_CMD_SWEEP, 0, binds, nb);
    CHECK(rl_cli_find(&w, "--video") < 0 && rl_cli_find(&w, "--init") >= 0);
}

/* ---- the README's table, generated ---- */

static void value_words(const struct rl_setting *s, char *buf, size_t len)
{
    switch (s->type) {
    case RL_SET_INT:
    case RL_SET_LONG:
        snprintf(buf, len, "whole number %.0f..%.0f", s->min, s->max);
        break;
    case RL_SET_U64:
        snprintf(buf, len, "whole number 0..2^64-1");
        break;
    case RL_SET_DOUBLE:
        snprintf(buf, len, "number %s %.15g, %s %.15g",
                 s->min_exclusive ? ">" : ">=", s->min,
                 s->max_exclusive ? "<" : "<=", s->max);
        break;
    case RL_SET_STRING:
        snprintf(buf, len, "text");
        break;
    case RL_SET_FLAG:
        snprintf(buf, len, "flag");
        break;
    case RL_SET_ENUM: {
        size_t o = 0;
        buf[0] = '\0';
        for (int i = 0; s->choices[i]; i++)
            o += (size_t)snprintf(buf + o, len - o, "%s`%s`", i ? ", " : "",
                                  s->choices[i]);
        break;
    }
    }
}

static void default_words(const struct rl_setting *s, char *buf, size_t len)
{
    buf[0] = '\0';
    if (s->default_text) {
        snprintf(buf, len, "%s", s->default_text);
        return;
    }
    if (s->where == RL_IN_COMMAND || s->type == RL_SET_FLAG ||
        s->type == RL_SET_STRING)
        return;
    char a[100], b[100];
    rl_setting_format_used(s, &rl_config_default, RL_RICH, a, sizeof(a));
    if (s->where == RL_IN_NET) {
        rl_setting_format_used(s, &rl_config_default, RL_LAZY, b, sizeof(b));
        snprintf(buf, len, "rich %s, lazy %s", a, b);
    } else {
        snprintf(buf, len, "%s", a);
    }
}

/* The markdown table of every setting. */
static char *settings_markdown(void)
{
    size_t cap = 1 << 16, o = 0;
    char *md = malloc(cap);
    o += (size_t)snprintf(md + o, cap - o,
        "| setting | flags | meaning | value | default | commands | "
        "in files |\n|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < rl_settings_count; i++) {
        const struct rl_setting *s = &rl_settings[i];
        char flags[512], value[256], def[256], cmds[128] = "", file[256];
        const char *mv = s->metavar ? " " : "";
        const char *m = s->metavar ? s->metavar : "";
        if (s->where == RL_IN_NET)
            snprintf(flags, sizeof(flags),
                     "`--rich-%s%s%s`, `--lazy-%s%s%s`, `--%s%s%s` (both)",
                     s->name, mv, m, s->name, mv, m, s->name, mv, m);
        else
            snprintf(flags, sizeof(flags), "`--%s%s%s`", s->name, mv, m);
        value_words(s, value, sizeof(value));
        default_words(s, def, sizeof(def));
        size_t c = 0;
        for (int k = 0; k < RL_CMD_COUNT; k++)
            if (s->commands & (1u << k))
                c += (size_t)snprintf(cmds + c, sizeof(cmds) - c, "%s%s",
                                      c ? ", " : "", rl_cmd_name(1u << k));
        if (!s->in_file) {
            snprintf(file, sizeof(file), "no");
        } else {
            char k1[64], k2[64];
            rl_setting_key(s, s->where == RL_IN_NET ? RL_RICH : -1, k1,
                           sizeof(k1));
            rl_setting_key(s, RL_LAZY, k2, sizeof(k2));
            if (s->where == RL_IN_NET)
                snprintf(file, sizeof(file), "`%s`, `%s`", k1, k2);
            else
                snprintf(file, sizeof(file), "`%s`", k1);
        }
        o += (size_t)snprintf(md + o, cap - o,
                              "| `%s` | %s | %s | %s | %s | %s | %s |\n",
                              s->name, flags, s->help, value, def, cmds,
                              file);
    }
    return md;
}

static const char begin_mark[] = "<!-- settings table: generated by "
                                 "tests/core/test_settings.c -->\n";
static const char end_mark[] = "<!-- end of settings table -->";

static void test_readme_lists_the_table(void)
{
    size_t len;
    char *readme = test_read_file(RL_TEST_SOURCE_ROOT "/README.md", &len);
    CHECK(readme != NULL);
    if (!readme)
        return;
    char *md = settings_markdown();
    const char *a = strstr(readme, begin_mark);
    const char *b = a ? strstr(a, end_mark) : NULL;
    CHECK(a && b);
    if (a && b) {
        a += strlen(begin_mark);
        bool same = (size_t)(b - a) == strlen(md) && !memcmp(a, md, strlen(md));
        if (!same)
            fprintf(stderr, "README's settings table is out of date; "
                    "replace it with the output of test_settings --print\n");
        CHECK(same);
    }
    free(md);
    free(readme);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--print")) {
        char *md = settings_markdown();
        printf("%s%s%s\n", begin_mark, md, end_mark);
        free(md);
        return 0;
    }
    test_rows_consistent();
    test_choices_match_names();
    test_per_net_keys();
    test_commands_take_their_rows();
    test_readme_lists_the_table();
    return check_summary("settings");
}
