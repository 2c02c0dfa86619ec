package io.kadapt.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.MmdLoss;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Short end-to-end training runs on synthetic data: the optimiser and the losses pull in the right direction. */
@Tag("unit")
@ParameterizedClass(name = "{0}")
@EnumSource(value = EngineChoice.class, names = {"FAST", "SAMEDIFF"})
class TrainingTest {

    private final EngineChoice engine;

    TrainingTest(EngineChoice engine) {
        this.engine = engine;
    }

    private static final int DIM = 6;
    private static final int BATCH = 32;
    private static final int STEPS = 50;
    /** Runs by λ, shared by the tests: each costs seconds and they are deterministic. */
    private static final Map<String, Run> RUNS = new HashMap<>();

    @Test
    @DisplayName("on separable source data the loss falls and the accuracy rises within 50 steps")
    void learnsSeparableSource() {
        Run run = run(0.0);
        assertTrue(run.lastLoss < 0.5 * run.firstLoss, "loss " + run.firstLoss + " → " + run.lastLoss);
        assertTrue(run.lastAccuracy > run.firstAccuracy + 0.1 && run.lastAccuracy > 0.9,
                "accuracy " + run.firstAccuracy + " → " + run.lastAccuracy);
    }

    @Test
    @DisplayName("with λ > 0 the feature MMD between shifted domains ends lower than with λ = 0 (same seed, data)")
    void mmdTermAlignsDomains() {
        double withoutTerm = run(0.0).lastMmd;
        double withTerm = run(1.0).lastMmd;
        assertTrue(withTerm < 0.7 * withoutTerm, "MMD² with λ=1: " + withTerm + ", with λ=0: " + withoutTerm);
    }

    /** Means over the first and last 5 steps (MMD: last 10) of a 50-step run. */
    private record Run(double firstLoss, double lastLoss, double firstAccuracy, double lastAccuracy,
                       double lastMmd) {
    }

    private Run run(double lambda) {
        synchronized (RUNS) {
            return RUNS.computeIfAbsent(engine + ":" + lambda, key -> train(lambda));
        }
    }

    private Run train(double lambda) {
        Random random = new Random(23);
        double firstLoss = 0;
        double lastLoss = 0;
        double firstAccuracy = 0;
        double lastAccuracy = 0;
        double lastMmd = 0;
        ModelSpec spec = new ModelSpec(DIM, 2, List.of(16, 8), Activation.RELU, 0.1, 99L, DataType.FLOAT,
                AdamSettings.withLearningRate(0.003), 5.0, new CrossEntropyLoss(), List.of(new MmdLoss()));
        try (TransferModel model = TransferModel.initialise(spec.withEngine(engine))) {
            for (int step = 0; step < STEPS; step++) {
                Batch source = batch(random, 0.0);
                Batch target = batch(random, 2.0);
                StepOutcome outcome = model.step(source.x, source.y, target.x, Map.of("mmd", lambda));
                assertTrue(outcome.applied());
                if (step < 5) {
                    firstLoss += outcome.supervisedLoss() / 5;
                    firstAccuracy += outcome.sourceAccuracy() / 5;
                } else if (step >= STEPS - 5) {
                    lastLoss += outcome.supervisedLoss() / 5;
                    lastAccuracy += outcome.sourceAccuracy() / 5;
                }
                if (step >= STEPS - 10) {
                    lastMmd += outcome.mmd() / 10;
                }
            }
        }
        return new Run(firstLoss, lastLoss, firstAccuracy, lastAccuracy, lastMmd);
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
