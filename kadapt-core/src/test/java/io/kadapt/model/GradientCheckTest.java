package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.loss.MeanSquaredErrorLoss;
import io.kadapt.loss.MmdLoss;
import io.kadapt.loss.ReferenceMmd;
import java.util.ArrayList;
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

/**
 * SameDiff's gradients of the full loss ℓ + λ·MMD² against central finite differences of an independent plain-Java
 * forward pass. Tanh keeps the loss smooth; DOUBLE keeps the differences accurate.
 */
@Tag("unit")
@ParameterizedClass(name = "{0}")
@EnumSource(value = EngineChoice.class, names = {"FAST", "SAMEDIFF"})
class GradientCheckTest {

    private final EngineChoice engine;

    GradientCheckTest(EngineChoice engine) {
        this.engine = engine;
    }

    private static final double LAMBDA = 0.8;
    private static final double STEP = 1e-6;
    private static final double MAX_RELATIVE_ERROR = 1e-5;
    /** Differences this small are finite-difference noise (≈ 1e-16·|L|/h), not gradient errors. */
    private static final double ABSOLUTE_NOISE = 1e-9;
    private static final int ENTRIES_PER_ARRAY = 12;

    @Test
    @DisplayName("every parameter array's gradient matches finite differences (bandwidth detached)")
    void gradientsMatchFiniteDifferences() {
        ModelSpec spec = TestSpecs.small(3L, DataType.DOUBLE, 0.0, Activation.TANH, List.of(new MmdLoss()));
        Random random = new Random(11);
        double[][] xs = TestSpecs.gaussian(random, 7, 4, 0.0);
        double[][] xt = TestSpecs.gaussian(random, 5, 4, 1.0);
        int[] ys = TestSpecs.labels(random, 7, 3);
        Map<String, Double> lambdas = Map.of("mmd", LAMBDA);

        try (TransferModel model = TransferModel.initialise(spec.withEngine(engine))) {
            // Move away from the zero biases of initialisation, so their gradients are generic.
            for (int i = 0; i < 3; i++) {
                model.step(TestSpecs.array(xs, DataType.DOUBLE), ys, TestSpecs.array(xt, DataType.DOUBLE), lambdas);
            }
            Map<String, INDArray> gradients = model.gradients(TestSpecs.array(xs, DataType.DOUBLE), ys,
                    TestSpecs.array(xt, DataType.DOUBLE), lambdas);
            ReferenceForward reference = new ReferenceForward(model.parameters(), 2);
            double[] multipliers = MmdLoss.defaultMultipliers();
            // The model stops the gradient at the bandwidth, so the function it differentiates is the loss with
            // the bandwidth frozen at its value at the current parameters.
            double frozenBase = ReferenceMmd.bandwidthBase(reference.features(xs), reference.features(xt));

            double referenceLoss = reference.loss(xs, ys, xt, LAMBDA, multipliers, null);
            try (TransferModel copy = TransferModel.restore(spec.withEngine(engine), model.snapshot())) {
                StepOutcome outcome = copy.step(TestSpecs.array(xs, DataType.DOUBLE), ys,
                        TestSpecs.array(xt, DataType.DOUBLE), lambdas);
                assertEquals(referenceLoss, outcome.totalLoss(), 1e-12, "the oracle computes the model's loss");
            }

            assertEquals(6, gradients.size(), "hidden_0, hidden_1 and classifier weights and biases");
            List<String> failures = new ArrayList<>();
            int detachedMismatches = 0;
            Random pick = new Random(5);
            for (Map.Entry<String, double[]> entry : reference.parameters().entrySet()) {
                double[] values = entry.getValue();
                double[] analytic = gradients.get(entry.getKey()).dup('c').data().asDouble();
                for (int index : sampleIndices(values.length, pick)) {
                    double saved = values[index];
                    values[index] = saved + STEP;
                    double plus = reference.loss(xs, ys, xt, LAMBDA, multipliers, frozenBase);
                    double plusLive = reference.loss(xs, ys, xt, LAMBDA, multipliers, null);
                    values[index] = saved - STEP;
                    double minus = reference.loss(xs, ys, xt, LAMBDA, multipliers, frozenBase);
                    double minusLive = reference.loss(xs, ys, xt, LAMBDA, multipliers, null);
                    values[index] = saved;

                    double numeric = (plus - minus) / (2 * STEP);
                    if (!close(analytic[index], numeric)) {
                        failures.add(entry.getKey() + "[" + index + "]: analytic " + analytic[index]
                                + " vs numeric " + numeric);
                    }
                    if (!close(analytic[index], (plusLive - minusLive) / (2 * STEP))) {
                        detachedMismatches++;
                    }
                }
            }
            assertTrue(failures.isEmpty(), String.join("\n", failures));
            // Negative control: had the bandwidth not been detached, this check would have failed.
            assertTrue(detachedMismatches > 0, "a live bandwidth gives a measurably different gradient");
        }
    }

    @Test
    @DisplayName("regression head: every gradient of MSE + λ·MMD² matches finite differences of a plain-Java MSE")
    void regressionGradientsMatchFiniteDifferences() {
        ModelSpec spec = new ModelSpec(4, 1, List.of(6, 3), Activation.TANH, 0.0, 3L, DataType.DOUBLE,
                AdamSettings.withLearningRate(0.01), 0.0, new MeanSquaredErrorLoss(), List.of(new MmdLoss()));
        Random random = new Random(12);
        double[][] xs = TestSpecs.gaussian(random, 7, 4, 0.0);
        double[][] xt = TestSpecs.gaussian(random, 5, 4, 1.0);
        double[] ys = random.doubles(7, -2, 2).toArray();
        Map<String, Double> lambdas = Map.of("mmd", LAMBDA);
        INDArray xsArray = TestSpecs.array(xs, DataType.DOUBLE);
        INDArray xtArray = TestSpecs.array(xt, DataType.DOUBLE);
        try (TransferModel model = TransferModel.initialise(spec)) {
            for (int i = 0; i < 3; i++) {
                model.step(xsArray, ys, xtArray, lambdas);
            }
            Map<String, INDArray> gradients = model.gradients(xsArray, ys, xtArray, lambdas);
            ReferenceForward reference = new ReferenceForward(model.parameters(), 2);
            double[] multipliers = MmdLoss.defaultMultipliers();
            double frozenBase = ReferenceMmd.bandwidthBase(reference.features(xs), reference.features(xt));
            double referenceLoss = reference.regressionLoss(xs, ys, xt, LAMBDA, multipliers, null);
            try (TransferModel copy = TransferModel.restore(spec, model.snapshot())) {
                StepOutcome outcome = copy.step(xsArray, ys, xtArray, lambdas);
                assertEquals(referenceLoss, outcome.totalLoss(), 1e-12, "the oracle computes the model's loss");
            }
            assertEquals(6, gradients.size(), "hidden_0, hidden_1 and the one-output head, weights and biases");
            List<String> failures = new ArrayList<>();
            Random pick = new Random(6);
            for (Map.Entry<String, double[]> entry : reference.parameters().entrySet()) {
                double[] values = entry.getValue();
                double[] analytic = gradients.get(entry.getKey()).dup('c').data().asDouble();
                for (int index : sampleIndices(values.length, pick)) {
                    double saved = values[index];
                    values[index] = saved + STEP;
                    double plus = reference.regressionLoss(xs, ys, xt, LAMBDA, multipliers, frozenBase);
                    values[index] = saved - STEP;
                    double minus = reference.regressionLoss(xs, ys, xt, LAMBDA, multipliers, frozenBase);
                    values[index] = saved;
                    double numeric = (plus - minus) / (2 * STEP);
                    if (!close(analytic[index], numeric)) {
                        failures.add(entry.getKey() + "[" + index + "]: analytic " + analytic[index]
                                + " vs numeric " + numeric);
                    }
                }
            }
            assertTrue(failures.isEmpty(), String.join("\n", failures));
        }
    }

    private static boolean close(double analytic, double numeric) {
        double difference = Math.abs(analytic - numeric);
        return difference <= ABSOLUTE_NOISE
                || difference <= MAX_RELATIVE_ERROR * Math.max(Math.abs(analytic), Math.abs(numeric));
    }

    private static int[] sampleIndices(int length, Random random) {
        if (length <= ENTRIES_PER_ARRAY) {
            int[] all = new int[length];
            for (int i = 0; i < length; i++) {
                all[i] = i;
            }
            return all;
        }
        return random.ints(0, length).distinct().limit(ENTRIES_PER_ARRAY).toArray();
    }
}
