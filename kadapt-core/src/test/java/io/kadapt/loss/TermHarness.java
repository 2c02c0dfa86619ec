package io.kadapt.loss;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.testing.PlainMath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Evaluates a loss term in a stand-alone DOUBLE graph whose inputs are trainable variables, so SameDiff returns the
 * term's value and its gradient with respect to every input and every variable the term creates; and compares
 * those gradients with central finite differences of an independent plain-Java reference.
 */
final class TermHarness {

    static final String SOURCE_FEATURES = "fs";
    static final String TARGET_FEATURES = "ft";
    static final String SOURCE_LOGITS = "ls";
    static final String TARGET_LOGITS = "lt";
    static final String LOGITS = "logits";
    /** Optional: one-hot source labels (a constant; class 0 everywhere when absent). */
    static final String SOURCE_LABELS = "ys";
    /** Optional: logits of the perturbed target view (a variable; absent: no view). */
    static final String PERTURBED_TARGET_LOGITS = "lt2";

    private static final double STEP = 1e-6;
    private static final double MAX_RELATIVE_ERROR = 1e-5;
    private static final double ABSOLUTE_NOISE = 1e-8;

    /** Value, gradients by variable name, and the values of the variables the term created. */
    record Result(double value, Map<String, double[][]> gradients, Map<String, double[][]> termVariables) {
    }

    private TermHarness() {
    }

    /** Inputs keyed fs, ft, ls, lt and optionally ys, lt2. The RNG is seeded so term variables are reproducible. */
    static Result evaluate(DomainLoss term, Map<String, double[][]> inputs) {
        SameDiff sd = SameDiff.create();
        SDVariable fs = sd.var(SOURCE_FEATURES, Nd4j.createFromArray(inputs.get(SOURCE_FEATURES)));
        SDVariable ft = sd.var(TARGET_FEATURES, Nd4j.createFromArray(inputs.get(TARGET_FEATURES)));
        SDVariable ls = sd.var(SOURCE_LOGITS, Nd4j.createFromArray(inputs.get(SOURCE_LOGITS)));
        SDVariable lt = sd.var(TARGET_LOGITS, Nd4j.createFromArray(inputs.get(TARGET_LOGITS)));
        double[][] labels = inputs.containsKey(SOURCE_LABELS) ? inputs.get(SOURCE_LABELS)
                : oneHot(new int[inputs.get(SOURCE_LOGITS).length], inputs.get(SOURCE_LOGITS)[0].length);
        SDVariable ys = sd.constant(SOURCE_LABELS, Nd4j.createFromArray(labels));
        List<String> inputNames = new ArrayList<>(List.of(SOURCE_FEATURES, TARGET_FEATURES, SOURCE_LOGITS,
                TARGET_LOGITS));
        SDVariable lt2 = null;
        if (inputs.containsKey(PERTURBED_TARGET_LOGITS)) {
            lt2 = sd.var(PERTURBED_TARGET_LOGITS, Nd4j.createFromArray(inputs.get(PERTURBED_TARGET_LOGITS)));
            inputNames.add(PERTURBED_TARGET_LOGITS);
        }
        Nd4j.getRandom().setSeed(1234L);
        SDVariable value = term.define(sd, new DomainInputs(fs, ft, ls, lt, ys, lt2));
        return run(sd, value, inputNames);
    }

    /** Supervised term on the given logits and one-hot labels. */
    static Result evaluate(SupervisedLoss loss, double[][] logits, double[][] oneHot) {
        SameDiff sd = SameDiff.create();
        SDVariable l = sd.var(LOGITS, Nd4j.createFromArray(logits));
        SDVariable y = sd.constant("labels", Nd4j.createFromArray(oneHot));
        SDVariable value = loss.define(sd, l, y);
        return run(sd, value, List.of(LOGITS));
    }

    private static Result run(SameDiff sd, SDVariable value, List<String> inputNames) {
        List<String> trainable = new ArrayList<>();
        Map<String, double[][]> termVariables = new LinkedHashMap<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                trainable.add(v.name());
                if (!inputNames.contains(v.name())) {
                    termVariables.put(v.name(), matrix(v.getArr()));
                }
            }
        }
        sd.setLossVariables(value);
        double result = sd.outputSingle(Map.of(), value.name()).getDouble(0);
        Map<String, INDArray> gradients = sd.calculateGradients(Map.of(), trainable);
        Map<String, double[][]> asArrays = new LinkedHashMap<>();
        gradients.forEach((name, g) -> asArrays.put(name, matrix(g)));
        return new Result(result, asArrays, termVariables);
    }

    /**
     * Asserts that {@code factor}·(central difference of {@code reference}) matches the analytic gradient of every
     * entry of {@code name}.
     */
    static void assertGradient(Result result, ToDoubleFunction<Map<String, double[][]>> reference,
                               Map<String, double[][]> inputs, String name, double factor) {
        double[][] x = inputs.get(name);
        double[][] analytic = result.gradients().get(name);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                double saved = x[i][j];
                x[i][j] = saved + STEP;
                double plus = reference.applyAsDouble(inputs);
                x[i][j] = saved - STEP;
                double minus = reference.applyAsDouble(inputs);
                x[i][j] = saved;
                double numeric = factor * (plus - minus) / (2 * STEP);
                double difference = Math.abs(analytic[i][j] - numeric);
                if (difference > ABSOLUTE_NOISE
                        && difference > MAX_RELATIVE_ERROR * Math.max(Math.abs(numeric), Math.abs(analytic[i][j]))) {
                    failures.add(name + "[" + i + "][" + j + "]: analytic " + analytic[i][j] + " vs numeric " + numeric);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** Inputs fs, ft (d columns, target shifted) and ls, lt (c columns), all standard normal. */
    static Map<String, double[][]> randomInputs(long seed, int ns, int nt, int d, int c) {
        Random random = new Random(seed);
        Map<String, double[][]> inputs = new LinkedHashMap<>();
        inputs.put(SOURCE_FEATURES, gaussian(random, ns, d, 0.0));
        inputs.put(TARGET_FEATURES, gaussian(random, nt, d, 0.7));
        inputs.put(SOURCE_LOGITS, gaussian(random, ns, c, 0.0));
        inputs.put(TARGET_LOGITS, gaussian(random, nt, c, 0.0));
        return inputs;
    }

    static double[][] gaussian(Random random, int rows, int cols, double shift) {
        return PlainMath.gaussian(random, rows, cols, shift);
    }

    static double[][] oneHot(int[] labels, int classes) {
        double[][] y = new double[labels.length][classes];
        for (int i = 0; i < labels.length; i++) {
            y[i][labels[i]] = 1.0;
        }
        return y;
    }

    static double[][] logSoftmax(double[][] logits) {
        return PlainMath.logSoftmax(logits);
    }

    private static double[][] matrix(INDArray array) {
        INDArray a = array.castTo(DataType.DOUBLE);
        if (a.rank() == 0) {
            return new double[][] {{a.getDouble(0)}};
        }
        if (a.rank() == 1) {
            return new double[][] {a.toDoubleVector()};
        }
        return a.toDoubleMatrix();
    }
}
