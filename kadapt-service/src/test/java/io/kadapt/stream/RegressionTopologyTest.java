package io.kadapt.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kadapt.config.KadaptConfig;
import io.kadapt.data.Domain;
import io.kadapt.data.Sample;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.service.StreamsProperties;
import io.kadapt.stream.dlq.DeadLetterRouter;
import io.kadapt.stream.dlq.RejectReason;
import io.kadapt.stream.serde.JsonCodec;
import io.kadapt.stream.state.ModelCheckpointStore;
import io.kadapt.training.OnlineTrainer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** model.task=regression through the real topology: numeric labels in, values out, bad labels to the DLQ. */
@Tag("topology")
class RegressionTopologyTest {
    private static final Map<String, String> REGRESSION = Map.of(
            "model.input-dim", "3", "model.task", "regression", "model.hidden", "8", "model.dropout", "0.2",
            "train.batch.source", "4", "train.batch.target", "4", "loss.domain", "mmd,coral",
            "train.steps-per-batch", "2", "train.replay.capacity", "16");

    @TempDir
    Path stateDir;

    /** A driver over the topology the service builds, with its topics. */
    private final class Run implements AutoCloseable {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final AdaptationSettings settings;
        final TopologyTestDriver driver;
        final TestInputTopic<String, String> source;
        final TestInputTopic<String, String> target;
        final TestInputTopic<String, String> feedback;
        final TestOutputTopic<String, String> predictions;
        final TestOutputTopic<String, String> metrics;
        final TestOutputTopic<byte[], byte[]> deadLetters;

        Run(Path dir) {
            KadaptConfig config = KadaptConfig.of(REGRESSION);
            settings = AdaptationSettings.from(config);
            AdaptationMetrics meters = new AdaptationMetrics(registry, RejectReason.tags());
            driver = TopologyDrivers.whole(config, meters, dir);
            Topics topics = settings.topics();
            source = driver.createInputTopic(topics.source(), new StringSerializer(), new StringSerializer());
            target = driver.createInputTopic(topics.target(), new StringSerializer(), new StringSerializer());
            feedback = driver.createInputTopic(topics.feedback(), new StringSerializer(), new StringSerializer());
            predictions = driver.createOutputTopic(topics.predictions(), new StringDeserializer(),
                    new StringDeserializer());
            metrics = driver.createOutputTopic(topics.metrics(), new StringDeserializer(), new StringDeserializer());
            deadLetters = driver.createOutputTopic(topics.deadLetter(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
        }

        KeyValueStore<String, byte[]> store(String name) {
            return driver.getKeyValueStore(name);
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    @Test
    @DisplayName("a regression stream gets one value prediction per target sample, and step metrics without accuracy")
    void predictsValues() throws Exception {
        try (Run run = new Run(stateDir)) {
            for (int i = 0; i < 12; i++) {
                run.source.pipeInput(json("s-" + i, features(i), label(i)));
                run.target.pipeInput(json("t-" + i, features(i + 0.5f), null));
            }
            List<TestRecord<String, String>> out = run.predictions.readRecordsToList();
            assertEquals(12, out.size());
            for (int i = 0; i < out.size(); i++) {
                JsonNode prediction = JsonCodec.mapper().readTree(out.get(i).value());
                assertEquals(List.of("id", "value", "modelStep", "latencyMs"), fieldNames(prediction));
                assertEquals("t-" + i, prediction.get("id").asText());
                assertTrue(prediction.get("value").isNumber() && Double.isFinite(prediction.get("value").asDouble()));
                assertEquals(2L * (i / 4), prediction.get("modelStep").asLong(), "a fresh and a replay step per batch");
            }
            List<String> steps = run.metrics.readValuesToList();
            assertEquals(6, steps.size());
            JsonNode last = JsonCodec.mapper().readTree(steps.get(5));
            assertTrue(last.get("applied").asBoolean());
            assertTrue(last.get("losses").get("supervised").asDouble() > 0, "the source batch MSE");
            assertTrue(last.get("losses").has("coral"));
            for (String absent : List.of("sourceAccuracy", "targetEntropy", "targetAccuracy")) {
                assertTrue(last.get(absent).isNull(), absent + " is null for regression");
            }
            assertFalse(last.has("targetMae") || last.has("targetRmse"), "no feedback yet");
            assertTrue(run.deadLetters.isEmpty());
        }
    }

    @Test
    @DisplayName("feedback values are scored into MAE and RMSE over the window, whichever arrives first")
    void scoresFeedbackValues() throws Exception {
        try (Run run = new Run(stateDir)) {
            run.feedback.pipeInput("{\"id\":\"t-2\",\"label\":-4.5}"); // overtakes its sample: waits
            run.target.pipeInput(json("t-1", features(1), null));
            run.target.pipeInput(json("t-2", features(2), null));
            Map<String, Double> predicted = new HashMap<>();
            for (String value : run.predictions.readValuesToList()) {
                JsonNode node = JsonCodec.mapper().readTree(value);
                predicted.put(node.get("id").asText(), node.get("value").asDouble());
            }
            run.feedback.pipeInput("{\"id\":\"t-1\",\"label\":2.25}");
            double e1 = predicted.get("t-1") - 2.25;
            double e2 = predicted.get("t-2") + 4.5;
            assertEquals(2.0, run.registry.get("kadapt.feedback.labels").counter().count());
            assertEquals((Math.abs(e1) + Math.abs(e2)) / 2, run.registry.get("kadapt.target.mae").gauge().value(), 1e-12);
            assertEquals(Math.sqrt((e1 * e1 + e2 * e2) / 2), run.registry.get("kadapt.target.rmse").gauge().value(),
                    1e-12);
            assertTrue(Double.isNaN(run.registry.get("kadapt.target.accuracy").gauge().value()));
            assertTrue(run.deadLetters.isEmpty());

            for (int i = 0; i < 4; i++) {
                run.source.pipeInput(json("s-" + i, features(i), label(i)));
                run.target.pipeInput(json("t-x" + i, features(i), null));
            }
            JsonNode step = JsonCodec.mapper().readTree(run.metrics.readValuesToList().get(0));
            assertEquals((Math.abs(e1) + Math.abs(e2)) / 2, step.get("targetMae").asDouble(), 1e-12);
            assertEquals(2, step.get("feedbackLabels").asLong());
        }
    }

    @Test
    @DisplayName("numeric labels pass; non-numeric, non-finite, out-of-range and missing labels go to the DLQ")
    void routesBadLabels() {
        try (Run run = new Run(stateDir)) {
            run.source.pipeInput(json("s-ok", features(1), "-1.25"));
            run.feedback.pipeInput("{\"id\":\"t-ok\",\"label\":1e-3}");
            Map<String, String> bad = new HashMap<>();
            bad.put("invalid_label", json("s-1", features(1), "\"abc\""));
            bad.put("non_finite_label", json("s-2", features(1), "NaN"));
            bad.put("label_out_of_range", json("s-3", features(1), "1e10"));
            bad.put("missing_label", json("s-4", features(1), null));
            bad.forEach((reason, value) -> run.source.pipeInput(value));
            run.feedback.pipeInput("{\"id\":\"t-1\",\"label\":Infinity}");
            run.feedback.pipeInput("{\"id\":\"t-2\",\"label\":1e39}");
            run.target.pipeInput(json("t-3", features(1), "0.5"));

            Map<String, Integer> reasons = new HashMap<>();
            for (TestRecord<byte[], byte[]> record : run.deadLetters.readRecordsToList()) {
                String reason = header(record, DeadLetterRouter.HEADER_REASON);
                reasons.merge(reason, 1, Integer::sum);
                assertFalse(header(record, DeadLetterRouter.HEADER_DETAIL).isBlank());
                if (bad.containsKey(reason) && !reason.equals("non_finite_label")) {
                    assertEquals(bad.get(reason), new String(record.value(), StandardCharsets.UTF_8));
                }
            }
            assertEquals(Map.of("invalid_label", 1, "non_finite_label", 3, "label_out_of_range", 1, "missing_label", 1,
                    "unexpected_label", 1), reasons);
            assertEquals(3.0, run.registry.get("kadapt.dlq.records").tag("reason", "non_finite_label").counter()
                    .count());
            assertEquals(1.0, run.registry.get("kadapt.samples").tag("domain", "source").counter().count(),
                    "the fractional label was accepted");
        }
    }

    @Test
    @DisplayName("a trainer restored from the stores half-way continues bit-identically (buffers, replay, labels)")
    void restoredTrainerContinuesExactly() throws Exception {
        List<String[]> stream = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            stream.add(new String[] {"source", "s-" + i, label(i)});
            stream.add(new String[] {"target", "t-" + i, null});
        }
        int half = 13; // mid-batch: samples wait in the buffers when the "crash" happens
        byte[] uninterruptedModel;
        List<Double> uninterruptedValues = new ArrayList<>();
        try (Run run = new Run(stateDir.resolve("a"))) {
            stream.forEach(entry -> pipe(run, entry));
            uninterruptedModel = new ModelCheckpointStore(run.store(ModelCheckpointStore.NAME)).load().get().model();
            for (String value : run.predictions.readValuesToList()) {
                uninterruptedValues.add(JsonCodec.mapper().readTree(value).get("value").asDouble());
            }
        }
        List<Double> resumedValues = new ArrayList<>();
        byte[] resumedModel;
        try (Run run = new Run(stateDir.resolve("b"))) {
            stream.subList(0, half).forEach(entry -> pipe(run, entry));
            for (String value : run.predictions.readValuesToList()) {
                resumedValues.add(JsonCodec.mapper().readTree(value).get("value").asDouble());
            }
            try (OnlineTrainer trainer = StoredTrainer.restore(run.settings, run::store)) {
                assertTrue(trainer.buffered(Domain.SOURCE) + trainer.buffered(Domain.TARGET) > 0,
                        "samples were waiting at the restart");
                // What the processor does with each record, on the restored trainer.
                for (String[] entry : stream.subList(half, stream.size())) {
                    Domain domain = entry[0].equals("source") ? Domain.SOURCE : Domain.TARGET;
                    Sample sample = new Sample(entry[1], features(Integer.parseInt(entry[1].substring(2))
                            + (domain == Domain.TARGET ? 0.5f : 0f)),
                            domain == Domain.SOURCE ? Double.parseDouble(entry[2]) : Sample.NO_LABEL);
                    trainer.admit(domain, sample);
                    while (trainer.readyToTrain()) {
                        trainer.trainReadyBatch();
                    }
                }
                resumedModel = trainer.model().snapshot().encode();
            }
        }
        // Predictions after the restart come from whatever model the instance serves then (the model topic's), so
        // only those before it are compared; the trainer's part is the model.
        assertEquals(uninterruptedValues.subList(0, resumedValues.size()), resumedValues,
                "every prediction before the restart identical");
        assertArrayEquals(uninterruptedModel, resumedModel, "parameters, Adam moments and step bit-identical");
    }

    private static void pipe(Run run, String[] entry) {
        int i = Integer.parseInt(entry[1].substring(2));
        if (entry[0].equals("source")) {
            run.source.pipeInput(json(entry[1], features(i), entry[2]));
        } else {
            run.target.pipeInput(json(entry[1], features(i + 0.5f), null));
        }
    }

    /** A value with a fractional part, negative for odd i: labels no class encoding could hold. */
    private static String label(int i) {
        return Double.toString((i % 2 == 0 ? 1 : -1) * (0.37 * i + 0.125));
    }

    private static float[] features(float v) {
        return new float[] {v, v * 0.5f, -v};
    }

    private static String json(String id, float[] features, String label) {
        return "{\"id\":\"" + id + "\",\"features\":[" + features[0] + "," + features[1] + "," + features[2] + "]"
                + (label == null ? "" : ",\"label\":" + label) + "}";
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        assertNotNull(header, name);
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
