package io.kadapt.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ConditionalAdversarialLossTest {

    private static final List<String> VARIABLES = List.of("cdan/hidden/W", "cdan/hidden/b", "cdan/out/W",
            "cdan/out/b");

    @Test
    @DisplayName("hand-worked multilinear map: f = (2, 3), p = (¼, ¾) gives (½, ¾, 3/2, 9/4)")
    void handWorkedMap() {
        double[][] map = multilinear(new double[][] {{2, 3}}, new double[][] {{0, Math.log(3)}});
        assertEquals(4, map[0].length);
        double[] expected = {0.5, 0.75, 1.5, 2.25};
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], map[0][i], 1e-12);
        }
    }

    @Test
    @DisplayName("value equals the DANN reference on f ⊗ p; classifier gradients match finite differences, feature"
            + " gradients are reversed, logits get none (p detached)")
    void valueAndGradient() {
        Map<String, double[][]> in = new LinkedHashMap<>(TermHarness.randomInputs(8, 5, 4, 3, 2));
        TermHarness.Result result = TermHarness.evaluate(new ConditionalAdversarialLoss(3, 2, 4), in);
        assertEquals(VARIABLES.stream().sorted().toList(), result.termVariables().keySet().stream().sorted().toList());
        assertEquals(6, result.termVariables().get("cdan/hidden/W").length, "the classifier reads d·C = 6 inputs");
        in.putAll(result.termVariables());
        assertEquals(reference(in), result.value(), 1e-10);
        for (String name : VARIABLES) {
            TermHarness.assertGradient(result, ConditionalAdversarialLossTest::reference, in, name, 1.0);
        }
        TermHarness.assertGradient(result, ConditionalAdversarialLossTest::reference, in,
                TermHarness.SOURCE_FEATURES, -1.0);
        TermHarness.assertGradient(result, ConditionalAdversarialLossTest::reference, in,
                TermHarness.TARGET_FEATURES, -1.0);
        for (String logits : List.of(TermHarness.SOURCE_LOGITS, TermHarness.TARGET_LOGITS)) {
            double[][] g = result.gradients().get(logits);
            assertTrue(g == null || java.util.Arrays.stream(g).flatMapToDouble(java.util.Arrays::stream)
                    .allMatch(v -> v == 0.0), logits + " receives no gradient");
        }
    }

    static double reference(Map<String, double[][]> in) {
        return DomainAdversarialLossTest.reference(in, "cdan",
                multilinear(in.get(TermHarness.SOURCE_FEATURES), in.get(TermHarness.SOURCE_LOGITS)),
                multilinear(in.get(TermHarness.TARGET_FEATURES), in.get(TermHarness.TARGET_LOGITS)));
    }

    /** Row i: (p_i1·f_i, …, p_iC·f_i), p = softmax(logits). */
    static double[][] multilinear(double[][] features, double[][] logits) {
        double[][] p = ReferenceTerms.softmax(logits);
        int d = features[0].length;
        double[][] map = new double[features.length][d * p[0].length];
        for (int i = 0; i < features.length; i++) {
            for (int c = 0; c < p[i].length; c++) {
                for (int k = 0; k < d; k++) {
                    map[i][c * d + k] = p[i][c] * features[i][k];
                }
            }
        }
        return map;
    }
}
