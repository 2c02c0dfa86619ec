package io.kadapt.model;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Monitoring metrics computed from a batch's logits, in double precision. */
final class BatchMetrics {

    private BatchMetrics() {
    }

    /**
     * Rows of a [n, C] array as Java doubles. One bulk copy: {@code INDArray.toDoubleMatrix()} builds a view per
     * row and costs milliseconds even for [128, 2].
     */
    static double[][] rows(INDArray matrix) {
        int rows = (int) matrix.size(0);
        int cols = (int) matrix.size(1);
        double[] flat = matrix.dup('c').data().asDouble();
        double[][] result = new double[rows][];
        for (int i = 0; i < rows; i++) {
            result[i] = Arrays.copyOfRange(flat, i * cols, (i + 1) * cols);
        }
        return result;
    }

    /** Fraction of rows whose arg-max logit (first one on ties) is the label. */
    static double accuracy(INDArray logits, int[] labels) {
        double[][] z = rows(logits);
        int correct = 0;
        for (int i = 0; i < z.length; i++) {
            int best = 0;
            for (int c = 1; c < z[i].length; c++) {
                if (z[i][c] > z[i][best]) {
                    best = c;
                }
            }
            if (best == labels[i]) {
                correct++;
            }
        }
        return correct / (double) z.length;
    }

    /** Mean over rows of the softmax entropy −Σ p·ln p in nats; NaN if any logit is. */
    static double meanEntropy(INDArray logits) {
        double[][] z = rows(logits);
        double total = 0.0;
        for (double[] row : z) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : row) {
                max = Math.max(max, v);
            }
            double sum = 0.0;
            for (double v : row) {
                sum += Math.exp(v - max);
            }
            double logSum = Math.log(sum);
            double entropy = 0.0;
            for (double v : row) {
                double logP = v - max - logSum;
                entropy -= Math.exp(logP) * logP;
            }
            total += entropy;
        }
        return total / z.length;
    }
}
