package io.kadapt.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class InformationMaximizationLossTest {

    @Test
    @DisplayName("hand-worked: equal logits give entropy log C; one confident class per row gives 0 and diversity log 2")
    void handWorked() {
        Map<String, double[][]> in = TermHarness.randomInputs(1, 2, 2, 2, 2);
        in.put(TermHarness.TARGET_LOGITS, new double[][] {{0, 0}, {0, 0}});
        // p = (½, ½) for both rows: mean H = log 2, p̄ = (½, ½), H(p̄) = log 2; value = log 2 − β·log 2.
        assertEquals(Math.log(2) * (1 - 0.5),
                TermHarness.evaluate(new InformationMaximizationLoss(0.5), in).value(), 1e-12);
        in.put(TermHarness.TARGET_LOGITS, new double[][] {{60, 0}, {0, 60}});
        // Near one-hot rows on different classes: mean H ≈ 0, H(p̄) = log 2.
        assertEquals(-Math.log(2), TermHarness.evaluate(new InformationMaximizationLoss(1.0), in).value(), 1e-9);
        in.put(TermHarness.TARGET_LOGITS, new double[][] {{60, 0}, {60, 0}});
        // Collapsed onto one class: both parts ≈ 0 (the floor keeps log p̄ finite).
        assertEquals(0.0, TermHarness.evaluate(new InformationMaximizationLoss(1.0), in).value(), 1e-9);
    }

    @Test
    @DisplayName("value equals a loop reference and the gradient matches finite differences, with and without diversity")
    void valueAndGradient() {
        for (double beta : new double[] {0.0, 1.0, 0.3}) {
            Map<String, double[][]> in = TermHarness.randomInputs(7, 4, 6, 3, 4);
            InformationMaximizationLoss loss = new InformationMaximizationLoss(beta);
            TermHarness.Result result = TermHarness.evaluate(loss, in);
            assertEquals(reference(in, beta), result.value(), 1e-10, "β = " + beta);
            TermHarness.assertGradient(result, x -> reference(x, beta), in, TermHarness.TARGET_LOGITS, 1.0);
        }
    }

    @Test
    void rejectsNegativeWeight() {
        assertThrows(IllegalArgumentException.class, () -> new InformationMaximizationLoss(-0.1));
    }

    static double reference(Map<String, double[][]> in, double beta) {
        double[][] logP = TermHarness.logSoftmax(in.get(TermHarness.TARGET_LOGITS));
        int n = logP.length;
        int c = logP[0].length;
        double meanEntropy = 0.0;
        double[] meanP = new double[c];
        for (double[] row : logP) {
            for (int j = 0; j < c; j++) {
                meanEntropy -= Math.exp(row[j]) * row[j] / n;
                meanP[j] += Math.exp(row[j]) / n;
            }
        }
        double marginal = 0.0;
        for (double p : meanP) {
            marginal -= p * Math.log(p);
        }
        return meanEntropy - beta * marginal;
    }
}
