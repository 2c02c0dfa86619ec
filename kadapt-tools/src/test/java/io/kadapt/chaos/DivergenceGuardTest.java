package io.kadapt.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kadapt.config.KadaptConfig;
import io.kadapt.config.ModelSpecs;
import io.kadapt.model.ModelSnapshot;
import io.kadapt.model.TransferModel;
import io.kadapt.service.KadaptService;
import io.kadapt.stream.Topics;
import io.kadapt.stream.serde.JsonCodec;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Valid but hostile input against the real service: a batch of huge-but-finite features (±1e30, no standardisation)
 * and a learning-rate spike (1e6). Steps that go non-finite are skipped, counted and logged; the model's parameters
 * stay finite and the predictions that follow have finite probabilities.
 */
@Tag("chaos")
class DivergenceGuardTest {
    private static final int DIM = 4;
    private static final int BATCH = 16;
    private static final Duration WAIT = Duration.ofMinutes(2);

    @TempDir
    Path dataDir;

    @Test
    @DisplayName("a batch of ±1e30 features: its step is skipped, counted and logged; training then continues")
    void hostileBatchIsSkippedAndTrainingContinues() throws Exception {
        List<JsonNode> steps = runWithHostileBatch("0.001").steps();
        // Then exactly the hostile batch's step is skipped, and the 4 normal batches after it train again
        assertEquals(List.of(true, true, true, true, false, true, true, true, true),
                steps.stream().map(s -> s.get("applied").asBoolean()).toList());
    }

    @Test
    @DisplayName("learning rate 1e6 and a ±1e30 batch: non-finite steps skipped, parameters and predictions stay finite")
    void learningRateSpikeKeepsTheModelFinite() throws Exception {
        Run run = runWithHostileBatch("1e6");
        // Every update at this rate is ~1e6 per parameter: each is rolled back as update_too_large (the hostile batch
        // may instead be non-finite), so no step is applied ...
        List<String> reasons = run.steps().stream()
                .map(s -> s.get("applied").asBoolean() ? "applied" : s.get("skipReason").asText()).toList();
        assertTrue(reasons.contains("update_too_large"), reasons.toString());
        assertTrue(reasons.stream().allMatch(r -> r.equals("update_too_large") || r.startsWith("non_finite")),
                reasons.toString());
        // ... and the rollback is exact: the committed model is the initial one, moments zero, step 0.
        assertEquals(0, run.model().step(), "no step counted");
        try (TransferModel initial = TransferModel.initialise(ModelSpecs.from(run.config()))) {
            ModelSnapshot fresh = initial.snapshot();
            assertEquals(fresh.names(), run.model().names());
            for (String name : fresh.names()) {
                assertEquals(fresh.array(name), run.model().array(name), name + " is exactly as initialised");
            }
        }
    }

    private record Run(List<JsonNode> steps, ModelSnapshot model, KadaptConfig config) {
    }

    /** 4 normal batches, one of ±1e30 features, 4 normal ones; checks what must hold whatever the learning rate. */
    private Run runWithHostileBatch(String learningRate) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of(
                "embedded.port", "0", "http.port", "0", "embedded.data-dir", dataDir.toString(),
                "application.id", "divergence", "model.input-dim", Integer.toString(DIM), "model.classes", "3",
                "model.hidden", "16", "train.batch.source", Integer.toString(BATCH),
                "train.batch.target", Integer.toString(BATCH)));
        settings.put("preprocess.standardize", "none");
        // One step per batch, so step numbers map to batches; one partition per input, so batches keep the order the
        // samples were produced in (several partitions interleave them as their tasks run).
        settings.put("train.steps-per-batch", "1");
        settings.put("topics.partitions", "1");
        // Let the hostile values through validation, so that the model's own guard is what is tested.
        settings.put("input.max-abs-feature", "1e38");
        settings.put("train.learning-rate", learningRate);
        KadaptConfig config = KadaptConfig.of(settings);
        Topics topics = Topics.from(config);
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(new TeeStream(originalErr, logged), true, StandardCharsets.UTF_8));
        try (KadaptService service = KadaptService.start(config, WAIT)) {
            // Given 4 normal batches, one hostile batch (features ±1e30), then 4 normal batches
            SplittableRandom random = new SplittableRandom(3);
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, service.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                produce(producer, topics, "before", 4 * BATCH, random, 1.0);
                produce(producer, topics, "hostile", BATCH, random, 1e30);
                produce(producer, topics, "after", 4 * BATCH, random, 1.0);
            }

            // Then all 9 steps are published, the non-finite ones as skipped
            List<JsonNode> steps = json(awaitCommitted(service.bootstrapServers(), topics.metrics(), 9));
            long skipped = steps.stream().filter(s -> !s.get("applied").asBoolean()).count();
            System.out.println("divergence: lr " + learningRate + ": steps " + steps.stream().map(s -> s.get("step").asLong() + ":"
                    + (s.get("applied").asBoolean() ? "applied" : s.get("skipReason").asText())
                    + " loss=" + s.get("totalLoss").asText() + " |g|=" + s.get("gradientNorm").asText()).toList());
            assertTrue(skipped >= 1, "the hostile batch's step is skipped");
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + service.httpPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertEquals(skipped, scrape(metrics, "kadapt_training_steps_skipped_total"), "skip counter on /metrics");
            assertTrue(logged.toString(StandardCharsets.UTF_8).contains("step skipped"), "a log line says so");

            // And every prediction made after the hostile batch has finite probabilities
            List<JsonNode> predictions = json(awaitCommitted(service.bootstrapServers(), topics.predictions(), 9 * BATCH));
            List<String> nonFinite = new ArrayList<>();
            for (JsonNode prediction : predictions) {
                for (JsonNode p : prediction.get("probabilities")) {
                    if (!Double.isFinite(p.asDouble()) || p.isTextual()) {
                        nonFinite.add(prediction.get("id").asText());
                        break;
                    }
                }
            }
            System.out.println("divergence: predictions with non-finite probabilities: " + nonFinite);
            assertTrue(nonFinite.stream().noneMatch(id -> id.startsWith("after-")), "after the hostile batch: " + nonFinite);

            // And the committed model (same transaction as the 9 step records) has only finite parameters and moments
            var checkpoint = RunOutput.read(service.bootstrapServers(), "divergence", topics).checkpoint().orElseThrow();
            ModelSnapshot snapshot = ModelSnapshot.decode(checkpoint.model());
            double largest = 0;
            for (String name : snapshot.names()) {
                for (double value : snapshot.array(name).castTo(DataType.DOUBLE).reshape(-1).toDoubleVector()) {
                    assertTrue(Double.isFinite(value), name + " holds " + value);
                    largest = Math.max(largest, Math.abs(value));
                }
            }
            System.out.println("divergence: lr " + learningRate + ": model at step " + snapshot.step()
                    + ", largest |parameter or moment| " + largest);
            return new Run(steps, snapshot, config);
        } finally {
            System.setErr(originalErr);
        }
    }

    private static void produce(KafkaProducer<String, String> producer, Topics topics, String prefix, int count,
                                SplittableRandom random, double scale) {
        for (int i = 0; i < count; i++) {
            int label = random.nextInt(3);
            producer.send(new ProducerRecord<>(topics.source(), prefix + "-s-" + i, "{\"id\":\"" + prefix + "-s-" + i
                    + "\",\"features\":" + features(random, label, scale) + ",\"label\":" + label + "}"));
            producer.send(new ProducerRecord<>(topics.target(), prefix + "-t-" + i, "{\"id\":\"" + prefix + "-" + i
                    + "\",\"features\":" + features(random, random.nextInt(3), scale) + "}"));
        }
        producer.flush();
    }

    private static String features(SplittableRandom random, int label, double scale) {
        StringBuilder json = new StringBuilder("[");
        for (int j = 0; j < DIM; j++) {
            double value = (j == label ? 2.0 : 0.0) + random.nextDouble() - 0.5;
            json.append(j == 0 ? "" : ",").append((float) (value * scale * (random.nextBoolean() ? 1 : -1)));
        }
        return json.append(']').toString();
    }

    private static List<JsonNode> json(List<ConsumerRecord<String, byte[]>> records) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            nodes.add(JsonCodec.mapper().readTree(record.value()));
        }
        return nodes;
    }

    private static List<ConsumerRecord<String, byte[]>> awaitCommitted(String bootstrap, String topic, int count)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<ConsumerRecord<String, byte[]>> records = CommittedLog.readAll(bootstrap, topic, WAIT);
        while (records.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(300);
            records = CommittedLog.readAll(bootstrap, topic, WAIT);
        }
        assertTrue(records.size() >= count, "only " + records.size() + " of " + count + " on " + topic);
        return records;
    }

    private static long scrape(String metrics, String name) {
        Matcher m = Pattern.compile("^" + name + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    /** Copies the service's log (stderr) so the test can look for the skip line. */
    private static final class TeeStream extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        TeeStream(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }
}
