/* test_png.c: PNG frames decode to exactly their pixels; text; errors. */
#include <errno.h>
#include <glob.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "rl_output.h"
#include "rl_png.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#define SCRATCH RL_TEST_BUILD_DIR "/png_scratch"

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Every colour and alpha, flat areas and noise, rows stride apart. */
static uint32_t *test_image(int h, int stride)
{
    uint32_t *px = malloc((size_t)stride * h * sizeof(*px));
    uint32_t s = 2463534242u;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < stride; x++) {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            px[(size_t)y * stride + x] = y < h / 2 ? s : 0x80336699u;
        }
    return px;
}

static void test_roundtrip_exact(void)
{
    const int w = 173, h = 61, stride = 180;
    uint32_t *src = test_image(h, stride);
    char err[512] = "";
    const char *path = SCRATCH "/frame.png";
    CHECK(rl_png_write(path, src, w, h, stride, NULL, 0, err, sizeof(err)));
    CHECK(!exists(SCRATCH "/frame.png.part"));
    uint32_t *back = NULL;
    int bw = 0, bh = 0;
    CHECK(rl_png_read(path, &back, &bw, &bh, err, sizeof(err)));
    CHECK(bw == w && bh == h);
    int wrong = 0;
    for (int y = 0; back && y < h; y++)
        for (int x = 0; x < w; x++)
            if (back[(size_t)y * w + x] !=
                (0xFF000000u | (src[(size_t)y * stride + x] & 0xFFFFFFu)))
                wrong++;
    CHECK(wrong == 0); /* alpha is dropped, colours are exact */
    free(back);
    free(src);
}

static void test_text_chunks(void)
{
    uint32_t px[4] = {0xFF000000u, 0xFFFFFFFFu, 0xFF102030u, 0xFF405060u};
    const struct rl_png_text text[] = {
        {"Software", "richlazy"},
        {"step", "12345"},
        {"lr", "0.002"},
    };
    char err[512], value[64];
    const char *path = SCRATCH "/text.png";
    CHECK(rl_png_write(path, px, 2, 2, 2, text, 3, err, sizeof(err)));
    CHECK(rl_png_read_text(path, "step", value, sizeof(value)));
    CHECK(!strcmp(value, "12345"));
    CHECK(rl_png_read_text(path, "lr", value, sizeof(value)));
    CHECK(!strcmp(value, "0.002"));
    CHECK(!rl_png_read_text(path, "seed", value, sizeof(value)));
    CHECK(!rl_png_read_text(SCRATCH "/absent.png", "step", value,
                            sizeof(value)));
}

static void test_missing_folder(void)
{
    uint32_t px[1] = {0xFF00FF00u};
    char err[512] = "";
    const char *path = SCRATCH "/no/such/folder/f.png";
    CHECK(!rl_png_write(path, px, 1, 1, 1, NULL, 0, err, sizeof(err)));
    CHECK_CONTAINS(err, path);
    CHECK_CONTAINS(err, "No such file or directory");
}

/* A full disk, found when the file is synced (where delayed allocation
 * reports it): the output layer's fault injection fails the next fsync
 * with ENOSPC. No file may appear under the final name, nor a temporary. */
static void test_full_disk(void)
{
    const char *path = SCRATCH "/full.png";
    rl_output_fail_sync(1, ENOSPC);
    const int w = 300, h = 200;
    uint32_t *px = test_image(h, w);
    char err[512] = "";
    CHECK(!rl_png_write(path, px, w, h, w, NULL, 0, err, sizeof(err)));
    CHECK_CONTAINS(err, path);
    CHECK_CONTAINS(err, "No space left on device");
    CHECK(!exists(path));
    glob_t g;
    CHECK(glob(SCRATCH "/full.png*", 0, NULL, &g) == GLOB_NOMATCH);
    globfree(&g);
    free(px);
}

static void test_not_a_png(void)
{
    FILE *f = fopen(SCRATCH "/bad.png", "wb");
    fputs("not a png at all", f);
    fclose(f);
    uint32_t *px = NULL;
    int w, h;
    char err[512] = "";
    CHECK(!rl_png_read(SCRATCH "/bad.png", &px, &w, &h, err, sizeof(err)));
    CHECK(px == NULL);
    CHECK_CONTAINS(err, "bad.png");
}

int main(void)
{
    CHECK(system("rm -rf " SCRATCH " && mkdir -p " SCRATCH) == 0);
    test_roundtrip_exact();
    test_text_chunks();
    test_missing_folder();
    test_full_disk();
    test_not_a_png();
    return check_summary("png");
}
