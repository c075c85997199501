/* npy.c: NumPy .npy files of 2-D float32 arrays (see rl_npy.h).
 *
 * Format: numpy/lib/format.py ("NPY format" in the NumPy reference). A file
 * is the magic "\x93NUMPY", a version (major, minor), the header length
 * (uint16 LE for 1.0, uint32 LE for 2.0 and 3.0), an ASCII Python dict
 * literal padded with spaces and a final '\n', then the raw data.
 *
 * The writer reproduces numpy.save byte for byte for a C-order '<f4' array:
 * the dict with sorted keys, numpy's 21 - len(str(shape[0])) spare spaces
 * (GROWTH_AXIS_MAX_DIGITS) and 1..64 spaces of padding so that the data
 * starts on a 64-byte boundary (ARRAY_ALIGN). The reader takes the whole
 * file as one buffer and never looks past its end, whatever the input.
 */
#include "rl_npy.h"
#include "rl_readfile.h"
#include "rl_output.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
#define NPY_ALIGN 64                /* numpy ARRAY_ALIGN */
#define NPY_GROWTH_DIGITS 21        /* numpy GROWTH_AXIS_MAX_DIGITS */
#define NPY_MAX_DIMS 32
#define NPY_MAX_ELEMS (UINT64_C(1) << 31)
#define NPY_MAX_FILE (UINT64_C(1) << 31) /* 2 GiB */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- encoding ---------------------------------------------------------- */

static void put_f32_le(unsigned char *p, float v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof(u));
    p[0] = (unsigned char)(u & 0xff);
    p[1] = (unsigned char)((u >> 8) & 0xff);
    p[2] = (unsigned char)((u >> 16) & 0xff);
    p[3] = (unsigned char)((u >> 24) & 0xff);
}

static float get_f32_le(const unsigned char *p)
{
    uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
                 (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    float v;
    memcpy(&v, &u, sizeof(v));
    return v;
}

unsigned char *rl_npy_encode(const float *data, int rows, int cols,
                             size_t *len)
{
    assert(rows >= 0 && cols >= 0);
    assert(data || (size_t)rows * (size_t)cols == 0);
    assert(len);

    /* the dict exactly as numpy's repr of it, then the spare spaces */
    char dict[128];
    int dlen = snprintf(dict, sizeof(dict),
                        "{'descr': '<f4', 'fortran_order': False, "
                        "'shape': (%d, %d), }", rows, cols);
    assert(dlen > 0 && (size_t)dlen < sizeof(dict));
    char digits[16];
    int ndig = snprintf(digits, sizeof(digits), "%d", rows);
    size_t spare = (size_t)(NPY_GROWTH_DIGITS - ndig);

    /* numpy _wrap_header: hlen counts the '\n'; padlen is 1..64, never 0 */
    size_t hlen = (size_t)dlen + spare + 1;
    size_t padlen = NPY_ALIGN - ((10 + hlen) % NPY_ALIGN);
    size_t header_len = hlen + padlen;      /* fits uint16 by far */
    size_t prefix_len = 10 + header_len;

    uint64_t count = (uint64_t)rows * (uint64_t)cols;
    if (count > (SIZE_MAX - prefix_len) / 4)
        return NULL;
    size_t total = prefix_len + (size_t)count * 4;

    unsigned char *buf = malloc(total);
    if (!buf)
        return NULL;
    memcpy(buf, NPY_MAGIC, NPY_MAGIC_LEN);
    buf[6] = 1;
    buf[7] = 0;
    buf[8] = (unsigned char)(header_len & 0xff);
    buf[9] = (unsigned char)(header_len >> 8);
    unsigned char *p = buf + 10;
    memcpy(p, dict, (size_t)dlen);
    p += dlen;
    memset(p, ' ', spare + padlen);
    p += spare + padlen;
    *p++ = '\n';
    assert((size_t)(p - buf) == prefix_len && prefix_len % NPY_ALIGN == 0);

    for (size_t i = 0; i < (size_t)count; i++)
        put_f32_le(p + 4 * i, data[i]);
    *len = total;
    return buf;
}

bool rl_npy_write(const char *path, const float *data, int rows, int cols,
                  char *err, size_t errlen)
{
    assert(path);
    size_t len = 0;
    unsigned char *buf = rl_npy_encode(data, rows, cols, &len);
    if (!buf) {
        set_err(err, errlen, "%s: cannot write: out of memory for a "
                "(%d, %d) array", path, rows, cols);
        return false;
    }

    char why[4608];
    bool ok = rl_output_write_file(path, buf, len, why, sizeof(why));
    if (!ok)
        set_err(err, errlen, "%s", why);
    free(buf);
    return ok;
}

/* ---- decoding ---------------------------------------------------------- */

/* A cursor over the header text [p, end). */
struct hdr {
    const unsigned char *start;
    const unsigned char *p;
    const unsigned char *end;
};

static bool hdr_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void hdr_skip_space(struct hdr *h)
{
    while (h->p < h->end && hdr_is_space(*h->p))
        h->p++;
}

static bool hdr_accept(struct hdr *h, char c)
{
    hdr_skip_space(h);
    if (h->p < h->end && *h->p == (unsigned char)c) {
        h->p++;
        return true;
    }
    return false;
}

static size_t hdr_offset(const struct hdr *h)
{
    return (size_t)(h->p - h->start);
}

/* Copy at most out_size - 1 bytes of s for an error message, with anything
 * not printable ASCII shown as '?', and "..." when cut. */
static void printable(char *out, size_t out_size, const unsigned char *s,
                      size_t n)
{
    assert(out_size >= 4);
    size_t room = out_size - 1, k = 0;
    bool cut = n > room;
    if (cut)
        n = room - 3;
    for (size_t i = 0; i < n; i++)
        out[k++] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
    if (cut) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = '\0';
}

/* A Python string literal in ' or " quotes (no escapes, as numpy writes). */
static bool hdr_string(struct hdr *h, const unsigned char **s, size_t *n)
{
    hdr_skip_space(h);
    if (h->p >= h->end || (*h->p != '\'' && *h->p != '"'))
        return false;
    unsigned char q = *h->p;
    const unsigned char *b = h->p + 1;
    const unsigned char *e = b;
    while (e < h->end && *e != q && *e != '\\' && *e != '\n')
        e++;
    if (e >= h->end || *e != q)
        return false;
    *s = b;
    *n = (size_t)(e - b);
    h->p = e + 1;
    return true;
}

static bool hdr_word(struct hdr *h, const char *w)
{
    hdr_skip_space(h);
    size_t n = strlen(w);
    if ((size_t)(h->end - h->p) < n || memcmp(h->p, w, n) != 0)
        return false;
    const unsigned char *after = h->p + n;
    if (after < h->end && (*after == '_' || (*after >= '0' && *after <= '9')
                           || (*after >= 'a' && *after <= 'z')
                           || (*after >= 'A' && *after <= 'Z')))
        return false;
    h->p = after;
    return true;
}

struct npy_header {
    bool has_descr, has_fortran, has_shape;
    bool fortran;
    const unsigned char *descr;
    size_t descr_len;
    bool descr_not_string;
    int ndim;
    uint64_t dims[NPY_MAX_DIMS];
};

/* Parse a shape tuple "(a, b, ...)"; dims stay below 2^62 + 10. */
static bool hdr_shape(struct hdr *h, struct npy_header *hd, char *err,
                      size_t errlen)
{
    if (!hdr_accept(h, '(')) {
        set_err(err, errlen, "bad header: 'shape' is not a tuple (at byte "
                "%zu of the header)", hdr_offset(h));
        return false;
    }
    int ndim = 0;
    bool comma = false;
    for (;;) {
        if (hdr_accept(h, ')'))
            break;
        hdr_skip_space(h);
        if (h->p >= h->end || *h->p < '0' || *h->p > '9') {
            set_err(err, errlen, "bad header: 'shape' must be a tuple of "
                    "non-negative integers (at byte %zu of the header)",
                    hdr_offset(h));
            return false;
        }
        uint64_t v = 0;
        while (h->p < h->end && *h->p >= '0' && *h->p <= '9') {
            if (v > (UINT64_C(1) << 62) / 10) {
                set_err(err, errlen, "array too large: a dimension of "
                        "'shape' exceeds %d", INT_MAX);
                return false;
            }
            v = v * 10 + (uint64_t)(*h->p - '0');
            h->p++;
        }
        /* Python 2 wrote long integers as 500L */
        if (h->p < h->end && (*h->p == 'L' || *h->p == 'l'))
            h->p++;
        if (ndim == NPY_MAX_DIMS) {
            set_err(err, errlen, "expected a 2-D array, shape has more than "
                    "%d dimensions", NPY_MAX_DIMS);
            return false;
        }
        hd->dims[ndim++] = v;
        if (hdr_accept(h, ',')) {
            comma = true;
            continue;
        }
        if (hdr_accept(h, ')'))
            break;
        set_err(err, errlen, "bad header: expected ',' or ')' in 'shape' "
                "(at byte %zu of the header)", hdr_offset(h));
        return false;
    }
    if (ndim == 1 && !comma) {
        set_err(err, errlen, "bad header: 'shape' (%llu) is not a tuple",
                (unsigned long long)hd->dims[0]);
        return false;
    }
    hd->ndim = ndim;
    return true;
}

static bool hdr_parse(struct hdr *h, struct npy_header *hd, char *err,
                      size_t errlen)
{
    memset(hd, 0, sizeof(*hd));
    if (!hdr_accept(h, '{')) {
        set_err(err, errlen, "bad header: expected '{' at byte %zu of the "
                "header", hdr_offset(h));
        return false;
    }
    for (;;) {
        if (hdr_accept(h, '}'))
            break;
        const unsigned char *key;
        size_t klen;
        if (!hdr_string(h, &key, &klen)) {
            set_err(err, errlen, "bad header: expected a quoted key or '}' "
                    "at byte %zu of the header", hdr_offset(h));
            return false;
        }
        char kshow[40];
        printable(kshow, sizeof(kshow), key, klen);
        if (!hdr_accept(h, ':')) {
            set_err(err, errlen, "bad header: expected ':' after '%s' at "
                    "byte %zu of the header", kshow, hdr_offset(h));
            return false;
        }
        bool *seen;
        if (klen == 5 && !memcmp(key, "descr", 5))
            seen = &hd->has_descr;
        else if (klen == 13 && !memcmp(key, "fortran_order", 13))
            seen = &hd->has_fortran;
        else if (klen == 5 && !memcmp(key, "shape", 5))
            seen = &hd->has_shape;
        else {
            set_err(err, errlen, "bad header: unexpected key '%s' (expected "
                    "'descr', 'fortran_order' and 'shape')", kshow);
            return false;
        }
        if (*seen) {
            set_err(err, errlen, "bad header: duplicate key '%s'", kshow);
            return false;
        }
        *seen = true;

        if (seen == &hd->has_descr) {
            if (!hdr_string(h, &hd->descr, &hd->descr_len)) {
                /* a list is a structured dtype; anything else is garbage,
                 * both are reported as the wrong dtype after parsing */
                hdr_skip_space(h);
                if (h->p < h->end && *h->p == '[') {
                    hd->descr_not_string = true;
                    /* skip the balanced list, staying in bounds */
                    int depth = 0;
                    while (h->p < h->end) {
                        unsigned char c = *h->p++;
                        if (c == '[' || c == '(')
                            depth++;
                        else if ((c == ']' || c == ')') && --depth == 0)
                            break;
                    }
                    if (depth != 0) {
                        set_err(err, errlen, "bad header: unterminated "
                                "'descr'");
                        return false;
                    }
                } else {
                    set_err(err, errlen, "bad header: 'descr' is not a "
                            "string (at byte %zu of the header)",
                            hdr_offset(h));
                    return false;
                }
            }
        } else if (seen == &hd->has_fortran) {
            if (hdr_word(h, "False")) {
                hd->fortran = false;
            } else if (hdr_word(h, "True")) {
                hd->fortran = true;
            } else {
                set_err(err, errlen, "bad header: 'fortran_order' must be "
                        "True or False (at byte %zu of the header)",
                        hdr_offset(h));
                return false;
            }
        } else {
            if (!hdr_shape(h, hd, err, errlen))
                return false;
        }

        if (hdr_accept(h, ','))
            continue;
        if (hdr_accept(h, '}'))
            break;
        set_err(err, errlen, "bad header: expected ',' or '}' at byte %zu "
                "of the header", hdr_offset(h));
        return false;
    }
    hdr_skip_space(h);
    if (h->p != h->end) {
        set_err(err, errlen, "bad header: unexpected text after '}' at byte "
                "%zu of the header", hdr_offset(h));
        return false;
    }
    const char *missing = !hd->has_descr ? "descr"
                        : !hd->has_fortran ? "fortran_order"
                        : !hd->has_shape ? "shape" : NULL;
    if (missing) {
        set_err(err, errlen, "bad header: missing key '%s'", missing);
        return false;
    }
    return true;
}

/* "(2, 3, 4)" / "(5,)" / "()" into out. */
static void format_shape(char *out, size_t out_size,
                         const struct npy_header *hd)
{
    size_t k = 0;
    int n = snprintf(out, out_size, "(");
    k = (size_t)n;
    for (int i = 0; i < hd->ndim && k < out_size; i++) {
        n = snprintf(out + k, out_size - k, "%s%llu", i ? ", " : "",
                     (unsigned long long)hd->dims[i]);
        if (n < 0)
            return;
        k += (size_t)n;
    }
    if (k < out_size)
        snprintf(out + k, out_size - k, hd->ndim == 1 ? ",)" : ")");
}

bool rl_npy_decode(const unsigned char *buf, size_t len, float **data,
                   int *rows, int *cols, char *err, size_t errlen)
{
    assert(data && rows && cols);
    assert(buf || len == 0);
    *data = NULL;
    *rows = 0;
    *cols = 0;

    if (len == 0) {
        set_err(err, errlen, "empty file, not a .npy file");
        return false;
    }
    size_t mlen = len < NPY_MAGIC_LEN ? len : NPY_MAGIC_LEN;
    if (len < NPY_MAGIC_LEN || memcmp(buf, NPY_MAGIC, mlen) != 0) {
        set_err(err, errlen, "not a .npy file (bad magic)");
        return false;
    }
    if (len < 8) {
        set_err(err, errlen, "truncated header: file is only %zu bytes",
                len);
        return false;
    }
    unsigned major = buf[6], minor = buf[7];
    if ((major != 1 && major != 2 && major != 3) || minor != 0) {
        set_err(err, errlen, "unsupported .npy format version %u.%u "
                "(expected 1.0, 2.0 or 3.0)", major, minor);
        return false;
    }
    size_t prefix = major == 1 ? 10 : 12;
    if (len < prefix) {
        set_err(err, errlen, "truncated header: file is only %zu bytes",
                len);
        return false;
    }
    uint64_t hlen = (uint64_t)buf[8] | (uint64_t)buf[9] << 8;
    if (major != 1)
        hlen |= (uint64_t)buf[10] << 16 | (uint64_t)buf[11] << 24;
    if (hlen > (uint64_t)(len - prefix)) {
        set_err(err, errlen, "truncated header: header length is %llu "
                "bytes but only %zu follow", (unsigned long long)hlen,
                len - prefix);
        return false;
    }

    struct hdr h = {
        .start = buf + prefix,
        .p = buf + prefix,
        .end = buf + prefix + (size_t)hlen,
    };
    struct npy_header hd;
    if (!hdr_parse(&h, &hd, err, errlen))
        return false;

    if (hd.descr_not_string) {
        set_err(err, errlen, "dtype is a structured type, expected '<f4' "
                "(float32)");
        return false;
    }
    if (hd.descr_len != 3 || memcmp(hd.descr, "<f4", 3) != 0) {
        char dshow[40];
        printable(dshow, sizeof(dshow), hd.descr, hd.descr_len);
        set_err(err, errlen, "dtype is '%s', expected '<f4' (float32)",
                dshow);
        return false;
    }
    if (hd.fortran) {
        set_err(err, errlen, "Fortran order is not supported (save a "
                "C-order array, e.g. numpy.ascontiguousarray)");
        return false;
    }
    char shape[128];
    format_shape(shape, sizeof(shape), &hd);
    uint64_t r, c;
    if (hd.ndim == 1) {
        r = 1;
        c = hd.dims[0];
    } else if (hd.ndim == 2) {
        r = hd.dims[0];
        c = hd.dims[1];
    } else {
        set_err(err, errlen, "expected a 2-D array, shape is %s", shape);
        return false;
    }
    if (r > INT_MAX || c > INT_MAX) {
        set_err(err, errlen, "array too large: shape is %s, dimensions "
                "must be at most %d", shape, INT_MAX);
        return false;
    }
    uint64_t count = r * c;     /* both <= 2^31 - 1: no overflow */
    if (count > NPY_MAX_ELEMS) {
        set_err(err, errlen, "array too large: shape is %s, %llu elements "
                "(at most 2^31)", shape, (unsigned long long)count);
        return false;
    }
    uint64_t need = count * 4;
    size_t start = prefix + (size_t)hlen;
    uint64_t have = (uint64_t)(len - start);
    if (have < need) {
        set_err(err, errlen, "truncated: expected %llu bytes of data, "
                "found %llu", (unsigned long long)need,
                (unsigned long long)have);
        return false;
    }
    if (have > need) {
        set_err(err, errlen, "%llu bytes after the data: expected %llu "
                "bytes of data, found %llu", (unsigned long long)(have - need),
                (unsigned long long)need, (unsigned long long)have);
        return false;
    }
    if (need > SIZE_MAX) {
        set_err(err, errlen, "array too large for this machine: shape is %s",
                shape);
        return false;
    }

    /* at least one float so that an empty array still gets a buffer */
    float *out = malloc(count ? (size_t)need : sizeof(float));
    if (!out) {
        set_err(err, errlen, "out of memory for a %s array", shape);
        return false;
    }
    const unsigned char *src = buf + start;
    for (size_t i = 0; i < (size_t)count; i++)
        out[i] = get_f32_le(src + 4 * i);
    *data = out;
    *rows = (int)r;
    *cols = (int)c;
    return true;
}

bool rl_npy_read(const char *path, float **data, int *rows, int *cols,
                 char *err, size_t errlen)
{
    assert(path && data && rows && cols);
    *data = NULL;
    *rows = 0;
    *cols = 0;

    /* a regular file of at most 2 GiB: never /dev/zero or a FIFO */
    char why[4400];
    FILE *f = rl_read_open(path, NPY_MAX_FILE, why, sizeof(why));
    if (!f) {
        set_err(err, errlen, "%s", why);
        return false;
    }

    /* grow a buffer until EOF (the file may have grown since it was
     * opened); the buffer may hold one byte past the cap to tell "2 GiB"
     * from "more" */
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            if ((uint64_t)cap > NPY_MAX_FILE)
                break;
            size_t ncap = cap ? cap * 2 : 65536;
            if ((uint64_t)ncap > NPY_MAX_FILE + 1)
                ncap = (size_t)(NPY_MAX_FILE + 1);
            unsigned char *nbuf = realloc(buf, ncap);
            if (!nbuf) {
                set_err(err, errlen, "%s: out of memory reading the file",
                        path);
                goto error;
            }
            buf = nbuf;
            cap = ncap;
        }
        size_t want = cap - len;
        if (want > ((size_t)64 << 20))
            want = (size_t)64 << 20; /* 64 MiB at a time: poll between */
        if (rl_read_stopped()) {
            set_err(err, errlen, "%s: reading stopped (interrupted)", path);
            goto error;
        }
        errno = 0;
        size_t got = fread(buf + len, 1, want, f);
        len += got;
        if (got < want) {
            if (ferror(f)) {
                set_err(err, errlen, "%s: cannot read: %s", path,
                        strerror(errno ? errno : EIO));
                goto error;
            }
            break;              /* EOF */
        }
    }
    if ((uint64_t)len > NPY_MAX_FILE) {
        set_err(err, errlen, "%s: file is larger than 2 GiB, too large to "
                "read", path);
        goto error;
    }
    fclose(f);
    f = NULL;

    char derr[256];
    derr[0] = '\0';
    bool ok = rl_npy_decode(buf, len, data, rows, cols, derr, sizeof(derr));
    free(buf);
    if (!ok)
        set_err(err, errlen, "%s: %s", path, derr);
    return ok;

error:
    free(buf);
    if (f)
        fclose(f);
    return false;
}
