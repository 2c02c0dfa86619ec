package io.kadapt.chaos;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kadapt.data.Domain;
import io.kadapt.demo.DomainShiftStream;
import io.kadapt.stream.Topics;
import io.kadapt.stream.serde.JsonCodec;
import io.kadapt.training.SampleIdDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The fixed, seeded input of a chaos run: labelled source samples and unlabelled target samples of the demo's
 * domain-shift problem, produced before any kadapt starts.
 *
 * <p>Every record carries an explicit, unique timestamp (source and target alternate, 1 ms apart). Kafka Streams
 * picks the next record of a task by the lowest head timestamp among its input partitions, and with the default
 * {@code max.task.idle.ms=0} it waits to fetch partitions known to hold data; with all input on the broker before the
 * start, the interleaving of the two domains is therefore a function of the timestamps alone, the same in every run
 * and after every restart. Producer-assigned timestamps would tie at millisecond resolution and leave the order to
 * fetch timing.
 */
public final class ChaosInput {
    private final List<String> sourceIds;
    private final List<String> targetIds;

    private ChaosInput(List<String> sourceIds, List<String> targetIds) {
        this.sourceIds = sourceIds;
        this.targetIds = targetIds;
    }

    /** Generates and produces {@code sources} + {@code targets} samples (idempotent producer, acks=all, flushed). */
    public static ChaosInput produce(String bootstrap, Topics topics, long seed, int sources, int targets) {
        DomainShiftStream stream = new DomainShiftStream(seed, 35);
        List<String> sourceIds = new ArrayList<>();
        List<String> targetIds = new ArrayList<>();
        long timestamp = System.currentTimeMillis();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < Math.max(sources, targets); i++) {
                if (i < sources) {
                    String id = "s-" + i;
                    DomainShiftStream.Point point = stream.next(Domain.SOURCE);
                    ObjectNode json = sample(id, point.features()).put("label", point.label());
                    producer.send(new ProducerRecord<>(topics.source(), 0, timestamp++, id, JsonCodec.write(json)));
                    sourceIds.add(id);
                }
                if (i < targets) {
                    String id = "t-" + i;
                    ObjectNode json = sample(id, stream.next(Domain.TARGET).features());
                    producer.send(new ProducerRecord<>(topics.target(), 0, timestamp++, id, JsonCodec.write(json)));
                    targetIds.add(id);
                }
            }
            producer.flush();
        }
        return new ChaosInput(List.copyOf(sourceIds), List.copyOf(targetIds));
    }

    private static ObjectNode sample(String id, float[] features) {
        ObjectNode node = JsonCodec.mapper().createObjectNode().put("id", id);
        var array = node.putArray("features");
        for (float value : features) {
            array.add(value);
        }
        return node;
    }

    public List<String> targetIds() {
        return targetIds;
    }

    /** Fresh batches the input makes: each takes the oldest full batch of each domain. */
    public long expectedSteps(int sourceBatch, int targetBatch) {
        return Math.min(sourceIds.size() / sourceBatch, targetIds.size() / targetBatch);
    }

    /** Digest of the ids the trainer must have trained on, exactly once each, after {@code batches} fresh batches. */
    public SampleIdDigest expectedTrained(Domain domain, long batches, int batch) {
        List<String> ids = domain == Domain.SOURCE ? sourceIds : targetIds;
        SampleIdDigest digest = SampleIdDigest.EMPTY;
        for (String id : ids.subList(0, Math.toIntExact(batches * batch))) {
            digest = digest.plus(id);
        }
        return digest;
    }
}
