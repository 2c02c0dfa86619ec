package io.kadapt.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kadapt.config.KadaptConfig;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.service.StreamsProperties;
import io.kadapt.stream.dlq.DeadLetterRouter;
import io.kadapt.stream.dlq.RejectReason;
import io.kadapt.stream.serde.JsonCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real topology, built by the same code the service runs, driven without a broker. */
@Tag("topology")
class AdaptationTopologyTest {
    static final Map<String, String> SMALL_MODEL = Map.of(
            "model.input-dim", "3", "model.classes", "2", "model.hidden", "8",
            "train.batch.source", "4", "train.batch.target", "4", "loss.domain", "mmd", "train.steps-per-batch", "1");

    @TempDir
    Path stateDir;

    private SimpleMeterRegistry registry;
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> source;
    private TestInputTopic<String, String> target;
    private TestInputTopic<String, String> feedback;
    private TestInputTopic<byte[], byte[]> rawTarget;
    private TestOutputTopic<String, String> predictions;
    private TestOutputTopic<String, String> metricsTopic;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        start(Map.of());
    }

    private void start(Map<String, String> overrides) {
        Map<String, String> settings = new java.util.HashMap<>(SMALL_MODEL);
        settings.putAll(overrides);
        KadaptConfig config = KadaptConfig.of(settings);
        registry = new SimpleMeterRegistry();
        AdaptationMetrics metrics = new AdaptationMetrics(registry, RejectReason.tags());
        driver = TopologyDrivers.whole(config, metrics, stateDir);
        Topics topics = Topics.from(config);
        source = driver.createInputTopic(topics.source(), new StringSerializer(), new StringSerializer());
        target = driver.createInputTopic(topics.target(), new StringSerializer(), new StringSerializer());
        feedback = driver.createInputTopic(topics.feedback(), new StringSerializer(), new StringSerializer());
        rawTarget = driver.createInputTopic(topics.target(), new ByteArraySerializer(), new ByteArraySerializer());
        predictions = driver.createOutputTopic(topics.predictions(), new StringDeserializer(), new StringDeserializer());
        metricsTopic = driver.createOutputTopic(topics.metrics(), new StringDeserializer(), new StringDeserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetter(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    @DisplayName("every target sample gets one prediction, made before any step trained on it")
    void predictsEveryTargetSampleBeforeTrainingOnIt() throws Exception {
        for (int i = 0; i < 12; i++) {
            source.pipeInput("s-" + i, sample("s-" + i, i % 2, 1.0f * i));
            target.pipeInput("t-" + i, sample("t-" + i, null, 0.5f * i));
        }
        List<TestRecord<String, String>> out = predictions.readRecordsToList();
        assertEquals(12, out.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < out.size(); i++) {
            JsonNode prediction = JsonCodec.mapper().readTree(out.get(i).value());
            ids.add(prediction.get("id").asText());
            assertEquals(2, prediction.get("probabilities").size());
            double sum = prediction.get("probabilities").get(0).asDouble() + prediction.get("probabilities").get(1).asDouble();
            assertEquals(1.0, sum, 1e-5);
            // Batch 4: target t-i is the (i+1)th; steps happen after every 4th target, so t-i saw i/4 steps.
            assertEquals(i / 4, prediction.get("modelStep").asLong(), "prediction of t-" + i);
        }
        assertEquals(12, ids.size());
    }

    @Test
    @DisplayName("one metrics record per step, with every loss term and λ")
    void publishesMetricsPerStep() throws Exception {
        for (int i = 0; i < 8; i++) {
            source.pipeInput(sample("s-" + i, i % 2, i));
            target.pipeInput(sample("t-" + i, null, -i));
        }
        List<String> records = metricsTopic.readValuesToList();
        assertEquals(2, records.size());
        JsonNode last = JsonCodec.mapper().readTree(records.get(1));
        assertEquals(2, last.get("step").asLong());
        assertTrue(last.get("applied").asBoolean());
        assertTrue(last.get("losses").has("supervised"));
        assertTrue(last.get("losses").has("mmd"));
        assertEquals(1.0, last.get("lambda").get("mmd").asDouble());
        assertEquals(4, last.get("sourceBatch").asInt());
        // The two domains differ (features i vs −i), so MMD² is strictly positive; the reported figure is the term's
        // value, and the total is ℓ + λ·MMD².
        double mmd = last.get("mmd").asDouble();
        assertTrue(mmd > 1e-6 && Double.isFinite(mmd), "MMD² between shifted domains: " + mmd);
        assertEquals(last.get("losses").get("mmd").asDouble(), mmd, 0.0);
        assertEquals(last.get("losses").get("supervised").asDouble() + 1.0 * mmd, last.get("totalLoss").asDouble(),
                1e-5 * Math.abs(last.get("totalLoss").asDouble()));
        assertEquals(2.0, registry.get("kadapt.training.steps").counter().count());
    }

    @Test
    @DisplayName("the label-free gauges go to the metrics topic once 256 predictions have passed, source prequential"
            + " accuracy over the last 256 fresh source samples")
    void publishesLabelFreeSnapshots() throws Exception {
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 300; i++) {
            int label = i % 2;
            // Overlapping classes, so that the source batches are neither all right nor all wrong.
            source.pipeInput(sample("s-" + i, label, (float) (label + random.nextGaussian())));
            target.pipeInput(sample("t-" + i, null, (float) (0.5 + random.nextGaussian())));
        }
        List<org.apache.kafka.streams.KeyValue<String, String>> records = metricsTopic.readKeyValuesToList();
        List<Integer> snapshots = new java.util.ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).key.startsWith("label-free/")) {
                snapshots.add(i);
            }
        }
        // The driver's clock stands still, so after the first snapshot the 10 s interval never passes.
        assertEquals(1, snapshots.size(), "one snapshot");
        int at = snapshots.get(0);
        JsonNode snapshot = JsonCodec.mapper().readTree(records.get(at).value);
        assertEquals("label-free", snapshot.get("type").asText());
        assertEquals(256, snapshot.get("predictions").asInt());
        assertEquals("label-free/" + snapshot.get("modelStep").asLong(), records.get(at).key);
        double information = snapshot.get("informationMaximisation").asDouble();
        assertTrue(information >= 0 && information <= Math.log(2) + 1e-9, "IM in [0, ln 2]: " + information);
        assertEquals(2, snapshot.get("classRatios").size());
        assertTrue(snapshot.get("inputDrift").has("source") && snapshot.get("inputDrift").has("target"));

        // Independently: the fresh source batches of 4 in the step records before it.
        List<Double> correct = new java.util.ArrayList<>();
        for (int i = 0; i < at; i++) {
            JsonNode step = JsonCodec.mapper().readTree(records.get(i).value);
            assertTrue(records.get(i).key.matches("[0-9]+"), "a step record before the snapshot");
            if (step.get("applied").asBoolean() && !step.get("replay").asBoolean()) {
                correct.add(Math.rint(step.get("sourceAccuracy").asDouble() * 4));
            }
        }
        // The snapshot is taken when the 256th prediction reaches the trainer, before that target's batch trains: 63
        // fresh batches, 252 samples, all inside the window of 256.
        assertEquals(63, correct.size());
        double expected = correct.stream().mapToDouble(Double::doubleValue).sum() / 252;
        assertTrue(expected > 0 && expected < 1, "the test needs a source accuracy strictly between 0 and 1");
        assertEquals(expected, snapshot.get("sourcePrequentialAccuracy").asDouble(), 1e-12);
        assertEquals(expected, registry.get("kadapt.source.prequential.accuracy").gauge().value(), 1e-12);
    }

    @Test
    @DisplayName("bad records go to the dead-letter topic with reason and origin, and processing continues")
    void routesBadInputToTheDeadLetterTopic() {
        Map<String, String> bad = Map.of(
                "malformed_json", "{not json",
                "missing_id", "{\"features\":[1,2,3]}",
                "wrong_feature_count", "{\"id\":\"x\",\"features\":[1,2]}",
                "non_finite_feature", "{\"id\":\"x\",\"features\":[1,NaN,2]}",
                "unexpected_label", "{\"id\":\"x\",\"features\":[1,2,3],\"label\":0}");
        // Every bad record carries a header of its producer's, which the dead letter must keep.
        org.apache.kafka.common.header.Headers origin = new org.apache.kafka.common.header.internals
                .RecordHeaders().add("trace-id", "abc-123".getBytes(StandardCharsets.UTF_8));
        bad.forEach((reason, json) -> rawTarget.pipeInput(new TestRecord<>("key".getBytes(),
                json.getBytes(StandardCharsets.UTF_8), origin)));
        source.pipeInput(new TestRecord<>("s-bad", sample("s-bad", 7, 1f), origin));
        feedback.pipeInput(new TestRecord<>("t-1", "{\"id\":\"t-1\",\"label\":1.5}", origin));
        target.pipeInput(sample("t-good", null, 1f));

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertEquals(bad.size() + 2, dead.size());
        Map<String, Integer> reasons = new java.util.HashMap<>();
        for (TestRecord<byte[], byte[]> record : dead) {
            String reason = header(record, DeadLetterRouter.HEADER_REASON);
            reasons.merge(reason, 1, Integer::sum);
            String expectedTopic = switch (reason) {
                case "label_out_of_range" -> "kadapt.source";
                case "invalid_label" -> "kadapt.feedback";
                default -> "kadapt.target";
            };
            assertEquals(expectedTopic, header(record, DeadLetterRouter.HEADER_TOPIC), reason);
            assertEquals("0", header(record, DeadLetterRouter.HEADER_PARTITION), "the input's partition");
            assertTrue(Long.parseLong(header(record, DeadLetterRouter.HEADER_OFFSET)) >= 0);
            assertEquals("abc-123", header(record, "trace-id"), reason + ": the original headers are kept");
            assertFalse(header(record, DeadLetterRouter.HEADER_DETAIL).isBlank());
            if (bad.containsKey(reason)) {
                assertEquals(bad.get(reason), new String(record.value(), StandardCharsets.UTF_8), "original bytes kept");
            }
        }
        bad.keySet().forEach(reason -> assertEquals(1, reasons.get(reason), reason));
        assertEquals(1, reasons.get("label_out_of_range"));
        assertEquals(1, reasons.get("invalid_label"));
        for (String reason : reasons.keySet()) {
            assertEquals(reasons.get(reason), registry.get("kadapt.dlq.records").tag("reason", reason).counter().count(), 0.0);
        }
        assertEquals(1, predictions.readRecordsToList().size(), "the good record after the bad ones was processed");
    }

    @Test
    @DisplayName("feedback labels are scored against the prediction for that id, whichever arrives first")
    void scoresFeedbackLabels() throws Exception {
        target.pipeInput(sample("t-1", null, 1f));
        target.pipeInput(sample("t-2", null, 2f));
        Map<String, Integer> predicted = new java.util.HashMap<>();
        for (String value : predictions.readValuesToList()) {
            JsonNode node = JsonCodec.mapper().readTree(value);
            predicted.put(node.get("id").asText(), node.get("predicted").asInt());
        }
        feedback.pipeInput("{\"id\":\"t-1\",\"label\":" + predicted.get("t-1") + "}");
        feedback.pipeInput("{\"id\":\"t-2\",\"label\":" + (1 - predicted.get("t-2")) + "}");
        assertEquals(0.5, registry.get("kadapt.target.accuracy").gauge().value(), 1e-12);
        assertEquals(2.0, registry.get("kadapt.feedback.labels").counter().count());

        // A label that overtakes its sample waits for the prediction, then is scored.
        feedback.pipeInput("{\"id\":\"t-3\",\"label\":0}");
        assertEquals(2.0, registry.get("kadapt.feedback.labels").counter().count());
        target.pipeInput(sample("t-3", null, 3f));
        int predictedT3 = JsonCodec.mapper().readTree(predictions.readValue()).get("predicted").asInt();
        assertEquals(3.0, registry.get("kadapt.feedback.labels").counter().count());
        assertEquals((1 + (predictedT3 == 0 ? 1 : 0)) / 3.0, registry.get("kadapt.target.accuracy").gauge().value(), 1e-12);
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    @DisplayName("when the target stream stalls, source-only steps start after the timeout; predictions never wait")
    void trainsSourceOnlyAfterStallTimeout() throws Exception {
        driver.close();
        start(Map.of("train.stall-timeout-ms", "1000"));
        for (int i = 0; i < 8; i++) {
            source.pipeInput(sample("s-" + i, i % 2, i));
        }
        assertTrue(metricsTopic.isEmpty(), "no target batch yet, and the timeout has not passed");
        driver.advanceWallClockTime(java.time.Duration.ofMillis(1500));
        List<String> steps = metricsTopic.readValuesToList();
        assertEquals(1, steps.size(), "one source-only step per punctuation");
        JsonNode step = JsonCodec.mapper().readTree(steps.get(0));
        assertTrue(step.get("sourceOnly").asBoolean());
        assertEquals(0.0, step.get("lambda").get("mmd").asDouble());
        assertEquals(0, step.get("targetBatch").asInt());
        target.pipeInput(sample("t-0", null, 1f));
        assertEquals(1, JsonCodec.mapper().readTree(predictions.readValue()).get("modelStep").asLong());
    }

    @Test
    @DisplayName("with train.steps-per-batch=3 each fresh step is followed by two replay steps")
    void takesReplayStepsAfterEachFreshBatch() throws Exception {
        driver.close();
        start(Map.of("train.steps-per-batch", "3"));
        for (int i = 0; i < 8; i++) {
            source.pipeInput(sample("s-" + i, i % 2, i));
            target.pipeInput(sample("t-" + i, null, -i));
        }
        List<JsonNode> steps = new java.util.ArrayList<>();
        for (String value : metricsTopic.readValuesToList()) {
            steps.add(JsonCodec.mapper().readTree(value));
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), steps.stream().map(s -> s.get("step").asLong()).toList());
        assertEquals(List.of(false, true, true, false, true, true),
                steps.stream().map(s -> s.get("replay").asBoolean()).toList());
    }

    static String sample(String id, Integer label, float value) {
        String features = "[" + value + "," + (value * 0.5f) + "," + (-value) + "]";
        return "{\"id\":\"" + id + "\",\"features\":" + features + (label == null ? "" : ",\"label\":" + label) + "}";
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
