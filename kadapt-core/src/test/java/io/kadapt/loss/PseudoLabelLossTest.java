package io.kadapt.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class PseudoLabelLossTest {

    @Test
    @DisplayName("hand-worked: only the row whose top probability reaches τ counts, divided by the whole batch")
    void handWorked() {
        Map<String, double[][]> in = TermHarness.randomInputs(1, 2, 2, 2, 2);
        // Row 1: p = (¾, ¼) (logits ln 3, 0); row 2: p = (½, ½). With τ = 0.7 only row 1 counts: −ln ¾ / 2.
        in.put(TermHarness.TARGET_LOGITS, new double[][] {{Math.log(3), 0}, {0, 0}});
        assertEquals(-Math.log(0.75) / 2, TermHarness.evaluate(new PseudoLabelLoss(0.7), in).value(), 1e-12);
        assertEquals(0.0, TermHarness.evaluate(new PseudoLabelLoss(0.8), in).value(), 1e-12);
        assertEquals((-Math.log(0.75) - Math.log(0.5)) / 2,
                TermHarness.evaluate(new PseudoLabelLoss(0.5), in).value(), 1e-12, "τ is inclusive");
    }

    @Test
    @DisplayName("value equals a loop reference and the gradient matches finite differences")
    void valueAndGradient() {
        for (double tau : new double[] {0.0, 0.6, 0.9}) {
            Map<String, double[][]> in = TermHarness.randomInputs(12, 3, 8, 2, 3);
            double[][] lt = in.get(TermHarness.TARGET_LOGITS);
            for (double[] row : lt) {
                row[0] *= 3;   // some confident rows
            }
            TermHarness.Result result = TermHarness.evaluate(new PseudoLabelLoss(tau), in);
            assertEquals(reference(in, tau), result.value(), 1e-10, "τ = " + tau);
            TermHarness.assertGradient(result, x -> reference(x, tau), in, TermHarness.TARGET_LOGITS, 1.0);
        }
    }

    static double reference(Map<String, double[][]> in, double tau) {
        double[][] logP = TermHarness.logSoftmax(in.get(TermHarness.TARGET_LOGITS));
        double sum = 0.0;
        for (double[] row : logP) {
            double top = Double.NEGATIVE_INFINITY;
            for (double v : row) {
                top = Math.max(top, v);
            }
            if (Math.exp(top) >= tau) {
                sum -= top;
            }
        }
        return sum / logP.length;
    }
}
