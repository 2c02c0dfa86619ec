package io.kadapt.export;

import java.util.List;

/**
 * {@code model.json}: how to compute a prediction from {@code model.npz}, for a reader with NumPy alone.
 *
 * @param format          {@value #FORMAT}
 * @param task            classification (softmax over the head's outputs) or regression (the one output)
 * @param inputDim        features per sample
 * @param outputs         classes, or 1 for regression
 * @param activation      of every hidden layer: relu, tanh, sigmoid, elu or leaky_relu
 * @param leakyReluSlope  negative slope of leaky_relu
 * @param layers          hidden layers then the head, each an array name of W [in, out] and b [out] in model.npz
 * @param standardization array names in model.npz: z = (x − mean) · scale comes first
 * @param step            optimiser steps applied
 * @param configSha256    SHA-256 of the configuration it was trained with (secrets hidden), to tell models apart
 */
record ModelSpecDocument(String format, String task, int inputDim, int outputs, String activation,
                         double leakyReluSlope, List<Layer> layers, Standardization standardization, long step,
                         String configSha256) {
    static final String FORMAT = "kadapt-model/1";

    record Layer(String weight, String bias) {
    }

    record Standardization(String mean, String scale) {
    }
}
