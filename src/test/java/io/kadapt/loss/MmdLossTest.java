package io.kadapt.loss;

import io.kadapt.testing.PlainMath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

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
        SDVariable value = loss.define(sd, new DomainInputs(s, t, unused, unused));
        return sd.outputSingle(Map.of("s", Nd4j.createFromArray(source), "t", Nd4j.createFromArray(target)),
                value.name()).getDouble(0);
    }

    static double[][] gaussian(Random random, int rows, int cols, double shift) {
        return PlainMath.gaussian(random, rows, cols, shift);
    }
}
