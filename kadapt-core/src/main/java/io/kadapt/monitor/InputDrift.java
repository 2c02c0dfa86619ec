package io.kadapt.monitor;

import java.util.Arrays;

/**
 * Drift of one domain's raw inputs: the squared maximum mean discrepancy (biased V-statistic, Gretton et al. 2012,
 * eq. 5) with a Gaussian kernel k(x, y) = exp(−‖x − y‖² / (2σ²)) between a reference window — the first
 * {@code capacity} rows this instance saw — and the last {@code capacity} rows. σ² is the median of the squared
 * pairwise distances over both windows together (the median heuristic), so the score is scale-free and lies in
 * [0, 2]: 0 for identical windows, near 0 (of order 1/capacity) for two draws of one distribution. O(capacity²·d)
 * per {@link #compute()}, on buffers allocated once; the caller decides how often.
 */
public final class InputDrift {
    private final RowWindow reference;
    private final RowWindow recent;
    private final double[] distances;
    private final double[] sortScratch;
    private final double[][] pooled;
    private long computedAtRow = -1;
    private double last = Double.NaN;

    public InputDrift(int capacity, int width) {
        this.reference = new RowWindow(capacity, width);
        this.recent = new RowWindow(capacity, width);
        int m = 2 * capacity;
        this.distances = new double[m * (m - 1) / 2];
        this.sortScratch = new double[distances.length];
        this.pooled = new double[m][];
    }

    /** One raw input row; the first {@code capacity} also make up the reference. */
    public void add(float[] row) {
        if (!reference.full()) {
            reference.add(row);
        }
        recent.add(row);
    }

    /** Rows seen so far. */
    public long rows() {
        return recent.added();
    }

    /** MMD² between reference and recent window; NaN until the reference window is full. No new row: the last value. */
    public double compute() {
        if (!reference.full()) {
            return Double.NaN;
        }
        if (computedAtRow == recent.added()) {
            return last;
        }
        computedAtRow = recent.added();
        last = mmd();
        return last;
    }

    private double mmd() {
        int n = reference.size();
        int m = recent.size();
        int total = n + m;
        for (int i = 0; i < n; i++) {
            pooled[i] = reference.row(i);
        }
        for (int i = 0; i < m; i++) {
            pooled[n + i] = recent.row(i);
        }
        int pairs = 0;
        for (int i = 0; i < total; i++) {
            for (int j = i + 1; j < total; j++) {
                distances[pairs++] = squaredDistance(pooled[i], pooled[j]);
            }
        }
        double bandwidth = medianHeuristic(pairs);
        if (bandwidth == 0) {
            return 0;  // every pair at distance 0: the windows are the same point
        }
        double xx = 0;
        double yy = 0;
        double xy = 0;
        int pair = 0;
        for (int i = 0; i < total; i++) {
            for (int j = i + 1; j < total; j++) {
                double k = Math.exp(-distances[pair++] / (2 * bandwidth));
                if (j < n) {
                    xx += k;
                } else if (i >= n) {
                    yy += k;
                } else {
                    xy += k;
                }
            }
        }
        // Off-diagonal pairs count twice in the full kernel sums; the diagonal adds k(x, x) = 1 per row.
        double mmd = (2 * xx + n) / ((double) n * n) + (2 * yy + m) / ((double) m * m) - 2 * xy / ((double) n * m);
        return Math.max(0, mmd);
    }

    /** σ² = median squared distance; if that is 0 (mostly duplicates), the mean; 0 only if all pairs coincide. */
    private double medianHeuristic(int pairs) {
        System.arraycopy(distances, 0, sortScratch, 0, pairs);
        Arrays.sort(sortScratch, 0, pairs);
        double median = pairs % 2 == 1 ? sortScratch[pairs / 2]
                : (sortScratch[pairs / 2 - 1] + sortScratch[pairs / 2]) / 2;
        if (median > 0) {
            return median;
        }
        double sum = 0;
        for (int i = 0; i < pairs; i++) {
            sum += sortScratch[i];
        }
        return sum / pairs;
    }

    private static double squaredDistance(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }
}
