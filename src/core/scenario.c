/* scenario.c: scenario files read as data (see rl_scenario.h). */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* realpath */
#endif
#include "rl_scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rl_config.h"
#include "rl_readfile.h"
#include "rl_settings.h"

#ifndef RL_SOURCE_ASSETS
#define RL_SOURCE_ASSETS ""
#endif
#ifndef RL_INSTALL_ASSETS
#define RL_INSTALL_ASSETS ""
#endif

/* What a read scenario keeps alive: its text (values point into it), the
 * resolved data path and the script text. */
struct kept {
    struct kept *next;
    char *text;
    char *script;
    char data[PATH_MAX];
};
static struct kept *kept_list;

void rl_scenario_free_all(void)
{
    while (kept_list) {
        struct kept *k = kept_list;
        kept_list = k->next;
        free(k->text);
        free(k->script);
        free(k);
    }
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool rl_scenario_find(const char *name, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", name);
    if (!*name || is_file(name) || strchr(name, '/'))
        return is_file(name);
    char dirs[4][PATH_MAX];
    int n = 0;
    const char *env = getenv("RICHLAZY_ASSETS");
    if (env && *env)
        snprintf(dirs[n++], sizeof(dirs[0]), "%.4000s", env);
    if (RL_SOURCE_ASSETS[0])
        snprintf(dirs[n++], sizeof(dirs[0]), "%s", RL_SOURCE_ASSETS);
    if (RL_INSTALL_ASSETS[0])
        snprintf(dirs[n++], sizeof(dirs[0]), "%s", RL_INSTALL_ASSETS);
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (k > 0) {
        exe[k] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(dirs[n++], sizeof(dirs[0]), "%.4000s/../share/richlazy",
                     exe);
        }
    }
    for (int i = 0; i < n; i++) {
        char p[PATH_MAX + 300];
        snprintf(p, sizeof(p), "%.4000s/scenarios/%.200s.txt", dirs[i],
                 name);
        if (!is_file(p))
            snprintf(p, sizeof(p), "%.4000s/scenarios/%.200s", dirs[i], name);
        if (is_file(p)) {
            snprintf(out, outlen, "%s", p);
            return true;
        }
    }
    return false;
}

bool rl_file_data_path(const char *v, const char *folder, char *out,
                       char *why, size_t whylen)
{
    char q[300];
    rl_escape(q, sizeof(q), v, (size_t)-1);
    if (!*v) {
        snprintf(why, whylen, "is empty (leave the line out for built-in "
                 "data)");
        return false;
    }
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            snprintf(why, whylen, "'%s' holds a control character; rename "
                     "the file", q);
            return false;
        }
    }
    if (v[0] == '/') {
        snprintf(why, whylen, "'%s' is an absolute path; a file may "
                 "only name a file in its own folder (a relative path)", q);
        return false;
    }
    for (const char *p = v; *p;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            snprintf(why, whylen, "'%s' has a '..' component; a file may "
                     "only name a file in its own folder", q);
            return false;
        }
        p += n + (e != NULL);
    }
    char joined[2 * PATH_MAX], realdir[PATH_MAX];
    snprintf(joined, sizeof(joined), "%s/%s", folder, v);
    if (!realpath(folder, realdir) || !realpath(joined, out)) {
        snprintf(why, whylen, "'%s': cannot find it in the file's "
                 "folder (%s)", q, strerror(errno));
        return false;
    }
    size_t dl = strlen(realdir);
    if (strncmp(out, realdir, dl) != 0 || (dl > 1 && out[dl] != '/')) {
        snprintf(why, whylen, "'%s' leads out of the file's folder "
                 "(a symbolic link); copy the file into the folder", q);
        return false;
    }
    struct stat st;
    if (stat(out, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, whylen, "'%s' is not a regular file (a folder, "
                 "device or FIFO); name a CSV file", q);
        return false;
    }
    return true;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

/* The row named by file key (per-net prefix or not): its flag's name
 * ("--rich-init") into flag; NULL when the key is no setting. */
static const struct rl_setting *row_of_key(const char *key, char *flag,
                                           size_t len)
{
    char name[64];
    if (strlen(key) >= sizeof(name))
        return NULL;
    snprintf(name, sizeof(name), "%s", key);
    for (char *p = name; *p; p++)
        if (*p == '_')
            *p = '-';
    snprintf(flag, len, "--%s", name);
    const struct rl_setting *s = rl_setting_find(name);
    if (s)
        return s;
    for (int w = 0; w < RL_NETS; w++) {
        size_t l = strlen(rl_net_label(w));
        if (!strncmp(name, rl_net_label(w), l) && name[l] == '-') {
            s = rl_setting_find(name + l + 1);
            if (s && s->where == RL_IN_NET)
                return s;
        }
    }
    return NULL;
}

bool rl_scenario_parse(const struct rl_cli *cli, const char *text,
                       size_t len, const char *path, const char *folder,
                       void *target, struct rl_cli_seen *seen, char *err,
                       size_t errlen)
{
    char where[300];
    rl_escape(where, sizeof(where), path, (size_t)-1);
    if (len > RL_SCENARIO_MAX_BYTES) {
        snprintf(err, errlen, "%s: larger than %d bytes; not a scenario",
                 where, RL_SCENARIO_MAX_BYTES);
        return false;
    }
    if (memchr(text, '\0', len)) {
        snprintf(err, errlen, "%s: not a text file (contains a NUL byte)",
                 where);
        return false;
    }
    struct kept *k = calloc(1, sizeof(*k));
    char *t = k ? malloc(len + 1) : NULL;
    if (!t) {
        free(k);
        snprintf(err, errlen, "%s: out of memory", where);
        return false;
    }
    memcpy(t, text, len);
    t[len] = '\0';
    k->text = t;
    k->next = kept_list;
    kept_list = k;

    bool given[RL_CLI_MAX_OPTS] = {false};
    int lineno = 0;
    char *p = t;
    while (*p) {
        lineno++;
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        char *line = trim(p);
        char *next = nl ? nl + 1 : p + strlen(p);
        p = next;
        if (!*line || *line == '#')
            continue;
        if (!strcmp(line, "[script]")) {
            /* the rest, with the lines before it blank, so the script's
             * line numbers are the file's */
            size_t rest = strlen(next);
            k->script = malloc((size_t)lineno + rest + 1);
            if (!k->script) {
                snprintf(err, errlen, "%s: out of memory", where);
                return false;
            }
            memset(k->script, '\n', (size_t)lineno);
            memcpy(k->script + lineno, next, rest + 1);
            /* the rest of the text may hold '\0' where lines were cut:
             * nothing after [script] was cut, so rest is whole */
            break;
        }
        char q[160];
        char *eq = strchr(line, '=');
        if (line[0] == '[' || !eq) {
            rl_escape(q, sizeof(q), line, (size_t)-1);
            snprintf(err, errlen, "%s:%d: expected 'key=value' or "
                     "'[script]', got '%s'", where, lineno, q);
            return false;
        }
        *eq = '\0';
        char *key = trim(line), *value = trim(eq + 1);
        rl_escape(q, sizeof(q), key, (size_t)-1);
        char flag[80];
        const struct rl_setting *row = row_of_key(key, flag, sizeof(flag));
        if (!row) {
            snprintf(err, errlen, "%s:%d: unknown setting '%s' (the keys "
                     "are the flags' names with '_' for '-')", where, lineno,
                     q);
            return false;
        }
        if (!row->in_file) {
            snprintf(err, errlen, "%s:%d: '%s' is not accepted in a file: "
                     "it chooses where something is written, starts a "
                     "program or reads another file; give --%s on the "
                     "command line", where, lineno, q, row->name);
            return false;
        }
        int i = rl_cli_find(cli, flag);
        if (i < 0)
            continue; /* a setting this command does not take */
        if (given[i]) {
            snprintf(err, errlen, "%s:%d: '%s' is given twice", where,
                     lineno, q);
            return false;
        }
        given[i] = true;
        const struct rl_opt *o = &cli->opts[i];
        char *field = (char *)target + o->offset;
        char why[700];
        if (row->type == RL_SET_STRING) {
            /* the one string a file may hold: the data path */
            if (!rl_file_data_path(value, folder, k->data, why, sizeof(why))) {
                snprintf(err, errlen, "%s:%d: %s %s", where, lineno, q, why);
                return false;
            }
            *(const char **)field = k->data;
        } else if (!rl_setting_read(row, value, field, why, sizeof(why))) {
            snprintf(err, errlen, "%s:%d: %s %s", where, lineno, q, why);
            return false;
        }
        if (o->stride) {
            size_t sz = row->type == RL_SET_DOUBLE ? sizeof(double)
                        : row->type == RL_SET_LONG ? sizeof(long)
                        : row->type == RL_SET_U64 ? sizeof(uint64_t)
                        : row->type == RL_SET_FLAG ? sizeof(bool)
                        : row->type == RL_SET_STRING ? sizeof(char *)
                                                      : sizeof(int);
            memcpy(field + o->stride, field, sz);
        }
        if (seen)
            seen->on[i] = true;
    }
    struct rl_config *cfg = (struct rl_config *)((char *)target +
                                                 cli->cfg_base);
    cfg->scenario = path;
    cfg->scenario_script = k->script;
    return true;
}

bool rl_scenario_apply(const struct rl_cli *cli, const char *name,
                       void *target, struct rl_cli_seen *seen, char *err,
                       size_t errlen)
{
    char path[PATH_MAX], q[300];
    rl_escape(q, sizeof(q), name, (size_t)-1);
    if (!rl_scenario_find(name, path, sizeof(path))) {
        struct stat st;
        if (stat(name, &st) == 0)
            snprintf(err, errlen, "scenario '%s' is not a regular file (a "
                     "folder, device or FIFO); name a scenario file", q);
        else
            snprintf(err, errlen, "cannot find scenario '%s' (a file, or "
                     "the name of a shipped one: ls assets/scenarios)", q);
        return false;
    }
    rl_escape(q, sizeof(q), path, (size_t)-1);
    /* a regular file within the size limit, never blocking on a FIFO */
    char why[PATH_MAX + 200];
    FILE *f = rl_read_open(path, RL_SCENARIO_MAX_BYTES, why, sizeof(why));
    if (!f) {
        char qw[PATH_MAX + 200];
        rl_escape(qw, sizeof(qw), why, (size_t)-1);
        snprintf(err, errlen, "cannot read scenario %s", qw);
        return false;
    }
    size_t len;
    bool oom;
    char *buf = rl_read_all(f, RL_SCENARIO_MAX_BYTES, &len, &oom);
    bool ok = false;
    if (!buf) {
        if (oom)
            snprintf(err, errlen, "out of memory");
        else
            snprintf(err, errlen, "cannot read scenario '%s'", q);
    } else if (len > RL_SCENARIO_MAX_BYTES) {
        snprintf(err, errlen, "scenario '%s' grew past %d bytes while being "
                 "read", q, RL_SCENARIO_MAX_BYTES);
    } else {
        /* the folder data paths are relative to, and the path kept for
         * messages and the recording */
        struct kept *k = calloc(1, sizeof(*k));
        char *keep = k ? strdup(path) : NULL;
        if (!keep) {
            free(k);
            snprintf(err, errlen, "out of memory");
        } else {
            k->text = keep;
            k->next = kept_list;
            kept_list = k;
            char folder[PATH_MAX];
            snprintf(folder, sizeof(folder), "%s", path);
            char *slash = strrchr(folder, '/');
            if (slash)
                *slash = '\0';
            else
                snprintf(folder, sizeof(folder), ".");
            if (slash == folder)
                snprintf(folder, sizeof(folder), "/");
            ok = rl_scenario_parse(cli, buf, len, keep, folder, target, seen,
                                   err, errlen);
        }
    }
    free(buf);
    return ok;
}

bool rl_scenario_save(const char *dir, long step,
                      const struct rl_config *cfg, char *path,
                      size_t pathlen, char *err, size_t errlen)
{
    int fd = -1;
    for (int n = 0; n < 1000 && fd < 0; n++) {
        if (n == 0)
            snprintf(path, pathlen, "%s/scenario-%06ld.txt", dir, step);
        else
            snprintf(path, pathlen, "%s/scenario-%06ld_%03d.txt", dir, step,
                     n);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        snprintf(err, errlen, "cannot create '%s': %s", path,
                 strerror(errno));
        if (fd >= 0) {
            close(fd);
            remove(path);
        }
        return false;
    }
    fprintf(f, "# richlazy scenario: richlazy window --config FILE\n");
    if (cfg->data_path) {
        char q[600];
        rl_escape(q, sizeof(q), cfg->data_path, (size_t)-1);
        fprintf(f, "# trained on the file '%s': copy it into this folder "
                "and add the line data=NAME\n", q);
    }
    for (int i = 0; i < rl_settings_count; i++) {
        const struct rl_setting *s = &rl_settings[i];
        if (!s->in_file || !(s->commands & RL_CMD_WINDOW) ||
            s->type == RL_SET_STRING)
            continue;
        for (int w = 0; w < (s->where == RL_IN_NET ? RL_NETS : 1); w++) {
            int net = s->where == RL_IN_NET ? w : -1;
            char key[64], v[128], d[128];
            rl_setting_key(s, net, key, sizeof(key));
            rl_setting_format_used(s, cfg, w, v, sizeof(v));
            rl_setting_format_used(s, &rl_config_default, w, d, sizeof(d));
            if (cfg->data_path && !strcmp(s->name, "dataset"))
                continue;
            if (strcmp(v, d) != 0)
                fprintf(f, "%s=%s\n", key, v);
        }
    }
    bool ok = fflush(f) == 0 && !ferror(f);
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        snprintf(err, errlen, "cannot write '%s': %s", path,
                 strerror(errno));
        remove(path);
    }
    return ok;
}
