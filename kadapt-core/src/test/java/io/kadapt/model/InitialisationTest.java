package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.loss.CrossEntropyLoss;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("unit")
class InitialisationTest {

    @Test
    void sameSeedSameParametersDifferentSeedDifferent() {
        ModelSpec spec = TestSpecs.smallWithMmd(21L, DataType.FLOAT, 0.1);
        Map<String, INDArray> first;
        Map<String, INDArray> second;
        Map<String, INDArray> other;
        try (TransferModel a = TransferModel.initialise(spec);
             TransferModel b = TransferModel.initialise(spec);
             TransferModel c = TransferModel.initialise(TestSpecs.smallWithMmd(22L, DataType.FLOAT, 0.1))) {
            assertEquals(0, a.step());
            first = a.parameters();
            second = b.parameters();
            other = c.parameters();
        }
        assertEquals(first.keySet(), second.keySet());
        for (String name : first.keySet()) {
            assertTrue(first.get(name).equals(second.get(name)), name + " identical for the same seed");
            if (name.endsWith("/W")) {
                assertFalse(first.get(name).equals(other.get(name)), name + " differs for another seed");
                assertTrue(first.get(name).amaxNumber().doubleValue() > 0.0, name + " is not all zero");
            } else {
                assertEquals(0.0, first.get(name).amaxNumber().doubleValue(), name + " starts at zero");
            }
        }
        // He-uniform bound for the first ReLU layer: √(6/fanIn) with fanIn = 4.
        assertTrue(first.get("hidden_0/W").amaxNumber().doubleValue() <= Math.sqrt(6.0 / 4));
    }

    @Test
    @DisplayName("weights fill the He (rectifier) or Xavier (tanh, classifier) interval uniformly; biases are zero")
    void weightsAreUniformOverTheirInterval() {
        for (Activation activation : List.of(Activation.RELU, Activation.TANH)) {
            ModelSpec spec = new ModelSpec(32, 3, List.of(128, 64), activation, 0.0, 9L, DataType.FLOAT,
                    AdamSettings.withLearningRate(0.01), 0.0, new CrossEntropyLoss(), List.of());
            Map<String, INDArray> parameters;
            try (TransferModel model = TransferModel.initialise(spec)) {
                parameters = model.parameters();
            }
            boolean he = activation == Activation.RELU;
            Map<String, Double> bounds = Map.of(
                    "hidden_0/W", he ? Math.sqrt(6.0 / 32) : Math.sqrt(6.0 / (32 + 128)),
                    "hidden_1/W", he ? Math.sqrt(6.0 / 128) : Math.sqrt(6.0 / (128 + 64)),
                    "classifier/W", Math.sqrt(6.0 / (64 + 3)));
            assertEquals(bounds.keySet(), parameters.keySet().stream().filter(n -> n.endsWith("/W"))
                    .collect(java.util.stream.Collectors.toSet()), "weight arrays of " + activation);
            bounds.forEach((name, bound) -> {
                INDArray w = parameters.get(name).castTo(DataType.DOUBLE);
                double n = w.length();
                double max = w.amaxNumber().doubleValue();
                double mean = w.meanNumber().doubleValue();
                double variance = w.varNumber().doubleValue();
                String what = activation + " " + name + " (bound " + bound + "): max " + max + ", mean " + mean
                        + ", variance " + variance + " (uniform: " + bound * bound / 3 + ")";
                // U(−b, b): max |w| → b (below b(1 − 10/n) with probability e^−10), mean 0 with standard error
                // b/√(3n), variance b²/3 with relative standard error 0.9/√n; the tolerances are 4 standard errors.
                assertTrue(max <= bound && max >= bound * (1 - 10 / n), what);
                assertEquals(0.0, mean, 4 * bound / Math.sqrt(3 * n), what);
                assertEquals(bound * bound / 3, variance, 4 * 0.9 / Math.sqrt(n) * bound * bound / 3, what);
            });
            parameters.forEach((name, p) -> {
                if (!name.endsWith("/W")) {
                    assertEquals(0.0, p.amaxNumber().doubleValue(), name + " starts at zero");
                }
            });
        }
    }
}
