/* script.c: parser of scripted key files (see rl_script.h). */
#include "rl_script.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl_readfile.h"
#include "rl_settings.h"

static int cmp_event(const void *a, const void *b)
{
    const struct rl_script_event *x = a, *y = b;
    if (x->frame != y->frame)
        return x->frame < y->frame ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

/* Next whitespace-separated word of [*p, end) into w; false at the end. */
static bool word(const char **p, const char *end, char *w, size_t len,
                 bool *too_long)
{
    const char *s = *p;
    while (s < end && isspace((unsigned char)*s))
        s++;
    if (s >= end)
        return false;
    const char *e = s;
    while (e < end && !isspace((unsigned char)*e))
        e++;
    size_t n = (size_t)(e - s);
    *too_long = n >= len;
    if (n >= len)
        n = len - 1;
    memcpy(w, s, n);
    w[n] = '\0';
    *p = e;
    return true;
}

bool rl_script_parse(struct rl_script *s, const char *text, const char *name,
                     char *err, size_t errlen)
{
    memset(s, 0, sizeof(*s));
    int cap = 0;
    int line = 0;
    for (const char *p = text; *p;) {
        line++;
        const char *nl = strchr(p, '\n');
        const char *end = nl ? nl : p + strlen(p);
        const char *hash = memchr(p, '#', (size_t)(end - p));
        const char *stop = hash ? hash : end;
        const char *q = p;
        char fw[64], kw[64], extra[64], eq[300];
        bool long1 = false, long2 = false, long3 = false;
        p = nl ? nl + 1 : end;
        if (!word(&q, stop, fw, sizeof(fw), &long1))
            continue; /* blank or comment */
        if (!word(&q, stop, kw, sizeof(kw), &long2)) {
            rl_escape(eq, sizeof(eq), fw, (size_t)-1);
            snprintf(err, errlen, "%s:%d: expected 'FRAME KEY', got only "
                     "'%s'", name, line, eq);
            goto fail;
        }
        if (word(&q, stop, extra, sizeof(extra), &long3)) {
            rl_escape(eq, sizeof(eq), extra, (size_t)-1);
            snprintf(err, errlen, "%s:%d: unexpected '%s' after the key "
                     "(one 'FRAME KEY' per line)", name, line, eq);
            goto fail;
        }
        char *e;
        errno = 0;
        long frame = strtol(fw, &e, 10);
        if (long1 || *e || errno || frame < 0 || !isdigit((unsigned char)fw[0])) {
            rl_escape(eq, sizeof(eq), fw, (size_t)-1);
            snprintf(err, errlen, "%s:%d: frame '%s' is not a whole number "
                     ">= 0", name, line, eq);
            goto fail;
        }
        enum rl_action a = long2 ? RL_ACTION_NONE : rl_action_for_key(kw);
        if (a == RL_ACTION_NONE) {
            rl_escape(eq, sizeof(eq), kw, (size_t)-1);
            snprintf(err, errlen, "%s:%d: unknown key '%s' (keys: see "
                     "'richlazy window --help' or the README)", name, line,
                     eq);
            goto fail;
        }
        if (s->n == cap) {
            int ncap = cap ? cap * 2 : 32;
            struct rl_script_event *ev = realloc(s->ev, sizeof(*ev) * ncap);
            if (!ev) {
                snprintf(err, errlen, "%s: out of memory", name);
                goto fail;
            }
            s->ev = ev;
            cap = ncap;
        }
        s->ev[s->n++] = (struct rl_script_event){frame, a, line};
    }
    if (s->n > 1)
        qsort(s->ev, (size_t)s->n, sizeof(s->ev[0]), cmp_event);
    return true;
fail:
    rl_script_destroy(s);
    return false;
}

bool rl_script_load(struct rl_script *s, const char *path, char *err,
                    size_t errlen)
{
    memset(s, 0, sizeof(*s));
    /* a regular file of at most 64 MiB: never /dev/zero or a FIFO */
    char why[4400];
    FILE *f = rl_read_open(path, (uint64_t)64 << 20, why, sizeof(why));
    if (!f) {
        if (errno)
            snprintf(err, errlen, "cannot open script '%s': %s", path,
                     strerror(errno));
        else
            snprintf(err, errlen, "script %s", why);
        return false;
    }
    size_t cap = 4096, n = 0;
    char *text = malloc(cap);
    while (text) {
        if (n + 1 >= cap) {
            if (cap > ((size_t)64 << 20)) {
                snprintf(err, errlen, "script '%s' is larger than 64 MiB",
                         path);
                free(text);
                fclose(f);
                return false;
            }
            char *t = realloc(text, cap * 2);
            if (!t) {
                free(text);
                text = NULL;
                break;
            }
            text = t;
            cap *= 2;
        }
        size_t got = fread(text + n, 1, cap - 1 - n, f);
        n += got;
        if (got == 0)
            break;
    }
    bool read_error = ferror(f);
    fclose(f);
    if (!text || read_error) {
        snprintf(err, errlen, "cannot read script '%s'%s", path,
                 text ? "" : ": out of memory");
        free(text);
        return false;
    }
    text[n] = '\0';
    if (strlen(text) != n) {
        snprintf(err, errlen, "%s: not a text file (contains a NUL byte)",
                 path);
        free(text);
        return false;
    }
    bool ok = rl_script_parse(s, text, path, err, errlen);
    free(text);
    return ok;
}

void rl_script_destroy(struct rl_script *s)
{
    free(s->ev);
    memset(s, 0, sizeof(*s));
}

int rl_script_take(struct rl_script *s, long frame, enum rl_action *out,
                   int max)
{
    int k = 0;
    while (s->next < s->n && s->ev[s->next].frame <= frame && k < max)
        out[k++] = s->ev[s->next++].action;
    return k;
}

bool rl_script_done(const struct rl_script *s)
{
    return s->next >= s->n;
}
