package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.loss.CoralLoss;
import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.DomainAdversarialLoss;
import io.kadapt.loss.MmdLoss;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Snapshots do not depend on the engine: a model trained on one restores on the other with the same predictions and
 * continues as it would have on the first (to the engines' agreement); and each engine is deterministic on its own.
 */
@Tag("unit")
class CrossEngineSnapshotTest {

    private static final Map<String, Double> LAMBDAS = Map.of("mmd", 0.5, "coral", 1.0, "dann", 0.3);

    private static ModelSpec spec(EngineChoice engine) {
        return new ModelSpec(4, 3, List.of(6, 5), Activation.RELU, 0.25, 21L, DataType.DOUBLE,
                AdamSettings.withLearningRate(0.01), 5.0, new CrossEntropyLoss(0.1, null),
                List.of(new MmdLoss(), new CoralLoss(), new DomainAdversarialLoss(5, 4)), engine);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"FAST, SAMEDIFF", "SAMEDIFF, FAST"})
    @DisplayName("trained on one engine, restored on the other: same predictions, the next step agrees")
    void snapshotsCrossEngines(EngineChoice from, EngineChoice to) {
        Random random = new Random(6);
        INDArray xs = TestSpecs.array(TestSpecs.gaussian(random, 10, 4, 0.0), DataType.DOUBLE);
        INDArray xt = TestSpecs.array(TestSpecs.gaussian(random, 8, 4, 0.6), DataType.DOUBLE);
        int[] ys = TestSpecs.labels(random, 10, 3);
        try (TransferModel original = TransferModel.initialise(spec(from))) {
            for (int i = 0; i < 4; i++) {
                assertTrue(original.step(xs, ys, xt, LAMBDAS).applied());
            }
            ModelSnapshot snapshot = ModelSnapshot.decode(original.snapshot().encode());
            try (TransferModel restored = TransferModel.restore(spec(to), snapshot)) {
                assertEquals(to.configName(), restored.engine().name());
                assertEquals(4, restored.step());
                double predictionGap = original.predictProbabilities(xt).sub(restored.predictProbabilities(xt))
                        .amaxNumber().doubleValue();
                assertTrue(predictionGap <= 1e-12, "prediction gap " + predictionGap);

                StepOutcome a = original.step(xs, ys, xt, LAMBDAS);
                StepOutcome b = restored.step(xs, ys, xt, LAMBDAS);
                assertTrue(a.applied() && b.applied());
                assertEquals(a.totalLoss(), b.totalLoss(), 1e-9 * Math.abs(a.totalLoss()),
                        "same loss on the same dropout masks");
                Map<String, INDArray> after = restored.parameters();
                original.parameters().forEach((name, p) -> {
                    double gap = p.sub(after.get(name)).amaxNumber().doubleValue();
                    assertTrue(gap <= 1e-9, name + " differs by " + gap + " after one more step");
                });
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"FAST", "SAMEDIFF"})
    @DisplayName("same spec, inputs and order → bit-identical snapshots, on each engine")
    void deterministicPerEngine(EngineChoice engine) {
        byte[][] runs = new byte[2][];
        for (int run = 0; run < 2; run++) {
            Random random = new Random(12);
            try (TransferModel model = TransferModel.initialise(spec(engine).withEngine(engine))) {
                for (int i = 0; i < 6; i++) {
                    INDArray xs = TestSpecs.array(TestSpecs.gaussian(random, 7 + i, 4, 0.0), DataType.DOUBLE);
                    INDArray xt = TestSpecs.array(TestSpecs.gaussian(random, 5, 4, 0.6), DataType.DOUBLE);
                    model.step(xs, TestSpecs.labels(random, 7 + i, 3), xt, LAMBDAS);
                }
                runs[run] = model.snapshot().encode();
            }
        }
        assertArrayEquals(runs[0], runs[1]);
    }
}
