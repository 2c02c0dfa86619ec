package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.MmdLoss;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("unit")
@ParameterizedClass(name = "{0}")
@EnumSource(value = EngineChoice.class, names = {"FAST", "SAMEDIFF"})
class SnapshotRoundTripTest {

    private final EngineChoice engine;

    SnapshotRoundTripTest(EngineChoice engine) {
        this.engine = engine;
    }

    private static final Map<String, Double> LAMBDAS = Map.of("mmd", 0.5);

    @Test
    @DisplayName("encode → decode → restore predicts the same, and the next step (with dropout) is bit-identical")
    void restoredModelContinuesExactly() {
        ModelSpec spec = TestSpecs.smallWithMmd(5L, DataType.FLOAT, 0.3);
        Random random = new Random(8);
        INDArray xs = TestSpecs.array(TestSpecs.gaussian(random, 9, 4, 0.0), DataType.FLOAT);
        INDArray xt = TestSpecs.array(TestSpecs.gaussian(random, 6, 4, 0.7), DataType.FLOAT);
        int[] ys = TestSpecs.labels(random, 9, 3);

        try (TransferModel original = TransferModel.initialise(spec.withEngine(engine))) {
            for (int i = 0; i < 3; i++) {
                original.step(xs, ys, xt, LAMBDAS);
            }
            INDArray probabilities = original.predictProbabilities(xt);
            assertArrayEquals(new long[] {6, 3}, probabilities.shape());
            assertEquals(6.0, probabilities.sumNumber().doubleValue(), 1e-5, "rows sum to 1");
            assertEquals(probabilities, original.predictProbabilities(xt), "no dropout on the prediction path");

            byte[] bytes = original.snapshot().encode();
            ModelSnapshot decoded = ModelSnapshot.decode(bytes);
            assertArrayEquals(bytes, decoded.encode(), "encode → decode → encode is byte-identical");
            assertEquals(3, decoded.step());

            try (TransferModel restored = TransferModel.restore(spec.withEngine(engine), decoded)) {
                assertEquals(3, restored.step());
                assertEquals(original.predictProbabilities(xt), restored.predictProbabilities(xt));

                StepOutcome a = original.step(xs, ys, xt, LAMBDAS);
                StepOutcome b = restored.step(xs, ys, xt, LAMBDAS);
                assertTrue(a.applied() && b.applied());
                assertEquals(a, b, "same losses and metrics on the same dropout masks");
                assertArrayEquals(original.snapshot().encode(), restored.snapshot().encode(),
                        "parameters, Adam moments and step bit-identical");
            }
        }
    }

    @Test
    @DisplayName("negative control: the same parameters without the snapshot's Adam moments, or without its step, take a different next step")
    void freshModelWithSameParametersDiverges() {
        // No dropout, so the (seed, step)-dependent masks cannot be what makes the steps differ: only Adam's state.
        ModelSpec spec = TestSpecs.smallWithMmd(5L, DataType.FLOAT, 0.0);
        Random random = new Random(8);
        INDArray xs = TestSpecs.array(TestSpecs.gaussian(random, 9, 4, 0.0), DataType.FLOAT);
        INDArray xt = TestSpecs.array(TestSpecs.gaussian(random, 6, 4, 0.7), DataType.FLOAT);
        int[] ys = TestSpecs.labels(random, 9, 3);
        try (TransferModel original = TransferModel.initialise(spec.withEngine(engine))) {
            original.step(xs, ys, xt, LAMBDAS);
            original.step(xs, ys, xt, LAMBDAS);
            ModelSnapshot full = original.snapshot();
            ModelSnapshot noMoments = withoutMoments(full, full.step());
            ModelSnapshot noStep = new ModelSnapshot(full.task(), 0, arrays(full));
            assertTrue(full.array("adam_m/hidden_0/W").amaxNumber().doubleValue() > 0, "two steps left moments");
            try (TransferModel same = TransferModel.restore(spec.withEngine(engine), full);
                 TransferModel fresh = TransferModel.restore(spec.withEngine(engine), withoutMoments(full, 0));
                 TransferModel zeroMoments = TransferModel.restore(spec.withEngine(engine), noMoments);
                 TransferModel zeroStep = TransferModel.restore(spec.withEngine(engine), noStep)) {
                assertEquals(original.parameters(), fresh.parameters(), "all start from the same parameters");
                original.step(xs, ys, xt, LAMBDAS);
                for (TransferModel model : List.of(same, fresh, zeroMoments, zeroStep)) {
                    assertTrue(model.step(xs, ys, xt, LAMBDAS).applied());
                }
                assertEquals(original.parameters(), same.parameters(), "the full snapshot takes the same step");
                assertFalse(original.parameters().equals(fresh.parameters()), "a fresh optimiser steps differently");
                assertFalse(original.parameters().equals(zeroMoments.parameters()), "the moments matter");
                assertFalse(original.parameters().equals(zeroStep.parameters()), "the step (bias correction) matters");
            }
        }
    }

    private static Map<String, INDArray> arrays(ModelSnapshot snapshot) {
        Map<String, INDArray> arrays = new java.util.LinkedHashMap<>();
        snapshot.names().forEach(name -> arrays.put(name, snapshot.array(name)));
        return arrays;
    }

    /** The snapshot's parameters with Adam moments of zero, as a fresh optimiser has them, at {@code step}. */
    private static ModelSnapshot withoutMoments(ModelSnapshot snapshot, long step) {
        Map<String, INDArray> arrays = arrays(snapshot);
        arrays.replaceAll((name, array) -> name.startsWith("param/") ? array : array.mul(0));
        assertTrue(arrays.keySet().stream().anyMatch(name -> name.startsWith("adam_v/")));
        return new ModelSnapshot(snapshot.task(), step, arrays);
    }

    @Test
    void restoreRejectsSnapshotOfAnotherArchitecture() {
        ModelSpec spec = TestSpecs.smallWithMmd(5L, DataType.FLOAT, 0.0);
        ModelSpec wider = new ModelSpec(4, 3, List.of(7, 3), Activation.RELU, 0.0, 5L, DataType.FLOAT,
                AdamSettings.withLearningRate(0.01), 0.0, new CrossEntropyLoss(), List.of(new MmdLoss()));
        ModelSpec deeper = new ModelSpec(4, 3, List.of(6, 3, 2), Activation.RELU, 0.0, 5L, DataType.FLOAT,
                AdamSettings.withLearningRate(0.01), 0.0, new CrossEntropyLoss(), List.of(new MmdLoss()));
        ModelSnapshot snapshot;
        try (TransferModel model = TransferModel.initialise(spec.withEngine(engine))) {
            snapshot = model.snapshot();
        }
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> TransferModel.restore(wider.withEngine(engine), snapshot));
        assertTrue(shape.getMessage().contains("hidden_0/W"), shape.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> TransferModel.restore(deeper.withEngine(engine), snapshot));
        assertTrue(missing.getMessage().contains("hidden_2/"), missing.getMessage());
        IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
                () -> TransferModel.restore(TestSpecs.smallWithMmd(5L, DataType.DOUBLE, 0.0).withEngine(engine),
                        snapshot));
        assertTrue(dtype.getMessage().contains("FLOAT"), dtype.getMessage());
    }

    @Test
    void decodeRejectsCorruptInput() {
        byte[] good;
        try (TransferModel model = TransferModel.initialise(TestSpecs.smallWithMmd(5L, DataType.FLOAT, 0.0)
                .withEngine(engine))) {
            good = model.snapshot().encode();
        }
        byte[] badMagic = good.clone();
        badMagic[0] ^= 0x7f;
        byte[] badVersion = good.clone();
        badVersion[7] = 99;
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThrows(IllegalArgumentException.class, () -> ModelSnapshot.decode(badMagic));
        IllegalArgumentException version = assertThrows(IllegalArgumentException.class,
                () -> ModelSnapshot.decode(badVersion));
        assertTrue(version.getMessage().contains("version 99"), version.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelSnapshot.decode(Arrays.copyOf(good, good.length - 3)));
        assertThrows(IllegalArgumentException.class, () -> ModelSnapshot.decode(trailing));
        assertThrows(IllegalArgumentException.class, () -> ModelSnapshot.decode(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> ModelSnapshot.decode(null));
    }
}
