package io.kadapt.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Weighted cross-entropy, focal and hinge: values against loops and hand-worked cases, gradients against finite differences. */
@Tag("unit")
class SupervisedLossesTest {

    private static final int[] LABELS = {0, 2, 1, 2, 2, 0};
    private static final double[] WEIGHTS = {0.5, 2.0, 1.0};

    @Test
    @DisplayName("hand-worked: two classes, logits (0, 0) and (ln 3, 0)")
    void handWorked() {
        double[][] logits = {{0, 0}, {Math.log(3), 0}};
        double[][] y = TermHarness.oneHot(new int[] {0, 0}, 2);
        // p_true = ½ and ¾. CE = (ln 2 + ln 4/3)/2.
        assertEquals((Math.log(2) + Math.log(4.0 / 3)) / 2,
                TermHarness.evaluate(new CrossEntropyLoss(), logits, y).value(), 1e-12);
        // Focal γ = 2: (¼·ln 2 + 1/16·ln 4/3)/2.
        assertEquals((0.25 * Math.log(2) + Math.log(4.0 / 3) / 16) / 2,
                TermHarness.evaluate(new FocalLoss(2.0, null), logits, y).value(), 1e-12);
        // Hinge m = 1, C = 2: row 1: max(0, 1 − 0 + 0) = 1; row 2: max(0, 1 − ln 3) ≈ 0 (ln 3 > 1) → (1 + 0)/(2·2).
        assertEquals(0.25, TermHarness.evaluate(new MultiMarginLoss(1.0), logits, y).value(), 1e-12);
        // Weighted CE with labels {0, 1} and weights (1, 3): (1·ln 2 + 3·ln 4)/(1 + 3).
        double[][] y01 = TermHarness.oneHot(new int[] {0, 1}, 2);
        assertEquals((Math.log(2) + 3 * Math.log(4)) / 4,
                TermHarness.evaluate(new CrossEntropyLoss(0.0, new double[] {1, 3}), logits, y01).value(), 1e-12);
    }

    @Test
    @DisplayName("weighted, smoothed cross-entropy: value and gradient")
    void weightedCrossEntropy() {
        check(new CrossEntropyLoss(0.1, WEIGHTS), logits -> {
            double[][] logP = TermHarness.logSoftmax(logits);
            double sum = 0.0;
            double weightSum = 0.0;
            for (int i = 0; i < LABELS.length; i++) {
                double mean = 0.0;
                for (double v : logP[i]) {
                    mean += v / logP[i].length;
                }
                double w = WEIGHTS[LABELS[i]];
                sum -= w * (0.9 * logP[i][LABELS[i]] + 0.1 * mean);
                weightSum += w;
            }
            return sum / weightSum;
        });
    }

    @Test
    @DisplayName("focal loss with and without α: value and gradient; γ = 0, α = 1 is cross-entropy")
    void focal() {
        for (double gamma : new double[] {0.0, 2.0, 1.5}) {
            for (double[] alpha : new double[][] {null, WEIGHTS}) {
                check(new FocalLoss(gamma, alpha), logits -> {
                    double[][] logP = TermHarness.logSoftmax(logits);
                    double sum = 0.0;
                    for (int i = 0; i < LABELS.length; i++) {
                        double p = Math.exp(logP[i][LABELS[i]]);
                        sum -= (alpha == null ? 1.0 : alpha[LABELS[i]]) * Math.pow(1 - p, gamma) * logP[i][LABELS[i]];
                    }
                    return sum / LABELS.length;
                });
            }
        }
        double[][] logits = logits();
        double[][] y = TermHarness.oneHot(LABELS, 3);
        assertEquals(TermHarness.evaluate(new CrossEntropyLoss(), logits, y).value(),
                TermHarness.evaluate(new FocalLoss(0.0, null), logits, y).value(), 1e-12);
    }

    @Test
    @DisplayName("multi-class hinge: value and gradient")
    void hinge() {
        for (double margin : new double[] {1.0, 0.3}) {
            check(new MultiMarginLoss(margin), logits -> {
                double sum = 0.0;
                for (int i = 0; i < LABELS.length; i++) {
                    for (int j = 0; j < logits[i].length; j++) {
                        if (j != LABELS[i]) {
                            sum += Math.max(0.0, margin - logits[i][LABELS[i]] + logits[i][j]);
                        }
                    }
                }
                return sum / (LABELS.length * logits[0].length);
            });
        }
    }

    @Test
    void rejectsBadKnobs() {
        assertThrows(IllegalArgumentException.class, () -> new FocalLoss(-1, null));
        assertThrows(IllegalArgumentException.class, () -> new FocalLoss(2, new double[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> new MultiMarginLoss(0));
        assertThrows(IllegalArgumentException.class, () -> new CrossEntropyLoss(0, new double[] {1, -1}));
    }

    private static void check(SupervisedLoss loss, ToDoubleFunction<double[][]> reference) {
        double[][] logits = logits();
        TermHarness.Result result = TermHarness.evaluate(loss, logits, TermHarness.oneHot(LABELS, 3));
        assertEquals(reference.applyAsDouble(logits), result.value(), 1e-10, loss.toString());
        Map<String, double[][]> inputs = new HashMap<>(Map.of(TermHarness.LOGITS, logits));
        TermHarness.assertGradient(result, in -> reference.applyAsDouble(in.get(TermHarness.LOGITS)), inputs,
                TermHarness.LOGITS, 1.0);
    }

    private static double[][] logits() {
        return TermHarness.gaussian(new Random(9), LABELS.length, 3, 0.0);
    }
}
