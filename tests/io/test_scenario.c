/* test_scenario.c: scenario files are read through the settings table's
 * validator, and a hostile one is refused with FILE:LINE (issue 18). */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#include <dirent.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "rl_cli.h"
#include "rl_config.h"
#include "rl_scenario.h"
#include "rl_script.h"
#include "rl_settings.h"
#include "test_util.h"

static char dir[256];

/* A command's parse target: its own options (8 bytes each) and a config. */
struct target {
    char own[64][8];
    struct rl_config cfg;
};

/* The flags of cmd, its own options bound into struct target. */
static void build_cli(struct rl_cli *cli, unsigned cmd)
{
    static struct rl_bind binds[64];
    int n = 0;
    for (int i = 0; i < rl_settings_count && n < 64; i++)
        if (rl_settings[i].where == RL_IN_COMMAND &&
            (rl_settings[i].commands & cmd)) {
            binds[n] = (struct rl_bind){rl_settings[i].name,
                                        offsetof(struct target, own[n]),
                                        NULL};
            n++;
        }
    rl_cli_build(cli, cmd, offsetof(struct target, cfg), binds, n);
}

/* Parse text as the scenario dir/NAME for `richlazy run` into cfg. */
static bool parse_run(const char *text, struct rl_config *cfg,
                      struct rl_cli_seen *seen, char *err, size_t errlen)
{
    struct rl_cli cli;
    rl_cli_build(&cli, RL_CMD_RUN, 0, NULL, 0);
    *cfg = rl_config_default;
    err[0] = '\0';
    return rl_scenario_parse(&cli, text, strlen(text), "lesson.txt", dir,
                             cfg, seen, err, errlen);
}

/* The problem is refused, names lesson.txt:LINE and says `what`. */
static void refused(const char *text, int line, const char *what)
{
    struct rl_config cfg;
    char err[1024], where[64];
    bool ok = parse_run(text, &cfg, NULL, err, sizeof(err));
    snprintf(where, sizeof(where), "lesson.txt:%d: ", line);
    if (ok || strncmp(err, where, strlen(where)) || !strstr(err, what))
        fprintf(stderr, "for '%s': '%s' (wanted '%s...%s')\n", text, err,
                where, what);
    CHECK(!ok);
    CHECK(!strncmp(err, where, strlen(where)));
    CHECK(strstr(err, what) != NULL);
    for (const char *p = err; *p; p++) /* escaped: no control bytes */
        CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
    rl_scenario_free_all();
}

static void test_settings_as_flags(void)
{
    struct rl_config cfg;
    struct rl_cli_seen seen;
    struct rl_cli cli;
    rl_cli_build(&cli, RL_CMD_RUN, 0, NULL, 0);
    char err[512];
    CHECK(parse_run("# a lesson\n\n  lr = 0.004 \r\ninit=0.1\n"
                    "rich_init=0.002\nactivation=relu\nseed=7\n",
                    &cfg, &seen, err, sizeof(err)));
    CHECK(cfg.lr == 0.004);
    CHECK(cfg.net[RL_RICH].init == 0.002 && cfg.net[RL_LAZY].init == 0.1);
    CHECK(cfg.act == RL_ACT_RELU && cfg.seed == 7);
    CHECK(cfg.net[RL_RICH].hidden ==
          rl_config_default.net[RL_RICH].hidden);
    CHECK(rl_cli_seen(&cli, &seen, "--lr"));
    CHECK(!rl_cli_seen(&cli, &seen, "--hidden"));
    CHECK(cfg.scenario_script == NULL);
    rl_scenario_free_all();
}

/* A setting another command takes is skipped (a window scenario opened by
 * retrain); one no command takes is refused. */
static void test_other_commands_settings(void)
{
    struct rl_cli cli;
    struct target t = {.cfg = rl_config_default};
    build_cli(&cli, RL_CMD_PHASE);
    char err[512];
    /* phase takes no per-net init and no test split */
    const char *text = "init=0.5\ntest_split=0.2\nlr=0.01\n";
    CHECK(rl_scenario_parse(&cli, text, strlen(text), "s.txt", dir, &t, NULL,
                            err, sizeof(err)));
    CHECK(t.cfg.lr == 0.01 && t.cfg.test_fraction == 0);
    rl_scenario_free_all();
}

/* Point 1: nothing in a file chooses where anything is written; point 3:
 * nothing starts a program; scripts and other files are not read. */
static void test_no_writes_no_programs(void)
{
    refused("out=/tmp/evil\n", 1, "'out' is not accepted in a file");
    refused("lr=0.01\ncheckpoint=/tmp/evil\n", 2, "give --checkpoint");
    refused("video=1\n", 1, "starts a program");
    refused("script=keys.txt\n", 1, "not accepted");
    refused("config=other.txt\n", 1, "not accepted");
    refused("state_dump=/tmp/x\n", 1, "not accepted");
    refused("frame_dump=/tmp/x.png\n", 1, "not accepted");
    refused("from=/tmp/ck\n", 1, "not accepted");
    refused("shard=1/2\n", 1, "not accepted");
    refused("rich_out=/tmp/x\n", 1, "unknown setting");
}

/* Point 4: sizes go through the same limits as the flags. */
static void test_sizes_limited(void)
{
    refused("hidden=99999999\n", 1, "hidden must be");
    refused("samples=1e12\n", 1, "samples");
    refused("steps=1e300\n", 1, "steps");
    refused("width=100000\n", 1, "width");
    refused("height=0\n", 1, "height");
    refused("lr=nan\n", 1, "lr expects a decimal number");
    refused("hidden=0x10\n", 1, "hidden");
    /* the file itself */
    size_t n = RL_SCENARIO_MAX_BYTES + 1;
    char *big = malloc(n + 1);
    memset(big, '#', n);
    big[n] = '\0';
    struct rl_config cfg;
    char err[512];
    CHECK(!parse_run(big, &cfg, NULL, err, sizeof(err)));
    CHECK(strstr(err, "larger than") != NULL);
    free(big);
    struct rl_cli cli;
    rl_cli_build(&cli, RL_CMD_RUN, 0, NULL, 0);
    CHECK(!rl_scenario_parse(&cli, "lr=1\0x", 6, "z.txt", dir, &cfg, NULL,
                             err, sizeof(err)));
    CHECK(strstr(err, "NUL") != NULL);
}

static void test_bad_lines(void)
{
    refused("lr=0.01\nlr=0.02\n", 2, "given twice");
    refused("just words\n", 1, "expected 'key=value'");
    refused("[other]\n", 1, "expected 'key=value' or '[script]'");
    refused("nosuch=1\n", 1, "unknown setting 'nosuch'");
    refused("dataset=moons\n", 1, "dataset");
    /* point 5: terminal tricks are escaped */
    refused("\x1b[2J\x1b]0;owned\x07=1\n", 1, "\\x1b[2J\\x1b]0;owned\\x07");
    refused("lr=\x9b\xff\n", 1, "\\x9b\\xff");
}

/* Point 2: a data path stays in the scenario's folder. */
static void test_data_paths(void)
{
    char p[512], q[512];
    snprintf(p, sizeof(p), "%s/points.csv", dir);
    test_write_text(p, "x,y,label\n0,0,0\n1,1,1\n0,1,0\n1,0,1\n");
    snprintf(p, sizeof(p), "%s/sub", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/sub/more.csv", dir);
    test_write_text(p, "x,y,label\n0,0,0\n1,1,1\n");
    snprintf(p, sizeof(p), "%s/passwd.csv", dir);
    CHECK(symlink("/etc/passwd", p) == 0);
    snprintf(p, sizeof(p), "%s/null.csv", dir);
    CHECK(symlink("/dev/null", p) == 0);
    snprintf(p, sizeof(p), "%s/inside.csv", dir);
    CHECK(symlink("points.csv", p) == 0);
    snprintf(p, sizeof(p), "%s/fifo.csv", dir);
    CHECK(mkfifo(p, 0600) == 0);

    struct rl_config cfg;
    char err[1024];
    CHECK(parse_run("data=points.csv\n", &cfg, NULL, err, sizeof(err)));
    snprintf(q, sizeof(q), "%s/points.csv", dir);
    char real[4096];
    CHECK(realpath(q, real) && cfg.data_path && !strcmp(cfg.data_path, real));
    rl_scenario_free_all();
    CHECK(parse_run("data=sub/more.csv\n", &cfg, NULL, err, sizeof(err)));
    rl_scenario_free_all();
    CHECK(parse_run("data=./inside.csv\n", &cfg, NULL, err, sizeof(err)));
    rl_scenario_free_all();

    refused("data=/etc/passwd\n", 1, "absolute path");
    refused("data=../points.csv\n", 1, "'..' component");
    refused("data=sub/../points.csv\n", 1, "'..' component");
    refused("data=passwd.csv\n", 1, "leads out of the file's folder");
    refused("data=null.csv\n", 1, "leads out of the file's folder");
    refused("data=fifo.csv\n", 1, "not a regular file");
    refused("data=sub\n", 1, "not a regular file");
    refused("data=missing.csv\n", 1, "cannot find it");
    refused("data=\n", 1, "is empty");
    refused("# line 1\ndata=\x1b[31m.csv\n", 2, "\\x1b[31m.csv");
    /* such a file exists in the folder: refused by its name all the same */
    snprintf(p, sizeof(p), "%s/\x1b[31m.csv", dir);
    test_write_text(p, "x,y,label\n0,0,0\n1,1,1\n");
    refused("data=\x1b[31m.csv\n", 1, "control character");
}

/* The [script] section: key script lines with the file's line numbers. */
static void test_script_section(void)
{
    struct rl_config cfg;
    char err[512];
    CHECK(parse_run("lr=0.01\n\n[script]\n# keys\n3 L\n1 Tab\n", &cfg, NULL,
                    err, sizeof(err)));
    CHECK(cfg.scenario_script != NULL);
    struct rl_script s;
    CHECK(rl_script_parse(&s, cfg.scenario_script, "lesson.txt", err,
                          sizeof(err)));
    CHECK(s.n == 2 && s.ev[0].frame == 1 && s.ev[0].line == 6 &&
          s.ev[1].line == 5);
    rl_script_destroy(&s);
    rl_scenario_free_all();
    /* a bad key names the file's line, escaped */
    CHECK(parse_run("[script]\n0 L\n0 \x1b[5m\n", &cfg, NULL, err,
                    sizeof(err)));
    CHECK(!rl_script_parse(&s, cfg.scenario_script, "lesson.txt", err,
                           sizeof(err)));
    CHECK(!strncmp(err, "lesson.txt:3: unknown key '\\x1b[5m'", 35));
    rl_scenario_free_all();
}

/* Point 4: a million key presses at frame 0 are handed out at most a
 * frame's worth at a time (the window takes 32 a frame, a run 64). */
static void test_key_bomb_bounded(void)
{
    size_t n = 200000;
    char *text = malloc(n * 4 + 16);
    strcpy(text, "[script]\n");
    char *p = text + strlen(text);
    for (size_t i = 0; i < n; i++, p += 4)
        memcpy(p, "0 x\n", 4);
    *p = '\0';
    struct rl_config cfg;
    char err[512];
    CHECK(parse_run(text, &cfg, NULL, err, sizeof(err)));
    struct rl_script s;
    CHECK(rl_script_parse(&s, cfg.scenario_script, "bomb", err, sizeof(err)));
    enum rl_action acts[32];
    CHECK(rl_script_take(&s, 0, acts, 32) == 32);
    CHECK(!rl_script_done(&s));
    rl_script_destroy(&s);
    rl_scenario_free_all();
    free(text);
    /* and the file size bounds the count: a million lines is too big */
    size_t m = 1000000;
    text = malloc(m * 4 + 16);
    strcpy(text, "[script]\n");
    p = text + strlen(text);
    for (size_t i = 0; i < m; i++, p += 4)
        memcpy(p, "0 x\n", 4);
    *p = '\0';
    CHECK(!parse_run(text, &cfg, NULL, err, sizeof(err)));
    CHECK(strstr(err, "larger than") != NULL);
    free(text);
}

/* Every shipped scenario opens through the validator, for every command
 * that takes --config, and its script parses. */
static void test_shipped_scenarios(void)
{
    char sdir[512];
    snprintf(sdir, sizeof(sdir), "%s/assets/scenarios", RL_TEST_SOURCE_ROOT);
    DIR *d = opendir(sdir);
    CHECK(d != NULL);
    int count = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".txt"))
            continue;
        char name[256];
        snprintf(name, sizeof(name), "%.*s", (int)(l - 4), e->d_name);
        unsigned cmds[] = {RL_CMD_RUN, RL_CMD_WINDOW};
        for (int c = 0; c < 2; c++) {
            struct rl_cli cli;
            build_cli(&cli, cmds[c]);
            struct target t = {.cfg = rl_config_default};
            struct rl_config *cfg = &t.cfg;
            char err[1024];
            /* found by its bare name, as `window --config NAME` does */
            bool ok = rl_scenario_apply(&cli, name, &t, NULL, err,
                                        sizeof(err));
            if (!ok)
                fprintf(stderr, "%s: %s\n", name, err);
            CHECK(ok);
            if (ok && cfg->scenario_script) {
                struct rl_script s;
                ok = rl_script_parse(&s, cfg->scenario_script, name, err,
                                     sizeof(err));
                if (!ok)
                    fprintf(stderr, "%s\n", err);
                CHECK(ok);
                if (ok)
                    rl_script_destroy(&s);
            }
            rl_scenario_free_all();
        }
        count++;
    }
    if (d)
        closedir(d);
    CHECK(count >= 4);
}

/* The window's e key writes a scenario that reads back as the same setup. */
static void test_save_reads_back(void)
{
    struct rl_config cfg = rl_config_default;
    cfg.lr = 0.0123;
    cfg.lambda = 1e-4;
    cfg.net[RL_LAZY].init = 0.5;
    cfg.act = RL_ACT_TANH;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 64;
    char path[4200], err[1024];
    CHECK(rl_scenario_save(dir, 42, &cfg, path, sizeof(path), err,
                           sizeof(err)));
    char path2[4200];
    CHECK(rl_scenario_save(dir, 42, &cfg, path2, sizeof(path2), err,
                           sizeof(err)));
    CHECK(strcmp(path, path2) != 0); /* never overwritten */
    struct rl_cli cli;
    build_cli(&cli, RL_CMD_WINDOW);
    struct target t = {.cfg = rl_config_default};
    struct rl_config back;
    CHECK(rl_scenario_apply(&cli, path, &t, NULL, err, sizeof(err)));
    back = t.cfg;
    CHECK(back.lr == cfg.lr && back.lambda == cfg.lambda);
    CHECK(back.net[RL_LAZY].init == 0.5 && back.act == RL_ACT_TANH);
    CHECK(back.net[RL_RICH].hidden == 64 &&
          back.net[RL_LAZY].hidden == 64);
    CHECK(back.net[RL_RICH].init == rl_config_default.net[RL_RICH].init);
    rl_scenario_free_all();
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/rl_test_scenario_%d", (int)getpid());
    CHECK(mkdir(dir, 0755) == 0);
    test_settings_as_flags();
    test_other_commands_settings();
    test_no_writes_no_programs();
    test_sizes_limited();
    test_bad_lines();
    test_data_paths();
    test_script_section();
    test_key_bomb_bounded();
    test_shipped_scenarios();
    test_save_reads_back();
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    return check_summary("scenario");
}
