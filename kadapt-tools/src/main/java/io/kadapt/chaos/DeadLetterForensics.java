package io.kadapt.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where dead letters missing from the committed view are, if anywhere: copies that only a {@code read_uncommitted}
 * reader sees (written in an aborted or still open transaction), and partitions whose last stable offset lags their
 * high watermark (an open transaction holding committed readers back). A failed run says which of the two it was,
 * or that the record was never written at all.
 */
final class DeadLetterForensics {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private DeadLetterForensics() {
    }

    static String explain(String bootstrap, String topic, Set<String> missingKeys) {
        Map<String, List<String>> copies = new HashMap<>();
        List<String> stalled = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> uncommitted = consumer(bootstrap, "read_uncommitted");
             KafkaConsumer<String, byte[]> committed = consumer(bootstrap, "read_committed")) {
            List<TopicPartition> partitions = uncommitted.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> highWatermarks = uncommitted.endOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> stableOffsets = committed.endOffsets(partitions, TIMEOUT);
            partitions.forEach(p -> {
                if (!highWatermarks.get(p).equals(stableOffsets.get(p))) {
                    stalled.add(p + " LSO " + stableOffsets.get(p) + " < HW " + highWatermarks.get(p));
                }
            });
            uncommitted.assign(partitions);
            uncommitted.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> uncommitted.position(p) < highWatermarks.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : uncommitted.poll(Duration.ofMillis(200))) {
                    if (missingKeys.contains(record.key())) {
                        copies.computeIfAbsent(record.key(), k -> new ArrayList<>())
                                .add(record.partition() + "@" + record.offset());
                    }
                }
            }
        }
        StringBuilder text = new StringBuilder("missing dead letters ").append(missingKeys).append(": ");
        missingKeys.forEach(key -> text.append(key).append(copies.containsKey(key)
                ? " written outside a committed transaction at " + copies.get(key) : " never written").append("; "));
        text.append(stalled.isEmpty() ? "no partition held back by an open transaction" : "held back: " + stalled);
        return text.toString();
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap, String isolation) {
        return new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "kadapt-chaos-forensics-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new ByteArrayDeserializer());
    }
}
