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
        send(topics.source(), id, json(id, features).put("label", label));
    }

    public void target(String id, float[] features) {
        send(topics.target(), id, json(id, features));
    }

    public void feedback(String id, int label) {
        send(topics.feedback(), id, JsonCodec.mapper().createObjectNode().put("id", id).put("label", label));
    }

    private static ObjectNode json(String id, float[] features) {
        ObjectNode node = JsonCodec.mapper().createObjectNode().put("id", id);
        var array = node.putArray("features");
        for (float value : features) {
            array.add(value);
        }
        return node;
    }

    private void send(String topic, String key, ObjectNode value) {
        producer.send(new ProducerRecord<>(topic, key, value.toString()));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
