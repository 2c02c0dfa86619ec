package io.kadapt.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.config.KadaptConfig;
import io.kadapt.service.ClusterConnection;
import io.kadapt.service.KadaptService;
import io.kadapt.stream.Topics;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("broker")
class TopicProvisionerTest {

    @TempDir
    static Path tmp;

    static EmbeddedKafkaBroker broker;
    static Admin admin;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(0, tmp.resolve("broker"));
        admin = KafkaTestClients.admin(broker.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static TopicProvisioner provisioner() {
        return new TopicProvisioner(admin, Duration.ofSeconds(30));
    }

    private static int partitions(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    }

    private static Set<String> topics() throws Exception {
        return admin.listTopics().names().get();
    }

    @Test
    void createsMissingTopicsWithPartitionsAndConfigsAndIsIdempotent() throws Exception {
        List<TopicSpec> specs = List.of(
            TopicSpec.of("prov-input", 4),
            TopicSpec.of("prov-model", 1).withConfig("cleanup.policy", "compact"),
            new TopicSpec("prov-output", 2, (short) 1, Map.of("retention.ms", "3600000")),
            TopicSpec.anyPartitions("prov-any"));

        provisioner().ensure(specs, true);

        assertEquals(4, partitions("prov-input"));
        assertEquals(1, partitions("prov-model"));
        assertEquals(2, partitions("prov-output"));
        assertEquals(1, partitions("prov-any"), "ANY_PARTITIONS takes the broker's num.partitions");
        ConfigResource model = new ConfigResource(ConfigResource.Type.TOPIC, "prov-model");
        ConfigResource output = new ConfigResource(ConfigResource.Type.TOPIC, "prov-output");
        Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(model, output)).all().get();
        assertEquals("compact", configs.get(model).get("cleanup.policy").value());
        assertEquals("3600000", configs.get(output).get("retention.ms").value());

        // Idempotent: a second run (create or not) changes nothing and does not fail.
        provisioner().ensure(specs, true);
        provisioner().ensure(specs, false);
        assertEquals(4, partitions("prov-input"));
    }

    @Test
    void concurrentProvisionersRacingToCreateTheSameTopicsAllSucceed() throws Exception {
        List<TopicSpec> specs = List.of(TopicSpec.of("race-a", 3), TopicSpec.of("race-b", 2));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                tasks.add(() -> {
                    provisioner().ensure(specs, true);
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get(); // throws if any provisioner failed
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(3, partitions("race-a"));
        assertEquals(2, partitions("race-b"));
    }

    @Test
    void withoutCreateEveryMissingTopicIsNamedAndNothingIsCreated() throws Exception {
        KafkaTestClients.createTopic(broker.bootstrapServers(), "present-1", 1);
        List<TopicSpec> specs = List.of(
            TopicSpec.of("present-1", 1), TopicSpec.of("absent-1", 3), TopicSpec.anyPartitions("absent-2"));

        MissingTopicsException e = assertThrows(MissingTopicsException.class, () -> provisioner().ensure(specs, false));

        assertEquals(List.of("absent-1", "absent-2"), e.missingTopics());
        assertTrue(e.getMessage().contains("absent-1"), e.getMessage());
        assertTrue(e.getMessage().contains("absent-2"), e.getMessage());
        assertFalse(e.getMessage().contains("present-1"), e.getMessage());
        assertTrue(e.getMessage().contains("topics.auto-create=true"), "says how to fix: " + e.getMessage());
        assertTrue(e.getMessage().contains("--topic absent-1 --partitions 3"), e.getMessage());
        Set<String> topics = topics();
        assertFalse(topics.contains("absent-1") || topics.contains("absent-2"), "create=false created nothing");
    }

    @Test
    void wrongPartitionCountOfAnExistingTopicIsReported() throws Exception {
        KafkaTestClients.createTopic(broker.bootstrapServers(), "two-partitions", 2);
        KafkaTestClients.createTopic(broker.bootstrapServers(), "five-partitions", 5);
        List<TopicSpec> specs = List.of(TopicSpec.of("two-partitions", 3), TopicSpec.anyPartitions("five-partitions"),
            TopicSpec.of("new-one", 1));

        for (boolean create : new boolean[] {true, false}) {
            TopicProvisioningException e = assertThrows(TopicProvisioningException.class,
                () -> provisioner().ensure(specs, create));
            assertTrue(e.getMessage().contains("'two-partitions' has 2 partitions but needs exactly 3"),
                e.getMessage());
            assertFalse(e.getMessage().contains("five-partitions"), "no count required: " + e.getMessage());
            if (create) {
                PartitionCountMismatchException m = (PartitionCountMismatchException) e;
                assertEquals(List.of(new PartitionCountMismatchException.Mismatch("two-partitions", 3, 2)),
                    m.mismatches());
            } else {
                assertTrue(e instanceof MissingTopicsException, "new-one is missing too: " + e);
                assertEquals(List.of("new-one"), ((MissingTopicsException) e).missingTopics());
            }
        }
        assertEquals(2, partitions("two-partitions"), "an existing topic is never changed");
        assertFalse(topics().contains("new-one"), "nothing is created while an existing topic is unfit");
    }

    @Test
    void aTopicKafkaRefusesToCreateIsNamedInTheError() {
        TopicProvisioningException e = assertThrows(TopicProvisioningException.class, () -> provisioner().ensure(
            List.of(TopicSpec.of("bad-config", 1).withConfig("cleanup.policy", "shred")), true));
        assertTrue(e.getMessage().contains("bad-config"), e.getMessage());
    }

    @Test
    void unreachableKafkaTimesOut() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        try (Admin nowhere = KafkaTestClients.admin("localhost:" + deadPort)) {
            TopicProvisioner p = new TopicProvisioner(nowhere, Duration.ofSeconds(2));
            long t0 = System.nanoTime();
            TopicProvisioningException e = assertThrows(TopicProvisioningException.class,
                () -> p.ensure(List.of(TopicSpec.of("x", 1)), true));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            // What matters is that it gives up instead of hanging; the bound is generous for a loaded machine.
            System.out.println("unreachable Kafka: gave up after " + ms + " ms (timeout 2 s)");
            assertTrue(ms < 60_000, "gave up after " + ms + " ms");
            nowhere.close(Duration.ZERO);
        }
    }

    @Test
    @DisplayName("service start: topics.auto-create=false fails naming every missing topic; topics.partitions, "
            + "topics.replication-factor and topics.dlq reach the topics it creates")
    void serviceStartHonoursTheTopicKeys() throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of(
                "bootstrap.servers", broker.bootstrapServers(), "http.port", "0", "state.dir", tmp.resolve("svc").toString(),
                "model.input-dim", "3", "model.classes", "2", "model.hidden", "4"));
        List<String> names = List.of("svc.source", "svc.target", "svc.feedback", "svc.predictions", "svc.metrics",
                "svc.dead-letters", "svc.training", "svc.model", "svc.control");
        List<String> keys = List.of("topics.source", "topics.target", "topics.feedback", "topics.predictions",
                "topics.metrics", "topics.dlq", "topics.training", "topics.model", "topics.control");
        for (int i = 0; i < keys.size(); i++) {
            settings.put(keys.get(i), names.get(i));
        }
        settings.put("topics.auto-create", "false");

        // Given none of the topics exist, when the service starts with auto-create off, then it fails naming them all
        MissingTopicsException missing = assertThrows(MissingTopicsException.class,
                () -> KadaptService.start(KadaptConfig.of(settings), Duration.ofSeconds(30)).close());
        assertEquals(Set.copyOf(names), Set.copyOf(missing.missingTopics()), missing.getMessage());
        assertTrue(topics().stream().noneMatch(names::contains), "nothing created");

        // When it may create them with replication factor 2 on a one-broker cluster, then the broker refuses
        settings.put("topics.auto-create", "true");
        settings.put("topics.partitions", "3");
        settings.put("topics.replication-factor", "2");
        try (ClusterConnection cluster = ClusterConnection.open(KadaptConfig.of(settings))) {
            TopicProvisioningException refused = assertThrows(TopicProvisioningException.class,
                    () -> cluster.provisionTopics(Topics.from(KadaptConfig.of(settings))));
            assertTrue(refused.getMessage().contains("replication"), refused.getMessage());
        }
        // And with replication factor 1, inputs, predictions and the (named) dlq get 3 partitions; the metrics topic
        // (one trainer writes it, in step order), the training, model and control topics get one
        settings.put("topics.replication-factor", "1");
        try (ClusterConnection cluster = ClusterConnection.open(KadaptConfig.of(settings))) {
            cluster.provisionTopics(Topics.from(KadaptConfig.of(settings)));
        }
        for (String name : names) {
            boolean single = name.endsWith("metrics") || name.endsWith("training") || name.endsWith("model")
                    || name.endsWith("control");
            assertEquals(single ? 1 : 3, partitions(name), name);
            assertEquals(1, admin.describeTopics(List.of(name)).allTopicNames().get().get(name).partitions().get(0)
                    .replicas().size(), name);
        }
    }

    @Test
    void topicSpecRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> TopicSpec.of(" ", 1));
        assertThrows(IllegalArgumentException.class, () -> TopicSpec.of("t", 0));
        assertThrows(IllegalArgumentException.class, () -> new TopicSpec("t", 1, (short) 0, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> provisioner().ensure(
            List.of(TopicSpec.of("dup", 1), TopicSpec.of("dup", 2)), true));
        assertEquals(Map.of(), new TopicSpec("t", 1, (short) 1, null).configs());
    }
}
