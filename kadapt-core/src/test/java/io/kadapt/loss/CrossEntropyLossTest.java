package io.kadapt.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kadapt.testing.PlainMath;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

@Tag("unit")
class CrossEntropyLossTest {

    @ParameterizedTest(name = "label smoothing {0}")
    @ValueSource(doubles = {0.0, 0.1, 0.5})
    void matchesLogSoftmaxReference(double smoothing) {
        Random random = new Random(7);
        int n = 6;
        int classes = 4;
        double[][] logits = new double[n][classes];
        double[][] oneHot = new double[n][classes];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < classes; c++) {
                logits[i][c] = 3.0 * random.nextGaussian();
            }
            labels[i] = random.nextInt(classes);
            oneHot[i][labels[i]] = 1.0;
        }

        SameDiff sd = SameDiff.create();
        SDVariable z = sd.placeHolder("z", DataType.DOUBLE, -1, classes);
        SDVariable y = sd.placeHolder("y", DataType.DOUBLE, -1, classes);
        SDVariable loss = new CrossEntropyLoss(smoothing).define(sd, z, y);
        double actual = sd.outputSingle(Map.of("z", Nd4j.createFromArray(logits), "y", Nd4j.createFromArray(oneHot)),
                loss.name()).getDouble(0);

        assertEquals(reference(logits, labels, smoothing), actual, 1e-12);
    }

    @Test
    void rejectsSmoothingOutsideUnitInterval() {
        assertThrows(IllegalArgumentException.class, () -> new CrossEntropyLoss(1.0));
        assertThrows(IllegalArgumentException.class, () -> new CrossEntropyLoss(-0.1));
    }

    /** −Σ_c q_c·log softmax(z)_c with q = (1−ε)·onehot + ε/C, averaged over rows; log-sum-exp made stable. */
    private static double reference(double[][] logits, int[] labels, double smoothing) {
        double[][] logProbabilities = PlainMath.logSoftmax(logits);
        double total = 0.0;
        for (int i = 0; i < logits.length; i++) {
            int classes = logits[i].length;
            for (int c = 0; c < classes; c++) {
                double q = (c == labels[i] ? 1.0 - smoothing : 0.0) + smoothing / classes;
                total -= q * logProbabilities[i][c];
            }
        }
        return total / logits.length;
    }
}
