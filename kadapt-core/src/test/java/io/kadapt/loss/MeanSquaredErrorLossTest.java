package io.kadapt.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.data.Task;
import io.kadapt.testing.PlainMath;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The regression loss: value against a hand-worked case and a plain loop, gradient against finite differences. */
@Tag("unit")
class MeanSquaredErrorLossTest {

    @Test
    @DisplayName("hand-worked: outputs (1, −2, 0.5) against labels (0, 1, 0.5) give (1 + 9 + 0)/3")
    void handWorked() {
        double[][] outputs = {{1}, {-2}, {0.5}};
        double[][] labels = {{0}, {1}, {0.5}};
        assertEquals(10.0 / 3, TermHarness.evaluate(new MeanSquaredErrorLoss(), outputs, labels).value(), 1e-12);
    }

    @Test
    @DisplayName("value equals the plain-Java mean and the gradient 2(ŷ − y)/n matches central differences")
    void valueAndGradient() {
        Random random = new Random(5);
        for (int outputsPerRow : new int[] {1, 2}) {
            double[][] outputs = TermHarness.gaussian(random, 7, outputsPerRow, 0.0);
            double[][] labels = TermHarness.gaussian(random, 7, outputsPerRow, 3.0);
            TermHarness.Result result = TermHarness.evaluate(new MeanSquaredErrorLoss(), outputs, labels);
            assertEquals(PlainMath.meanSquaredError(outputs, labels), result.value(), 1e-12);
            Map<String, double[][]> inputs = new HashMap<>(Map.of(TermHarness.LOGITS, outputs));
            TermHarness.assertGradient(result, in -> PlainMath.meanSquaredError(in.get(TermHarness.LOGITS), labels),
                    inputs, TermHarness.LOGITS, 1.0);
            // And the closed form, independently of the finite differences.
            int n = outputs.length * outputsPerRow;
            assertEquals(2 * (outputs[3][0] - labels[3][0]) / n, result.gradients().get(TermHarness.LOGITS)[3][0],
                    1e-12);
        }
    }

    @Test
    @DisplayName("trains regression; feature terms apply to it, probability terms do not")
    void task() {
        assertEquals(Task.REGRESSION, new MeanSquaredErrorLoss().task());
        assertEquals(Task.CLASSIFICATION, new CrossEntropyLoss().task());
        for (DomainLoss featureTerm : new DomainLoss[] {new MmdLoss(), new CoralLoss(), new DomainAdversarialLoss(3, 4)}) {
            assertTrue(featureTerm.supports(Task.REGRESSION), featureTerm.name());
        }
        assertFalse(new InformationMaximizationLoss(1.0).supports(Task.REGRESSION));
        assertFalse(new PseudoLabelLoss(0.9).supports(Task.REGRESSION));
        assertTrue(new PseudoLabelLoss(0.9).supports(Task.CLASSIFICATION));
    }
}
