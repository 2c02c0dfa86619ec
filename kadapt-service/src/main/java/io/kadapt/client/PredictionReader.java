package io.kadapt.client;

import io.kadapt.stream.serde.JsonCodec;
import io.kadapt.stream.serde.PredictionMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads committed predictions from the start of the predictions topic. */
public final class PredictionReader implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;

    public PredictionReader(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "kadapt-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
    }

    /** Polls once, handing each prediction to the sink; returns how many were read. */
    public int poll(Duration timeout, Consumer<PredictionMessage> sink) {
        int count = 0;
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            sink.accept(JsonCodec.read(record.value(), PredictionMessage.class));
            count++;
        }
        return count;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
