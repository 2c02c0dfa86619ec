package io.kadapt.service;

import io.kadapt.broker.EmbeddedKafkaBroker;
import io.kadapt.broker.TopicProvisioner;
import io.kadapt.broker.TopicSpec;
import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import io.kadapt.stream.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka cluster kadapt talks to: the configured one, or an embedded single-node broker when
 * {@code bootstrap.servers} is empty (the zero-setup default).
 */
public final class ClusterConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterConnection.class);

    private final KadaptConfig config;
    private final EmbeddedKafkaBroker broker;
    private final Path temporaryDir;
    private final String bootstrapServers;
    private final Path stateDir;

    private ClusterConnection(KadaptConfig config, EmbeddedKafkaBroker broker, Path temporaryDir,
                              String bootstrapServers, Path stateDir) {
        this.config = config;
        this.broker = broker;
        this.temporaryDir = temporaryDir;
        this.bootstrapServers = bootstrapServers;
        this.stateDir = stateDir;
    }

    public static ClusterConnection open(KadaptConfig config) {
        Path configuredState = config.isSet(ConfigKey.STATE_DIR) ? Path.of(config.string(ConfigKey.STATE_DIR)) : null;
        warnIfTemporary(configuredState, ConfigKey.STATE_DIR);
        if (config.isSet(ConfigKey.BOOTSTRAP_SERVERS)) {
            return new ClusterConnection(config, null, null, config.string(ConfigKey.BOOTSTRAP_SERVERS), configuredState);
        }
        Path temporary = null;
        Path dataDir;
        if (config.isSet(ConfigKey.EMBEDDED_DATA_DIR)) {
            dataDir = Path.of(config.string(ConfigKey.EMBEDDED_DATA_DIR));
            warnIfTemporary(dataDir, ConfigKey.EMBEDDED_DATA_DIR);
        } else {
            try {
                temporary = Files.createTempDirectory("kadapt-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dataDir = temporary;
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(config.integer(ConfigKey.EMBEDDED_PORT),
                dataDir.resolve("broker"));
        System.out.println("kadapt: embedded Kafka broker at " + broker.bootstrapServers() + " (data in " + dataDir
                + (temporary != null ? ", deleted at exit; set " + ConfigKey.EMBEDDED_DATA_DIR.key() + " to keep it)"
                : ")"));
        Path stateDir = configuredState != null ? configuredState : dataDir.resolve("streams");
        return new ClusterConnection(config, broker, temporary, broker.bootstrapServers(), stateDir);
    }

    /**
     * Kafka Streams' own warning about a state directory under the OS temp dir is off (simplelogger.properties):
     * kadapt's throwaway directory belongs there, deleted at exit. A directory the user chose is another matter.
     */
    private static void warnIfTemporary(Path dir, ConfigKey key) {
        if (dir != null && dir.toAbsolutePath().normalize().startsWith(
                Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize())) {
            LOG.warn("{}={} is under the OS temp directory, which the OS may clear: state would be lost", key.key(),
                    dir);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public boolean embedded() {
        return broker != null;
    }

    /** Null means Kafka Streams' default. */
    public Path stateDir() {
        return stateDir;
    }

    /**
     * Creates (or checks) the topics. Inputs, predictions and dead letters get {@code topics.partitions} when created,
     * the metrics topic one, and may have any count; the training and model topics must have exactly one partition: one trainer reads the first in order,
     * and the second holds one model.
     */
    public void provisionTopics(Topics topics) {
        short replication = Short.parseShort(config.required(ConfigKey.TOPICS_REPLICATION_FACTOR));
        int partitions = config.positiveInteger(ConfigKey.TOPICS_PARTITIONS);
        List<TopicSpec> specs = new ArrayList<>();
        for (String input : topics.inputs()) {
            // The control topic gets one partition: commands apply in the order they were sent.
            int count = input.equals(topics.control()) ? 1 : partitions;
            specs.add(new TopicSpec(input, count, replication, Map.of()).anyCountWhenExisting());
        }
        for (String output : topics.outputs()) {
            // The metrics topic gets one partition: one trainer writes it, and a reader sees the steps in order.
            int count = output.equals(topics.metrics()) ? 1 : partitions;
            specs.add(new TopicSpec(output, count, replication, Map.of()).anyCountWhenExisting());
        }
        // Consumed records are not needed again; a day bounds the disk a stopped trainer's backlog can take.
        specs.add(new TopicSpec(topics.training(), 1, replication, Map.of("retention.ms", "86400000")));
        specs.add(new TopicSpec(topics.model(), 1, replication, Map.of("cleanup.policy", "compact",
                "min.cleanable.dirty.ratio", "0.1", "segment.bytes", Integer.toString(64 * 1024 * 1024))));
        try (Admin admin = admin()) {
            new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(specs, config.bool(ConfigKey.TOPICS_AUTO_CREATE));
        }
    }

    /**
     * An admin client with the cluster's connection and security settings: the {@code kafka.*} settings an admin
     * client knows (also under {@code kafka.admin.}), so a secured cluster works here as it does for Kafka Streams.
     */
    public Admin admin() {
        return Admin.create(clientSettings());
    }

    /**
     * Connection and security settings for a tool's own client: the bootstrap servers and the {@code kafka.*}
     * settings every client knows (an admin client's, also under {@code kafka.admin.}).
     */
    public Map<String, Object> clientSettings() {
        Map<String, Object> settings = new HashMap<>();
        config.kafkaOverrides().forEach((key, value) -> {
            String name = key.startsWith(StreamsConfig.ADMIN_CLIENT_PREFIX)
                    ? key.substring(StreamsConfig.ADMIN_CLIENT_PREFIX.length()) : key;
            if (AdminClientConfig.configNames().contains(name)) {
                settings.put(name, value);
            }
        });
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return settings;
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
        if (temporaryDir != null) {
            try (var paths = Files.walk(temporaryDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                LOG.warn("could not delete {}: {}", temporaryDir, e.getMessage());
            }
        }
    }
}
