#!/usr/bin/env python3
"""PyTorch peer of kadapt's training step, for `kadapt bench perf`.

Same model (MLP, ReLU hidden layers, linear head), same loss (cross-entropy on the source batch + lambda * domain
term), same optimiser (Adam, lr 1e-3, no weight decay), same batch, one thread. Each step also computes what a
kadapt step computes besides the loss: the multi-kernel MMD^2 monitor between the batches' features (under no_grad
when MMD is not a loss term) and the global gradient norm. The MMD is kadapt's MmdLoss: Gaussian kernels averaged
over bandwidth multipliers 2^-2..2^2 of the detached mean squared pairwise distance, biased estimator. DANN is
kadapt's DomainAdversarialLoss: a domain classifier (one ReLU hidden layer of "dann_hidden" units, Xavier-initialised,
trained by the same Adam) behind a gradient-reversal layer, class-balanced BCE source 0 / target 1.

Predictions: the same MLP's forward pass and softmax under no_grad, for each batch size in "predict_rows" — the
peer of kadapt's serving path.

Input: one JSON object on argv[1]: {"shapes": [[in, classes], ...], "hidden": [256, 128],
"batches": [[ns, nt], ...], "methods": ["none", "mmd", "coral", "dann"], "dann_hidden": 64,
"predict_rows": [1, 64], "warmup": 30, "steps": 50}.
Output: one JSON line per configuration on stdout: in, classes, ns, nt, method, and per-step wall and CPU
milliseconds (sorted lists); {"skipped": reason} for a method this script does not implement; then one line per
shape and prediction batch size: in, classes, predict (rows), wall_ms, cpu_ms.
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.set_num_interop_threads(1)
MULTIPLIERS = (0.25, 0.5, 1.0, 2.0, 4.0)


def mmd2(fs, ft):
    joint = torch.cat([fs, ft], 0)
    n = joint.shape[0]
    gram = joint @ joint.t()
    sq = gram.diagonal().unsqueeze(1)
    d2 = sq + sq.t() - 2.0 * gram
    base = (d2.sum() / (n * (n - 1))).detach().clamp_min(1e-12)
    w = torch.cat([torch.full((fs.shape[0], 1), 1.0 / fs.shape[0]), torch.full((ft.shape[0], 1), -1.0 / ft.shape[0])])
    pair = (w @ w.t()).reshape(-1, 1)
    inv = torch.tensor([[1.0 / m] for m in MULTIPLIERS])
    per_kernel = torch.exp(inv @ (-d2 / base).reshape(1, -1)) @ pair
    return per_kernel.sum() / len(MULTIPLIERS)


def coral(fs, ft):
    d = fs.shape[1]

    def cov(x):
        xc = x - x.mean(0, keepdim=True)
        return xc.t() @ xc / (x.shape[0] - 1)

    return ((cov(fs) - cov(ft)) ** 2).sum() / (4.0 * d * d)


class GradientReversal(torch.autograd.Function):
    """Identity forward, gradient times -1 backward (Ganin et al. 2016); lambda is applied outside, as in kadapt."""

    @staticmethod
    def forward(ctx, x):
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return -grad


def domain_classifier(width, hidden):
    net = torch.nn.Sequential(torch.nn.Linear(width, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 1))
    for layer in (net[0], net[2]):
        torch.nn.init.xavier_uniform_(layer.weight)
        torch.nn.init.zeros_(layer.bias)
    return net


def dann(classifier):
    def term(fs, ft):
        zs, zt = classifier(GradientReversal.apply(fs)), classifier(GradientReversal.apply(ft))
        bce = torch.nn.functional.binary_cross_entropy_with_logits
        return 0.5 * (bce(zs, torch.zeros_like(zs)) + bce(zt, torch.ones_like(zt)))
    return term


DOMAIN_TERMS = {"none": None, "mmd": mmd2, "coral": coral, "dann": dann}


def mlp(inputs, classes, hidden):
    layers, width = [], inputs
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    return torch.nn.Sequential(*layers), torch.nn.Linear(width, classes), width


def predict(inputs, classes, hidden, rows, warmup, calls):
    torch.manual_seed(1)
    features, head, _ = mlp(inputs, classes, hidden)
    x = torch.rand(rows, inputs)
    wall, cpu = [], []
    with torch.no_grad():
        for i in range(warmup + calls):
            w0, c0 = time.perf_counter(), time.thread_time()
            torch.softmax(head(features(x)), 1)
            if i >= warmup:
                wall.append((time.perf_counter() - w0) * 1e3)
                cpu.append((time.thread_time() - c0) * 1e3)
    return sorted(wall), sorted(cpu)


def run(inputs, classes, hidden, dann_hidden, ns, nt, method, warmup, steps):
    torch.manual_seed(1)
    features, head, width = mlp(inputs, classes, hidden)
    params = list(features.parameters()) + list(head.parameters())
    term = DOMAIN_TERMS[method]
    if method == "dann":
        classifier = domain_classifier(width, dann_hidden)
        params += list(classifier.parameters())
        term = dann(classifier)
    opt = torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    xs = torch.rand(ns, inputs)
    xt = torch.rand(nt, inputs) + 0.5
    ys = torch.randint(0, classes, (ns,))
    wall, cpu = [], []
    for i in range(warmup + steps):
        w0, c0 = time.perf_counter(), time.thread_time()
        opt.zero_grad(set_to_none=True)
        fs, ft = features(xs), features(xt)
        ls, lt = head(fs), head(ft)
        loss = torch.nn.functional.cross_entropy(ls, ys)
        if term is not None:
            loss = loss + 1.0 * term(fs, ft)
        loss.backward()
        norm = torch.sqrt(sum((p.grad ** 2).sum() for p in params))
        opt.step()
        with torch.no_grad():
            monitors = [loss.item(), norm.item(), (ls.argmax(1) == ys).float().mean().item(),
                        torch.softmax(lt, 1).max().item()]
            if method != "mmd":
                monitors.append(mmd2(fs, ft).item())
        if i >= warmup:
            wall.append((time.perf_counter() - w0) * 1e3)
            cpu.append((time.thread_time() - c0) * 1e3)
    return sorted(wall), sorted(cpu)


def main():
    req = json.loads(sys.argv[1])
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for inputs, classes in req["shapes"]:
        for ns, nt in req["batches"]:
            for method in req["methods"]:
                row = {"in": inputs, "classes": classes, "ns": ns, "nt": nt, "method": method}
                if method not in DOMAIN_TERMS:
                    row["skipped"] = "method not implemented in torch_peer.py"
                else:
                    row["wall_ms"], row["cpu_ms"] = run(inputs, classes, req["hidden"], req.get("dann_hidden", 64), ns,
                                                         nt, method, req["warmup"], req["steps"])
                print(json.dumps(row), flush=True)
    calls = max(50, req["steps"] * 10)
    for inputs, classes in req["shapes"]:
        for rows in req.get("predict_rows", []):
            row = {"in": inputs, "classes": classes, "predict": rows}
            row["wall_ms"], row["cpu_ms"] = predict(inputs, classes, req["hidden"], rows, calls, calls)
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
