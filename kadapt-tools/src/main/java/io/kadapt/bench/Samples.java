package io.kadapt.bench;

import java.util.Arrays;

/** Order statistics of a sample of timings. */
record Samples(double[] sorted) {

    static Samples of(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return new Samples(copy);
    }

    double quantile(double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
        return sorted[i];
    }

    double median() {
        return quantile(0.5);
    }
}
