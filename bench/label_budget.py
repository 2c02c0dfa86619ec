#!/usr/bin/env python3
"""How much prequential target accuracy a tenth of the target labels can buy a well-fitted linear model on the
Amazon-review pairs: the reference for issue 14's "P = 0.1: prequential >= unsupervised + 3" (docs/BENCHMARKS.md).

The stream is built like kadapt's bench stream (with its own seeded shuffle): source and target rows interleaved in
proportion; each target's label is sent with probability P, D target samples late. The learner is idealised on
purpose: every STRIDE targets it re-fits an L2 logistic regression exactly (Newton's method) on every source row and
every label received so far, with features z-scored per domain on the whole domain (transductive) with kadapt's
variance floor, and predicts the next STRIDE targets with it. Prequential accuracy = the share of targets predicted
right. Printed per L2 strength and label weight: the mean over the 12 pairs and the seeds, and its gain over the
same learner without labels.

    python3 bench/label_budget.py [--data-dir ../shared/data] [--seeds 3] [--fraction 0.1] [--lag 100] [--stride 200]
"""
import argparse
import itertools
import numpy as np


def load(path):
    rows = np.loadtxt(path, delimiter=',')
    return rows[:, 1:], rows[:, 0].astype(int)


def standardise(x, floor=1.0):
    """Per-domain z-score with kadapt's default variance floor (a fraction 1 of the mean feature variance)."""
    std = x.std(0)
    return (x - x.mean(0)) / np.maximum(std, np.sqrt(floor * (std ** 2).mean()))


def fit(x, y, weight, l2, w):
    """Exact L2 logistic regression (bias unpenalised) by Newton's method, warm-started at w."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    penalty = np.full(xb.shape[1], l2)
    penalty[-1] = 0
    for _ in range(12):
        p = 1 / (1 + np.exp(-np.clip(xb @ w, -30, 30)))
        gradient = xb.T @ (weight * (p - y)) + penalty * w
        hessian = (xb * (weight * p * (1 - p))[:, None]).T @ xb + np.diag(penalty + 1e-6)
        step = np.linalg.solve(hessian, gradient)
        w = w - step
        if np.abs(step).max() < 1e-6:
            break
    return w


def prequential(xs, ys, xt, yt, sent, lag, label_weight, l2, stride):
    w = np.zeros(xs.shape[1] + 1)
    right = 0
    for start in range(0, len(yt), stride):
        seen = int(np.ceil(start * len(ys) / len(yt)))  # source rows before target `start` in the interleaving
        arrived = np.nonzero(sent[:max(0, start - lag)])[0] if label_weight > 0 else np.array([], int)
        if seen + len(arrived) > 0:
            x = np.vstack([xs[:seen], xt[arrived]])
            y = np.concatenate([ys[:seen], yt[arrived]])
            weight = np.concatenate([np.ones(seen), np.full(len(arrived), label_weight)])
            w = fit(x, y, weight, l2, w)
        block = slice(start, start + stride)
        right += ((xt[block] @ w[:-1] + w[-1] > 0) == yt[block]).sum()
    return right / len(yt)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--data-dir', default='../shared/data')
    parser.add_argument('--seeds', type=int, default=3)
    parser.add_argument('--fraction', type=float, default=0.1)
    parser.add_argument('--lag', type=int, default=100)
    parser.add_argument('--stride', type=int, default=200, help='targets between re-fits')
    parser.add_argument('--l2', type=float, nargs='+', default=[100.0, 300.0, 1000.0], help='L2 strengths to try')
    parser.add_argument('--weights', type=float, nargs='+', default=[1.0, 3.0, 10.0], help='label weights to try')
    args = parser.parse_args()
    domains = ['books', 'dvd', 'elec', 'kitchen']
    data = {d: load(f'{args.data_dir}/amazon_review_400/{d}.csv') for d in domains}
    data = {d: (standardise(x), y) for d, (x, y) in data.items()}
    settings = [(l2, wt) for l2 in args.l2 for wt in [0.0] + args.weights]
    results = {s: [] for s in settings}
    for seed in range(1, args.seeds + 1):
        rng = np.random.default_rng(seed)
        for source, target in itertools.permutations(domains, 2):
            xs, ys = data[source]
            xt, yt = data[target]
            ps, pt = rng.permutation(len(ys)), rng.permutation(len(yt))
            sent = rng.random(len(yt)) < args.fraction
            for l2, wt in settings:
                results[(l2, wt)].append(prequential(xs[ps], ys[ps], xt[pt], yt[pt], sent, args.lag, wt, l2,
                                                     args.stride))
    print(f'| L2 | label weight | prequential % (12 pairs x {args.seeds} seeds) | gain over no labels |')
    print('|---|---|---|---|')
    for l2, wt in settings:
        mean = 100 * np.mean(results[(l2, wt)])
        base = 100 * np.mean(results[(l2, 0.0)])
        print(f'| {l2:g} | {wt:g} | {mean:.1f} | {mean - base:+.1f} |')


if __name__ == '__main__':
    main()
