package io.kadapt.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kadapt.client.SampleProducer;
import io.kadapt.config.KadaptConfig;
import io.kadapt.stream.Topics;
import io.kadapt.stream.serde.JsonCodec;
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
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole service against a real embedded KRaft broker: topics, exactly-once output, metrics over HTTP, resume. */
@Tag("broker")
class KadaptServiceBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    private KadaptConfig config() {
        Map<String, String> settings = new HashMap<>(Map.of(
                "embedded.port", "0", "http.port", "0", "embedded.data-dir", dataDir.toString(),
                // Wide enough that the model and its Adam moments (~1.1 MB) span several changelog chunks.
                "model.input-dim", "3", "model.classes", "2", "model.hidden", "300,300",
                "train.batch.source", "4", "train.batch.target", "4", "train.steps-per-batch", "1"));
        return KadaptConfig.of(settings);
    }

    @Test
    @DisplayName("predictions, metrics and dead letters are committed; /metrics and health answer; a restart resumes")
    void endToEndAndResume() throws Exception {
        KadaptConfig config = config();
        Topics topics = Topics.from(config);
        long stepBeforeRestart;
        try (KadaptService service = KadaptService.start(config, WAIT)) {
            // Given a running service, when we send 8 source, 8 target samples, feedback and two bad records
            produce(service.bootstrapServers(), topics, 0, 8);
            try (var raw = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", service.bootstrapServers()),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(topics.source(), "k".getBytes(), "{broken".getBytes()));
                raw.send(new ProducerRecord<>(topics.target(), "k".getBytes(),
                        "{\"id\":\"t-x\",\"features\":[1]}".getBytes()));
            }

            // Then every target sample has a committed prediction, steps are published, bad records are dead letters
            List<JsonNode> predictions = readJson(service.bootstrapServers(), topics.predictions(), 8);
            assertEquals(8, predictions.stream().map(p -> p.get("id").asText()).distinct().count());
            List<JsonNode> steps = readJson(service.bootstrapServers(), topics.metrics(), 2);
            assertEquals(2, steps.get(steps.size() - 1).get("step").asLong());
            List<ConsumerRecord<byte[], byte[]>> dead = read(service.bootstrapServers(), topics.deadLetter(), 2);
            assertEquals("{broken", new String(dead.get(0).value(), StandardCharsets.UTF_8));

            // And the HTTP endpoints report it
            String metrics = get(service.httpPort(), "/metrics").body();
            assertTrue(metrics.contains("kadapt_training_steps_total 2.0"), metrics);
            assertTrue(metrics.contains("kadapt_dlq_records_total{reason=\"malformed_json\"} 1.0"));
            assertTrue(metrics.contains("kadapt_dlq_records_total{reason=\"wrong_feature_count\"} 1.0"));
            assertTrue(metrics.contains("kadapt_samples_total{domain=\"target\"} 8.0"));
            assertTrue(metrics.contains("kafka_stream"), "Kafka Streams client metrics bound");
            assertTrue(metrics.contains("jvm_memory_used_bytes"));
            assertEquals(200, get(service.httpPort(), "/health/ready").statusCode());
            assertEquals(200, get(service.httpPort(), "/health/live").statusCode());
            JsonNode info = JsonCodec.mapper().readTree(get(service.httpPort(), "/info").body());
            assertEquals(2, info.get("modelStep").asLong());
            stepBeforeRestart = info.get("modelStep").asLong();
        }

        // When the service restarts on the same data directory and more samples arrive
        try (KadaptService service = KadaptService.start(config, WAIT)) {
            assertEquals(stepBeforeRestart, service.metrics().modelStep(), "model restored from the state store");
            produce(service.bootstrapServers(), topics, 8, 8);
            List<JsonNode> steps = readJson(service.bootstrapServers(), topics.metrics(), 4);
            // Then training continues from step 2, not from 0
            assertEquals(List.of(1L, 2L, 3L, 4L), steps.stream().map(s -> s.get("step").asLong()).toList());
            List<JsonNode> predictions = readJson(service.bootstrapServers(), topics.predictions(), 16);
            assertEquals(16, predictions.stream().map(p -> p.get("id").asText()).distinct().count());
        }
    }

    private static void produce(String bootstrap, Topics topics, int from, int count) {
        try (SampleProducer producer = new SampleProducer(bootstrap, topics)) {
            for (int i = from; i < from + count; i++) {
                producer.source("s-" + i, new float[] {i, 0.5f * i, -i}, i % 2);
                producer.target("t-" + i, new float[] {-i, i, 0.25f * i});
            }
            producer.feedback("t-" + from, 1);
        }
    }

    private static List<JsonNode> readJson(String bootstrap, String topic, int atLeast) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : read(bootstrap, topic, atLeast)) {
            nodes.add(JsonCodec.mapper().readTree(record.value()));
        }
        return nodes;
    }

    /** Reads committed records from the beginning until at least {@code atLeast} arrived, then a little longer. */
    static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic, int atLeast) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (records.size() < atLeast && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        assertTrue(records.size() >= atLeast, "only " + records.size() + " records on " + topic);
        return records;
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
