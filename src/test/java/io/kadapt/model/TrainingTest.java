package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.MmdLoss;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Short end-to-end training runs on synthetic data: the optimiser and the losses pull in the right direction. */
class TrainingTest {

    private static final int DIM = 6;
    private static final int BATCH = 32;
    private static final int STEPS = 50;

    @Test
    @DisplayName("on separable source data the loss falls and the accuracy rises within 50 steps")
    void learnsSeparableSource() {
        Random random = new Random(17);
        try (TransferModel model = TransferModel.initialise(spec(0.1))) {
            double firstLoss = 0;
            double firstAccuracy = 0;
            double lastLoss = 0;
            double lastAccuracy = 0;
            for (int step = 0; step < STEPS; step++) {
                Batch source = batch(random, 0.0);
                Batch target = batch(random, 2.0);
                StepOutcome outcome = model.step(source.x, source.y, target.x, Map.of("mmd", 0.0));
                assertTrue(outcome.applied());
                if (step < 5) {
                    firstLoss += outcome.supervisedLoss() / 5;
                    firstAccuracy += outcome.sourceAccuracy() / 5;
                } else if (step >= STEPS - 5) {
                    lastLoss += outcome.supervisedLoss() / 5;
                    lastAccuracy += outcome.sourceAccuracy() / 5;
                }
            }
            assertTrue(lastLoss < 0.5 * firstLoss, "loss " + firstLoss + " → " + lastLoss);
            assertTrue(lastAccuracy > firstAccuracy + 0.15 && lastAccuracy > 0.9,
                    "accuracy " + firstAccuracy + " → " + lastAccuracy);
        }
    }

    @Test
    @DisplayName("with λ > 0 the feature MMD between shifted domains ends lower than with λ = 0")
    void mmdTermAlignsDomains() {
        double withoutTerm = finalMmd(0.0);
        double withTerm = finalMmd(1.0);
        assertTrue(withTerm < 0.7 * withoutTerm, "MMD² with λ=1: " + withTerm + ", with λ=0: " + withoutTerm);
    }

    /** Mean monitored MMD² over the last 10 steps of a run; same seed and data for every λ. */
    private static double finalMmd(double lambda) {
        Random random = new Random(23);
        double sum = 0.0;
        try (TransferModel model = TransferModel.initialise(spec(0.0))) {
            for (int step = 0; step < STEPS; step++) {
                Batch source = batch(random, 0.0);
                Batch target = batch(random, 2.0);
                StepOutcome outcome = model.step(source.x, source.y, target.x, Map.of("mmd", lambda));
                assertTrue(outcome.applied());
                if (step >= STEPS - 10) {
                    sum += outcome.mmd();
                }
            }
        }
        return sum / 10;
    }

    private static ModelSpec spec(double dropout) {
        return new ModelSpec(DIM, 2, List.of(16, 8), Activation.RELU, dropout, 99L, DataType.FLOAT,
                AdamSettings.withLearningRate(0.01), 5.0, new CrossEntropyLoss(), List.of(new MmdLoss()));
    }

    private record Batch(INDArray x, int[] y) {
    }

    /** Two Gaussian classes separated along the first axis; the target domain is shifted along all axes. */
    private static Batch batch(Random random, double domainShift) {
        double[][] x = new double[BATCH][DIM];
        int[] y = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            y[i] = random.nextInt(2);
            for (int j = 0; j < DIM; j++) {
                x[i][j] = 0.5 * random.nextGaussian() + domainShift;
            }
            x[i][0] += y[i] == 1 ? 1.5 : -1.5;
        }
        return new Batch(TestSpecs.array(x, DataType.FLOAT), y);
    }
}
