package io.kadapt.cli;

import picocli.CommandLine.Command;

/** {@code kadapt bench}: the benchmarks, one subcommand each. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks of kadapt.",
        subcommands = {QualityBenchCommand.class})
final class BenchCommand {
}
