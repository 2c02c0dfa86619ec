package io.kadapt.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class InputDriftTest {

    @Test
    @DisplayName("by hand, 1-D: reference {0, 1}, recent {2, 3}, σ² = median squared distance = 2.5")
    void byHand() {
        InputDrift drift = new InputDrift(2, 1);
        for (float x : new float[] {0, 1, 2, 3}) {
            drift.add(new float[] {x});
        }
        // squared distances 1,4,9,1,4,1 → sorted 1,1,1,4,4,9 → median 2.5; k(d²) = exp(−d²/5)
        double k1 = Math.exp(-1 / 5.0);
        double kxx = (2 + 2 * k1) / 4;
        double kyy = kxx;
        double kxy = (Math.exp(-4 / 5.0) + Math.exp(-9 / 5.0) + k1 + Math.exp(-4 / 5.0)) / 4;
        assertEquals(kxx + kyy - 2 * kxy, drift.compute(), 1e-12);
    }

    @Test
    @DisplayName("equals a naive reference (full kernel matrices, median of a sorted list) on random windows")
    void matchesNaiveReference() {
        Random random = new Random(4);
        for (int[] shape : new int[][] {{3, 1}, {10, 5}, {33, 7}}) {
            int n = shape[0];
            InputDrift drift = new InputDrift(n, shape[1]);
            float[][] rows = new float[n + n / 2][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = gaussian(random, shape[1], i < n ? 0 : 1);
                drift.add(rows[i]);
            }
            float[][] reference = java.util.Arrays.copyOfRange(rows, 0, n);
            float[][] recent = java.util.Arrays.copyOfRange(rows, rows.length - n, rows.length);
            assertEquals(naiveMmd(reference, recent), drift.compute(), 1e-12, () -> "shape " + n + "×" + shape[1]);
        }
    }

    private static double naiveMmd(float[][] x, float[][] y) {
        float[][] all = new float[x.length + y.length][];
        System.arraycopy(x, 0, all, 0, x.length);
        System.arraycopy(y, 0, all, x.length, y.length);
        java.util.List<Double> distances = new java.util.ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            for (int j = i + 1; j < all.length; j++) {
                distances.add(squared(all[i], all[j]));
            }
        }
        java.util.Collections.sort(distances);
        int m = distances.size();
        double sigma2 = m % 2 == 1 ? distances.get(m / 2) : (distances.get(m / 2 - 1) + distances.get(m / 2)) / 2;
        return meanKernel(x, x, sigma2) + meanKernel(y, y, sigma2) - 2 * meanKernel(x, y, sigma2);
    }

    private static double meanKernel(float[][] a, float[][] b, double sigma2) {
        double sum = 0;
        for (float[] u : a) {
            for (float[] v : b) {
                sum += Math.exp(-squared(u, v) / (2 * sigma2));
            }
        }
        return sum / (a.length * (double) b.length);
    }

    private static double squared(float[] u, float[] v) {
        double sum = 0;
        for (int i = 0; i < u.length; i++) {
            sum += ((double) u[i] - v[i]) * ((double) u[i] - v[i]);
        }
        return sum;
    }

    @Test
    @DisplayName("NaN until the reference window is full; identical windows give 0")
    void identicalWindows() {
        InputDrift drift = new InputDrift(16, 3);
        Random random = new Random(1);
        assertTrue(Double.isNaN(drift.compute()));
        for (int i = 0; i < 16; i++) {
            drift.add(gaussian(random, 3, 0));
        }
        // the first 16 rows are the reference and the recent window at once
        assertEquals(0, drift.compute(), 1e-12);
    }

    @Test
    @DisplayName("a shifted recent window scores far above a second draw of the reference distribution")
    void shiftedWindow() {
        Random random = new Random(2);
        InputDrift same = new InputDrift(128, 4);
        InputDrift shifted = new InputDrift(128, 4);
        for (int i = 0; i < 128; i++) {
            float[] row = gaussian(random, 4, 0);
            same.add(row);
            shifted.add(row);
        }
        for (int i = 0; i < 128; i++) {
            same.add(gaussian(random, 4, 0));
            shifted.add(gaussian(random, 4, 1.5));
        }
        double control = same.compute();
        double drifted = shifted.compute();
        assertTrue(control >= 0 && control < 0.03, "same distribution: " + control);
        assertTrue(drifted > 0.3, "shifted by 1.5 per feature: " + drifted);
        assertTrue(drifted <= 2, "MMD² with a Gaussian kernel is at most 2: " + drifted);
        assertEquals(drifted, shifted.compute(), "no new row: the same value, not recomputed");
        shifted.add(gaussian(random, 4, 0));
        assertTrue(shifted.compute() != drifted, "a new row moves the recent window");
    }

    @Test
    @DisplayName("constant inputs (every distance 0) give 0, not NaN")
    void constantInputs() {
        InputDrift drift = new InputDrift(4, 2);
        for (int i = 0; i < 9; i++) {
            drift.add(new float[] {1, 1});
        }
        assertEquals(0, drift.compute());
    }

    static float[] gaussian(Random random, int width, double mean) {
        float[] row = new float[width];
        for (int i = 0; i < width; i++) {
            row[i] = (float) (mean + random.nextGaussian());
        }
        return row;
    }
}
