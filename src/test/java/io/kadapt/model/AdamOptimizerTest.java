package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
    void clippingScaleKeepsNormAtMostTheLimit() {
        assertEquals(1.0, GradientClipping.scale(3.0, 0.0), "0 turns clipping off");
        assertEquals(1.0, GradientClipping.scale(3.0, 5.0), "below the limit nothing changes");
        assertEquals(0.5, GradientClipping.scale(10.0, 5.0), 1e-15);
        assertEquals(5.0, 1e12 * GradientClipping.scale(1e12, 5.0), 1e-9);
    }
}
