/* output.c: all-or-nothing files and result folders (see rl_output.h). */
#define _GNU_SOURCE
#include "rl_output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rl_interrupt.h"

static atomic_ulong temp_counter;
static atomic_ulong sync_count;
static atomic_long sync_fault_in;   /* fsyncs until the injected fault */
static atomic_int sync_fault_errno;
static _Atomic(rl_output_sync_fn) sync_fn;

void rl_output_set_sync_fn(rl_output_sync_fn fn)
{
    atomic_store(&sync_fn, fn);
}

unsigned long rl_output_sync_count(void)
{
    return atomic_load(&sync_count);
}

void rl_output_fail_sync(long n, int errnum)
{
    atomic_store(&sync_fault_errno, errnum);
    atomic_store(&sync_fault_in, n > 0 ? n : 0);
}

/* fsync through one place, so tests can count and fail it */
static int do_sync(int fd)
{
    atomic_fetch_add(&sync_count, 1);
    long n = atomic_load(&sync_fault_in);
    while (n > 0 && !atomic_compare_exchange_weak(&sync_fault_in, &n, n - 1))
        ;
    if (n == 1) {
        errno = atomic_load(&sync_fault_errno);
        return -1;
    }
    rl_output_sync_fn fn = atomic_load(&sync_fn);
    return fn ? fn(fd) : fsync(fd);
}

bool rl_output_temp_name(char *buf, size_t len, const char *path,
                         const char *suffix)
{
    unsigned long n = atomic_fetch_add(&temp_counter, 1);
    int k = snprintf(buf, len, "%s.%ld-%lu%s", path, (long)getpid(), n,
                     suffix);
    return k >= 0 && (size_t)k < len;
}

bool rl_output_sync_dir(const char *path, bool is_dir)
{
    char buf[4200];
    const char *dir = path;
    if (!is_dir) {
        if (strlen(path) >= sizeof(buf)) {
            errno = ENAMETOOLONG;
            return false;
        }
        strcpy(buf, path);
        dir = dirname(buf);
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    int rc = do_sync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    /* some file systems cannot sync a folder; the data is as safe as
     * they make it */
    return rc == 0 || errno == EINVAL || errno == ENOTSUP;
}

static int remove_one(const char *path, const struct stat *st, int type,
                      struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

void rl_output_remove_tree(const char *path)
{
    nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

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

/* mkdir -p dir; the lengths of the components created go to lens (at most
 * cap, in order). */
static bool mkdir_parents(const char *dir, size_t *lens, int cap, int *n,
                          char *err, size_t errlen)
{
    *n = 0;
    char path[4096];
    if (!*dir || strlen(dir) >= sizeof(path)) {
        snprintf(err, errlen, "output folder name is empty or too long");
        return false;
    }
    strcpy(path, dir);
    size_t len = strlen(path);
    for (size_t i = 1; i <= len; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        if (path[i - 1] == '/')
            continue; /* "a//b" */
        char c = path[i];
        path[i] = '\0';
        bool made = false;
        bool ok = mkdir_one(path, &made, err, errlen);
        path[i] = c;
        if (!ok)
            goto undo;
        if (made && *n < cap)
            lens[(*n)++] = i;
    }
    return true;
undo:
    for (int k = *n - 1; k >= 0; k--) {
        char p[4096];
        memcpy(p, dir, lens[k]);
        p[lens[k]] = '\0';
        rmdir(p);
    }
    *n = 0;
    return false;
}

static bool probe_writable(const char *dir, const char *shown, char *err,
                           size_t errlen)
{
    char probe[4300];
    char base[4200];
    snprintf(base, sizeof(base), "%s/.richlazy-write-test", dir);
    if (!rl_output_temp_name(probe, sizeof(probe), base, "")) {
        snprintf(err, errlen, "output folder name '%s' is too long", shown);
        return false;
    }
    int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write into output folder '%s': %s",
                 shown, strerror(errno));
        return false;
    }
    close(fd);
    unlink(probe);
    return true;
}

bool rl_output_prepare_dir(const char *dir, bool *created, char *err,
                           size_t errlen)
{
    *created = false;
    size_t lens[32];
    int n;
    if (!mkdir_parents(dir, lens, 32, &n, err, errlen))
        return false;
    *created = n > 0 && lens[n - 1] >= strlen(dir) - (dir[strlen(dir) - 1] ==
                                                     '/');
    /* a folder we may not write into is found now, not after training */
    if (!probe_writable(dir, dir, err, errlen)) {
        for (int k = n - 1; k >= 0; k--) {
            char p[4096];
            memcpy(p, dir, lens[k]);
            p[lens[k]] = '\0';
            rmdir(p);
        }
        *created = false;
        return false;
    }
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

bool rl_output_step_name(char *buf, size_t len, const char *prefix,
                         long step, int k, const char *ext)
{
    char num[32];
    int digits = snprintf(num, sizeof(num), "%ld", step < 0 ? 0 : step);
    char marker[2] = "";
    if (digits > 6)
        marker[0] = (char)('a' + (digits - 7));
    char suffix[16] = "";
    if (k > 0)
        snprintf(suffix, sizeof(suffix), "_%03d", k);
    int n = snprintf(buf, len, "%s%s%06ld%s%s", prefix, marker,
                     step < 0 ? 0 : step, suffix, ext);
    return n >= 0 && (size_t)n < len;
}

bool rl_output_publish_file(const char *tmp, const char *path, char *err,
                            size_t errlen)
{
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || do_sync(fd) != 0) {
        snprintf(err, errlen, "cannot sync '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        unlink(tmp);
        return false;
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename '%s' to '%s': %s", tmp, path,
                 strerror(errno));
        unlink(tmp);
        return false;
    }
    if (!rl_output_sync_dir(path, false)) {
        snprintf(err, errlen, "cannot sync the folder of '%s': %s", path,
                 strerror(errno));
        return false;
    }
    return true;
}

bool rl_outfile_open_path(struct rl_outfile *of, const char *path, char *err,
                          size_t errlen)
{
    memset(of, 0, sizeof(*of));
    if (strlen(path) >= sizeof(of->path) ||
        !rl_output_temp_name(of->tmp, sizeof(of->tmp), path, ".part")) {
        snprintf(err, errlen, "path too long: '%s'", path);
        of->tmp[0] = '\0';
        return false;
    }
    strcpy(of->path, path);
    int fd = open(of->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write '%s': %s", of->path,
                 strerror(errno));
        of->tmp[0] = '\0';
        return false;
    }
    of->f = fdopen(fd, "wb");
    if (!of->f) {
        snprintf(err, errlen, "cannot write '%s': %s", of->path,
                 strerror(errno));
        close(fd);
        unlink(of->tmp);
        of->tmp[0] = '\0';
        return false;
    }
    return true;
}

bool rl_outfile_open(struct rl_outfile *of, const char *dir, const char *name,
                     char *err, size_t errlen)
{
    char path[4096];
    if (!rl_output_path(path, sizeof(path), dir, name, err, errlen)) {
        memset(of, 0, sizeof(*of));
        return false;
    }
    return rl_outfile_open_path(of, path, err, errlen);
}

bool rl_outfile_finish(struct rl_outfile *of, char *err, size_t errlen)
{
    if (!of->f)
        return false;
    int saved = errno;
    bool bad = ferror(of->f) != 0;
    if (!bad && fflush(of->f) != 0) {
        bad = true;
        saved = errno;
    }
    if (!bad && do_sync(fileno(of->f)) != 0) {
        bad = true;
        saved = errno;
    }
    if (fclose(of->f) != 0 && !bad) {
        bad = true;
        saved = errno;
    }
    of->f = NULL;
    if (bad) {
        snprintf(err, errlen, "writing '%s' failed: %s", of->path,
                 strerror(saved ? saved : EIO));
        unlink(of->tmp);
        of->tmp[0] = '\0';
        return false;
    }
    return true;
}

bool rl_outfile_publish(struct rl_outfile *of, bool sync_dir, char *err,
                        size_t errlen)
{
    if (of->f || !of->tmp[0])
        return false;
    if (rename(of->tmp, of->path) != 0) {
        snprintf(err, errlen, "cannot rename '%s' to '%s': %s", of->tmp,
                 of->path, strerror(errno));
        unlink(of->tmp);
        of->tmp[0] = '\0';
        return false;
    }
    of->tmp[0] = '\0';
    if (sync_dir && !rl_output_sync_dir(of->path, false)) {
        snprintf(err, errlen, "cannot sync the folder of '%s': %s", of->path,
                 strerror(errno));
        unlink(of->path);
        return false;
    }
    return true;
}

bool rl_outfile_commit(struct rl_outfile *of, char *err, size_t errlen)
{
    return rl_outfile_finish(of, err, errlen) &&
           rl_outfile_publish(of, true, err, errlen);
}

void rl_outfile_abort(struct rl_outfile *of)
{
    if (of->f) {
        fclose(of->f);
        of->f = NULL;
    }
    if (of->tmp[0])
        unlink(of->tmp);
    of->tmp[0] = '\0';
}

bool rl_output_write_file(const char *path, const void *data, size_t len,
                          char *err, size_t errlen)
{
    struct rl_outfile of;
    if (!rl_outfile_open_path(&of, path, err, errlen))
        return false;
    if (len && fwrite(data, 1, len, of.f) != len && !ferror(of.f)) {
        rl_outfile_abort(&of);
        snprintf(err, errlen, "writing '%s' failed: %s", path,
                 strerror(EIO));
        return false;
    }
    return rl_outfile_commit(&of, err, errlen);
}

/* ---- result sets ---- */

static bool dir_is_empty(int fd)
{
    int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0)
        return false;
    DIR *d = fdopendir(dup_fd);
    if (!d) {
        close(dup_fd);
        return false;
    }
    rewinddir(d);
    bool empty = true;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            empty = false;
            break;
        }
    closedir(d);
    return empty;
}

static void remove_created(struct rl_outset *s)
{
    for (int k = s->ncreated - 1; k >= 0; k--) {
        char p[4096];
        memcpy(p, s->dir, s->created_len[k]);
        p[s->created_len[k]] = '\0';
        rmdir(p);
    }
    s->ncreated = 0;
}

static void unlock(struct rl_outset *s)
{
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* closing drops the flock */
    s->lock_fd = -1;
}

/* Open and flock dir, waiting for another holder; the lock must be on the
 * folder that is at that name now (a publish renames over it). */
static bool lock_dir(struct rl_outset *s, char *err, size_t errlen)
{
    for (;;) {
        int fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            snprintf(err, errlen, "cannot open output folder '%s': %s",
                     s->dir, strerror(errno));
            return false;
        }
        while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK && errno != EINTR) {
                snprintf(err, errlen, "cannot lock output folder '%s': %s",
                         s->dir, strerror(errno));
                close(fd);
                return false;
            }
            if (rl_interrupt_caught()) {
                snprintf(err, errlen, "interrupted while waiting for "
                         "another richlazy writing into '%s'", s->dir);
                close(fd);
                return false;
            }
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(s->dir, &b) == 0 &&
            a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
            s->lock_fd = fd;
            return true;
        }
        close(fd); /* replaced while we waited: lock the new one */
    }
}

bool rl_outset_begin(struct rl_outset *s, const char *dir, const char *prefix,
                     bool append, char *err, size_t errlen)
{
    memset(s, 0, sizeof(*s));
    s->lock_fd = -1;
    if (!dir) {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        char stamp[32];
        strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
        /* mkdir is the test: an existing folder is never taken as new */
        int i = 1;
        for (;; i++) {
            if (i == 1)
                snprintf(s->dir, sizeof(s->dir), "%s-%s", prefix, stamp);
            else
                snprintf(s->dir, sizeof(s->dir), "%s-%s-%d", prefix, stamp,
                         i);
            if (mkdir(s->dir, 0777) == 0)
                break;
            if (errno != EEXIST || i >= 100000) {
                snprintf(err, errlen, "cannot create output folder '%s': %s",
                         s->dir, strerror(errno));
                return false;
            }
        }
        s->ncreated = 1;
        s->created_len[0] = strlen(s->dir);
    } else {
        if (strlen(dir) >= sizeof(s->dir)) {
            snprintf(err, errlen, "output folder name is too long");
            return false;
        }
        strcpy(s->dir, dir);
        if (!mkdir_parents(s->dir, s->created_len, 32, &s->ncreated, err,
                           errlen))
            return false;
    }
    if (!lock_dir(s, err, errlen))
        goto fail;
    bool empty = dir_is_empty(s->lock_fd);
    if (!empty && !append) {
        snprintf(err, errlen, "output folder '%s' is not empty; choose a new "
                 "folder, or give --append to add these results to it",
                 s->dir);
        goto fail;
    }
    if (!probe_writable(s->dir, s->dir, err, errlen))
        goto fail;
    snprintf(s->work, sizeof(s->work), "%s", s->dir);
    /* did this call make dir itself (its last component)? */
    size_t dl = strlen(s->dir);
    while (dl > 1 && s->dir[dl - 1] == '/')
        dl--;
    bool made_dir = s->ncreated > 0 && s->created_len[s->ncreated - 1] >= dl;
    if (empty && made_dir) {
        /* stage beside the folder: one rename publishes the whole set */
        char trimmed[4096];
        snprintf(trimmed, sizeof(trimmed), "%s", s->dir);
        size_t n = strlen(trimmed);
        while (n > 1 && trimmed[n - 1] == '/')
            trimmed[--n] = '\0';
        char stage[4200];
        if (rl_output_temp_name(stage, sizeof(stage), trimmed, ".part") &&
            mkdir(stage, 0777) == 0) {
            snprintf(s->work, sizeof(s->work), "%s", stage);
            s->staged = true;
        }
        /* else (a parent we may not write into): files one by one */
    }
    if (!s->staged) {
        /* an existing folder is kept (a mount point, its permissions):
         * stage inside it and move the files up at publish */
        char base[4200], stage[4300];
        snprintf(base, sizeof(base), "%s/.richlazy", s->dir);
        if (!rl_output_temp_name(stage, sizeof(stage), base, ".part") ||
            mkdir(stage, 0777) != 0) {
            snprintf(err, errlen, "cannot write into output folder '%s': %s",
                     s->dir, strerror(errno));
            goto fail;
        }
        snprintf(s->work, sizeof(s->work), "%s", stage);
        s->inner = true;
    }
    return true;
fail:
    unlock(s);
    remove_created(s);
    return false;
}

bool rl_outset_has_files(const struct rl_outset *s)
{
    int fd = open(s->work, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool empty = dir_is_empty(fd);
    close(fd);
    return !empty;
}

/* Move the entries of src into dst: a folder onto an existing folder is
 * merged entry by entry, anything else renamed over what is there. */
static bool move_entries(const char *src, const char *dst)
{
    DIR *d = opendir(src);
    if (!d)
        return false;
    bool ok = true;
    struct dirent *e;
    char from[4400], to[4400];
    while (ok && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(from, sizeof(from), "%s/%s", src, e->d_name);
        snprintf(to, sizeof(to), "%s/%s", dst, e->d_name);
        struct stat a, b;
        if (lstat(from, &a) == 0 && S_ISDIR(a.st_mode) &&
            lstat(to, &b) == 0 && S_ISDIR(b.st_mode))
            ok = move_entries(from, to) && rl_output_sync_dir(to, true);
        else
            ok = rename(from, to) == 0;
    }
    int saved = errno;
    closedir(d);
    errno = saved;
    return ok;
}

bool rl_outset_publish(struct rl_outset *s, char *err, size_t errlen)
{
    if (s->inner) {
        if (!rl_output_sync_dir(s->work, true) ||
            !move_entries(s->work, s->dir)) {
            snprintf(err, errlen, "cannot publish the results into '%s': %s",
                     s->dir, strerror(errno));
            rl_outset_abort(s);
            return false;
        }
        rl_output_remove_tree(s->work); /* empty now */
        s->inner = false;
        snprintf(s->work, sizeof(s->work), "%s", s->dir);
        if (!rl_output_sync_dir(s->dir, true))
            snprintf(err, errlen, "cannot sync output folder '%s': %s",
                     s->dir, strerror(errno));
    }
    if (s->staged) {
        if (!rl_output_sync_dir(s->work, true) ||
            rename(s->work, s->dir) != 0) {
            snprintf(err, errlen, "cannot publish the results into '%s': %s",
                     s->dir, strerror(errno));
            rl_outset_abort(s);
            return false;
        }
        s->staged = false;
        snprintf(s->work, sizeof(s->work), "%s", s->dir);
    }
    if (!rl_output_sync_dir(s->dir, false)) {
        snprintf(err, errlen, "cannot sync output folder '%s': %s", s->dir,
                 strerror(errno));
        /* the files are complete; only their durability is in doubt */
    }
    s->ncreated = 0;
    unlock(s);
    return true;
}

void rl_outset_abort(struct rl_outset *s)
{
    if (s->staged) {
        rl_output_remove_tree(s->work);
        s->staged = false;
    }
    if (s->inner) {
        rl_output_remove_tree(s->work);
        s->inner = false;
    }
    remove_created(s);
    unlock(s);
}

void rl_outset_user_message(const struct rl_outset *s, char *msg, size_t len)
{
    size_t wl = strlen(s->work), dl = strlen(s->dir);
    if ((!s->staged && !s->inner) || !wl || len == 0)
        return;
    char *p = msg;
    while ((p = strstr(p, s->work))) {
        size_t tail = strlen(p + wl);
        if ((size_t)(p - msg) + dl + tail >= len)
            break; /* would not fit: leave it as it is */
        memmove(p + dl, p + wl, tail + 1);
        memcpy(p, s->dir, dl);
        p += dl;
    }
}

bool rl_output_subdir(char *buf, size_t len, const char *dir,
                      const char *name, char *err, size_t errlen)
{
    if (!rl_output_path(buf, len, dir, name, err, errlen))
        return false;
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create '%s': %s", buf, strerror(errno));
        return false;
    }
    return true;
}

void rl_output_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
