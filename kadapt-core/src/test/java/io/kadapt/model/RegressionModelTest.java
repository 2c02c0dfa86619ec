package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.data.Task;
import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.DomainLoss;
import io.kadapt.loss.InformationMaximizationLoss;
import io.kadapt.loss.MeanSquaredErrorLoss;
import io.kadapt.loss.MmdLoss;
import io.kadapt.testing.PlainMath;
import java.nio.ByteBuffer;
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
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The regression head end to end on the model: shape rules, a synthetic linear stream on which training lowers the
 * source and target MSE (and the MMD term lowers MMD against λ = 0), and checkpoints that carry the task.
 */
@Tag("unit")
@ParameterizedClass(name = "{0}")
@EnumSource(value = EngineChoice.class, names = {"FAST", "SAMEDIFF"})
class RegressionModelTest {

    private final EngineChoice engine;

    RegressionModelTest(EngineChoice engine) {
        this.engine = engine;
    }

    private static final int DIM = 6;
    private static final int BATCH = 32;
    private static final double[] WEIGHTS = {1.5, -2.0, 0.5, 0.0, 1.0, -0.5};
    private static final double BIAS = 0.3;
    private static final double TARGET_SHIFT = 1.0;
    private static final int STEPS = 120;

    ModelSpec spec(DataType dtype, double dropout, List<DomainLoss> terms) {
        return new ModelSpec(DIM, 1, List.of(16, 8), Activation.RELU, dropout, 7L, dtype,
                AdamSettings.withLearningRate(0.01), 5.0, new MeanSquaredErrorLoss(), terms, engine);
    }

    @Test
    @DisplayName("a regression spec has one output; probability terms and other widths are refused")
    void shapeRules() {
        assertEquals(Task.REGRESSION, spec(DataType.FLOAT, 0.0, List.of()).task());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class, () -> new ModelSpec(DIM, 2,
                List.of(8), Activation.RELU, 0.0, 1L, DataType.FLOAT, AdamSettings.withLearningRate(0.01), 0.0,
                new MeanSquaredErrorLoss(), List.of()));
        assertTrue(width.getMessage().contains("one output"), width.getMessage());
        IllegalArgumentException term = assertThrows(IllegalArgumentException.class,
                () -> spec(DataType.FLOAT, 0.0, List.of(new InformationMaximizationLoss(1.0))));
        assertTrue(term.getMessage().contains("entropy"), term.getMessage());
        try (TransferModel model = TransferModel.initialise(spec(DataType.FLOAT, 0.0, List.of()))) {
            INDArray x = batch(new Random(1), 0.0).x;
            assertArrayEquals(new long[] {BATCH, 1}, model.predictOutputs(x).shape());
            assertThrows(IllegalStateException.class, () -> model.predictProbabilities(x));
            assertThrows(IllegalArgumentException.class, () -> model.step(x, new double[BATCH - 1], x, Map.of()));
            double[] nonFinite = new double[BATCH];
            nonFinite[3] = Double.NaN;
            assertThrows(IllegalArgumentException.class, () -> model.step(x, nonFinite, x, Map.of()));
        }
    }

    @Test
    @DisplayName("the direct prediction path gives the graph's values")
    void directPathMatchesTheGraph() {
        for (DataType dtype : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            try (TransferModel model = TransferModel.initialise(spec(dtype, 0.2, List.of(new MmdLoss())))) {
                Random random = new Random(3);
                for (int i = 0; i < 5; i++) {
                    Batch source = batch(random, 0.0);
                    model.step(source.x, source.y, batch(random, TARGET_SHIFT).x, Map.of("mmd", 1.0));
                }
                INDArray x = batch(random, TARGET_SHIFT).x;
                double difference = Transforms.abs(model.predictOutputs(x).sub(model.predictProbabilitiesWithSameDiff(x)))
                        .maxNumber().doubleValue();
                assertTrue(difference < (dtype == DataType.FLOAT ? 1e-5 : 1e-12), dtype + ": " + difference);
            }
        }
    }

    @Test
    @DisplayName("on a linear stream, training lowers source and target MSE far below the label variance")
    void trainingLowersMse() {
        Random random = new Random(11);
        Batch heldOutTarget = batch(new Random(99), TARGET_SHIFT);
        try (TransferModel model = TransferModel.initialise(spec(DataType.FLOAT, 0.0, List.of()))) {
            double targetBefore = targetMse(model, heldOutTarget);
            double firstSource = Double.NaN;
            double lastSource = 0.0;
            for (int step = 0; step < STEPS; step++) {
                Batch source = batch(random, 0.0);
                double sourceMseBefore = PlainMath.meanSquaredError(column(model.predictOutputs(source.x)),
                        column(source.y));
                StepOutcome outcome = model.step(source.x, source.y, batch(random, TARGET_SHIFT).x, Map.of());
                assertTrue(outcome.applied());
                assertEquals(sourceMseBefore, outcome.supervisedLoss(), 1e-5 * sourceMseBefore,
                        "the step's loss is the batch MSE of the model before the update (no dropout here)");
                assertTrue(Double.isNaN(outcome.sourceAccuracy()) && Double.isNaN(outcome.targetMeanEntropy()),
                        "no accuracy or entropy for regression");
                if (step == 0) {
                    firstSource = outcome.supervisedLoss();
                }
                if (step >= STEPS - 10) {
                    lastSource += outcome.supervisedLoss() / 10;
                }
            }
            double targetAfter = targetMse(model, heldOutTarget);
            double labelVariance = Arrays.stream(WEIGHTS).map(w -> w * w).sum();
            assertTrue(firstSource > 0.5 * labelVariance, "untrained source MSE " + firstSource);
            assertTrue(lastSource < 0.05 * labelVariance, "source MSE " + firstSource + " → " + lastSource);
            assertTrue(targetAfter < 0.2 * targetBefore, "target MSE " + targetBefore + " → " + targetAfter);
        }
    }

    @Test
    @DisplayName("with the mmd term on, the MMD between the shifted domains ends lower than with λ = 0")
    void mmdTermLowersMmd() {
        double off = meanMmdOfLastSteps(0.0);
        double on = meanMmdOfLastSteps(1.0);
        assertTrue(on < 0.75 * off, "MMD² with λ=1: " + on + ", λ=0: " + off);
    }

    private double meanMmdOfLastSteps(double lambda) {
        Random random = new Random(17);
        double mean = 0.0;
        try (TransferModel model = TransferModel.initialise(spec(DataType.FLOAT, 0.0, List.of(new MmdLoss())))) {
            for (int step = 0; step < 60; step++) {
                Batch source = batch(random, 0.0);
                StepOutcome outcome = model.step(source.x, source.y, batch(random, TARGET_SHIFT).x,
                        Map.of("mmd", lambda));
                if (step >= 50) {
                    mean += outcome.mmd() / 10;
                }
            }
        }
        return mean;
    }

    @Test
    @DisplayName("snapshot round trip: same values, then a bit-identical step (dropout on); the task is checked")
    void snapshotCarriesTheTask() {
        ModelSpec spec = spec(DataType.FLOAT, 0.3, List.of(new MmdLoss()));
        Random random = new Random(4);
        Batch source = batch(random, 0.0);
        INDArray xt = batch(random, TARGET_SHIFT).x;
        try (TransferModel original = TransferModel.initialise(spec.withEngine(engine))) {
            original.step(source.x, source.y, xt, Map.of("mmd", 1.0));
            byte[] bytes = original.snapshot().encode();
            ModelSnapshot decoded = ModelSnapshot.decode(bytes);
            assertEquals(Task.REGRESSION, decoded.task());
            try (TransferModel restored = TransferModel.restore(spec.withEngine(engine), decoded)) {
                assertEquals(original.predictOutputs(xt), restored.predictOutputs(xt));
                assertEquals(original.step(source.x, source.y, xt, Map.of("mmd", 1.0)),
                        restored.step(source.x, source.y, xt, Map.of("mmd", 1.0)));
                assertArrayEquals(original.snapshot().encode(), restored.snapshot().encode());
            }
            ModelSpec classifier = new ModelSpec(DIM, 2, List.of(16, 8), Activation.RELU, 0.3, 7L, DataType.FLOAT,
                    AdamSettings.withLearningRate(0.01), 5.0, new CrossEntropyLoss(), List.of(new MmdLoss()));
            IllegalArgumentException wrongTask = assertThrows(IllegalArgumentException.class,
                    () -> TransferModel.restore(classifier.withEngine(engine), decoded));
            assertTrue(wrongTask.getMessage().contains("regression"), wrongTask.getMessage());
        }
    }

    @Test
    @DisplayName("a version-1 snapshot (before regression) restores as a classifier")
    void versionOneSnapshotsRestoreAsClassification() {
        ModelSpec classifier = TestSpecs.smallWithMmd(5L, DataType.FLOAT, 0.0);
        try (TransferModel model = TransferModel.initialise(classifier.withEngine(engine))) {
            byte[] current = model.snapshot().encode();
            byte[] versionOne = versionOne(current);
            ModelSnapshot decoded = ModelSnapshot.decode(versionOne);
            assertEquals(Task.CLASSIFICATION, decoded.task());
            try (TransferModel restored = TransferModel.restore(classifier.withEngine(engine), decoded)) {
                assertArrayEquals(current, restored.snapshot().encode());
            }
        }
    }

    /** The version-1 form of a classification snapshot: version 1, no task field; the rest unchanged. */
    private static byte[] versionOne(byte[] versionTwo) {
        ByteBuffer in = ByteBuffer.wrap(versionTwo);
        int magic = in.getInt();
        assertEquals(2, in.getInt());
        int taskLength = in.getShort();
        in.position(in.position() + taskLength);
        ByteBuffer out = ByteBuffer.allocate(versionTwo.length - 2 - taskLength);
        out.putInt(magic).putInt(1).put(in);
        return out.array();
    }

    private static double targetMse(TransferModel model, Batch target) {
        return PlainMath.meanSquaredError(column(model.predictOutputs(target.x)), column(target.y));
    }

    private static double[][] column(INDArray values) {
        return column(values.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector());
    }

    private static double[][] column(double[] values) {
        double[][] column = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            column[i] = new double[] {values[i]};
        }
        return column;
    }

    private record Batch(INDArray x, double[] y) {
    }

    /** x ~ N(shift, 1) per feature, y = w·x + b + N(0, 0.1²): the same linear law in both domains (covariate shift). */
    static Batch batch(Random random, double shift) {
        double[][] x = PlainMath.gaussian(random, BATCH, DIM, shift);
        double[] y = new double[BATCH];
        for (int i = 0; i < BATCH; i++) {
            y[i] = BIAS + 0.1 * random.nextGaussian();
            for (int j = 0; j < DIM; j++) {
                y[i] += WEIGHTS[j] * x[i][j];
            }
        }
        return new Batch(TestSpecs.array(x, DataType.FLOAT), y);
    }
}
