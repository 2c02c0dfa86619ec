package io.kadapt.cli;

import io.kadapt.chaos.ChaosHarness;
import io.kadapt.chaos.ChaosSettings;
import io.kadapt.chaos.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kadapt bench}: reliability and load benchmarks against real processes. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Reliability benchmarks.",
        subcommands = {BenchCommand.Chaos.class})
final class BenchCommand {

    /** {@code kadapt bench chaos}: the crash loop with the exactly-once proof (see docs/RELIABILITY.md). */
    @Command(name = "chaos", mixinStandardHelpOptions = true,
            description = {"Starts a broker and kadapt as child processes, stops kadapt --kills times at random points "
                    + "of a fixed seeded stream and restarts it, then proves from the committed output and the model "
                    + "changelog that every target was predicted once, every sample trained once, and the model is "
                    + "bit-identical to an uninterrupted run. Exit code 0: every check held; 1: a check failed."})
    static final class Chaos implements Callable<Integer> {
        @Option(names = "--kills", defaultValue = "20", description = "Stops per run (default ${DEFAULT-VALUE}).")
        int kills;

        @Option(names = "--signal", defaultValue = "SIGKILL",
                description = "How kadapt is stopped: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
        ChaosSettings.StopSignal signal;

        @Option(names = "--samples", defaultValue = "2000",
                description = "Source and target samples each (default ${DEFAULT-VALUE}).")
        int samples;

        @Option(names = "--batch", defaultValue = "16", description = "Source and target batch (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--seed", defaultValue = "7", description = "Data, kill point and model seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--processing-guarantee", defaultValue = "exactly_once_v2",
                description = "exactly_once_v2 or at_least_once (the negative control) (default ${DEFAULT-VALUE}).")
        String guarantee;

        @Option(names = "--commit-interval-ms", defaultValue = "100", description = "(default ${DEFAULT-VALUE})")
        long commitIntervalMs;

        @Option(names = "--timeout", defaultValue = "30m", converter = DurationConverter.class,
                description = "Most time per run, restarts included (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--work-dir", description = "Broker data, state dirs and logs (default: a new temporary dir, kept).")
        Path workDir;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any kadapt config key for the runs, repeatable.")
        Map<String, String> settings = new LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            Path dir = workDir != null ? workDir : Files.createTempDirectory("kadapt-chaos-");
            Map<String, String> kadapt = new LinkedHashMap<>(Map.of("model.hidden", "64,32"));
            kadapt.putAll(settings);
            ChaosSettings chaos = new ChaosSettings(seed, samples, samples, batch, batch, kills, signal,
                    guarantee, commitIntervalMs, kadapt, timeout);
            System.out.println("kadapt bench chaos: work dir " + dir);
            try (ChaosHarness harness = ChaosHarness.start(dir, System.out)) {
                harness.produceInput(seed, samples, samples);
                RunReport reference = harness.runReference(chaos.withGuarantee("exactly_once_v2", 100));
                RunReport run = harness.runChaos("chaos", chaos, reference);
                boolean passed = reference.verdict().passed() && run.verdict().passed();
                System.out.println("kadapt bench chaos: " + (passed ? "PASSED" : "FAILED") + " (" + run.killedAtPredictions().size()
                        + " of " + kills + " stops landed mid-stream)");
                return passed ? 0 : 1;
            }
        }
    }
}
