#!/usr/bin/env python3
"""The training workloads of `richlazy bench` in PyTorch, for the ratio.

The same network and step as richlazy: nn.Linear(2, H, bias=False), the
activation, nn.Linear(H, 1, bias=False); nn.MSELoss; torch.optim.SGD with
lr 2e-3; full batch; float32; one thread. The model-option rows change
one thing each, as richlazy's rows do: biases (nn.Linear(bias=True)),
mini-batches of 32 in a torch.randperm order per epoch (one optimiser step
per batch, the DataLoader(shuffle=True) loop without its per-sample
collation), SGD momentum 0.9, Adam, BCEWithLogitsLoss, or the output
scaled by H^-1/2 (NTK parametrisation). Prints one line per workload,
"result NAME STEPS_PER_S" (the median over the repeats), which richlazy
bench reads; without torch it prints "skip ..." and exits 0.

    python3 bench/torch_bench.py [--repeats N] [--seconds S]
"""
import argparse
import os
import statistics
import sys
import time

REEXEC = "RICHLAZY_TORCH_BENCH_REEXEC"
H = 500
LR = 2e-3
WORKLOADS = [  # name, activation, samples, options
    ("linear-200", "linear", 200, {}),
    ("relu-200", "relu", 200, {}),
    ("relu-2000", "relu", 2000, {}),
    ("tanh-200", "tanh", 200, {}),
    ("relu-200-bias", "relu", 200, {"bias": True}),
    ("relu-2000-bias", "relu", 2000, {"bias": True}),
    ("relu-200-sgd32", "relu", 200, {"batch": 32}),
    ("relu-200-momentum", "relu", 200, {"momentum": 0.9}),
    ("relu-200-adam", "relu", 200, {"adam": True}),
    ("relu-200-logistic", "relu", 200, {"logistic": True}),
    ("relu-200-ntk", "relu", 200, {"ntk": True}),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=0.15)
    args = parser.parse_args()
    try:
        import torch
        from torch import nn
    except ImportError:
        # Debian's python3-torch belongs to the system interpreter; a
        # python3 earlier on PATH (a virtualenv, pyenv) may lack it
        system = "/usr/bin/python3"
        if (os.path.exists(system) and not os.environ.get(REEXEC)
                and os.path.realpath(sys.executable) != os.path.realpath(system)):
            os.environ[REEXEC] = "1"
            os.execv(system, [system] + sys.argv)
        print("skip: PyTorch is not installed (Debian: apt-get install "
              "python3-torch)")
        return 0

    torch.set_num_threads(1)
    torch.manual_seed(1)
    print("torch", torch.__version__)
    sys.stdout.flush()

    for name, act, n, o in WORKLOADS:
        # two blobs as richlazy's default data; the values do not change
        # the cost of a step
        half = n // 2
        centres = torch.tensor([[0.5, 2.75]] * half + [[2.75, 0.5]] * (n - half))
        x = centres + 0.5 * torch.randn(n, 2)
        y = torch.cat([torch.zeros(half, 1), torch.ones(n - half, 1)])
        bias = o.get("bias", False)
        layers = [nn.Linear(2, H, bias=bias)]
        if act == "relu":
            layers.append(nn.ReLU())
        elif act == "tanh":
            layers.append(nn.Tanh())
        layers.append(nn.Linear(H, 1, bias=bias))
        model = nn.Sequential(*layers)
        with torch.no_grad():
            nn.init.normal_(model[0].weight, std=0.25)
            nn.init.normal_(model[-1].weight, std=1.0 / H)
        loss_fn = nn.BCEWithLogitsLoss() if o.get("logistic") else \
            nn.MSELoss()
        if o.get("adam"):
            opt = torch.optim.Adam(model.parameters(), lr=LR)
        else:
            opt = torch.optim.SGD(model.parameters(), lr=LR,
                                  momentum=o.get("momentum", 0.0))
        scale = H ** -0.5 if o.get("ntk") else None
        batch = o.get("batch", 0)
        gen = torch.Generator().manual_seed(1)
        state = {"t": 0, "perm": None}

        def forward(xb):
            out = model(xb)
            return out * scale if scale is not None else out

        def steps(k):
            for _ in range(k):
                if batch:
                    per_epoch = (n + batch - 1) // batch
                    j = state["t"] % per_epoch
                    if j == 0:
                        state["perm"] = torch.randperm(n, generator=gen)
                    idx = state["perm"][j * batch:(j + 1) * batch]
                    xb, yb = x[idx], y[idx]
                    state["t"] += 1
                else:
                    xb, yb = x, y
                opt.zero_grad()
                loss = loss_fn(forward(xb), yb)
                loss.backward()
                opt.step()

        # calibrate (and warm up): a repeat runs about --seconds
        k = 1
        while True:
            t0 = time.perf_counter()
            steps(k)
            t = time.perf_counter() - t0
            if t >= args.seconds / 8 or k >= 1 << 30:
                break
            k *= 2
        k = max(1, int(k * args.seconds / max(t, 1e-9)))
        rates = []
        for _ in range(max(1, args.repeats)):
            t0 = time.perf_counter()
            steps(k)
            rates.append(k / (time.perf_counter() - t0))
        print("result", name, "%.1f" % statistics.median(rates))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
