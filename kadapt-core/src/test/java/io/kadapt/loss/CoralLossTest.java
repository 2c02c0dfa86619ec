package io.kadapt.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class CoralLossTest {

    @Test
    @DisplayName("CORAL of a hand-worked 2-D case")
    void handWorked() {
        // Source rows (0,0), (2,0): C_s = [[2,0],[0,0]] (unbiased). Target rows (0,0), (0,2), (0,4): C_t = [[0,0],[0,4]].
        // ‖C_s − C_t‖²_F = 4 + 16 = 20; / (4·2²) = 1.25.
        Map<String, double[][]> in = Map.of(
                TermHarness.SOURCE_FEATURES, new double[][] {{0, 0}, {2, 0}},
                TermHarness.TARGET_FEATURES, new double[][] {{0, 0}, {0, 2}, {0, 4}},
                TermHarness.SOURCE_LOGITS, new double[][] {{0, 0}, {0, 0}},
                TermHarness.TARGET_LOGITS, new double[][] {{0, 0}, {0, 0}, {0, 0}});
        assertEquals(1.25, TermHarness.evaluate(new CoralLoss(), in).value(), 1e-12);
    }

    @Test
    @DisplayName("value equals a loop reference and the gradient matches finite differences, both domains")
    void valueAndGradient() {
        Map<String, double[][]> in = TermHarness.randomInputs(3, 6, 5, 4, 3);
        TermHarness.Result result = TermHarness.evaluate(new CoralLoss(), in);
        assertEquals(reference(in), result.value(), 1e-10);
        TermHarness.assertGradient(result, CoralLossTest::reference, in, TermHarness.SOURCE_FEATURES, 1.0);
        TermHarness.assertGradient(result, CoralLossTest::reference, in, TermHarness.TARGET_FEATURES, 1.0);
    }

    @Test
    @DisplayName("a one-row batch counts as zero covariance instead of dividing by zero")
    void singleRow() {
        Map<String, double[][]> in = TermHarness.randomInputs(4, 1, 5, 3, 2);
        assertEquals(reference(in), TermHarness.evaluate(new CoralLoss(), in).value(), 1e-10);
    }

    static double reference(Map<String, double[][]> in) {
        double[][] cs = covariance(in.get(TermHarness.SOURCE_FEATURES));
        double[][] ct = covariance(in.get(TermHarness.TARGET_FEATURES));
        int d = cs.length;
        double sum = 0.0;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                sum += (cs[a][b] - ct[a][b]) * (cs[a][b] - ct[a][b]);
            }
        }
        return sum / (4.0 * d * d);
    }

    private static double[][] covariance(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        double[][] c = new double[d][d];
        for (double[] row : x) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    c[a][b] += (row[a] - mean[a]) * (row[b] - mean[b]) / Math.max(n - 1, 1);
                }
            }
        }
        return c;
    }
}
