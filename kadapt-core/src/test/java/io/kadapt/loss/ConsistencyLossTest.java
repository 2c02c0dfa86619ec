package io.kadapt.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kadapt.testing.PlainMath;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ConsistencyLossTest {

    @Test
    @DisplayName("hand-worked: p = (¾, ¼) against p′ = (½, ½) gives (¼² + ¼²)/2 per row")
    void handWorked() {
        Map<String, double[][]> in = TermHarness.randomInputs(1, 2, 1, 2, 2);
        in.put(TermHarness.TARGET_LOGITS, new double[][] {{Math.log(3), 0}});
        in.put(TermHarness.PERTURBED_TARGET_LOGITS, new double[][] {{0, 0}});
        assertEquals(0.0625, TermHarness.evaluate(new ConsistencyLoss(0.1), in).value(), 1e-12);
    }

    @Test
    @DisplayName("value equals a loop reference; gradient only through the perturbed view, matching finite differences")
    void valueAndGradient() {
        Map<String, double[][]> in = TermHarness.randomInputs(13, 3, 6, 2, 4);
        in.put(TermHarness.PERTURBED_TARGET_LOGITS, PlainMath.gaussian(new Random(14), 6, 4, 0.0));
        TermHarness.Result result = TermHarness.evaluate(new ConsistencyLoss(0.1), in);
        assertEquals(reference(in), result.value(), 1e-12);
        TermHarness.assertGradient(result, ConsistencyLossTest::reference, in, TermHarness.PERTURBED_TARGET_LOGITS,
                1.0);
        // The clean view is the (detached) target: no gradient reaches it.
        for (double[] row : result.gradients().get(TermHarness.TARGET_LOGITS)) {
            for (double g : row) {
                assertEquals(0.0, g, 0.0);
            }
        }
    }

    @Test
    void declaresItsViewAndRejectsBadNoise() {
        assertEquals(new PerturbedView(0.3), new ConsistencyLoss(0.3).perturbedView().orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> new ConsistencyLoss(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new ConsistencyLoss(Double.POSITIVE_INFINITY));
    }

    static double reference(Map<String, double[][]> in) {
        return ReferenceTerms.consistency(ReferenceTerms.softmax(in.get(TermHarness.TARGET_LOGITS)),
                in.get(TermHarness.PERTURBED_TARGET_LOGITS));
    }
}
