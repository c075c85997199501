/* torch_export.c: `richlazy export-torch` (see rl_torch_export.h). */
#include "rl_torch_export.h"

#include <stdlib.h>
#include <string.h>

#include "rl_cli.h"
#include "rl_config.h"
#include "rl_npy.h"
#include "rl_output.h"
#include "rl_settings.h"

static const char usage[] =
    "usage: richlazy export-torch RUNDIR [the run's flags]\n"
    "Write RUNDIR/replay.py: PyTorch trains the run's nets again from its\n"
    "data.csv and initial weights and compares the loss curve and final\n"
    "weights with metrics.csv and weights/*_final.npy (exit 1 above a\n"
    "relative difference of 1e-4). Give the flags the run had (or its\n"
    "--config): activation, lr and lambda are read from them.\n";

/* The replay script; the %s/%.17g fields are filled in order: activation,
 * lr, lambda, hidden. Python's own format braces are doubled as needed. */
static const char script[] =
    "#!/usr/bin/env python3\n"
    "\"\"\"Replay of a richlazy run in PyTorch, written by `richlazy "
    "export-torch`.\n"
    "\n"
    "Trains the run's two nets again from data.csv and weights/*_init.npy:\n"
    "  f(x) = w2 . act(W1 x)   (nn.Linear(2, H, bias=False), nn.Linear(H, "
    "1, bias=False))\n"
    "  loss = mean over the samples of (f(x) - label)^2   (nn.MSELoss)\n"
    "  torch.optim.SGD(lr, weight_decay=lambda), full batch, float32\n"
    "and compares the loss at every step metrics.csv holds and the final\n"
    "weights with weights/*_final.npy. Prints the largest relative "
    "difference;\n"
    "exit 1 above 1e-4. Run: python3 replay.py\n"
    "\"\"\"\n"
    "import csv\n"
    "import math\n"
    "import os\n"
    "import sys\n"
    "\n"
    "import numpy as np\n"
    "import torch\n"
    "\n"
    "ACTIVATION = \"%s\"\n"
    "LR = %.17g\n"
    "LAMBDA = %.17g\n"
    "HIDDEN = %d\n"
    "TOLERANCE = 1e-4\n"
    "HERE = os.path.dirname(os.path.abspath(__file__))\n"
    "\n"
    "\n"
    "def path(*parts):\n"
    "    return os.path.join(HERE, *parts)\n"
    "\n"
    "\n"
    "def main():\n"
    "    torch.set_num_threads(1)\n"
    "    with open(path(\"data.csv\"), newline=\"\") as f:\n"
    "        rows = list(csv.DictReader(f))\n"
    "    x = torch.tensor([[float(r[\"x\"]), float(r[\"y\"])] for r in rows],\n"
    "                     dtype=torch.float32)\n"
    "    y = torch.tensor([float(r[\"label\"]) for r in rows], "
    "dtype=torch.float32)\n"
    "    ref = {}\n"
    "    with open(path(\"metrics.csv\"), newline=\"\") as f:\n"
    "        for r in csv.DictReader(f):\n"
    "            ref[(r[\"net\"], int(r[\"step\"]))] = float(r[\"loss\"])\n"
    "    steps = max(t for (_, t) in ref)\n"
    "    act = {\"linear\": lambda z: z, \"relu\": torch.relu,\n"
    "           \"tanh\": torch.tanh}[ACTIVATION]\n"
    "    worst, where = 0.0, \"\"\n"
    "    for net in (\"rich\", \"lazy\"):\n"
    "        w1 = torch.nn.Parameter(torch.from_numpy(\n"
    "            np.load(path(\"weights\", net + \"_w1_init.npy\"))).float())\n"
    "        w2 = torch.nn.Parameter(torch.from_numpy(\n"
    "            np.load(path(\"weights\", net + \"_w2_init.npy\"))).float())\n"
    "        assert w1.shape == (HIDDEN, 2) and w2.shape == (1, HIDDEN)\n"
    "        opt = torch.optim.SGD([w1, w2], lr=LR, weight_decay=LAMBDA)\n"
    "        diverged = False\n"
    "        for t in range(steps + 1):\n"
    "            opt.zero_grad()\n"
    "            out = torch.nn.functional.linear(\n"
    "                act(torch.nn.functional.linear(x, w1)), w2).reshape(-1)\n"
    "            loss = ((out - y) ** 2).mean()\n"
    "            r = ref.get((net, t))\n"
    "            if r is not None and not math.isfinite(r):\n"
    "                diverged = True  # the run paused this net here\n"
    "                print(\"%%s: diverged at step %%d in the run; compared up "
    "to it\" %% (net, t))\n"
    "                break\n"
    "            if not math.isfinite(loss.item()) and any(\n"
    "                    not math.isfinite(v) for (n, _), v in ref.items()\n"
    "                    if n == net):\n"
    "                # float32 overflows a step or two before the run's\n"
    "                # double sums do: both diverged\n"
    "                diverged = True\n"
    "                print(\"%%s: diverged at step %%d in the replay, as in "
    "the run\" %% (net, t))\n"
    "                break\n"
    "            if r is not None:\n"
    "                d = abs(loss.item() - r) / max(abs(r), 1e-30)\n"
    "                if d > worst:\n"
    "                    worst, where = d, \"%%s loss at step %%d\" %% (net, "
    "t)\n"
    "            if t < steps:\n"
    "                loss.backward()\n"
    "                opt.step()\n"
    "        if diverged:\n"
    "            continue\n"
    "        for name, p in ((\"w1\", w1), (\"w2\", w2)):\n"
    "            final = torch.from_numpy(np.load(\n"
    "                path(\"weights\", net + \"_\" + name + \"_final.npy\")))"
    ".float()\n"
    "            scale = max(final.abs().max().item(), 1e-30)\n"
    "            d = (p.detach() - final).abs().max().item() / scale\n"
    "            print(\"%%s %%s: final weights differ by %%.3g (relative to "
    "the largest)\" %% (net, name, d))\n"
    "            if d > worst:\n"
    "                worst, where = d, \"%%s final %%s\" %% (net, name)\n"
    "    print(\"largest relative difference: %%.3g (%%s)\" %% (worst, "
    "where))\n"
    "    if not worst <= TOLERANCE:\n"
    "        print(\"FAIL: above %%g\" %% TOLERANCE)\n"
    "        return 1\n"
    "    print(\"ok: within %%g\" %% TOLERANCE)\n"
    "    return 0\n"
    "\n"
    "\n"
    "if __name__ == \"__main__\":\n"
    "    sys.exit(main())\n";

int rl_export_torch_main(int argc, char **argv, FILE *out, FILE *errf)
{
    struct rl_config cfg = rl_config_default;
    struct rl_cli cli;
    rl_cli_build(&cli, RL_CMD_RUN, 0, NULL, 0);
    char err[4300];
    char *pos[1];
    int npos = 0;
    switch (rl_cli_parse_positional(&cli, argc, argv, &cfg, NULL, pos, 1,
                                    &npos, err, sizeof(err))) {
    case RL_CLI_HELP:
        fputs(usage, out);
        return 0;
    case RL_CLI_ERROR:
        fprintf(errf, "richlazy export-torch: error: %s\n", err);
        return 2;
    case RL_CLI_OK:
        break;
    }
    if (npos != 1) {
        fprintf(errf, "richlazy export-torch: error: give the run's folder "
                "(richlazy export-torch RUNDIR [the run's flags])\n");
        return 2;
    }
    const char *dir = pos[0];
    if (cfg.arch != RL_ARCH_TWO_LAYER) {
        fprintf(errf, "richlazy export-torch: error: the replay covers the "
                "two-layer net only, not --model diagonal\n");
        return 2;
    }
    for (int w = 0; w < RL_NETS; w++)
        if (memcmp(&cfg.net[w].model, &rl_config_default.net[w].model,
                   sizeof(cfg.net[w].model)) != 0) {
            fprintf(errf, "richlazy export-torch: error: the replay covers "
                    "the base model only (no model options)\n");
            return 2;
        }
    if (cfg.test_fraction > 0) {
        fprintf(errf, "richlazy export-torch: error: a run with --test-split "
                "is not covered by the replay\n");
        return 2;
    }
    /* the files the replay reads, and H from the weights */
    static const char *const names[] = {
        "rich_w1_init", "rich_w2_init", "lazy_w1_init", "lazy_w2_init",
        "rich_w1_final", "rich_w2_final", "lazy_w1_final", "lazy_w2_final"};
    int h = -1;
    for (int i = 0; i < 8; i++) {
        char p[4200];
        snprintf(p, sizeof(p), "%s/weights/%s.npy", dir, names[i]);
        float *w = NULL;
        int rows, cols;
        if (!rl_npy_read(p, &w, &rows, &cols, err, sizeof(err))) {
            fprintf(errf, "richlazy export-torch: error: %s (is %s a run's "
                    "folder?)\n", err, dir);
            return 2;
        }
        free(w);
        int hh = strstr(names[i], "w1") ? rows : cols;
        if (h >= 0 && hh != h) {
            fprintf(errf, "richlazy export-torch: error: %s: %d hidden units, "
                    "but the other weights have %d\n", p, hh, h);
            return 2;
        }
        h = hh;
    }
    for (int i = 0; i < 2; i++) {
        char p[4200];
        snprintf(p, sizeof(p), "%s/%s", dir, i ? "metrics.csv" : "data.csv");
        FILE *f = fopen(p, "rb");
        if (!f) {
            fprintf(errf, "richlazy export-torch: error: cannot open %s (is "
                    "%s a run's folder?)\n", p, dir);
            return 2;
        }
        fclose(f);
    }
    struct rl_outfile of;
    if (!rl_outfile_open(&of, dir, "replay.py", err, sizeof(err))) {
        fprintf(errf, "richlazy export-torch: error: %s\n", err);
        return 1;
    }
    fprintf(of.f, script, rl_activation_name(cfg.act), cfg.lr, cfg.lambda, h);
    if (!rl_outfile_commit(&of, err, sizeof(err))) {
        fprintf(errf, "richlazy export-torch: error: %s\n", err);
        return 1;
    }
    if (!cfg.quiet)
        fprintf(out, "wrote %s/replay.py (python3 %s/replay.py)\n", dir, dir);
    return 0;
}
