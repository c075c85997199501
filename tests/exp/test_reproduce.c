/* test_reproduce.c: `richlazy reproduce`: verdicts, the perturbed
 * expectation that must fail, checks.csv's format, every preset's quick
 * run passing, --list and bad names, window presets, and the PyTorch
 * reference table against its committed file. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "rl_reproduce.h"
#include "rl_trainer.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#ifndef RL_TEST_SOURCE_ROOT
#define RL_TEST_SOURCE_ROOT "."
#endif

static struct rl_repro *new_repro(void)
{
    struct rl_repro *r = calloc(1, sizeof(*r));
    r->preset = "test";
    r->quiet = true;
    return r;
}

static void test_verdicts(void)
{
    struct rl_repro *r = new_repro();
    rl_repro_check(r, "near in", 1.05, RL_CHECK_NEAR, 1.0, 0.1, "s");
    rl_repro_check(r, "near out", 1.2, RL_CHECK_NEAR, 1.0, 0.1, "s");
    rl_repro_check(r, "ge in", 5, RL_CHECK_GE, 5, 0, "s");
    rl_repro_check(r, "ge out", 4.9, RL_CHECK_GE, 5, 0, "s");
    rl_repro_check(r, "le in", 0.1, RL_CHECK_LE, 0.2, 0, "s");
    rl_repro_check(r, "le out", 0.3, RL_CHECK_LE, 0.2, 0, "s");
    rl_repro_check(r, "nan", NAN, RL_CHECK_LE, 0.2, 0, "s");
    rl_repro_check(r, "nan expected", 1.0, RL_CHECK_NEAR, NAN, NAN, "s");
    const bool want[] = {true, false, true, false, true, false, false, false};
    CHECK(r->nchecks == 8);
    for (int i = 0; i < 8; i++)
        CHECK(r->checks[i].pass == want[i]);
    CHECK(!strcmp(r->checks[0].preset, "test"));
    CHECK(r->checks[2].tol == 0.0); /* bounds carry no tolerance */
    free(r);
}

/* The test-only perturbation turns a true check into a failing one, for
 * each kind of comparison, and leaves the others alone. */
static void test_perturb(void)
{
    for (int rel = 0; rel < 3; rel++) {
        struct rl_repro *r = new_repro();
        r->perturb = 2;
        double e = rel == RL_CHECK_GE ? 1.0 : rel == RL_CHECK_LE ? 3.0 : 2.0;
        rl_repro_check(r, "a", 2.0, (enum rl_check_rel)rel, e, 0.5, "s");
        rl_repro_check(r, "b", 2.0, (enum rl_check_rel)rel, e, 0.5, "s");
        rl_repro_check(r, "c", 2.0, (enum rl_check_rel)rel, e, 0.5, "s");
        CHECK(r->checks[0].pass);
        CHECK(!r->checks[1].pass);
        CHECK(r->checks[2].pass);
        free(r);
    }
}

/* Split one CSV line into fields (quotes honoured); returns the count. */
static int split_csv(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        char *out = p;
        f[n++] = p;
        if (*p == '"') {
            char *q = p + 1;
            for (;;) {
                if (*q == '"' && q[1] == '"') {
                    *out++ = '"';
                    q += 2;
                } else if (*q == '"') {
                    q++;
                    break;
                } else if (!*q) {
                    break;
                } else {
                    *out++ = *q++;
                }
            }
            p = q;
            *out = '\0';
            if (*p == ',') {
                p++;
                continue;
            }
            break;
        }
        char *comma = strchr(p, ',');
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

/* Read checks.csv: verify header and field count; count rows, FAILs and
 * the rows of each preset name given. */
static int read_checks(const char *path, int *fails, const char *preset,
                       int *of_preset, char *first_verdict, size_t fvlen)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return -1;
    char line[2048];
    CHECK(fgets(line, sizeof(line), f) != NULL);
    CHECK(!strcmp(line, "preset,quantity,measured,expected,tolerance,"
                        "verdict,source\n"));
    int rows = 0;
    *fails = 0;
    if (of_preset)
        *of_preset = 0;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        char *fld[16];
        int n = split_csv(line, fld, 16);
        CHECK(n == 7);
        if (n != 7)
            continue;
        CHECK(!strcmp(fld[5], "PASS") || !strcmp(fld[5], "FAIL"));
        CHECK(fld[1][0] != '\0' && fld[6][0] != '\0');
        char *end;
        strtod(fld[2], &end);
        CHECK(*end == '\0'); /* measured is a number */
        const char *ex = fld[3];
        if (!strncmp(ex, ">=", 2) || !strncmp(ex, "<=", 2))
            ex += 2;
        strtod(ex, &end);
        CHECK(*end == '\0' && end != ex); /* expected: number or bound */
        strtod(fld[4], &end);
        CHECK(*end == '\0');
        if (rows == 0 && first_verdict)
            snprintf(first_verdict, fvlen, "%s", fld[5]);
        *fails += !strcmp(fld[5], "FAIL");
        if (of_preset && preset && !strcmp(fld[0], preset))
            (*of_preset)++;
        rows++;
    }
    fclose(f);
    return rows;
}

static void test_checks_csv_quoting(void)
{
    struct rl_repro *r = new_repro();
    rl_repro_check(r, "with, a comma", 1, RL_CHECK_GE, 0, 0,
                   "a \"quoted\" source");
    char path[4200], err[512];
    snprintf(path, sizeof(path), "%s/repro_quote.csv", RL_TEST_BUILD_DIR);
    CHECK(rl_repro_write_checks(r, 0, r->nchecks, path, err, sizeof(err)));
    FILE *f = fopen(path, "r");
    char line[512];
    CHECK(f && fgets(line, sizeof(line), f) && fgets(line, sizeof(line), f));
    if (f)
        fclose(f);
    line[strcspn(line, "\n")] = '\0';
    char *fld[16];
    CHECK(split_csv(line, fld, 16) == 7);
    CHECK(!strcmp(fld[1], "with, a comma"));
    CHECK(!strcmp(fld[3], ">=0"));
    CHECK(!strcmp(fld[6], "a \"quoted\" source"));
    free(r);
}

/* Remove a scratch folder of an earlier run of this test (frames would
 * otherwise accumulate: the recorder never overwrites). */
static void clear_dir(const char *dir)
{
    char cmd[4400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

static int run_main(int argc, char **argv, char *outbuf, size_t outlen,
                    char *errbuf, size_t errlen)
{
    FILE *o = tmpfile(), *e = tmpfile();
    int code = rl_reproduce_main(argc, argv, o, e);
    rewind(o);
    rewind(e);
    size_t n = fread(outbuf, 1, outlen - 1, o);
    outbuf[n] = '\0';
    n = fread(errbuf, 1, errlen - 1, e);
    errbuf[n] = '\0';
    fclose(o);
    fclose(e);
    return code;
}

/* Every preset's quick run passes, writes checks.csv in the documented
 * format and its figure; the combined table holds every preset. */
static void test_all_quick(void)
{
    static char out[1 << 16], err[1 << 16];
    char dir[4200];
    snprintf(dir, sizeof(dir), "%s/repro_all", RL_TEST_BUILD_DIR);
    clear_dir(dir);
    char *argv[] = {"all", "--quick", "--quiet", "--out", dir};
    int code = run_main(5, argv, out, sizeof(out), err, sizeof(err));
    CHECK(code == 0);
    if (code != 0)
        fprintf(stderr, "%s%s", out, err);
    CHECK_CONTAINS(out, "failed");
    CHECK(strstr(out, "FAIL ") == NULL);
    char path[4400];
    int n;
    const struct rl_preset *p = rl_presets(&n);
    snprintf(path, sizeof(path), "%s/checks.csv", dir);
    int fails, rows = read_checks(path, &fails, NULL, NULL, NULL, 0);
    CHECK(rows > 0);
    CHECK(fails == 0);
    for (int i = 0; i < n; i++) {
        int mine, pf;
        snprintf(path, sizeof(path), "%s/%s/checks.csv", dir, p[i].name);
        int prow = read_checks(path, &pf, p[i].name, &mine, NULL, 0);
        CHECK(prow >= 2); /* every preset checks something */
        CHECK(mine == prow);
        CHECK(pf == 0);
        CHECK_CONTAINS(out, p[i].name);
        /* its figure */
        char png[4400];
        const char *fig = !strcmp(p[i].name, "seed-4") ? "retrain.png"
                                                       : NULL;
        if (fig)
            snprintf(png, sizeof(png), "%s/%s/%s", dir, p[i].name, fig);
        else
            snprintf(png, sizeof(png), "%s/%s/%s.png", dir, p[i].name,
                     p[i].name);
        struct stat st;
        CHECK(stat(png, &st) == 0 && st.st_size > 1000);
    }
}

/* A deliberately wrong expectation fails the check and the command. */
static void test_wrong_expectation_fails(void)
{
    static char out[1 << 16], err[1 << 16];
    char dir[4200];
    snprintf(dir, sizeof(dir), "%s/repro_wrong", RL_TEST_BUILD_DIR);
    clear_dir(dir);
    setenv("RICHLAZY_REPRODUCE_WRONG", "1", 1);
    char *argv[] = {"saxe2014", "--quick", "--quiet", "--out", dir};
    int code = run_main(5, argv, out, sizeof(out), err, sizeof(err));
    unsetenv("RICHLAZY_REPRODUCE_WRONG");
    CHECK(code == 1);
    char path[4400], first[16] = "";
    snprintf(path, sizeof(path), "%s/checks.csv", dir);
    int fails, rows = read_checks(path, &fails, NULL, NULL, first,
                                  sizeof(first));
    CHECK(rows >= 2);
    CHECK(fails == 1);
    CHECK(!strcmp(first, "FAIL"));
    CHECK_CONTAINS(out, "1 failed");
    /* the same preset unperturbed passes */
    code = run_main(5, argv, out, sizeof(out), err, sizeof(err));
    CHECK(code == 0);
}

static void test_list_and_bad_names(void)
{
    static char out[1 << 14], err[1 << 14];
    char *list[] = {"--list"};
    CHECK(run_main(1, list, out, sizeof(out), err, sizeof(err)) == 0);
    int n;
    const struct rl_preset *p = rl_presets(&n);
    int lines = 0;
    for (const char *s = out; *s; s++)
        lines += *s == '\n';
    CHECK(lines == n);
    for (int i = 0; i < n; i++) {
        char want[64];
        snprintf(want, sizeof(want), "%s ", p[i].name);
        CHECK_CONTAINS(out, want);
        CHECK_CONTAINS(out, p[i].paper);
        CHECK(rl_preset_find(p[i].name) == &p[i]);
        for (int j = 0; j < i; j++)
            CHECK(strcmp(p[i].name, p[j].name) != 0);
    }
    CHECK(rl_preset_find("nope") == NULL);

    char *bad[] = {"nope"};
    CHECK(run_main(1, bad, out, sizeof(out), err, sizeof(err)) == 2);
    CHECK_CONTAINS(err, "unknown preset 'nope'");
    for (int i = 0; i < n; i++)
        CHECK_CONTAINS(err, p[i].name);
    char *none[] = {"--quick"};
    CHECK(run_main(1, none, out, sizeof(out), err, sizeof(err)) == 2);
    CHECK_CONTAINS(err, "name a preset");
    char *flag[] = {"seed-1", "--fast"};
    CHECK(run_main(2, flag, out, sizeof(out), err, sizeof(err)) == 2);
    CHECK_CONTAINS(err, "unknown flag '--fast'");
    char *two[] = {"seed-1", "seed-2"};
    CHECK(run_main(2, two, out, sizeof(out), err, sizeof(err)) == 2);
    CHECK_CONTAINS(err, "one preset at a time");
}

static void test_window_presets(void)
{
    char err[512];
    struct rl_config cfg = rl_config_default;
    CHECK(rl_reproduce_window_config("seed-1", &cfg, err, sizeof(err)));
    CHECK(cfg.net[RL_RICH].init == rl_config_default.net[RL_RICH].init);
    CHECK(rl_reproduce_window_config("seed-2", &cfg, err, sizeof(err)));
    CHECK(cfg.net[RL_LAZY].init == 0.5);
    CHECK(!rl_reproduce_window_config("seed-3", &cfg, err, sizeof(err)));
    CHECK_CONTAINS(err, "no live pair");
    CHECK_CONTAINS(err, "seed-1, seed-2");
    CHECK(!rl_reproduce_window_config("nope", &cfg, err, sizeof(err)));
    CHECK_CONTAINS(err, "unknown preset 'nope'");
}

/* The live pairs of the teacher presets: a valid session (the trainer
 * accepts it) on the teacher task at the preset's width. */
static void test_window_teacher_pairs(void)
{
    const char *names[] = {"chizat2019", "kunin2024"};
    const int widths[] = {16, 50};
    for (int i = 0; i < 2; i++) {
        char err[512];
        struct rl_config cfg = rl_config_default;
        CHECK(rl_reproduce_window_config(names[i], &cfg, err, sizeof(err)));
        CHECK(cfg.dataset == RL_DATASET_TEACHER);
        CHECK(cfg.net[RL_RICH].hidden == widths[i] &&
              cfg.net[RL_LAZY].hidden == widths[i]);
        CHECK(cfg.act == RL_ACT_RELU);
        CHECK(cfg.net[RL_RICH].model.symmetric && cfg.net[RL_LAZY].model.symmetric);
        struct rl_trainer tr;
        bool ok = rl_trainer_init(&tr, &cfg, 0, err, sizeof(err));
        CHECK(ok);
        if (!ok) {
            fprintf(stderr, "%s: %s\n", names[i], err);
            continue;
        }
        /* symmetric pairs: both nets start at f = 0 */
        for (int k = 0; k < RL_NETS; k++) {
            float out[4];
            rl_net_predict(&tr.net[k], tr.train.x, 4, out);
            for (int j = 0; j < 4; j++)
                CHECK(out[j] == 0.0f);
        }
        rl_trainer_destroy(&tr);
    }
    char err[512];
    struct rl_config cfg = rl_config_default;
    CHECK(!rl_reproduce_window_config("lee2019", &cfg, err, sizeof(err)));
    CHECK_CONTAINS(err, "chizat2019");
}

/* The new presets' data files: present, with their header and one row per
 * run (read from the quick run of test_all_quick). */
static void test_preset_files(void)
{
    struct {
        const char *preset, *file, *header;
        int rows;
    } want[] = {
        {"chizat2019", "chizat2019.csv",
         "tau,seed,steps,rel_w1,alignment,train_loss,test_loss", 5},
        {"chizat2019", "chizat2019_units.csv", "tau,record,unit,aw1,aw2",
         5 * 200 * 16},
        {"kunin2024", "kunin2024.csv", "tau,a,delta0,regime,steps", 4},
        {"kunin2024", "kunin2024_kernel.csv", "tau,a,step,kernel_distance",
         4 * 101},
        {"geiger2020", "geiger2020_crossover.csv", "h,alpha_star,threshold",
         4},
        {"geiger2020", "geiger2020.csv", "h,alpha,alpha_sqrt_h,rel_w1", 4 * 9},
        {"lee2019", "lee2019.csv", "h,seed,steps,sup_gap,rms_gap", 5 * 8},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        char path[4400];
        snprintf(path, sizeof(path), "%s/repro_all/%s/%s", RL_TEST_BUILD_DIR,
                 want[i].preset, want[i].file);
        FILE *f = fopen(path, "r");
        CHECK(f != NULL);
        if (!f) {
            fprintf(stderr, "missing %s\n", path);
            continue;
        }
        static char line[4096];
        int rows = -1;
        bool header_ok = false;
        while (fgets(line, sizeof(line), f)) {
            if (rows < 0)
                header_ok = !strncmp(line, want[i].header,
                                     strlen(want[i].header));
            rows++;
        }
        fclose(f);
        CHECK(header_ok);
        CHECK(rows == want[i].rows);
        if (rows != want[i].rows)
            fprintf(stderr, "%s: %d rows, want %d\n", path, rows,
                    want[i].rows);
    }
}

/* The reference table compiled into seed-3 is the committed PyTorch
 * output. */
static void test_torch_reference_matches_file(void)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/tests/reference/torch_seed_sweep.csv",
             RL_TEST_SOURCE_ROOT);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    int n;
    const struct rl_torch_ref *ref = rl_reproduce_torch_ref(&n);
    CHECK(n == 4);
    char line[256];
    int matched = 0;
    while (fgets(line, sizeof(line), f)) {
        double lam, loss, rel;
        char kind[16];
        if (sscanf(line, "%lf,%15[^,],%lf,%lf", &lam, kind, &loss, &rel) != 4)
            continue;
        for (int i = 0; i < n; i++) {
            if (ref[i].lambda != lam)
                continue;
            if (!strcmp(kind, "mean")) {
                CHECK_NEAR(ref[i].loss_mean, loss, 1e-8 * fabs(loss));
                CHECK_NEAR(ref[i].rel_w1_mean, rel, 1e-8 * fabs(rel));
                matched++;
            } else if (!strcmp(kind, "sd")) {
                CHECK_NEAR(ref[i].loss_sd, loss, 1e-6 * fabs(loss) + 1e-15);
                CHECK_NEAR(ref[i].rel_w1_sd, rel, 1e-6 * fabs(rel) + 1e-15);
                matched++;
            }
        }
    }
    fclose(f);
    CHECK(matched == 8);
}

int main(void)
{
    test_verdicts();
    test_perturb();
    test_checks_csv_quoting();
    test_list_and_bad_names();
    test_window_presets();
    test_torch_reference_matches_file();
    test_wrong_expectation_fails();
    test_all_quick();
    test_preset_files();
    test_window_teacher_pairs();
    return check_summary("test_reproduce");
}
