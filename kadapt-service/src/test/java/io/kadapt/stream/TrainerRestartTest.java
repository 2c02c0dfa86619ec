package io.kadapt.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.config.KadaptConfig;
import io.kadapt.data.Sample;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.stream.dlq.RejectReason;
import io.kadapt.stream.serde.StepMetricsMessage;
import io.kadapt.stream.serde.TrainingRecord;
import io.kadapt.stream.state.ModelCheckpointStore;
import io.kadapt.stream.state.PredictionLedgerStore;
import io.kadapt.stream.state.ReplayMemoryStore;
import io.kadapt.stream.state.SampleBufferStore;
import io.kadapt.training.ControlCommand;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The trainer's restart invariant at the processor level, record by record: a {@link TrainerProcessor} thrown away
 * and re-initialised from its stores after every training record (what a crash after a commit amounts to) must end
 * with the model, shadow and trainer state bit-identical to one that never restarted, on a log that has everything the
 * trainer reads: source and target samples, late labels (before and after their predictions), and every control
 * command. The chaos tests prove the same against a real broker, but only at the few points their kills land.
 */
@Tag("topology")
class TrainerRestartTest {
    private static final int DIMENSION = 3;

    @Test
    @DisplayName("re-initialised from its stores after every record, the trainer ends bit-identical to an uninterrupted one")
    void restartAfterEveryRecordChangesNothing() {
        List<TrainingRecord> log = log(new SplittableRandom(11), 240);
        Map<String, String> settings = new HashMap<>(AdaptationTopologyTest.SMALL_MODEL);
        settings.put("train.steps-per-batch", "3");
        AdaptationSettings adaptation = AdaptationSettings.from(KadaptConfig.of(settings));

        Run uninterrupted = new Run(adaptation);
        log.forEach(uninterrupted::process);
        Run restarted = new Run(adaptation);
        log.forEach(record -> {
            restarted.process(record);
            restarted.restart();
        });

        ModelCheckpointStore.Checkpoint expected = uninterrupted.checkpoint();
        ModelCheckpointStore.Checkpoint actual = restarted.checkpoint();
        List<String> expectedSteps = uninterrupted.steps();
        assertTrue(expectedSteps.size() > 40, "the log must make steps of every kind: " + expectedSteps.size());
        assertEquals(expectedSteps, restarted.steps(), "the step records, in order");
        assertArrayEquals(expected.shadow(), actual.shadow(), "shadow");
        assertArrayEquals(expected.trainer(), actual.trainer(), "trainer state");
        assertArrayEquals(expected.model(), actual.model(), "model");
    }

    /**
     * Source and target samples of two shifted Gaussian classes, each target's label 6 records later (every fifth one
     * before its prediction), and the control commands spread over the first half, the first before any step (when the stores hold
     * no model yet).
     */
    private static List<TrainingRecord> log(SplittableRandom random, int samples) {
        List<TrainingRecord> log = new ArrayList<>();
        List<Sample> targets = new ArrayList<>();
        List<ControlCommand> commands = List.of(new ControlCommand.SetLambda("mmd", 0.5),
                new ControlCommand.SetLearningRate(0.002), new ControlCommand.Pause(), new ControlCommand.Resume(),
                new ControlCommand.Snapshot());
        for (int i = 0; i < samples; i++) {
            int command = i / 20;
            if (i % 20 == 0 && command < commands.size()) {
                log.add(new TrainingRecord.Control("cmd-" + command, commands.get(command), "test", null, "control", 0,
                        command));
            }
            log.add(new TrainingRecord.Source(sample(random, "s-" + i, 0f)));
            Sample target = sample(random, "t-" + i, 1.5f);
            targets.add(target);
            if (i % 5 == 4) {
                log.add(new TrainingRecord.Feedback(target.id(), target.label()));
            }
            log.add(new TrainingRecord.Target(new Sample(target.id(), target.features(), Double.NaN),
                    random.nextInt(2), new float[] {0.5f, 0.5f}, 0));
            if (i >= 6 && (i - 6) % 5 != 4) {
                Sample late = targets.get(i - 6);
                log.add(new TrainingRecord.Feedback(late.id(), late.label()));
            }
        }
        return log;
    }

    private static Sample sample(SplittableRandom random, String id, float shift) {
        int label = random.nextInt(2);
        float[] features = new float[DIMENSION];
        for (int i = 0; i < DIMENSION; i++) {
            features[i] = (float) (random.nextGaussian() + (label == 1 ? 2 : -2) * (i == 0 ? 1 : 0) + shift);
        }
        return new Sample(id, features, label);
    }

    /** A trainer processor on in-memory stores that outlive it, as a task's stores outlive a crashed instance. */
    private static final class Run {
        private final AdaptationSettings settings;
        private final List<KeyValueStore<String, byte[]>> stores = new ArrayList<>();
        private final List<Object> forwarded = new ArrayList<>();
        private MockProcessorContext<String, Object> context;
        private TrainerProcessor processor;
        private long time = 1_000_000;

        Run(AdaptationSettings settings) {
            this.settings = settings;
            MockProcessorContext<String, Object> first = new MockProcessorContext<>(new Properties());
            for (String name : List.of(ModelCheckpointStore.NAME, SampleBufferStore.NAME, PredictionLedgerStore.NAME,
                    ReplayMemoryStore.NAME)) {
                KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
                store.init(first.getStateStoreContext(), store);
                stores.add(store);
            }
            restart();
        }

        /** A new processor in a new context (nothing of the old one's heap survives) on the same stores. */
        void restart() {
            if (processor != null) {
                collectForwarded();
                processor.close();
            }
            context = new MockProcessorContext<>(new Properties());
            stores.forEach(context::addStateStore);
            processor = new TrainerProcessor(settings,
                    new AdaptationMetrics(new SimpleMeterRegistry(), RejectReason.tags()));
            context.setCurrentSystemTimeMs(time);
            processor.init(context);
        }

        private void collectForwarded() {
            context.forwarded().forEach(forward -> forwarded.add(forward.record().value()));
            context.resetForwards();
        }

        void process(TrainingRecord record) {
            time += 7;
            context.setCurrentSystemTimeMs(time);
            processor.process(new Record<>("k", record, time));
        }

        ModelCheckpointStore.Checkpoint checkpoint() {
            KeyValueStore<String, byte[]> store = context.getStateStore(ModelCheckpointStore.NAME);
            return new ModelCheckpointStore(store).load().orElseThrow();
        }

        /** Every step record forwarded, without its timing. */
        List<String> steps() {
            collectForwarded();
            return forwarded.stream()
                    .filter(StepMetricsMessage.class::isInstance)
                    .map(StepMetricsMessage.class::cast)
                    .map(step -> step.step() + " " + step.replay() + " " + step.feedback() + " " + step.lambda() + " "
                            + step.losses() + " " + step.gradientNorm() + " " + step.servingModel())
                    .toList();
        }
    }
}
