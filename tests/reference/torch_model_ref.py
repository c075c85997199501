#!/usr/bin/env python3
"""Reference training runs of the two-layer net's model options in PyTorch.

Writes torch_model_inputs.txt (data, initial weights, mini-batch orders)
and torch_model_outputs.txt (the fit loss at several steps and the weights
after `steps` steps) next to this script; tests/core/test_net_torch.c loads
the inputs into the C net, trains it the same way and compares. Run with
  /usr/bin/python3 tests/reference/torch_model_ref.py
(torch, float32, one thread). Same output on every run (seeded).

The model, as richlazy's net with options (docs/theory.md, "Model options"):
  f(x) = alpha * (c * w2 . act(W1 x + b1) + b2),  c = 1 | H^-1/2 | 1/H
  J    = mean_k loss(f(x_k), y_k) / alpha^2
with loss mse ((f - y)^2), logistic (BCEWithLogitsLoss on 0/1 labels,
softplus(-y f) on +-1 labels) or exp (exp(-s f), s the +-1 label), trained
by torch.optim.SGD (momentum, nesterov, weight_decay), Adam or AdamW, on
the full batch or on mini-batches in a torch.randperm order per epoch (the
order is written out so the C test replays the same batches).

Cases (H = 8, N = 16, 1000 steps each):
  issue 12: bias on/off x linear/relu/tanh x targets 0/1, +-1, real, full-batch
            GD with MSE and weight decay 1e-3 (18 cases, "b*"; lr 0.05,
            0.02 for regression, which at 0.05 reaches the edge of
            stability where single steps' losses amplify rounding).
  issue 13: a covering subset of activation x loss x optimiser x
            parametrisation x alpha x symmetric x bias (the 18 "m*" cases):
            each of the six optimisers (GD, mini-batch SGD, momentum,
            Nesterov with mini-batches, Adam, AdamW with mini-batches) runs
            each activation once and each loss once; across them every
            (activation, loss) pair appears twice, and every
            parametrisation, alpha in {0.1, 1, 10}, symmetric on/off and
            bias on/off appear several times. The case names spell out each
            case's settings (m<k>_<opt>_<act>_<loss>_<param>_a<alpha>_s<sym>
            _b<bias>); the "case" lines of torch_model_inputs.txt hold them
            all, and the run prints them (COVERAGE lines).
"""
import itertools
import os

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
H, N, STEPS = 8, 16, 1000
LOG_STEPS = [0, 1, 2, 5, 10, 20, 50, 100, 200, 300, 500, 700, 999]
HERE = os.path.dirname(os.path.abspath(__file__))


def fmt(t):
    return " ".join("%.9g" % v for v in t.detach().reshape(-1).tolist())


def make_case(name, seed, act="relu", bias=False, targets="01", loss="mse",
              opt="sgd", momentum=0.0, nesterov=False, batch=0,
              param="standard", alpha=1.0, symmetric=False, lr=0.05,
              wd=1e-3):
    return dict(name=name, seed=seed, act=act, bias=bias, targets=targets,
                loss=loss, opt=opt, momentum=momentum, nesterov=nesterov,
                batch=batch, param=param, alpha=alpha, symmetric=symmetric,
                lr=lr, wd=wd)


def cases():
    out = []
    s = 100
    for bias in (False, True):
        for act in ("linear", "relu", "tanh"):
            for targets in ("01", "pm1", "real"):
                s += 1
                # regression at lr 0.05 with bias reaches the edge of
                # stability (the loss oscillates step to step, and single
                # steps' losses then differ at 1e-4): lr 0.02 there
                out.append(make_case("b%d_%s_%s" % (bias, act, targets), s,
                                     act=act, bias=bias, targets=targets,
                                     lr=0.02 if targets == "real" else 0.05))
    acts = ("linear", "relu", "tanh")
    losses = ("mse", "logistic", "exp")
    opts = (("gd", "sgd", 0.0, False, 0), ("sgdmb", "sgd", 0.0, False, 5),
            ("mom", "sgd", 0.9, False, 0), ("nest", "sgd", 0.9, True, 4),
            ("adam", "adam", 0.0, False, 0), ("adamw", "adamw", 0.0, False, 6))
    params = ("standard", "ntk", "mf")
    alphas = (0.1, 1.0, 10.0)
    i = 0
    for (oname, opt, mom, nest, batch) in opts:
        for j, (act, loss) in enumerate(itertools.product(acts, losses)):
            if (i + j // 3 + j) % 3:    # per optimiser, each activation
                continue                # once and each loss once
            a = j // 3
            param = params[(i + 2 * a) % 3]
            alpha = alphas[(i // 2 + a) % 3]
            sym = (i + a) % 2 == 1
            bias = ((3 * i + a) // 2) % 2 == 1
            targets = "01" if (loss == "mse" or j % 2) else "pm1"
            lr = {"standard": 0.05, "ntk": 0.1, "mf": 0.4}[param]
            if opt != "sgd":
                lr = 0.01
            elif mom > 0:
                lr *= 0.2
            if loss == "exp" and alpha > 1:
                lr *= 0.1       # exp(-alpha s f) is steep: keep GD stable
            s += 1
            out.append(make_case("m%02d_%s_%s_%s_%s_a%g_s%d_b%d" % (
                i * 9 + j, oname, act, loss, param, alpha, sym, bias), s,
                act=act, bias=bias, targets=targets, loss=loss, opt=opt,
                momentum=mom, nesterov=nest, batch=batch, param=param,
                alpha=alpha, symmetric=sym, lr=lr, wd=1e-3))
        i += 1
    return out


def data(c, g):
    x = torch.randn(N, 2, generator=g)
    r2 = (x * x).sum(1)
    y01 = (r2 > 1.2).float()
    if c["targets"] == "01":
        y = y01
    elif c["targets"] == "pm1":
        y = 2 * y01 - 1
    else:
        y = torch.sin(2 * x[:, 0]) + 0.5 * x[:, 1] ** 2 - 0.5
    return x, y


def init(c, g):
    s1, s2, sb = 0.8, 0.5, 0.5
    if c["param"] != "standard":
        s2 = 1.0
    hd = H // 2 if c["symmetric"] else H
    w1 = torch.randn(hd, 2, generator=g) * s1
    w2 = torch.randn(hd, generator=g) * s2
    b1 = torch.randn(hd, generator=g) * sb if c["bias"] else torch.zeros(hd)
    b2 = torch.randn(1, generator=g) * sb if c["bias"] else torch.zeros(1)
    if c["symmetric"]:
        w1 = w1.repeat_interleave(2, 0)
        w2 = torch.stack([w2, -w2], 1).reshape(-1)
        b1 = b1.repeat_interleave(2, 0)
        b2 = torch.zeros(1)
    return w1, w2, b1, b2


def run(c):
    g = torch.Generator().manual_seed(c["seed"])
    x, y = data(c, g)
    w1, w2, b1, b2 = init(c, g)
    theta0 = torch.cat([w1.reshape(-1), w2, b1, b2])
    P = [torch.nn.Parameter(t.clone()) for t in (w1, w2.reshape(1, H))]
    if c["bias"]:
        P += [torch.nn.Parameter(b1.clone()), torch.nn.Parameter(b2.clone())]
    act = {"linear": lambda z: z, "relu": torch.relu,
           "tanh": torch.tanh}[c["act"]]
    scale = {"standard": 1.0, "ntk": H ** -0.5, "mf": 1.0 / H}[c["param"]]
    alpha = c["alpha"]
    if c["opt"] == "sgd":
        opt = torch.optim.SGD(P, lr=c["lr"], momentum=c["momentum"],
                              nesterov=c["nesterov"], weight_decay=c["wd"])
    elif c["opt"] == "adam":
        opt = torch.optim.Adam(P, lr=c["lr"], weight_decay=c["wd"])
    else:
        opt = torch.optim.AdamW(P, lr=c["lr"], weight_decay=c["wd"])

    def fit(xb, yb):
        z = F.linear(xb, P[0], P[2] if c["bias"] else None)
        r = F.linear(act(z), P[1]).reshape(-1)
        f = alpha * (scale * r + (P[3] if c["bias"] else 0.0))
        if c["loss"] == "mse":
            return ((f - yb) ** 2).mean()
        if c["loss"] == "logistic":
            if c["targets"] == "01":
                return F.binary_cross_entropy_with_logits(f, yb)
            return F.softplus(-yb * f).mean()
        s = yb if c["targets"] == "pm1" else 2 * yb - 1
        return torch.exp(-s * f).mean()

    order = []
    gb = torch.Generator().manual_seed(c["seed"] + 7)
    B = c["batch"]
    perm = None
    losses = []
    for t in range(STEPS):
        if B:
            per_epoch = (N + B - 1) // B
            j = t % per_epoch
            if j == 0:
                perm = torch.randperm(N, generator=gb)
                order.append(perm)
            idx = perm[j * B:(j + 1) * B]
            xb, yb = x[idx], y[idx]
        else:
            xb, yb = x, y
        opt.zero_grad()
        L = fit(xb, yb)
        (L / alpha ** 2).backward()
        opt.step()
        if t in LOG_STEPS:
            losses.append((t, L.item()))
    with torch.no_grad():
        w1f = P[0].reshape(-1)
        w2f = P[1].reshape(-1)
        b1f = P[2] if c["bias"] else torch.zeros(H)
        b2f = P[3] if c["bias"] else torch.zeros(1)
        thetaf = torch.cat([w1f, w2f, b1f, b2f])
    return x, y, theta0, order, losses, thetaf


def main():
    fin = open(os.path.join(HERE, "torch_model_inputs.txt"), "w")
    fout = open(os.path.join(HERE, "torch_model_outputs.txt"), "w")
    head = "# written by torch_model_ref.py (torch %s); do not edit\n" % \
        torch.__version__
    fin.write(head)
    fout.write(head)
    for c in cases():
        x, y, theta0, order, losses, thetaf = run(c)
        fin.write("case %s act=%s bias=%d targets=%s loss=%s opt=%s "
                  "momentum=%g nesterov=%d batch=%d param=%s alpha=%g "
                  "symmetric=%d lr=%g wd=%g steps=%d h=%d n=%d\n" % (
                      c["name"], c["act"], c["bias"], c["targets"],
                      c["loss"], c["opt"], c["momentum"], c["nesterov"],
                      c["batch"], c["param"], c["alpha"], c["symmetric"],
                      c["lr"], c["wd"], STEPS, H, N))
        fin.write("x %s\n" % fmt(x))
        fin.write("y %s\n" % fmt(y))
        fin.write("theta %s\n" % fmt(theta0))
        fin.write("order %d %s\n" % (len(order), " ".join(
            " ".join(str(int(v)) for v in p.tolist()) for p in order)))
        fout.write("case %s\n" % c["name"])
        fout.write("loss %d %s\n" % (len(losses), " ".join(
            "%d %.9g" % (t, v) for t, v in losses)))
        fout.write("theta %s\n" % fmt(thetaf))
        print("COVERAGE", c["name"], "opt=%s momentum=%g nesterov=%d batch=%d"
              " targets=%s lr=%g" % (c["opt"], c["momentum"], c["nesterov"],
                                    c["batch"], c["targets"], c["lr"]))
    fin.close()
    fout.close()


if __name__ == "__main__":
    main()
