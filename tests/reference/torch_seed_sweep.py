#!/usr/bin/python3
"""PyTorch reference for `richlazy reproduce seed-3` (the seed's weight-decay
sweep): the same data and the same initial nets, trained by torch.

Usage: tests/reference/torch_seed_sweep.py RICHLAZY [OUT.csv]

Runs `RICHLAZY reproduce seed-3` into a scratch folder only to export the
data (data.csv) and the 20 runs' initial weights (init_w1.npy: (20 H, 2),
init_w2.npy: (20, H)), then trains each run for each lambda exactly as the
seed notebook does: float32 nn.Linear(2, H, bias=False) and
nn.Linear(H, 1, bias=False) weights, nn.MSELoss, full-batch
torch.optim.SGD(lr=0.002, weight_decay=lambda), 5000 steps. Writes one row
per run (lambda,run,loss,rel_w1) and one summary row per lambda (run =
mean / sd: the sample standard deviation, n - 1) to OUT.csv (default:
torch_seed_sweep.csv beside this script). The numbers are pasted into
src/exp/reproduce_seed.c; a test checks that they agree with this file.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

LAMBDAS = [0.0, 0.125, 0.25, 0.5]
RUNS, STEPS, LR, H = 20, 5000, 0.002, 500


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    exe = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "torch_seed_sweep.csv")
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        # the checks fail until this file exists; only the exports matter
        subprocess.run([exe, "reproduce", "seed-3", "--quiet", "--out", tmp],
                       stdout=subprocess.DEVNULL, check=False)
        data = np.loadtxt(os.path.join(tmp, "data.csv"), delimiter=",",
                          skiprows=1, dtype=np.float32)
        w1_all = np.load(os.path.join(tmp, "init_w1.npy"))
        w2_all = np.load(os.path.join(tmp, "init_w2.npy"))
    x = torch.from_numpy(data[:, :2].copy())
    y = torch.from_numpy(data[:, 2:3].copy())
    rows = []
    for lam in LAMBDAS:
        losses, rels = [], []
        for r in range(RUNS):
            in_hid = torch.nn.Linear(2, H, bias=False)
            hid_out = torch.nn.Linear(H, 1, bias=False)
            with torch.no_grad():
                in_hid.weight.copy_(torch.from_numpy(
                    w1_all[r * H:(r + 1) * H].copy()))
                hid_out.weight.copy_(torch.from_numpy(
                    w2_all[r:r + 1].copy()))
            w1_0 = in_hid.weight.detach().clone()
            params = list(in_hid.parameters()) + list(hid_out.parameters())
            opt = torch.optim.SGD(params, lr=LR, weight_decay=lam)
            mse = torch.nn.MSELoss()
            for _ in range(STEPS):
                opt.zero_grad()
                loss = mse(hid_out(in_hid(x)), y)
                loss.backward()
                opt.step()
            with torch.no_grad():
                loss = mse(hid_out(in_hid(x)), y).item()
                rel = ((in_hid.weight - w1_0).norm() / w1_0.norm()).item()
            losses.append(loss)
            rels.append(rel)
            rows.append(f"{lam:g},{r},{loss:.9g},{rel:.9g}")
        l, w = np.array(losses), np.array(rels)
        rows.append(f"{lam:g},mean,{l.mean():.9g},{w.mean():.9g}")
        rows.append(f"{lam:g},sd,{l.std(ddof=1):.9g},{w.std(ddof=1):.9g}")
        print(f"lambda {lam:g}: loss {l.mean():.9g} +- {l.std(ddof=1):.3g}, "
              f"rel_w1 {w.mean():.9g} +- {w.std(ddof=1):.3g}", flush=True)
    with open(out, "w") as f:
        f.write("lambda,run,loss,rel_w1\n")
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
