package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.DomainInputs;
import io.kadapt.loss.DomainLoss;
import io.kadapt.loss.MmdLoss;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

@Tag("unit")
@ParameterizedClass(name = "{0}")
@EnumSource(value = EngineChoice.class, names = {"FAST", "SAMEDIFF"})
class NonFiniteAndClippingTest {

    private final EngineChoice engine;

    NonFiniteAndClippingTest(EngineChoice engine) {
        this.engine = engine;
    }

    private static final Map<String, Double> LAMBDAS = Map.of("mmd", 1.0);

    @Test
    @DisplayName("a NaN in the source batch skips the step and leaves parameters, Adam state and step untouched")
    void nanInputSkipsStep() {
        Random random = new Random(4);
        INDArray xs = TestSpecs.array(TestSpecs.gaussian(random, 8, 4, 0.0), DataType.FLOAT);
        INDArray xt = TestSpecs.array(TestSpecs.gaussian(random, 8, 4, 0.5), DataType.FLOAT);
        int[] ys = TestSpecs.labels(random, 8, 3);
        try (TransferModel model = TransferModel.initialise(TestSpecs.smallWithMmd(1L, DataType.FLOAT, 0.2)
                .withEngine(engine))) {
            assertTrue(model.step(xs, ys, xt, LAMBDAS).applied());
            byte[] before = model.snapshot().encode();

            INDArray poisoned = xs.dup();
            poisoned.putScalar(3, 2, Float.NaN);
            StepOutcome outcome = model.step(poisoned, ys, xt, LAMBDAS);

            assertFalse(outcome.applied());
            assertEquals(StepOutcome.NON_FINITE_LOSS, outcome.skipReason());
            assertTrue(Double.isNaN(outcome.supervisedLoss()));
            assertEquals(1, model.step());
            assertArrayEquals(before, model.snapshot().encode(), "parameters and Adam moments unchanged");
            model.parameters().values().forEach(p -> assertFalse(p.isNaN().any() || p.isInfinite().any()));
            assertTrue(model.step(xs, ys, xt, LAMBDAS).applied(), "a later clean batch trains again");
        }
    }

    @Test
    @DisplayName("a finite loss with a NaN gradient skips the step as non_finite_gradient")
    void nanGradientSkipsStep() {
        // √(0·Σf) is 0, but its derivative is ∞·0 = NaN: a finite value with a poisoned gradient.
        DomainLoss poisoned = new DomainLoss() {
            @Override
            public String name() {
                return "poisoned";
            }

            @Override
            public SDVariable define(SameDiff sd, DomainInputs in) {
                return sd.math().sqrt(in.targetFeatures().mul(0.0).sum());
            }
        };
        ModelSpec spec = TestSpecs.small(1L, DataType.FLOAT, 0.0, Activation.TANH, List.of(poisoned));
        Random random = new Random(4);
        INDArray xs = TestSpecs.array(TestSpecs.gaussian(random, 8, 4, 0.0), DataType.FLOAT);
        INDArray xt = TestSpecs.array(TestSpecs.gaussian(random, 8, 4, 0.5), DataType.FLOAT);
        // A term of its own: on auto the fast engine hands the model to SameDiff.
        EngineChoice choice = engine == EngineChoice.FAST ? EngineChoice.AUTO : engine;
        try (TransferModel model = TransferModel.initialise(spec.withEngine(choice))) {
            byte[] before = model.snapshot().encode();
            StepOutcome outcome = model.step(xs, TestSpecs.labels(random, 8, 3), xt, Map.of("poisoned", 1.0));
            assertFalse(outcome.applied());
            assertEquals(StepOutcome.NON_FINITE_GRADIENT, outcome.skipReason());
            assertTrue(Double.isFinite(outcome.totalLoss()));
            assertEquals(0, model.step());
            assertArrayEquals(before, model.snapshot().encode());
        }
    }

    @Test
    @DisplayName("the applied update is Adam's first step on the clipped gradient")
    void clipsToGlobalNorm() {
        double clip = 0.01;
        // With ε comparable to the gradient, Adam's first step lr·g/(|g|+ε) depends on |g|, so it tells
        // the clipped gradient apart from the raw one (with a tiny ε it would be ≈ lr·sign(g) either way).
        AdamSettings adam = new AdamSettings(0.1, 0.9, 0.999, 1e-3);
        ModelSpec clipped = spec(adam, clip);
        ModelSpec unclipped = spec(adam, 0.0);
        Random random = new Random(9);
        INDArray xs = TestSpecs.array(TestSpecs.gaussian(random, 8, 4, 0.0), DataType.DOUBLE).muli(50.0);
        INDArray xt = TestSpecs.array(TestSpecs.gaussian(random, 8, 4, 2.0), DataType.DOUBLE).muli(50.0);
        int[] ys = TestSpecs.labels(random, 8, 3);

        try (TransferModel model = TransferModel.initialise(clipped.withEngine(engine));
             TransferModel control = TransferModel.initialise(unclipped.withEngine(engine))) {
            Map<String, INDArray> before = model.parameters();
            Map<String, INDArray> gradients = model.gradients(xs, ys, xt, LAMBDAS);
            double norm = 0.0;
            for (INDArray g : gradients.values()) {
                norm += Math.pow(g.norm2Number().doubleValue(), 2);
            }
            norm = Math.sqrt(norm);
            assertTrue(norm > 100 * clip, "the gradient is far above the limit: " + norm);

            StepOutcome outcome = model.step(xs, ys, xt, LAMBDAS);
            assertTrue(outcome.applied());
            assertEquals(norm, outcome.gradientNorm(), 1e-9 * norm, "reported norm is before clipping");
            control.step(xs, ys, xt, LAMBDAS);

            Map<String, INDArray> after = model.parameters();
            Map<String, INDArray> afterControl = control.parameters();
            double scale = clip / norm;
            boolean controlDiffers = false;
            for (String name : before.keySet()) {
                double[] theta0 = before.get(name).data().asDouble();
                double[] g = gradients.get(name).data().asDouble();
                double[] expected = new double[g.length];
                for (int i = 0; i < g.length; i++) {
                    double gc = g[i] * scale;
                    // First Adam step: m̂ = g, v̂ = g², so Δθ = −lr·g/(|g| + ε).
                    expected[i] = theta0[i] - adam.learningRate() * gc / (Math.abs(gc) + adam.epsilon());
                }
                assertArrayEquals(expected, after.get(name).data().asDouble(), 1e-10, name);
                controlDiffers |= !afterControl.get(name).equals(after.get(name));
            }
            assertTrue(controlDiffers, "without clipping the update is different");
        }
    }

    private static ModelSpec spec(AdamSettings adam, double clip) {
        return new ModelSpec(4, 3, List.of(6, 3), Activation.RELU, 0.0, 2L, DataType.DOUBLE, adam, clip,
                new CrossEntropyLoss(), List.of(new MmdLoss()));
    }
}
