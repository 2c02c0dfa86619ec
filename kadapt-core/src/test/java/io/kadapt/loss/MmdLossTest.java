package io.kadapt.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kadapt.testing.PlainMath;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

@Tag("unit")
class MmdLossTest {

    private static final double[] DEFAULT = {0.25, 0.5, 1.0, 2.0, 4.0};

    @Test
    @DisplayName("SameDiff MMD² equals a loop implementation on a random batch")
    void matchesLoopReference() {
        Random random = new Random(42);
        double[][] source = gaussian(random, 7, 4, 0.0);
        double[][] target = gaussian(random, 5, 4, 0.8);

        assertEquals(ReferenceMmd.mmd2(source, target, DEFAULT), graphMmd(new MmdLoss(), source, target), 1e-9);
        double[] custom = {0.3, 3.0};
        assertEquals(ReferenceMmd.mmd2(source, target, custom), graphMmd(new MmdLoss(custom), source, target), 1e-9);
        double[] single = {1.5};
        assertEquals(ReferenceMmd.mmd2(source, target, single), graphMmd(new MmdLoss(single), source, target), 1e-9);
    }

    @Test
    @DisplayName("MMD² of three 1-D points, worked by hand")
    void handWorkedCase() {
        // Source {0, 1}, target {3}. Squared distances: (0,1) → 1, (0,3) → 9, (1,3) → 4.
        // base = mean over the 6 ordered pairs i≠j = 2·(1+9+4)/6 = 14/3.
        // k(d) = (1/5)·Σ_m exp(−d/(base·m)) = (1/5)·Σ_m exp(−3d/(14m)), m ∈ {1/4, 1/2, 1, 2, 4}; k(0) = 1.
        // mean Kss = (k(0)+k(1)+k(1)+k(0))/4 = (1 + k(1))/2; mean Ktt = k(0) = 1; mean Kst = (k(9) + k(4))/2.
        // MMD² = (1 + k(1))/2 + 1 − (k(9) + k(4)) ≈ 1.2207 (k(1) ≈ 0.7458, k(4) ≈ 0.4191, k(9) ≈ 0.2331).
        double expected = (1 + k(1)) / 2 + 1 - (k(9) + k(4));
        assertEquals(1.2207, expected, 1e-4, "the hand computation itself");
        assertEquals(expected, graphMmd(new MmdLoss(), new double[][] {{0}, {1}}, new double[][] {{3}}), 1e-12);
    }

    @Test
    @DisplayName("identical samples have zero discrepancy, even when every feature is equal")
    void zeroForIdenticalSamples() {
        double[][] sample = {{1, 2}, {3, -1}, {0, 0}};
        assertEquals(0.0, graphMmd(new MmdLoss(), sample, sample), 1e-12);
        double[][] constant = {{2, 2}, {2, 2}};
        assertEquals(0.0, graphMmd(new MmdLoss(), constant, constant), 1e-12);
    }

    @Test
    @DisplayName("median bandwidth: equals a loop reference (odd and even pair counts) and a hand-worked case")
    void medianBandwidth() {
        MmdLoss median = new MmdLoss(MmdLoss.Bandwidth.MEDIAN, MmdLoss.Estimator.QUADRATIC, DEFAULT);
        // Source {0, 1}, target {3}: pair distances 1, 9, 4, median 4 = base. Then as in handWorkedCase with base 4.
        double[][] s1 = {{0}, {1}};
        double[][] t1 = {{3}};
        assertEquals(4.0, ReferenceMmd.medianBandwidthBase(s1, t1), 0.0);
        assertEquals(ReferenceMmd.mmd2(s1, t1, DEFAULT, 4.0), graphMmd(median, s1, t1), 1e-12);
        Random random = new Random(8);
        for (int[] sizes : new int[][] {{7, 5}, {3, 1}, {4, 4}}) {   // 66, 6 and 28 pairs
            double[][] source = gaussian(random, sizes[0], 3, 0.0);
            double[][] target = gaussian(random, sizes[1], 3, 0.8);
            double base = ReferenceMmd.medianBandwidthBase(source, target);
            assertEquals(ReferenceMmd.mmd2(source, target, DEFAULT, base), graphMmd(median, source, target), 1e-9);
        }
    }

    @Test
    @DisplayName("linear-time estimator: equals a loop reference (mean and median base), odd sizes drop the last row")
    void linearEstimator() {
        Random random = new Random(9);
        double[] custom = {0.5, 2.0};
        for (int[] sizes : new int[][] {{8, 6}, {5, 9}, {2, 2}}) {
            double[][] source = gaussian(random, sizes[0], 3, 0.0);
            double[][] target = gaussian(random, sizes[1], 3, 0.8);
            for (MmdLoss.Bandwidth bandwidth : MmdLoss.Bandwidth.values()) {
                MmdLoss loss = new MmdLoss(bandwidth, MmdLoss.Estimator.LINEAR, custom);
                assertEquals(ReferenceMmd.linearMmd2(source, target, custom, bandwidth == MmdLoss.Bandwidth.MEDIAN),
                        graphMmd(loss, source, target), 1e-9, bandwidth + " " + sizes[0] + "x" + sizes[1]);
            }
        }
    }

    @Test
    @DisplayName("linear-time estimator, hand-worked: one quadruple in 1-D; a single row repeats itself")
    void linearHandWorked() {
        // s = (0, 1), t = (3, 5): d(s,s') = 1, d(t,t') = 4, d(s,t') = 25, d(s',t) = 4; mean base = 34/4 = 8.5.
        // With the single multiplier 1: e^(−1/8.5) + e^(−4/8.5) − e^(−25/8.5) − e^(−4/8.5) = e^(−2/17) − e^(−50/17).
        MmdLoss loss = new MmdLoss(MmdLoss.Bandwidth.MEAN, MmdLoss.Estimator.LINEAR, 1.0);
        assertEquals(Math.exp(-2.0 / 17) - Math.exp(-50.0 / 17),
                graphMmd(loss, new double[][] {{0}, {1}}, new double[][] {{3}, {5}}), 1e-12);
        // One source row: it pairs with itself, s = s' = 0, t = 3, t' = 5: distances 0, 4, 25, 9, base 38/4 = 9.5.
        assertEquals(1 + Math.exp(-4 / 9.5) - Math.exp(-25 / 9.5) - Math.exp(-9 / 9.5),
                graphMmd(loss, new double[][] {{0}}, new double[][] {{3}, {5}}), 1e-12);
    }

    @Test
    @DisplayName("options take part in equality: the model reuses the term as its monitor only when it is the default")
    void equalityCoversOptions() {
        assertEquals(new MmdLoss(), new MmdLoss(MmdLoss.Bandwidth.MEAN, MmdLoss.Estimator.QUADRATIC, DEFAULT));
        org.junit.jupiter.api.Assertions.assertNotEquals(new MmdLoss(),
                new MmdLoss(MmdLoss.Bandwidth.MEDIAN, MmdLoss.Estimator.QUADRATIC, DEFAULT));
        org.junit.jupiter.api.Assertions.assertNotEquals(new MmdLoss(),
                new MmdLoss(MmdLoss.Bandwidth.MEAN, MmdLoss.Estimator.LINEAR, DEFAULT));
    }

    @Test
    @DisplayName("median and linear variants: gradient matches finite differences with the bandwidth frozen")
    void gradientsOfOptions() {
        Map<String, double[][]> in = TermHarness.randomInputs(21, 6, 5, 3, 2);
        for (MmdLoss.Estimator estimator : MmdLoss.Estimator.values()) {
            MmdLoss loss = new MmdLoss(MmdLoss.Bandwidth.MEDIAN, estimator, DEFAULT);
            TermHarness.Result result = TermHarness.evaluate(loss, in);
            double[][] s = in.get(TermHarness.SOURCE_FEATURES);
            double[][] t = in.get(TermHarness.TARGET_FEATURES);
            double frozen = estimator == MmdLoss.Estimator.QUADRATIC ? ReferenceMmd.medianBandwidthBase(s, t)
                    : linearMedianBase(s, t);
            java.util.function.ToDoubleFunction<Map<String, double[][]>> reference = x ->
                    estimator == MmdLoss.Estimator.QUADRATIC
                            ? ReferenceMmd.mmd2(x.get(TermHarness.SOURCE_FEATURES), x.get(TermHarness.TARGET_FEATURES),
                                    DEFAULT, frozen)
                            : ReferenceMmd.linearMmd2WithBase(x.get(TermHarness.SOURCE_FEATURES),
                                    x.get(TermHarness.TARGET_FEATURES), DEFAULT, frozen);
            TermHarness.assertGradient(result, reference, in, TermHarness.SOURCE_FEATURES, 1.0);
            TermHarness.assertGradient(result, reference, in, TermHarness.TARGET_FEATURES, 1.0);
        }
    }

    private static double linearMedianBase(double[][] s, double[][] t) {
        return ReferenceMmd.linearBandwidthBase(s, t, true);
    }

    @Test
    void rejectsBadMultipliers() {
        assertThrows(IllegalArgumentException.class, () -> new MmdLoss(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> new MmdLoss(1.0, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new MmdLoss(Double.NaN));
    }

    private static double k(double squaredDistance) {
        double sum = 0.0;
        for (double m : DEFAULT) {
            sum += Math.exp(-3.0 * squaredDistance / (14.0 * m));
        }
        return sum / 5.0;
    }

    static double graphMmd(MmdLoss loss, double[][] source, double[][] target) {
        SameDiff sd = SameDiff.create();
        SDVariable s = sd.placeHolder("s", DataType.DOUBLE, -1, source[0].length);
        SDVariable t = sd.placeHolder("t", DataType.DOUBLE, -1, target[0].length);
        SDVariable unused = sd.placeHolder("unused", DataType.DOUBLE, -1, 2);
        SDVariable value = loss.define(sd, new DomainInputs(s, t, unused, unused, unused, null));
        return sd.outputSingle(Map.of("s", Nd4j.createFromArray(source), "t", Nd4j.createFromArray(target)),
                value.name()).getDouble(0);
    }

    static double[][] gaussian(Random random, int rows, int cols, double shift) {
        return PlainMath.gaussian(random, rows, cols, shift);
    }
}
