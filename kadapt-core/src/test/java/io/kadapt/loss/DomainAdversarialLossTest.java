package io.kadapt.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@Tag("unit")
class DomainAdversarialLossTest {

    private static final String W1 = "dann/hidden/W";
    private static final String B1 = "dann/hidden/b";
    private static final String W2 = "dann/out/W";
    private static final String B2 = "dann/out/b";

    @Test
    @DisplayName("gradient reversal: identity forward, gradient times −c backward")
    void gradientReversal() {
        for (double c : new double[] {0.0, 0.5, 2.0}) {
            SameDiff sd = SameDiff.create();
            INDArray xValue = Nd4j.createFromArray(new double[][] {{1.5, -2.0}, {0.25, 3.0}});
            INDArray weights = Nd4j.createFromArray(new double[][] {{0.3, -1.2}, {2.0, 0.7}});
            SDVariable x = sd.var("x", xValue.dup());
            SDVariable reversed = GradientReversal.apply(sd, x, c);
            SDVariable loss = reversed.mul(sd.constant(weights)).sum();
            sd.setLossVariables(loss);
            assertEquals(xValue, sd.outputSingle(Map.of(), reversed.name()), "identity forward, c = " + c);
            INDArray gradient = sd.calculateGradients(Map.of(), "x").get("x");
            assertEquals(weights.mul(-c), gradient, "−c times the upstream gradient, c = " + c);
        }
    }

    @Test
    @DisplayName("value equals a loop reference; classifier gradients match finite differences, feature gradients are reversed")
    void valueAndGradient() {
        Map<String, double[][]> in = new LinkedHashMap<>(TermHarness.randomInputs(5, 5, 4, 3, 2));
        DomainAdversarialLoss loss = new DomainAdversarialLoss(3, 4);
        TermHarness.Result result = TermHarness.evaluate(loss, in);
        assertEquals(List.of(W1, B1, W2, B2).stream().sorted().toList(),
                result.termVariables().keySet().stream().sorted().toList(), "the classifier's own variables");
        in.putAll(result.termVariables());
        assertEquals(reference(in), result.value(), 1e-10);
        for (String name : List.of(W1, B1, W2, B2)) {
            TermHarness.assertGradient(result, DomainAdversarialLossTest::reference, in, name, 1.0);
        }
        // Through the reversal layer the features receive minus the gradient of the value.
        TermHarness.assertGradient(result, DomainAdversarialLossTest::reference, in, TermHarness.SOURCE_FEATURES, -1.0);
        TermHarness.assertGradient(result, DomainAdversarialLossTest::reference, in, TermHarness.TARGET_FEATURES, -1.0);
    }

    @Test
    @DisplayName("a classifier with zero output weights is at chance: the implementation's BCE = log 2")
    void chance() {
        // At logit 0 every sample's BCE is log 2, so only the implementation's own value is checked here: a sum
        // instead of a mean, a missing ½ or a wrong BCE (sign, base, label) does not give log 2.
        Map<String, double[][]> in = new LinkedHashMap<>(TermHarness.randomInputs(6, 3, 7, 3, 2));
        SameDiff sd = SameDiff.create();
        SDVariable fs = sd.constant(Nd4j.createFromArray(in.get(TermHarness.SOURCE_FEATURES)));
        SDVariable ft = sd.constant(Nd4j.createFromArray(in.get(TermHarness.TARGET_FEATURES)));
        SDVariable unused = sd.constant(Nd4j.zeros(3, 2).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE));
        SDVariable value = new DomainAdversarialLoss(3, 4).define(sd, new DomainInputs(fs, ft, unused, unused,
                unused, null));
        sd.setLossVariables(value);
        double before = sd.outputSingle(Map.of(), value.name()).getDouble(0);
        assertTrue(Math.abs(before - Math.log(2)) > 1e-6, "random weights are not at chance: " + before);
        sd.getArrForVarName(W2).assign(0.0);
        sd.getArrForVarName(B2).assign(0.0);
        assertEquals(Math.log(2), sd.outputSingle(Map.of(), value.name()).getDouble(0), 1e-12);
        in.putAll(TermHarness.evaluate(new DomainAdversarialLoss(3, 4), in).termVariables());
        in.put(W2, new double[4][1]);
        in.put(B2, new double[1][1]);
        assertEquals(Math.log(2), reference(in), 1e-12, "the reference agrees");
    }

    @Test
    @DisplayName("at logit exactly 0 (dead hidden units, zero output bias) the output bias still gets ½(σ(0)+σ(0)−1)=0")
    void gradientAtZeroLogit() {
        // A hidden bias of −100 kills every hidden unit, so every logit is b2 = 0 exactly. The source half of the
        // bias gradient is ½·mean σ(0) = ¼ and the target half ½·(mean σ(0) − 1) = −¼: 0 in total. The former
        // max(z,0) + log(1+e^−|z|) gave −½ here (SameDiff differentiates max and |·| to 0 at 0).
        Map<String, double[][]> in = new LinkedHashMap<>(TermHarness.randomInputs(7, 3, 4, 3, 2));
        SameDiff sd = SameDiff.create();
        SDVariable fs = sd.constant(Nd4j.createFromArray(in.get(TermHarness.SOURCE_FEATURES)));
        SDVariable ft = sd.constant(Nd4j.createFromArray(in.get(TermHarness.TARGET_FEATURES)));
        SDVariable unused = sd.constant(Nd4j.zeros(3, 2).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE));
        SDVariable value = new DomainAdversarialLoss(3, 4).define(sd, new DomainInputs(fs, ft, unused, unused,
                unused, null));
        sd.getArrForVarName(B1).assign(-100.0);
        sd.setLossVariables(value);
        assertEquals(Math.log(2), sd.outputSingle(Map.of(), value.name()).getDouble(0), 1e-12);
        assertEquals(0.0, sd.calculateGradients(Map.of(), B2).get(B2).getDouble(0), 1e-12);
    }

    static double reference(Map<String, double[][]> in) {
        return reference(in, "dann", in.get(TermHarness.SOURCE_FEATURES), in.get(TermHarness.TARGET_FEATURES));
    }

    /**
     * ½(mean_s softplus(z) + mean_t (softplus(z) − z)), z = relu(x·W1 + b1)·W2 + b2 with the classifier variables
     * {@code prefix/hidden/W} etc. of {@code in}, on the classifier inputs x of each domain.
     */
    static double reference(Map<String, double[][]> in, String prefix, double[][] sourceInputs,
                            double[][] targetInputs) {
        double source = 0.0;
        for (double[] x : sourceInputs) {
            source += softplus(logit(in, prefix, x)) / sourceInputs.length;
        }
        double target = 0.0;
        for (double[] x : targetInputs) {
            double z = logit(in, prefix, x);
            target += (softplus(z) - z) / targetInputs.length;
        }
        return 0.5 * (source + target);
    }

    private static double logit(Map<String, double[][]> in, String prefix, double[] f) {
        double[][] w1 = in.get(prefix + "/hidden/W");
        double[][] w2 = in.get(prefix + "/out/W");
        double z = in.get(prefix + "/out/b")[0][0];
        for (int h = 0; h < w2.length; h++) {
            double a = in.get(prefix + "/hidden/b")[0][h];
            for (int k = 0; k < f.length; k++) {
                a += f[k] * w1[k][h];
            }
            z += Math.max(a, 0.0) * w2[h][0];
        }
        return z;
    }

    private static double softplus(double z) {
        return Math.max(z, 0.0) + Math.log1p(Math.exp(-Math.abs(z)));
    }
}
