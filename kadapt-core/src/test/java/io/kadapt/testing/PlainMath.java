package io.kadapt.testing;

import java.util.Random;

/** Plain-Java reference computations and data shared by the tests: independent of ND4J by construction. */
public final class PlainMath {
    private PlainMath() {
    }

    /** A rows×cols matrix of standard normal draws plus {@code shift}. */
    public static double[][] gaussian(Random random, int rows, int cols, double shift) {
        double[][] x = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                x[i][j] = random.nextGaussian() + shift;
            }
        }
        return x;
    }

    /** Row-wise log-softmax, with the log-sum-exp made stable by subtracting the row maximum. */
    public static double[][] logSoftmax(double[][] logits) {
        double[][] out = new double[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : logits[i]) {
                max = Math.max(max, v);
            }
            double sum = 0.0;
            for (double v : logits[i]) {
                sum += Math.exp(v - max);
            }
            out[i] = new double[logits[i].length];
            for (int j = 0; j < logits[i].length; j++) {
                out[i][j] = logits[i][j] - max - Math.log(sum);
            }
        }
        return out;
    }

    /** Mean over every entry of (outputs − labels)². */
    public static double meanSquaredError(double[][] outputs, double[][] labels) {
        double sum = 0.0;
        int count = 0;
        for (int i = 0; i < outputs.length; i++) {
            for (int j = 0; j < outputs[i].length; j++) {
                double error = outputs[i][j] - labels[i][j];
                sum += error * error;
                count++;
            }
        }
        return sum / count;
    }
}
