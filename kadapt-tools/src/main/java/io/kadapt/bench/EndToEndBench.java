package io.kadapt.bench;

import io.kadapt.broker.EmbeddedKafkaBroker;
import io.kadapt.client.SampleProducer;
import io.kadapt.config.KadaptConfig;
import io.kadapt.metrics.AdaptationMetrics;
import io.kadapt.service.ClusterConnection;
import io.kadapt.service.KadaptService;
import io.kadapt.service.StreamsProperties;
import io.kadapt.stream.AdaptationSettings;
import io.kadapt.stream.Topics;
import io.kadapt.stream.dlq.RejectReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.concurrent.TimeUnit;
import io.kadapt.config.ConfigKey;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Producer → broker → Kafka Streams → committed prediction, in this JVM with an embedded broker: the max rate of
 * kadapt (training on) against a pass-through topology on the same serdes and topics (input produced first, the rate
 * taken from the first committed prediction to the last), then kadapt at half its max rate, with
 * train.steps-per-batch 8 and 1 and with training paused (the prediction path alone, beside an idle trainer: what
 * the trainer's CPU costs the predictions on this machine), for the latency distribution (target record sent → prediction visible to a
 * read_committed consumer), kadapt's own timers and the memory trend. RSS is this JVM's, so it includes the broker,
 * the producer and the reader.
 */
final class EndToEndBench {

    /** What one max-rate run measured: input records (both domains) and target predictions per second. */
    record MaxRate(double recordsPerSecond, double targetsPerSecond, double megabytesPerSecond, int targets) {
    }

    /**
     * One run at half the max rate: end-to-end latency, kadapt's own timers, trainer progress, memory.
     *
     * @param label the run's column in the report
     */
    record HalfRateRun(String label, int stepsPerBatch, double recordsPerSecond, Samples latencyMs, int count,
                       double predictorP99Ms, double freshnessP50Ms, double freshnessP99Ms, double stepsPerSecond,
                       double trainedPerSecond, double shed, double trainerLagSeconds, List<double[]> memory,
                       double peakRssMb, double heapAfterGcMb) {
    }

    record Result(MaxRate passThrough, MaxRate kadapt, List<HalfRateRun> halfRate, long modelSteps,
                  int predictionThreads, Map<String, String> config) {
        double passThroughRecordsPerSecond() {
            return passThrough.recordsPerSecond();
        }

        double kadaptRecordsPerSecond() {
            return kadapt.recordsPerSecond();
        }
    }

    private final PerfSettings settings;
    private final PrintStream log;
    private final float[][] pool;
    /** {@link #serviceConfig()} with the run's {@code --set} keys on top. */
    private final Map<String, String> service;

    EndToEndBench(PerfSettings settings, PrintStream log, Map<String, String> overrides) {
        this.settings = settings;
        this.log = log;
        this.service = serviceConfig(overrides);
        Random random = new Random(5);
        pool = new float[64][400];
        for (float[] row : pool) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
    }

    /** The kadapt configuration of the end-to-end runs, apart from the broker and topic names. */
    static Map<String, String> serviceConfig() {
        return Map.of("model.input-dim", "400", "model.classes", "2", "http.port", "0");
    }

    /** {@link #serviceConfig()} with {@code overrides} (a run's {@code --set} keys) on top. */
    static Map<String, String> serviceConfig(Map<String, String> overrides) {
        Map<String, String> keys = new TreeMap<>(serviceConfig());
        keys.putAll(overrides);
        return Map.copyOf(keys);
    }

    Result run() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("kadapt-perf-");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dir.resolve("broker"))) {
            KadaptConfig pass = config(broker, dir, "pass", Map.of());
            AdaptationSettings passSettings = AdaptationSettings.from(pass);
            MaxRate passRate;
            try (PredictionWatch watch = produceFirst(pass, "pass")) {
                KafkaStreams streams = new KafkaStreams(PassThroughTopology.build(passSettings),
                        StreamsProperties.from(pass, StreamsProperties.Role.PREDICTION, broker.bootstrapServers(),
                                dir.resolve("state-pass"),
                                new AdaptationMetrics(new SimpleMeterRegistry(), RejectReason.tags())));
                try {
                    streams.start();
                    passRate = watch.rate(settings.e2eRecords());
                } finally {
                    streams.close(Duration.ofSeconds(30));
                }
            }
            log.printf("kadapt bench perf: pass-through %.0f records/s (%.0f targets/s, %.1f MB/s)%n",
                    passRate.recordsPerSecond(), passRate.targetsPerSecond(), passRate.megabytesPerSecond());

            KadaptConfig kadapt = config(broker, dir, "kadapt", Map.of());
            MaxRate rate;
            List<HalfRateRun> halves = new ArrayList<>();
            long modelSteps;
            try (PredictionWatch watch = produceFirst(kadapt, "max");
                 KadaptService service = KadaptService.start(kadapt, Duration.ofSeconds(120))) {
                rate = watch.rate(settings.e2eRecords());
                log.printf("kadapt bench perf: kadapt %.0f records/s (%.0f targets/s); now %s at half rate%n",
                        rate.recordsPerSecond(), rate.targetsPerSecond(), settings.duration());
                int stepsPerBatch = kadapt.positiveInteger(ConfigKey.TRAIN_STEPS_PER_BATCH);
                halves.add(halfRate("steps-per-batch " + stepsPerBatch, broker.bootstrapServers(),
                        Topics.from(kadapt), rate.recordsPerSecond() / 2, service, stepsPerBatch,
                        samplesPerBatch(kadapt)));
                modelSteps = service.metrics().modelStep();
            }
            // The same half rate with one step per batch: predictions must not care how much the trainer does.
            KadaptConfig oneStep = config(broker, dir, "onestep", Map.of("train.steps-per-batch", "1"));
            try (KadaptService service = KadaptService.start(oneStep, Duration.ofSeconds(120))) {
                log.printf("kadapt bench perf: train.steps-per-batch=1, %s at the same half rate%n",
                        settings.duration());
                halves.add(halfRate("steps-per-batch 1", broker.bootstrapServers(), Topics.from(oneStep),
                        rate.recordsPerSecond() / 2, service, 1, samplesPerBatch(oneStep)));
            }
            // And with training paused: the same service and rate, the trainer idle. The difference to the runs above
            // is what the trainer's CPU costs the prediction path on this machine.
            KadaptConfig paused = config(broker, dir, "paused", Map.of());
            try (KadaptService service = KadaptService.start(paused, Duration.ofSeconds(120))) {
                pauseTraining(Topics.from(paused), service);
                log.printf("kadapt bench perf: training paused, %s at the same half rate%n", settings.duration());
                halves.add(halfRate("training paused", broker.bootstrapServers(), Topics.from(paused),
                        rate.recordsPerSecond() / 2, service, paused.positiveInteger(ConfigKey.TRAIN_STEPS_PER_BATCH),
                        samplesPerBatch(paused)));
            }
            return new Result(passRate, rate, halves, modelSteps, StreamsProperties.predictionThreads(kadapt),
                    new TreeMap<>(service));
        }
    }

    private KadaptConfig config(EmbeddedKafkaBroker broker, Path dir, String name, Map<String, String> overrides) {
        Map<String, String> keys = new HashMap<>(service);
        keys.putAll(overrides);
        keys.put("bootstrap.servers", broker.bootstrapServers());
        keys.put("application.id", "perf-" + name);
        keys.put("state.dir", dir.resolve("state-" + name).toString());
        for (String topic : List.of("source", "target", "feedback", "predictions", "metrics", "dlq", "training",
                "model")) {
            keys.put("topics." + topic, "perf-" + name + "." + topic);
        }
        return KadaptConfig.of(keys);
    }

    /**
     * Creates the topics and puts {@code e2eRecords} per domain on them before anything consumes them, so the
     * producer's own cost is outside the measurement; returns the watch on the predictions to come.
     */
    private PredictionWatch produceFirst(KadaptConfig config, String phase) {
        Topics topics = Topics.from(config);
        try (ClusterConnection cluster = ClusterConnection.open(config)) {
            cluster.provisionTopics(topics);
        }
        int n = settings.e2eRecords();
        long bytes = 0;
        String bootstrap = config.required(ConfigKey.BOOTSTRAP_SERVERS);
        try (SampleProducer producer = new SampleProducer(bootstrap, topics)) {
            for (int i = 0; i < n; i++) {
                String source = SampleProducer.sourceJson(phase + "-s-" + i, pool[i % pool.length], i % 2);
                String target = SampleProducer.targetJson(phase + "-t-" + i, pool[(i * 7 + 3) % pool.length]);
                bytes += source.length() + target.length();
                producer.sendSource(phase + "-s-" + i, source);
                producer.sendTarget(phase + "-t-" + i, target);
            }
            producer.flush();
        }
        return new PredictionWatch(bootstrap, topics.predictions(), phase + "-t-", bytes);
    }

    /** Sends a {@code pause} control command and waits until the trainer has applied it. */
    private static void pauseTraining(Topics topics, KadaptService service) throws InterruptedException {
        String bootstrap = service.bootstrapServers();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(topics.control(), "bench-pause",
                    "{\"id\":\"bench-pause\",\"command\":\"pause\",\"by\":\"bench e2e\"}")).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not send the pause command", e.getCause());
        }
        MeterRegistry registry = service.metrics().registry();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (registry.get("kadapt.training.paused").gauge().value() < 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the trainer did not apply the pause command within 60 s");
            }
            Thread.sleep(100);
        }
    }

    /**
     * @param label           the run's column in the report
     * @param samplesPerBatch source + target samples a fresh batch trains on
     */
    private HalfRateRun halfRate(String label, String bootstrap, Topics topics, double recordsPerSecond, KadaptService service,
                                 int stepsPerBatch, int samplesPerBatch) throws InterruptedException {
        MeterRegistry registry = service.metrics().registry();
        double stepsBefore = counter(registry, "kadapt.training.steps");
        double shedBefore = counter(registry, "kadapt.trainer.shed.samples");
        long started = System.nanoTime();
        Map<String, Long> sent = new ConcurrentHashMap<>();
        List<double[]> memory = new ArrayList<>(); // seconds, RSS MB, heap used MB
        long intervalNanos = (long) (2e9 / recordsPerSecond); // one source + one target per interval
        long start = System.nanoTime();
        long end = start + settings.duration().toNanos();
        int i = 0;
        try (PredictionWatch watch = new PredictionWatch(bootstrap, topics.predictions(), "half-t-");
             SampleProducer producer = new SampleProducer(bootstrap, topics)) {
            long nextSample = start;
            long next = start;
            while (next < end) {
                long now = System.nanoTime();
                if (now < next) {
                    Thread.sleep(Math.min(50, (next - now) / 1_000_000), (int) ((next - now) % 1_000_000));
                    continue;
                }
                producer.source("half-s-" + i, pool[i % pool.length], i % 2);
                String id = "half-t-" + i;
                sent.put(id, System.nanoTime());
                producer.target(id, pool[(i * 7 + 3) % pool.length]);
                producer.flush(); // latency from the send, not from a linger
                i++;
                next += intervalNanos;
                if (now >= nextSample) {
                    memory.add(new double[] {(now - start) / 1e9, Memory.rssMb(), Memory.heapUsedMb()});
                    nextSample = now + 1_000_000_000L;
                }
            }
            watch.awaitCount(i, Duration.ofMinutes(2));
            double[] latencies = new double[i];
            int count = 0;
            for (Map.Entry<String, Long> arrival : watch.arrivals().entrySet()) {
                Long sentAt = sent.get(arrival.getKey());
                if (sentAt != null) {
                    latencies[count++] = (arrival.getValue() - sentAt) / 1e6;
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double steps = counter(registry, "kadapt.training.steps") - stepsBefore;
            System.gc();
            double heapAfterGc = Memory.heapUsedMb();
            return new HalfRateRun(label, stepsPerBatch, recordsPerSecond, Samples.of(java.util.Arrays.copyOf(latencies,
                    count)), count, percentileMs(registry, "kadapt.predictor.processing", 0.99),
                    percentileMs(registry, "kadapt.model.freshness", 0.5),
                    percentileMs(registry, "kadapt.model.freshness", 0.99), steps / seconds,
                    steps / stepsPerBatch * samplesPerBatch / seconds,
                    counter(registry, "kadapt.trainer.shed.samples") - shedBefore,
                    registry.get("kadapt.trainer.lag.seconds").gauge().value(), memory, Memory.peakRssMb(),
                    heapAfterGc);
        }
    }

    private static int samplesPerBatch(KadaptConfig config) {
        return config.positiveInteger(ConfigKey.TRAIN_BATCH_SOURCE) + config.positiveInteger(ConfigKey.TRAIN_BATCH_TARGET);
    }

    private static double counter(MeterRegistry registry, String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** A percentile kadapt's own timer published, in ms (the service's timers since its start). */
    private static double percentileMs(MeterRegistry registry, String name, double percentile) {
        for (ValueAtPercentile value : registry.get(name).timer().takeSnapshot().percentileValues()) {
            if (Math.abs(value.percentile() - percentile) < 1e-9) {
                return value.value(TimeUnit.MILLISECONDS);
            }
        }
        return Double.NaN;
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pass-through topology not RUNNING: " + streams.state());
            }
            Thread.sleep(50);
        }
    }

    /** A read_committed consumer on every partition of the predictions topic, recording when each id arrives. */
    private static final class PredictionWatch implements AutoCloseable {
        private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
        private final AtomicLong lastArrival = new AtomicLong();
        private final AtomicLong firstArrival = new AtomicLong();
        private final long inputBytes;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        PredictionWatch(String bootstrap, String topic, String idPrefix) {
            this(bootstrap, topic, idPrefix, 0);
        }

        /** @param inputBytes JSON bytes of the input records already produced, for the MB/s of {@link #rate} */
        PredictionWatch(String bootstrap, String topic, String idPrefix, long inputBytes) {
            this.inputBytes = inputBytes;
            KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                    new StringDeserializer());
            consumer.assign(consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList());
            consumer.seekToBeginning(consumer.assignment());
            thread = new Thread(() -> {
                try (consumer) {
                    while (running.get()) {
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(20))) {
                            long now = System.nanoTime();
                            if (record.key() != null && record.key().startsWith(idPrefix)) {
                                arrivals.putIfAbsent(record.key(), now);
                                firstArrival.compareAndSet(0, now);
                                lastArrival.set(now);
                            }
                        }
                    }
                }
            }, "perf-prediction-watch");
            thread.setDaemon(true);
            thread.start();
        }

        long awaitCount(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (arrivals.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + arrivals.size() + " of " + count
                            + " predictions committed within " + timeout);
                }
                Thread.sleep(5);
            }
            return lastArrival.get();
        }

        /**
         * Waits for {@code targets} predictions of input produced beforehand: the rate is from the first committed
         * prediction to the last, so neither the producer nor the application's start is in it.
         */
        MaxRate rate(int targets) throws InterruptedException {
            long last = awaitCount(targets, Duration.ofMinutes(10));
            double seconds = (last - firstArrival.get()) / 1e9;
            return new MaxRate(2.0 * targets / seconds, targets / seconds, inputBytes / 1e6 / seconds, targets);
        }

        Map<String, Long> arrivals() {
            return arrivals;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }

    /** This JVM's memory: resident set from /proc, heap from the memory bean. */
    static final class Memory {
        private Memory() {
        }

        static double rssMb() {
            return procStatusMb("VmRSS:");
        }

        static double peakRssMb() {
            return procStatusMb("VmHWM:");
        }

        static double heapUsedMb() {
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
        }

        private static double procStatusMb(String field) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith(field)) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
            return Double.NaN;
        }
    }
}
