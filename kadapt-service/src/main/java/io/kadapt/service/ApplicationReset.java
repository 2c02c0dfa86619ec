package io.kadapt.service;

import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Starting an application over, like Kafka's application reset tool: the internal topics (the model, buffers,
 * replay memories and prediction ledger all live in their changelogs), the consumer group with its committed
 * input offsets, and this instance's local state. Input and output topics stay. Refused while any member of the
 * group runs: deleting a live instance's state under it would not start it over, it would corrupt it.
 *
 * @param applicationId the Kafka Streams application id (consumer group, internal topic prefix)
 * @param internalTopics the application's changelog and repartition topics
 * @param groupExists whether the consumer group (and so committed offsets) exists
 * @param localState this instance's state directory of the application, when it exists
 */
public record ApplicationReset(String applicationId, List<String> internalTopics, boolean groupExists,
                               Path localState) {
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
        try (Admin admin = cluster.admin()) {
            boolean groupExists = true;
            try {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId))
                        .describedGroups().get(applicationId).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                Collection<MemberDescription> members = group.members();
                if (!members.isEmpty()) {
                    throw new ApplicationRunningException("application '" + applicationId + "' has " + members.size()
                            + " running member(s) (" + members.stream().map(m -> m.host() + " " + m.clientId())
                            .toList() + "): stop every instance first");
                }
                groupExists = !group.groupState().toString().equals("DEAD");
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw new IllegalStateException("cannot describe consumer group '" + applicationId + "': "
                            + e.getCause().getMessage(), e.getCause());
                }
                groupExists = false;
            }
            List<String> internal = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(applicationId + "-")
                            && (name.endsWith("-changelog") || name.endsWith("-repartition")))
                    .sorted().toList();
            Path state = cluster.stateDir() == null ? null : cluster.stateDir().resolve(applicationId);
            return new ApplicationReset(applicationId, internal, groupExists,
                    state != null && Files.exists(state) ? state : null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the cluster's topics: " + e.getMessage(), e);
        }
    }

    public boolean nothingToDo() {
        return internalTopics.isEmpty() && !groupExists && localState == null;
    }

    /** Deletes what {@link #plan} found. */
    public void execute(ClusterConnection cluster) {
        try (Admin admin = cluster.admin()) {
            if (groupExists) {
                admin.deleteConsumerGroups(List.of(applicationId)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
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
        if (localState != null) {
            try (var paths = Files.walk(localState)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + localState, e);
            }
        }
    }
}
