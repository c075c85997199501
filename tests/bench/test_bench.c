/* test_bench.c: the machine probe on a fake /proc and /sys, and a smoke
 * run of `richlazy bench --quick` that must print every section. No timing
 * is checked: figures depend on the machine and its load.
 *
 *   test_bench PATH_TO_RICHLAZY
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "check.h"
#include "test_util.h"
#include "rl_machine.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif

static const char *exe_path;

/* mkdir -p for a path under the build dir */
static void make_dirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    }
    CHECK(mkdir(buf, 0755) == 0 || errno == EEXIST);
}

static void test_parse_size(void)
{
    CHECK(rl_machine_parse_size("48K\n") == 48 * 1024);
    CHECK(rl_machine_parse_size("1024K") == 1024 * 1024);
    CHECK(rl_machine_parse_size("32M\n") == 32L * 1024 * 1024);
    CHECK(rl_machine_parse_size("512") == 512);
    CHECK(rl_machine_parse_size("abc") == -1);
    CHECK(rl_machine_parse_size("12Q") == -1);
}

static void test_probe_fake_machine(void)
{
    const char *root = RL_TEST_BUILD_DIR "/bench-fake-root";
    char dir[4096], path[4200];
    snprintf(dir, sizeof(dir), "%s/proc", root);
    make_dirs(dir);
    snprintf(path, sizeof(path), "%s/cpuinfo", dir);
    /* two processors; the flag "avx512fx" must not count as avx512f */
    test_write_text(path,
               "processor\t: 0\ncpu family\t: 25\nmodel\t\t: 17\n"
               "model name\t: Test CPU 9000\n"
               "cpu MHz\t\t: 3000.000\n"
               "flags\t\t: fpu sse2 avx avx2 fma avx512fx\n\n"
               "processor\t: 1\nmodel name\t: Test CPU 9000\n"
               "cpu MHz\t\t: 1200.000\n"
               "flags\t\t: fpu sse2 avx avx2 fma avx512fx\n\n");
    const char *idx[][3] = {{"1", "Data", "32K"}, {"1", "Instruction", "32K"},
                            {"2", "Unified", "512K"}, {"3", "Unified", "16M"}};
    for (int i = 0; i < 4; i++) {
        snprintf(dir, sizeof(dir),
                 "%s/sys/devices/system/cpu/cpu0/cache/index%d", root, i);
        make_dirs(dir);
        const char *names[3] = {"level", "type", "size"};
        for (int j = 0; j < 3; j++) {
            snprintf(path, sizeof(path), "%s/%s", dir, names[j]);
            char text[64];
            snprintf(text, sizeof(text), "%s\n", idx[i][j]);
            test_write_text(path, text);
        }
    }
    struct rl_machine m;
    rl_machine_probe(&m, root);
    CHECK(!strcmp(m.model, "Test CPU 9000"));
    CHECK(m.cores == 2);
    CHECK(m.family == 25 && m.model_id == 17); /* "model name" is not "model" */
    CHECK_NEAR(m.mhz, 3000.0, 1e-9); /* cpu0's clock, not the last one */
    CHECK(m.avx2 && m.fma && !m.avx512f);
    CHECK(m.lanes == 8);
    CHECK(m.flops_per_cycle == 32);           /* 2 FMA x 8 lanes x 2 */
    CHECK_NEAR(m.peak_gflops, 96.0, 1e-9);    /* 3000 MHz x 32 */
    CHECK(m.l1d == 32 * 1024);
    CHECK(m.l2 == 512 * 1024);
    CHECK(m.l3 == 16L * 1024 * 1024);

    /* nothing there: every field unknown, no crash */
    rl_machine_probe(&m, RL_TEST_BUILD_DIR "/bench-no-such-root");
    CHECK(!strcmp(m.model, "unknown"));
    CHECK(m.cores == 0 && m.mhz == 0 && m.l1d == 0 && m.peak_gflops == 0);
    CHECK(m.family == -1 && m.model_id == -1);
    CHECK(m.measured_gflops == 0 && m.measured_mhz == 0);
}

/* Runs cmd through the shell; its output (cut to fit) goes to text (len
 * bytes, '\0'-terminated), the pclose status to *status. False (a failed
 * CHECK) if it could not be started. */
static bool shell(const char *cmd, char *text, size_t len, int *status)
{
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    if (!p)
        return false;
    size_t n = fread(text, 1, len - 1, p);
    text[n] = '\0';
    *status = pclose(p);
    return true;
}

static void test_quick_bench_prints_every_section(void)
{
    if (!exe_path) {
        fprintf(stderr, "test_bench: no richlazy path given\n");
        CHECK(exe_path != NULL);
        return;
    }
    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "'%s' bench --quick 2>&1", exe_path);
    static char text[1 << 16];
    int status;
    if (!shell(cmd, text, sizeof(text), &status))
        return;
    fputs(text, stdout);
    CHECK(status == 0);
    const char *sections[] = {"== machine", "== training", "== pytorch",
                              "== cache", "== alloc", "== frames", "== recording",
                              "== sweep", "== done"};
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
        CHECK_CONTAINS(text, sections[i]);
    CHECK_CONTAINS(text, "fp32 peak      nominal");
    /* the allocation counts (this is richlazy-counting), unless
     * sanitizers own malloc */
    if (!strstr(text, "not counted by this program")) {
        CHECK_CONTAINS(text, "rl_net_step");
        CHECK_CONTAINS(text, "rl_trainer_step");
    }
    CHECK_CONTAINS(text, "plain (fused)");
    CHECK_CONTAINS(text, "plain (OpenBLAS)");
    CHECK_CONTAINS(text, "heap allocations in the steady-state frame loop");

    /* a bad flag: one line, exit code 2 */
    snprintf(cmd, sizeof(cmd), "'%s' bench --repeats 0x 2>&1", exe_path);
    if (!shell(cmd, text, sizeof(text), &status))
        return;
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2);
    CHECK_CONTAINS(text, "richlazy bench: error:");

    /* the help names the script's place, not a build-time path */
    snprintf(cmd, sizeof(cmd), "'%s' bench --help 2>&1", exe_path);
    if (!shell(cmd, text, sizeof(text), &status))
        return;
    CHECK_CONTAINS(text, "bench/torch_bench.py in the source tree");
    CHECK(strstr(text, "[/") == NULL);
}

int main(int argc, char **argv)
{
    exe_path = argc > 1 ? argv[1] : NULL;
    test_parse_size();
    test_probe_fake_machine();
    test_quick_bench_prints_every_section();
    return check_summary("bench");
}
