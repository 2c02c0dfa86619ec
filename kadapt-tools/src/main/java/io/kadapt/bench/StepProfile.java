package io.kadapt.bench;

import io.kadapt.model.EngineChoice;
import io.kadapt.model.ModelSpec;
import io.kadapt.model.TransferModel;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a training step's time goes: the step of one configuration run in a loop under a JDK Flight Recorder recording
 * of this thread's Java and native-method samples, each sample charged to the innermost kadapt method on its stack
 * and, inside it, to what was running (a native call such as the BLAS GEMM, or Java code). The table it prints is the
 * profile docs/BENCHMARKS.md shows for the fast engine.
 */
public final class StepProfile {
    private static final Duration SAMPLE_PERIOD = Duration.ofMillis(10);
    private static final int WARMUP_STEPS = 200;
    private static final int ROWS = 14;
    /** The native-memory accessor of the fast engine: its copies are charged to their caller. */
    private static final String HOST_VIEW = "io.kadapt.model.HostView";

    private final PerfSettings settings;
    private final PrintStream log;

    public StepProfile(PerfSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    /** Profiles CE on the fast engine at the smallest and the largest batch of every shape; returns Markdown. */
    public String run(String command, Duration perProfile) throws IOException {
        double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        StringBuilder out = new StringBuilder();
        PerfSettings.Method ce = PerfSettings.METHODS.get(0);
        List<int[]> batches = settings.batches().size() == 1 ? settings.batches()
                : List.of(settings.batches().get(0), settings.batches().get(settings.batches().size() - 1));
        for (PerfSettings.Shape shape : settings.shapes()) {
            for (int[] batch : batches) {
                log.printf("kadapt bench profile: %s %d+%d %s fast, %d s%n", shape.name(), batch[0], batch[1],
                        ce.label(), perProfile.toSeconds());
                out.append(profile(shape, batch[0], batch[1], ce, perProfile)).append('\n');
            }
        }
        double loadAtEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        String report = PerfBench.header(command, loadAtStart, loadAtEnd) + "\n" + out;
        log.println(report);
        return report;
    }

    private String profile(PerfSettings.Shape shape, int ns, int nt, PerfSettings.Method method, Duration length)
            throws IOException {
        ModelBench bench = new ModelBench(settings);
        ModelSpec spec = bench.spec(shape, method, EngineChoice.FAST, new StringBuilder());
        ModelBench.StepFixture fixture = ModelBench.StepFixture.of(spec, shape, ns, nt);
        Path file = Files.createTempFile("kadapt-step-", ".jfr");
        int steps = 0;
        double[] stepMs = new double[1024];
        long elapsed;
        try (TransferModel model = TransferModel.initialise(spec); Recording recording = new Recording()) {
            for (int i = 0; i < WARMUP_STEPS; i++) {
                fixture.step(model);
            }
            recording.enable("jdk.ExecutionSample").withPeriod(SAMPLE_PERIOD);
            recording.enable("jdk.NativeMethodSample").withPeriod(SAMPLE_PERIOD);
            recording.start();
            long start = System.nanoTime();
            long end = start + length.toNanos();
            for (long now = start; now < end; ) {
                fixture.step(model);
                long after = System.nanoTime();
                if (steps == stepMs.length) {
                    stepMs = Arrays.copyOf(stepMs, 2 * steps);
                }
                stepMs[steps++] = (after - now) / 1e6;
                now = after;
            }
            elapsed = System.nanoTime() - start;
            recording.stop();
            recording.dump(file);
        }
        Map<String, Long> samples = new HashMap<>();
        long total = 0;
        String thread = Thread.currentThread().getName();
        try {
            for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                if (event.getStackTrace() == null || event.getThread("sampledThread") == null
                        || !thread.equals(event.getThread("sampledThread").getJavaName())) {
                    continue;
                }
                samples.merge(charge(event), 1L, Long::sum);
                total++;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        double msPerStep = elapsed / 1e6 / steps;
        Samples wall = Samples.of(Arrays.copyOf(stepMs, steps));
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "**%s %d+%d %s, fast engine**: %d steps in %.1f s; wall ms per step (under the recording) mean %.2f, "
                        + "median %.2f, p90 %.2f; %d samples of this thread every %d ms.%n%n"
                        + "| kadapt method | running | share | ms per step |%n|---|---|---|---|%n",
                shape.name(), ns, nt, method.label(), steps, elapsed / 1e9, msPerStep, wall.median(),
                wall.quantile(0.9), total, SAMPLE_PERIOD.toMillis()));
        final long all = Math.max(1, total);
        samples.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(ROWS)
                .forEach(e -> {
                    String[] parts = e.getKey().split("\t", 2);
                    double share = e.getValue() / (double) all;
                    out.append(String.format(Locale.ROOT, "| `%s` | %s | %.1f %% | %.2f |%n", parts[0], parts[1],
                            100 * share, share * msPerStep));
                });
        long rest = total - samples.values().stream().sorted((a, b) -> Long.compare(b, a)).limit(ROWS)
                .mapToLong(Long::longValue).sum();
        if (rest > 0) {
            out.append(String.format(Locale.ROOT, "| (the rest) | | %.1f %% | %.2f |%n", 100.0 * rest / all,
                    rest / (double) all * msPerStep));
        }
        return out.toString();
    }

    /**
     * "innermost kadapt method \t what ran": a native-method sample names its native method (e.g. the BLAS call), a
     * Java sample the method on top when it is not kadapt's own (e.g. an ND4J accessor, or a {@code HostView} copy
     * between native memory and Java arrays, charged to the method that asked for it), else "its own code".
     */
    private static String charge(RecordedEvent event) {
        List<RecordedFrame> frames = event.getStackTrace().getFrames();
        String kadapt = "(outside kadapt)";
        int depth = 0;
        for (; depth < frames.size(); depth++) {
            String type = frames.get(depth).getMethod().getType().getName();
            if (type.startsWith("io.kadapt.") && !type.startsWith("io.kadapt.bench.")
                    && !type.startsWith(HOST_VIEW)) {
                kadapt = simpleName(type) + "." + frames.get(depth).getMethod().getName();
                break;
            }
        }
        RecordedFrame top = frames.get(0);
        String running;
        if (event.getEventType().getName().equals("jdk.NativeMethodSample")) {
            running = "native `" + simpleName(top.getMethod().getType().getName()) + "." + top.getMethod().getName()
                    + "`";
        } else if (depth == 0) {
            running = "its own code";
        } else {
            running = "`" + simpleName(top.getMethod().getType().getName()) + "." + top.getMethod().getName() + "`";
        }
        return kadapt + "\t" + running;
    }

    private static String simpleName(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }
}
