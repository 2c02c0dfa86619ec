package io.kadapt.cli;

import io.kadapt.bench.AccuracyCurves;
import io.kadapt.bench.BenchMethod;
import io.kadapt.bench.BenchPair;
import io.kadapt.bench.MachineInfo;
import io.kadapt.bench.QualityBenchmark;
import io.kadapt.bench.QualityReport;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kadapt bench quality}: replay the real benchmarks through the real topology and write the results table. */
@Command(name = "quality", mixinStandardHelpOptions = true,
        description = "Replay the Amazon-review (12 pairs) and MNIST/USPS (2 pairs) benchmarks through kadapt's"
                + " topology (TopologyTestDriver, no broker): every method side by side with source-only, prequential"
                + " and final target accuracy, mean ± std over seeds. Prints the table and writes it into --out.")
final class QualityBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", defaultValue = "../shared/data", paramLabel = "DIR",
            description = "Folder holding amazon_review_400/ and mnist_usps_jda/ (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--quick", description = "Two pairs (books→kitchen, mnist→usps), one seed.")
    boolean quick;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds 1..N (default 3; 1 with --quick).")
    Integer seeds;

    @Option(names = "--pairs", split = ",", paramLabel = "PAIR",
            description = "Only these pairs, e.g. books->kitchen,usps->mnist, or a dataset name (default: all 14).")
    List<String> pairs = new ArrayList<>();

    @Option(names = "--methods", split = ",", paramLabel = "NAME", completionCandidates = BenchMethod.Names.class,
            description = "Methods by name from the built-in list (source-only always runs too; mmd is the shipped"
                    + " defaults, linear the online linear baseline). Known: ${COMPLETION-CANDIDATES}."
                    + " Default: source-only, linear, mmd.")
    List<String> methods = new ArrayList<>();

    @Option(names = "--method", paramLabel = "NAME:KEY=VALUE,...",
            description = "An extra method: a name and the config keys it sets, e.g. coral:loss.domain=coral,loss.lambda=1."
                    + " Repeatable.")
    List<String> customMethods = new ArrayList<>();

    /** Config keys for every method. */
    @Mixin
    ConfigOverrides settings;

    @Option(names = "--out", defaultValue = "docs/BENCHMARKS.md", paramLabel = "FILE",
            description = "Markdown file whose quality section is replaced (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--threads", paramLabel = "N",
            description = "Replays run at once (default: the number of cores). Each replay is single-threaded and"
                    + " deterministic, so the numbers do not depend on it.")
    Integer threads;

    @Option(names = "--no-write", description = "Print the table only; leave --out alone.")
    boolean noWrite;

    @Override
    public Integer call() {
        List<BenchPair> selectedPairs = BenchPair.select(quick && pairs.isEmpty() ? BenchPair.QUICK : BenchPair.ALL,
                pairs);
        List<BenchMethod> selectedMethods = BenchMethod.select(methods,
                customMethods.stream().map(BenchMethod::parse).toList());
        int seedCount = seeds != null ? seeds : quick ? 1 : 3;
        if (seedCount < 1) {
            throw new IllegalArgumentException("--seeds must be at least 1");
        }
        List<Long> seedList = LongStream.rangeClosed(1, seedCount).boxed().toList();
        QualityBenchmark benchmark = new QualityBenchmark(dataDir, settings.values);
        benchmark.checkData(selectedPairs);

        String loadBefore = MachineInfo.loadAverages();
        String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        System.out.printf("bench quality: %d pairs × %d seeds × %d methods %s on %d cores, load %s%n",
                selectedPairs.size(), seedCount, selectedMethods.size(),
                selectedMethods.stream().map(BenchMethod::name).toList(), MachineInfo.cores(), loadBefore);
        selectedMethods.forEach(m -> System.out.println("  method " + m.name() + ": " + m.describe()));
        int threadCount = threads != null ? Math.max(1, threads) : MachineInfo.cores();
        int planned = selectedPairs.size() * seedList.size() * selectedMethods.size();
        String command = "./kadapt " + String.join(" ", spec.root().commandLine().getParseResult().originalArgs());
        long started = System.nanoTime();
        List<QualityBenchmark.Run> done = new ArrayList<>();
        List<QualityBenchmark.Run> runs = benchmark.run(selectedPairs, selectedMethods, seedList, threadCount, run -> {
            System.out.printf(Locale.ROOT, "  %-16s seed %d %-18s prequential %.4f  final %.4f  source"
                            + " prequential %.4f  held-out source %.4f  IM %.4f  guard switches %d  (%d steps, %.1f s,"
                            + " load %.2f)%n",
                    run.pair().label(), run.seed(), run.method().name(), run.prequential(), run.finalAccuracy(),
                    run.sourcePrequential(), run.heldOutSource(), run.targetInformation(), run.guardSwitches(),
                    run.modelSteps(), run.seconds(), run.loadAverage());
            done.add(run);
            if (!noWrite && done.size() < planned) {
                // A long run that is stopped still leaves its finished replays in the document, marked partial.
                write(new QualityReport(done, selectedPairs, selectedMethods, seedList), command, date, started,
                        loadBefore, threadCount, planned, List.of());
            }
        });

        QualityReport report = new QualityReport(runs, selectedPairs, selectedMethods, seedList);
        System.out.println();
        System.out.print(report.tables());
        System.out.println();
        System.out.print(report.comparison());
        System.out.printf(Locale.ROOT, "bench quality: %.1f min, load now %s%n", (System.nanoTime() - started) / 6e10,
                MachineInfo.loadAverages());
        if (!noWrite) {
            Path dir = out.toAbsolutePath().getParent();
            List<String> charts = AccuracyCurves.write(dir, runs, selectedPairs, selectedMethods);
            write(report, command, date, started, loadBefore, threadCount, planned, charts);
            System.out.println("bench quality: written to " + out);
        }
        return 0;
    }

    private void write(QualityReport report, String command, String date, long started, String loadBefore,
                       int threadCount, int planned, List<String> charts) {
        QualityReport.writeSection(out, report.section(new QualityReport.Invocation(command, date,
                (System.nanoTime() - started) / 1e9, loadBefore, MachineInfo.loadAverages(), threadCount, planned,
                charts)));
    }
}
