/* test_npy.c: .npy writing and reading, and every bad input's message. */
#include "rl_npy.h"

#include <errno.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif

#define SCRATCH(name) RL_TEST_BUILD_DIR "/test_npy_" name ".npy"

/* numpy 1.24's np.save(f, np.zeros((500, 2), np.float32)) header */
static const char numpy_header_500x2[] =
    "\x93NUMPY\x01\x00\x76\x00"
    "{'descr': '<f4', 'fortran_order': False, 'shape': (500, 2), }"
    "                                                        \n";

static void fill(float *a, int n)
{
    for (int i = 0; i < n; i++)
        a[i] = (float)i * 0.25f - 3.0f + (i % 3 ? 1e-7f : 0.0f);
}

static void write_bytes(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK(fwrite(buf, 1, len, f) == len);
    CHECK(fclose(f) == 0);
}

static bool file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

static void roundtrip(int rows, int cols)
{
    const char *path = SCRATCH("roundtrip");
    int n = rows * cols;
    float *a = malloc((size_t)(n ? n : 1) * sizeof(float));
    CHECK(a != NULL);
    fill(a, n);
    char err[256] = "";
    CHECK(rl_npy_write(path, a, rows, cols, err, sizeof(err)));
    CHECK(!file_exists(SCRATCH("roundtrip") ".tmp"));

    float *b = NULL;
    int r = -1, c = -1;
    CHECK(rl_npy_read(path, &b, &r, &c, err, sizeof(err)));
    CHECK(r == rows && c == cols);
    CHECK(b != NULL);
    if (b && r == rows && c == cols)
        CHECK(memcmp(a, b, (size_t)n * sizeof(float)) == 0);
    free(a);
    free(b);
    remove(path);
}

static void test_roundtrip(void)
{
    roundtrip(500, 2);
    roundtrip(1, 100);      /* (1, H): w2 */
    roundtrip(100, 2);      /* (H, 2): w1 */
    roundtrip(1, 1);
    roundtrip(7, 13);
    roundtrip(0, 2);        /* empty arrays are legal .npy */
}

static void test_special_values(void)
{
    float a[6] = {0.0f, -0.0f, 1e-45f, 3.4028235e38f, INFINITY, NAN};
    size_t len = 0;
    unsigned char *buf = rl_npy_encode(a, 2, 3, &len);
    CHECK(buf != NULL);
    float *b = NULL;
    int r, c;
    char err[256] = "";
    CHECK(rl_npy_decode(buf, len, &b, &r, &c, err, sizeof(err)));
    if (b)
        CHECK(memcmp(a, b, sizeof(a)) == 0);
    /* explicitly little-endian: 1.0f is 00 00 80 3f */
    float one = 1.0f;
    unsigned char *ob = rl_npy_encode(&one, 1, 1, &len);
    CHECK(ob != NULL && len == 132);
    if (ob)
        CHECK(ob[128] == 0x00 && ob[129] == 0x00 && ob[130] == 0x80 &&
              ob[131] == 0x3f);
    free(ob);
    free(buf);
    free(b);
}

static void test_header_is_numpys(void)
{
    float *a = calloc(1000, sizeof(float));
    CHECK(a != NULL);
    size_t len = 0;
    unsigned char *buf = rl_npy_encode(a, 500, 2, &len);
    CHECK(buf != NULL);
    size_t hl = sizeof(numpy_header_500x2) - 1;
    CHECK(hl == 128);
    CHECK(len == hl + 4000);
    if (buf)
        CHECK(memcmp(buf, numpy_header_500x2, hl) == 0);
    free(buf);

    /* every shape: 64-aligned, ends in '\n', length field right */
    const int shapes[][2] = {{1, 1}, {1, 100}, {100, 2}, {123456789, 0},
                             {2147483647, 0}, {0, 2147483647}, {0, 0}};
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        buf = rl_npy_encode(a, shapes[i][0], shapes[i][1], &len);
        CHECK(buf != NULL);
        if (!buf)
            continue;
        size_t hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
        CHECK((10 + hlen) % 64 == 0);
        CHECK(len == 10 + hlen + 4 * (size_t)shapes[i][0] *
                                  (size_t)shapes[i][1]);
        CHECK(buf[10 + hlen - 1] == '\n');
        CHECK(buf[10 + hlen - 2] == ' ');
        char expect[128];
        snprintf(expect, sizeof(expect), "{'descr': '<f4', 'fortran_order': "
                 "False, 'shape': (%d, %d), }", shapes[i][0], shapes[i][1]);
        CHECK(memcmp(buf + 10, expect, strlen(expect)) == 0);
        free(buf);
    }
    free(a);
}

/* Decode hdr (a dict text) behind a v1.0 prefix with ndata bytes of data;
 * return whether it decoded, err holding the message. */
static bool decode_header(const char *hdr, size_t ndata, char *err,
                          size_t errlen, int *rows, int *cols)
{
    size_t hlen = strlen(hdr);
    size_t len = 10 + hlen + ndata;
    unsigned char *buf = calloc(len, 1);
    CHECK(buf != NULL);
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (unsigned char)(hlen & 0xff);
    buf[9] = (unsigned char)(hlen >> 8);
    memcpy(buf + 10, hdr, hlen);
    float *data = (float *)&len; /* must be reset to NULL on failure */
    err[0] = '\0';
    bool ok = rl_npy_decode(buf, len, &data, rows, cols, err, errlen);
    if (!ok) {
        CHECK(data == NULL);
        data = NULL;
    }
    free(data);
    free(buf);
    return ok;
}

static void test_header_parsing(void)
{
    char err[256];
    int r, c;
    /* keys in any order, spaces optional, double quotes, no trailing ',' */
    CHECK(decode_header("{\"shape\":(3,2),'fortran_order':False,"
                        "'descr':'<f4'}\n", 24, err, sizeof(err), &r, &c));
    CHECK(r == 3 && c == 2);
    CHECK(decode_header("{ 'descr' : '<f4' , 'fortran_order' : False , "
                        "'shape' : ( 3 , 2 , ) , }   \n", 24, err,
                        sizeof(err), &r, &c));
    CHECK(r == 3 && c == 2);
    /* 1-D reads as one row */
    CHECK(decode_header("{'descr': '<f4', 'fortran_order': False, "
                        "'shape': (5,), }\n", 20, err, sizeof(err), &r, &c));
    CHECK(r == 1 && c == 5);
    /* Python 2 long integers */
    CHECK(decode_header("{'descr': '<f4', 'fortran_order': False, "
                        "'shape': (2L, 3L), }\n", 24, err, sizeof(err), &r,
                        &c));
    CHECK(r == 2 && c == 3);

    CHECK(!decode_header("{'descr': '<f8', 'fortran_order': False, "
                         "'shape': (3, 2), }\n", 48, err, sizeof(err), &r,
                         &c));
    CHECK_CONTAINS(err, "dtype is '<f8', expected '<f4' (float32)");
    CHECK(!decode_header("{'descr': '>f4', 'fortran_order': False, "
                         "'shape': (3, 2), }\n", 24, err, sizeof(err), &r,
                         &c));
    CHECK_CONTAINS(err, "dtype is '>f4', expected '<f4' (float32)");
    CHECK(!decode_header("{'descr': [('x', '<f4')], 'fortran_order': False, "
                         "'shape': (3,), }\n", 12, err, sizeof(err), &r, &c));
    CHECK_CONTAINS(err, "dtype is a structured type, expected '<f4'");
    CHECK(!decode_header("{'descr': '<f4', 'fortran_order': True, "
                         "'shape': (3, 2), }\n", 24, err, sizeof(err), &r,
                         &c));
    CHECK_CONTAINS(err, "Fortran order is not supported");
    CHECK(!decode_header("{'descr': '<f4', 'fortran_order': False, "
                         "'shape': (2, 3, 4), }\n", 96, err, sizeof(err), &r,
                         &c));
    CHECK_CONTAINS(err, "expected a 2-D array, shape is (2, 3, 4)");
    CHECK(!decode_header("{'descr': '<f4', 'fortran_order': False, "
                         "'shape': (), }\n", 4, err, sizeof(err), &r, &c));
    CHECK_CONTAINS(err, "expected a 2-D array, shape is ()");
    CHECK(!decode_header("{'descr': '<f4', 'fortran_order': False, "
                         "'shape': (5), }\n", 20, err, sizeof(err), &r, &c));
    CHECK_CONTAINS(err, "'shape' (5) is not a tuple");
    CHECK(!decode_header("{'descr': '<f4', 'fortran_order': False, "
                         "'shape': (-3, 2), }\n", 24, err, sizeof(err), &r,
                         &c));
    CHECK_CONTAINS(err, "non-negative integers");
    CHECK(!decode_header("{'descr': '<f4', 'fortran_order': False, "
                         "'shape': (2147483648, 1), }\n", 0, err,
                         sizeof(err), &r, &c));
    CHECK_CONTAINS(err, "dimensions must be at most 2147483647");
    CHECK(!decode_header("{'descr': '<f4', 'fortran_order': False, "
                         "'shape': (99999999999999999999999, 1), }\n", 0, err,
                         sizeof(err), &r, &c));
    CHECK_CONTAINS(err, "array too large");
    CHECK(!decode_header("{'descr': '<f4', 'fortran_order': False, "
                         "'shape': (65536, 32769), }\n", 0, err, sizeof(err),
                         &r, &c));
    CHECK_CONTAINS(err, "2147549184 elements (at most 2^31)");
    CHECK(!decode_header("{'descr': '<f4', 'shape': (3, 2), }\n", 24, err,
                         sizeof(err), &r, &c));
    CHECK_CONTAINS(err, "missing key 'fortran_order'");
    CHECK(!decode_header("{'descr': '<f4', 'descr': '<f4', }\n", 24, err,
                         sizeof(err), &r, &c));
    CHECK_CONTAINS(err, "duplicate key 'descr'");
    CHECK(!decode_header("{'descr': '<f4', 'fortran_order': False, "
                         "'shape': (3, 2), 'x': 1}\n", 24, err, sizeof(err),
                         &r, &c));
    CHECK_CONTAINS(err, "unexpected key 'x'");
    CHECK(!decode_header("hello, world\n", 24, err, sizeof(err), &r, &c));
    CHECK_CONTAINS(err, "bad header: expected '{' at byte 0");
    CHECK(!decode_header("{'descr': '<f4', 'fortran_order': Falsey, "
                         "'shape': (3, 2), }\n", 24, err, sizeof(err), &r,
                         &c));
    CHECK_CONTAINS(err, "'fortran_order' must be True or False");
    CHECK(!decode_header("{'descr': '<f4', 'fortran_order': False, "
                         "'shape': (3, 2), } x\n", 24, err, sizeof(err), &r,
                         &c));
    CHECK_CONTAINS(err, "unexpected text after '}'");
    CHECK(!decode_header("{'descr': '<f4\n", 24, err, sizeof(err), &r, &c));
    CHECK_CONTAINS(err, "bad header");
    CHECK(!decode_header("", 24, err, sizeof(err), &r, &c));
    CHECK_CONTAINS(err, "bad header");
    /* control bytes in a key are shown as '?' */
    CHECK(!decode_header("{'a\x01\x7f': 1}\n", 0, err, sizeof(err), &r, &c));
    CHECK_CONTAINS(err, "unexpected key 'a?" "?'");
}

static void test_versions(void)
{
    const char *hdr = "{'descr': '<f4', 'fortran_order': False, "
                      "'shape': (2, 2), }\n";
    float a[4] = {1, 2, 3, 4};
    size_t hlen = strlen(hdr);
    for (int major = 1; major <= 4; major++) {
        size_t prefix = major == 1 ? 10 : 12;
        size_t len = prefix + hlen + sizeof(a);
        unsigned char *buf = calloc(len, 1);
        memcpy(buf, "\x93NUMPY", 6);
        buf[6] = (unsigned char)major;
        buf[7] = 0;
        buf[8] = (unsigned char)hlen;
        memcpy(buf + prefix, hdr, hlen);
        for (int i = 0; i < 4; i++) {
            uint32_t u;
            memcpy(&u, &a[i], 4);
            for (int k = 0; k < 4; k++)
                buf[prefix + hlen + 4 * (size_t)i + (size_t)k] =
                    (unsigned char)(u >> (8 * k));
        }
        float *b = NULL;
        int r, c;
        char err[256] = "";
        bool ok = rl_npy_decode(buf, len, &b, &r, &c, err, sizeof(err));
        if (major <= 3) {
            CHECK(ok);
            CHECK(r == 2 && c == 2);
            if (b)
                CHECK(memcmp(a, b, sizeof(a)) == 0);
        } else {
            CHECK(!ok);
            CHECK_CONTAINS(err, "unsupported .npy format version 4.0");
        }
        free(b);
        free(buf);
    }
}

static void test_bad_files(void)
{
    char err[256];
    float *b = NULL;
    int r, c;
    const char *path = SCRATCH("bad");

    remove(SCRATCH("missing"));
    CHECK(!rl_npy_read(SCRATCH("missing"), &b, &r, &c, err, sizeof(err)));
    CHECK(b == NULL);
    CHECK_CONTAINS(err, SCRATCH("missing") ": cannot open: No such file or "
                   "directory");

    write_bytes(path, "", 0);
    CHECK(!rl_npy_read(path, &b, &r, &c, err, sizeof(err)));
    CHECK_CONTAINS(err, SCRATCH("bad") ": empty file, not a .npy file");

    write_bytes(path, "x,y,label\n1,2,0\n", 16);
    CHECK(!rl_npy_read(path, &b, &r, &c, err, sizeof(err)));
    CHECK_CONTAINS(err, SCRATCH("bad") ": not a .npy file (bad magic)");

    write_bytes(path, "\x93NU", 3);
    CHECK(!rl_npy_read(path, &b, &r, &c, err, sizeof(err)));
    CHECK_CONTAINS(err, "not a .npy file (bad magic)");

    /* a good file, then cut short in each part */
    float a[1000];
    fill(a, 1000);
    size_t len = 0;
    unsigned char *good = rl_npy_encode(a, 500, 2, &len);
    CHECK(good != NULL && len == 4128);

    write_bytes(path, good, 9);
    CHECK(!rl_npy_read(path, &b, &r, &c, err, sizeof(err)));
    CHECK_CONTAINS(err, SCRATCH("bad") ": truncated header: file is only 9 "
                   "bytes");

    write_bytes(path, good, 60);
    CHECK(!rl_npy_read(path, &b, &r, &c, err, sizeof(err)));
    CHECK_CONTAINS(err, SCRATCH("bad") ": truncated header: header length "
                   "is 118 bytes but only 50 follow");

    write_bytes(path, good, len - 5);
    CHECK(!rl_npy_read(path, &b, &r, &c, err, sizeof(err)));
    CHECK_CONTAINS(err, SCRATCH("bad") ": truncated: expected 4000 bytes of "
                   "data, found 3995");

    write_bytes(path, good, 128);
    CHECK(!rl_npy_read(path, &b, &r, &c, err, sizeof(err)));
    CHECK_CONTAINS(err, "truncated: expected 4000 bytes of data, found 0");

    unsigned char *longer = malloc(len + 3);
    memcpy(longer, good, len);
    memset(longer + len, 0, 3);
    write_bytes(path, longer, len + 3);
    CHECK(!rl_npy_read(path, &b, &r, &c, err, sizeof(err)));
    CHECK_CONTAINS(err, "3 bytes after the data: expected 4000 bytes of "
                   "data, found 4003");
    free(longer);

    /* huge header lengths, v1 and v2 */
    unsigned char huge[64];
    memcpy(huge, good, sizeof(huge));
    huge[8] = 0xff;
    huge[9] = 0xff;
    write_bytes(path, huge, sizeof(huge));
    CHECK(!rl_npy_read(path, &b, &r, &c, err, sizeof(err)));
    CHECK_CONTAINS(err, "truncated header: header length is 65535 bytes but "
                   "only 54 follow");
    huge[6] = 2;
    huge[10] = 0xff;
    huge[11] = 0xff;
    write_bytes(path, huge, sizeof(huge));
    CHECK(!rl_npy_read(path, &b, &r, &c, err, sizeof(err)));
    CHECK_CONTAINS(err, "truncated header: header length is 4294967295 bytes "
                   "but only 52 follow");

    /* a directory is not a file */
    CHECK(!rl_npy_read(RL_TEST_BUILD_DIR, &b, &r, &c, err, sizeof(err)));
    CHECK_CONTAINS(err, RL_TEST_BUILD_DIR ": ");
    CHECK(b == NULL && r == 0 && c == 0);

    /* a tiny err buffer is cut, not overrun; a NULL err is allowed */
    char small[8];
    CHECK(!rl_npy_read(SCRATCH("missing"), &b, &r, &c, small,
                       sizeof(small)));
    CHECK(strlen(small) == 7);
    CHECK(!rl_npy_read(SCRATCH("missing"), &b, &r, &c, NULL, 0));

    free(good);
    remove(path);
}

/* Every prefix and every single-byte change of a good file: no crash, no
 * out-of-bounds read (under the sanitizers), and a message on failure. */
static void test_mangled(void)
{
    float a[6];
    fill(a, 6);
    size_t len = 0;
    unsigned char *good = rl_npy_encode(a, 2, 3, &len);
    CHECK(good != NULL);
    int fails = 0, bad_msgs = 0;
    for (size_t cut = 0; cut < len; cut++) {
        unsigned char *buf = malloc(cut ? cut : 1);
        memcpy(buf, good, cut);
        float *b = NULL;
        int r, c;
        char err[256] = "";
        if (rl_npy_decode(buf, cut, &b, &r, &c, err, sizeof(err)))
            fails++;
        else if (!err[0] || b)
            bad_msgs++;
        free(buf);
    }
    CHECK(fails == 0);
    static const unsigned char subs[] = {0, ' ', '\'', '"', '(', ')', ',',
                                         '}', '{', '9', 0xff, '\n', ':'};
    for (size_t i = 0; i < 128; i++) {
        for (size_t k = 0; k < sizeof(subs); k++) {
            unsigned char *buf = malloc(len);
            memcpy(buf, good, len);
            buf[i] = subs[k];
            float *b = NULL;
            int r = 0, c = 0;
            char err[256] = "";
            bool ok = rl_npy_decode(buf, len, &b, &r, &c, err, sizeof(err));
            if (ok)
                CHECK((size_t)r * (size_t)c * 4 + 128 == len && b != NULL);
            else if (!err[0] || b)
                bad_msgs++;
            free(b);
            free(buf);
        }
    }
    CHECK(bad_msgs == 0);
    free(good);
}

static void test_write_failure(void)
{
    float a[2] = {1, 2};
    char err[256] = "";
    const char *path = RL_TEST_BUILD_DIR "/no-such-dir/x.npy";
    CHECK(!rl_npy_write(path, a, 1, 2, err, sizeof(err)));
    CHECK_CONTAINS(err, RL_TEST_BUILD_DIR "/no-such-dir/x.npy");
    CHECK_CONTAINS(err, "No such file or directory");

    /* renaming onto a directory fails: the temp file is cleaned up */
    const char *dir = SCRATCH("isdir");
    CHECK(mkdir(dir, 0755) == 0 || errno == EEXIST);
    CHECK(!rl_npy_write(dir, a, 1, 2, err, sizeof(err)));
    CHECK_CONTAINS(err, "cannot rename");
    CHECK_CONTAINS(err, "Is a directory");
    glob_t g;
    CHECK(glob(SCRATCH("isdir") ".*", 0, NULL, &g) == GLOB_NOMATCH);
    globfree(&g);
    CHECK(rmdir(dir) == 0);
}

/* numpy's own reading and writing, when this machine has numpy. */
static void test_numpy(void)
{
    static const char *pythons[] = {"python3", "/usr/bin/python3"};
    const char *py = NULL;
    char cmd[1024];
    if (system(NULL)) {
        for (size_t i = 0; i < sizeof(pythons) / sizeof(pythons[0]); i++) {
            snprintf(cmd, sizeof(cmd), "%s -c 'import numpy' >/dev/null 2>&1",
                     pythons[i]);
            if (system(cmd) == 0) {
                py = pythons[i];
                break;
            }
        }
    }
    if (!py) {
        printf("numpy check: skipped (no python3 with numpy)\n");
        return;
    }

    const char *ours = SCRATCH("ours");
    const char *theirs = SCRATCH("theirs");
    float a[1000];
    fill(a, 1000);
    char err[256] = "";
    CHECK(rl_npy_write(ours, a, 500, 2, err, sizeof(err)));

    /* numpy loads ours equal, and writes the same bytes for the same array */
    snprintf(cmd, sizeof(cmd),
             "%s -c 'import numpy as np\n"
             "a = np.load(\"%s\")\n"
             "assert a.dtype == np.float32 and a.shape == (500, 2)\n"
             "i = np.arange(1000)\n"
             "e = (i.astype(np.float32) * np.float32(0.25) - np.float32(3)"
             " + np.where(i %% 3 != 0, np.float32(1e-7), np.float32(0)))"
             ".astype(np.float32).reshape(500, 2)\n"
             "assert np.array_equal(a, e), abs(a - e).max()\n"
             "np.save(\"%s\", a)\n"
             "assert open(\"%s\", \"rb\").read() == "
             "open(\"%s\", \"rb\").read()\n"
             "'",
             py, ours, theirs, ours, theirs);
    CHECK(system(cmd) == 0);

    /* we read what numpy writes, 1-D included */
    float *b = NULL;
    int r, c;
    CHECK(rl_npy_read(theirs, &b, &r, &c, err, sizeof(err)));
    CHECK(r == 500 && c == 2);
    if (b)
        CHECK(memcmp(a, b, sizeof(a)) == 0);
    free(b);
    b = NULL;
    snprintf(cmd, sizeof(cmd),
             "%s -c 'import numpy as np; np.save(\"%s\", "
             "np.arange(7, dtype=np.float32))'", py, theirs);
    CHECK(system(cmd) == 0);
    CHECK(rl_npy_read(theirs, &b, &r, &c, err, sizeof(err)));
    CHECK(r == 1 && c == 7);
    if (b && r == 1 && c == 7)
        CHECK(b[0] == 0.0f && b[6] == 6.0f);
    free(b);
    b = NULL;
    snprintf(cmd, sizeof(cmd),
             "%s -c 'import numpy as np; np.save(\"%s\", "
             "np.asfortranarray(np.ones((3, 2), np.float32)))'", py, theirs);
    CHECK(system(cmd) == 0);
    CHECK(!rl_npy_read(theirs, &b, &r, &c, err, sizeof(err)));
    CHECK_CONTAINS(err, "Fortran order is not supported");
    snprintf(cmd, sizeof(cmd),
             "%s -c 'import numpy as np; np.save(\"%s\", np.ones((3, 2)))'",
             py, theirs);
    CHECK(system(cmd) == 0);
    CHECK(!rl_npy_read(theirs, &b, &r, &c, err, sizeof(err)));
    CHECK_CONTAINS(err, "dtype is '<f8', expected '<f4' (float32)");
    printf("numpy check: ran with %s\n", py);
    remove(ours);
    remove(theirs);
}

int main(void)
{
    test_roundtrip();
    test_special_values();
    test_header_is_numpys();
    test_header_parsing();
    test_versions();
    test_bad_files();
    test_mangled();
    test_write_failure();
    test_numpy();
    return check_summary("npy");
}
