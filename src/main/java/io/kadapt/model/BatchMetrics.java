package io.kadapt.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Monitoring metrics computed from a batch's logits, in double precision. */
final class BatchMetrics {

    private BatchMetrics() {
    }

    /** Fraction of rows whose arg-max logit (first one on ties) is the label. */
    static double accuracy(INDArray logits, int[] labels) {
        double[][] z = logits.toDoubleMatrix();
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
        double[][] z = logits.toDoubleMatrix();
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
