/* output.c: output folders and all-or-nothing files (see rl_output.h). */
#include "rl_output.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static bool mkdir_one(const char *path, bool *created, char *err,
                      size_t errlen)
{
    if (mkdir(path, 0777) == 0) {
        *created = true;
        return true;
    }
    struct stat st;
    if (errno == EEXIST && stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return true;
        snprintf(err, errlen, "output folder '%s' exists and is not a folder",
                 path);
        return false;
    }
    snprintf(err, errlen, "cannot create output folder '%s': %s", path,
             strerror(errno));
    return false;
}

bool rl_output_prepare_dir(const char *dir, bool *created, char *err,
                           size_t errlen)
{
    *created = false;
    char path[4096];
    if (!*dir || strlen(dir) >= sizeof(path)) {
        snprintf(err, errlen, "output folder name is empty or too long");
        return false;
    }
    strcpy(path, dir);
    /* parents first, then the folder itself */
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        bool parent_created = false;
        bool ok = mkdir_one(path, &parent_created, err, errlen);
        *p = '/';
        if (!ok)
            return false;
    }
    if (!mkdir_one(path, created, err, errlen))
        return false;
    /* a folder we may not write into is found now, not after training */
    char probe[4200];
    snprintf(probe, sizeof(probe), "%s/.richlazy-write-test-%ld", path,
             (long)getpid());
    FILE *f = fopen(probe, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write into output folder '%s': %s", dir,
                 strerror(errno));
        if (*created)
            rmdir(path);
        *created = false;
        return false;
    }
    fclose(f);
    remove(probe);
    return true;
}

void rl_output_default_name(char *buf, size_t len, const char *prefix)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
    snprintf(buf, len, "%s-%s", prefix, stamp);
    /* two runs started within one second must not share a folder */
    struct stat st;
    for (int i = 2; stat(buf, &st) == 0 && i < 10000; i++)
        snprintf(buf, len, "%s-%s-%d", prefix, stamp, i);
}

bool rl_output_path(char *buf, size_t len, const char *dir, const char *name,
                    char *err, size_t errlen)
{
    int n = snprintf(buf, len, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= len) {
        snprintf(err, errlen, "path too long: '%s/%s'", dir, name);
        return false;
    }
    return true;
}

bool rl_outfile_open(struct rl_outfile *of, const char *dir, const char *name,
                     char *err, size_t errlen)
{
    memset(of, 0, sizeof(*of));
    if (!rl_output_path(of->path, sizeof(of->path), dir, name, err, errlen))
        return false;
    snprintf(of->tmp, sizeof(of->tmp), "%s.part", of->path);
    of->f = fopen(of->tmp, "wb");
    if (!of->f) {
        snprintf(err, errlen, "cannot write '%s': %s", of->tmp,
                 strerror(errno));
        return false;
    }
    return true;
}

bool rl_outfile_commit(struct rl_outfile *of, char *err, size_t errlen)
{
    if (!of->f)
        return false;
    bool bad = ferror(of->f) != 0;
    int saved = errno;
    if (fclose(of->f) != 0 && !bad) {
        bad = true;
        saved = errno;
    }
    of->f = NULL;
    if (bad) {
        snprintf(err, errlen, "writing '%s' failed: %s", of->path,
                 strerror(saved ? saved : EIO));
        remove(of->tmp);
        return false;
    }
    if (rename(of->tmp, of->path) != 0) {
        snprintf(err, errlen, "cannot rename '%s' to '%s': %s", of->tmp,
                 of->path, strerror(errno));
        remove(of->tmp);
        return false;
    }
    return true;
}

void rl_outfile_abort(struct rl_outfile *of)
{
    if (of->f) {
        fclose(of->f);
        of->f = NULL;
    }
    if (of->tmp[0])
        remove(of->tmp);
}
