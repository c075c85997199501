/* doc.c: the man page and the bash completion, read off the commands'
 * own --help output (see rl_doc.h). */
#include "rl_doc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINES 1024
#define MAX_OPTS 128

struct doc_opt {
    char name[64];      /* "--steps", or "-h, --help" */
    char metavar[64];   /* "N"; empty for a flag without a value */
    char help[1024];    /* the help, continuation lines joined */
};

/* One help text, split into lines in place. */
struct doc_help {
    char *text;
    char *lines[MAX_LINES];
    int nlines;
    int usage_end;      /* lines [0, usage_end): the usage */
    int desc_end;       /* lines [usage_end, desc_end): the description */
    int heading;        /* the line introducing the options, or -1 */
    struct doc_opt opts[MAX_OPTS];
    int nopts;
    int tail;           /* lines [tail, nlines): text after the options */
};

/* Run `usage` (when non-NULL) or fn --help into memory. */
static bool capture(void (*usage)(FILE *), rl_command_fn fn,
                    const char *what, char **text, char *err, size_t errlen)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) {
        snprintf(err, errlen, "%s: cannot capture its help (out of memory)",
                 what);
        return false;
    }
    int rc = 0;
    if (usage) {
        usage(m);
    } else {
        char flag[] = "--help";
        char *argv[] = {flag, NULL};
        rc = fn(1, argv, m, stderr);
    }
    if (fclose(m) != 0 || !buf) {
        free(buf);
        snprintf(err, errlen, "%s: cannot capture its help (out of memory)",
                 what);
        return false;
    }
    if (rc != 0) {
        free(buf);
        snprintf(err, errlen, "%s --help failed (exit status %d)", what, rc);
        return false;
    }
    *text = buf;
    return true;
}

static bool is_opt_line(const char *l)
{
    return l[0] == ' ' && l[1] == ' ' && l[2] == '-';
}

/* "  --name META  help": the name (with "-h, --help" kept whole), the
 * metavar when one space and an upper-case word follow the name, the help
 * after the padding. */
static void parse_opt(struct doc_opt *o, const char *l)
{
    const char *s = l + 2;
    size_t n = strcspn(s, " ");
    if (n > 0 && s[n - 1] == ',' && s[n] == ' ')
        n += 1 + strcspn(s + n + 1, " ");
    snprintf(o->name, sizeof(o->name), "%.*s", (int)n, s);
    s += n;
    o->metavar[0] = '\0';
    if (s[0] == ' ' && isupper((unsigned char)s[1])) {
        size_t m = strcspn(s + 1, " ");
        snprintf(o->metavar, sizeof(o->metavar), "%.*s", (int)m, s + 1);
        s += 1 + m;
    }
    while (*s == ' ')
        s++;
    snprintf(o->help, sizeof(o->help), "%s", s);
}

static void free_help(struct doc_help *h)
{
    free(h->text);
    h->text = NULL;
}

/* Split h->text (owned) into its parts. */
static bool parse_help(struct doc_help *h, const char *what, char *err,
                       size_t errlen)
{
    h->nlines = 0;
    for (char *p = h->text; *p;) {
        if (h->nlines == MAX_LINES) {
            snprintf(err, errlen, "%s: its help has more than %d lines",
                     what, MAX_LINES);
            return false;
        }
        h->lines[h->nlines++] = p;
        char *nl = strchr(p, '\n');
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    int n = h->nlines;
    if (n == 0 || strncmp(h->lines[0], "usage: ", 7) != 0) {
        snprintf(err, errlen, "%s: its help does not start with 'usage: '",
                 what);
        return false;
    }
    int i = 0;
    while (i < n && h->lines[i][0])
        i++;
    h->usage_end = i;
    while (i < n && !is_opt_line(h->lines[i]))
        i++;
    h->desc_end = i;
    h->heading = -1;
    h->nopts = 0;
    if (i < n && i > h->usage_end && h->lines[i - 1][0] &&
        h->lines[i - 1][0] != ' ') {
        h->heading = i - 1;
        h->desc_end = i - 1;
    }
    while (i < n && h->lines[i][0] == ' ') {
        if (is_opt_line(h->lines[i])) {
            if (h->nopts == MAX_OPTS) {
                snprintf(err, errlen, "%s: more than %d options", what,
                         MAX_OPTS);
                return false;
            }
            parse_opt(&h->opts[h->nopts++], h->lines[i]);
        } else if (h->nopts > 0) {
            /* a deeper-indented continuation of the help */
            struct doc_opt *o = &h->opts[h->nopts - 1];
            const char *c = h->lines[i];
            while (*c == ' ')
                c++;
            size_t len = strlen(o->help);
            snprintf(o->help + len, sizeof(o->help) - len, " %s", c);
        }
        i++;
    }
    while (i < n && !h->lines[i][0])
        i++;
    h->tail = i;
    return true;
}

static bool load_help(struct doc_help *h, void (*usage)(FILE *),
                      rl_command_fn fn, const char *what, char *err,
                      size_t errlen)
{
    memset(h, 0, sizeof(*h));
    if (!capture(usage, fn, what, &h->text, err, errlen))
        return false;
    if (!parse_help(h, what, err, errlen)) {
        free_help(h);
        return false;
    }
    return true;
}

/* ---- troff ---- */

/* Text for troff: backslashes and minus signs escaped, a leading dot or
 * quote made literal, UTF-8 written as \[uXXXX]. */
static void esc(FILE *f, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\\') {
            fputs("\\e", f);
        } else if (*p == '-') {
            fputs("\\-", f);
        } else if (*p < 0x80) {
            fputc(*p, f);
        } else {
            unsigned cp;
            int more;
            if ((*p & 0xE0) == 0xC0) {
                cp = *p & 0x1F;
                more = 1;
            } else if ((*p & 0xF0) == 0xE0) {
                cp = *p & 0x0F;
                more = 2;
            } else if ((*p & 0xF8) == 0xF0) {
                cp = *p & 0x07;
                more = 3;
            } else {
                continue; /* a stray continuation byte */
            }
            int k = 0;
            while (k < more && (p[1] & 0xC0) == 0x80) {
                cp = (cp << 6) | (p[1] & 0x3F);
                p++;
                k++;
            }
            if (k == more)
                fprintf(f, "\\[u%04X]", cp);
        }
    }
}

/* Lines [from, to) as man text: blank lines separate paragraphs, indented
 * lines stay as they are (tables of keys, example commands). */
static void emit_text(FILE *f, char *const *lines, int from, int to)
{
    bool literal = false;
    bool para = true;
    for (int i = from; i < to; i++) {
        const char *l = lines[i];
        if (!l[0]) {
            if (literal)
                fputs(".fi\n", f);
            literal = false;
            para = true;
            continue;
        }
        if (l[0] == ' ' && !literal) {
            fputs(para ? ".PP\n.nf\n" : ".nf\n", f);
            literal = true;
        } else if (l[0] != ' ' && literal) {
            fputs(".fi\n", f);
            literal = false;
        } else if (para && !literal) {
            fputs(".PP\n", f);
        }
        para = false;
        esc(f, literal ? l : l + strspn(l, " "));
        fputc('\n', f);
    }
    if (literal)
        fputs(".fi\n", f);
}

static void emit_opt(FILE *f, const struct doc_opt *o)
{
    fputs(".TP\n\\fB", f);
    esc(f, o->name);
    fputs("\\fR", f);
    if (o->metavar[0]) {
        fputs(" \\fI", f);
        esc(f, o->metavar);
        fputs("\\fR", f);
    }
    fputc('\n', f);
    esc(f, o->help);
    fputc('\n', f);
}

static void emit_usage(FILE *f, const struct doc_help *h)
{
    for (int i = 0; i < h->usage_end; i++) {
        const char *u = h->lines[i];
        if (!strncmp(u, "usage: ", 7))
            u += 7;
        u += strspn(u, " ");
        fputs(".B ", f);
        esc(f, u);
        fputs("\n.br\n", f);
    }
}

/* The same text after the options as an earlier help's? */
static int same_tail(const struct doc_help *a, const struct doc_help *b)
{
    if (a->nlines - a->tail != b->nlines - b->tail || a->tail == a->nlines)
        return 0;
    for (int i = 0; i < a->nlines - a->tail; i++)
        if (strcmp(a->lines[a->tail + i], b->lines[b->tail + i]))
            return 0;
    return 1;
}

/* The top-level help: its description ends at the first heading (a line
 * ending in ':' such as "Commands:"), whose indented list the man page
 * draws from the command table instead. */
static void top_parts(const struct doc_help *top, int *desc_end,
                      int *rest)
{
    int i = top->usage_end;
    while (i < top->nlines) {
        const char *l = top->lines[i];
        size_t len = strlen(l);
        if (len && l[0] != ' ' && l[len - 1] == ':')
            break;
        i++;
    }
    *desc_end = i;
    if (i < top->nlines)
        i++;
    while (i < top->nlines && top->lines[i][0] == ' ')
        i++;
    *rest = i;
}

bool rl_doc_man(FILE *f, void (*usage)(FILE *), const struct rl_command *cmds,
                int n, char *err, size_t errlen)
{
    struct doc_help *h = calloc((size_t)n + 1, sizeof(*h));
    if (!h) {
        snprintf(err, errlen, "man page: out of memory");
        return false;
    }
    bool ok = load_help(&h[n], usage, NULL, "richlazy", err, errlen);
    int loaded = 0;
    for (; ok && loaded < n; loaded++) {
        char what[64];
        snprintf(what, sizeof(what), "richlazy %s", cmds[loaded].name);
        ok = load_help(&h[loaded], NULL, cmds[loaded].fn, what, err, errlen);
    }
    if (!ok)
        goto done;

    const struct doc_help *top = &h[n];
    int desc_end, rest;
    top_parts(top, &desc_end, &rest);
    fprintf(f, ".\\\" richlazy(1), generated by `richlazy help --man` from "
            "the commands' --help; do not edit.\n");
    fprintf(f, ".TH RICHLAZY 1 \"\" \"richlazy %s\" \"User Commands\"\n",
            rl_version);
    /* NAME: the first sentence of the description */
    fputs(".SH NAME\nrichlazy \\- ", f);
    char first[512] = "";
    size_t fl = 0;
    for (int i = top->usage_end; i < desc_end && fl + 1 < sizeof(first);
         i++) {
        const char *l = top->lines[i];
        if (!l[0] && fl)
            break;
        if (!l[0])
            continue;
        fl += (size_t)snprintf(first + fl, sizeof(first) - fl, "%s%s",
                               fl ? " " : "", l);
    }
    char *dot = strstr(first, ". ");
    if (dot)
        *dot = '\0';
    fl = strlen(first);
    if (fl && first[fl - 1] == '.')
        first[fl - 1] = '\0';
    first[0] = (char)tolower((unsigned char)first[0]);
    esc(f, first);
    fputs("\n.SH SYNOPSIS\n", f);
    emit_usage(f, top);
    for (int c = 0; c < n; c++)
        emit_usage(f, &h[c]);
    fputs(".SH DESCRIPTION\n", f);
    emit_text(f, top->lines, top->usage_end, desc_end);
    emit_text(f, top->lines, rest, top->nlines);
    fputs(".SH COMMANDS\n", f);
    for (int c = 0; c < n; c++) {
        fputs(".TP\n.B ", f);
        esc(f, cmds[c].name);
        fputc('\n', f);
        esc(f, cmds[c].summary);
        fputc('\n', f);
    }
    for (int c = 0; c < n; c++) {
        const struct doc_help *ch = &h[c];
        fputs(".SH \"RICHLAZY ", f);
        for (const char *p = cmds[c].name; *p; p++)
            fputc(toupper((unsigned char)*p), f);
        fputs("\"\n", f);
        emit_usage(f, ch);
        emit_text(f, ch->lines, ch->usage_end, ch->desc_end);
        if (ch->heading >= 0)
            emit_text(f, ch->lines, ch->heading, ch->heading + 1);
        for (int o = 0; o < ch->nopts; o++)
            emit_opt(f, &ch->opts[o]);
        int earlier = -1;
        for (int e = 0; e < c && earlier < 0; e++)
            if (same_tail(ch, &h[e]))
                earlier = e;
        if (earlier >= 0) {
            /* the same keys table again: point to the first one */
            const char *w = ch->lines[ch->tail];
            fprintf(f, ".PP\n%.*s: as under \\fBrichlazy %s\\fR above.\n",
                    (int)strcspn(w, " :("), w, cmds[earlier].name);
        } else {
            emit_text(f, ch->lines, ch->tail, ch->nlines);
        }
    }
    fprintf(f, ".SH VERSION\nThis page describes richlazy %s, built from "
            "revision ", rl_version);
    esc(f, rl_revision);
    fputs(".\n", f);
    ok = !ferror(f);
    if (!ok)
        snprintf(err, errlen, "man page: write error");
done:
    for (int c = 0; c < loaded; c++)
        free_help(&h[c]);
    free_help(&h[n]);
    free(h);
    return ok;
}

/* ---- bash completion ---- */

/* Has h an option called name ("-h, --help" answers to both)? */
static bool has_flag(const struct doc_help *h, const char *name)
{
    for (int o = 0; o < h->nopts; o++) {
        char buf[64];
        snprintf(buf, sizeof(buf), "%s", h->opts[o].name);
        char *save = NULL;
        for (char *t = strtok_r(buf, ", ", &save); t;
             t = strtok_r(NULL, ", ", &save))
            if (!strcmp(t, name))
                return true;
    }
    return false;
}

/* Choices "a, b, c" or "a, b or c" after the help's last ": ", each a
 * single lower-case word; false when the help has no such list. */
static bool choices(const char *help, char *out, size_t len)
{
    const char *s = NULL;
    for (const char *p = strstr(help, ": "); p; p = strstr(p + 1, ": "))
        s = p + 2;
    if (!s)
        return false;
    size_t n = strcspn(s, "[");
    while (n && s[n - 1] == ' ')
        n--;
    size_t o = 0;
    int words = 0;
    size_t i = 0;
    while (i < n) {
        size_t w = 0;
        while (i + w < n && (islower((unsigned char)s[i + w]) ||
                             isdigit((unsigned char)s[i + w]) ||
                             s[i + w] == '_' || s[i + w] == '-'))
            w++;
        if (w == 0 || o + w + 2 >= len)
            return false;
        o += (size_t)snprintf(out + o, len - o, "%s%.*s", words ? " " : "",
                              (int)w, s + i);
        words++;
        i += w;
        if (i == n)
            break;
        if (!strncmp(s + i, ", ", 2))
            i += 2;
        else if (!strncmp(s + i, " or ", 4))
            i += 4;
        else
            return false;
    }
    return words >= 2;
}

/* Flags named in the usage line that the option list lacks, e.g. merge's
 * "[--out DIR] [--quiet] SHARD...", added as options; *positional is set
 * when the usage names an argument that is no flag's value. */
static void usage_flags(struct doc_help *h, bool *positional)
{
    *positional = false;
    char buf[1024];
    snprintf(buf, sizeof(buf), "%s", h->lines[0] + 7);
    char *prev = NULL;
    int word = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, " ", &save); t;
         t = strtok_r(NULL, " ", &save), word++) {
        char *b = t + strspn(t, "[");
        bool open_flag = prev && !strncmp(prev + strspn(prev, "["), "--", 2)
                         && prev[strlen(prev) - 1] != ']';
        if (word >= 2 && !strncmp(b, "--", 2)) {
            char name[64];
            snprintf(name, sizeof(name), "%.*s", (int)strcspn(b, "]"), b);
            if (!has_flag(h, name) && h->nopts < MAX_OPTS) {
                struct doc_opt *o = &h->opts[h->nopts++];
                memset(o, 0, sizeof(*o));
                snprintf(o->name, sizeof(o->name), "%s", name);
            }
        } else if (word >= 2 && isupper((unsigned char)*b)) {
            if (open_flag) {
                /* the value of the flag before it */
                for (int o = 0; o < h->nopts; o++) {
                    const char *pn = prev + strspn(prev, "[");
                    if (!strcmp(h->opts[o].name, pn) &&
                        !h->opts[o].metavar[0])
                        snprintf(h->opts[o].metavar,
                                 sizeof(h->opts[o].metavar), "%.*s",
                                 (int)strcspn(b, "]."), b);
                }
            } else {
                *positional = true;
            }
        }
        prev = t;
    }
}

/* The case arms completing the values of cmd's flags; `key` is the
 * command word as the script sees it ("" for the default command). */
static void emit_values(FILE *f, const char *key, const struct doc_help *h)
{
    for (int o = 0; o < h->nopts; o++) {
        const struct doc_opt *op = &h->opts[o];
        if (!op->metavar[0])
            continue;
        char list[512];
        fprintf(f, "    \"%s:%s\")\n", key, op->name);
        if (choices(op->help, list, sizeof(list)))
            fprintf(f, "        mapfile -t COMPREPLY < <(compgen -W \"%s\" "
                    "-- \"$cur\")\n", list);
        else if (strstr(op->metavar, "DIR") ||
                 strstr(op->metavar, "CHECKPOINT"))
            fputs("        mapfile -t COMPREPLY < <(compgen -d -- \"$cur\")\n",
                  f);
        else if (strstr(op->metavar, "FILE") || strstr(op->metavar, "PATH"))
            fputs("        mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n",
                  f);
        else
            fputs("        COMPREPLY=()\n", f);
        fputs("        return 0 ;;\n", f);
    }
}

static void emit_flags(FILE *f, const struct doc_help *h, const char *extra)
{
    fputs("\"", f);
    bool first = true;
    for (int o = 0; o < h->nopts; o++) {
        char buf[64];
        snprintf(buf, sizeof(buf), "%s", h->opts[o].name);
        char *save = NULL;
        for (char *t = strtok_r(buf, ", ", &save); t;
             t = strtok_r(NULL, ", ", &save)) {
            fprintf(f, "%s%s", first ? "" : " ", t);
            first = false;
        }
    }
    fprintf(f, "%s\"", extra);
}

bool rl_doc_bash_completion(FILE *f, const struct rl_command *cmds, int n,
                            int default_cmd, char *err, size_t errlen)
{
    struct doc_help *h = calloc((size_t)n, sizeof(*h));
    bool *pos = calloc((size_t)n, sizeof(*pos));
    bool ok = h && pos;
    if (!ok)
        snprintf(err, errlen, "bash completion: out of memory");
    int loaded = 0;
    for (; ok && loaded < n; loaded++) {
        char what[64];
        snprintf(what, sizeof(what), "richlazy %s", cmds[loaded].name);
        ok = load_help(&h[loaded], NULL, cmds[loaded].fn, what, err, errlen);
        if (ok)
            usage_flags(&h[loaded], &pos[loaded]);
    }
    if (!ok)
        goto done;

    fprintf(f, "# bash completion for richlazy %s, generated by `richlazy "
            "help --bash-completion`\n# from the commands' --help; do not "
            "edit.\n", rl_version);
    fputs("_richlazy()\n{\n"
          "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\" cmd=\"\"\n"
          "    [ \"$COMP_CWORD\" -gt 0 ] && "
          "prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
          "    # the command is the first word; flags alone run the default "
          "command\n"
          "    [ \"$COMP_CWORD\" -gt 1 ] && cmd=\"${COMP_WORDS[1]}\"\n"
          "    case \"$cmd\" in\n    ", f);
    for (int c = 0; c < n; c++)
        fprintf(f, "%s%s", c ? "|" : "", cmds[c].name);
    fputs("|help) ;;\n    *) cmd=\"\" ;;\n    esac\n"
          "    case \"$cmd:$prev\" in\n", f);
    for (int c = 0; c < n; c++)
        emit_values(f, cmds[c].name, &h[c]);
    emit_values(f, "", &h[default_cmd]);
    fputs("    esac\n    case \"$cmd\" in\n", f);
    for (int c = 0; c < n; c++) {
        fprintf(f, "    %s)\n", cmds[c].name);
        if (pos[c])
            fputs("        if [[ $cur == -* ]]; then\n"
                  "            mapfile -t COMPREPLY < <(compgen -W ", f);
        else
            fputs("        mapfile -t COMPREPLY < <(compgen -W ", f);
        emit_flags(f, &h[c], "");
        fputs(" -- \"$cur\")\n", f);
        if (pos[c])
            fputs("        else\n"
                  "            mapfile -t COMPREPLY < <(compgen -f -- "
                  "\"$cur\")\n        fi\n", f);
        fputs("        ;;\n", f);
    }
    fputs("    help)\n        mapfile -t COMPREPLY < <(compgen -W \"", f);
    for (int c = 0; c < n; c++)
        fprintf(f, "%s%s", c ? " " : "", cmds[c].name);
    fputs("\" -- \"$cur\")\n        ;;\n"
          "    *)\n"
          "        if [ \"$COMP_CWORD\" -eq 1 ] && [[ $cur != -* ]]; then\n"
          "            mapfile -t COMPREPLY < <(compgen -W \"", f);
    for (int c = 0; c < n; c++)
        fprintf(f, "%s ", cmds[c].name);
    fputs("help\" -- \"$cur\")\n        else\n"
          "            mapfile -t COMPREPLY < <(compgen -W ", f);
    emit_flags(f, &h[default_cmd], " --version");
    fputs(" -- \"$cur\")\n        fi\n        ;;\n    esac\n"
          "    return 0\n}\ncomplete -F _richlazy richlazy\n", f);
    ok = !ferror(f);
    if (!ok)
        snprintf(err, errlen, "bash completion: write error");
done:
    for (int c = 0; c < loaded; c++)
        free_help(&h[c]);
    free(h);
    free(pos);
    return ok;
}
