package io.kadapt.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The shadow model trains on the adapted model's batches without domain terms; the guard's choice is what is served. */
@Tag("unit")
class OnlineTrainerGuardTest {
    private static final int BATCH = 4;
    private static final ModelSpec SPEC = new ModelSpec(3, 2, List.of(6), Activation.RELU, 0.0, 11, DataType.DOUBLE,
            AdamSettings.withLearningRate(0.01), 0.0, new CrossEntropyLoss(), List.of(new MmdLoss()));
    /** Margins 0: the first window on which one model is better at all switches. */
    private static final TrainingSettings SETTINGS = new TrainingSettings(BATCH, BATCH, 100,
            Map.of("mmd", LambdaSchedule.constant(50.0)), Standardization.NONE, 1.0, 1, 16,
            TrainingSettings.FeedbackLearning.OFF, new GuardSettings(true, 2 * BATCH, 0.0, 0.0));

    private static List<Sample> stream(String domain, int from, int count, double shift, boolean labelled) {
        Random random = new Random(domain.hashCode() * 31L + from);
        List<Sample> samples = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            samples.add(new Sample(domain + i, new float[] {(float) (random.nextGaussian() + shift),
                    (float) random.nextGaussian(), (float) (random.nextGaussian() - shift)},
                    labelled ? i % 2 : Sample.NO_LABEL));
        }
        return samples;
    }

    private static void feed(OnlineTrainer trainer, int from, int batches) {
        List<Sample> source = stream("s-", from, batches * BATCH, 0, true);
        List<Sample> target = stream("t-", from, batches * BATCH, 2, false);
        for (int i = 0; i < source.size(); i++) {
            trainer.admit(Domain.SOURCE, source.get(i));
            trainer.admit(Domain.TARGET, target.get(i));
            while (trainer.readyToTrain()) {
                trainer.trainReadyBatch();
            }
        }
    }

    private static double[] flat(Map<String, INDArray> parameters) {
        return parameters.values().stream().map(INDArray::ravel).map(INDArray::toDoubleVector)
                .flatMapToDouble(Arrays::stream).toArray();
    }

    private static INDArray rows(List<Sample> samples) {
        return Nd4j.create(samples.stream().map(s -> {
            double[] row = new double[s.features().length];
            for (int j = 0; j < row.length; j++) {
                row[j] = s.features()[j];
            }
            return row;
        }).toArray(double[][]::new));
    }

    @Test
    @DisplayName("the shadow is bit-identical to a source-only model stepped on the same batches")
    void shadowIsTheSourceOnlyModel() {
        try (OnlineTrainer trainer = new OnlineTrainer(SETTINGS, TransferModel.initialise(SPEC), TrainerState.fresh(3),
                List.of(), List.of());
             TransferModel independent = TransferModel.initialise(SPEC.sourceOnly())) {
            feed(trainer, 0, 3);
            for (int b = 0; b < 3; b++) {
                List<Sample> source = stream("s-", 0, 3 * BATCH, 0, true).subList(b * BATCH, (b + 1) * BATCH);
                List<Sample> target = stream("t-", 0, 3 * BATCH, 2, false).subList(b * BATCH, (b + 1) * BATCH);
                independent.step(rows(source), source.stream().mapToDouble(Sample::label).toArray(), rows(target),
                        Map.of());
            }
            TransferModel shadow = trainer.shadow().orElseThrow();
            assertEquals(3, shadow.step());
            assertArrayEquals(flat(independent.parameters()), flat(shadow.parameters()), 0.0);
            assertFalse(Arrays.equals(flat(trainer.model().parameters()), flat(shadow.parameters())),
                    "λ = 50 MMD moves the adapted model elsewhere");
        }
    }

    @Test
    @DisplayName("disagreement: the fraction of samples the two models classify differently, as each predicts them")
    void disagreement() {
        List<Sample> probe = stream("p-", 0, 40, 2, false);
        try (OnlineTrainer trainer = new OnlineTrainer(SETTINGS, TransferModel.initialise(SPEC), TrainerState.fresh(3),
                List.of(), List.of())) {
            assertEquals(0.0, trainer.disagreement(probe), "both start from the same seeded draw");
            feed(trainer, 0, 6);
            int[] adapted = argmax(trainer.model().predictOutputs(rows(probe)));
            int[] shadow = argmax(trainer.shadow().orElseThrow().predictOutputs(rows(probe)));
            int different = 0;
            for (int i = 0; i < probe.size(); i++) {
                different += adapted[i] != shadow[i] ? 1 : 0;
            }
            assertEquals((double) different / probe.size(), trainer.disagreement(probe), 0.0);
            assertTrue(Double.isNaN(trainer.disagreement(List.of())));
        }
        TrainingSettings unguarded = new TrainingSettings(BATCH, BATCH, 100, SETTINGS.lambdaSchedules(),
                Standardization.NONE, 1.0, 1, 16, TrainingSettings.FeedbackLearning.OFF,
                new GuardSettings(false, 8, 0.0, 0.0));
        try (OnlineTrainer trainer = new OnlineTrainer(unguarded, TransferModel.initialise(SPEC), null,
                TrainerState.fresh(3), List.of(), List.of(), Map.of(), OnlineTrainer.StoredFeedback.NONE)) {
            assertTrue(Double.isNaN(trainer.disagreement(probe)), "no shadow, no disagreement");
        }
    }

    private static int[] argmax(INDArray probabilities) {
        int[] classes = new int[(int) probabilities.size(0)];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = probabilities.getRow(i).argMax().getInt(0);
        }
        return classes;
    }

    @Test
    @DisplayName("what is exported is the model the guard serves, after every batch; each switch is drained once")
    void servedIsTheGuardsChoice() {
        try (OnlineTrainer trainer = new OnlineTrainer(SETTINGS, TransferModel.initialise(SPEC), TrainerState.fresh(3),
                List.of(), List.of())) {
            java.util.Set<NegativeTransferGuard.Candidate> served = java.util.EnumSet.noneOf(
                    NegativeTransferGuard.Candidate.class);
            List<NegativeTransferGuard.Switch> switches = new ArrayList<>();
            for (int batch = 0; batch < 6; batch++) {
                feed(trainer, batch * BATCH, 1);
                switches.addAll(trainer.drainSwitches());
                served.add(trainer.serving());
                TransferModel model = trainer.serving() == NegativeTransferGuard.Candidate.ADAPTED ? trainer.model()
                        : trainer.shadow().orElseThrow();
                assertArrayEquals(flat(model.parameters()), flat(trainer.export().parameters()), 0.0);
                assertEquals(trainer.model().step(), trainer.export().step(), "versioned by the adapted model's step");
            }
            // Margin 0 on this stream: the guard goes to the shadow and back, so both branches were exercised
            assertEquals(java.util.EnumSet.allOf(NegativeTransferGuard.Candidate.class), served);
            assertEquals(NegativeTransferGuard.restore(SETTINGS.guard(), BATCH, false, trainer.state().guard())
                    .switches(), switches.size());
            assertEquals(List.of(), trainer.drainSwitches());
            assertEquals(6 * BATCH, trainer.drainDisagreements().size(), "one comparison per fresh target sample");
        }
    }

    @Test
    @DisplayName("feedback evidence: each label's log-loss under both models, as they were before either learned from it")
    void feedbackEvidenceScoredBeforeTheStep() {
        TrainingSettings settings = new TrainingSettings(BATCH, BATCH, 100,
                Map.of("mmd", LambdaSchedule.constant(50.0)), Standardization.NONE, 1.0, 1, 16,
                new TrainingSettings.FeedbackLearning(true, 1.0, 0), new GuardSettings(true, 2 * BATCH, 0.0, 0.0));
        try (OnlineTrainer trainer = new OnlineTrainer(settings, TransferModel.initialise(SPEC), TrainerState.fresh(3),
                List.of(), List.of())) {
            feed(trainer, 0, 3);
            List<Sample> labelled = stream("t-", 1000, BATCH, 2, true);
            labelled.forEach(sample -> trainer.admit(Domain.TARGET,
                    new Sample(sample.id(), sample.features(), Sample.NO_LABEL)));
            labelled.forEach(trainer::admitLabelled);
            double[] adapted = logLosses(trainer.model().predictOutputs(rows(labelled)), labelled);
            double[] shadow = logLosses(trainer.shadow().orElseThrow().predictOutputs(rows(labelled)), labelled);
            assertTrue(trainer.readyToLearnFeedback());
            trainer.learnFeedbackBatch();

            NegativeTransferGuard guard = NegativeTransferGuard.restore(settings.guard(), BATCH, false,
                    trainer.state().guard());
            assertArrayEquals(adapted, guard.recentLogLosses(NegativeTransferGuard.Candidate.ADAPTED, BATCH), 1e-6);
            assertArrayEquals(shadow, guard.recentLogLosses(NegativeTransferGuard.Candidate.SOURCE_ONLY, BATCH), 1e-6);
            assertFalse(Arrays.equals(adapted, logLosses(trainer.model().predictOutputs(rows(labelled)), labelled)),
                    "the step on the labels changed the adapted model's log-losses: they were taken before it");
        }
    }

    /** −ln of the probability each row gives its sample's class, computed here from the probabilities. */
    private static double[] logLosses(INDArray probabilities, List<Sample> samples) {
        double[] losses = new double[samples.size()];
        for (int i = 0; i < losses.length; i++) {
            losses[i] = -Math.log(probabilities.getDouble(i, (long) samples.get(i).label()));
        }
        return losses;
    }

    @Test
    @DisplayName("restored with its shadow and guard state, a trainer serves, steps and switches bit-identically")
    void restoreIsBitIdentical() {
        try (OnlineTrainer trainer = new OnlineTrainer(SETTINGS, TransferModel.initialise(SPEC), TrainerState.fresh(3),
                List.of(), List.of())) {
            feed(trainer, 0, 3);
            try (OnlineTrainer restored = new OnlineTrainer(SETTINGS,
                    TransferModel.restore(SPEC, trainer.model().snapshot()),
                    TransferModel.restore(SPEC.sourceOnly(), trainer.shadow().orElseThrow().snapshot()),
                    TrainerState.decode(trainer.state().encode(), 3), List.of(), List.of(), Map.of(),
                    OnlineTrainer.StoredFeedback.NONE)) {
                for (OnlineTrainer each : List.of(trainer, restored)) {
                    feed(each, 100, 4);
                }
                assertEquals(trainer.serving(), restored.serving());
                assertArrayEquals(trainer.state().encode(), restored.state().encode());
                assertArrayEquals(flat(trainer.export().parameters()), flat(restored.export().parameters()), 0.0);
            }
        }
    }

    @Test
    @DisplayName("a shadow goes with the guard and only with it")
    void shadowOnlyWithTheGuard() {
        assertThrows(IllegalArgumentException.class, () -> new OnlineTrainer(SETTINGS, TransferModel.initialise(SPEC),
                null, TrainerState.fresh(3), List.of(), List.of(), Map.of(), OnlineTrainer.StoredFeedback.NONE));
        assertTrue(new OnlineTrainer(new TrainingSettings(BATCH, BATCH, 100, Map.of("mmd", LambdaSchedule.constant(1)),
                Standardization.NONE, 1.0, 1, 16, TrainingSettings.FeedbackLearning.OFF, GuardSettings.OFF),
                TransferModel.initialise(SPEC), TrainerState.fresh(3), List.of(), List.of()).shadow().isEmpty());
    }
}
