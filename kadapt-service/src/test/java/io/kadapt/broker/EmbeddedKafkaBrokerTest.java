package io.kadapt.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One broker for the whole class (started on port 0); the restart test bounces it and leaves the new one running. */
@Tag("broker")
class EmbeddedKafkaBrokerTest {

    @TempDir
    static Path tmp;

    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        long t0 = System.nanoTime();
        broker = EmbeddedKafkaBroker.start(0, tmp.resolve("broker"));
        System.out.printf("embedded broker started on %s in %d ms%n",
            broker.bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void startsOnAFreePortAndCommitsATransaction() throws Exception {
        assertTrue(broker.port() > 0);
        assertEquals("localhost:" + broker.port(), broker.bootstrapServers());
        assertTrue(Files.exists(broker.dataDir().resolve("kafka-logs").resolve("meta.properties")),
            "storage formatted under the data dir");

        String topic = "tx-roundtrip";
        KafkaTestClients.createTopic(broker.bootstrapServers(), topic, 1);
        try (KafkaProducer<String, String> producer =
                 KafkaTestClients.transactionalProducer(broker.bootstrapServers(), Map.of())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "key", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "key", "committed"));
            producer.commitTransaction();
        }
        List<ConsumerRecord<String, String>> records =
            KafkaTestClients.consume(broker.bootstrapServers(), topic, 1, Duration.ofSeconds(30));
        assertEquals(1, records.size());
        assertEquals("key", records.get(0).key());
        assertEquals("committed", records.get(0).value(), "read_committed must skip the aborted record");
    }

    @Test
    void acceptsOneMebibyteRecordsWithHeaders() {
        String topic = "big-records";
        String value = "x".repeat(1024 * 1024);
        byte[] header = new byte[16 * 1024];
        try {
            KafkaTestClients.createTopic(broker.bootstrapServers(), topic, 1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        try (KafkaProducer<String, String> producer = KafkaTestClients.transactionalProducer(
            broker.bootstrapServers(), Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, EmbeddedKafkaBroker.MESSAGE_MAX_BYTES))) {
            producer.initTransactions();
            producer.beginTransaction();
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, "k", value);
            record.headers().add("blob", header).add("trace", "abc".getBytes(StandardCharsets.UTF_8));
            producer.send(record);
            producer.commitTransaction();
        }
        ConsumerRecord<String, String> back =
            KafkaTestClients.consume(broker.bootstrapServers(), topic, 1, Duration.ofSeconds(30)).get(0);
        assertEquals(value.length(), back.value().length());
        assertEquals(header.length, back.headers().lastHeader("blob").value().length);
    }

    @Test
    void runsKafkaStreamsWithExactlyOnceV2() throws Exception {
        String in = "eos-in";
        String out = "eos-out";
        KafkaTestClients.createTopic(broker.bootstrapServers(), in, 2);
        KafkaTestClients.createTopic(broker.bootstrapServers(), out, 2);

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, Consumed.with(Serdes.String(), Serdes.String()))
            .mapValues(v -> v.toUpperCase())
            .to(out, Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "eos-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("streams-state").toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);

        KafkaTestClients.produceCommitted(broker.bootstrapServers(), in, "a", "b", "c");
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            List<String> values = KafkaTestClients.consume(broker.bootstrapServers(), out, 3, Duration.ofSeconds(60))
                .stream().map(ConsumerRecord::value).sorted().toList();
            assertEquals(List.of("A", "B", "C"), values);
        }
    }

    @Test
    void aSecondBrokerOnTheSameDataDirIsRefusedBeforeItTouchesIt() throws Exception {
        BrokerStartException e = assertThrows(BrokerStartException.class,
            () -> EmbeddedKafkaBroker.start(0, broker.dataDir()));
        assertTrue(e.getMessage().contains("is in use by another running kadapt broker"), e.getMessage());
        try (Admin admin = KafkaTestClients.admin(broker.bootstrapServers())) {
            assertEquals(1, admin.describeCluster().nodes().get().size(), "the running broker is unharmed");
        }
    }

    @Test
    void restartOnTheSameDataDirKeepsTopicsAndCommittedRecords() throws Exception {
        String topic = "survives-restart";
        KafkaTestClients.createTopic(broker.bootstrapServers(), topic, 3);
        KafkaTestClients.produceCommitted(broker.bootstrapServers(), topic, "before-restart");

        int port = broker.port();
        Path dataDir = broker.dataDir();
        broker.close();
        broker.close(); // idempotent
        assertTrue(EmbeddedKafkaBroker.isPortFree(port), "close() releases the client port");

        long t0 = System.nanoTime();
        broker = EmbeddedKafkaBroker.start(port, dataDir);
        System.out.printf("embedded broker restarted on %s in %d ms%n",
            broker.bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);

        try (Admin admin = KafkaTestClients.admin(broker.bootstrapServers())) {
            assertTrue(admin.listTopics().names().get().contains(topic), "topic kept across the restart");
            assertEquals(3, admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size());
        }
        List<ConsumerRecord<String, String>> records =
            KafkaTestClients.consume(broker.bootstrapServers(), topic, 1, Duration.ofSeconds(30));
        assertEquals("before-restart", records.get(0).value());
        // And it still takes new transactions.
        KafkaTestClients.produceCommitted(broker.bootstrapServers(), topic, "after-restart");
        assertEquals(2, KafkaTestClients.consume(broker.bootstrapServers(), topic, 2, Duration.ofSeconds(30)).size());
    }
}
