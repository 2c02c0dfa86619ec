package io.kadapt.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ContrastiveLossTest {

    @Test
    @DisplayName("hand-worked: three 1-D features, two classes, margin 2")
    void handWorked() {
        // f = 0 (class 0), 1 (class 0), 1.5 (class 1). Pairs: (0,1) same, D = 1 → ½·1 = 0.5;
        // (0,1.5) different, D = 1.5 → ½·(2 − 1.5)² = 0.125; (1,1.5) different, D = 0.5 → ½·1.5² = 1.125.
        // Mean over the 3 pairs: 1.75 / 3.
        Map<String, double[][]> in = TermHarness.randomInputs(1, 3, 2, 1, 2);
        in.put(TermHarness.SOURCE_FEATURES, new double[][] {{0}, {1}, {1.5}});
        in.put(TermHarness.SOURCE_LABELS, TermHarness.oneHot(new int[] {0, 0, 1}, 2));
        assertEquals(1.75 / 3, TermHarness.evaluate(new ContrastiveLoss(2.0), in).value(), 1e-9);
    }

    @Test
    @DisplayName("value equals a pair-loop reference and the gradient matches finite differences")
    void valueAndGradient() {
        for (double margin : new double[] {0.5, 3.0}) {
            Map<String, double[][]> in = TermHarness.randomInputs(5, 7, 3, 4, 3);
            in.put(TermHarness.SOURCE_LABELS, TermHarness.oneHot(new int[] {0, 1, 2, 0, 1, 1, 2}, 3));
            TermHarness.Result result = TermHarness.evaluate(new ContrastiveLoss(margin), in);
            assertEquals(reference(in, margin), result.value(), 1e-10, "margin " + margin);
            TermHarness.assertGradient(result, x -> reference(x, margin), in, TermHarness.SOURCE_FEATURES, 1.0);
        }
    }

    @Test
    @DisplayName("a one-row batch has no pairs and counts 0; only source features matter")
    void singleRowAndIndependence() {
        Map<String, double[][]> in = TermHarness.randomInputs(6, 1, 4, 3, 2);
        assertEquals(0.0, TermHarness.evaluate(new ContrastiveLoss(1.0), in).value(), 1e-15);
        Map<String, double[][]> other = TermHarness.randomInputs(7, 5, 4, 3, 2);
        other.put(TermHarness.SOURCE_LABELS, TermHarness.oneHot(new int[] {0, 1, 0, 1, 1}, 2));
        TermHarness.Result result = TermHarness.evaluate(new ContrastiveLoss(1.0), other);
        assertEquals(0.0, maxAbs(result.gradients().get(TermHarness.TARGET_FEATURES)), 0.0);
        assertEquals(0.0, maxAbs(result.gradients().get(TermHarness.SOURCE_LOGITS)), 0.0);
    }

    @Test
    void rejectsBadMargin() {
        assertThrows(IllegalArgumentException.class, () -> new ContrastiveLoss(0.0));
        assertThrows(IllegalArgumentException.class, () -> new ContrastiveLoss(Double.NaN));
    }

    static double reference(Map<String, double[][]> in, double margin) {
        double[][] y = in.get(TermHarness.SOURCE_LABELS);
        int[] labels = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            for (int c = 0; c < y[i].length; c++) {
                labels[i] = y[i][c] == 1.0 ? c : labels[i];
            }
        }
        return ReferenceTerms.contrastive(in.get(TermHarness.SOURCE_FEATURES), labels, margin);
    }

    /** 0 also when SameDiff reports no gradient at all (the variable is not connected to the term). */
    private static double maxAbs(double[][] x) {
        double max = 0.0;
        if (x == null) {
            return max;
        }
        for (double[] row : x) {
            for (double v : row) {
                max = Math.max(max, Math.abs(v));
            }
        }
        return max;
    }
}
