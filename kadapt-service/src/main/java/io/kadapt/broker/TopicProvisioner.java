package io.kadapt.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Makes sure the service's topics exist before Kafka Streams starts.
 *
 * <p>Kafka Streams creates its own internal (repartition and changelog) topics; this class is for the topics the
 * service reads and writes by name.
 */
public final class TopicProvisioner {

    private static final long POLL_MS = 50;

    private final Admin admin;
    private final Duration timeout;

    /**
     * @param admin   admin client of the cluster; not closed by this class
     * @param timeout how long one {@link #ensure} call may take in total
     */
    public TopicProvisioner(Admin admin, Duration timeout) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    /**
     * Makes sure every topic exists and has the required partition count.
     *
     * @param topics the topics; a name may appear twice only with equal specs
     * @param create true: create missing topics (a topic created concurrently by someone else is fine); false: fail
     * @throws MissingTopicsException           if {@code create} is false and topics are missing (all are listed)
     * @throws PartitionCountMismatchException  if existing topics have another partition count than required
     * @throws TopicProvisioningException       if Kafka cannot be reached in time or refuses to create a topic
     */
    public void ensure(List<TopicSpec> topics, boolean create) {
        Map<String, TopicSpec> specs = byName(topics);
        if (specs.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();

        Map<String, TopicDescription> found = describe(specs.keySet(), deadline);
        List<TopicSpec> missing = specs.values().stream().filter(s -> !found.containsKey(s.name())).toList();
        if (!missing.isEmpty() && !create) {
            throw missingTopics(missing, mismatches(specs, found));
        }
        // Existing topics are checked before anything is created: a failed run leaves the cluster as it was.
        checkPartitionCounts(specs, found);
        if (!missing.isEmpty()) {
            createTopics(missing, deadline);
            // Checked again: a topic someone else created meanwhile may have another partition count.
            checkPartitionCounts(specs, awaitUsable(missing.stream().map(TopicSpec::name).toList(), deadline));
        }
    }

    private static void checkPartitionCounts(Map<String, TopicSpec> specs, Map<String, TopicDescription> found) {
        List<PartitionCountMismatchException.Mismatch> mismatches = mismatches(specs, found);
        if (!mismatches.isEmpty()) {
            throw new PartitionCountMismatchException(describeMismatches(mismatches)
                + "Fix the topics (kafka-topics.sh --alter --partitions can only add partitions; otherwise delete and "
                + "recreate them) or change the configured partition count.", mismatches);
        }
    }

    private static Map<String, TopicSpec> byName(List<TopicSpec> topics) {
        Map<String, TopicSpec> specs = new LinkedHashMap<>();
        for (TopicSpec spec : Objects.requireNonNull(topics, "topics")) {
            TopicSpec previous = specs.putIfAbsent(Objects.requireNonNull(spec, "topic spec").name(), spec);
            if (previous != null && !previous.equals(spec)) {
                throw new IllegalArgumentException("topic " + spec.name() + " is specified twice, differently: "
                    + previous + " and " + spec);
            }
        }
        return specs;
    }

    /** Describes the topics; a topic that does not exist is absent from the result. */
    private Map<String, TopicDescription> describe(Collection<String> names, long deadline) {
        Map<String, KafkaFuture<TopicDescription>> futures = admin
            .describeTopics(names, new DescribeTopicsOptions().timeoutMs(optionTimeout(deadline, names)))
            .topicNameValues();
        Map<String, TopicDescription> found = new LinkedHashMap<>();
        for (String name : names) {
            try {
                found.put(name, futures.get(name).get(remainingMs(deadline, names), TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    throw timedOut("describing topics " + names, e.getCause());
                }
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw failure("cannot describe Kafka topic " + name, e.getCause());
                }
            } catch (TimeoutException e) {
                throw timedOut("describing topics " + names, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicProvisioningException("interrupted while describing Kafka topics", e);
            }
        }
        return found;
    }

    private void createTopics(List<TopicSpec> missing, long deadline) {
        List<NewTopic> newTopics = missing.stream().map(TopicProvisioner::newTopic).toList();
        List<String> names = missing.stream().map(TopicSpec::name).toList();
        CreateTopicsResult result = admin.createTopics(newTopics,
            new CreateTopicsOptions().timeoutMs(optionTimeout(deadline, names)));
        List<String> failures = new ArrayList<>();
        Throwable firstFailure = null;
        for (String name : names) {
            try {
                result.values().get(name).get(remainingMs(deadline, names), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    continue; // created by someone else meanwhile: fine, its partition count is checked below
                }
                if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    throw timedOut("creating topics " + names, e.getCause());
                }
                failures.add(name + ": " + e.getCause().getMessage());
                firstFailure = firstFailure == null ? e.getCause() : firstFailure;
            } catch (TimeoutException e) {
                throw timedOut("creating topics " + names, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicProvisioningException("interrupted while creating Kafka topics", e);
            }
        }
        if (!failures.isEmpty()) {
            throw new TopicProvisioningException("cannot create Kafka topics: " + String.join("; ", failures),
                firstFailure);
        }
    }

    private static NewTopic newTopic(TopicSpec spec) {
        Optional<Integer> partitions = spec.partitions() != TopicSpec.ANY_PARTITIONS
                ? Optional.of(spec.partitions()) : Optional.empty();
        Optional<Short> replication = spec.replicationFactor() == TopicSpec.DEFAULT_REPLICATION_FACTOR
            ? Optional.empty() : Optional.of(spec.replicationFactor());
        return new NewTopic(spec.name(), partitions, replication).configs(spec.configs());
    }

    /** Waits until freshly created topics are visible with a leader for every partition. */
    private Map<String, TopicDescription> awaitUsable(List<String> names, long deadline) {
        while (true) {
            Map<String, TopicDescription> found = describe(names, deadline);
            boolean usable = found.size() == names.size() && found.values().stream()
                .allMatch(d -> d.partitions().stream().map(TopicPartitionInfo::leader).allMatch(Objects::nonNull));
            if (usable) {
                return found;
            }
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MS) > deadline) {
                List<String> notReady = names.stream().filter(n -> !found.containsKey(n)).toList();
                throw new TopicProvisioningException("created Kafka topics " + names + " but they were not usable "
                    + "within " + timeout.toMillis() + " ms" + (notReady.isEmpty() ? " (partitions without leader)"
                    : " (not visible yet: " + notReady + ")"));
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicProvisioningException("interrupted while waiting for new Kafka topics", e);
            }
        }
    }

    private static List<PartitionCountMismatchException.Mismatch> mismatches(Map<String, TopicSpec> specs,
                                                                             Map<String, TopicDescription> found) {
        List<PartitionCountMismatchException.Mismatch> out = new ArrayList<>();
        for (TopicSpec spec : specs.values()) {
            TopicDescription d = found.get(spec.name());
            if (d != null && spec.requiresPartitionCount() && d.partitions().size() != spec.partitions()) {
                out.add(new PartitionCountMismatchException.Mismatch(spec.name(), spec.partitions(),
                    d.partitions().size()));
            }
        }
        return out;
    }

    private static String describeMismatches(List<PartitionCountMismatchException.Mismatch> mismatches) {
        return mismatches.stream()
            .map(m -> "Kafka topic '" + m.topic() + "' has " + m.actual() + " partition" + (m.actual() == 1 ? "" : "s")
                + " but needs exactly " + m.expected() + ".")
            .collect(Collectors.joining(" ", "", " "));
    }

    private static MissingTopicsException missingTopics(List<TopicSpec> missing,
                                                        List<PartitionCountMismatchException.Mismatch> mismatches) {
        List<String> names = missing.stream().map(TopicSpec::name).toList();
        StringBuilder m = new StringBuilder()
            .append("Missing Kafka topic").append(names.size() == 1 ? "" : "s").append(": ")
            .append(String.join(", ", names))
            .append(". Create ").append(names.size() == 1 ? "it" : "them").append(", e.g.");
        for (TopicSpec spec : missing) {
            m.append("\n  kafka-topics.sh --bootstrap-server BROKER --create --topic ").append(spec.name());
            if (spec.partitions() != TopicSpec.ANY_PARTITIONS) {
                m.append(" --partitions ").append(spec.partitions());
            }
            if (spec.replicationFactor() != TopicSpec.DEFAULT_REPLICATION_FACTOR) {
                m.append(" --replication-factor ").append(spec.replicationFactor());
            }
            spec.configs().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> m.append(" --config ").append(e.getKey()).append('=').append(e.getValue()));
        }
        m.append("\nor set topics.auto-create=true to let kadapt create them.");
        if (!mismatches.isEmpty()) {
            m.append("\nAlso: ").append(describeMismatches(mismatches).trim());
        }
        return new MissingTopicsException(m.toString(), names);
    }

    private long remainingMs(long deadline, Collection<String> what) {
        long ms = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (ms <= 0) {
            throw new TopicProvisioningException("timed out after " + timeout.toMillis() + " ms while provisioning "
                + "Kafka topics " + what + "; is Kafka reachable?");
        }
        return ms;
    }

    private int optionTimeout(long deadline, Collection<String> what) {
        return (int) Math.min(Integer.MAX_VALUE, remainingMs(deadline, what));
    }

    private TopicProvisioningException timedOut(String what, Throwable cause) {
        return new TopicProvisioningException("timed out after " + timeout.toMillis() + " ms " + what
            + "; is Kafka reachable?", cause);
    }

    private static TopicProvisioningException failure(String what, Throwable cause) {
        return new TopicProvisioningException(what + ": " + cause, cause);
    }
}
