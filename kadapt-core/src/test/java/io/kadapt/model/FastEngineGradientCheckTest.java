package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.kadapt.loss.ReferenceMmd;
import io.kadapt.loss.SupervisedLoss;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The hand-written engine's gradients against central finite differences in double, on batch shapes the SameDiff
 * comparison cannot use (one-row batches; the linear estimator on uneven batches, where SameDiff's own backward pass
 * fails). Terms without a detached quantity are differenced through the engine's own loss value (itself checked
 * against SameDiff); the MMD estimators, whose bandwidth is detached, through the plain-Java oracle with the
 * bandwidth frozen.
 */
@Tag("unit")
class FastEngineGradientCheckTest {

    private static final double STEP = 1e-6;
    private static final double MAX_RELATIVE_ERROR = 1e-5;
    private static final double ABSOLUTE_NOISE = 1e-9;
    private static final int ENTRIES_PER_ARRAY = 10;
    private static final int[][] SHAPES = {{1, 1}, {3, 10}, {2, 9}, {6, 4}, {1, 5}};

    static Stream<Arguments> terms() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of(new CrossEntropyLoss(0.1, new double[] {1.0, 2.0, 0.5}), List.of(), Activation.TANH,
                0.0));
        cases.add(Arguments.of(new FocalLoss(2.0, new double[] {0.5, 1.0, 2.0}), List.of(), Activation.SIGMOID, 0.2));
        cases.add(Arguments.of(new MultiMarginLoss(0.7), List.of(), Activation.ELU, 0.0));
        cases.add(Arguments.of(new CrossEntropyLoss(), List.of(new CoralLoss()), Activation.TANH, 0.3));
        cases.add(Arguments.of(new CrossEntropyLoss(), List.of(new DomainAdversarialLoss(3, 4)), Activation.TANH,
                0.0));
        cases.add(Arguments.of(new CrossEntropyLoss(), List.of(new InformationMaximizationLoss(1.0)),
                Activation.LEAKY_RELU, 0.0));
        cases.add(Arguments.of(new CrossEntropyLoss(), List.of(new PseudoLabelLoss(0.0)), Activation.TANH, 0.0));
        cases.add(Arguments.of(new MeanSquaredErrorLoss(), List.of(new CoralLoss(), new DomainAdversarialLoss(3, 4)),
                Activation.TANH, 0.2));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} dropout {3}")
    @MethodSource("terms")
    @DisplayName("gradients of terms without detached parts match finite differences of the engine's loss")
    void gradientsMatchFiniteDifferences(SupervisedLoss supervised, List<DomainLoss> terms, Activation activation,
                                         double dropout) {
        int classes = supervised instanceof MeanSquaredErrorLoss ? 1 : 3;
        ModelSpec spec = new ModelSpec(4, classes, List.of(5, 3), activation, dropout, 13L, DataType.DOUBLE,
                AdamSettings.withLearningRate(0.01), 0.0, supervised, terms, EngineChoice.FAST);
        for (int[] shape : SHAPES) {
            try (FastEngine engine = new FastEngine(spec)) {
                Random random = new Random(7L * shape[0] + shape[1]);
                shift(engine, random);
                StepInputs inputs = inputs(spec, random, shape[0], shape[1]);
                Map<String, INDArray> analytic = copies(engine.compute(inputs).gradients());
                // Behind the gradient reversal the features descend ℓ − λ·d_dann (the classifier: ℓ + λ·d_dann).
                DoubleSupplier total = () -> engine.compute(inputs).totalLoss();
                DoubleSupplier reversed = () -> {
                    StepComputation c = engine.compute(inputs);
                    Double dann = c.domainLosses().get("dann");
                    return dann == null ? c.totalLoss() : c.totalLoss() - 2 * inputs.lambdas().get("dann") * dann;
                };
                check(engine, analytic, name -> name.startsWith("dann/") ? total : reversed, random,
                        spec.domainLosses() + " " + shape[0] + "+" + shape[1]);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("estimators")
    @DisplayName("mmd gradients match finite differences of the oracle with the bandwidth frozen, uneven batches")
    void mmdGradientsMatchFiniteDifferences(MmdLoss.Estimator estimator, MmdLoss.Bandwidth bandwidth) {
        double[] multipliers = {0.5, 1.0, 2.0};
        double lambda = 0.9;
        MmdLoss mmd = new MmdLoss(bandwidth, estimator, multipliers);
        ModelSpec spec = new ModelSpec(4, 3, List.of(5, 3), Activation.TANH, 0.0, 13L, DataType.DOUBLE,
                AdamSettings.withLearningRate(0.01), 0.0, new CrossEntropyLoss(), List.of(mmd), EngineChoice.FAST);
        boolean median = bandwidth == MmdLoss.Bandwidth.MEDIAN;
        for (int[] shape : SHAPES) {
            if (estimator == MmdLoss.Estimator.QUADRATIC ? shape[0] + shape[1] < 3 : Math.min(shape[0], shape[1]) < 2) {
                continue; // one pair: no constant bandwidth to freeze; one row: the oracle has no quadruple
            }
            try (FastEngine engine = new FastEngine(spec)) {
                Random random = new Random(5L * shape[0] + shape[1]);
                shift(engine, random);
                double[][] xs = TestSpecs.gaussian(random, shape[0], 4, 0.0);
                double[][] xt = TestSpecs.gaussian(random, shape[1], 4, 1.0);
                int[] ys = TestSpecs.labels(random, shape[0], 3);
                double[] labels = java.util.Arrays.stream(ys).asDoubleStream().toArray();
                StepInputs inputs = new StepInputs(TestSpecs.array(xs, DataType.DOUBLE),
                        OutputHead.of(spec).labels(labels, DataType.DOUBLE), TestSpecs.array(xt, DataType.DOUBLE),
                        Map.of("mmd", lambda), 0);
                Map<String, INDArray> analytic = copies(engine.compute(inputs).gradients());
                ReferenceForward reference = new ReferenceForward(engine.parameters(), 2);
                double[][] fs = reference.features(xs);
                double[][] ft = reference.features(xt);
                double base = estimator == MmdLoss.Estimator.LINEAR ? ReferenceMmd.linearBandwidthBase(fs, ft, median)
                        : median ? ReferenceMmd.medianBandwidthBase(fs, ft) : ReferenceMmd.bandwidthBase(fs, ft);
                DoubleSupplier loss = () -> {
                    double[][] s = reference.features(xs);
                    double[][] t = reference.features(xt);
                    double d = estimator == MmdLoss.Estimator.LINEAR
                            ? ReferenceMmd.linearMmd2WithBase(s, t, multipliers, base)
                            : ReferenceMmd.mmd2(s, t, multipliers, base);
                    return reference.crossEntropy(xs, ys) + lambda * d;
                };
                checkReference(reference, analytic, loss, random, estimator + " " + bandwidth + " " + shape[0] + "+"
                        + shape[1]);
            }
        }
    }

    static Stream<Arguments> estimators() {
        return Stream.of(MmdLoss.Estimator.values()).flatMap(e -> Stream.of(MmdLoss.Bandwidth.values())
                .map(b -> Arguments.of(e, b)));
    }

    private static void shift(FastEngine engine, Random random) {
        INDArray flat = engine.flatParameters();
        for (long i = 0; i < flat.length(); i++) {
            flat.putScalar(i, flat.getDouble(i) + 0.3 * random.nextGaussian());
        }
    }

    private static StepInputs inputs(ModelSpec spec, Random random, int ns, int nt) {
        INDArray xs = TestSpecs.array(TestSpecs.gaussian(random, ns, spec.inputDim(), 0.0), DataType.DOUBLE);
        INDArray xt = TestSpecs.array(TestSpecs.gaussian(random, nt, spec.inputDim(), 0.8), DataType.DOUBLE);
        double[] ys = new double[ns];
        for (int i = 0; i < ns; i++) {
            ys[i] = spec.numClasses() == 1 ? random.nextGaussian() : random.nextInt(spec.numClasses());
        }
        Map<String, Double> lambdas = new LinkedHashMap<>();
        spec.domainLosses().forEach(term -> lambdas.put(term.name(), 0.8));
        return new StepInputs(xs, OutputHead.of(spec).labels(ys, DataType.DOUBLE), xt, lambdas, 3);
    }

    private static Map<String, INDArray> copies(Map<String, INDArray> gradients) {
        Map<String, INDArray> copies = new LinkedHashMap<>();
        gradients.forEach((name, g) -> copies.put(name, g.dup('c')));
        return copies;
    }

    private static void check(FastEngine engine, Map<String, INDArray> analytic,
                              java.util.function.Function<String, DoubleSupplier> lossFor, Random random,
                              String where) {
        List<String> failures = new ArrayList<>();
        analytic.forEach((name, gradient) -> {
            DoubleSupplier loss = lossFor.apply(name);
            INDArray p = engine.parameters().get(name);
            for (int index : sample((int) p.length(), random)) {
                double saved = p.getDouble(index);
                p.putScalar(index, saved + STEP);
                double plus = loss.getAsDouble();
                p.putScalar(index, saved - STEP);
                double minus = loss.getAsDouble();
                p.putScalar(index, saved);
                record(failures, name, index, gradient.getDouble(index), (plus - minus) / (2 * STEP));
            }
        });
        assertTrue(failures.isEmpty(), where + "\n" + String.join("\n", failures));
    }

    private static void checkReference(ReferenceForward reference, Map<String, INDArray> analytic,
                                       DoubleSupplier loss, Random random, String where) {
        List<String> failures = new ArrayList<>();
        reference.parameters().forEach((name, values) -> {
            double[] gradient = analytic.get(name).data().asDouble();
            for (int index : sample(values.length, random)) {
                double saved = values[index];
                values[index] = saved + STEP;
                double plus = loss.getAsDouble();
                values[index] = saved - STEP;
                double minus = loss.getAsDouble();
                values[index] = saved;
                record(failures, name, index, gradient[index], (plus - minus) / (2 * STEP));
            }
        });
        assertTrue(failures.isEmpty(), where + "\n" + String.join("\n", failures));
    }

    private static void record(List<String> failures, String name, int index, double analytic, double numeric) {
        double difference = Math.abs(analytic - numeric);
        if (difference > ABSOLUTE_NOISE
                && difference > MAX_RELATIVE_ERROR * Math.max(Math.abs(analytic), Math.abs(numeric))) {
            failures.add(name + "[" + index + "]: analytic " + analytic + " vs numeric " + numeric);
        }
    }

    private static int[] sample(int length, Random random) {
        if (length <= ENTRIES_PER_ARRAY) {
            return java.util.stream.IntStream.range(0, length).toArray();
        }
        return random.ints(0, length).distinct().limit(ENTRIES_PER_ARRAY).toArray();
    }
}
