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

/**
 * Kafka Streams settings of kadapt's two applications, derived from its configuration; {@code kafka.*} keys override
 * them last.
 */
public final class StreamsProperties {
    /** Suffix of the training application's id: {@code <application.id>-trainer}. */
    public static final String TRAINER_SUFFIX = "-trainer";

    /** Which of the two applications. */
    public enum Role {
        /** Every input partition's prediction and hand-on; as many threads as configured. */
        PREDICTION,
        /** The one trainer: one thread, standbys, commits as often as it publishes. */
        TRAINING
    }

    /** Room for the model chunks of a few commits in the record cache, so the model is flushed once per commit. */
    private static final long STORE_CACHE_BYTES = 64L * 1024 * 1024;

    private StreamsProperties() {
    }

    /** The id of an application of kadapt's: {@code application.id}, with {@value #TRAINER_SUFFIX} for training. */
    public static String applicationId(KadaptConfig config, Role role) {
        String id = config.required(ConfigKey.APPLICATION_ID);
        return role == Role.TRAINING ? id + TRAINER_SUFFIX : id;
    }

    /** {@code num.stream.threads}: a positive count, or auto = one less than the processors, at least 1. */
    public static int predictionThreads(KadaptConfig config) {
        String value = config.required(ConfigKey.NUM_STREAM_THREADS);
        if (value.equalsIgnoreCase("auto")) {
            return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        }
        return config.positiveInteger(ConfigKey.NUM_STREAM_THREADS);
    }

    public static Properties from(KadaptConfig config, Role role, String bootstrapServers, Path stateDir,
                                  AdaptationMetrics metrics) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(config, role));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.required(ConfigKey.PROCESSING_GUARANTEE));
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.required(ConfigKey.TOPICS_REPLICATION_FACTOR));
        if (role == Role.PREDICTION) {
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.required(ConfigKey.COMMIT_INTERVAL_MS));
            props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(predictionThreads(config)));
            // The model arrives through the global store: only committed versions, never an aborted publication.
            props.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG),
                    config.required(ConfigKey.PROCESSING_GUARANTEE).startsWith("exactly_once")
                            ? "read_committed" : "read_uncommitted");
        } else {
            // The trainer commits its state (and so its publications) as often as it publishes the model.
            long publishMs = config.longValue(ConfigKey.MODEL_PUBLISH_INTERVAL_MS);
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(publishMs > 0 ? publishMs : 100));
            props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
            props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.required(ConfigKey.NUM_STANDBY_REPLICAS));
            props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Long.toString(STORE_CACHE_BYTES));
        }
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
