package io.kadapt.monitor;

/**
 * Label-free scores of a set of class-probability vectors (rows of one window), natural logarithms throughout,
 * 0·log 0 = 0. Pure functions; the window holds the rows.
 */
public final class PredictionScores {
    /** SND's temperature (Saito et al. 2021, Sec. 3.2: τ = 0.05 for every experiment). */
    public static final double SND_TEMPERATURE = 0.05;

    private PredictionScores() {
    }

    /** Shannon entropy −Σ p log p of one probability vector. */
    public static double entropy(double[] p) {
        double h = 0;
        for (double v : p) {
            if (v > 0) {
                h -= v * Math.log(v);
            }
        }
        return h;
    }

    /** {@code H(p̄) − mean_i H(p_i)} of a batch of probability rows (see the window form below); NaN for none. */
    public static double informationMaximisation(float[][] rows) {
        if (rows.length == 0) {
            return Double.NaN;
        }
        double[] mean = new double[rows[0].length];
        double meanEntropy = 0;
        double[] p = new double[mean.length];
        for (float[] row : rows) {
            for (int c = 0; c < p.length; c++) {
                p[c] = row[c];
                mean[c] += row[c] / (double) rows.length;
            }
            meanEntropy += entropy(p) / rows.length;
        }
        return entropy(mean) - meanEntropy;
    }

    /** Mean entropy of the rows: 0 when every prediction is certain, log C when every one is uniform. */
    static double meanEntropy(RowWindow rows) {
        int n = rows.size();
        if (n == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += entropy(rows.row(i));
        }
        return sum / n;
    }

    /**
     * Information maximisation H(p̄) − mean_i H(p_i) (the mutual information between input and predicted class,
     * Krause et al. 2010; the objective of SHOT, Liang et al. 2020): high when predictions are confident and
     * spread over the classes, 0 when they collapse onto one class or are all uniform; at most log C.
     */
    static double informationMaximisation(RowWindow rows) {
        int n = rows.size();
        if (n == 0) {
            return Double.NaN;
        }
        return entropy(meanRow(rows)) - meanEntropy(rows);
    }

    /** The fraction of rows whose arg-max is each class (ties to the lowest index). */
    static double[] classRatios(RowWindow rows) {
        double[] ratios = new double[rows.width()];
        int n = rows.size();
        for (int i = 0; i < n; i++) {
            ratios[argMax(rows.row(i))]++;
        }
        for (int c = 0; c < ratios.length; c++) {
            ratios[c] = n == 0 ? Double.NaN : ratios[c] / n;
        }
        return ratios;
    }

    /**
     * Soft neighbourhood density (Saito et al. 2021, "Tune it the Right Way", eq. 1–3): the rows are L2-normalised,
     * each row's similarities to the n − 1 others (cosine, itself excluded) go through a softmax with temperature
     * τ, and SND is the mean entropy of those neighbourhood distributions. Higher means denser neighbourhoods
     * (the paper picks the model with the highest SND). Its maximum, log(n − 1), is also reached when every
     * prediction is the same vector: collapse scores high, so read it beside the class ratios. O(n²·C).
     */
    static double softNeighbourhoodDensity(RowWindow rows, double temperature, double[][] scratch) {
        int n = rows.size();
        if (n < 2) {
            return Double.NaN;
        }
        double[][] unit = scratch;
        for (int i = 0; i < n; i++) {
            double[] row = rows.row(i);
            double norm = 0;
            for (double v : row) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int c = 0; c < row.length; c++) {
                unit[i][c] = norm == 0 ? 0 : row[c] / norm;
            }
        }
        double[] logits = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                double dot = 0;
                for (int c = 0; c < unit[i].length; c++) {
                    dot += unit[i][c] * unit[j][c];
                }
                logits[j] = dot / temperature;
                max = Math.max(max, logits[j]);
            }
            // H = log Z − Σ_j q_j·s_j with q = softmax(s): one pass for Z, one for the expectation, max-shifted.
            double z = 0;
            double expected = 0;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    double w = Math.exp(logits[j] - max);
                    z += w;
                    expected += w * (logits[j] - max);
                }
            }
            sum += Math.log(z) - expected / z;
        }
        return sum / n;
    }

    static double[] meanRow(RowWindow rows) {
        double[] mean = new double[rows.width()];
        int n = rows.size();
        for (int i = 0; i < n; i++) {
            double[] row = rows.row(i);
            for (int c = 0; c < mean.length; c++) {
                mean[c] += row[c];
            }
        }
        for (int c = 0; c < mean.length; c++) {
            mean[c] /= n;
        }
        return mean;
    }

    static int argMax(double[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }
}
