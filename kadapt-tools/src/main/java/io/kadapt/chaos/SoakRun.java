package io.kadapt.chaos;

import io.kadapt.bench.MachineInfo;
import io.kadapt.client.SampleProducer;
import io.kadapt.config.KadaptConfig;
import io.kadapt.demo.DemoFeed;
import io.kadapt.demo.DomainShiftStream;
import io.kadapt.stream.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code kadapt bench soak}: a broker child and {@code kadapt run} as a child JVM, the demo's domain-shift stream
 * produced from this JVM at a steady rate (with late feedback labels), and every few seconds the service's input lag,
 * resident set, live heap and error counters.
 *
 * <p>kadapt runs in a process of its own so that its resident set is its own (not the producer's and sampler's) and
 * it is exactly what {@code kadapt run} deploys. Its heap is fixed and touched at start ({@code -Xms = -Xmx},
 * {@code AlwaysPreTouch}): the resident set then moves only with native memory — ND4J buffers, RocksDB, threads —
 * where a leak would show.
 */
public final class SoakRun {
    static final String APPLICATION_ID = "kadapt-soak";
    private static final int FEEDBACK_DELAY = 50;
    private static final long SEED = 1;
    /** How long kadapt may take to catch up once the stream stops; generous for a loaded machine. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);
    /** simplelogger's line: {@code HH:mm:ss.SSS [thread] LEVEL logger - message}. */
    private static final Pattern ERROR_LINE = Pattern.compile("^\\S+ \\[[^]]*] ERROR ");

    private final Path workDir;
    private final SoakSettings settings;
    private final PrintStream log;
    private final Topics topics = Topics.from(KadaptConfig.of(Map.of()));

    public SoakRun(Path workDir, SoakSettings settings, PrintStream log) {
        this.workDir = workDir;
        this.settings = settings;
        this.log = log;
    }

    public SoakReport run() throws InterruptedException {
        try (ChaosHarness harness = ChaosHarness.start(workDir, log);
             KadaptProcess kadapt = KadaptProcess.launch(jvm(), arguments(harness.bootstrapServers()), kadaptLog());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.bootstrapServers()));
             SampleProducer producer = new SampleProducer(harness.bootstrapServers(), topics)) {
            kadapt.awaitRunning(ChaosHarness.START_TIMEOUT);
            log.printf("soak: kadapt pid %d RUNNING; producing %.0f samples/s per domain of %d features for %s%n",
                    kadapt.jvm().pid(), settings.rate(), settings.features(), settings.duration());
            DemoFeed feed = new DemoFeed(producer, new DomainShiftStream(SEED, 35, settings.features()),
                    settings.rate(), FEEDBACK_DELAY);
            Thread feeder = new Thread(feed, "soak-producer");
            List<SoakSample> samples = new ArrayList<>();
            long started = System.nanoTime();
            feeder.start();
            try {
                long every = settings.sampleEvery().toNanos();
                for (long next = started; next - started <= settings.duration().toNanos(); next += every) {
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        Thread.sleep(sleep / 1_000_000);
                    }
                    SoakSample sample = sample(admin, kadapt, started);
                    samples.add(sample);
                    log.printf("soak: t=%4.0f s lag %d, RSS %.0f MiB, live heap %.1f MiB, predictions %d, step %d, "
                                    + "dead letters %d, thread replacements %d, ERROR lines %d%s%n", sample.seconds(),
                            sample.lag(), sample.rssMb(), sample.liveHeapMb(), sample.predictions(), sample.modelStep(),
                            sample.deadLetters(), sample.threadReplacements(), sample.errorLines(),
                            sample.ready() ? "" : ", NOT READY");
                }
            } finally {
                feed.stop();
                feeder.join(10_000);
            }
            SoakSample drained = drain(admin, kadapt, started);
            Duration exit = kadapt.jvm().terminate(ChaosHarness.SIGTERM_GRACE);
            log.printf("soak: %d samples per domain sent in %.0f s; kadapt stopped by SIGTERM in %s%n", feed.sent(),
                    (System.nanoTime() - started) / 1e9,
                    exit == null ? "more than " + ChaosHarness.SIGTERM_GRACE : exit.toMillis() + " ms");
            return new SoakReport(settings, samples, MachineInfo.loadAverages(), drained, feed.sent());
        }
    }

    /** Samples every half second after the stream stopped until kadapt has committed all input (or the timeout). */
    private SoakSample drain(Admin admin, KadaptProcess kadapt, long started) throws InterruptedException {
        long stopped = System.nanoTime();
        SoakSample sample = sample(admin, kadapt, started);
        while (sample.lag() > 0 && System.nanoTime() - stopped < DRAIN_TIMEOUT.toNanos()) {
            Thread.sleep(500);
            sample = sample(admin, kadapt, started);
        }
        log.printf("soak: after the stream stopped: lag %d, %d predictions, %.1f s to drain%n", sample.lag(),
                sample.predictions(), (System.nanoTime() - stopped) / 1e9);
        return sample;
    }

    private List<String> jvm() {
        return List.of("-Xms" + settings.heap(), "-Xmx" + settings.heap(), "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC");
    }

    private List<String> arguments(String bootstrap) {
        Map<String, String> set = new LinkedHashMap<>();
        set.put("application.id", APPLICATION_ID);
        set.put("state.dir", workDir.resolve("soak-state").toString());
        set.put("model.input-dim", Integer.toString(settings.features()));
        set.put("model.classes", Integer.toString(DomainShiftStream.CLASSES));
        set.putAll(settings.kadapt());
        return KadaptProcess.runArguments(bootstrap, set);
    }

    private Path kadaptLog() {
        return workDir.resolve("kadapt-soak.log");
    }

    /** One sample, timed when the lag was read (reading it can take seconds on a loaded machine). */
    private SoakSample sample(Admin admin, KadaptProcess kadapt, long started) {
        if (!kadapt.jvm().alive()) {
            throw new IllegalStateException("kadapt exited with " + kadapt.jvm().exitValue() + "; stderr tail:\n"
                    + kadapt.jvm().logTail(40));
        }
        long lag = lag(admin);
        double seconds = (System.nanoTime() - started) / 1e9;
        MetricsScrape metrics = kadapt.scrape();
        return new SoakSample(seconds, lag, residentMb(kadapt.jvm().pid()),
                metrics.require("jvm_gc_live_data_size_bytes") / 1048576.0,
                (long) metrics.require("kadapt_predictions_total"), (long) metrics.require("kadapt_model_step"),
                (long) metrics.require("kadapt_dlq_records_total"), (long) metrics.require(ChaosHarness.THREAD_REPLACEMENTS),
                (long) metrics.require("kadapt_training_steps_skipped_total"), errorLines(), kadapt.ready());
    }

    /**
     * Produced minus committed offsets of kadapt's group, over every partition of its input topics (kadapt creates
     * them with {@code topics.partitions} partitions each).
     */
    private long lag(Admin admin) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APPLICATION_ID)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (var topic : admin.describeTopics(topics.inputs()).allTopicNames().get().values()) {
                topic.partitions().forEach(partition -> latest.put(new TopicPartition(topic.name(),
                        partition.partition()), OffsetSpec.latest()));
            }
            long lag = 0;
            for (var end : admin.listOffsets(latest).all().get().entrySet()) {
                OffsetAndMetadata position = committed.get(end.getKey());
                lag += end.getValue().offset() - (position == null ? 0 : position.offset());
            }
            return lag;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the lag of " + APPLICATION_ID, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private long errorLines() {
        try (Stream<String> lines = Files.lines(kadaptLog(), StandardCharsets.UTF_8)) {
            return lines.filter(line -> ERROR_LINE.matcher(line).find()).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** VmRSS of a process, from /proc/PID/status. */
    static double residentMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
