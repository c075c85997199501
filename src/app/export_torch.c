/* export_torch.c: `richlazy export-torch RUNDIR` (see rl_export_torch.h).
 *
 * The script's text is kept here as a C string rather than as a file under
 * assets/: the binary then writes a complete replay.py wherever it runs,
 * installed or from the build folder, with no asset lookup that could fail
 * or find a script from another version than the engine it checks. */
#include "rl_export_torch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rl_checkpoint.h"
#include "rl_config.h"
#include "rl_net.h"
#include "rl_output.h"

static const char usage_text[] =
    "usage: richlazy export-torch RUNDIR\n"
    "\n"
    "Write RUNDIR/replay.py beside the output of `richlazy run --out "
    "RUNDIR`.\n"
    "`python3 RUNDIR/replay.py` trains the same two nets in PyTorch "
    "(float32, one\n"
    "thread, torch.optim) from the run's data.csv, initial weights and "
    "settings.txt,\n"
    "compares the loss curve with metrics.csv and the final weights with "
    "weights/*.npy,\n"
    "prints the largest relative difference of each and exits 1 above 1e-4 "
    "(a first\n"
    "argument sets another tolerance).\n";

/* The script after its settings block (numpy, torch and the settings
 * HERE, ACTIVATION, LR, LAMBDA and NETS are defined above it; each net's
 * width H is its NETS entry's hidden). */
static const char script_body[] =
    "M64 = (1 << 64) - 1\n"
    "TOL = 1e-4\n"
    "\n"
    "\n"
    "def mix64(x):\n"
    "    \"\"\"splitmix64's finaliser, as the engine's rl_mix64.\"\"\"\n"
    "    x = (x + 0x9E3779B97F4A7C15) & M64\n"
    "    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64\n"
    "    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64\n"
    "    return x ^ (x >> 31)\n"
    "\n"
    "\n"
    "def rotl(x, k):\n"
    "    return ((x << k) | (x >> (64 - k))) & M64\n"
    "\n"
    "\n"
    "class Xoshiro:\n"
    "    \"\"\"xoshiro256** seeded through splitmix64 from (seed, stream).\"\"\"\n"
    "\n"
    "    def __init__(self, seed, stream):\n"
    "        x = mix64(seed) ^ mix64((stream * 0xD1342543DE82EF95 + 1) & M64)\n"
    "        self.s = []\n"
    "        for _ in range(4):\n"
    "            x = mix64(x)\n"
    "            self.s.append(x)\n"
    "        if not any(self.s):\n"
    "            self.s[0] = 1\n"
    "\n"
    "    def next(self):\n"
    "        s = self.s\n"
    "        out = (rotl((s[1] * 5) & M64, 7) * 9) & M64\n"
    "        t = (s[1] << 17) & M64\n"
    "        s[2] ^= s[0]\n"
    "        s[3] ^= s[1]\n"
    "        s[1] ^= s[2]\n"
    "        s[0] ^= s[3]\n"
    "        s[2] ^= t\n"
    "        s[3] = rotl(s[3], 45)\n"
    "        return out\n"
    "\n"
    "    def below(self, n):\n"
    "        \"\"\"Uniform in [0, n): Lemire's multiply-shift with rejection.\"\"\"\n"
    "        m = (self.next() >> 32) * n\n"
    "        low = m & 0xFFFFFFFF\n"
    "        if low < n:\n"
    "            threshold = ((-n) & 0xFFFFFFFF) % n\n"
    "            while low < threshold:\n"
    "                m = (self.next() >> 32) * n\n"
    "                low = m & 0xFFFFFFFF\n"
    "        return m >> 32\n"
    "\n"
    "\n"
    "def epoch_order(seed, epoch, n):\n"
    "    \"\"\"Epoch `epoch`'s order of n samples: Fisher-Yates from the stream.\"\"\"\n"
    "    rng = Xoshiro(seed, epoch)\n"
    "    p = list(range(n))\n"
    "    for i in range(n - 1, 0, -1):\n"
    "        j = rng.below(i + 1)\n"
    "        p[i], p[j] = p[j], p[i]\n"
    "    return p\n"
    "\n"
    "\n"
    "def load(name):\n"
    "    return torch.from_numpy(np.load(os.path.join(HERE, \"weights\", name))\n"
    "                            .astype(np.float32))\n"
    "\n"
    "\n"
    "def read_data():\n"
    "    a = np.loadtxt(os.path.join(HERE, \"data.csv\"), delimiter=\",\",\n"
    "                   skiprows=1, dtype=np.float64, ndmin=2)\n"
    "    x = torch.from_numpy(a[:, :2].astype(np.float32))\n"
    "    y = torch.from_numpy(a[:, 2].astype(np.float32))\n"
    "    return x, y\n"
    "\n"
    "\n"
    "def read_metrics():\n"
    "    rows = {\"rich\": {}, \"lazy\": {}}\n"
    "    with open(os.path.join(HERE, \"metrics.csv\")) as f:\n"
    "        head = f.readline().strip().split(\",\")\n"
    "        si, ni, li = head.index(\"step\"), head.index(\"net\"), head.index(\"loss\")\n"
    "        for line in f:\n"
    "            if line.startswith(\"#\"):\n"
    "                # a key script restarted a net or changed the data:\n"
    "                # the files no longer describe one training run\n"
    "                sys.exit(\"metrics.csv has a restart line (%s): only \"\n"
    "                         \"runs without restarts can be replayed\"\n"
    "                         % line.strip())\n"
    "            c = line.strip().split(\",\")\n"
    "            if len(c) > li:\n"
    "                rows[c[ni]][int(c[si])] = float(c[li])\n"
    "    return rows\n"
    "\n"
    "\n"
    "class Net:\n"
    "    \"\"\"f(x) = alpha * (c * w2 . act(W1 x + b1) + b2), c by parametrization.\"\"\"\n"
    "\n"
    "    def __init__(self, name, o):\n"
    "        self.o = o\n"
    "        H = o[\"hidden\"]\n"
    "        self.h = H\n"
    "        self.w1 = torch.nn.Parameter(load(name + \"_w1_init.npy\"))\n"
    "        self.w2 = torch.nn.Parameter(load(name + \"_w2_init.npy\"))\n"
    "        self.params = [self.w1, self.w2]\n"
    "        if o[\"bias\"]:\n"
    "            b = load(name + \"_b_init.npy\").reshape(-1)\n"
    "            self.b1 = torch.nn.Parameter(b[:H].clone())\n"
    "            self.b2 = torch.nn.Parameter(b[H:].clone())\n"
    "            self.params += [self.b1, self.b2]\n"
    "        self.scale = {\"standard\": 1.0, \"ntk\": H ** -0.5,\n"
    "                      \"mf\": 1.0 / H}[o[\"param\"]]\n"
    "        self.act = {\"linear\": lambda z: z, \"relu\": torch.relu,\n"
    "                    \"tanh\": torch.tanh}[ACTIVATION]\n"
    "        if o[\"optimizer\"] == \"sgd\":\n"
    "            self.opt = torch.optim.SGD(self.params, lr=LR,\n"
    "                                       momentum=o[\"momentum\"],\n"
    "                                       nesterov=o[\"nesterov\"],\n"
    "                                       weight_decay=LAMBDA)\n"
    "        else:\n"
    "            cls = torch.optim.Adam if o[\"optimizer\"] == \"adam\" \\\n"
    "                else torch.optim.AdamW\n"
    "            self.opt = cls(self.params, lr=LR, betas=(o[\"beta1\"], o[\"beta2\"]),\n"
    "                           eps=o[\"eps\"], weight_decay=LAMBDA)\n"
    "\n"
    "    def forward(self, x):\n"
    "        z = F.linear(x, self.w1, self.b1 if self.o[\"bias\"] else None)\n"
    "        r = F.linear(self.act(z), self.w2).reshape(-1)\n"
    "        f = self.scale * r\n"
    "        if self.o[\"bias\"]:\n"
    "            f = f + self.b2\n"
    "        return self.o[\"alpha\"] * f\n"
    "\n"
    "    def sample_loss(self, f, y):\n"
    "        \"\"\"Per-sample loss: (f - y)^2, softplus(-s f) or exp(-s f).\"\"\"\n"
    "        if self.o[\"loss\"] == \"mse\":\n"
    "            return (f - y) ** 2\n"
    "        if self.o[\"targets\"] == \"01\":\n"
    "            s = torch.where(y > 0.5, 1.0, -1.0).to(f.dtype)\n"
    "        else:\n"
    "            s = torch.where(y > 0.0, 1.0, -1.0).to(f.dtype)\n"
    "        if self.o[\"loss\"] == \"logistic\":\n"
    "            return F.softplus(-s * f)\n"
    "        return torch.exp(-s * f)\n"
    "\n"
    "    def step(self, x, y):\n"
    "        self.opt.zero_grad()\n"
    "        loss = self.sample_loss(self.forward(x), y).mean()\n"
    "        (loss / self.o[\"alpha\"] ** 2).backward()\n"
    "        self.opt.step()\n"
    "\n"
    "    def loss(self, x, y):\n"
    "        \"\"\"The metrics.csv loss: mean per-sample loss over the training set\n"
    "        (outputs in float32, the mean in float64, not divided by alpha^2).\"\"\"\n"
    "        with torch.no_grad():\n"
    "            f = self.forward(x).double()\n"
    "            return self.sample_loss(f, y.double()).mean().item()\n"
    "\n"
    "\n"
    "def rel(a, b):\n"
    "    \"\"\"max |a - b| / max |b| (0 when both are 0).\"\"\"\n"
    "    a = np.asarray(a, dtype=np.float64).reshape(-1)\n"
    "    b = np.asarray(b, dtype=np.float64).reshape(-1)\n"
    "    if a.shape != b.shape:\n"
    "        return float(\"inf\")\n"
    "    d = np.max(np.abs(a - b)) if a.size else 0.0\n"
    "    s = np.max(np.abs(b)) if b.size else 0.0\n"
    "    if not np.isfinite(d):\n"
    "        return float(\"inf\")\n"
    "    return d / s if s > 0 else (0.0 if d == 0 else float(\"inf\"))\n"
    "\n"
    "\n"
    "def replay(name, x, y, logged):\n"
    "    o = NETS[name]\n"
    "    net = Net(name, o)\n"
    "    n = x.shape[0]\n"
    "    B = o[\"batch_size\"]\n"
    "    full = B <= 0 or B >= n\n"
    "    steps = o[\"steps\"]\n"
    "    curve_ref, curve = [], []\n"
    "    if 0 in logged:\n"
    "        curve_ref.append(logged[0])\n"
    "        curve.append(net.loss(x, y))\n"
    "    perm, perm_epoch = None, -1\n"
    "    for t in range(steps):\n"
    "        if full:\n"
    "            net.step(x, y)\n"
    "        else:\n"
    "            per_epoch = (n + B - 1) // B\n"
    "            epoch, j = t // per_epoch, t % per_epoch\n"
    "            if epoch != perm_epoch:\n"
    "                perm = torch.tensor(epoch_order(o[\"shuffle_seed\"], epoch, n))\n"
    "                perm_epoch = epoch\n"
    "            idx = perm[j * B:(j + 1) * B]\n"
    "            net.step(x[idx], y[idx])\n"
    "        if t + 1 in logged:\n"
    "            curve_ref.append(logged[t + 1])\n"
    "            curve.append(net.loss(x, y))\n"
    "    # the loss curve: each row's difference relative to that row's loss,\n"
    "    # with a floor of 1e-3 of the curve's largest loss (a loss near 0)\n"
    "    ref = np.array(curve_ref)\n"
    "    got = np.array(curve)\n"
    "    floor = 1e-3 * np.max(np.abs(ref)) if ref.size else 0.0\n"
    "    den = np.maximum(np.abs(ref), floor)\n"
    "    out = {\"loss\": float(np.max(np.abs(got - ref) / np.where(den > 0, den, 1)))\n"
    "           if ref.size else 0.0}\n"
    "    if ref.size and not np.all(np.isfinite(got - ref)):\n"
    "        out[\"loss\"] = float(\"inf\")\n"
    "    with torch.no_grad():\n"
    "        out[\"w1\"] = rel(net.w1.numpy(), np.load(os.path.join(\n"
    "            HERE, \"weights\", name + \"_w1_final.npy\")))\n"
    "        out[\"w2\"] = rel(net.w2.numpy(), np.load(os.path.join(\n"
    "            HERE, \"weights\", name + \"_w2_final.npy\")))\n"
    "        if o[\"bias\"]:\n"
    "            b = torch.cat([net.b1, net.b2]).numpy()\n"
    "            out[\"b\"] = rel(b, np.load(os.path.join(\n"
    "                HERE, \"weights\", name + \"_b_final.npy\")))\n"
    "    return out, len(curve)\n"
    "\n"
    "\n"
    "def main():\n"
    "    tol = TOL\n"
    "    if len(sys.argv) > 1:\n"
    "        tol = float(sys.argv[1])\n"
    "    torch.set_num_threads(1)\n"
    "    x, y = read_data()\n"
    "    metrics = read_metrics()\n"
    "    worst = 0.0\n"
    "    for name in (\"rich\", \"lazy\"):\n"
    "        diffs, rows = replay(name, x, y, metrics[name])\n"
    "        for q, d in diffs.items():\n"
    "            print(\"%s %-4s largest relative difference %.3g%s\" % (\n"
    "                name, q, d, \"\" if d <= tol else \"  (above %g)\" % tol))\n"
    "            worst = max(worst, d)\n"
    "        print(\"%s: %d steps replayed, %d loss rows compared\" % (\n"
    "            name, NETS[name][\"steps\"], rows))\n"
    "    if not worst <= tol:\n"
    "        print(\"FAIL: the PyTorch replay differs from the run by %.3g \"\n"
    "              \"(relative), above %g\" % (worst, tol))\n"
    "        return 1\n"
    "    print(\"PASS: largest relative difference %.3g <= %g\" % (worst, tol))\n"
    "    return 0\n"
    "\n"
    "\n"
    "if __name__ == \"__main__\":\n"
    "    sys.exit(main())\n";

static const char *const act_names[RL_ACT_COUNT] = {"linear", "relu",
                                                    "tanh"};
static const char *const param_names[RL_PARAM_COUNT] = {"standard", "ntk",
                                                        "mf"};
static const char *const loss_names[RL_LOSS_COUNT] = {"mse", "logistic",
                                                      "exp"};
static const char *const target_names[RL_TARGETS_COUNT] = {"01", "pm1",
                                                           "real"};
static const char *const opt_names[RL_OPT_COUNT] = {"sgd", "adam", "adamw"};

static const char *py_bool(bool b)
{
    return b ? "True" : "False";
}

/* The script's head: the run's settings as Python constants. */
static void write_head(FILE *f, const struct rl_checkpoint *ck)
{
    const struct rl_config *c = &ck->cfg;
    fprintf(f, "#!/usr/bin/env python3\n"
            "\"\"\"PyTorch replay of the richlazy run in this folder "
            "(written by\n"
            "`richlazy export-torch`).\n"
            "\n"
            "Trains both nets again with torch.nn / torch.optim in float32 "
            "on one thread,\n"
            "from data.csv and weights/*_init.npy, with the settings of "
            "settings.txt\n"
            "below; compares the loss at every row of metrics.csv and the "
            "final weights\n"
            "with weights/*_final.npy; prints the largest relative "
            "difference of each\n"
            "and exits 1 when one is above 1e-4 (or the tolerance given as "
            "the first\n"
            "argument). Needs numpy and torch (Debian: python3-torch).\n"
            "\n"
            "The model: f(x) = alpha * (c * w2 . act(W1 x + b1) + b2), c = "
            "1, H^-1/2 or\n"
            "1/H (standard, ntk, mf); the objective is mean_k loss(f(x_k), "
            "y_k) / alpha^2.\n"
            "Mini-batches follow the engine's per-epoch shuffle "
            "(xoshiro256** seeded\n"
            "from the net's shuffle seed and the epoch, then "
            "Fisher-Yates).\n"
            "\"\"\"\n"
            "import os\n"
            "import sys\n"
            "\n"
            "import numpy as np\n"
            "import torch\n"
            "import torch.nn.functional as F\n"
            "\n"
            "HERE = os.path.dirname(os.path.abspath(__file__))\n"
            "ACTIVATION = \"%s\"\n"
            "LR = %.17g\n"
            "LAMBDA = %.17g\n"
            "NETS = {\n",
            act_names[c->act], c->lr, c->lambda);
    for (int w = 0; w < RL_NETS; w++) {
        struct rl_net_opts o = rl_config_net_opts(c, w);
        fprintf(f, "    \"%s\": dict(steps=%ld, hidden=%d, bias=%s, "
                "alpha=%.17g, "
                "param=\"%s\",\n"
                "                loss=\"%s\", targets=\"%s\", "
                "optimizer=\"%s\",\n"
                "                momentum=%.17g, nesterov=%s, beta1=%.17g, "
                "beta2=%.17g,\n"
                "                eps=%.17g, batch_size=%d,\n"
                "                shuffle_seed=%llu),\n",
                rl_net_label(w), ck->step[w], c->net[w].hidden,
                py_bool(o.bias),
                o.alpha > 0.0 ? o.alpha : 1.0, param_names[o.param],
                loss_names[o.loss], target_names[o.targets],
                opt_names[o.optimizer], o.momentum, py_bool(o.nesterov),
                o.beta1 > 0.0 ? o.beta1 : 0.9, o.beta2 > 0.0 ? o.beta2 : 0.999,
                o.eps > 0.0 ? o.eps : 1e-8, o.batch_size,
                (unsigned long long)o.shuffle_seed);
    }
    fprintf(f, "}\n\n");
}

/* RUNDIR/settings.txt into ck. False with err. */
static bool read_settings(const char *dir, struct rl_checkpoint *ck,
                          char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/settings.txt", dir);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot read '%s': %s (a folder written by "
                 "`richlazy run --out DIR` holds it; run again with this "
                 "version)", path, strerror(errno));
        return false;
    }
    enum { MAX_BYTES = 1 << 20 };
    char *text = malloc(MAX_BYTES);
    if (!text) {
        fclose(f);
        snprintf(err, errlen, "out of memory reading '%s'", path);
        return false;
    }
    size_t n = fread(text, 1, MAX_BYTES, f);
    bool bad = ferror(f) || n == MAX_BYTES;
    fclose(f);
    if (bad) {
        free(text);
        snprintf(err, errlen, "cannot read '%s': read error or larger than "
                 "1 MiB (is it a richlazy settings file?)", path);
        return false;
    }
    bool ok = rl_checkpoint_parse_settings(ck, text, n, path, err, errlen);
    free(text);
    return ok;
}

int rl_export_torch_main(int argc, char **argv, FILE *out, FILE *errf)
{
    if (argc == 1 && (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"))) {
        fputs(usage_text, out);
        return 0;
    }
    if (argc != 1 || argv[0][0] == '-') {
        fprintf(errf, "richlazy export-torch: error: give one run folder "
                "(richlazy export-torch RUNDIR; see --help)\n");
        return 2;
    }
    const char *dir = argv[0];
    char err[5000];
    struct rl_checkpoint ck;
    memset(&ck, 0, sizeof(ck));
    if (!read_settings(dir, &ck, err, sizeof(err))) {
        fprintf(errf, "richlazy export-torch: error: %s\n", err);
        return 1;
    }
    struct rl_outfile of;
    if (!rl_outfile_open(&of, dir, "replay.py", err, sizeof(err))) {
        fprintf(errf, "richlazy export-torch: error: %s\n", err);
        return 1;
    }
    write_head(of.f, &ck);
    fputs(script_body, of.f);
    if (!rl_outfile_commit(&of, err, sizeof(err))) {
        fprintf(errf, "richlazy export-torch: error: %s\n", err);
        return 1;
    }
    char path[4200];
    snprintf(path, sizeof(path), "%s/replay.py", dir);
    fprintf(out, "wrote %s (run it: python3 %s)\n", path, path);
    return 0;
}
