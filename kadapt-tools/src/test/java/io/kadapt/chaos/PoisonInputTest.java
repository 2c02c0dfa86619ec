package io.kadapt.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kadapt.config.KadaptConfig;
import io.kadapt.service.KadaptService;
import io.kadapt.stream.Topics;
import io.kadapt.stream.dlq.DeadLetterRouter;
import io.kadapt.stream.dlq.RejectReason;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000+ bad records of every kind mixed into a good stream against the real service and broker: every bad record
 * is a dead letter with its reason, every good target is predicted, the stream thread is never replaced, and the
 * dead-letter counter on /metrics agrees with the topic.
 */
@Tag("chaos")
class PoisonInputTest {
    private static final int DIM = 4;
    private static final int CLASSES = 3;
    private static final int GOOD = 320;
    private static final int BAD_PER_GOOD = 32;
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir
    Path dataDir;

    @Test
    @DisplayName("10,240 poison records: all dead-lettered with the right reason, no good record lost, no thread replaced")
    void poisonIsDeadLetteredAndNothingGoodIsLost() throws Exception {
        KadaptConfig config = KadaptConfig.of(new HashMap<>(Map.of(
                "embedded.port", "0", "http.port", "0", "embedded.data-dir", dataDir.toString(),
                "model.input-dim", Integer.toString(DIM), "model.classes", Integer.toString(CLASSES),
                "model.hidden", "16", "train.batch.source", "16", "train.batch.target", "16")));
        Topics topics = Topics.from(config);
        try (KadaptService service = KadaptService.start(config, WAIT)) {
            // Watch the service's state the whole time: any thread failure shows as a state other than RUNNING
            ConcurrentLinkedQueue<KafkaStreams.State> states = new ConcurrentLinkedQueue<>();
            Thread watcher = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    states.add(service.state());
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            watcher.start();

            // Given a good stream with 32 bad records of every kind after each good pair
            Map<String, RejectReason> expected = new HashMap<>();
            long started = System.nanoTime();
            produce(service.bootstrapServers(), topics, expected);
            System.out.printf("poison: produced %d good + %d bad records in %d ms%n", 2 * GOOD, expected.size(),
                    (System.nanoTime() - started) / 1_000_000);

            // Then every good target is predicted once, and every bad record is a dead letter with its reason
            List<ConsumerRecord<String, byte[]>> predictions = awaitCommitted(service.bootstrapServers(),
                    topics.predictions(), GOOD);
            Set<String> predicted = new HashSet<>();
            predictions.forEach(p -> predicted.add(p.key()));
            assertEquals(GOOD, predictions.size(), "one prediction per good target");
            assertEquals(java.util.stream.IntStream.range(0, GOOD).mapToObj(i -> "t-" + i)
                    .collect(java.util.stream.Collectors.toSet()), predicted, "exactly the good targets are predicted");
            List<ConsumerRecord<String, byte[]>> dead = awaitCommitted(service.bootstrapServers(), topics.deadLetter(),
                    expected.size());
            System.out.printf("poison: all %d predictions and %d dead letters committed after %d ms%n", GOOD,
                    dead.size(), (System.nanoTime() - started) / 1_000_000);
            // Each bad record by its key: none missing, none twice, nothing else
            Map<String, Integer> timesDeadLettered = new HashMap<>();
            dead.forEach(record -> timesDeadLettered.merge(record.key(), 1, Integer::sum));
            List<String> missing = expected.keySet().stream().filter(k -> !timesDeadLettered.containsKey(k)).sorted()
                    .toList();
            List<String> twice = timesDeadLettered.entrySet().stream().filter(e -> e.getValue() > 1)
                    .map(e -> e.getKey() + " ×" + e.getValue()).sorted().toList();
            List<String> unexpected = timesDeadLettered.keySet().stream().filter(k -> !expected.containsKey(k)).sorted()
                    .toList();
            assertTrue(missing.isEmpty() && twice.isEmpty() && unexpected.isEmpty(), "each bad record dead-lettered "
                    + "exactly once: " + missing.size() + " missing " + missing.stream().limit(5).toList() + ", "
                    + twice.size() + " more than once " + twice.stream().limit(5).toList() + ", " + unexpected.size()
                    + " not bad " + unexpected.stream().limit(5).toList());
            assertEquals(expected.size(), dead.size());
            Map<RejectReason, Integer> perReason = new EnumMap<>(RejectReason.class);
            List<String> wrong = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : dead) {
                String reason = new String(record.headers().lastHeader(DeadLetterRouter.HEADER_REASON).value(),
                        StandardCharsets.UTF_8);
                RejectReason want = expected.get(record.key());
                if (want == null || !want.tag().equals(reason)) {
                    wrong.add(record.key() + ": " + reason + " (expected " + want + ")");
                }
                perReason.merge(RejectReason.valueOf(reason.toUpperCase()), 1, Integer::sum);
            }
            assertTrue(wrong.isEmpty(), wrong.size() + " dead letters with a wrong reason: " + wrong.stream().limit(5).toList());
            System.out.println("poison: dead letters by reason " + perReason);

            // And the service never left RUNNING nor replaced its stream thread, and /metrics agrees with the topic
            watcher.interrupt();
            watcher.join();
            assertTrue(states.stream().allMatch(s -> s == KafkaStreams.State.RUNNING), "states seen: " + new HashSet<>(states));
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + service.httpPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("StreamThread-1"), "thread-level Kafka Streams metrics are exported");
            assertFalse(metrics.contains("StreamThread-2"), "no replacement stream thread was started");
            for (RejectReason reason : RejectReason.values()) {
                assertEquals(perReason.getOrDefault(reason, 0), scrape(metrics, reason), "kadapt_dlq_records_total{reason=\""
                        + reason.tag() + "\"}");
            }
        }
    }

    /** Good samples s-i / t-i, each followed by a round of bad records whose expected reason is keyed by record key. */
    private static void produce(String bootstrap, Topics topics, Map<String, RejectReason> expected) {
        SplittableRandom random = new SplittableRandom(11);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "2000000"), new ByteArraySerializer(), new ByteArraySerializer())) {
            int n = 0;
            for (int i = 0; i < GOOD; i++) {
                send(producer, topics.source(), "s-" + i, "{\"id\":\"s-" + i + "\",\"features\":" + features(random, DIM)
                        + ",\"label\":" + random.nextInt(CLASSES) + "}");
                send(producer, topics.target(), "t-" + i, "{\"id\":\"t-" + i + "\",\"features\":" + features(random, DIM)
                        + "}");
                for (int b = 0; b < BAD_PER_GOOD; b++) {
                    Poison poison = poison(random, b, i);
                    String key = "bad-" + n++;
                    expected.put(key, poison.reason());
                    String topic = switch (poison.topic()) {
                        case 's' -> topics.source();
                        case 't' -> topics.target();
                        default -> topics.feedback();
                    };
                    producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), poison.value()));
                }
            }
            producer.flush();
        }
    }

    private record Poison(char topic, byte[] value, RejectReason reason) {
    }

    private static Poison poison(SplittableRandom random, int kind, int i) {
        String id = "\"id\":\"bad-" + i + "-" + kind + "\"";
        String f = features(random, DIM);
        return switch (kind % 16) {
            case 0 -> {
                byte[] bytes = new byte[1 + random.nextInt(200)];
                random.nextBytes(bytes);
                bytes[0] = (byte) 0xFF; // never valid UTF-8 JSON
                yield new Poison("stf".charAt(random.nextInt(3)), bytes, RejectReason.MALFORMED_JSON);
            }
            case 1 -> {
                String whole = "{" + id + ",\"features\":" + f + ",\"label\":1}";
                yield poison('s', whole.substring(0, 1 + random.nextInt(whole.length() - 1)), RejectReason.MALFORMED_JSON);
            }
            case 2 -> poison('t', "{" + id + ",\"features\":\"1,2,3,4\"}", RejectReason.MALFORMED_JSON);
            case 3 -> poison('s', "{" + id + ",\"features\":" + f + ",\"label\":\"two\"}", RejectReason.INVALID_LABEL);
            case 4 -> poison('t', "{" + id + ",\"features\":" + features(random, DIM + 1 + random.nextInt(5)) + "}",
                    RejectReason.WRONG_FEATURE_COUNT);
            case 5 -> poison('s', "{" + id + ",\"features\":[1.0,NaN,2.0,3.0],\"label\":0}", RejectReason.NON_FINITE_FEATURE);
            case 6 -> poison('t', "{" + id + ",\"features\":[1.0,2.0,-Infinity,3.0]}", RejectReason.NON_FINITE_FEATURE);
            case 7 -> random.nextBoolean()
                    ? poison('t', "{" + id + ",\"features\":[1e300,2.0,3.0,4.0]}", RejectReason.NON_FINITE_FEATURE)
                    : poison('t', "{" + id + ",\"features\":[1.0,-5e12,3.0,4.0]}", RejectReason.FEATURE_OUT_OF_RANGE);
            case 8 -> poison('s', i % 32 == 0 ? "{" + id + ",\"features\":" + features(random, 50_000) + ",\"label\":0}"
                    : "{" + id + ",\"features\":" + features(random, 2 + random.nextInt(2)) + ",\"label\":0}",
                    RejectReason.WRONG_FEATURE_COUNT);
            case 9 -> poison('t', "{\"features\":" + f + "}", RejectReason.MISSING_ID);
            case 10 -> poison('s', "{\"id\":\" \",\"features\":" + f + ",\"label\":1}", RejectReason.MISSING_ID);
            case 11 -> poison('s', "{" + id + ",\"features\":" + f + ",\"label\":" + (CLASSES + random.nextInt(100)) + "}",
                    RejectReason.LABEL_OUT_OF_RANGE);
            case 12 -> poison('f', "{" + id + ",\"label\":-1}", RejectReason.LABEL_OUT_OF_RANGE);
            case 13 -> poison('s', "{" + id + ",\"features\":" + f + ",\"label\":1.5}", RejectReason.INVALID_LABEL);
            case 14 -> poison('s', "{" + id + ",\"features\":" + f + "}", RejectReason.MISSING_LABEL);
            default -> random.nextBoolean() ? poison('t', "{" + id + ",\"features\":" + f + ",\"label\":1}",
                    RejectReason.UNEXPECTED_LABEL) : new Poison('s', null, RejectReason.MALFORMED_JSON);
        };
    }

    private static Poison poison(char topic, String json, RejectReason reason) {
        return new Poison(topic, json.getBytes(StandardCharsets.UTF_8), reason);
    }

    private static String features(SplittableRandom random, int count) {
        StringBuilder json = new StringBuilder("[");
        for (int j = 0; j < count; j++) {
            json.append(j == 0 ? "" : ",").append((float) (random.nextDouble() * 4 - 2));
        }
        return json.append(']').toString();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, String json) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<ConsumerRecord<String, byte[]>> awaitCommitted(String bootstrap, String topic, int count)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<ConsumerRecord<String, byte[]>> records = CommittedLog.readAll(bootstrap, topic, WAIT);
            if (records.size() >= count || System.nanoTime() > deadline) {
                Thread.sleep(500); // anything beyond count would be a duplicate: give it a moment to show
                return CommittedLog.readAll(bootstrap, topic, WAIT);
            }
            Thread.sleep(500);
        }
    }

    private static int scrape(String metrics, RejectReason reason) {
        Matcher m = Pattern.compile("^kadapt_dlq_records_total\\{reason=\"" + reason.tag() + "\"} (\\S+)$",
                Pattern.MULTILINE).matcher(metrics);
        return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
    }
}
