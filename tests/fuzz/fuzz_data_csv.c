/* fuzz_data_csv.c: libFuzzer target for the data CSV loader.
 *
 * The input becomes the contents of a file (an in-memory file reached
 * through /proc/self/fd, so no disk is touched) that rl_data_load_csv
 * reads. Whatever the bytes, the loader must either refuse with a one-line
 * message naming the file, or return balanced finite data.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rl_data.h"

#include "fuzz_check.h"

static int memfd = -1;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
    if (memfd < 0) {
        memfd = memfd_create("fuzz.csv", 0);
        if (memfd < 0)
            abort();
        snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
    }
    if (ftruncate(memfd, 0) != 0 ||
        pwrite(memfd, buf, len, 0) != (ssize_t)len)
        abort();

    struct rl_data d;
    char err[512];
    err[0] = '\0';
    if (rl_data_load_csv(&d, path, err, sizeof(err))) {
        /* success: both classes, labels 0/1, finite points */
        int count[2] = {0, 0};
        FUZZ_CHECK(d.n > 0);
        for (int i = 0; i < d.n; i++) {
            FUZZ_CHECK(d.y[i] == 0.0f || d.y[i] == 1.0f);
            FUZZ_CHECK(isfinite(d.x[2 * i]) &&
                       isfinite(d.x[2 * i + 1]));
            count[d.y[i] != 0.0f]++;
        }
        FUZZ_CHECK(count[0] > 0 && count[1] > 0);
        rl_data_destroy(&d);
    } else {
        /* refused: nothing kept, one line that names the file */
        FUZZ_CHECK(d.n == 0 && !d.x && !d.y);
        FUZZ_CHECK(strncmp(err, path, strlen(path)) == 0);
        FUZZ_CHECK(!strchr(err, '\n'));
    }
    return 0;
}
