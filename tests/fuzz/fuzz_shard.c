/* fuzz_shard.c: libFuzzer target for the shard files that merge reads.
 *
 * The input is one shard file (held in memory, read through its
 * /proc/self/fd path). merge must either refuse it with one line naming
 * the file (content escaped) or give an experiment whose counts agree:
 * nx * ny cells, every run present, each value reachable.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rl_experiment.h"

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
    int fd = memfd_create("shard", 0);
    if (fd < 0)
        return 0;
    if (write(fd, buf, len) != (ssize_t)len) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    struct rl_exp *e = malloc(sizeof(*e));
    if (!e) {
        close(fd);
        return 0;
    }
    struct rl_exp_results res;
    char err[2048];
    err[0] = '\0';
    char *paths[1] = {path};
    if (!rl_exp_shard_merge(paths, 1, e, &res, err, sizeof(err))) {
        FUZZ_CHECK(err[0] != '\0');
        for (const char *p = err; *p; p++)
            FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
    } else {
        FUZZ_CHECK(e->ncells >= 1 && e->nx * e->ny == e->ncells);
        FUZZ_CHECK(e->runs >= 1);
        FUZZ_CHECK(res.nruns == e->runs * e->ncells);
        FUZZ_CHECK(res.nlog == rl_exp_nlog(e));
        for (int g = 0; g < res.nruns; g++)
            FUZZ_CHECK(res.have[g] == 1);
        for (int c = 0; c < e->ncells; c++) {
            double mean, sd;
            rl_exp_cell_stats(e, &res, c, res.nlog - 1, RL_EXP_LOSS, &mean,
                              &sd);
            FUZZ_CHECK(rl_exp_cell_diverged(e, &res, c) <= e->runs);
            if (e->kind == RL_EXP_RETRAIN)
                FUZZ_CHECK(e->cells[c].from_net == c);
            else
                FUZZ_CHECK(e->cells[c].from_net == -1);
        }
        rl_exp_results_destroy(&res);
    }
    free(e);
    close(fd);
    return 0;
}
