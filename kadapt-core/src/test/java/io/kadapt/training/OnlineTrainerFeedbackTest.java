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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Feedback learning: labelled target samples earn supervised steps of their own, once each, across restores. */
@Tag("unit")
class OnlineTrainerFeedbackTest {
    private static final int BATCH = 4;
    private static final double LEARNING_RATE = 0.01;
    private static final ModelSpec SPEC = new ModelSpec(3, 2, List.of(6), Activation.RELU, 0.0, 11, DataType.DOUBLE,
            AdamSettings.withLearningRate(LEARNING_RATE), 0.0, new CrossEntropyLoss(), List.of(new MmdLoss()));

    private static TrainingSettings settings(boolean learn, double weight, int stepsPerBatch) {
        return settings(learn, weight, stepsPerBatch, 100);
    }

    private static TrainingSettings settings(boolean learn, double weight, int stepsPerBatch, int bufferMax) {
        return settings(learn, weight, stepsPerBatch, bufferMax, 0);
    }

    private static TrainingSettings settings(boolean learn, double weight, int stepsPerBatch, int bufferMax,
                                             int replaySteps) {
        return new TrainingSettings(BATCH, BATCH, bufferMax, Map.of("mmd", LambdaSchedule.constant(1.0)),
                Standardization.PER_DOMAIN, 1.0, stepsPerBatch, 16,
                new TrainingSettings.FeedbackLearning(learn, weight, replaySteps), GuardSettings.OFF);
    }

    private static OnlineTrainer fresh(TrainingSettings settings) {
        return new OnlineTrainer(settings, TransferModel.initialise(SPEC), TrainerState.fresh(3), List.of(), List.of());
    }

    private static List<Sample> labelledTargets(int from, int count) {
        Random random = new Random(17 + from);
        List<Sample> samples = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            samples.add(new Sample("t-" + i, new float[] {(float) (random.nextGaussian() + 2),
                    (float) random.nextGaussian(), (float) (random.nextGaussian() - 2)}, i % 2));
        }
        return samples;
    }

    /** Admits the targets' features as the target stream does, then their labels as feedback. */
    private static void predictThenLabel(OnlineTrainer trainer, List<Sample> labelled) {
        for (Sample sample : labelled) {
            trainer.admit(Domain.TARGET, new Sample(sample.id(), sample.features(), Sample.NO_LABEL));
        }
        for (Sample sample : labelled) {
            trainer.admitLabelled(sample);
        }
    }

    private static double[] flat(TransferModel model) {
        return model.parameters().values().stream().map(INDArray::ravel).map(INDArray::toDoubleVector)
                .flatMapToDouble(Arrays::stream).toArray();
    }

    @Test
    @DisplayName("feedback steps are supervised steps on the target-standardised rows, λ = 0, step size × weight")
    void feedbackStepIsTheWeightedTargetStep() {
        double weight = 2.5;
        int rows = 2 * BATCH;
        List<Sample> labelled = labelledTargets(0, rows);
        try (OnlineTrainer trainer = fresh(settings(true, weight, 1));
             TransferModel independent = TransferModel.initialise(SPEC)) {
            predictThenLabel(trainer, labelled);
            List<StepReport> reports = new ArrayList<>();
            while (trainer.readyToLearnFeedback()) {
                reports.addAll(trainer.learnFeedbackBatch());
            }
            assertEquals(2, reports.size());
            assertTrue(reports.stream().allMatch(StepReport::feedback));
            assertEquals(BATCH, reports.get(0).targetBatch());

            // The same steps computed independently: z-score the rows with the population mean and variance of all
            // target features admitted (each variance floored at the mean variance, preprocess.variance-floor 1),
            // then Adam steps at lr × weight with the MMD term switched off. Two steps, because Adam's first moves
            // every parameter by ±lr whatever the scale of its gradient.
            double[] mean = new double[3];
            double[] variance = new double[3];
            for (int j = 0; j < 3; j++) {
                for (Sample s : labelled) {
                    mean[j] += s.features()[j] / (double) rows;
                }
                for (Sample s : labelled) {
                    variance[j] += Math.pow(s.features()[j] - mean[j], 2) / rows;
                }
            }
            double floor = Arrays.stream(variance).average().orElseThrow();
            independent.learningRate(LEARNING_RATE * weight);
            for (int from = 0; from < rows; from += BATCH) {
                double[][] x = new double[BATCH][3];
                for (int i = 0; i < BATCH; i++) {
                    for (int j = 0; j < 3; j++) {
                        x[i][j] = (float) ((labelled.get(from + i).features()[j] - mean[j])
                                / Math.sqrt(Math.max(variance[j], floor)));
                    }
                }
                INDArray matrix = Nd4j.create(x);
                double[] y = labelled.subList(from, from + BATCH).stream().mapToDouble(Sample::label).toArray();
                independent.step(matrix, y, matrix, Map.of("mmd", 0.0));
            }
            assertArrayEquals(flat(independent), flat(trainer.model()), 1e-6);
            assertEquals(LEARNING_RATE, trainer.model().learningRate(), "the source steps' rate is restored");
            assertEquals(rows, trainer.state().learnedFeedbackDigest().count());
        }
    }

    @Test
    @DisplayName("steps-per-batch k: a labelled batch earns k steps, k−1 of them on the labelled replay memory")
    void labelledBatchEarnsStepsPerBatch() {
        try (OnlineTrainer trainer = fresh(settings(true, 1.0, 3))) {
            predictThenLabel(trainer, labelledTargets(0, BATCH + 1));
            List<StepReport> reports = trainer.learnFeedbackBatch();
            assertEquals(List.of(false, true, true), reports.stream().map(StepReport::replay).toList());
            assertEquals(3, trainer.model().step());
            assertEquals(1, trainer.bufferedLabelled());
            assertFalse(trainer.readyToLearnFeedback());
            assertEquals(1, trainer.drainReplayWrites().stream().map(OnlineTrainer.ReplayWrite::memory).distinct()
                    .filter(OnlineTrainer.FEEDBACK::equals).count());
        }
    }

    @Test
    @DisplayName("feedback.learn.replay-steps r: each source+target batch earns r labelled replay steps once labels are remembered")
    void sourceTargetBatchEarnsLabelledReplaySteps() {
        int replaySteps = 2;
        try (OnlineTrainer trainer = fresh(settings(true, 1.0, 2, 100, replaySteps))) {
            List<Sample> sources = labelledTargets(200, 3 * BATCH);
            List<Sample> targets = labelledTargets(300, 3 * BATCH);
            for (int i = 0; i < BATCH; i++) {
                trainer.admit(Domain.SOURCE, sources.get(i));
                trainer.admit(Domain.TARGET, new Sample(targets.get(i).id(), targets.get(i).features(),
                        Sample.NO_LABEL));
            }
            assertEquals(List.of(false, false), trainer.trainReadyBatch().stream().map(StepReport::feedback).toList(),
                    "no labelled sample remembered yet: the batch earns its own two steps only");

            predictThenLabel(trainer, labelledTargets(0, BATCH));
            trainer.learnFeedbackBatch();
            for (int i = BATCH; i < 2 * BATCH; i++) {
                trainer.admit(Domain.SOURCE, sources.get(i));
                trainer.admit(Domain.TARGET, new Sample(targets.get(i).id(), targets.get(i).features(),
                        Sample.NO_LABEL));
            }
            List<StepReport> reports = trainer.trainReadyBatch();
            assertEquals(List.of(false, false, true, true), reports.stream().map(StepReport::feedback).toList());
            assertTrue(reports.subList(2, 4).stream().allMatch(r -> r.replay() && r.sourceBatch() == 0
                    && r.targetBatch() == BATCH && r.lambdas().values().stream().allMatch(l -> l == 0.0)));
            assertEquals(BATCH, trainer.state().learnedFeedbackDigest().count(),
                    "replayed labels are not learned from twice in the ledger");
        }
        // Turned off after labels were remembered (a restart with feedback.learn=false): the memory is not replayed.
        TrainerState remembered = TrainerState.fresh(3);
        labelledTargets(0, BATCH).forEach(remembered.feedback()::recordLearned);
        try (OnlineTrainer off = new OnlineTrainer(settings(false, 1.0, 2, 100, replaySteps),
                TransferModel.initialise(SPEC), null, remembered, labelledTargets(200, BATCH),
                labelledTargets(300, BATCH).stream().map(t -> new Sample(t.id(), t.features(), Sample.NO_LABEL))
                        .toList(), Map.of(), new OnlineTrainer.StoredFeedback(List.of(), labelledTargets(0, BATCH)))) {
            assertEquals(2, off.trainReadyBatch().size(), "feedback.learn=false: no labelled steps");
        }
    }

    @Test
    @DisplayName("feedback.learn=false: labelled samples never make a step")
    void offSwitch() {
        try (OnlineTrainer trainer = fresh(settings(false, 1.0, 1))) {
            predictThenLabel(trainer, labelledTargets(0, BATCH));
            assertFalse(trainer.readyToLearnFeedback());
            assertEquals(0, trainer.model().step());
        }
    }

    @Test
    @DisplayName("a full labelled buffer drops its oldest sample, counted; an unlabelled sample is refused")
    void boundedAndLabelledOnly() {
        try (OnlineTrainer trainer = fresh(settings(true, 1.0, 1, 6))) {
            trainer.apply(new ControlCommand.Pause());
            List<OptionalLong> dropped = labelledTargets(0, 7).stream().map(trainer::admitLabelled).toList();
            assertEquals(OptionalLong.of(0), dropped.get(6), "buffer max 6: the 7th drops sequence 0");
            assertEquals(1, trainer.state().droppedFeedback());
            assertEquals(6, trainer.bufferedLabelled());
            assertFalse(trainer.readyToLearnFeedback(), "paused");
            assertThrows(IllegalArgumentException.class,
                    () -> trainer.admitLabelled(new Sample("u", new float[3], Sample.NO_LABEL)));
        }
    }

    @Test
    @DisplayName("restored from its state, buffers and replay slots, a trainer learns bit-identically and each label once")
    void restoreIsBitIdentical() {
        TrainingSettings settings = settings(true, 1.5, 2);
        try (OnlineTrainer trainer = fresh(settings)) {
            predictThenLabel(trainer, labelledTargets(0, BATCH + 2));
            List<OnlineTrainer.ReplayWrite> writes = new ArrayList<>();
            while (trainer.readyToLearnFeedback()) {
                trainer.learnFeedbackBatch();
            }
            writes.addAll(trainer.drainReplayWrites());
            List<Sample> waiting = labelledTargets(0, BATCH + 2).subList(BATCH, BATCH + 2);
            List<Sample> replaySlots = writes.stream().filter(w -> w.memory().equals(OnlineTrainer.FEEDBACK))
                    .map(OnlineTrainer.ReplayWrite::sample).toList();
            List<Sample> targets = labelledTargets(0, BATCH + 2).stream()
                    .map(s -> new Sample(s.id(), s.features(), Sample.NO_LABEL)).toList();
            try (OnlineTrainer restored = new OnlineTrainer(settings,
                    TransferModel.restore(SPEC, trainer.model().snapshot()), null,
                    TrainerState.decode(trainer.state().encode(), 3), List.of(), targets, Map.of(),
                    new OnlineTrainer.StoredFeedback(waiting, replaySlots))) {
                for (OnlineTrainer each : List.of(trainer, restored)) {
                    predictThenLabel(each, labelledTargets(100, BATCH));
                    while (each.readyToLearnFeedback()) {
                        each.learnFeedbackBatch();
                    }
                }
                assertEquals(4, trainer.model().step());
                assertArrayEquals(flat(trainer.model()), flat(restored.model()));
                assertArrayEquals(trainer.state().encode(), restored.state().encode());
                assertEquals(2 * BATCH, restored.state().learnedFeedbackDigest().count());
                assertNotEquals(SampleIdDigest.EMPTY, restored.state().learnedFeedbackDigest());
            }
        }
    }

    @Test
    @DisplayName("a version-2 trainer state (before feedback learning) decodes with an empty feedback ledger")
    void versionTwoStateDecodes() {
        byte[] current = TrainerState.fresh(3).encode();
        // Version 2 ends before the feedback ledger (5 longs) and the guard state (its length, 0 for a fresh state).
        byte[] old = Arrays.copyOf(current, current.length - 5 * 8 - 4);
        old[7] = 2;
        TrainerState decoded = TrainerState.decode(old, 3);
        assertEquals(SampleIdDigest.EMPTY, decoded.learnedFeedbackDigest());
        assertEquals(0, decoded.droppedFeedback());
    }
}
