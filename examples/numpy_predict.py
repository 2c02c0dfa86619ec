#!/usr/bin/env python3
"""kadapt's prediction from an exported model (`kadapt model export --out DIR`), with NumPy alone.

Usage: numpy_predict.py DIR/model.npz DIR/model.json FEATURES.csv
FEATURES.csv: one sample per line, comma-separated features. Prints one line per sample: the class
probabilities (classification) or the predicted value (regression), comma-separated, full precision.
"""
import json
import sys

import numpy as np


def activation(name, slope):
    return {
        "relu": lambda h: np.maximum(h, 0.0),
        "tanh": np.tanh,
        "sigmoid": lambda h: 1.0 / (1.0 + np.exp(-h)),
        "elu": lambda h: np.where(h > 0, h, np.expm1(h)),
        "leaky_relu": lambda h: np.where(h > 0, h, slope * h),
    }[name]


def predict(weights, spec, x):
    std = spec["standardization"]
    h = (x - weights[std["mean"]]) * weights[std["scale"]]
    act = activation(spec["activation"], spec["leakyReluSlope"])
    layers = spec["layers"]
    for layer in layers[:-1]:
        h = act(h @ weights[layer["weight"]].astype(np.float64) + weights[layer["bias"]])
    out = h @ weights[layers[-1]["weight"]].astype(np.float64) + weights[layers[-1]["bias"]]
    if spec["task"] == "classification":
        out = np.exp(out - out.max(axis=1, keepdims=True))
        out = out / out.sum(axis=1, keepdims=True)
    return out


def main():
    weights = np.load(sys.argv[1])
    with open(sys.argv[2]) as f:
        spec = json.load(f)
    if spec["format"] != "kadapt-model/1":
        sys.exit("unknown format " + spec["format"])
    x = np.loadtxt(sys.argv[3], delimiter=",", ndmin=2)
    for row in predict(weights, spec, x):
        print(",".join(repr(float(v)) for v in row))


if __name__ == "__main__":
    main()
