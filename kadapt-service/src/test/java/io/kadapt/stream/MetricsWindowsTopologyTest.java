package io.kadapt.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.kadapt.config.KadaptConfig;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.service.StreamsProperties;
import io.kadapt.stream.dlq.RejectReason;
import io.kadapt.stream.serde.JsonCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metrics.accuracy-window} and {@code metrics.pending-predictions.max} through the real topology. */
@Tag("topology")
class MetricsWindowsTopologyTest {

    @TempDir
    Path stateDir;

    @Test
    @DisplayName("metrics.accuracy-window: target accuracy is over the last N scored labels only")
    void accuracyWindow() throws Exception {
        assertEquals(1.0, accuracyAfterWrongThenTwoRight(Map.of("metrics.accuracy-window", "2")), 1e-12);
        assertEquals(2.0 / 3, accuracyAfterWrongThenTwoRight(Map.of()), 1e-12, "default window 500 holds all three");
    }

    private double accuracyAfterWrongThenTwoRight(Map<String, String> overrides) throws Exception {
        try (Driver driver = new Driver(overrides, stateDir.resolve("window-" + overrides.size()))) {
            Map<String, Integer> predicted = driver.predict("t-1", "t-2", "t-3");
            driver.label("t-1", 1 - predicted.get("t-1"));
            driver.label("t-2", predicted.get("t-2"));
            driver.label("t-3", predicted.get("t-3"));
            assertEquals(3.0, driver.counter("kadapt.feedback.labels"));
            return driver.registry.get("kadapt.target.accuracy").gauge().value();
        }
    }

    @Test
    @DisplayName("metrics.pending-predictions.max: beyond it the oldest waiting prediction or early label is forgotten")
    void pendingPredictionsMax() throws Exception {
        try (Driver driver = new Driver(Map.of("metrics.pending-predictions.max", "2"), stateDir.resolve("pending"))) {
            // Given three predictions waiting for labels, with room for two: t-1's is forgotten
            Map<String, Integer> predicted = driver.predict("t-1", "t-2", "t-3");
            // When their labels arrive (newest first, so no early label takes a slot before they are matched)
            driver.label("t-3", predicted.get("t-3"));
            driver.label("t-2", predicted.get("t-2"));
            driver.label("t-1", predicted.get("t-1"));
            // Then only t-2 and t-3 are scored; t-1's label now waits for a prediction that will not come
            assertEquals(2.0, driver.counter("kadapt.feedback.labels"));

            // Given three early labels: each one beyond two waiting forgets the oldest (t-1's label, then x-1's)
            driver.label("x-1", 0);
            driver.label("x-2", 0);
            driver.label("x-3", 0);
            // When the samples arrive, then the labels still waiting are scored and x-1's is not
            driver.predict("x-3", "x-2", "x-1");
            assertEquals(4.0, driver.counter("kadapt.feedback.labels"));
        }
        // Negative control: with the default capacity every label is scored
        try (Driver driver = new Driver(Map.of(), stateDir.resolve("pending-default"))) {
            Map<String, Integer> predicted = driver.predict("t-1", "t-2", "t-3");
            driver.label("t-3", predicted.get("t-3"));
            driver.label("t-2", predicted.get("t-2"));
            driver.label("t-1", predicted.get("t-1"));
            assertEquals(3.0, driver.counter("kadapt.feedback.labels"));
        }
    }

    /** The topology of {@link AdaptationTopologyTest}'s small model with some settings overridden. */
    private static final class Driver implements AutoCloseable {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        private final TopologyTestDriver driver;
        private final TestInputTopic<String, String> target;
        private final TestInputTopic<String, String> feedback;
        private final TestOutputTopic<String, String> predictions;

        Driver(Map<String, String> overrides, Path stateDir) {
            Map<String, String> settings = new HashMap<>(AdaptationTopologyTest.SMALL_MODEL);
            settings.putAll(overrides);
            KadaptConfig config = KadaptConfig.of(settings);
            AdaptationMetrics metrics = new AdaptationMetrics(registry, RejectReason.tags());
            driver = TopologyDrivers.whole(config, metrics, stateDir);
            Topics topics = Topics.from(config);
            target = driver.createInputTopic(topics.target(), new StringSerializer(), new StringSerializer());
            feedback = driver.createInputTopic(topics.feedback(), new StringSerializer(), new StringSerializer());
            predictions = driver.createOutputTopic(topics.predictions(), new StringDeserializer(),
                    new StringDeserializer());
        }

        Map<String, Integer> predict(String... ids) throws Exception {
            for (int i = 0; i < ids.length; i++) {
                target.pipeInput(ids[i], AdaptationTopologyTest.sample(ids[i], null, i + 1f));
            }
            Map<String, Integer> predicted = new HashMap<>();
            for (String value : predictions.readValuesToList()) {
                JsonNode node = JsonCodec.mapper().readTree(value);
                predicted.put(node.get("id").asText(), node.get("predicted").asInt());
            }
            assertEquals(ids.length, predicted.size());
            return predicted;
        }

        void label(String id, int label) {
            feedback.pipeInput(id, "{\"id\":\"" + id + "\",\"label\":" + label + "}");
        }

        double counter(String name) {
            return registry.get(name).counter().count();
        }

        @Override
        public void close() {
            driver.close();
        }
    }
}
