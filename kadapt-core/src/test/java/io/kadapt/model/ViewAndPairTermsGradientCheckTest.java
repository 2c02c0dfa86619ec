package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.loss.ConsistencyLoss;
import io.kadapt.loss.ContrastiveLoss;
import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.ReferenceTerms;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The model's gradients of ℓ + λ_c·consistency + λ_k·contrastive against central finite differences of a plain-Java
 * forward pass: checks the perturbed-view path (noise placeholder, x + σ·ε through the shared weights) and the
 * source labels reaching the contrastive term, not just the terms in isolation. And the perturbed view, like the
 * dropout masks, is a function of (seed, step): a restored model continues bit-identically.
 */
@Tag("unit")
class ViewAndPairTermsGradientCheckTest {

    private static final double NOISE_STD = 0.4;
    private static final double MARGIN = 1.5;
    private static final Map<String, Double> LAMBDAS = Map.of("consistency", 0.7, "contrastive", 0.6);
    private static final double STEP = 1e-6;
    private static final double MAX_RELATIVE_ERROR = 1e-5;
    private static final double ABSOLUTE_NOISE = 1e-9;

    private static ModelSpec spec(DataType dtype, double dropout, Activation activation) {
        return new ModelSpec(4, 3, List.of(6, 3), activation, dropout, 17L, dtype,
                AdamSettings.withLearningRate(0.01), 0.0, new CrossEntropyLoss(),
                List.of(new ConsistencyLoss(NOISE_STD), new ContrastiveLoss(MARGIN)));
    }

    @Test
    @DisplayName("every parameter's gradient matches finite differences (clean view detached)")
    void gradientsMatchFiniteDifferences() {
        ModelSpec spec = spec(DataType.DOUBLE, 0.0, Activation.TANH);
        Random random = new Random(4);
        double[][] xs = TestSpecs.gaussian(random, 7, 4, 0.0);
        double[][] xt = TestSpecs.gaussian(random, 5, 4, 1.0);
        int[] ys = TestSpecs.labels(random, 7, 3);
        try (TransferModel model = TransferModel.initialise(spec)) {
            for (int i = 0; i < 3; i++) {
                model.step(TestSpecs.array(xs, DataType.DOUBLE), ys, TestSpecs.array(xt, DataType.DOUBLE), LAMBDAS);
            }
            Map<String, INDArray> gradients = model.gradients(TestSpecs.array(xs, DataType.DOUBLE), ys,
                    TestSpecs.array(xt, DataType.DOUBLE), LAMBDAS);
            // The view of this step: without dropout the noise is the step generator's first draw.
            double[][] noise = StandardNormal.matrix(DropoutMasks.generatorFor(spec.seed(), model.step()), 5, 4,
                    DataType.DOUBLE).toDoubleMatrix();
            double[][] view = new double[5][4];
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 4; j++) {
                    view[i][j] = xt[i][j] + NOISE_STD * noise[i][j];
                }
            }
            ReferenceForward reference = new ReferenceForward(model.parameters(), 2);
            double[][] frozenClean = ReferenceTerms.softmax(reference.logits(xt));
            try (TransferModel copy = TransferModel.restore(spec, model.snapshot())) {
                StepOutcome outcome = copy.step(TestSpecs.array(xs, DataType.DOUBLE), ys,
                        TestSpecs.array(xt, DataType.DOUBLE), LAMBDAS);
                assertEquals(loss(reference, xs, ys, view, frozenClean), outcome.totalLoss(), 1e-12,
                        "the oracle computes the model's loss");
            }
            List<String> failures = new ArrayList<>();
            int liveMismatches = 0;
            for (Map.Entry<String, double[]> entry : reference.parameters().entrySet()) {
                double[] values = entry.getValue();
                double[] analytic = gradients.get(entry.getKey()).dup('c').data().asDouble();
                for (int index = 0; index < values.length; index++) {
                    double saved = values[index];
                    values[index] = saved + STEP;
                    double plus = loss(reference, xs, ys, view, frozenClean);
                    double plusLive = loss(reference, xs, ys, view, ReferenceTerms.softmax(reference.logits(xt)));
                    values[index] = saved - STEP;
                    double minus = loss(reference, xs, ys, view, frozenClean);
                    double minusLive = loss(reference, xs, ys, view, ReferenceTerms.softmax(reference.logits(xt)));
                    values[index] = saved;
                    double numeric = (plus - minus) / (2 * STEP);
                    if (!close(analytic[index], numeric)) {
                        failures.add(entry.getKey() + "[" + index + "]: analytic " + analytic[index] + " vs numeric "
                                + numeric);
                    }
                    liveMismatches += close(analytic[index], (plusLive - minusLive) / (2 * STEP)) ? 0 : 1;
                }
            }
            assertTrue(failures.isEmpty(), String.join("\n", failures));
            assertTrue(liveMismatches > 0, "negative control: a clean view that is not detached differs measurably");
        }
    }

    @Test
    @DisplayName("with dropout and input noise, a restored model's next step is bit-identical")
    void restoredModelDrawsTheSameView() {
        ModelSpec spec = spec(DataType.FLOAT, 0.3, Activation.RELU);
        Random random = new Random(5);
        INDArray xs = TestSpecs.array(TestSpecs.gaussian(random, 9, 4, 0.0), DataType.FLOAT);
        INDArray xt = TestSpecs.array(TestSpecs.gaussian(random, 6, 4, 0.7), DataType.FLOAT);
        int[] ys = TestSpecs.labels(random, 9, 3);
        try (TransferModel original = TransferModel.initialise(spec)) {
            for (int i = 0; i < 3; i++) {
                original.step(xs, ys, xt, LAMBDAS);
            }
            try (TransferModel restored = TransferModel.restore(spec, ModelSnapshot.decode(
                    original.snapshot().encode()))) {
                StepOutcome a = original.step(xs, ys, xt, LAMBDAS);
                StepOutcome b = restored.step(xs, ys, xt, LAMBDAS);
                assertTrue(a.applied() && a.domainLossValues().get("consistency") > 0, "the views differ: " + a);
                assertEquals(a, b);
                assertArrayEquals(original.snapshot().encode(), restored.snapshot().encode());
                StepOutcome c = original.step(xs, ys, xt, LAMBDAS);
                assertTrue(!c.domainLossValues().get("consistency").equals(a.domainLossValues().get("consistency")),
                        "a new step draws a new view");
            }
        }
    }

    private static double loss(ReferenceForward reference, double[][] xs, int[] ys, double[][] view,
                               double[][] clean) {
        return reference.crossEntropy(xs, ys)
                + LAMBDAS.get("consistency") * ReferenceTerms.consistency(clean, reference.logits(view))
                + LAMBDAS.get("contrastive") * ReferenceTerms.contrastive(reference.features(xs), ys, MARGIN);
    }

    private static boolean close(double analytic, double numeric) {
        double difference = Math.abs(analytic - numeric);
        return difference <= ABSOLUTE_NOISE
                || difference <= MAX_RELATIVE_ERROR * Math.max(Math.abs(analytic), Math.abs(numeric));
    }
}
