package io.kadapt.chaos;

import io.kadapt.config.KadaptConfig;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.service.StreamsProperties;
import io.kadapt.stream.AdaptationSettings;
import io.kadapt.stream.AdaptationTopology;
import io.kadapt.stream.StoredTrainer;
import io.kadapt.stream.state.ModelCheckpointStore;
import io.kadapt.stream.dlq.RejectReason;
import io.kadapt.training.OnlineTrainer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The model an uninterrupted trainer makes of a committed training log: the log piped, in its order, through the
 * service's own training topology in a {@link TopologyTestDriver}, and the model read out of its stores. A run's
 * trainer read exactly that log (one partition, read_committed), so under exactly-once its model must be
 * bit-identical to this one, whatever crashed on the way. Runtime control commands are records of that log too, so
 * the replay applies each where the trainer did.
 */
final class TrainingReplay {
    private TrainingReplay() {
    }

    /**
     * The encoded model snapshots (parameters, Adam moments, step) after {@code log}: the adapted model's, the trainer
     * state's and the guard's shadow's (null without the guard).
     */
    static ModelCheckpointStore.Checkpoint checkpoint(KadaptConfig config, List<ConsumerRecord<String, byte[]>> log) {
        AdaptationSettings settings = AdaptationSettings.from(config);
        AdaptationMetrics metrics = new AdaptationMetrics(new SimpleMeterRegistry(), RejectReason.tags());
        Path stateDir = temporaryDirectory();
        try (TopologyTestDriver driver = new TopologyTestDriver(AdaptationTopology.training(settings, metrics),
                StreamsProperties.from(config, StreamsProperties.Role.TRAINING, "unused:9092", stateDir, metrics))) {
            TestInputTopic<String, byte[]> training = driver.createInputTopic(settings.topics().training(),
                    new StringSerializer(), new ByteArraySerializer());
            for (ConsumerRecord<String, byte[]> record : log) {
                training.pipeInput(record.key(), record.value(), record.timestamp());
            }
            try (OnlineTrainer trainer = StoredTrainer.restore(settings, driver::getKeyValueStore)) {
                return new ModelCheckpointStore.Checkpoint(trainer.model().snapshot().encode(),
                        trainer.state().encode(), trainer.shadow().map(s -> s.snapshot().encode()).orElse(null));
            }
        } finally {
            try (Stream<Path> paths = Files.walk(stateDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a leftover temporary directory does not change the verdict
            }
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("kadapt-replay-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
