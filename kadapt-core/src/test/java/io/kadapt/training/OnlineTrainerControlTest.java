package io.kadapt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.data.Domain;
import io.kadapt.data.Sample;
import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.MmdLoss;
import io.kadapt.model.Activation;
import io.kadapt.model.AdamSettings;
import io.kadapt.model.ModelSpec;
import io.kadapt.model.TransferModel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Runtime control commands change what the next steps use, persist in the trainer state, and replay identically. */
@Tag("unit")
class OnlineTrainerControlTest {
    private static final int BATCH = 4;
    private static final double LEARNING_RATE = 0.01;
    private static final ModelSpec SPEC = new ModelSpec(3, 2, List.of(6), Activation.RELU, 0.0, 11, DataType.DOUBLE,
            AdamSettings.withLearningRate(LEARNING_RATE), 0.0, new CrossEntropyLoss(), List.of(new MmdLoss()));
    private static final TrainingSettings SETTINGS = new TrainingSettings(BATCH, BATCH, 100,
            Map.of("mmd", LambdaSchedule.constant(1.0)), Standardization.NONE, 1.0, 1, 0,
            TrainingSettings.FeedbackLearning.OFF, GuardSettings.OFF);

    private static OnlineTrainer fresh() {
        return new OnlineTrainer(SETTINGS, TransferModel.initialise(SPEC), TrainerState.fresh(3), List.of(), List.of());
    }

    /** Admits {@code batches} source and target batches of a fixed, seeded stream starting at sample {@code from}. */
    private static void feed(OnlineTrainer trainer, int from, int batches) {
        List<Sample> samples = samples(from, batches);
        for (int i = 0; i < samples.size(); i += 2) {
            trainer.admit(Domain.SOURCE, samples.get(i));
            trainer.admit(Domain.TARGET, samples.get(i + 1));
        }
    }

    /** Source and target samples, alternating. */
    private static List<Sample> samples(int from, int batches) {
        Random random = new Random(5 + from);
        List<Sample> samples = new java.util.ArrayList<>();
        for (int i = from; i < from + batches * BATCH; i++) {
            samples.add(new Sample("s-" + i, features(random, 0), i % 2));
            samples.add(new Sample("t-" + i, features(random, 2), Sample.NO_LABEL));
        }
        return samples;
    }

    private static float[] features(Random random, double shift) {
        return new float[] {(float) (random.nextGaussian() + shift), (float) random.nextGaussian(),
                (float) (random.nextGaussian() - shift)};
    }

    private static double[] flat(TransferModel model) {
        return model.parameters().values().stream().map(INDArray::ravel).map(a -> a.toDoubleVector())
                .flatMapToDouble(Arrays::stream).toArray();
    }

    @Test
    @DisplayName("set-lambda: the next step's loss is ℓ + λ_new·MMD², and the model moves differently")
    void lambdaCommandChangesTheLossUsed() {
        try (OnlineTrainer configured = fresh(); OnlineTrainer changed = fresh()) {
            ControlEffect effect = changed.apply(new ControlCommand.SetLambda("mmd", 0.25));
            assertEquals("loss.mmd.lambda", effect.setting());
            assertEquals(1.0, effect.oldValue());
            assertEquals(0.25, effect.newValue());
            assertEquals(0, effect.modelStep());
            feed(configured, 0, 1);
            feed(changed, 0, 1);
            StepReport before = configured.trainReadyBatch().get(0);
            StepReport after = changed.trainReadyBatch().get(0);
            assertEquals(1.0, before.lambdas().get("mmd"));
            assertEquals(0.25, after.lambdas().get("mmd"));
            var outcome = after.outcome();
            assertEquals(outcome.supervisedLoss() + 0.25 * outcome.domainLossValues().get("mmd"), outcome.totalLoss(),
                    1e-9 * Math.abs(outcome.totalLoss()), "the loss the step minimised used the new λ");
            assertTrue(outcome.domainLossValues().get("mmd") > 1e-6, "the domains differ, so λ matters");
            assertNotEquals(Arrays.toString(flat(configured.model())), Arrays.toString(flat(changed.model())));
        }
    }

    @Test
    @DisplayName("set-learning-rate: Adam's first step scales with the new lr₀")
    void learningRateCommandScalesTheAdamStep() {
        try (OnlineTrainer configured = fresh(); OnlineTrainer changed = fresh()) {
            double[] start = flat(configured.model());
            ControlEffect effect = changed.apply(new ControlCommand.SetLearningRate(3 * LEARNING_RATE));
            assertEquals(LEARNING_RATE, effect.oldValue());
            assertEquals(3 * LEARNING_RATE, changed.model().learningRate());
            feed(configured, 0, 1);
            feed(changed, 0, 1);
            assertTrue(configured.trainReadyBatch().get(0).outcome().applied());
            assertTrue(changed.trainReadyBatch().get(0).outcome().applied());
            // Adam's first update is lr·g/(|g| + ε) ≈ ±lr per parameter: 3× the rate, 3× the move.
            double moved = distance(start, flat(configured.model()));
            double movedChanged = distance(start, flat(changed.model()));
            assertEquals(3.0, movedChanged / moved, 0.01, "update norms " + movedChanged + " vs " + moved);
        }
    }

    private static double distance(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(sum);
    }

    @Test
    @DisplayName("pause: samples buffer and targets are predicted, but no step; resume trains the waiting batches")
    void pauseStopsSteps() {
        try (OnlineTrainer trainer = fresh()) {
            ControlEffect paused = trainer.apply(new ControlCommand.Pause());
            assertEquals(false, paused.oldValue());
            assertEquals(true, paused.newValue());
            feed(trainer, 0, 3);
            assertFalse(trainer.readyToTrain());
            assertFalse(trainer.readyToTrainSourceOnly());
            assertEquals(3 * BATCH, trainer.buffered(Domain.SOURCE));
            assertEquals(0, trainer.predict(new Sample("t-x", new float[] {1, 2, 3}, Sample.NO_LABEL)).modelStep());
            assertEquals(0, trainer.model().step());

            trainer.apply(new ControlCommand.Resume());
            int steps = 0;
            while (trainer.readyToTrain()) {
                steps += trainer.trainReadyBatch().size();
            }
            assertEquals(3, steps);
            assertEquals(3, trainer.model().step());
            assertEquals(0, trainer.buffered(Domain.SOURCE));
        }
    }

    @Test
    @DisplayName("the changed settings survive encode → decode → restore, and the restored trainer steps bit-identically")
    void overridesSurviveARestore() {
        try (OnlineTrainer trainer = fresh()) {
            trainer.apply(new ControlCommand.SetLambda("mmd", 0.5));
            trainer.apply(new ControlCommand.SetLearningRate(0.002));
            trainer.apply(new ControlCommand.Pause());
            feed(trainer, 0, 1);
            byte[] state = trainer.state().encode();
            // Restored as the stream layer does: model snapshot, trainer state, and the still-buffered samples.
            List<Sample> buffered = samples(0, 1);
            try (OnlineTrainer restored = new OnlineTrainer(SETTINGS,
                    TransferModel.restore(SPEC, trainer.model().snapshot()), TrainerState.decode(state, 3),
                    buffered.stream().filter(Sample::labelled).toList(),
                    buffered.stream().filter(x -> !x.labelled()).toList())) {
                assertTrue(restored.state().overrides().paused());
                assertEquals(0.5, restored.lambda("mmd"));
                assertEquals(0.002, restored.model().learningRate());
                assertEquals(Map.of("mmd", 0.5), restored.state().overrides().lambdas());

                for (OnlineTrainer each : List.of(trainer, restored)) {
                    each.apply(new ControlCommand.Resume());
                    feed(each, 100, 1);
                    while (each.readyToTrain()) {
                        each.trainReadyBatch();
                    }
                }
                assertArrayEquals(flat(trainer.model()), flat(restored.model()));
                assertArrayEquals(trainer.state().encode(), restored.state().encode());
            }
        }
    }

    @Test
    @DisplayName("a trainer state written before runtime control (version 1) decodes with no overrides")
    void versionOneStateDecodes() {
        byte[] current = TrainerState.fresh(3).encode();
        // Version 1 is version 3 without the trailing overrides (no λ: int 0, lr NaN: double, not paused: boolean)
        // and without the feedback ledger (5 longs) and the guard state (its length, 0 for a fresh state) after them.
        byte[] old = Arrays.copyOf(current, current.length - (4 + 8 + 1) - 5 * 8 - 4);
        old[7] = 1;
        TrainerState decoded = TrainerState.decode(old, 3);
        assertFalse(decoded.overrides().paused());
        assertTrue(decoded.overrides().learningRate().isEmpty());
        assertTrue(decoded.overrides().lambdas().isEmpty());
    }

    @Test
    @DisplayName("λ of a term that is not configured is refused and changes nothing")
    void unknownTermIsRefused() {
        try (OnlineTrainer trainer = fresh()) {
            assertThrows(IllegalArgumentException.class, () -> trainer.apply(new ControlCommand.SetLambda("coral", 1)));
            assertTrue(trainer.state().overrides().lambdas().isEmpty());
        }
    }
}
