package io.kadapt.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kadapt.stream.Topics;
import io.kadapt.stream.serde.JsonCodec;
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
        this.topics = topics;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new StringSerializer());
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
    public static String sourceJson(String id, float[] features, int label) {
        return json(id, features).put("label", label).toString();
    }

    public static String targetJson(String id, float[] features) {
        return json(id, features).toString();
    }

    public static String feedbackJson(String id, int label) {
        return JsonCodec.mapper().createObjectNode().put("id", id).put("label", label).toString();
    }

    private static ObjectNode json(String id, float[] features) {
        ObjectNode node = JsonCodec.mapper().createObjectNode().put("id", id);
        var array = node.putArray("features");
        for (float value : features) {
            array.add(value);
        }
        return node;
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
