package io.kadapt.chaos;

import io.kadapt.broker.StandaloneBroker;
import io.kadapt.broker.TopicProvisioner;
import io.kadapt.broker.TopicSpec;
import io.kadapt.config.KadaptConfig;
import io.kadapt.demo.DomainShiftStream;
import io.kadapt.service.StreamsProperties;
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
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
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

    static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    /** SIGTERM must finish well inside a container's grace period; RunCommand closes within 10 s. */
    static final Duration SIGTERM_GRACE = Duration.ofSeconds(30);
    private static final int INPUT_DIM = DomainShiftStream.FEATURES;
    private static final int CLASSES = DomainShiftStream.CLASSES;
    private static final int MAX_KILL_JITTER_MS = 100;
    private static final List<String> KADAPT_JVM = List.of("-Xmx768m", "-XX:+UseSerialGC");
    /**
     * A SIGKILLed member leaves no LeaveGroup: its task waits for the session to expire (default 45 s) before a
     * restarted or standby instance gets it. 6 s is the broker's minimum session timeout.
     */
    static final Map<String, String> FAST_FAILOVER = Map.of("kafka.session.timeout.ms", "6000",
            "kafka.heartbeat.interval.ms", "1500");
    static final String THREAD_REPLACEMENTS = "kadapt_stream_thread_replacements_total";
    static final String STANDBY_RECORDS = "kadapt_state_standby_records_total";
    static final String RESTORED_RECORDS = "kadapt_state_restored_records_total";
    static final String TRAINING_STEPS = "kadapt_training_steps_total";

    private final Path workDir;
    private final PrintStream log;
    private final int brokerPort;
    private final String bootstrap;
    private final Topics inputTopics = new Topics("chaos.source", "chaos.target", "chaos.feedback", "chaos.control",
            "-", "-", "-", "-", "-");
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
        return produceInput(seed, sources, targets, 1);
    }

    /**
     * The fixed input with {@code targetPartitions} partitions on the target topic (the others keep one, so source
     * and feedback order stays the produced one): several instances then share the prediction work.
     */
    public ChaosInput produceInput(long seed, int sources, int targets, int targetPartitions) {
        if (input != null) {
            throw new IllegalStateException("input already produced");
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<TopicSpec> specs = inputTopics.inputs().stream()
                    .map(name -> new TopicSpec(name, name.equals(inputTopics.target()) ? targetPartitions : 1,
                            (short) 1, Map.<String, String>of())).toList();
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
        return run("reference", settings.withKills(0, ChaosSettings.StopSignal.SIGTERM)
                .withBrokerBounces(0, settings.brokerOutage()), null);
    }

    /**
     * kadapt on the input, stopped {@code settings.kills()} times and the broker bounced
     * {@code settings.brokerBounces()} times mid-stream, verified against {@code reference}.
     */
    public RunReport runChaos(String name, ChaosSettings settings, RunReport reference) throws InterruptedException {
        return run(name, settings, reference);
    }

    private RunReport run(String name, ChaosSettings settings, RunReport reference) throws InterruptedException {
        Attempt attempt = new Attempt(name, settings);
        List<String> args = kadaptArguments(settings, attempt.applicationId, attempt.topics, "");
        int disruptions = settings.kills() + settings.brokerBounces();
        // Points in units of work, committed predictions plus committed steps: the prediction path finishes the
        // pre-produced input well before the trainer, and a disruption should find one of them still working.
        int[] points = killPoints(settings.seed(), disruptions, Math.toIntExact(attempt.targets + attempt.steps));
        Set<Integer> bouncePoints = bouncePoints(settings);
        log.printf("chaos: %s run %s: %d kills (%s), %d broker bounces at committed predictions + steps %s (bounces at "
                        + "indices %s); expect %d predictions, at least %d steps%n", name, attempt.applicationId,
                settings.kills(), settings.stop(), settings.brokerBounces(), Arrays.toString(points), bouncePoints,
                attempt.targets, attempt.steps);
        SplittableRandom jitter = new SplittableRandom(settings.seed() ^ 0x5DEECE66DL);
        try (Progress progress = new Progress(attempt.topics)) {
            KadaptProcess kadapt = startKadapt(args, attempt.log(""), ++attempt.starts);
            try {
                for (int i = 0; i < points.length; i++) {
                    if (!progress.awaitWork(points[i], attempt, kadapt.jvm())) {
                        break; // finished before this point (or timed out): stop disrupting
                    }
                    Thread.sleep(jitter.nextInt(MAX_KILL_JITTER_MS + 1));
                    progress.update();
                    if (progress.done(attempt)) {
                        break; // it finished during the jitter: a stop now would not interrupt anything
                    }
                    if (bouncePoints.contains(i)) {
                        attempt.bounces.add(bounceBroker(attempt, progress, kadapt));
                        continue;
                    }
                    attempt.killedAt.add(progress.distinct());
                    stop(kadapt.jvm(), settings.stop(), attempt.sigtermExits);
                    log.printf("chaos: %s: %s at %d committed predictions, step %d%n", name, settings.stop(),
                            progress.distinct(), progress.maxStep());
                    kadapt = startKadapt(args, attempt.log(""), ++attempt.starts);
                }
                finish(attempt, progress, kadapt);
            } finally {
                kadapt.close();
            }
        }
        return attempt.report(reference);
    }

    /**
     * {@code instances} kadapt instances of one application (one standby of the trainer) on the input, and
     * {@code settings.kills()} SIGKILLs, each of one instance, restarted at once with the same state directory: even
     * kills hit the instance that runs the trainer, odd ones another instance (a predictor only). Verified like every
     * run; each restart's time to resume (launch → the instance predicts again) is logged.
     */
    public RunReport runInstances(String name, ChaosSettings settings, RunReport reference, int instances)
            throws InterruptedException {
        ChaosSettings several = settings.withKadapt(Map.of("num.standby.replicas", "1"));
        Attempt attempt = new Attempt(name, several);
        // Kill points in committed training steps: the prediction path finishes the pre-produced input long before
        // the one trainer does, so steps are where the run spends its time.
        int[] points = killPoints(several.seed(), several.kills(), Math.toIntExact(attempt.steps));
        // SIGTERM makes it a rolling restart: each instance in turn stopped cleanly and restarted, the next one only
        // once it runs again (as a StatefulSet rolls). SIGKILL: crashes, alternately of the trainer's instance and
        // another, the next one not waiting for the restart.
        boolean rolling = several.stop() == ChaosSettings.StopSignal.SIGTERM;
        log.printf("chaos: %s run %s: %d instances, %d %s at committed steps %s; expect %d predictions, "
                + "at least %d steps%n", name, attempt.applicationId, instances, several.kills(),
                rolling ? "rolling SIGTERM restarts" : "SIGKILLs", Arrays.toString(points), attempt.targets,
                attempt.steps);
        SplittableRandom jitter = new SplittableRandom(several.seed() ^ 0x5DEECE66DL);
        List<String> names = new ArrayList<>();
        List<KadaptProcess> processes = new ArrayList<>();
        List<Thread> resumes = new ArrayList<>();
        try (Progress progress = new Progress(attempt.topics)) {
            for (int i = 0; i < instances; i++) {
                names.add(String.valueOf((char) ('a' + i)));
                processes.add(launchKadapt(kadaptArguments(several, attempt.applicationId, attempt.topics,
                        names.get(i)), attempt.log(names.get(i))));
            }
            for (KadaptProcess process : processes) {
                process.awaitRunning(START_TIMEOUT);
            }
            attempt.starts = instances;
            log.printf("chaos: %s: prediction tasks per instance %s%n", name, predictionTasks(attempt, names));
            for (int k = 0; k < points.length; k++) {
                // A rolling restart aims its first stop; the others follow as soon as the last restarted instance runs.
                int point = rolling && k > 0 ? 0 : points[k];
                while (progress.maxStep() < point && !progress.done(attempt) && System.nanoTime() < attempt.deadline) {
                    progress.update();
                }
                if (progress.done(attempt) || System.nanoTime() >= attempt.deadline) {
                    break;
                }
                Thread.sleep(jitter.nextInt(MAX_KILL_JITTER_MS + 1));
                progress.update();
                if (progress.done(attempt)) {
                    break;
                }
                String trainer = awaitTrainerAmong(attempt, names);
                int victim = rolling ? k % instances : k % 2 == 0 ? names.indexOf(trainer)
                        : (names.indexOf(trainer) + 1 + jitter.nextInt(instances - 1)) % instances;
                attempt.killedAt.add(progress.distinct());
                stop(processes.get(victim).jvm(), several.stop(), attempt.sigtermExits);
                processes.get(victim).close();
                log.printf("chaos: %s: %s of instance %s (%s) at %d committed predictions, committed step %d%n", name,
                        several.stop(), names.get(victim), victim == names.indexOf(trainer) ? "the trainer"
                                : "a predictor", progress.distinct(), progress.maxStep());
                KadaptProcess restarted = launchKadapt(kadaptArguments(several, attempt.applicationId, attempt.topics,
                        names.get(victim)), attempt.log(names.get(victim)));
                processes.set(victim, restarted);
                attempt.starts++;
                // A crash's next kill point does not wait for this instance: the others go on meanwhile, as they
                // would. A rolling restart goes on once the restarted instance runs.
                Thread resume = reportResume(name, names.get(victim), restarted, System.nanoTime());
                resumes.add(resume);
                if (rolling) {
                    resume.join(START_TIMEOUT.toMillis());
                }
            }
            for (Thread resume : resumes) {
                resume.join(START_TIMEOUT.toMillis());
            }
            KadaptProcess last = processes.get(0);
            progress.awaitDone(attempt, last.jvm()); // every instance up to the end, then all but one stopped
            for (int i = 1; i < processes.size(); i++) {
                stop(processes.get(i).jvm(), ChaosSettings.StopSignal.SIGTERM, attempt.sigtermExits);
            }
            finish(attempt, progress, last);
        } finally {
            processes.forEach(KadaptProcess::close);
        }
        return attempt.report(reference);
    }

    /** Logs, from a thread of its own, how long a restarted instance took to be RUNNING with its tasks assigned. */
    private Thread reportResume(String name, String instance, KadaptProcess process, long launched) {
        Thread watcher = new Thread(() -> {
            try {
                process.awaitRunning(START_TIMEOUT);
                log.printf("chaos: %s: instance %s resumed (both applications RUNNING, tasks assigned) %d ms after its"
                        + " launch%n", name, instance, millisSince(launched));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.printf("chaos: %s: instance %s did not resume: %s%n", name, instance, e.getMessage());
            }
        }, "chaos-resume-" + instance);
        watcher.setDaemon(true);
        watcher.start();
        return watcher;
    }

    /** The prediction application's partitions of the target topic per instance, from its group's assignment. */
    private Map<String, Integer> predictionTasks(Attempt attempt, List<String> names) throws InterruptedException {
        Map<String, Integer> tasks = new java.util.TreeMap<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                tasks.clear();
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(attempt.applicationId)).all()
                        .get().get(attempt.applicationId);
                group.members().forEach(m -> tasks.merge(instanceOf(m.clientId(), attempt.applicationId),
                        (int) m.assignment().topicPartitions().stream()
                                .filter(tp -> tp.topic().equals(attempt.topics.target())).count(), Integer::sum));
                if (tasks.keySet().containsAll(names) && tasks.values().stream().allMatch(n -> n > 0)) {
                    return tasks;
                }
                Thread.sleep(200);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe group " + attempt.applicationId, e);
        }
        attempt.failures.add("not every instance got target partitions: " + tasks);
        return tasks;
    }

    private static String instanceOf(String clientId, String applicationId) {
        return clientId.substring(applicationId.length() + 1, applicationId.length() + 2);
    }

    private String awaitTrainerAmong(Attempt attempt, List<String> names) throws InterruptedException {
        String trainerGroup = attempt.applicationId + StreamsProperties.TRAINER_SUFFIX;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            while (System.nanoTime() < attempt.deadline) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(trainerGroup)).all().get()
                        .get(trainerGroup);
                List<String> owners = group.members().stream()
                        .filter(m -> m.assignment().topicPartitions().stream()
                                .anyMatch(tp -> tp.topic().equals(attempt.topics.training())))
                        .map(m -> instanceOf(m.clientId(), attempt.applicationId)).toList();
                if (owners.size() == 1 && names.contains(owners.get(0))) {
                    return owners.get(0);
                }
                Thread.sleep(200);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe group " + trainerGroup, e);
        }
        throw new IllegalStateException("no single trainer among the members of " + trainerGroup);
    }

    /**
     * Two kadapt instances of one application with {@code standbyReplicas} standby copies; once the survivor-to-be
     * holds a warm standby (it has applied changelog records), the instance owning the task is SIGKILLed and the
     * other must take over. With {@code standbyReplicas = 0} it is the control: the survivor restores from scratch.
     */
    public RunReport runStandbyTakeover(String name, ChaosSettings settings, RunReport reference, int standbyReplicas)
            throws InterruptedException {
        ChaosSettings standby = settings.withKills(1, ChaosSettings.StopSignal.SIGKILL).withBrokerBounces(0,
                settings.brokerOutage()).withKadapt(Map.of("num.standby.replicas", Integer.toString(standbyReplicas)));
        Attempt attempt = new Attempt(name, standby);
        log.printf("chaos: %s run %s: two instances, num.standby.replicas=%d, SIGKILL of the active one; expect %d "
                + "predictions, at least %d steps%n", name, attempt.applicationId, standbyReplicas, attempt.targets, attempt.steps);
        try (Progress progress = new Progress(attempt.topics);
             KadaptProcess a = launchKadapt(kadaptArguments(standby, attempt.applicationId, attempt.topics, "a"),
                     attempt.log("a"));
             KadaptProcess b = launchKadapt(kadaptArguments(standby, attempt.applicationId, attempt.topics, "b"),
                     attempt.log("b"))) {
            a.awaitRunning(START_TIMEOUT);
            b.awaitRunning(START_TIMEOUT);
            attempt.starts = 2;
            String active = awaitActiveInstance(attempt.applicationId, attempt.topics, attempt.deadline);
            KadaptProcess activeProcess = active.equals("a") ? a : b;
            KadaptProcess survivor = active.equals("a") ? b : a;
            int killPoint = killPoints(standby.seed(), 1, attempt.targets)[0];
            // The trainer must have committed a step too: a kill before its first commit has no state to take over
            // (the control once "replayed 0 of 0 changelog records": the predictions were ahead of training).
            while ((standbyReplicas > 0 && survivor.scrape().sum(STANDBY_RECORDS) == 0 || progress.distinct() < killPoint
                    || progress.maxStep() == 0)
                    && !progress.done(attempt) && System.nanoTime() < attempt.deadline) {
                progress.update();
            }
            if (!progress.done(attempt)) {
                // The task may have moved since it was first found (a rebalance when the second instance joined):
                // kill the instance that owns it now, else the "takeover" would be no takeover at all.
                active = awaitActiveInstance(attempt.applicationId, attempt.topics, attempt.deadline);
                activeProcess = active.equals("a") ? a : b;
                survivor = active.equals("a") ? b : a;
            }
            if (progress.done(attempt)) {
                attempt.failures.add("the stream finished before the standby was warm: nothing was taken over");
            } else {
                int at = progress.distinct();
                long standbyRecords = (long) survivor.scrape().sum(STANDBY_RECORDS);
                long restoredBefore = (long) survivor.scrape().sum(RESTORED_RECORDS);
                double survivorSteps = survivor.scrape().sum(TRAINING_STEPS);
                long killed = System.nanoTime();
                activeProcess.jvm().kill();
                attempt.killedAt.add(at);
                long changelogRecords = committedChangelogRecords(attempt.applicationId);
                log.printf("chaos: %s: SIGKILL of active instance %s at %d committed predictions, step %d%n", name,
                        active, at, progress.maxStep());
                progress.catchUp(); // what the killed instance committed: only the survivor commits from now on
                // Taken over when the survivor's own trainer steps: its restore (cold) or standby (warm) is behind it.
                while (survivor.scrape().sum(TRAINING_STEPS) <= survivorSteps && !progress.done(attempt)
                        && survivor.jvm().alive() && System.nanoTime() < attempt.deadline) {
                    progress.update();
                }
                Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
                long restored = (long) survivor.scrape().sum(RESTORED_RECORDS) - restoredBefore;
                attempt.takeover = new StandbyTakeover(at, standbyRecords, changelogRecords, restored, takeover);
                if (!attempt.takeover.warm()) {
                    attempt.failures.add("the survivor did not take over warm: " + attempt.takeover);
                }
            }
            finish(attempt, progress, survivor);
        }
        return attempt.report(reference);
    }

    /** Waits for the run to finish, checks the surviving kadapt never failed, and stops it with SIGTERM. */
    private void finish(Attempt attempt, Progress progress, KadaptProcess kadapt) throws InterruptedException {
        boolean done = progress.awaitDone(attempt, kadapt.jvm());
        if (!kadapt.jvm().alive()) {
            attempt.failures.add("kadapt exited by itself with " + kadapt.jvm().exitValue() + "; stderr tail:\n"
                    + kadapt.jvm().logTail(20));
        } else {
            double replaced = kadapt.scrape().require(THREAD_REPLACEMENTS);
            if (replaced > 0) {
                attempt.failures.add("kadapt replaced its stream thread " + (long) replaced + " times");
            }
        }
        stop(kadapt.jvm(), ChaosSettings.StopSignal.SIGTERM, attempt.sigtermExits);
        if (!done) {
            log.printf("chaos: %s: not done within %s (%d predictions, step %d)%n", attempt.name,
                    attempt.settings.runTimeout(), progress.distinct(), progress.maxStep());
        }
    }

    /**
     * Stops the broker (SIGTERM: controlled shutdown; SIGKILL: nothing flushed), keeps it down for the configured
     * outage, restarts it on the same port and data, and waits for kadapt's next committed prediction or step.
     */
    private BrokerBounce bounceBroker(Attempt attempt, Progress progress, KadaptProcess kadapt)
            throws InterruptedException {
        ChaosSettings.StopSignal signal = attempt.bounces.size() % 2 == 0
                ? ChaosSettings.StopSignal.SIGTERM : ChaosSettings.StopSignal.SIGKILL;
        int at = progress.distinct();
        double restoredBefore = kadapt.scrape().sum(RESTORED_RECORDS);
        long stopped = System.nanoTime();
        if (signal == ChaosSettings.StopSignal.SIGKILL) {
            broker.kill();
        } else if (broker.terminate(SIGTERM_GRACE) == null) {
            attempt.failures.add("the broker did not shut down within " + SIGTERM_GRACE);
        }
        log.printf("chaos: %s: broker %s at %d committed predictions, step %d%n", attempt.name, signal, at,
                progress.maxStep());
        long sleep = attempt.settings.brokerOutage().toMillis() - millisSince(stopped);
        if (sleep > 0) {
            Thread.sleep(sleep);
        }
        startBroker();
        long ready = System.nanoTime();
        progress.catchUp(); // what kadapt committed before the stop: nothing can commit while the broker is down
        progress.awaitWork(progress.distinct() + (int) progress.maxStep() + 1, attempt, kadapt.jvm());
        Duration recovery = Duration.ofNanos(System.nanoTime() - ready);
        long restored = kadapt.jvm().alive() ? (long) (kadapt.scrape().sum(RESTORED_RECORDS) - restoredBefore) : -1;
        BrokerBounce bounce = new BrokerBounce(signal, at, Duration.ofNanos(ready - stopped), recovery, restored);
        log.printf("chaos: %s: broker %s%n", attempt.name, bounce);
        return bounce;
    }

    /**
     * Which instance ("a" or "b") runs the trainer: owns the training topic's partition in the training
     * application's group.
     */
    private String awaitActiveInstance(String applicationId, Topics topics, long deadline) throws InterruptedException {
        String trainerGroup = applicationId + StreamsProperties.TRAINER_SUFFIX;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            while (System.nanoTime() < deadline) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(trainerGroup)).all().get()
                        .get(trainerGroup);
                List<String> owners = group.members().stream()
                        .filter(m -> m.assignment().topicPartitions().stream()
                                .anyMatch(tp -> tp.topic().equals(topics.training())))
                        .map(m -> m.clientId().substring(applicationId.length() + 1, applicationId.length() + 2))
                        .toList();
                if (group.members().size() == 2 && owners.size() == 1) {
                    return owners.get(0);
                }
                Thread.sleep(200);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe group " + trainerGroup, e);
        }
        throw new IllegalStateException("no single owner of the trainer among two members of " + trainerGroup);
    }

    /** Committed records in the application's changelogs: what restoring its state from scratch replays. */
    private long committedChangelogRecords(String applicationId) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<String> changelogs = admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith(applicationId + "-") && t.endsWith("-changelog")).sorted().toList();
            try (CommittedLog committed = new CommittedLog(bootstrap, changelogs)) {
                return committed.readToEnd(RunOutput.READ_TIMEOUT).size();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list the changelogs of " + applicationId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** kadapt's settings for one run; {@code instance} (non-empty) names one of several instances of it. */
    private List<String> kadaptArguments(ChaosSettings settings, String applicationId, Topics topics, String instance) {
        return KadaptProcess.runArguments(bootstrap, kadaptSettings(settings, applicationId, topics, instance));
    }

    private Map<String, String> kadaptSettings(ChaosSettings settings, String applicationId, Topics topics,
                                               String instance) {
        Map<String, String> set = new LinkedHashMap<>();
        set.put("application.id", applicationId);
        String suffix = instance.isEmpty() ? "" : "-" + instance;
        set.put("state.dir", workDir.resolve(applicationId + suffix + "-state").toString());
        if (!instance.isEmpty()) {
            set.put("kafka.client.id", applicationId + suffix); // names its members in the group
        }
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
        set.put("topics.control", topics.control());
        set.put("topics.predictions", topics.predictions());
        set.put("topics.metrics", topics.metrics());
        set.put("topics.dlq", topics.deadLetter());
        set.put("topics.training", topics.training());
        set.put("topics.model", topics.model());
        // Every sample must be trained however long a restart takes: the overload policy is off.
        set.put("train.max-lag-ms", "0");
        set.putAll(FAST_FAILOVER);
        set.putAll(settings.kadapt());
        return set;
    }

    private static KadaptProcess launchKadapt(List<String> args, Path runLog) {
        return KadaptProcess.launch(KADAPT_JVM, args, runLog);
    }

    private KadaptProcess startKadapt(List<String> args, Path runLog, int start) throws InterruptedException {
        long started = System.nanoTime();
        KadaptProcess kadapt = launchKadapt(args, runLog);
        kadapt.awaitRunning(START_TIMEOUT);
        log.printf("chaos: kadapt pid %d RUNNING in %d ms (start %d)%n", kadapt.jvm().pid(), millisSince(started),
                start);
        return kadapt;
    }

    /** {@code train.steps-per-batch} of a run: {@link #STEPS_PER_BATCH} unless its kadapt settings say otherwise. */
    static int stepsPerBatch(ChaosSettings settings) {
        return Integer.parseInt(settings.kadapt().getOrDefault("train.steps-per-batch", Integer.toString(STEPS_PER_BATCH)));
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
     * Disruption points, committed prediction counts at which to stop kadapt or bounce the broker: one uniformly
     * random point in each of {@code count} equal strata of the first half of the stream. Only the first half: on an
     * idle machine the tail of a small test stream is processed faster than a stop can be aimed at it, and a stop
     * after the last prediction proves nothing.
     */
    private static int[] killPoints(long seed, int count, int targets) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] points = new int[count];
        int span = Math.max(1, targets / 2);
        for (int k = 0; k < count; k++) {
            long from = 1 + (long) (span - 1) * k / count;
            long to = 1 + (long) (span - 1) * (k + 1) / count;
            points[k] = (int) (from + random.nextLong(Math.max(1, to - from)));
        }
        return points;
    }

    /** Which of the disruption points bounce the broker: a seeded choice among kills + bounces. */
    private static Set<Integer> bouncePoints(ChaosSettings settings) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < settings.kills() + settings.brokerBounces(); i++) {
            indices.add(i);
        }
        Collections.shuffle(indices, new Random(settings.seed()));
        return new TreeSet<>(indices.subList(0, settings.brokerBounces()));
    }

    /** One run in progress: its names, what happened to it so far, and, once verified, its report. */
    private final class Attempt {
        final String name;
        final ChaosSettings settings;
        final String applicationId;
        final Topics topics;
        /** The fewest steps the input makes: the scale of the kill points (the exact count is the replay's). */
        final long steps;
        final long batches;
        final long labelledBatches;
        final int targets;
        final long started = System.nanoTime();
        final long deadline;
        int starts;
        final List<Integer> killedAt = new ArrayList<>();
        final List<Duration> sigtermExits = new ArrayList<>();
        final List<BrokerBounce> bounces = new ArrayList<>();
        StandbyTakeover takeover;
        final List<String> failures = new ArrayList<>();

        Attempt(String name, ChaosSettings settings) {
            if (input == null) {
                throw new IllegalStateException("produce the input first");
            }
            this.name = name;
            this.settings = settings;
            applicationId = "chaos-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
            topics = new Topics(inputTopics.source(), inputTopics.target(), inputTopics.feedback(),
                    inputTopics.control(),
                    applicationId + ".predictions", applicationId + ".metrics", applicationId + ".dlq",
                    applicationId + ".training", applicationId + ".model");
            steps = input.minimumModelSteps(settings.sourceBatch(), settings.targetBatch(), stepsPerBatch(settings));
            batches = input.expectedSteps(settings.sourceBatch(), settings.targetBatch());
            labelledBatches = input.expectedLabelledBatches(settings.sourceBatch());
            targets = input.targetIds().size();
            deadline = started + settings.runTimeout().toNanos();
        }

        /** The warnings and errors of every kadapt log of this run, for a run that lost something. */
        private void printProblems() {
            try (var logs = Files.list(workDir)) {
                for (Path file : logs.filter(f -> f.getFileName().toString().startsWith(applicationId)).sorted().toList()) {
                    log.printf("chaos: %s: warnings and errors of %s:%n", name, file.getFileName());
                    Files.readAllLines(file).stream()
                            .filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                            .forEach(line -> log.println("  " + line));
                }
            } catch (IOException e) {
                log.printf("chaos: %s: could not read the logs: %s%n", name, e);
            }
        }

        Path log(String instance) {
            return workDir.resolve(applicationId + (instance.isEmpty() ? "" : "-" + instance) + ".log");
        }

        RunReport report(RunReport reference) {
            Duration wall = Duration.ofNanos(System.nanoTime() - started);
            RunOutput output = RunOutput.read(bootstrap, applicationId, topics);
            KadaptConfig config = KadaptConfig.of(kadaptSettings(settings, applicationId, topics, ""));
            ChaosVerdict checked = new ChaosVerifier(input, settings.sourceBatch(), settings.targetBatch(),
                    stepsPerBatch(settings), INPUT_DIM,
                    log -> TrainingReplay.checkpoint(config, log)).verify(output, reference == null ? null : reference.output());
            List<String> all = new ArrayList<>(checked.failures());
            all.addAll(failures);
            Set<String> missing = new TreeSet<>(input.deadLetters().keySet());
            missing.removeAll(output.deadLetters().keySet());
            if (!missing.isEmpty()) {
                all.add(DeadLetterForensics.explain(bootstrap, topics.deadLetter(), missing));
                printProblems();
            }
            // kadapt closes Kafka Streams with a 10 s timeout; what matters is that it exits by itself and (checked
            // above) that the close committed. How long it took depends on the machine's load: reported, not bounded.
            if (sigtermExits.stream().anyMatch(d -> d == null)) {
                all.add("a SIGTERM did not end kadapt within " + SIGTERM_GRACE + ": " + sigtermExits);
            }
            RunReport report = new RunReport(name, applicationId, settings, starts, List.copyOf(killedAt),
                    List.copyOf(sigtermExits), List.copyOf(bounces), takeover, wall, output,
                    new ChaosVerdict(List.copyOf(all), checked.facts()));
            log.print(report.summary());
            return report;
        }
    }

    /** The committed progress of a run, as a read_committed consumer sees it. */
    private final class Progress implements AutoCloseable {
        private final Topics topics;
        private final Set<String> predicted = new HashSet<>();
        private long maxStep;
        /** Steps on a fresh source+target batch, and on a fresh labelled batch: what the input makes, exactly. */
        private final Set<Long> freshSteps = new HashSet<>();
        private final Set<Long> freshLabelledSteps = new HashSet<>();

        Progress(Topics topics) {
            this.topics = topics;
        }

        /** Opened lazily: the output topics do not exist before kadapt's first start creates them. */
        private CommittedLog log;

        void update() {
            if (open()) {
                take(log.poll(Duration.ofMillis(100)));
            }
        }

        /** Reads everything committed so far (e.g. before an outage, once the broker is back). */
        void catchUp() {
            if (open()) {
                take(log.readToEnd(RunOutput.READ_TIMEOUT));
            }
        }

        private boolean open() {
            if (log == null) {
                try {
                    log = new CommittedLog(bootstrap, List.of(topics.predictions(), topics.metrics()));
                } catch (RuntimeException e) {
                    return false; // topics not there yet
                }
            }
            return true;
        }

        private void take(List<ConsumerRecord<String, byte[]>> records) {
            for (ConsumerRecord<String, byte[]> record : records) {
                if (record.topic().equals(topics.predictions())) {
                    predicted.add(JsonCodec.read(record.value(), PredictionMessage.class).id());
                } else if (StepMetricsMessage.isStepKey(record.key())) {
                    StepMetricsMessage step = JsonCodec.read(record.value(), StepMetricsMessage.class);
                    maxStep = Math.max(maxStep, step.step());
                    if (!step.replay() && !step.sourceOnly()) {
                        (step.feedback() ? freshLabelledSteps : freshSteps).add(step.step());
                    }
                }
            }
        }

        int distinct() {
            return predicted.size();
        }

        long maxStep() {
            return maxStep;
        }

        /** Waits until committed predictions plus committed steps reach {@code units}; false if the run finished. */
        boolean awaitWork(int units, Attempt attempt, ChildJvm kadapt) {
            while (System.nanoTime() < attempt.deadline && kadapt.alive()) {
                update();
                if (done(attempt)) {
                    return false;
                }
                if (predicted.size() + maxStep >= units) {
                    return true;
                }
            }
            return false;
        }

        boolean awaitDone(Attempt attempt, ChildJvm kadapt) {
            while (System.nanoTime() < attempt.deadline && kadapt.alive()) {
                update();
                if (done(attempt)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Every target predicted, and every fresh batch and labelled batch of the input trained (their extra labelled
         * replay steps come in the same transaction as the batch's own steps).
         */
        boolean done(Attempt attempt) {
            return predicted.size() >= attempt.targets && freshSteps.size() >= attempt.batches
                    && freshLabelledSteps.size() >= attempt.labelledBatches;
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
