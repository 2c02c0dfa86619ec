package io.kadapt.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.broker.EmbeddedKafkaBroker;
import io.kadapt.client.SampleProducer;
import io.kadapt.config.KadaptConfig;
import io.kadapt.stream.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kadapt reset} on a real broker: refused while an instance runs, then deletes exactly the app's state. */
@Tag("broker")
class ApplicationResetTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("refused while running; afterwards internal topics, group and local state go, inputs stay; restart is fresh")
    void resetStartsOver() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dir.resolve("broker"))) {
            KadaptConfig config = KadaptConfig.of(Map.of("bootstrap.servers", broker.bootstrapServers(),
                    "state.dir", dir.resolve("state").toString(), "http.port", "0", "model.input-dim", "3",
                    "model.classes", "2", "model.hidden", "8", "train.batch.source", "2", "train.batch.target", "2"));
            Topics topics = Topics.from(config);

            // Given a running instance that has trained
            try (KadaptService service = KadaptService.start(config, Duration.ofMinutes(2))) {
                try (SampleProducer producer = new SampleProducer(broker.bootstrapServers(), topics)) {
                    for (int i = 0; i < 8; i++) {
                        producer.source("s-" + i, new float[] {i, 1, -i}, i % 2);
                        producer.target("t-" + i, new float[] {-i, i, 1});
                    }
                }
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                while (service.metrics().modelStep() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertTrue(service.metrics().modelStep() > 0, "trained before the reset");

                // When a reset is asked for while it runs, then it is refused, naming the reason
                try (ClusterConnection cluster = ClusterConnection.open(config)) {
                    ApplicationReset.ApplicationRunningException refused = assertThrows(
                            ApplicationReset.ApplicationRunningException.class,
                            () -> ApplicationReset.plan(config, cluster));
                    assertTrue(refused.getMessage().contains("running member"), refused.getMessage());
                }
            }

            // When it is stopped and reset
            try (ClusterConnection cluster = ClusterConnection.open(config)) {
                ApplicationReset plan = ApplicationReset.plan(config, cluster);
                assertEquals(List.of("kadapt", "kadapt-trainer"), plan.groups(), "committed offsets exist");
                assertTrue(plan.internalTopics().contains("kadapt-trainer-kadapt-model-changelog"),
                        plan.internalTopics().toString());
                assertTrue(plan.internalTopics().containsAll(topics.internal()), plan.internalTopics().toString());
                assertTrue(plan.internalTopics().stream().allMatch(t -> t.startsWith("kadapt-")
                        || topics.internal().contains(t)), plan.toString());
                assertTrue(plan.localState().stream().allMatch(Files::exists) && !plan.localState().isEmpty(),
                        "local state found");
                plan.execute(cluster);

                // Then the app's state is gone and the inputs and outputs stay
                ApplicationReset after = ApplicationReset.plan(config, cluster);
                assertTrue(after.nothingToDo(), "nothing left: " + after);
                assertFalse(Files.exists(dir.resolve("state").resolve("kadapt")), "local state deleted");
                try (Admin admin = cluster.admin()) {
                    Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                    assertTrue(names.containsAll(topics.inputs()) && names.containsAll(topics.outputs()), names.toString());
                }
            }

            // And a restart begins over: the inputs are read again from their start, so every target is predicted a
            // second time (without the reset the committed offsets would skip them: 8, not 16, predictions)
            try (KadaptService service = KadaptService.start(config, Duration.ofMinutes(2))) {
                List<String> ids = new ArrayList<>();
                Map<String, Object> settings = Map.of("bootstrap.servers", broker.bootstrapServers(),
                        "group.id", "reset-test-reader", "auto.offset.reset", "earliest",
                        "isolation.level", "read_committed");
                try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(settings, new StringDeserializer(),
                        new StringDeserializer())) {
                    reader.subscribe(List.of(topics.predictions()));
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                    while (ids.size() < 16 && System.nanoTime() < deadline) {
                        reader.poll(Duration.ofMillis(200)).forEach(r -> ids.add(r.key()));
                    }
                    reader.poll(Duration.ofSeconds(1)).forEach(r -> ids.add(r.key()));
                }
                assertEquals(16, ids.size(), "each target predicted once before and once after the reset: " + ids);
                for (int i = 0; i < 8; i++) {
                    String id = "t-" + i;
                    assertEquals(2, ids.stream().filter(id::equals).count(), id + " in " + ids);
                }
            }
        }
    }
}
