package io.kadapt.chaos;

import io.kadapt.service.StreamsProperties;
import io.kadapt.stream.Topics;
import io.kadapt.stream.dlq.DeadLetterRouter;
import io.kadapt.stream.serde.ControlAckMessage;
import io.kadapt.stream.serde.JsonCodec;
import io.kadapt.stream.serde.PredictionMessage;
import io.kadapt.stream.serde.StepMetricsMessage;
import io.kadapt.stream.state.ModelCheckpointStore;
import io.kadapt.stream.state.PredictionLedgerStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import io.kadapt.data.Sample;
import io.kadapt.stream.state.SampleBufferStore;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What one kadapt application committed, read back with {@code read_committed}: its predictions by sample id, its
 * step metrics by step number, its control acknowledgements by command id, the model checkpoint reassembled from
 * the last value of each key of the {@code kadapt-model} store's changelog topic, the trainer's input (the
 * training topic as committed) and the ids of the labelled target samples still waiting for feedback learning.
 */
public record RunOutput(Map<String, List<PredictionMessage>> predictions, Map<Long, Integer> steps,
                        Optional<ModelCheckpointStore.Checkpoint> checkpoint, Map<String, List<String>> deadLetters,
                        Map<String, byte[]> ledger, List<ConsumerRecord<String, byte[]>> training,
                        Map<String, List<ControlAckMessage>> acks, List<String> labelledWaiting) {

    /** Output with no labelled sample waiting. */
    public RunOutput(Map<String, List<PredictionMessage>> predictions, Map<Long, Integer> steps,
                     Optional<ModelCheckpointStore.Checkpoint> checkpoint, Map<String, List<String>> deadLetters,
                     Map<String, byte[]> ledger, List<ConsumerRecord<String, byte[]>> training,
                     Map<String, List<ControlAckMessage>> acks) {
        this(predictions, steps, checkpoint, deadLetters, ledger, training, acks, List.of());
    }

    /** Output with no control acknowledgements. */
    public RunOutput(Map<String, List<PredictionMessage>> predictions, Map<Long, Integer> steps,
                     Optional<ModelCheckpointStore.Checkpoint> checkpoint, Map<String, List<String>> deadLetters,
                     Map<String, byte[]> ledger, List<ConsumerRecord<String, byte[]>> training) {
        this(predictions, steps, checkpoint, deadLetters, ledger, training, Map.of());
    }

    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    /** The changelog topic Kafka Streams names after the application id and the store. */
    public static String modelChangelog(String applicationId) {
        return applicationId + StreamsProperties.TRAINER_SUFFIX + "-" + ModelCheckpointStore.NAME + "-changelog";
    }

    /** The changelog of the trainer's sample buffers. */
    public static String bufferChangelog(String applicationId) {
        return applicationId + StreamsProperties.TRAINER_SUFFIX + "-" + SampleBufferStore.NAME + "-changelog";
    }

    /** The changelog of the store that pairs predictions with feedback labels and keeps the feedback score. */
    public static String ledgerChangelog(String applicationId) {
        return applicationId + StreamsProperties.TRAINER_SUFFIX + "-" + PredictionLedgerStore.NAME + "-changelog";
    }

    static RunOutput read(String bootstrap, String applicationId, Topics topics) {
        Map<String, List<PredictionMessage>> predictions = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : CommittedLog.readAll(bootstrap, topics.predictions(), READ_TIMEOUT)) {
            PredictionMessage prediction = JsonCodec.read(record.value(), PredictionMessage.class);
            predictions.computeIfAbsent(prediction.id(), id -> new ArrayList<>()).add(prediction);
        }
        Map<Long, Integer> steps = new TreeMap<>();
        Map<String, List<ControlAckMessage>> acks = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> record : CommittedLog.readAll(bootstrap, topics.metrics(), READ_TIMEOUT)) {
            if (ControlAckMessage.isAckKey(record.key())) {
                ControlAckMessage ack = JsonCodec.read(record.value(), ControlAckMessage.class);
                acks.computeIfAbsent(ack.commandId(), id -> new ArrayList<>()).add(ack);
            } else if (StepMetricsMessage.isStepKey(record.key())) {
                steps.merge(JsonCodec.read(record.value(), StepMetricsMessage.class).step(), 1, Integer::sum);
            }
        }
        Map<String, List<String>> deadLetters = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : CommittedLog.readAll(bootstrap, topics.deadLetter(), READ_TIMEOUT)) {
            var reason = record.headers().lastHeader(DeadLetterRouter.HEADER_REASON);
            deadLetters.computeIfAbsent(record.key(), key -> new ArrayList<>())
                    .add(reason == null ? "?" : new String(reason.value(), StandardCharsets.UTF_8));
        }
        Map<String, byte[]> store = lastValues(bootstrap, modelChangelog(applicationId));
        return new RunOutput(predictions, steps, ModelCheckpointStore.assemble(store::get), deadLetters,
                lastValues(bootstrap, ledgerChangelog(applicationId)),
                CommittedLog.readAll(bootstrap, topics.training(), READ_TIMEOUT), acks,
                SampleBufferStore.labelledInOrder(new TreeMap<>(lastValues(bootstrap, bufferChangelog(applicationId))))
                        .stream().map(Sample::id).toList());
    }

    /** The table a compacted changelog describes: the last value of each key, deleted keys left out. */
    private static Map<String, byte[]> lastValues(String bootstrap, String changelog) {
        Map<String, byte[]> store = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : CommittedLog.readAll(bootstrap, changelog, READ_TIMEOUT)) {
            if (record.value() == null) {
                store.remove(record.key());
            } else {
                store.put(record.key(), record.value());
            }
        }
        return store;
    }
}
