/* fuzz_npy.c: libFuzzer target for the .npy reader (rl_npy_decode).
 *
 * Any bytes must be either refused with a message or decoded into a
 * (rows, cols) float32 array that encodes back to exactly the same bytes
 * when the input was in numpy's own layout.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rl_npy.h"

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
    float *data = NULL;
    int rows = -1, cols = -1;
    char err[256];
    err[0] = '\0';
    if (!rl_npy_decode(buf, len, &data, &rows, &cols, err, sizeof(err))) {
        FUZZ_CHECK(err[0] != '\0');
        FUZZ_CHECK(!strchr(err, '\n'));
        return 0;
    }
    FUZZ_CHECK(data && rows >= 0 && cols >= 0);
    /* read it back through the writer: the data part must match */
    size_t n = (size_t)rows * (size_t)cols;
    size_t elen = 0;
    unsigned char *enc = rl_npy_encode(data, rows, cols, &elen);
    if (enc) {
        FUZZ_CHECK(elen >= 4 * n && len >= 4 * n);
        FUZZ_CHECK(memcmp(enc + elen - 4 * n, buf + len - 4 * n,
                          4 * n) == 0);
        float *again = NULL;
        int r2, c2;
        FUZZ_CHECK(rl_npy_decode(enc, elen, &again, &r2, &c2, err,
                                 sizeof(err)));
        FUZZ_CHECK(r2 == rows && c2 == cols);
        FUZZ_CHECK(memcmp(again, data, 4 * n) == 0);
        free(again);
        free(enc);
    }
    free(data);
    return 0;
}
