package io.kadapt.loss;

import io.kadapt.testing.PlainMath;

/**
 * The contrastive and consistency terms written as plain loops over doubles, straight from their papers'
 * definitions, as independent oracles for {@link ContrastiveLoss} and {@link ConsistencyLoss}.
 */
public final class ReferenceTerms {

    private ReferenceTerms() {
    }

    /** Hadsell et al. 2006, eq. 4, averaged over the unordered pairs i &lt; j, with D = ‖f_i − f_j‖. */
    public static double contrastive(double[][] f, int[] labels, double margin) {
        double sum = 0.0;
        int pairs = 0;
        for (int i = 0; i < f.length; i++) {
            for (int j = i + 1; j < f.length; j++) {
                double squared = 0.0;
                for (int k = 0; k < f[i].length; k++) {
                    squared += (f[i][k] - f[j][k]) * (f[i][k] - f[j][k]);
                }
                double shortfall = Math.max(0.0, margin - Math.sqrt(squared));
                sum += labels[i] == labels[j] ? 0.5 * squared : 0.5 * shortfall * shortfall;
                pairs++;
            }
        }
        return pairs == 0 ? 0.0 : sum / pairs;
    }

    /** (1/(n·C))·Σ_i ‖p_i − softmax(perturbedLogits_i)‖², with the clean probabilities p given. */
    public static double consistency(double[][] cleanProbabilities, double[][] perturbedLogits) {
        double[][] q = softmax(perturbedLogits);
        double sum = 0.0;
        for (int i = 0; i < q.length; i++) {
            for (int c = 0; c < q[i].length; c++) {
                sum += (cleanProbabilities[i][c] - q[i][c]) * (cleanProbabilities[i][c] - q[i][c]);
            }
        }
        return sum / (q.length * q[0].length);
    }

    public static double[][] softmax(double[][] logits) {
        double[][] p = PlainMath.logSoftmax(logits);
        for (double[] row : p) {
            for (int c = 0; c < row.length; c++) {
                row[c] = Math.exp(row[c]);
            }
        }
        return p;
    }
}
