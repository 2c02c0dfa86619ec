package io.kadapt.bench;

import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import io.kadapt.model.EngineChoice;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code kadapt bench perf}: runs every measurement in one process and writes the report. */
public final class PerfBench {
    static final String BEGIN = "<!-- perf:begin -->";
    static final String END = "<!-- perf:end -->";

    private final PerfSettings settings;
    private final PrintStream log;

    public PerfBench(PerfSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    /** Measures, prints the table and returns it as Markdown. */
    public String run(String command) throws IOException, InterruptedException {
        double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        ModelBench model = new ModelBench(settings);
        log.println("kadapt bench perf: GEMM throughput");
        double[] gemm = model.gemmFlopsPerSecond();

        Map<Integer, Map<String, ModelBench.Timing>> predictions = new LinkedHashMap<>();
        for (int rows : settings.predictRows()) {
            log.printf("kadapt bench perf: %d-row predictions, per engine and on the SameDiff graph%n", rows);
            predictions.put(rows, model.predict(settings.shapes().get(0), rows));
        }

        List<ModelBench.StepResult> steps = new ArrayList<>();
        for (PerfSettings.Shape shape : settings.shapes()) {
            for (int[] batch : settings.batches()) {
                for (PerfSettings.Method method : settings.methods()) {
                    for (EngineChoice engine : settings.engines()) {
                        log.printf("kadapt bench perf: step %s %d+%d %s %s%n", shape.name(), batch[0], batch[1],
                                method.label(), engine.configName());
                        steps.add(model.step(shape, batch[0], batch[1], method, engine));
                    }
                }
            }
        }
        ModelBench.StepResult e2eStep = endToEndStep(model, EndToEndBench.serviceConfig());
        int stepsPerBatch = KadaptConfig.of(EndToEndBench.serviceConfig()).positiveInteger(ConfigKey.TRAIN_STEPS_PER_BATCH);

        Set<String> peerMethods = new LinkedHashSet<>();
        steps.stream().filter(s -> s.timing() != null).forEach(s -> peerMethods.add(s.method().domainTerms()));
        log.println("kadapt bench perf: PyTorch peer, stock python3-torch " + peerMethods);
        TorchPeer.Result peer = TorchPeer.run(settings, List.copyOf(peerMethods), false, log);
        log.println("kadapt bench perf: PyTorch peer, ND4J's OpenBLAS preloaded " + peerMethods);
        TorchPeer.Result blasPeer = TorchPeer.run(settings, List.copyOf(peerMethods), true, log);

        log.println("kadapt bench perf: end to end");
        EndToEndBench.Result e2e = new EndToEndBench(settings, log, Map.of()).run();
        double loadAtEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        String header = header(command, loadAtStart, loadAtEnd);
        String report = PerfReport.markdown(header, settings, gemm, predictions, steps, peer, blasPeer, e2eStep,
                stepsPerBatch, e2e);
        log.println(report);
        return report;
    }

    /**
     * {@code kadapt bench e2e}: only the end-to-end section (and the bare step it is compared with).
     *
     * @param overrides kadapt keys on top of the bench's service configuration ({@code --set}), e.g. another
     *                  {@code commit.interval.ms} for the latency/throughput trade-off
     */
    public String runEndToEnd(String command, Map<String, String> overrides) throws IOException,
            InterruptedException {
        double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Map<String, String> service = EndToEndBench.serviceConfig(overrides);
        ModelBench.StepResult e2eStep = endToEndStep(new ModelBench(settings), service);
        log.println("kadapt bench e2e: end to end");
        EndToEndBench.Result e2e = new EndToEndBench(settings, log, overrides).run();
        double loadAtEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int stepsPerBatch = KadaptConfig.of(service).positiveInteger(ConfigKey.TRAIN_STEPS_PER_BATCH);
        String report = header(command, loadAtStart, loadAtEnd) + "\n"
                + PerfReport.endToEnd(e2e, e2eStep, stepsPerBatch, settings);
        log.println(report);
        return report;
    }

    /** The bare step of the end-to-end configuration {@code service} (the service defaults unless overridden). */
    private ModelBench.StepResult endToEndStep(ModelBench model, Map<String, String> service) {
        KadaptConfig defaults = KadaptConfig.of(service);
        int e2eSource = defaults.positiveInteger(ConfigKey.TRAIN_BATCH_SOURCE);
        int e2eTarget = defaults.positiveInteger(ConfigKey.TRAIN_BATCH_TARGET);
        PerfSettings.Method e2eMethod = settings.methods().stream()
                .filter(m -> m.domainTerms().equals(defaults.string(ConfigKey.LOSS_DOMAIN))).findFirst()
                .orElse(new PerfSettings.Method(defaults.string(ConfigKey.LOSS_DOMAIN),
                        defaults.string(ConfigKey.LOSS_DOMAIN)));
        log.printf("kadapt bench perf: bare step of the end-to-end configuration (%d+%d %s)%n", e2eSource,
                e2eTarget, e2eMethod.label());
        EngineChoice e2eEngine = defaults.choice(ConfigKey.MODEL_ENGINE, EngineChoice.class);
        return model.step(settings.shapes().get(0), e2eSource, e2eTarget, e2eMethod, e2eEngine);
    }

    static String header(String command, double loadAtStart, double loadAtEnd) {
        return String.format(Locale.ROOT,
                "Command: `%s`  %nDate: %s  %nMachine: %s, %d cores visible, %s; JVM %s; OMP_NUM_THREADS=%s  %n"
                        + "Load average: %.2f at start, %.2f at end (shared machine: compare ratios, not absolute "
                        + "times)%n",
                command, ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), cpuModel(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"),
                System.getProperty("java.version"), System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"),
                loadAtStart, loadAtEnd);
    }

    /** Replaces the perf section of {@code file} (or appends one), keeping everything else. */
    public static void writeSection(Path file, String section) throws IOException {
        writeSection(file, section, BEGIN, END, "Performance (`kadapt bench perf`)");
    }

    /** Replaces the end-to-end section of {@code file} (or appends one), keeping everything else. */
    public static void writeEndToEndSection(Path file, String section) throws IOException {
        writeSection(file, section, "<!-- e2e:begin -->", "<!-- e2e:end -->",
                "Scale-out end to end (`kadapt bench e2e`)");
    }

    /** Replaces the step-profile section of {@code file} (or appends one), keeping everything else. */
    public static void writeProfileSection(Path file, String section) throws IOException {
        writeSection(file, section, "<!-- profile:begin -->", "<!-- profile:end -->",
                "Where a step's time goes (`kadapt bench profile`)");
    }

    private static void writeSection(Path file, String section, String beginMarker, String endMarker, String title)
            throws IOException {
        String block = beginMarker + "\n" + section.strip() + "\n" + endMarker;
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n";
        int begin = text.indexOf(beginMarker);
        int end = text.indexOf(endMarker);
        if (begin >= 0 && end > begin) {
            text = text.substring(0, begin) + block + text.substring(end + endMarker.length());
        } else {
            text = text.stripTrailing() + "\n\n## " + title + "\n\n" + block + "\n";
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
