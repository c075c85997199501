/* readfile.c: input files opened as size-limited regular files (see
 * rl_readfile.h). */
#include "rl_readfile.h"

#include <stdlib.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int (*stop_poll)(void);

char *rl_read_all(FILE *f, size_t max, size_t *len, bool *oom)
{
    *len = 0;
    *oom = false;
    char *buf = malloc(max + 1);
    if (!buf) {
        fclose(f);
        *oom = true;
        return NULL;
    }
    *len = fread(buf, 1, max + 1, f);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    return buf;
}

const char *rl_read_kind(unsigned mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

void rl_read_format_size(char *out, size_t outlen, uint64_t bytes)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    uint64_t v = bytes;
    /* whole units only when exact, else one decimal */
    while (u < 4 && v >= 1024) {
        v /= 1024;
        u++;
    }
    uint64_t unit = (uint64_t)1 << (10 * u);
    if (bytes % unit == 0)
        snprintf(out, outlen, "%" PRIu64 " %s", bytes / unit, units[u]);
    else
        snprintf(out, outlen, "%.1f %s", (double)bytes / (double)unit,
                 units[u]);
}

FILE *rl_read_open(const char *path, uint64_t max_bytes, char *err,
                   size_t errlen)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(e));
        errno = e;
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
        errno = 0;
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: is %s, not a regular file; give a file",
                 path, rl_read_kind((unsigned)st.st_mode));
        close(fd);
        errno = 0;
        return NULL;
    }
    if ((uint64_t)st.st_size > max_bytes) {
        char have[32], lim[32];
        rl_read_format_size(have, sizeof(have), (uint64_t)st.st_size);
        rl_read_format_size(lim, sizeof(lim), max_bytes);
        snprintf(err, errlen, "%s: is %s, more than the %s this file may "
                 "have", path, have, lim);
        close(fd);
        errno = 0;
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
        errno = 0;
        return NULL;
    }
    return f;
}

void rl_read_set_stop(int (*poll)(void))
{
    stop_poll = poll;
}

int rl_read_stopped(void)
{
    return stop_poll ? stop_poll() : 0;
}
