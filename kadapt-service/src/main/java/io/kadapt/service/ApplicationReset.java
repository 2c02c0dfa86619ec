package io.kadapt.service;

import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.kadapt.stream.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Starting an application over, like Kafka's application reset tool: for both of kadapt's Kafka Streams
 * applications (prediction and {@value StreamsProperties#TRAINER_SUFFIX}) the internal topics (the model, buffers,
 * replay memories and prediction ledger all live in their changelogs), the consumer groups with their committed
 * offsets and this instance's local state; and kadapt's own training and model topics. Input and output topics
 * stay. Refused while any member of either group runs: deleting a live instance's state under it would not start it
 * over, it would corrupt it.
 *
 * @param applicationId  the configured application id
 * @param internalTopics the applications' changelog and repartition topics, and the training and model topics
 * @param groups         the consumer groups (with committed offsets) that exist
 * @param localState     this instance's state directories of the applications that exist
 */
public record ApplicationReset(String applicationId, List<String> internalTopics, List<String> groups,
                               List<Path> localState) {
    private static final long TIMEOUT_SECONDS = 30;

    /** A member of the group is running; the reset was refused. */
    public static final class ApplicationRunningException extends IllegalStateException {
        ApplicationRunningException(String message) {
            super(message);
        }
    }

    /** What a reset would delete, after checking that no instance runs. */
    public static ApplicationReset plan(KadaptConfig config, ClusterConnection cluster) {
        String applicationId = config.required(ConfigKey.APPLICATION_ID);
        Topics topics = Topics.from(config);
        try (Admin admin = cluster.admin()) {
            List<String> groups = new ArrayList<>();
            List<Path> state = new ArrayList<>();
            for (StreamsProperties.Role role : StreamsProperties.Role.values()) {
                String group = StreamsProperties.applicationId(config, role);
                if (groupExists(admin, group)) {
                    groups.add(group);
                }
                Path dir = cluster.stateDir() == null ? null : cluster.stateDir().resolve(group);
                if (dir != null && Files.exists(dir)) {
                    state.add(dir);
                }
            }
            List<String> internal = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                    .filter(name -> topics.internal().contains(name) || name.startsWith(applicationId + "-")
                            && (name.endsWith("-changelog") || name.endsWith("-repartition")))
                    .sorted().toList();
            return new ApplicationReset(applicationId, internal, groups, state);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the cluster's topics: " + e.getMessage(), e);
        }
    }

    /** Whether the group exists; refuses when it has members. */
    private static boolean groupExists(Admin admin, String group) throws InterruptedException, TimeoutException {
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
                    .describedGroups().get(group).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Collection<MemberDescription> members = description.members();
            if (!members.isEmpty()) {
                throw new ApplicationRunningException("application '" + group + "' has " + members.size()
                        + " running member(s) (" + members.stream().map(m -> m.host() + " " + m.clientId())
                        .toList() + "): stop every instance first");
            }
            return !description.groupState().toString().equals("DEAD");
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw new IllegalStateException("cannot describe consumer group '" + group + "': "
                        + e.getCause().getMessage(), e.getCause());
            }
            return false;
        }
    }

    public boolean nothingToDo() {
        return internalTopics.isEmpty() && groups.isEmpty() && localState.isEmpty();
    }

    /** Deletes what {@link #plan} found. */
    public void execute(ClusterConnection cluster) {
        try (Admin admin = cluster.admin()) {
            if (!groups.isEmpty()) {
                admin.deleteConsumerGroups(groups).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            if (!internalTopics.isEmpty()) {
                admin.deleteTopics(internalTopics).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("reset of '" + applicationId + "' failed: " + e.getMessage(), e);
        }
        for (Path dir : localState) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + dir, e);
            }
        }
    }
}
