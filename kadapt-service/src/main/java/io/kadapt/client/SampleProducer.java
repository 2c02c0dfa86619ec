package io.kadapt.client;

import io.kadapt.stream.Topics;
import io.kadapt.stream.serde.FeedbackMessage;
import io.kadapt.stream.serde.JsonCodec;
import io.kadapt.stream.serde.SampleMessage;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes samples and feedback labels in kadapt's input formats: what the demo, {@code replay} and the
 * tests use, and an example for users' own producers.
 */
public final class SampleProducer implements AutoCloseable {
    private final KafkaProducer<String, String> producer;
    private final Topics topics;

    public SampleProducer(String bootstrapServers, Topics topics) {
        this(bootstrapServers, topics, Map.of());
    }

    /** @param settings extra producer settings, e.g. a secured cluster's security settings */
    public SampleProducer(String bootstrapServers, Topics topics, Map<String, Object> settings) {
        this.topics = topics;
        Map<String, Object> config = new HashMap<>(settings);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // One request in flight: when a partition's first batch meets NOT_LEADER_OR_FOLLOWER (a topic created a moment
        // ago), a later batch must not be appended before it, or the idempotent producer retries the first one into
        // OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout. Bigger batches keep the throughput.
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    public void source(String id, float[] features, int label) {
        source(id, features, label, null);
    }

    public void target(String id, float[] features) {
        target(id, features, null);
    }

    public void feedback(String id, int label) {
        feedback(id, label, null);
    }

    /** With an explicit record timestamp ({@code null}: the producer's clock). */
    public void source(String id, float[] features, int label, Long timestamp) {
        send(topics.source(), id, sourceJson(id, features, label), timestamp);
    }

    public void target(String id, float[] features, Long timestamp) {
        send(topics.target(), id, targetJson(id, features), timestamp);
    }

    public void feedback(String id, int label, Long timestamp) {
        send(topics.feedback(), id, feedbackJson(id, label), timestamp);
    }

    /** The value of a source record, as this producer writes it. */
    /** Sends a source record already in its JSON form ({@link #sourceJson}). */
    public void sendSource(String id, String json) {
        send(topics.source(), id, json, null);
    }

    /** Sends a target record already in its JSON form ({@link #targetJson}). */
    public void sendTarget(String id, String json) {
        send(topics.target(), id, json, null);
    }

    public static String sourceJson(String id, float[] features, int label) {
        return text(SampleMessage.source(id, features, label));
    }

    public static String targetJson(String id, float[] features) {
        return text(SampleMessage.target(id, features));
    }

    public static String feedbackJson(String id, int label) {
        return text(FeedbackMessage.of(id, label));
    }

    private static String text(Object message) {
        return new String(JsonCodec.write(message), StandardCharsets.UTF_8);
    }

    private void send(String topic, String key, String value, Long timestamp) {
        producer.send(new ProducerRecord<>(topic, null, timestamp, key, value));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
