package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@Tag("unit")
class AdamOptimizerTest {

    @Test
    @DisplayName("updates match PyTorch's Adam written out in doubles, over several steps with gradient scaling")
    void matchesPyTorchFormula() {
        AdamSettings settings = new AdamSettings(0.05, 0.8, 0.95, 1e-3); // ε large enough to matter
        Random random = new Random(3);
        double[] theta = random.doubles(6, -1, 1).toArray();
        Map<String, INDArray> parameters = new LinkedHashMap<>();
        parameters.put("w", Nd4j.create(theta.clone(), new long[] {2, 3}, DataType.DOUBLE));
        AdamOptimizer optimizer = new AdamOptimizer(settings, parameters);

        double[] m = new double[6];
        double[] v = new double[6];
        double[] scales = {1.0, 0.5, 0.25, 1.0};
        for (int t = 1; t <= scales.length; t++) {
            double[] g = random.doubles(6, -2, 2).toArray();
            optimizer.apply(parameters, Map.of("w", Nd4j.create(g.clone(), new long[] {2, 3}, DataType.DOUBLE)),
                    scales[t - 1]);
            for (int i = 0; i < 6; i++) {
                double gi = g[i] * scales[t - 1];
                m[i] = settings.beta1() * m[i] + (1 - settings.beta1()) * gi;
                v[i] = settings.beta2() * v[i] + (1 - settings.beta2()) * gi * gi;
                double mHat = m[i] / (1 - Math.pow(settings.beta1(), t));
                double vHat = v[i] / (1 - Math.pow(settings.beta2(), t));
                theta[i] -= settings.learningRate() * mHat / (Math.sqrt(vHat) + settings.epsilon());
            }
            assertArrayEquals(theta, parameters.get("w").data().asDouble(), 1e-12, "after step " + t);
            assertArrayEquals(m, optimizer.firstMoments().get("w").data().asDouble(), 1e-12);
            assertArrayEquals(v, optimizer.secondMoments().get("w").data().asDouble(), 1e-12);
        }
        assertEquals(scales.length, optimizer.step());
    }

    @Test
    @DisplayName("inverse-decay: update t uses lr₀·(1+α·p)^(−β), p = (t−1)/steps capped at 1; a restored step count"
            + " continues the curve")
    void inverseDecayLearningRate() {
        LearningRateSchedule schedule = new LearningRateSchedule(LearningRateSchedule.Shape.INVERSE_DECAY, 10.0,
                0.75, 4);
        assertEquals(1.0, schedule.factorAt(0));
        assertEquals(Math.pow(1 + 10 * 0.5, -0.75), schedule.factorAt(2), 1e-15);
        assertEquals(Math.pow(11, -0.75), schedule.factorAt(4), 1e-15);
        assertEquals(Math.pow(11, -0.75), schedule.factorAt(400), 1e-15, "p stops at 1");
        assertEquals(1.0, LearningRateSchedule.CONSTANT.factorAt(12345));

        AdamSettings settings = new AdamSettings(0.05, 0.9, 0.999, 1e-8, schedule);
        for (long restoredStep : new long[] {0, 2, 9}) {
            Map<String, INDArray> parameters = new LinkedHashMap<>();
            parameters.put("w", Nd4j.create(new double[] {1.0, -1.0}, new long[] {1, 2}, DataType.DOUBLE));
            AdamOptimizer optimizer = new AdamOptimizer(settings, parameters);
            optimizer.restoreStep(restoredStep);
            optimizer.apply(parameters, Map.of("w", Nd4j.create(new double[] {0.5, -2.0}, new long[] {1, 2},
                    DataType.DOUBLE)), 1.0);
            // Zero moments, one gradient g, t = restoredStep + 1: m̂ = 0.1·g/(1−0.9ᵗ), v̂ = 0.001·g²/(1−0.999ᵗ).
            long t = restoredStep + 1;
            double lr = 0.05 * schedule.factorAt(restoredStep);
            double[] expected = {1.0, -1.0};
            double[] g = {0.5, -2.0};
            for (int i = 0; i < 2; i++) {
                double mHat = 0.1 * g[i] / (1 - Math.pow(0.9, t));
                double vHat = 0.001 * g[i] * g[i] / (1 - Math.pow(0.999, t));
                expected[i] -= lr * mHat / (Math.sqrt(vHat) + 1e-8);
            }
            assertArrayEquals(expected,
                    parameters.get("w").data().asDouble(), 1e-12, "after " + restoredStep + " steps");
        }
    }

    @Test
    @DisplayName("weight decay: updates match PyTorch's AdamW (θ ← θ(1 − lr·w), then the Adam step) on both the"
            + " per-array and the fused flat path")
    void weightDecayMatchesAdamW() {
        AdamSettings settings = new AdamSettings(0.05, 0.9, 0.99, 1e-8, LearningRateSchedule.CONSTANT, 0.3);
        for (boolean fused : new boolean[] {false, true}) {
            Random random = new Random(11);
            double[] theta = random.doubles(6, -1, 1).toArray();
            INDArray flat = Nd4j.create(theta.clone(), new long[] {6}, DataType.DOUBLE);
            Map<String, INDArray> parameters = new LinkedHashMap<>();
            parameters.put("w", flat);
            AdamOptimizer optimizer = new AdamOptimizer(settings, parameters);
            double[] m = new double[6];
            double[] v = new double[6];
            for (int t = 1; t <= 3; t++) {
                double[] g = random.doubles(6, -2, 2).toArray();
                INDArray gradient = Nd4j.create(g.clone(), new long[] {6}, DataType.DOUBLE);
                if (fused) {
                    optimizer.apply(parameters, Map.of("w", gradient), 1.0, flat, gradient);
                } else {
                    optimizer.apply(parameters, Map.of("w", gradient), 1.0);
                }
                for (int i = 0; i < 6; i++) {
                    theta[i] *= 1 - settings.learningRate() * settings.weightDecay();
                    m[i] = settings.beta1() * m[i] + (1 - settings.beta1()) * g[i];
                    v[i] = settings.beta2() * v[i] + (1 - settings.beta2()) * g[i] * g[i];
                    double mHat = m[i] / (1 - Math.pow(settings.beta1(), t));
                    double vHat = v[i] / (1 - Math.pow(settings.beta2(), t));
                    theta[i] -= settings.learningRate() * mHat / (Math.sqrt(vHat) + settings.epsilon());
                }
                assertArrayEquals(theta, parameters.get("w").data().asDouble(), 1e-12,
                        (fused ? "fused" : "per-array") + " path after step " + t);
            }
        }
    }

    @Test
    void clippingScaleKeepsNormAtMostTheLimit() {
        assertEquals(1.0, GradientClipping.scale(3.0, 0.0), "0 turns clipping off");
        assertEquals(1.0, GradientClipping.scale(3.0, 5.0), "below the limit nothing changes");
        assertEquals(0.5, GradientClipping.scale(10.0, 5.0), 1e-15);
        assertEquals(5.0, 1e12 * GradientClipping.scale(1e12, 5.0), 1e-9);
    }
}
