/* test_settings_files.c: every setting a file may hold goes flag ->
 * checkpoint.txt -> load and comes back exactly; a bad value is refused
 * alike on the command line, in checkpoint.txt and in a shard file (the
 * files adding FILE:LINE); and the files the program wrote are not trusted
 * when read back (issue 16, class 1: every count cross-checked). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "test_util.h"
#include "rl_checkpoint.h"
#include "rl_cli.h"
#include "rl_exp_cmd.h"
#include "rl_experiment.h"
#include "rl_settings.h"
#include "rl_trainer.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#define DIR RL_TEST_BUILD_DIR "/settings_scratch"
#define SCRATCH(name) DIR "/" name

static char err_text[8192];
static char out_text[8192];

static int cmd(int (*fn)(int, char **, FILE *, FILE *), const char *first,
               ...)
{
    va_list ap;
    va_start(ap, first);
    int code = test_call_main(fn, out_text, sizeof(out_text), err_text,
                              sizeof(err_text), first, ap);
    va_end(ap);
    return code;
}

/* A valid value of a row that is not its default. */
static void good_value(const struct rl_setting *s, int net, char *buf,
                       size_t len)
{
    switch (s->type) {
    case RL_SET_INT:
    case RL_SET_LONG:
        snprintf(buf, len, "%ld", (long)s->min + 3);
        break;
    case RL_SET_DOUBLE:
        snprintf(buf, len, "%.17g", net == RL_LAZY ? 0.7123 : 0.3071);
        break;
    case RL_SET_U64:
        snprintf(buf, len, "12345678901234567890");
        break;
    case RL_SET_ENUM:
        snprintf(buf, len, "%s", s->choices[1]);
        break;
    case RL_SET_STRING:
        snprintf(buf, len, "%s", SCRATCH("data.csv"));
        break;
    case RL_SET_FLAG:
        snprintf(buf, len, "1");
        break;
    }
}

/* Bad values of a row, NULL-terminated. */
static int bad_values(const struct rl_setting *s, char bad[][64])
{
    int n = 0;
    switch (s->type) {
    case RL_SET_INT:
    case RL_SET_LONG:
        snprintf(bad[n++], 64, "%.0f", s->max + 1);
        snprintf(bad[n++], 64, "%.0f", s->min - 1);
        snprintf(bad[n++], 64, "0x10");
        snprintf(bad[n++], 64, " 5");
        snprintf(bad[n++], 64, "2.5");
        snprintf(bad[n++], 64, "99999999999999999999999");
        break;
    case RL_SET_DOUBLE:
        snprintf(bad[n++], 64, "%.17g", s->max * 2 + 1);
        snprintf(bad[n++], 64, "-1");
        snprintf(bad[n++], 64, "1e-310");
        snprintf(bad[n++], 64, "nan");
        snprintf(bad[n++], 64, "5 ");
        snprintf(bad[n++], 64, "\x1b[2J");
        break;
    case RL_SET_U64:
        snprintf(bad[n++], 64, "-3");
        snprintf(bad[n++], 64, " -3");
        snprintf(bad[n++], 64, "18446744073709551616");
        break;
    case RL_SET_ENUM:
        snprintf(bad[n++], 64, "bogus\x07");
        break;
    default:
        break;
    }
    return n;
}

/* The message after the setting's name: " must be ...". */
static const char *after(const char *msg, const char *name)
{
    const char *p = strstr(msg, name);
    return p ? p + strlen(name) : "(name missing)";
}

static void make_checkpoint(const struct rl_config *cfg, const char *dir)
{
    struct rl_trainer tr;
    char err[2048];
    bool ok = rl_trainer_init(&tr, cfg, 16, err, sizeof(err));
    if (!ok)
        fprintf(stderr, "trainer: %s\n", err);
    CHECK(ok);
    if (!ok)
        return;
    rl_trainer_step(&tr, RL_RICH);
    CHECK(rl_checkpoint_save(dir, &tr, err, sizeof(err)));
    rl_trainer_destroy(&tr);
}

/* Replace the line "key=..." of file path by "key=value"; returns its
 * line number (0: not found). */
static int set_line(const char *path, const char *key, const char *value)
{
    size_t len;
    char *text = test_read_file(path, &len);
    CHECK(text != NULL);
    if (!text)
        return 0;
    char *out = malloc(len + 256);
    size_t o = 0;
    int lineno = 0, found = 0;
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
        lineno++;
        size_t kl = strlen(key);
        if (!found && !strncmp(p, key, kl) && p[kl] == '=') {
            o += (size_t)sprintf(out + o, "%s=%s\n", key, value);
            found = lineno;
        } else {
            memcpy(out + o, p, n);
            o += n;
        }
        p += n;
    }
    out[o] = '\0';
    test_write_text(path, out);
    free(out);
    free(text);
    return found;
}

static void test_every_file_setting_round_trips(void)
{
    test_write_text(SCRATCH("data.csv"), "x,y,label\n0,1,1\n1,0,0\n0.5,0.5,1\n"
                                         "-1,0,0\n2,1,1\n1,2,0\n-2,1,1\n"
                                         "0,-1,0\n3,3,1\n-3,0,0\n");
    struct rl_cli cli;
    rl_cli_build(&cli, RL_CMD_RUN, 0, NULL, 0);
    char *argv[512];
    static char vals[512][256];
    int argc = 0;
    for (int i = 0; i < cli.nopts; i++) {
        const struct rl_opt *o = &cli.opts[i];
        /* --task regression would refuse --labels pm1 and --loss
         * logistic, and Adam (the optimizer's next choice) momentum and
         * nesterov: the task and the optimizer keep their defaults here
         * (test_options saves and loads an Adam checkpoint) */
        if (!o->set->in_file || o->stride || !strcmp(o->set->name, "task") ||
            !strcmp(o->set->name, "optimizer"))
            continue;
        int net = !strncmp(o->flag, "--lazy-", 7) ? RL_LAZY : RL_RICH;
        argv[argc++] = (char *)o->flag;
        if (o->set->type == RL_SET_FLAG)
            continue; /* a flag takes no value on the command line */
        good_value(o->set, net, vals[argc], sizeof(vals[0]));
        argv[argc] = vals[argc];
        argc++;
    }
    struct rl_config cfg = rl_config_default;
    char err[2048];
    CHECK(rl_cli_parse(&cli, argc, argv, &cfg, NULL, err, sizeof(err)) ==
          RL_CLI_OK);
    cfg.data_path = SCRATCH("data.csv");
    /* data from the file: the realpath of it is what is saved */
    static char real[4096];
    CHECK(realpath(SCRATCH("data.csv"), real) != NULL);
    cfg.data_path = real;
    make_checkpoint(&cfg, SCRATCH("ck"));
    struct rl_checkpoint ck;
    CHECK(rl_checkpoint_load(&ck, SCRATCH("ck"), err, sizeof(err)));
    /* the data travels as the checkpoint's own copy, ck/data.csv */
    static char copy[4096];
    CHECK(realpath(SCRATCH("ck/data.csv"), copy) != NULL);
    CHECK(test_same_bytes(real, copy));
    cfg.data_path = copy;
    int rows = 0;
    for (int i = 0; i < rl_settings_count; i++) {
        const struct rl_setting *s = &rl_settings[i];
        if (!s->in_file)
            continue;
        for (int w = 0; w < (s->where == RL_IN_NET ? RL_NETS : 1); w++) {
            char a[4200], b[4200];
            rl_setting_format(s, rl_setting_cptr(s, &cfg, w), a, sizeof(a));
            rl_setting_format(s, rl_setting_cptr(s, &ck.cfg, w), b,
                              sizeof(b));
            if (strcmp(a, b))
                fprintf(stderr, "setting %s: gave %s, loaded %s\n", s->name,
                        a, b);
            CHECK(!strcmp(a, b));
            rows++;
        }
    }
    CHECK(rows >= 18);
    rl_checkpoint_destroy(&ck);
}

/* The same bad value: the flag's message on the command line, and the
 * same message after FILE:LINE: KEY in checkpoint.txt and in a shard. */
static void test_bad_values_refused_alike(void)
{
    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 4;
    cfg.samples = 10;
    make_checkpoint(&cfg, SCRATCH("ckbad"));
    CHECK(cmd(rl_sweep_main, "--runs", "1", "--lambdas", "0", "--steps", "4",
              "--hidden", "4", "--samples", "10", "--shard", "1/1", "--out",
              SCRATCH("shard"), "--quiet", NULL) == 0);
    const char *shard = SCRATCH("shard/sweep-shard-1-of-1.txt");
    size_t slen;
    char *shard_orig = test_read_file(shard, &slen);
    size_t clen;
    char *ck_orig = test_read_file(SCRATCH("ckbad/checkpoint.txt"), &clen);
    CHECK(shard_orig && ck_orig);
    struct rl_cli cli;
    rl_cli_build(&cli, RL_CMD_RUN, 0, NULL, 0);
    int compared_ck = 0, compared_shard = 0;
    for (int i = 0; i < cli.nopts; i++) {
        const struct rl_opt *o = &cli.opts[i];
        const struct rl_setting *s = o->set;
        if (!s->in_file || o->stride)
            continue;
        int net = !strncmp(o->flag, "--rich-", 7)   ? RL_RICH
                  : !strncmp(o->flag, "--lazy-", 7) ? RL_LAZY
                                                    : -1;
        char key[64];
        rl_setting_key(s, net, key, sizeof(key));
        char bad[8][64];
        int nb = bad_values(s, bad);
        for (int b = 0; b < nb; b++) {
            struct rl_config c = rl_config_default;
            char cli_err[1024];
            char *argv[2] = {(char *)o->flag, bad[b]};
            CHECK(rl_cli_parse(&cli, 2, argv, &c, NULL, cli_err,
                               sizeof(cli_err)) == RL_CLI_ERROR);
            const char *why = after(cli_err, o->flag);
            /* checkpoint.txt */
            test_write_text(SCRATCH("ckbad/checkpoint.txt"), ck_orig);
            int line = set_line(SCRATCH("ckbad/checkpoint.txt"), key, bad[b]);
            CHECK(line > 0);
            struct rl_checkpoint ck;
            char err[2048];
            CHECK(!rl_checkpoint_load(&ck, SCRATCH("ckbad"), err,
                                      sizeof(err)));
            char where[256];
            snprintf(where, sizeof(where), "checkpoint.txt:%d: %s", line,
                     key);
            CHECK_CONTAINS(err, where);
            CHECK(!strcmp(after(err, where), why));
            if (strcmp(after(err, where), why))
                fprintf(stderr, "  cli: %s\n  file: %s\n", cli_err, err);
            compared_ck++;
            /* the shard, for the settings a shard holds */
            test_write_text(shard, shard_orig);
            line = set_line(shard, key, bad[b]);
            if (line > 0) {
                struct rl_exp *e = malloc(sizeof(*e));
                struct rl_exp_results res;
                char *paths[1] = {(char *)shard};
                CHECK(!rl_exp_shard_merge(paths, 1, e, &res, err,
                                          sizeof(err)));
                snprintf(where, sizeof(where), ".txt:%d: %s", line, key);
                CHECK_CONTAINS(err, where);
                CHECK(!strcmp(after(err, where), why));
                free(e);
                compared_shard++;
            }
        }
    }
    CHECK(compared_ck > 60);
    CHECK(compared_shard > 30);
    test_write_text(SCRATCH("ckbad/checkpoint.txt"), ck_orig);
    test_write_text(shard, shard_orig);
    free(ck_orig);
    free(shard_orig);
}

/* checkpoint.txt: unknown, duplicated and missing keys, NUL bytes, huge
 * steps, and escaped quoting. */
static void test_checkpoint_text_refused(void)
{
    const char *base = "format=1\nhidden=4\nactivation=linear\n"
                       "rich_init=0.001\nlazy_init=0.25\nout_init=0.25\n"
                       "lr=0.002\nlambda=0\nseed=1\nrich_step=0\n"
                       "lazy_step=0\ndataset=blobs\ndata=\nsamples=10\n"
                       "noise=0.5\ntest_split=0\n";
    struct {
        const char *name, *extra, *message;
    } cases[] = {
        {"unknown key", "colour=red\n", "x.txt:17: unknown setting 'colour'"},
        {"duplicated lr", "lr=5\n", "x.txt:17: 'lr' is given twice"},
        {"rich_init=-1", "rich_init=-1\n", "twice"},
        {"out= not from files", "out=/tmp/x\n", "unknown setting 'out'"},
        {"checkpoint= not from files", "checkpoint=/tmp/x\n",
         "unknown setting 'checkpoint'"},
        {"script= not from files", "script=/tmp/x\n",
         "unknown setting 'script'"},
        {"video= not from files", "video=1\n", "unknown setting 'video'"},
        {"escaped key", "\x1b]0;pwned\x07=1\n",
         "unknown setting '\\x1b]0;pwned\\x07'"},
        {"BOM named", "\xef\xbb\xbfhidden=4\n", "'<BOM>hidden'"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[2048];
        snprintf(text, sizeof(text), "%s%s", base, cases[i].extra);
        struct rl_checkpoint ck = {0};
        char err[1024] = "";
        CHECK(!rl_checkpoint_parse_settings(&ck, text, strlen(text), "x.txt",
                                            err, sizeof(err)));
        CHECK_CONTAINS(err, cases[i].message);
    }
    /* the base itself is fine */
    struct rl_checkpoint ck = {0};
    char err[1024] = "";
    CHECK(rl_checkpoint_parse_settings(&ck, base, strlen(base), "x.txt", err,
                                       sizeof(err)));
    /* values the command line refuses, refused here too */
    struct {
        const char *from, *to, *message;
    } vals[] = {
        {"rich_init=0.001", "rich_init=-1", "x.txt:4: rich_init must be > 0"},
        {"rich_init=0.001", "rich_init=0", "x.txt:4: rich_init must be > 0"},
        {"test_split=0", "test_split=0.99",
         "x.txt:16: test_split must be >= 0 and <= 0.95"},
        {"rich_step=0", "rich_step=9223372036854775807",
         "x.txt:10: rich_step must be a whole number from 0 to "
         "1000000000000000"},
        {"seed=1", "seed= -3", "x.txt:9: seed must be a whole number"},
        {"lr=0.002", "lr=0x10", "x.txt:7: lr expects a decimal number"},
        {"lr=0.002", "lr=1e-310", "x.txt:7: lr is below float32's smallest"},
        {"noise=0.5", "noise=\x1b[31m", "got '\\x1b[31m'"},
    };
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        char text[2048];
        const char *at = strstr(base, vals[i].from);
        CHECK(at != NULL);
        snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - base), base,
                 vals[i].to, at + strlen(vals[i].from));
        CHECK(!rl_checkpoint_parse_settings(&ck, text, strlen(text), "x.txt",
                                            err, sizeof(err)));
        CHECK_CONTAINS(err, vals[i].message);
    }
    /* a NUL byte */
    char nul[1024];
    size_t n = strlen(base);
    memcpy(nul, base, n);
    memcpy(nul + n, "lr\0=1\n", 6);
    CHECK(!rl_checkpoint_parse_settings(&ck, nul, n + 6, "x.txt", err,
                                        sizeof(err)));
    CHECK_CONTAINS(err, "x.txt:17: a NUL byte");
    /* a missing key */
    const char *cut = strstr(base, "samples=10\n");
    char text[2048];
    snprintf(text, sizeof(text), "%.*s%s", (int)(cut - base), base,
             cut + strlen("samples=10\n"));
    CHECK(!rl_checkpoint_parse_settings(&ck, text, strlen(text), "x.txt",
                                        err, sizeof(err)));
    CHECK_CONTAINS(err, "setting 'samples' is missing");
}

/* Issue 16 class 1: two phase shards with an edited grid= line. */
static void test_phase_shard_grid_cross_checked(void)
{
    for (int i = 1; i <= 2; i++) {
        char sh[16];
        snprintf(sh, sizeof(sh), "%d/2", i);
        CHECK(cmd(rl_phase_main, "--runs", "1", "--inits", "3", "--lambdas",
                  "0,0.1", "--steps", "20", "--hidden", "8", "--shard", sh,
                  "--quiet", "--out", SCRATCH("phase"), NULL) == 0);
    }
    const char *files[2] = {SCRATCH("phase/phase-shard-1-of-2.txt"),
                            SCRATCH("phase/phase-shard-2-of-2.txt")};
    char *orig[2];
    size_t len;
    for (int i = 0; i < 2; i++)
        orig[i] = test_read_file(files[i], &len);
    /* unedited: merges */
    CHECK(cmd(rl_merge_main, "--quiet", SCRATCH("phase"), NULL) == 0);
    struct {
        const char *grid, *message;
    } cases[] = {
        {"100 100 0", "grid=100 100 does not match the 6 cells"},
        {"0 0 0", "grid expects 'NX NY 0|1'"},
        {"-3 2 0", "grid expects 'NX NY 0|1'"},
        {"1 1 0", "grid=1 1 does not match the 6 cells"},
        {"3 2 0 9", "grid expects 'NX NY 0|1'"},
        {"3 2 7", "grid expects 'NX NY 0|1'"},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        for (int i = 0; i < 2; i++) {
            test_write_text(files[i], orig[i]);
            set_line(files[i], "grid", cases[c].grid);
        }
        CHECK(cmd(rl_merge_main, "--quiet", SCRATCH("phase"), NULL) == 2);
        CHECK_CONTAINS(err_text, cases[c].message);
    }
    for (int i = 0; i < 2; i++) {
        test_write_text(files[i], orig[i]);
        free(orig[i]);
    }
}

/* Issue 16 class 1: a retrain shard naming net 7 or -1, and run lines. */
static void test_retrain_shard_net_cross_checked(void)
{
    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 4;
    cfg.samples = 10;
    make_checkpoint(&cfg, SCRATCH("ckr"));
    CHECK(cmd(rl_retrain_main, "--from", SCRATCH("ckr"), "--runs", "1",
              "--steps", "5", "--shard", "1/1", "--quiet", "--out",
              SCRATCH("retrain"), NULL) == 0);
    const char *f = SCRATCH("retrain/retrain-shard-1-of-1.txt");
    size_t len;
    char *orig = test_read_file(f, &len);
    CHECK(orig != NULL);
    if (!orig)
        return;
    struct {
        const char *from, *to, *message;
    } cases[] = {
        {" 0\ncell=", " 7\ncell=", "names net '7'"},
        {" 0\ncell=", " -1\ncell=", "cell 1 names net -1, but a retrain's "
                                    "cell 1 is rich"},
        {"\nrun=0 -1 ", "\nrun=0 -1 1e999 ", "value 1 is '1e999'"},
        {"\nrun=0 -1 ", "\nrun=9 -1 ", "bad result line"},
        {"\nrun=0 -1 ", "\nrun=0 99999999999 ", "bad result line"},
        {"\nrun=0 -1 ", "\nrun=0 -1 1 ", "has more than"},
        {"\nruns=1\n", "\nruns=1\nruns=1\n", "'runs' is given twice"},
        {"\nruns=1\n", "\nruns=-5\n", "runs must be a whole number from 1"},
        {"\nsamples=10\n", "\nsamples=-5\n", "samples must be a whole"},
        {"\nsteps=5\n", "\nsteps=5 \n", "steps expects a whole number"},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        const char *at = strstr(orig, cases[c].from);
        CHECK(at != NULL);
        if (!at)
            continue;
        char *text = malloc(len + 64);
        sprintf(text, "%.*s%s%s", (int)(at - orig), orig, cases[c].to,
                at + strlen(cases[c].from));
        test_write_text(f, text);
        free(text);
        CHECK(cmd(rl_merge_main, "--quiet", f, NULL) == 2);
        CHECK_CONTAINS(err_text, cases[c].message);
    }
    test_write_text(f, orig);
    CHECK(cmd(rl_merge_main, "--quiet", f, NULL) == 0);
    free(orig);
}

/* Issue 16 class 1: a sweep shard with runs or steps beyond what fits. */
static void test_sweep_shard_overflow_refused(void)
{
    CHECK(cmd(rl_sweep_main, "--runs", "2", "--lambdas", "0,0.5", "--steps",
              "10", "--hidden", "4", "--samples", "10", "--shard", "1/1",
              "--quiet", "--out", SCRATCH("sweep"), NULL) == 0);
    const char *f = SCRATCH("sweep/sweep-shard-1-of-1.txt");
    size_t len;
    char *orig = test_read_file(f, &len);
    struct {
        const char *key, *value, *message;
    } cases[] = {
        {"runs", "2000000000", "runs must be a whole number from 1 to 100000"},
        {"steps", "30000000000", "more than a merge can hold"},
        {"log_every", "0", "log_every must be a whole number from 1"},
        {"cells", "3", "cells=3 but 2 cell lines"},
        {"hidden", "1e300", "hidden must be a whole number from 1"},
        {"seed", "-3", "seed must be a whole number in 0..2^64-1"},
        {"kind", "phase\x1b[2J", "kind is not sweep"},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        test_write_text(f, orig);
        CHECK(set_line(f, cases[c].key, cases[c].value) > 0);
        CHECK(cmd(rl_merge_main, "--quiet", f, NULL) == 2);
        CHECK_CONTAINS(err_text, cases[c].message);
        CHECK(!strchr(err_text, '\x1b'));
    }
    test_write_text(f, orig);
    free(orig);
}

/* A data path with a line break cannot go into checkpoint.txt: the loader
 * refuses the name before any training, so no checkpoint can hold it
 * (issue 16 class 6, the example). */
static void test_checkpoint_refuses_line_break_in_data_path(void)
{
    test_write_text(SCRATCH("a\nb.csv"), "0,1,1\n1,0,0\n2,1,1\n1,2,0\n");
    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 4;
    cfg.data_path = SCRATCH("a\nb.csv");
    struct rl_trainer tr;
    char err[2048];
    CHECK(!rl_trainer_init(&tr, &cfg, 16, err, sizeof(err)));
    CHECK_CONTAINS(err, "the file name holds a control character (byte 0x0a");
}

int main(void)
{
    mkdir(DIR, 0777);
    test_every_file_setting_round_trips();
    test_bad_values_refused_alike();
    test_checkpoint_text_refused();
    test_phase_shard_grid_cross_checked();
    test_retrain_shard_net_cross_checked();
    test_sweep_shard_overflow_refused();
    test_checkpoint_refuses_line_break_in_data_path();
    return check_summary("settings_files");
}
