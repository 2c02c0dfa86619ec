package io.kadapt.cli;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options {@code bench perf} and {@code bench e2e} share: how long, how small, and where the report goes. */
final class PerfRunOptions {
    private static final Duration DEFAULT_DURATION = Duration.ofSeconds(60);

    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
            description = "Length of each half-rate latency and memory run (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--smoke", description = "Tiny sizes and a few seconds: proves the bench runs end to end.")
    boolean smoke;

    @Option(names = "--output", defaultValue = "docs/BENCHMARKS.md",
            description = "File whose section is replaced; 'none' writes nothing (default ${DEFAULT-VALUE}).")
    String output;

    /** The command line that reproduces this run, for the report's header. */
    String command(String subcommand) {
        return "./kadapt bench " + subcommand + (smoke ? " --smoke" : "")
                + (smoke || duration.equals(DEFAULT_DURATION) ? "" : " --duration " + duration.toSeconds() + "s");
    }

    /** Where to write the report, or null for nowhere. */
    Path outputFile() {
        return output.equals("none") ? null : Path.of(output);
    }
}
