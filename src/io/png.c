/* png.c: PNG files of rendered frames through libpng (see rl_png.h).
 *
 * Plots are mostly flat colour with anti-aliased lines, text and a smooth
 * heatmap. Measured on a rendered 1280x800 window frame (single core, ms per
 * frame / bytes): no filter + zlib level 2 7.3 / 171 k; SUB level 1
 * 8.9 / 206 k; UP level 1 9.0 / 190 k; PAETH level 1 11.4 / 186 k; SUB with
 * Z_RLE 10.2 / 398 k (RLE loses on anti-aliased edges); libpng's defaults
 * (all filters, level 6) 27 / 160 k. Deflate's own matching finds the
 * repeats in flat areas, so filtering costs time without paying back here.
 * Measured again on a window frame (CPU ms per frame / bytes, busy
 * machine): none level 2 8.1 / 200 k (kept); none level 1 8.0 / 204 k;
 * none level 3 8.4 / 196 k; UP level 1 9.1 / 228 k; UP Z_RLE 10.2 / 431 k;
 * UP Huffman only 20 / 725 k; zlib memLevel 9 9.0 / 200 k; window 2^12
 * 15 / 301 k; a 256 KB zlib buffer 7.8-8.1 / 200 k (noise). About 77% of
 * the time is zlib's deflate and adler32, so the encoder is near what zlib
 * allows; recording throughput comes from the recorder's writer threads.
 */
#include "rl_png.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rl_output.h"

#include <png.h>
#include <zlib.h>

#ifndef RL_PNG_FILTERS
#define RL_PNG_FILTERS PNG_FILTER_NONE
#endif
#ifndef RL_PNG_LEVEL
#define RL_PNG_LEVEL 2
#endif
#ifndef RL_PNG_STRATEGY
#define RL_PNG_STRATEGY Z_DEFAULT_STRATEGY
#endif

/* What went wrong inside libpng, for the one-line message. */
struct png_failure {
    jmp_buf jmp;
    FILE *f;
    int write_errno;        /* errno of a failed fwrite/fflush, 0 if none */
    char msg[256];          /* libpng's own message */
};

static void on_error(png_structp png, png_const_charp msg)
{
    struct png_failure *fail = png_get_error_ptr(png);
    snprintf(fail->msg, sizeof(fail->msg), "%s", msg);
    longjmp(fail->jmp, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg; /* warnings (e.g. unknown chunks when reading) are harmless */
}

static void on_write(png_structp png, png_bytep data, size_t len)
{
    struct png_failure *fail = png_get_error_ptr(png);
    errno = 0;
    if (fwrite(data, 1, len, fail->f) != len) {
        fail->write_errno = errno ? errno : EIO;
        png_error(png, "write failed");
    }
}

static void on_flush(png_structp png)
{
    (void)png; /* the file is flushed once, before it is renamed */
}

static bool little_endian(void)
{
    const uint32_t one = 1;
    return *(const unsigned char *)&one == 1;
}

/* The part libpng may see after setjmp: everything it touches is set up
 * before and released by the caller, so no local changes across longjmp. */
static bool encode(struct png_failure *fail, png_structp png, png_infop info,
                   const uint32_t *argb, int w, int h, int stride,
                   const struct rl_png_text *text, int ntext, png_textp chunks)
{
    if (setjmp(fail->jmp))
        return false;
    png_set_write_fn(png, NULL, on_write, on_flush);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, RL_PNG_FILTERS);
    png_set_compression_level(png, RL_PNG_LEVEL);
    png_set_compression_strategy(png, RL_PNG_STRATEGY);
    for (int i = 0; i < ntext; i++) {
        chunks[i].compression = PNG_TEXT_COMPRESSION_NONE;
        chunks[i].key = (png_charp)text[i].key;
        chunks[i].text = (png_charp)text[i].value;
        chunks[i].text_length = strlen(text[i].value);
    }
    if (ntext > 0)
        png_set_text(png, info, chunks, ntext);
    png_write_info(png, info); /* the text goes before the image data */
    /* rows are 0xAARRGGBB words: bytes B,G,R,A in little-endian memory,
     * A,R,G,B in big-endian; libpng drops the alpha byte as a filler */
    if (little_endian()) {
        png_set_bgr(png);
        png_set_filler(png, 0, PNG_FILLER_AFTER);
    } else {
        png_set_filler(png, 0, PNG_FILLER_BEFORE);
    }
    for (int y = 0; y < h; y++)
        png_write_row(png, (png_const_bytep)(argb + (size_t)y * stride));
    png_write_end(png, info);
    return true;
}

bool rl_png_write_staged(struct rl_outfile *of, const char *path,
                         const uint32_t *argb, int w, int h, int stride,
                         const struct rl_png_text *text, int ntext,
                         char *err, size_t errlen)
{
    memset(of, 0, sizeof(*of));
    if (w <= 0 || h <= 0 || stride < w || ntext < 0) {
        snprintf(err, errlen, "cannot write '%s': bad image size %dx%d",
                 path, w, h);
        return false;
    }
    bool ok = false;
    struct png_failure fail = {.write_errno = 0};
    png_structp png = NULL;
    png_infop info = NULL;
    png_textp chunks = NULL;
    char why[4608];
    if (!rl_outfile_open_path(of, path, why, sizeof(why))) {
        snprintf(err, errlen, "cannot create '%s': %s", path, why);
        return false;
    }
    FILE *f = of->f;
    fail.f = f;
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &fail, on_error,
                                  on_warning);
    if (png)
        info = png_create_info_struct(png);
    if (ntext > 0)
        chunks = calloc((size_t)ntext, sizeof(*chunks));
    if (!png || !info || (ntext > 0 && !chunks)) {
        snprintf(err, errlen, "cannot write '%s': out of memory", path);
        goto done;
    }
    if (!encode(&fail, png, info, argb, w, h, stride, text, ntext, chunks)) {
        if (fail.write_errno)
            snprintf(err, errlen, "cannot write '%s': %s", path,
                     strerror(fail.write_errno));
        else
            snprintf(err, errlen, "cannot write '%s': libpng: %s", path,
                     fail.msg);
        goto done;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(EIO));
        goto done;
    }
    ok = true;

done:
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    free(chunks);
    if (ok && !rl_outfile_finish(of, why, sizeof(why))) {
        snprintf(err, errlen, "cannot write '%s': %s", path, why);
        ok = false;
    }
    if (!ok)
        rl_outfile_abort(of);
    return ok;
}

bool rl_png_write(const char *path, const uint32_t *argb, int w, int h,
                  int stride, const struct rl_png_text *text, int ntext,
                  char *err, size_t errlen)
{
    struct rl_outfile of;
    if (!rl_png_write_staged(&of, path, argb, w, h, stride, text, ntext, err,
                             errlen))
        return false;
    char why[4608];
    if (!rl_outfile_publish(&of, true, why, sizeof(why))) {
        snprintf(err, errlen, "cannot write '%s': %s", path, why);
        return false;
    }
    return true;
}

bool rl_png_read(const char *path, uint32_t **argb, int *w, int *h,
                 char *err, size_t errlen)
{
    *argb = NULL;
    png_image image;
    memset(&image, 0, sizeof(image));
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path)) {
        snprintf(err, errlen, "cannot read '%s': %s", path, image.message);
        return false;
    }
    /* the byte order of a native 0xAARRGGBB word */
    image.format = little_endian() ? PNG_FORMAT_BGRA : PNG_FORMAT_ARGB;
    size_t n = (size_t)image.width * image.height;
    uint32_t *px = malloc(n * sizeof(*px));
    if (!px) {
        png_image_free(&image);
        snprintf(err, errlen, "cannot read '%s': out of memory", path);
        return false;
    }
    if (!png_image_finish_read(&image, NULL, px, 0, NULL)) {
        snprintf(err, errlen, "cannot read '%s': %s", path, image.message);
        free(px);
        png_image_free(&image);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        px[i] |= 0xFF000000u; /* alpha, if any, is ignored as on writing */
    *argb = px;
    *w = (int)image.width;
    *h = (int)image.height;
    return true;
}

bool rl_png_read_text(const char *path, const char *key, char *value,
                      size_t len)
{
    volatile bool found = false; /* read after a longjmp */
    png_structp png = NULL;
    png_infop info = NULL;
    struct png_failure fail = {.write_errno = 0};
    FILE *f = fopen(path, "rbe");
    if (!f)
        return false;
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &fail, on_error,
                                 on_warning);
    if (png)
        info = png_create_info_struct(png);
    if (!png || !info)
        goto done;
    if (setjmp(fail.jmp))
        goto done; /* found stays false: nothing after setjmp changes it */
    png_init_io(png, f);
    png_read_info(png, info);
    png_textp text;
    int ntext = 0;
    png_get_text(png, info, &text, &ntext);
    for (int i = 0; i < ntext && !found; i++) {
        if (strcmp(text[i].key, key) != 0)
            continue;
        snprintf(value, len, "%s", text[i].text ? text[i].text : "");
        found = true;
    }

done:
    png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
    fclose(f);
    return found;
}
