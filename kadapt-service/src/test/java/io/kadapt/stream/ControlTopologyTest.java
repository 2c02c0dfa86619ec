package io.kadapt.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kadapt.config.KadaptConfig;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.stream.dlq.DeadLetterRouter;
import io.kadapt.stream.dlq.RejectReason;
import io.kadapt.stream.serde.JsonCodec;
import io.kadapt.stream.state.ModelCheckpointStore;
import io.kadapt.training.OnlineTrainer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtime control through the real topologies (prediction and training joined): control topic → forwarder → training
 * topic → trainer. Order, acknowledgements, dead letters, restart, determinism.
 */
@Tag("topology")
class ControlTopologyTest {
    private static final String SET_LAMBDA =
            "{\"id\":\"c1\",\"command\":\"set-lambda\",\"term\":\"mmd\",\"value\":0.25,\"by\":\"alice\",\"note\":\"n\"}";
    private static final String SET_LR = "{\"id\":\"c2\",\"command\":\"set-learning-rate\",\"value\":0.005,\"by\":\"alice\"}";
    private static final String BAD = "{\"id\":\"c-bad\",\"command\":\"set-lambda\",\"term\":\"coral\",\"value\":1,\"by\":\"bob\"}";
    private static final String PAUSE = "{\"id\":\"c3\",\"command\":\"pause\",\"by\":\"ops-bot\"}";
    private static final String SNAPSHOT = "{\"id\":\"c4\",\"command\":\"snapshot\",\"by\":\"ops-bot\"}";
    private static final String RESUME = "{\"id\":\"c5\",\"command\":\"resume\",\"by\":\"ops-bot\"}";

    @TempDir
    Path stateDir;

    /** One topology on its own state directory, fed through the driver. */
    private static final class Run implements AutoCloseable {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final AdaptationSettings settings;
        final TopologyTestDriver driver;
        final TestInputTopic<String, String> source;
        final TestInputTopic<String, String> target;
        final TestInputTopic<String, String> control;
        final TestOutputTopic<String, String> predictions;
        final TestOutputTopic<String, String> metrics;
        final TestOutputTopic<byte[], byte[]> deadLetters;
        long timestamp = 1;
        int next;

        final TestOutputTopic<String, byte[]> model;

        Run(Path dir) {
            this(dir, Map.of());
        }

        Run(Path dir, Map<String, String> overrides) {
            Map<String, String> values = new java.util.HashMap<>(AdaptationTopologyTest.SMALL_MODEL);
            values.putAll(overrides);
            KadaptConfig config = KadaptConfig.of(values);
            AdaptationMetrics adaptationMetrics = new AdaptationMetrics(registry, RejectReason.tags());
            settings = AdaptationSettings.from(config);
            // Both applications joined: the driver carries commands and samples over the training topic itself.
            driver = TopologyDrivers.whole(config, adaptationMetrics, dir);
            Topics topics = Topics.from(config);
            source = driver.createInputTopic(topics.source(), new StringSerializer(), new StringSerializer());
            target = driver.createInputTopic(topics.target(), new StringSerializer(), new StringSerializer());
            control = driver.createInputTopic(topics.control(), new StringSerializer(), new StringSerializer());
            predictions = driver.createOutputTopic(topics.predictions(), new StringDeserializer(),
                    new StringDeserializer());
            metrics = driver.createOutputTopic(topics.metrics(), new StringDeserializer(), new StringDeserializer());
            deadLetters = driver.createOutputTopic(topics.deadLetter(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            model = driver.createOutputTopic(topics.model(), new StringDeserializer(), new ByteArrayDeserializer());
        }

        /** {@code batches} source+target batches (batch 4), alternating, each record with its own timestamp. */
        void samples(int batches) {
            for (int i = 0; i < batches * 4; i++, next++) {
                source.pipeInput(new TestRecord<>("s-" + next,
                        AdaptationTopologyTest.sample("s-" + next, next % 2, next % 7), null, timestamp++));
                target.pipeInput(new TestRecord<>("t-" + next,
                        AdaptationTopologyTest.sample("t-" + next, null, -(next % 5)), null, timestamp++));
            }
        }

        void command(String json) {
            control.pipeInput(new TestRecord<>("k", json, null, timestamp++));
        }

        byte[] model() {
            return new ModelCheckpointStore(driver.getKeyValueStore(ModelCheckpointStore.NAME)).load().orElseThrow()
                    .model();
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    /** The scenario of the tests: a step, λ and lr changed, a bad command, pause over two batches, snapshot, resume. */
    private static void scenario(Run run) {
        run.samples(1);
        run.command(SET_LAMBDA);
        run.command(SET_LR);
        run.command(BAD);
        run.command(PAUSE);
        run.samples(2);
        run.command(SNAPSHOT);
        run.command(RESUME);
        run.samples(1);
    }

    @Test
    @DisplayName("commands apply in log order, each acknowledged once on the metrics topic with old → new and the step")
    void commandsAreAppliedInOrderAndAcknowledged() throws Exception {
        try (Run run = new Run(stateDir)) {
            scenario(run);
            List<TestRecord<String, String>> records = run.metrics.readRecordsToList();
            List<String> keys = records.stream().map(TestRecord::key).toList();
            assertEquals(List.of("1", "control/c1", "control/c2", "control/c3", "control/c4", "control/c5", "2", "3",
                    "4"), keys, "step 1, the five acks in log order, then the three batches the pause held back");
            List<JsonNode> acks = new ArrayList<>();
            for (TestRecord<String, String> record : records.subList(1, 6)) {
                acks.add(JsonCodec.mapper().readTree(record.value()));
            }
            JsonNode lambda = acks.get(0);
            assertEquals("control-ack", lambda.get("type").asText());
            assertEquals("c1", lambda.get("commandId").asText());
            assertEquals("set-lambda", lambda.get("command").asText());
            assertEquals("alice", lambda.get("by").asText());
            assertEquals("n", lambda.get("note").asText());
            assertEquals("mmd", lambda.get("term").asText());
            assertEquals("loss.mmd.lambda", lambda.get("setting").asText());
            assertEquals(1.0, lambda.get("oldValue").asDouble());
            assertEquals(0.25, lambda.get("newValue").asDouble());
            assertEquals(1, lambda.get("modelStep").asLong());
            assertEquals("kadapt.control", lambda.get("controlTopic").asText());
            assertEquals(0, lambda.get("controlOffset").asLong());
            JsonNode rate = acks.get(1);
            assertEquals("train.learning-rate", rate.get("setting").asText());
            assertEquals(0.001, rate.get("oldValue").asDouble());
            assertEquals(0.005, rate.get("newValue").asDouble());
            assertFalse(acks.get(2).get("oldValue").asBoolean());
            assertTrue(acks.get(2).get("newValue").asBoolean());
            assertTrue(acks.get(2).get("paused").asBoolean());
            assertEquals(3, acks.get(2).get("controlOffset").asLong(), "offset 2 was the bad command");
            assertEquals("snapshot", acks.get(3).get("setting").asText());
            assertEquals(1, acks.get(3).get("newValue").asLong(), "the pause held the model at step 1");
            assertFalse(acks.get(4).get("paused").asBoolean());

            for (TestRecord<String, String> record : records.subList(6, 9)) {
                JsonNode step = JsonCodec.mapper().readTree(record.value());
                assertEquals(0.25, step.get("lambda").get("mmd").asDouble(), "steps after set-lambda use the new λ");
            }
            List<JsonNode> predicted = new ArrayList<>();
            for (String value : run.predictions.readValuesToList()) {
                predicted.add(JsonCodec.mapper().readTree(value));
            }
            assertEquals(16, predicted.size(), "predictions keep flowing while paused");
            for (JsonNode prediction : predicted.subList(4, 12)) {
                assertEquals(1, prediction.get("modelStep").asLong(), "no step while paused: " + prediction);
            }
            assertEquals(1.0, run.registry.get("kadapt.control.commands").tag("command", "pause").counter().count());
            assertEquals(0.0, run.registry.get("kadapt.training.paused").gauge().value());
            assertEquals(0.005, run.registry.get("kadapt.learning.rate").gauge().value());
        }
    }

    @Test
    @DisplayName("an invalid command goes to the dead-letter topic with its reason and changes nothing")
    void invalidCommandIsDeadLettered() {
        try (Run run = new Run(stateDir)) {
            run.command(BAD);
            run.command("{\"id\":\"c9\",\"command\":\"pause\"}");
            List<TestRecord<byte[], byte[]>> dead = run.deadLetters.readRecordsToList();
            assertEquals(2, dead.size());
            assertEquals("unknown_term", header(dead.get(0), DeadLetterRouter.HEADER_REASON));
            assertEquals("kadapt.control", header(dead.get(0), DeadLetterRouter.HEADER_TOPIC));
            assertEquals(BAD, new String(dead.get(0).value(), StandardCharsets.UTF_8));
            assertEquals("missing_issuer", header(dead.get(1), DeadLetterRouter.HEADER_REASON));
            assertEquals(1.0, run.registry.get("kadapt.dlq.records").tag("reason", "unknown_term").counter().count());
            assertTrue(run.metrics.isEmpty(), "no acknowledgement for a rejected command");
            run.samples(1);
            assertEquals(1, run.metrics.readRecordsToList().size(), "not paused: the batch trained");
        }
    }

    @Test
    @DisplayName("a restart loads the changed settings from the stores: paused, λ and lr as the commands left them")
    void restartKeepsTheChangedSettings() {
        try (Run run = new Run(stateDir)) {
            run.samples(1);
            run.command(SET_LAMBDA);
            run.command(SET_LR);
            run.command(PAUSE);
            // The processor's own restore path (init) on the stores as they were committed.
            try (OnlineTrainer restored = StoredTrainer.restore(run.settings, run.driver::getKeyValueStore)) {
                assertTrue(restored.state().overrides().paused());
                assertFalse(restored.readyToTrain());
                assertEquals(0.25, restored.lambda("mmd"));
                assertEquals(0.005, restored.model().learningRate());
                assertEquals(1, restored.model().step());
            }
        }
    }

    @Test
    @DisplayName("the same input log (samples + commands) gives a bit-identical model; without the commands, another")
    void sameLogSameModel(@TempDir Path second, @TempDir Path third) {
        byte[] first;
        try (Run run = new Run(stateDir)) {
            scenario(run);
            first = run.model();
        }
        try (Run run = new Run(second)) {
            scenario(run);
            assertArrayEquals(first, run.model());
        }
        try (Run run = new Run(third)) {
            run.samples(4);
            assertFalse(java.util.Arrays.equals(first, run.model()), "the commands changed the model");
        }
    }

    @Test
    @DisplayName("a snapshot publishes the model at once, whatever the publish interval")
    void snapshotPublishesTheModelNow() {
        // The driver's wall clock stands still: with an hour's interval only the first step is published by itself.
        try (Run run = new Run(stateDir, Map.of("model.publish-interval-ms", "3600000"))) {
            run.samples(1);
            assertFalse(run.model.isEmpty(), "the first step is published");
            run.model.readRecordsToList();
            run.samples(1);
            assertTrue(run.model.isEmpty(), "step 2 waits for the interval");
            run.command(SNAPSHOT);
            assertFalse(run.model.isEmpty(), "the snapshot published step 2");
        }
    }

    @Test
    @DisplayName("the prediction application reads the control topic in a sub-topology of its own; the trainer only"
            + " the training topic")
    void controlTopicIsReadByThePredictionApplication() {
        KadaptConfig config = KadaptConfig.of(AdaptationTopologyTest.SMALL_MODEL);
        AdaptationSettings settings = AdaptationSettings.from(config);
        AdaptationMetrics metrics = new AdaptationMetrics(new SimpleMeterRegistry(), RejectReason.tags());
        String control = settings.topics().control();
        var prediction = AdaptationTopology.prediction(settings, metrics,
                new ServedModelHolder(StoredTrainer.initialModel(settings), metrics)).describe();
        var withControl = prediction.subtopologies().stream()
                .filter(sub -> sub.toString().contains("[" + control + "]")).toList();
        assertEquals(1, withControl.size(), prediction.toString());
        assertFalse(withControl.get(0).toString().contains(settings.topics().source()), "not joined with the samples");
        assertTrue(withControl.get(0).toString().contains(settings.topics().training()), "→ the training topic");
        String training = AdaptationTopology.training(settings, metrics).describe().toString();
        assertFalse(training.contains(control), training);
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
