package io.kadapt.chaos;

import io.kadapt.broker.StandaloneBroker;
import io.kadapt.broker.TopicProvisioner;
import io.kadapt.broker.TopicSpec;
import io.kadapt.cli.KadaptCli;
import io.kadapt.demo.DomainShiftStream;
import io.kadapt.stream.Topics;
import io.kadapt.stream.serde.JsonCodec;
import io.kadapt.stream.serde.PredictionMessage;
import io.kadapt.stream.serde.StepMetricsMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Crash loops against real processes: a {@link StandaloneBroker} child, a fixed seeded input produced before any
 * kadapt starts, then kadapt ({@code kadapt run}) as a child JVM that is stopped at random points of the stream and
 * restarted until every target sample is predicted and every full batch trained. Each run has its own application
 * id, state directory and output topics, so an uninterrupted reference run and crash runs share one broker and one
 * input and can be compared bit for bit.
 */
public final class ChaosHarness implements AutoCloseable {
    /**
     * More than one, so the crash loop covers replay steps too; set explicitly so the verifier knows it. Four, not
     * the shipped eight: the loop's kill points and run timeout were sized for four steps per batch, and replay
     * with eight exercises no other code.
     */
    static final int STEPS_PER_BATCH = 4;

    /** The child's banner once Kafka Streams is RUNNING (see {@code ServiceBanner}). */
    static final String RUNNING_LINE = "kadapt: running.";
    static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    /** SIGTERM must finish well inside a container's grace period; RunCommand closes within 10 s. */
    static final Duration SIGTERM_GRACE = Duration.ofSeconds(30);
    private static final int INPUT_DIM = DomainShiftStream.FEATURES;
    private static final int CLASSES = DomainShiftStream.CLASSES;
    private static final int MAX_KILL_JITTER_MS = 100;

    private final Path workDir;
    private final PrintStream log;
    private final int brokerPort;
    private final String bootstrap;
    private final Topics inputTopics = new Topics("chaos.source", "chaos.target", "chaos.feedback", "-", "-", "-");
    private ChildJvm broker;
    private int brokerStarts;
    private ChaosInput input;

    private ChaosHarness(Path workDir, PrintStream log, int brokerPort) {
        this.workDir = workDir;
        this.log = log;
        this.brokerPort = brokerPort;
        this.bootstrap = "localhost:" + brokerPort;
    }

    /** Starts the broker child on a free port with its data under {@code workDir}. */
    public static ChaosHarness start(Path workDir, PrintStream log) throws InterruptedException {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChaosHarness harness = new ChaosHarness(workDir, log, freePort());
        harness.startBroker();
        return harness;
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    /** Starts (or restarts, on the same port and data) the broker child. */
    public void startBroker() throws InterruptedException {
        long started = System.nanoTime();
        broker = ChildJvm.start("broker", List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                StandaloneBroker.class.getName(),
                List.of("--port", Integer.toString(brokerPort), "--data-dir", workDir.resolve("broker").toString()),
                workDir.resolve("broker.log"));
        broker.awaitLine(StandaloneBroker.READY_PREFIX, START_TIMEOUT);
        brokerStarts++;
        log.printf("chaos: broker %s ready in %d ms (start %d)%n", bootstrap, millisSince(started), brokerStarts);
    }

    /** Produces the fixed input (once per harness): creates the input topics and writes every sample. */
    public ChaosInput produceInput(long seed, int sources, int targets) {
        if (input != null) {
            throw new IllegalStateException("input already produced");
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<TopicSpec> specs = inputTopics.inputs().stream()
                    .map(name -> new TopicSpec(name, 1, (short) 1, Map.<String, String>of())).toList();
            new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(specs, true);
        }
        long started = System.nanoTime();
        input = ChaosInput.produce(bootstrap, inputTopics, seed, sources, targets);
        log.printf("chaos: produced %d source + %d target samples (seed %d) in %d ms%n", sources, targets, seed,
                millisSince(started));
        return input;
    }

    /** kadapt on the input with no interruption: the run every crash run must reproduce exactly. */
    public RunReport runReference(ChaosSettings settings) throws InterruptedException {
        return run("reference", settings.withKills(0, ChaosSettings.StopSignal.SIGTERM), null);
    }

    /** kadapt on the input, stopped {@code settings.kills()} times mid-stream, verified against {@code reference}. */
    public RunReport runChaos(String name, ChaosSettings settings, RunReport reference) throws InterruptedException {
        return run(name, settings, reference);
    }

    private RunReport run(String name, ChaosSettings settings, RunReport reference) throws InterruptedException {
        if (input == null) {
            throw new IllegalStateException("produce the input first");
        }
        String applicationId = "chaos-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Topics topics = new Topics(inputTopics.source(), inputTopics.target(), inputTopics.feedback(),
                applicationId + ".predictions", applicationId + ".metrics", applicationId + ".dlq");
        List<String> args = kadaptArguments(settings, applicationId, topics);
        Path runLog = workDir.resolve(applicationId + ".log");
        long steps = input.expectedSteps(settings.sourceBatch(), settings.targetBatch()) * STEPS_PER_BATCH;
        int targets = input.targetIds().size();
        int[] killPoints = killPoints(settings, targets);
        log.printf("chaos: %s run %s: %d kills (%s) at committed predictions %s; expect %d predictions, %d steps%n",
                name, applicationId, settings.kills(), settings.stop(), Arrays.toString(killPoints), targets, steps);

        SplittableRandom jitter = new SplittableRandom(settings.seed() ^ 0x5DEECE66DL);
        List<Integer> killedAt = new ArrayList<>();
        List<Duration> sigtermExits = new ArrayList<>();
        int starts = 0;
        long started = System.nanoTime();
        long deadline = started + settings.runTimeout().toNanos();
        try (Progress progress = new Progress(topics)) {
            ChildJvm kadapt = startKadapt(args, runLog, ++starts);
            try {
                for (int killPoint : killPoints) {
                    if (!progress.awaitPredictions(killPoint, steps, deadline, kadapt)) {
                        break; // finished before this kill point (or timed out): stop killing
                    }
                    Thread.sleep(jitter.nextInt(MAX_KILL_JITTER_MS + 1));
                    progress.update();
                    if (progress.done(targets, steps)) {
                        break; // it finished during the jitter: a stop now would not interrupt anything
                    }
                    killedAt.add(progress.distinct());
                    stop(kadapt, settings.stop(), sigtermExits);
                    log.printf("chaos: %s: %s at %d committed predictions, step %d%n", name, settings.stop(),
                            progress.distinct(), progress.maxStep());
                    kadapt = startKadapt(args, runLog, ++starts);
                }
                boolean done = progress.awaitDone(targets, steps, deadline, kadapt);
                stop(kadapt, ChaosSettings.StopSignal.SIGTERM, sigtermExits);
                if (!done) {
                    log.printf("chaos: %s: not done within %s (%d predictions, step %d)%n", name,
                            settings.runTimeout(), progress.distinct(), progress.maxStep());
                }
            } finally {
                kadapt.close();
            }
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        RunOutput output = RunOutput.read(bootstrap, applicationId, topics);
        ChaosVerdict verdict = new ChaosVerifier(input, settings.sourceBatch(), settings.targetBatch(), INPUT_DIM)
                .verify(output, reference == null ? null : reference.output());
        if (sigtermExits.stream().anyMatch(d -> d == null || d.compareTo(Duration.ofSeconds(10)) > 0)) {
            List<String> failures = new ArrayList<>(verdict.failures());
            failures.add("a SIGTERM took longer than 10 s: " + sigtermExits);
            verdict = new ChaosVerdict(failures, verdict.facts());
        }
        RunReport report = new RunReport(name, applicationId, settings, starts, killedAt, sigtermExits, wall, output,
                verdict);
        log.print(report.summary());
        return report;
    }

    private List<String> kadaptArguments(ChaosSettings settings, String applicationId, Topics topics) {
        Map<String, String> set = new LinkedHashMap<>();
        set.put("application.id", applicationId);
        set.put("state.dir", workDir.resolve(applicationId + "-state").toString());
        set.put("processing.guarantee", settings.guarantee());
        set.put("commit.interval.ms", Long.toString(settings.commitIntervalMs()));
        set.put("model.input-dim", Integer.toString(INPUT_DIM));
        set.put("model.classes", Integer.toString(CLASSES));
        set.put("model.seed", Long.toString(settings.seed()));
        set.put("train.batch.source", Integer.toString(settings.sourceBatch()));
        set.put("train.batch.target", Integer.toString(settings.targetBatch()));
        set.put("train.steps-per-batch", Integer.toString(STEPS_PER_BATCH));
        set.put("topics.source", topics.source());
        set.put("topics.target", topics.target());
        set.put("topics.feedback", topics.feedback());
        set.put("topics.predictions", topics.predictions());
        set.put("topics.metrics", topics.metrics());
        set.put("topics.dlq", topics.deadLetter());
        // A SIGKILLed member leaves no LeaveGroup: the restarted one waits for its session to expire (default 45 s).
        set.put("kafka.session.timeout.ms", "6000");
        set.put("kafka.heartbeat.interval.ms", "1500");
        set.putAll(settings.kadapt());
        List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", bootstrap, "--http-port", "0"));
        set.forEach((key, value) -> {
            args.add("--set");
            args.add(key + "=" + value);
        });
        return args;
    }

    private ChildJvm startKadapt(List<String> args, Path runLog, int start) throws InterruptedException {
        long started = System.nanoTime();
        ChildJvm kadapt = ChildJvm.start("kadapt", List.of("-Xmx768m", "-XX:+UseSerialGC"),
                KadaptCli.class.getName(), args, runLog);
        kadapt.awaitLine(RUNNING_LINE, START_TIMEOUT);
        log.printf("chaos: kadapt pid %d RUNNING in %d ms (start %d)%n", kadapt.pid(), millisSince(started), start);
        return kadapt;
    }

    private void stop(ChildJvm kadapt, ChaosSettings.StopSignal signal, List<Duration> sigtermExits)
            throws InterruptedException {
        if (signal == ChaosSettings.StopSignal.SIGKILL) {
            kadapt.kill();
        } else {
            Duration exit = kadapt.terminate(SIGTERM_GRACE);
            sigtermExits.add(exit);
        }
    }

    /**
     * K kill points, committed prediction counts after which to stop kadapt: one uniformly random point in each of K
     * equal strata of (0, targets), so the stops spread over the whole stream.
     */
    /**
     * Kill points spread over the first half of the stream: on an idle machine the tail of a small test stream is
     * processed faster than a stop can be aimed at it, and a stop after the last prediction proves nothing.
     */
    private static int[] killPoints(ChaosSettings settings, int targets) {
        SplittableRandom random = new SplittableRandom(settings.seed());
        int kills = settings.kills();
        int[] points = new int[kills];
        int span = Math.max(1, targets / 2);
        for (int k = 0; k < kills; k++) {
            long from = 1 + (long) (span - 1) * k / kills;
            long to = 1 + (long) (span - 1) * (k + 1) / kills;
            points[k] = (int) (from + random.nextLong(Math.max(1, to - from)));
        }
        return points;
    }

    /** The committed progress of a run, as a read_committed consumer sees it. */
    private final class Progress implements AutoCloseable {
        private final Topics topics;
        private final Set<String> predicted = new HashSet<>();
        private long maxStep;

        Progress(Topics topics) {
            this.topics = topics;
        }

        /** Opened lazily: the output topics do not exist before kadapt's first start creates them. */
        private CommittedLog log;

        void update() {
            if (log == null) {
                try {
                    log = new CommittedLog(bootstrap, List.of(topics.predictions(), topics.metrics()));
                } catch (RuntimeException e) {
                    return; // topics not there yet
                }
            }
            for (ConsumerRecord<String, byte[]> record : log.poll(Duration.ofMillis(100))) {
                if (record.topic().equals(topics.predictions())) {
                    predicted.add(JsonCodec.read(record.value(), PredictionMessage.class).id());
                } else {
                    maxStep = Math.max(maxStep, JsonCodec.read(record.value(), StepMetricsMessage.class).step());
                }
            }
        }

        int distinct() {
            return predicted.size();
        }

        long maxStep() {
            return maxStep;
        }

        /** True once {@code count} predictions are committed and the run is not yet done. */
        boolean awaitPredictions(int count, long steps, long deadline, ChildJvm kadapt) {
            while (System.nanoTime() < deadline && kadapt.alive()) {
                update();
                if (done(input.targetIds().size(), steps)) {
                    return false;
                }
                if (predicted.size() >= count) {
                    return true;
                }
            }
            return false;
        }

        boolean awaitDone(int targets, long steps, long deadline, ChildJvm kadapt) {
            while (System.nanoTime() < deadline && kadapt.alive()) {
                update();
                if (done(targets, steps)) {
                    return true;
                }
            }
            return false;
        }

        boolean done(int targets, long steps) {
            return predicted.size() >= targets && maxStep >= steps;
        }

        @Override
        public void close() {
            if (log != null) {
                log.close();
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    @Override
    public void close() throws InterruptedException {
        if (broker != null && broker.alive()) {
            broker.terminate(SIGTERM_GRACE);
        }
    }
}
