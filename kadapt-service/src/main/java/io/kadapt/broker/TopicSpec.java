package io.kadapt.broker;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A topic the service needs.
 *
 * @param name              topic name
 * @param partitions        partition count; a positive count is also <em>required</em> of an existing topic (checked by
 *                          {@link TopicProvisioner}), {@link #ANY_PARTITIONS} means "broker default when created, any
 *                          count when it exists"
 * @param replicationFactor replication factor when created, or {@link #DEFAULT_REPLICATION_FACTOR} for the broker's
 * @param configs           topic configs set when created (e.g. {@code cleanup.policy=compact}); not checked on
 *                          existing topics
 * @param exactPartitions   whether an existing topic must have exactly {@code partitions} (else any count will do)
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs,
                        boolean exactPartitions) {

    /** No partition count required: created with the broker's {@code num.partitions}, any count accepted. */
    public static final int ANY_PARTITIONS = -1;

    /** Created with the broker's {@code default.replication.factor}. */
    public static final short DEFAULT_REPLICATION_FACTOR = -1;

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
        if (partitions <= 0 && partitions != ANY_PARTITIONS) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be positive or ANY_PARTITIONS, was "
                + partitions);
        }
        if (replicationFactor <= 0 && replicationFactor != DEFAULT_REPLICATION_FACTOR) {
            throw new IllegalArgumentException("topic " + name
                + ": replicationFactor must be positive or DEFAULT_REPLICATION_FACTOR, was " + replicationFactor);
        }
        configs = configs == null ? Map.of() : Map.copyOf(configs);
    }

    /** A spec whose partition count is required of an existing topic (unless it is {@link #ANY_PARTITIONS}). */
    public TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {
        this(name, partitions, replicationFactor, configs, partitions != ANY_PARTITIONS);
    }

    /** This spec creating the topic with {@link #partitions()} but accepting an existing one with any count. */
    public TopicSpec anyCountWhenExisting() {
        return new TopicSpec(name, partitions, replicationFactor, configs, false);
    }

    /** A topic with exactly {@code partitions} partitions, the broker's replication factor and no configs. */
    public static TopicSpec of(String name, int partitions) {
        return new TopicSpec(name, partitions, DEFAULT_REPLICATION_FACTOR, Map.of());
    }

    /** A topic whose partition count does not matter. */
    public static TopicSpec anyPartitions(String name) {
        return new TopicSpec(name, ANY_PARTITIONS, DEFAULT_REPLICATION_FACTOR, Map.of());
    }

    /** This spec with one more topic config. */
    public TopicSpec withConfig(String key, String value) {
        Map<String, String> c = new HashMap<>(configs);
        c.put(key, value);
        return new TopicSpec(name, partitions, replicationFactor, c, exactPartitions);
    }

    /** This spec with another replication factor. */
    public TopicSpec withReplicationFactor(short factor) {
        return new TopicSpec(name, partitions, factor, configs, exactPartitions);
    }

    /** True if an existing topic must have exactly {@link #partitions()} partitions. */
    public boolean requiresPartitionCount() {
        return exactPartitions;
    }
}
