#!/usr/bin/env python3
"""The training workloads of `richlazy bench` in PyTorch, for the ratio.

The same network and step as richlazy: nn.Linear(2, H, bias=False), the
activation, nn.Linear(H, 1, bias=False); nn.MSELoss; torch.optim.SGD with
lr 2e-3; full batch; float32; one thread. Prints one line per workload,
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
WORKLOADS = [  # name, activation, samples
    ("linear-200", "linear", 200),
    ("relu-200", "relu", 200),
    ("relu-2000", "relu", 2000),
    ("tanh-200", "tanh", 200),
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

    for name, act, n in WORKLOADS:
        # two blobs as richlazy's default data; the values do not change
        # the cost of a step
        half = n // 2
        centres = torch.tensor([[0.5, 2.75]] * half + [[2.75, 0.5]] * (n - half))
        x = centres + 0.5 * torch.randn(n, 2)
        y = torch.cat([torch.zeros(half, 1), torch.ones(n - half, 1)])
        layers = [nn.Linear(2, H, bias=False)]
        if act == "relu":
            layers.append(nn.ReLU())
        elif act == "tanh":
            layers.append(nn.Tanh())
        layers.append(nn.Linear(H, 1, bias=False))
        model = nn.Sequential(*layers)
        with torch.no_grad():
            nn.init.normal_(model[0].weight, std=0.25)
            nn.init.normal_(model[-1].weight, std=1.0 / H)
        loss_fn = nn.MSELoss()
        opt = torch.optim.SGD(model.parameters(), lr=LR)

        def steps(k):
            for _ in range(k):
                opt.zero_grad()
                loss = loss_fn(model(x), y)
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
