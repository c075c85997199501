/* progress.c: the terminal progress bar (see rl_progress.h). */
#include "rl_progress.h"

#include <time.h>
#include <unistd.h>

double rl_progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void rl_progress_start(struct rl_progress *p, FILE *f, bool quiet,
                       const char *what, const char *unit)
{
    p->f = f;
    p->on = !quiet && f && isatty(fileno(f));
    p->what = what;
    p->unit = unit;
    p->t0 = rl_progress_now();
    p->last = 0.0;
    p->drawn = false;
}

void rl_progress_update(struct rl_progress *p, long done, long total)
{
    if (!p->on)
        return;
    double t = rl_progress_now();
    if (t - p->last < 0.1 && done < total)
        return;
    p->last = t;
    enum { WIDTH = 30 };
    double frac = total > 0 ? (double)done / total : 1.0;
    char bar[WIDTH + 1];
    int fill = (int)(frac * WIDTH + 0.5);
    for (int i = 0; i < WIDTH; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[WIDTH] = '\0';
    double spent = t - p->t0;
    double eta = frac > 0.0 ? spent * (1.0 - frac) / frac : 0.0;
    fprintf(p->f, "\r%s [%s] %ld/%ld %s, %.1f s, about %.1f s left   ",
            p->what, bar, done, total, p->unit, spent, eta);
    fflush(p->f);
    p->drawn = true;
}

void rl_progress_finish(struct rl_progress *p)
{
    if (p->on && p->drawn) {
        fputc('\n', p->f);
        fflush(p->f);
    }
    p->drawn = false;
}
