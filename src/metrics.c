/* metrics.c: loss, accuracy and weight-change measures of one net. */
#include "rl_metrics.h"

#include <math.h>

static double diff_norm(const float *a, const float *b, int len, double *norm)
{
    double d = 0.0, s = 0.0;
    for (int i = 0; i < len; i++) {
        double e = (double)a[i] - b[i];
        d += e * e;
        s += (double)a[i] * a[i];
    }
    *norm = sqrt(s);
    return sqrt(d);
}

void rl_metrics_compute(const struct rl_net *net, const struct rl_data *train,
                        const struct rl_data *test, struct rl_metrics *m)
{
    rl_net_evaluate(net, train, &m->loss, &m->accuracy);
    if (test && test->n > 0) {
        rl_net_evaluate(net, test, &m->test_loss, &m->test_accuracy);
    } else {
        m->test_loss = NAN;
        m->test_accuracy = NAN;
    }
    double d1 = diff_norm(net->w1, net->w1_0, 2 * net->h, &m->norm_w1);
    double d2 = diff_norm(net->w2, net->w2_0, net->h, &m->norm_w2);
    /* relative to the initial norm (seed: w1_rel_changes); undefined at
     * a zero initialisation */
    m->rel_w1 = net->norm_w1_0 > 0.0 ? d1 / net->norm_w1_0 : NAN;
    m->rel_w2 = net->norm_w2_0 > 0.0 ? d2 / net->norm_w2_0 : NAN;
}

const char *rl_metrics_csv_header(void)
{
    return "loss,accuracy,rel_w1,rel_w2,norm_w1,norm_w2,test_loss,"
           "test_accuracy";
}

void rl_metrics_csv_row(FILE *f, const struct rl_metrics *m)
{
    fprintf(f, "%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g", m->loss,
            m->accuracy, m->rel_w1, m->rel_w2, m->norm_w1, m->norm_w2,
            m->test_loss, m->test_accuracy);
}
