package io.kadapt.model;

import io.kadapt.loss.ReferenceMmd;
import io.kadapt.testing.PlainMath;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The transfer loss ℓ + λ·MMD² of a tanh MLP without dropout, in plain Java doubles: an oracle independent of
 * SameDiff for gradient checks. Parameters are held as flat row-major copies so single entries can be perturbed.
 */
final class ReferenceForward {

    private final Map<String, double[]> parameters = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final int hiddenLayers;

    ReferenceForward(Map<String, INDArray> modelParameters, int hiddenLayers) {
        modelParameters.forEach((name, array) -> {
            parameters.put(name, array.dup('c').data().asDouble());
            shapes.put(name, array.shape());
        });
        this.hiddenLayers = hiddenLayers;
    }

    Map<String, double[]> parameters() {
        return parameters;
    }

    double[][] features(double[][] x) {
        double[][] h = x;
        for (int i = 0; i < hiddenLayers; i++) {
            h = affine(h, "hidden_" + i + "/W", "hidden_" + i + "/b");
            for (double[] row : h) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = Math.tanh(row[j]);
                }
            }
        }
        return h;
    }

    double[][] logits(double[][] x) {
        return affine(features(x), "classifier/W", "classifier/b");
    }

    /** Mean cross-entropy (no smoothing) of the source batch. */
    double crossEntropy(double[][] xs, int[] ys) {
        double[][] logProbabilities = PlainMath.logSoftmax(logits(xs));
        double ce = 0.0;
        for (int i = 0; i < logProbabilities.length; i++) {
            ce -= logProbabilities[i][ys[i]];
        }
        return ce / logProbabilities.length;
    }

    /** Cross-entropy (no smoothing) + λ·MMD² with the given bandwidth base, or the batch's own when null. */
    double loss(double[][] xs, int[] ys, double[][] xt, double lambda, double[] multipliers, Double base) {
        double[][] fs = features(xs);
        double[][] ft = features(xt);
        double ce = crossEntropy(xs, ys);
        double mmd = base == null ? ReferenceMmd.mmd2(fs, ft, multipliers)
                : ReferenceMmd.mmd2(fs, ft, multipliers, base);
        return ce + lambda * mmd;
    }

    /** Mean squared error of the single regression output against {@code ys} + λ·MMD² (bandwidth as in loss). */
    double regressionLoss(double[][] xs, double[] ys, double[][] xt, double lambda, double[] multipliers,
                          Double base) {
        double[][] outputs = logits(xs);
        double mse = 0.0;
        for (int i = 0; i < outputs.length; i++) {
            double error = outputs[i][0] - ys[i];
            mse += error * error / outputs.length;
        }
        double[][] fs = features(xs);
        double[][] ft = features(xt);
        double mmd = base == null ? ReferenceMmd.mmd2(fs, ft, multipliers)
                : ReferenceMmd.mmd2(fs, ft, multipliers, base);
        return mse + lambda * mmd;
    }

    private double[][] affine(double[][] x, String weightName, String biasName) {
        double[] w = parameters.get(weightName);
        double[] b = parameters.get(biasName);
        int in = (int) shapes.get(weightName)[0];
        int out = (int) shapes.get(weightName)[1];
        double[][] y = new double[x.length][out];
        for (int r = 0; r < x.length; r++) {
            for (int j = 0; j < out; j++) {
                double s = b[j];
                for (int k = 0; k < in; k++) {
                    s += x[r][k] * w[k * out + j];
                }
                y[r][j] = s;
            }
        }
        return y;
    }
}
