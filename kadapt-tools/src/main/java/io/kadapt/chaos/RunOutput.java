package io.kadapt.chaos;

import io.kadapt.stream.Topics;
import io.kadapt.stream.serde.JsonCodec;
import io.kadapt.stream.serde.PredictionMessage;
import io.kadapt.stream.serde.StepMetricsMessage;
import io.kadapt.stream.state.ModelCheckpointStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What one kadapt application committed, read back with {@code read_committed}: its predictions by sample id, its
 * step metrics by step number, and the model checkpoint reassembled from the last value of each key of the
 * {@code kadapt-model} store's changelog topic.
 */
public record RunOutput(Map<String, List<PredictionMessage>> predictions, Map<Long, Integer> steps,
                        Optional<ModelCheckpointStore.Checkpoint> checkpoint) {

    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    /** The changelog topic Kafka Streams names after the application id and the store. */
    public static String modelChangelog(String applicationId) {
        return applicationId + "-" + ModelCheckpointStore.NAME + "-changelog";
    }

    static RunOutput read(String bootstrap, String applicationId, Topics topics) {
        Map<String, List<PredictionMessage>> predictions = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : CommittedLog.readAll(bootstrap, topics.predictions(), READ_TIMEOUT)) {
            PredictionMessage prediction = JsonCodec.read(record.value(), PredictionMessage.class);
            predictions.computeIfAbsent(prediction.id(), id -> new ArrayList<>()).add(prediction);
        }
        Map<Long, Integer> steps = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> record : CommittedLog.readAll(bootstrap, topics.metrics(), READ_TIMEOUT)) {
            steps.merge(JsonCodec.read(record.value(), StepMetricsMessage.class).step(), 1, Integer::sum);
        }
        Map<String, byte[]> store = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record
                : CommittedLog.readAll(bootstrap, modelChangelog(applicationId), READ_TIMEOUT)) {
            if (record.value() == null) {
                store.remove(record.key());
            } else {
                store.put(record.key(), record.value());
            }
        }
        return new RunOutput(predictions, steps, ModelCheckpointStore.assemble(store::get));
    }
}
