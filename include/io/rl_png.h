/* rl_png.h: PNG files of rendered frames, through libpng.
 *
 * Frames are 32-bit pixels 0xAARRGGBB in native byte order (SDL's
 * ARGB8888), rows `stride` pixels apart; alpha is ignored and written as
 * opaque RGB. Compression is tuned for plots (large flat areas): fast
 * filters and a low zlib level, not the slow defaults.
 */
#ifndef RL_PNG_H
#define RL_PNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rl_output.h"

/* One tEXt chunk: key (1-79 Latin-1 chars) and value. */
struct rl_png_text {
    const char *key;
    const char *value;
};

/* Write w x h pixels to path through a temporary name renamed into place,
 * with ntext tEXt chunks. False with err naming path and problem (e.g. a
 * full disk); no partial file is left behind. Thread-safe. */
bool rl_png_write(const char *path, const uint32_t *argb, int w, int h,
                  int stride, const struct rl_png_text *text, int ntext,
                  char *err, size_t errlen);

/* rl_png_write without the rename: the PNG is written, flushed and
 * fsync'ed under of's temporary name beside path and closed; the caller
 * then publishes it (rl_outfile_publish: renamed to path, complete) or
 * gives it up (rl_outfile_abort). False with err as rl_png_write, and
 * nothing left behind (of is then safe to abort). Thread-safe. */
bool rl_png_write_staged(struct rl_outfile *of, const char *path,
                         const uint32_t *argb, int w, int h, int stride,
                         const struct rl_png_text *text, int ntext,
                         char *err, size_t errlen);

/* Read a PNG (any colour type libpng can expand) into malloc'd 0xFFRRGGBB
 * pixels, stride == w. Caller frees *argb. */
bool rl_png_read(const char *path, uint32_t **argb, int *w, int *h,
                 char *err, size_t errlen);

/* Read the value of tEXt key from a PNG into value (NUL-terminated);
 * false when absent or unreadable. */
bool rl_png_read_text(const char *path, const char *key, char *value,
                      size_t len);

#endif
