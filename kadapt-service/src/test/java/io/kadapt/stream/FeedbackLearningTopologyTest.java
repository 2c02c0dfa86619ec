package io.kadapt.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kadapt.config.KadaptConfig;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.stream.dlq.RejectReason;
import io.kadapt.stream.serde.JsonCodec;
import io.kadapt.stream.state.PredictionLedgerStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feedback learning through the real topology: a late label joins its sample's held features and, a batch
 * ({@code train.batch.source}, 4 here) at a time, makes supervised steps marked {@code feedback} on the metrics topic.
 * No source sample is sent, so every step seen is a feedback step.
 */
@Tag("topology")
class FeedbackLearningTopologyTest {

    @TempDir
    Path stateDir;

    @Test
    @DisplayName("labels of held predictions are learned from, a batch per step, each once; the rest wait")
    void labelsAreLearnedFrom() throws Exception {
        try (Driver driver = new Driver(Map.of(), stateDir.resolve("on"))) {
            driver.label("early", 1); // a label before its sample: it waits
            driver.predict("t-1", "t-2", "t-3", "t-4", "t-5", "t-6", "t-7", "t-8", "t-9");
            for (int i = 1; i <= 9; i++) {
                driver.label("t-" + i, i % 2);
            }
            // The label that came before its sample: learned from too, once the sample is predicted
            driver.predict("early");

            List<JsonNode> steps = driver.steps();
            assertEquals(List.of(1L, 2L), steps.stream().map(s -> s.get("step").asLong()).toList());
            assertTrue(steps.stream().allMatch(s -> s.get("feedback").asBoolean()), steps.toString());
            assertTrue(steps.stream().allMatch(s -> s.get("sourceAccuracy").isNull()), "not a source step");
            assertTrue(steps.stream().allMatch(s -> s.get("targetBatch").asInt() == 4 && s.get("sourceBatch").asInt() == 0));
            assertEquals(8.0, driver.counter("kadapt.feedback.learned"));
            assertEquals(10.0, driver.counter("kadapt.feedback.labels"), "every label is still scored");
            assertEquals(0.0, driver.unlearned("not_held") + driver.unlearned("expired") + driver.unlearned("dropped"));
        }
    }

    @Test
    @DisplayName("a prediction that waited without features (learning off then) matches its label without them")
    void predictionsWithoutFeatures() {
        try (Driver driver = new Driver(Map.of(), stateDir.resolve("not-held"))) {
            KeyValueStore<String, byte[]> store = driver.driver.getKeyValueStore(PredictionLedgerStore.NAME);
            int[] expired = new int[1];
            new PredictionLedgerStore(store, 10, 10, false, () -> expired[0]++).predicted("old", 1, new float[] {1, 2, 3});
            PredictionLedgerStore learning = new PredictionLedgerStore(store, 10, 10, true, () -> expired[0]++);
            learning.predicted("new", 0, new float[] {4, 5, 6});
            PredictionLedgerStore.Match old = learning.labelled("old", 0).orElseThrow();
            assertEquals(1.0, old.predicted());
            assertEquals(null, old.features());
            assertArrayEquals(new float[] {4, 5, 6}, learning.labelled("new", 1).orElseThrow().features());
            assertEquals(0, expired[0]);
        }
    }

    @Test
    @DisplayName("a label forgotten before its prediction came is counted as expired")
    void expiredLabelsAreCounted() throws Exception {
        try (Driver driver = new Driver(Map.of("metrics.pending-predictions.max", "2"), stateDir.resolve("expired"))) {
            driver.label("x-1", 0);
            driver.label("x-2", 0);
            driver.label("x-3", 0);
            assertEquals(1.0, driver.unlearned("expired"));
        }
    }

    @Test
    @DisplayName("feedback.learn=false: labels are scored, never learned from, and hold nothing")
    void offSwitch() throws Exception {
        try (Driver driver = new Driver(Map.of("feedback.learn", "false"), stateDir.resolve("off"))) {
            driver.label("early", 1);
            driver.predict("t-1", "t-2", "t-3", "t-4");
            for (int i = 1; i <= 4; i++) {
                driver.label("t-" + i, 0);
            }
            assertEquals(List.of(), driver.steps());
            assertEquals(0.0, driver.counter("kadapt.feedback.learned"));
            assertEquals(4.0, driver.counter("kadapt.feedback.labels"));
        }
    }

    /** The topology of {@link AdaptationTopologyTest}'s small model with some settings overridden. */
    private static final class Driver implements AutoCloseable {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final TopologyTestDriver driver;
        private final TestInputTopic<String, String> target;
        private final TestInputTopic<String, String> feedback;
        private final TestOutputTopic<String, String> predictions;
        private final TestOutputTopic<String, String> metrics;
        private final List<JsonNode> steps = new ArrayList<>();

        Driver(Map<String, String> overrides, Path stateDir) {
            Map<String, String> settings = new HashMap<>(AdaptationTopologyTest.SMALL_MODEL);
            settings.putAll(overrides);
            KadaptConfig config = KadaptConfig.of(settings);
            driver = TopologyDrivers.whole(config, new AdaptationMetrics(registry, RejectReason.tags()), stateDir);
            Topics topics = Topics.from(config);
            target = driver.createInputTopic(topics.target(), new StringSerializer(), new StringSerializer());
            feedback = driver.createInputTopic(topics.feedback(), new StringSerializer(), new StringSerializer());
            predictions = driver.createOutputTopic(topics.predictions(), new StringDeserializer(),
                    new StringDeserializer());
            metrics = driver.createOutputTopic(topics.metrics(), new StringDeserializer(), new StringDeserializer());
        }

        void predict(String... ids) {
            for (int i = 0; i < ids.length; i++) {
                target.pipeInput(ids[i], AdaptationTopologyTest.sample(ids[i], null, i + 1f));
            }
            assertEquals(ids.length, predictions.readValuesToList().size());
        }

        void label(String id, int label) {
            feedback.pipeInput(id, "{\"id\":\"" + id + "\",\"label\":" + label + "}");
        }

        /** Every step record published so far. */
        List<JsonNode> steps() throws Exception {
            for (String value : metrics.readValuesToList()) {
                steps.add(JsonCodec.mapper().readTree(value));
            }
            return steps;
        }

        double counter(String name) {
            return registry.get(name).counter().count();
        }

        double unlearned(String reason) {
            return registry.get("kadapt.feedback.labels.unlearned").tag("reason", reason).counter().count();
        }

        @Override
        public void close() {
            driver.close();
        }
    }
}
