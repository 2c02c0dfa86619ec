package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.loss.ConditionalAdversarialLoss;
import io.kadapt.loss.CoralLoss;
import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.DomainAdversarialLoss;
import io.kadapt.loss.DomainLoss;
import io.kadapt.loss.FocalLoss;
import io.kadapt.loss.InformationMaximizationLoss;
import io.kadapt.loss.MeanSquaredErrorLoss;
import io.kadapt.loss.MmdLoss;
import io.kadapt.loss.MultiMarginLoss;
import io.kadapt.loss.PseudoLabelLoss;
import io.kadapt.loss.SupervisedLoss;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The hand-written engine against the SameDiff engine, term by term: the same spec, the same parameters (moved away
 * from initialisation by random noise, so biases are not zero), the same batches of several shapes → the same loss
 * values, monitor, logits and every gradient, to 1e-4 relative in float and 1e-8 in double. The error of an array is
 * max |fast − samediff| / max |samediff|; in float, see {@link Agreement}.
 */
@Tag("unit")
class EngineAgreementTest {

    private static final int[][] SHAPES = {{7, 5}, {16, 16}, {3, 10}, {2, 9}};
    /**
     * SameDiff M2.1's backward pass of the linear estimator's row slicing fails (strided_slice_bp) or is wrong when a
     * batch has more rows than the quadruples use beyond one; those shapes are checked against finite differences
     * in {@link FastEngineGradientCheckTest}.
     */
    private static final int[][] LINEAR_SHAPES = {{7, 5}, {16, 16}, {4, 4}};

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        MmdLoss median = new MmdLoss(MmdLoss.Bandwidth.MEDIAN, MmdLoss.Estimator.QUADRATIC, 0.5, 1.0, 3.0);
        MmdLoss linear = new MmdLoss(MmdLoss.Bandwidth.MEAN, MmdLoss.Estimator.LINEAR, MmdLoss.defaultMultipliers());
        MmdLoss linearMedian = new MmdLoss(MmdLoss.Bandwidth.MEDIAN, MmdLoss.Estimator.LINEAR, 1.0, 2.0);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        Map<String, Object[]> named = new LinkedHashMap<>();
        named.put("ce", new Object[] {ce, List.of()});
        named.put("ce smoothed weighted", new Object[] {new CrossEntropyLoss(0.1, new double[] {1.0, 3.0, 0.5}),
            List.of()});
        named.put("focal", new Object[] {new FocalLoss(2.0, new double[] {0.5, 1.0, 2.0}), List.of()});
        named.put("focal gamma 0", new Object[] {new FocalLoss(0.0, null), List.of()});
        named.put("hinge", new Object[] {new MultiMarginLoss(1.0), List.of()});
        named.put("mmd", new Object[] {ce, List.of(new MmdLoss())});
        named.put("mmd median", new Object[] {ce, List.of(median)});
        named.put("mmd linear", new Object[] {ce, List.of(linear)});
        named.put("mmd linear median", new Object[] {ce, List.of(linearMedian)});
        named.put("coral", new Object[] {ce, List.of(new CoralLoss())});
        named.put("dann", new Object[] {ce, List.of(new DomainAdversarialLoss(3, 5))});
        named.put("cdan", new Object[] {ce, List.of(new ConditionalAdversarialLoss(3, 3, 5))});
        named.put("entropy", new Object[] {ce, List.of(new InformationMaximizationLoss(1.0))});
        named.put("entropy beta 0", new Object[] {ce, List.of(new InformationMaximizationLoss(0.0))});
        named.put("pseudo_label", new Object[] {ce, List.of(new PseudoLabelLoss(0.4))});
        named.put("all", new Object[] {new CrossEntropyLoss(0.2, null), List.of(new MmdLoss(), new CoralLoss(),
            new DomainAdversarialLoss(3, 4), new ConditionalAdversarialLoss(3, 3, 4),
            new InformationMaximizationLoss(0.5), new PseudoLabelLoss(0.3))});
        for (DataType dtype : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            named.forEach((name, c) -> cases.add(Arguments.of(name, dtype, c[0], c[1])));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    @DisplayName("values and every gradient agree with SameDiff on batches of several shapes")
    void termsAgree(String name, DataType dtype, SupervisedLoss supervised, List<DomainLoss> terms) {
        ModelSpec spec = new ModelSpec(4, 3, List.of(6, 3), Activation.TANH, 0.0, 17L, dtype,
                AdamSettings.withLearningRate(0.01), 0.0, supervised, terms);
        boolean linear = terms.stream().anyMatch(t -> t instanceof MmdLoss m
                && m.estimator() == MmdLoss.Estimator.LINEAR);
        for (int[] shape : linear ? LINEAR_SHAPES : SHAPES) {
            compare(spec, shape[0], shape[1], 0.7);
        }
    }

    @ParameterizedTest(name = "{0} dropout {1}")
    @MethodSource("activations")
    @DisplayName("every activation, with and without dropout (the same masks), agrees with SameDiff")
    void activationsAndDropoutAgree(Activation activation, double dropout) {
        for (DataType dtype : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            ModelSpec spec = new ModelSpec(5, 4, List.of(8, 7, 6), activation, dropout, 23L, dtype,
                    AdamSettings.withLearningRate(0.01), 0.0, new CrossEntropyLoss(), List.of(new MmdLoss()));
            for (int[] shape : SHAPES) {
                compare(spec, shape[0], shape[1], 1.3);
            }
        }
    }

    static Stream<Arguments> activations() {
        return Stream.of(Activation.values()).flatMap(a -> Stream.of(Arguments.of(a, 0.0), Arguments.of(a, 0.3)));
    }

    @Test
    @DisplayName("regression (mse, with mmd, coral and dann) agrees with SameDiff")
    void regressionAgrees() {
        for (DataType dtype : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            ModelSpec spec = new ModelSpec(4, 1, List.of(6, 3), Activation.RELU, 0.2, 5L, dtype,
                    AdamSettings.withLearningRate(0.01), 0.0, new MeanSquaredErrorLoss(), List.of(new MmdLoss(),
                    new CoralLoss(), new DomainAdversarialLoss(3, 4)));
            for (int[] shape : SHAPES) {
                compare(spec, shape[0], shape[1], 0.5);
            }
        }
    }

    @Test
    @DisplayName("one hidden layer (the features are the first layer's output) agrees with SameDiff")
    void oneHiddenLayerAgrees() {
        for (DataType dtype : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            ModelSpec spec = new ModelSpec(4, 3, List.of(5), Activation.TANH, 0.2, 8L, dtype,
                    AdamSettings.withLearningRate(0.01), 0.0, new CrossEntropyLoss(), List.of(new CoralLoss(),
                    new DomainAdversarialLoss(5, 4), new MmdLoss()));
            for (int[] shape : SHAPES) {
                compare(spec, shape[0], shape[1], 0.6);
            }
        }
    }

    @Test
    @DisplayName("initial parameters, their names and shapes are the same on both engines")
    void sameInitialisation() {
        ModelSpec spec = new ModelSpec(4, 3, List.of(6, 3), Activation.RELU, 0.0, 3L, DataType.FLOAT,
                AdamSettings.withLearningRate(0.01), 0.0, new CrossEntropyLoss(), List.of(
                new DomainAdversarialLoss(3, 5), new ConditionalAdversarialLoss(3, 3, 4), new MmdLoss()));
        try (SameDiffEngine reference = new SameDiffEngine(spec); FastEngine fast = new FastEngine(spec)) {
            assertEquals(List.copyOf(reference.parameters().keySet()), List.copyOf(fast.parameters().keySet()));
            reference.parameters().forEach((name, p) -> {
                assertArrayEquals(p.shape(), fast.parameters().get(name).shape(), name);
                assertEquals(p, fast.parameters().get(name), name);
            });
        }
    }

    @Test
    @DisplayName("predictions agree with SameDiff's graph, batched and single-row")
    void predictionsAgree() {
        ModelSpec spec = new ModelSpec(4, 3, List.of(6, 5), Activation.ELU, 0.3, 3L, DataType.DOUBLE,
                AdamSettings.withLearningRate(0.01), 0.0, new CrossEntropyLoss(), List.of());
        try (SameDiffEngine reference = new SameDiffEngine(spec); FastEngine fast = new FastEngine(spec)) {
            perturb(reference, fast, new Random(4), spec.dataType());
            Random random = new Random(9);
            for (int rows : new int[] {1, 64, 3}) {
                INDArray x = TestSpecs.array(TestSpecs.gaussian(random, rows, 4, 0.0), DataType.DOUBLE);
                assertTrue(relativeError(fast.predict(x), reference.predictWithGraph(x)) < 1e-12, "rows " + rows);
                // an input in Fortran order takes ND4J's gemm instead of the direct BLAS call
                assertTrue(relativeError(fast.predict(x.dup('f')), reference.predictWithGraph(x)) < 1e-12,
                        "rows " + rows + ", f order");
            }
        }
    }

    private static void compare(ModelSpec spec, int ns, int nt, double lambda) {
        boolean isFloat = spec.dataType() == DataType.FLOAT;
        // In double the engines differ by summation order only, and by SameDiff's leaky-ReLU slope, a float 0.01.
        double tolerance = isFloat ? 1e-4 : 1e-8;
        ModelSpec inDouble = new ModelSpec(spec.inputDim(), spec.numClasses(), spec.hiddenLayers(),
                spec.activation(), spec.dropout(), spec.seed(), DataType.DOUBLE, spec.adam(),
                spec.gradientClipNorm(), spec.supervisedLoss(), spec.domainLosses());
        try (SameDiffEngine reference = new SameDiffEngine(spec); FastEngine fast = new FastEngine(spec);
             SameDiffEngine exact = isFloat ? new SameDiffEngine(inDouble) : null) {
            Random random = new Random(31L * ns + nt);
            perturb(reference, fast, random, spec.dataType());
            if (exact != null) {
                exact.parameters().forEach((name, p) -> p.assign(reference.parameters().get(name)
                        .castTo(DataType.DOUBLE)));
            }
            for (int step = 0; step < 2; step++) { // two steps: two sets of dropout masks
                StepInputs inputs = inputs(spec, random, ns, nt, lambda, step);
                StepComputation expected = reference.compute(inputs);
                StepComputation actual = fast.compute(inputs);
                StepComputation truth = exact == null ? null : exact.compute(new StepInputs(
                        inputs.sourceX().castTo(DataType.DOUBLE), inputs.sourceLabels().castTo(DataType.DOUBLE),
                        inputs.targetX().castTo(DataType.DOUBLE), inputs.lambdas(), inputs.step()));
                String where = spec.supervisedLoss().name() + " " + spec.domainLosses() + " " + spec.dataType() + " "
                        + ns + "+" + nt + " step " + step;
                Agreement agreement = new Agreement(tolerance, where);
                agreement.scalar("supervised loss", actual.supervisedLoss(), expected.supervisedLoss(),
                        truth == null ? null : truth.supervisedLoss());
                agreement.scalar("total loss", actual.totalLoss(), expected.totalLoss(),
                        truth == null ? null : truth.totalLoss());
                agreement.scalar("mmd monitor", actual.mmd(), expected.mmd(), truth == null ? null : truth.mmd());
                assertEquals(expected.domainLosses().keySet(), actual.domainLosses().keySet());
                for (String term : expected.domainLosses().keySet()) {
                    agreement.scalar(term, actual.domainLosses().get(term), expected.domainLosses().get(term),
                            truth == null ? null : truth.domainLosses().get(term));
                }
                agreement.array("source logits", actual.sourceLogits(), expected.sourceLogits(),
                        truth == null ? null : truth.sourceLogits());
                agreement.array("target logits", actual.targetLogits(), expected.targetLogits(),
                        truth == null ? null : truth.targetLogits());
                assertEquals(expected.gradients().keySet(), actual.gradients().keySet());
                for (String name : expected.gradients().keySet()) {
                    agreement.array("gradient " + name, actual.gradients().get(name), expected.gradients().get(name),
                            truth == null ? null : truth.gradients().get(name));
                }
            }
        }
    }

    /**
     * fast ≈ samediff to the tolerance; in float, where the two differ by more, both carry float rounding (a
     * distance ‖a‖² + ‖b‖² − 2a·b of close features, a bias gradient summed with cancellation), so the fast engine
     * passes when it is within the tolerance of the double-precision SameDiff result, or no further from it than
     * twice SameDiff's own float error.
     */
    private record Agreement(double tolerance, String where) {
        void scalar(String what, double fast, double samediff, Double exact) {
            if (Math.abs(fast - samediff) <= tolerance * Math.max(Math.abs(samediff), 1e-6)) {
                return;
            }
            assertTrue(exact != null && Math.abs(fast - exact) <= Math.max(tolerance * Math.abs(exact),
                    2 * Math.abs(samediff - exact)), where + " " + what + ": samediff " + samediff + ", fast " + fast
                    + (exact == null ? "" : ", double " + exact));
        }

        void array(String what, INDArray fast, INDArray samediff, INDArray exact) {
            double error = relativeError(fast, samediff);
            if (error <= tolerance) {
                return;
            }
            assertTrue(exact != null && difference(fast, exact) <= Math.max(tolerance
                    * exact.amaxNumber().doubleValue(), 2 * difference(samediff, exact)), where + " " + what
                    + ": relative error " + error + (exact == null ? "" : "; from double: fast "
                    + difference(fast, exact) + ", samediff " + difference(samediff, exact) + ", largest "
                    + exact.amaxNumber()) + "\nsamediff " + samediff + "\nfast " + fast
                    + (exact == null ? "" : "\ndouble " + exact));
        }
    }

    /** Moves both engines' parameters to the same random point near initialisation. */
    private static void perturb(TransferEngine reference, TransferEngine fast, Random random, DataType dtype) {
        reference.parameters().forEach((name, p) -> {
            double[] noise = new double[(int) p.length()];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = 0.3 * random.nextGaussian();
            }
            INDArray moved = p.castTo(DataType.DOUBLE).reshape(-1).add(Nd4j.createFromArray(noise))
                    .castTo(dtype).reshape(p.shape());
            p.assign(moved);
            fast.parameters().get(name).assign(moved);
        });
    }

    private static StepInputs inputs(ModelSpec spec, Random random, int ns, int nt, double lambda, long step) {
        INDArray xs = TestSpecs.array(TestSpecs.gaussian(random, ns, spec.inputDim(), 0.0), spec.dataType());
        INDArray xt = TestSpecs.array(TestSpecs.gaussian(random, nt, spec.inputDim(), 0.8), spec.dataType());
        double[] ys = new double[ns];
        for (int i = 0; i < ns; i++) {
            ys[i] = spec.numClasses() == 1 ? random.nextGaussian() : random.nextInt(spec.numClasses());
        }
        Map<String, Double> lambdas = new LinkedHashMap<>();
        spec.domainLosses().forEach(term -> lambdas.put(term.name(), lambda));
        return new StepInputs(xs, OutputHead.of(spec).labels(ys, spec.dataType()), xt, lambdas, step);
    }

    static double relativeError(INDArray actual, INDArray expected) {
        return difference(actual, expected) / Math.max(expected.amaxNumber().doubleValue(), 1e-6);
    }

    private static double difference(INDArray actual, INDArray expected) {
        INDArray a = actual.castTo(DataType.DOUBLE);
        return a.sub(expected.castTo(DataType.DOUBLE).reshape(a.shape())).amaxNumber().doubleValue();
    }
}
