package io.kadapt.cli;

import io.kadapt.bench.PerfBench;
import io.kadapt.bench.PerfSettings;
import io.kadapt.bench.StepProfile;
import io.kadapt.chaos.ChaosHarness;
import io.kadapt.chaos.ChaosSettings;
import io.kadapt.chaos.RunReport;
import io.kadapt.chaos.SoakReport;
import io.kadapt.chaos.SoakRun;
import io.kadapt.chaos.SoakSettings;
import io.kadapt.demo.DomainShiftStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kadapt bench}: the benchmarks, one subcommand each. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: quality on real datasets, performance, the crash loop and the soak.",
        subcommands = {QualityBenchCommand.class, BenchCommand.Perf.class, BenchCommand.EndToEnd.class,
                BenchCommand.Profile.class,
                BenchCommand.Chaos.class,
                BenchCommand.Soak.class})
final class BenchCommand {

    /** {@code kadapt bench chaos}: the crash loop with the exactly-once proof (see docs/RELIABILITY.md). */
    @Command(name = "chaos", mixinStandardHelpOptions = true,
            description = {"Starts a broker and kadapt as child processes, stops kadapt --kills times at random points "
                    + "of a fixed seeded stream and restarts it, then proves from the committed output and the model "
                    + "changelog that every target was predicted once, every sample trained once, and the model is "
                    + "bit-identical to a replay of the committed training log. With --broker-bounces the broker is also "
                    + "stopped and restarted under the running kadapt; with --instances N, N instances share 6 target "
                    + "partitions and each stop kills one of them. Exit code 0: every check held; 1: a check failed."})
    static final class Chaos implements Callable<Integer> {
        @Option(names = "--kills", defaultValue = "20", description = "Stops per run (default ${DEFAULT-VALUE}).")
        int kills;

        @Option(names = "--signal", defaultValue = "SIGKILL",
                description = "How kadapt is stopped: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
        ChaosSettings.StopSignal signal;

        @Option(names = "--broker-bounces", defaultValue = "0",
                description = "Broker stops and restarts per run, alternately SIGTERM and SIGKILL, on the same port "
                        + "and data; kadapt keeps running (default ${DEFAULT-VALUE}).")
        int brokerBounces;

        @Option(names = "--broker-outage", defaultValue = "15s", converter = DurationConverter.class,
                description = "Least time the broker stays down at each bounce (default ${DEFAULT-VALUE}).")
        Duration brokerOutage;

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

        @Option(names = "--instances", defaultValue = "1",
                description = "kadapt instances sharing the work (the target topic then has 6 partitions); each "
                        + "stop SIGKILLs one of them, alternately the trainer's and another, and restarts it; with "
                        + "--signal SIGTERM a rolling restart: each in turn stopped cleanly, restarted, waited for "
                        + "(default ${DEFAULT-VALUE}).")
        int instances;

        @Mixin
        ChildRunOptions childRun;

        @Override
        public Integer call() throws Exception {
            Path dir = childRun.workDir("kadapt-chaos-");
            Map<String, String> kadapt = new LinkedHashMap<>(Map.of("model.hidden", "64,32"));
            kadapt.putAll(childRun.settings.values);
            ChaosSettings chaos = new ChaosSettings(seed, samples, samples, batch, batch, kills, signal,
                    brokerBounces, brokerOutage, guarantee, commitIntervalMs, kadapt, timeout);
            System.out.println("kadapt bench chaos: work dir " + dir);
            try (ChaosHarness harness = ChaosHarness.start(dir, System.out)) {
                if (instances > 1) {
                    harness.produceInput(seed, samples, samples, 6);
                    RunReport run = harness.runInstances("instances", chaos, null, instances);
                    System.out.println("kadapt bench chaos: " + (run.verdict().passed() ? "PASSED" : "FAILED") + " ("
                            + run.killedAtPredictions().size() + " of " + kills + " " + signal + "s of one of " + instances
                            + " instances landed mid-stream)");
                    return run.verdict().passed() ? 0 : 1;
                }
                harness.produceInput(seed, samples, samples);
                RunReport reference = harness.runReference(chaos.withGuarantee("exactly_once_v2", 100));
                RunReport run = harness.runChaos("chaos", chaos, reference);
                boolean passed = reference.verdict().passed() && run.verdict().passed();
                System.out.println("kadapt bench chaos: " + (passed ? "PASSED" : "FAILED") + " (" + run.killedAtPredictions().size()
                        + " of " + kills + " stops and " + run.brokerBounces().size() + " of " + brokerBounces
                        + " broker bounces landed mid-stream)");
                return passed ? 0 : 1;
            }
        }
    }

    /** {@code kadapt bench soak}: steady load for a long time; lag, memory and errors sampled throughout. */
    @Command(name = "soak", mixinStandardHelpOptions = true,
            description = {"Starts a broker and kadapt as child processes, produces the demo stream at --rate for "
                    + "--duration, and samples kadapt's input lag, resident set, live heap and error counters every "
                    + "--sample-every. Prints start/mid/end, the largest lag and the RSS slope, and a verdict: lag "
                    + "bounded, RSS flat, no errors. Exit code 0: passed; 1: failed."})
    static final class Soak implements Callable<Integer> {
        @Option(names = "--duration", defaultValue = "10m", converter = DurationConverter.class,
                description = "How long the load runs (default ${DEFAULT-VALUE}).")
        Duration duration;

        @Option(names = "--rate", defaultValue = "" + SoakSettings.DEFAULT_RATE,
                description = "Source samples per second, as many target samples and feedback labels "
                        + "(default ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = "--sample-every", defaultValue = "5s", converter = DurationConverter.class,
                description = "Sampling interval (default ${DEFAULT-VALUE}).")
        Duration sampleEvery;

        @Option(names = "--features", defaultValue = "" + DomainShiftStream.FEATURES,
                description = "Features per sample: the demo's (default ${DEFAULT-VALUE}) or wider rows, e.g. 400 "
                        + "as in bench e2e; model.input-dim follows.")
        int features;

        @Option(names = "--heap", defaultValue = SoakSettings.DEFAULT_HEAP,
                description = "kadapt's fixed heap, -Xms = -Xmx (default ${DEFAULT-VALUE}; wider rows need more).")
        String heap;

        @Mixin
        ChildRunOptions childRun;

        @Override
        public Integer call() throws Exception {
            Path dir = childRun.workDir("kadapt-soak-");
            System.out.println("kadapt bench soak: work dir " + dir);
            SoakReport report = new SoakRun(dir, new SoakSettings(duration, rate, sampleEvery, childRun.settings.values,
                    features, heap), System.out)
                    .run();
            System.out.println();
            System.out.print(report.table());
            return report.failures().isEmpty() ? 0 : 1;
        }
    }

    /** {@code kadapt bench e2e}: the end-to-end part of perf alone, with the scale-out measures. */
    @Command(name = "e2e", mixinStandardHelpOptions = true,
            description = {"Only the end-to-end part of perf, with the scale-out measures: the prediction path against "
                    + "a pass-through topology at max rate (100,000 records per domain), then at half that rate for "
                    + "--duration with train.steps-per-batch 8 and 1 and with training paused: latency, the "
                    + "predictor's own time, model freshness, trainer steps/s, shed samples, memory. --set changes "
                    + "kadapt's configuration for every run (e.g. commit.interval.ms). Writes docs/BENCHMARKS.md "
                    + "between <!-- e2e:begin --> and <!-- e2e:end -->."})
    static final class EndToEnd implements Callable<Integer> {
        @Mixin
        PerfRunOptions run;

        @Mixin
        ConfigOverrides kadapt;

        @Override
        public Integer call() throws Exception {
            PerfSettings settings = run.smoke ? PerfSettings.smoke(null) : PerfSettings.full(run.duration, null, false);
            StringBuilder command = new StringBuilder(run.command("e2e"));
            kadapt.values.forEach((key, value) -> command.append(" --set ").append(key).append('=').append(value));
            String report = new PerfBench(settings, System.out).runEndToEnd(command.toString(), kadapt.values);
            if (run.outputFile() != null) {
                PerfBench.writeEndToEndSection(run.outputFile(), report);
                System.out.println("kadapt bench e2e: written to " + run.output);
            }
            return 0;
        }
    }

    /** {@code kadapt bench profile}: where the fast engine's step spends its time (JFR samples). */
    @Command(name = "profile", mixinStandardHelpOptions = true,
            description = {"Runs the fast engine's CE step of each perf shape at the smallest and largest perf batch "
                    + "in a loop under a JDK Flight Recorder recording and charges every sample of the stepping "
                    + "thread to the innermost kadapt method and what ran inside it (a native call such as the BLAS "
                    + "GEMM, or Java code). Writes docs/BENCHMARKS.md between <!-- profile:begin --> and "
                    + "<!-- profile:end -->."})
    static final class Profile implements Callable<Integer> {
        @Option(names = "--duration", defaultValue = "20s", converter = DurationConverter.class,
                description = "Recording length per configuration (default ${DEFAULT-VALUE}).")
        Duration duration;

        @Option(names = "--output", defaultValue = "docs/BENCHMARKS.md",
                description = "File whose section is replaced; 'none' writes nothing (default ${DEFAULT-VALUE}).")
        String output;

        @Override
        public Integer call() throws Exception {
            String command = "./kadapt bench profile --duration " + duration.toSeconds() + "s";
            String report = new StepProfile(PerfSettings.full(duration, null, false), System.out)
                    .run(command, duration);
            if (!output.equals("none")) {
                PerfBench.writeProfileSection(Path.of(output), report);
                System.out.println("kadapt bench profile: written to " + output);
            }
            return 0;
        }
    }

    /** {@code kadapt bench perf}: step, GEMM limit, PyTorch peer, end to end and memory, as ratios of one run. */
    @Command(name = "perf", mixinStandardHelpOptions = true,
            description = {"Times training steps (2 shapes x 3 batches x each known loss), the machine's ND4J GEMM "
                    + "throughput, the same model in PyTorch (bench/torch_peer.py; installs python3-torch when "
                    + "missing, outside CI), kadapt end to end against a pass-through topology, latency and memory at "
                    + "half the max rate. Prints a table and writes it into docs/BENCHMARKS.md between "
                    + "<!-- perf:begin --> and <!-- perf:end -->."})
    static final class Perf implements Callable<Integer> {
        @Mixin
        PerfRunOptions run;

        @Option(names = "--peer-script", defaultValue = "bench/torch_peer.py",
                description = "The PyTorch peer (default ${DEFAULT-VALUE}).")
        Path peerScript;

        @Option(names = "--no-peer", description = "Skip the PyTorch peer.")
        boolean noPeer;

        @Option(names = "--no-install", description = "Do not apt-get install python3-torch when it is missing.")
        boolean noInstall;

        @Override
        public Integer call() throws Exception {
            Path peer = noPeer ? null : peerScript;
            PerfSettings settings = run.smoke ? PerfSettings.smoke(peer)
                    : PerfSettings.full(run.duration, peer, !noInstall);
            String report = new PerfBench(settings, System.out).run(run.command("perf"));
            if (run.outputFile() != null) {
                PerfBench.writeSection(run.outputFile(), report);
                System.out.println("kadapt bench perf: written to " + run.output);
            }
            return 0;
        }
    }
}
