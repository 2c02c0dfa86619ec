package io.kadapt.service;

import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.stream.dlq.DeadLetterListener;
import io.kadapt.stream.dlq.DeadLetterRouter;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** Kafka Streams settings derived from kadapt's configuration; {@code kafka.*} keys override them last. */
public final class StreamsProperties {
    /** Room for the model chunks of a few commits in the record cache, so the model is flushed once per commit. */
    private static final long STORE_CACHE_BYTES = 64L * 1024 * 1024;

    private StreamsProperties() {
    }

    public static Properties from(KadaptConfig config, String bootstrapServers, Path stateDir,
                                  AdaptationMetrics metrics) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.required(ConfigKey.APPLICATION_ID));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.required(ConfigKey.PROCESSING_GUARANTEE));
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.required(ConfigKey.COMMIT_INTERVAL_MS));
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.required(ConfigKey.NUM_STANDBY_REPLICAS));
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.required(ConfigKey.TOPICS_REPLICATION_FACTOR));
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Long.toString(STORE_CACHE_BYTES));
        // One model, one task: more threads would only idle.
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
        if (stateDir != null) {
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        }
        StaticMembership.instanceId(config, stateDir).ifPresent(id ->
                props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id));
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterRouter.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterRouter.class.getName());
        props.put(DeadLetterRouter.TOPIC_CONFIG, config.required(ConfigKey.TOPIC_DLQ));
        props.put(DeadLetterRouter.LISTENER_CONFIG, (DeadLetterListener) reason -> metrics.deadLetter(reason.tag()));
        // The dead-letter route also covers global stores (Kafka Streams 5.0's default; without it each start warns).
        // The partition assignor builds a second StreamsConfig from the main consumer's settings, hence the copy.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.consumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Broker outages need no setting here: the producer retries for delivery.timeout.ms (2 min) and Kafka Streams
        // retries timed-out calls for task.timeout.ms (5 min, KIP-572) before a thread fails. FailoverTest and
        // `bench chaos --broker-bounces` ride out 12-31 s outages (SIGTERM and SIGKILL) with no task restored.
        props.putAll(config.kafkaOverrides());
        return props;
    }
}
