package io.kadapt.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.broker.EmbeddedKafkaBroker;
import io.kadapt.broker.SaslPlain;
import io.kadapt.client.SampleProducer;
import io.kadapt.config.KadaptConfig;
import io.kadapt.stream.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kadapt on a secured cluster (SASL/PLAIN, ACLs enforced by Kafka's KRaft authorizer), granted exactly the ACLs
 * README lists: the full path runs under exactly_once_v2; a wrong password and a missing ACL fail fast and say why.
 */
@Tag("broker")
class SecuredClusterTest {
    private static final String APP = "kadapt-secured";
    private static final SaslPlain SECURITY = new SaslPlain("admin", Map.of("admin", "admin-secret",
            "kadapt", "kadapt-secret", "partial", "partial-secret"));
    private static final Topics TOPICS = new Topics("sec.source", "sec.target", "sec.feedback", "sec.control",
            "sec.predictions", "sec.metrics", "sec.dlq", "sec.training", "sec.model");

    @TempDir
    static Path dir;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.startSecured(0, dir.resolve("broker"), SECURITY);
        try (Admin admin = Admin.create(adminSettings())) {
            List<NewTopic> topics = new ArrayList<>();
            TOPICS.inputs().forEach(t -> topics.add(new NewTopic(t, 1, (short) 1)));
            TOPICS.outputs().forEach(t -> topics.add(new NewTopic(t, 1, (short) 1)));
            TOPICS.internal().forEach(t -> topics.add(new NewTopic(t, 1, (short) 1)));
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            admin.createAcls(readmeAcls("kadapt")).all().get(30, TimeUnit.SECONDS);
            List<AclBinding> partial = new ArrayList<>(readmeAcls("partial"));
            partial.removeIf(b -> b.pattern().resourceType() == ResourceType.GROUP);
            admin.createAcls(partial).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** The ACLs README's "Secured clusters" section tells an operator to grant, for {@code user}. */
    static List<AclBinding> readmeAcls(String user) {
        List<AclBinding> acls = new ArrayList<>();
        TOPICS.inputs().forEach(t -> acls.add(allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.READ)));
        TOPICS.outputs().forEach(t -> acls.add(allow(user, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.WRITE)));
        for (String topic : TOPICS.inputs()) {
            acls.add(allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        for (String topic : TOPICS.outputs()) {
            acls.add(allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.DESCRIBE));
        }
        // kadapt's own topics between its prediction path and its trainer: written and read.
        for (String topic : TOPICS.internal()) {
            for (AclOperation operation : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE)) {
                acls.add(allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, operation));
            }
        }
        // Internal topics (changelogs), the consumer groups and the transactional ids all start with application.id.
        acls.add(allow(user, ResourceType.TOPIC, APP, PatternType.PREFIXED, AclOperation.ALL));
        acls.add(allow(user, ResourceType.GROUP, APP, PatternType.PREFIXED, AclOperation.READ));
        acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, APP, PatternType.PREFIXED, AclOperation.WRITE));
        acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, APP, PatternType.PREFIXED, AclOperation.DESCRIBE));
        return acls;
    }

    private static AclBinding allow(String user, ResourceType type, String name, PatternType pattern, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
    }

    private static Map<String, Object> adminSettings() {
        Map<String, Object> settings = new HashMap<>(SECURITY.clientSettings("admin"));
        settings.put("bootstrap.servers", broker.bootstrapServers());
        return settings;
    }

    private static KadaptConfig config(String user, String password) {
        Map<String, String> settings = new HashMap<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
                "application.id", APP, "state.dir", dir.resolve("state-" + user + "-" + password).toString(),
                "http.port", "0", "model.input-dim", "3", "model.classes", "2", "model.hidden", "8",
                "train.batch.source", "2", "train.batch.target", "2"));
        settings.putAll(Map.of("topics.source", TOPICS.source(), "topics.target", TOPICS.target(),
                "topics.feedback", TOPICS.feedback(), "topics.predictions", TOPICS.predictions(),
                "topics.metrics", TOPICS.metrics(), "topics.dlq", TOPICS.deadLetter(),
                "topics.training", TOPICS.training(), "topics.model", TOPICS.model(), "topics.control",
                TOPICS.control()));
        SaslPlain.clientSettings(user, password).forEach((k, v) -> settings.put("kafka." + k, v.toString()));
        return KadaptConfig.of(settings);
    }

    @Test
    @DisplayName("with the README's ACLs: every target predicted once, committed under exactly_once_v2")
    void runsWithTheDocumentedAcls() throws Exception {
        try (KadaptService service = KadaptService.start(config("kadapt", "kadapt-secret"), Duration.ofMinutes(2))) {
            Map<String, Object> producer = new HashMap<>();
            SECURITY.clientSettings("admin").forEach(producer::put);
            try (SampleProducer samples = new SampleProducer(broker.bootstrapServers(), TOPICS, producer)) {
                for (int i = 0; i < 6; i++) {
                    samples.source("s-" + i, new float[] {i, 1, -i}, i % 2);
                    samples.target("t-" + i, new float[] {-i, i, 1});
                }
            }
            Map<String, Object> consumer = new HashMap<>(adminSettings());
            consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumer.put(ConsumerConfig.GROUP_ID_CONFIG, "secured-reader");
            List<String> ids = new ArrayList<>();
            try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(consumer, new StringDeserializer(),
                    new StringDeserializer())) {
                reader.subscribe(List.of(TOPICS.predictions()));
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (ids.size() < 6 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(500))) {
                        ids.add(record.key());
                    }
                }
            }
            Set<String> distinct = new HashSet<>(ids);
            assertEquals(6, ids.size(), "6 committed predictions: " + ids);
            assertEquals(6, distinct.size(), "none twice: " + ids);
        }
    }

    @Test
    @DisplayName("a wrong password fails the start within seconds, saying authentication failed")
    void wrongPasswordFailsFast() {
        long started = System.nanoTime();
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> KadaptService.start(config("kadapt", "not-the-password"), Duration.ofMinutes(2)));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        System.out.println("wrong password failed after " + seconds + " s: " + failure.getMessage());
        assertTrue(failure.getMessage().toLowerCase().contains("authentication"), failure.getMessage());
        assertTrue(!failure.getMessage().contains("not-the-password"), "the password is not quoted");
        assertTrue(seconds < 60, "fails fast, not a retry loop: " + seconds + " s");
    }

    @Test
    @DisplayName("a missing ACL (no READ on the group) fails the start, naming the resource and the operation")
    void missingAclNamesResourceAndOperation() {
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> KadaptService.start(config("partial", "partial-secret"), Duration.ofMinutes(2)));
        System.out.println("missing ACL: " + failure.getMessage());
        assertTrue(failure.getMessage().contains(APP) && failure.getMessage().toLowerCase().contains("group"),
                failure.getMessage());
    }
}
