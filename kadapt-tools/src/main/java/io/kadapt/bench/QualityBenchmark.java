package io.kadapt.bench;

import io.kadapt.config.ConfigKey;
import io.kadapt.config.KadaptConfig;
import io.kadapt.replay.LabelIndex;
import io.kadapt.replay.LabelledDataset;
import io.kadapt.replay.ReplayOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs every (seed, pair, method) through {@link TopologyReplay}. For one pair and seed all methods see the same
 * stream order, and run back to back, so each method's gain over source-only is measured side by side. The seed
 * sets both the stream order (shuffle) and {@code model.seed}. No target label reaches training or any choice, but
 * for the feedback-learning methods, whose stream sends the labels their {@link BenchMethod#feedback()} says, late.
 */
public final class QualityBenchmark {
    private final Path dataDir;
    private final Map<String, String> baseSettings;
    private final Map<Path, LabelledDataset> datasets = new HashMap<>();

    /**
     * One replay's result. {@code sourcePrequential}: see {@link TopologyReplay.Outcome}; {@code loadAverage}: the
     * machine's 1-minute load average when it finished.
     */
    public record Run(BenchPair pair, BenchMethod method, long seed, double prequential, double finalAccuracy,
                      double sourcePrequential, double heldOutSource, long modelSteps, double seconds,
                      double loadAverage, boolean[] prequentialHits, double targetInformation, int guardSwitches,
                      List<GaugePoint> gauges) {
    }

    /**
     * Every this-many-th source row (of a seeded shuffle) is held out: never sent, scored by the finished model. The
     * label-free way to compare configurations on the source task (docs/BENCHMARKS.md).
     */
    static final int HELD_OUT_EVERY = 10;

    /**
     * @param baseSettings config keys applied to every method before its own (from {@code --set}); the seed wins
     */
    public QualityBenchmark(Path dataDir, Map<String, String> baseSettings) {
        this.dataDir = dataDir;
        this.baseSettings = Map.copyOf(baseSettings);
    }

    /** Fails, naming every missing file, unless all the pairs' files are there. */
    public void checkData(List<BenchPair> pairs) {
        List<String> missing = new ArrayList<>();
        for (BenchPair pair : pairs) {
            for (Path file : List.of(pair.sourceFile(dataDir), pair.targetFile(dataDir))) {
                if (!Files.isRegularFile(file) && !missing.contains(file.toString())) {
                    missing.add(file.toString());
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("benchmark data missing: " + String.join(", ", missing)
                    + " — point --data-dir at the folder holding " + BenchPair.AMAZON + "/ and " + BenchPair.DIGITS
                    + "/ (the shared benchmark data, see its README.md)");
        }
    }

    /**
     * Runs the grid on {@code threads} threads (each replay is independent and single-threaded, so the numbers do
     * not depend on it); results come back in grid order, and {@code progress} sees each as it finishes.
     */
    public List<Run> run(List<BenchPair> pairs, List<BenchMethod> methods, List<Long> seeds, int threads,
                         Consumer<Run> progress) {
        checkData(pairs);
        Map<BenchPair, LabelledDataset[]> data = new LinkedHashMap<>();
        for (BenchPair pair : pairs) {
            LabelledDataset source = dataset(pair.sourceFile(dataDir));
            LabelledDataset target = dataset(pair.targetFile(dataDir));
            if (source.dimension() != target.dimension()) {
                throw new IllegalArgumentException(pair.label() + ": source has " + source.dimension()
                        + " features, target " + target.dimension());
            }
            data.put(pair, new LabelledDataset[] {source, target});
        }
        // Seed-major: a run stopped early has every pair at fewer seeds rather than fewer pairs at every seed.
        List<Callable<Run>> tasks = new ArrayList<>();
        for (long seed : seeds) {
            for (BenchPair pair : pairs) {
                LabelledDataset source = data.get(pair)[0];
                LabelIndex labels = LabelIndex.of(source.labels());
                List<LabelledDataset.Row> trainRows = new ArrayList<>();
                List<ReplayOrder.Entry> heldOut = new ArrayList<>();
                List<LabelledDataset.Row> shuffled = source.shuffled(seed + 2);
                for (int i = 0; i < shuffled.size(); i++) {
                    LabelledDataset.Row row = shuffled.get(i);
                    if (i % HELD_OUT_EVERY == 0) {
                        heldOut.add(new ReplayOrder.Entry(ReplayOrder.Kind.SOURCE, "h-" + i, row.features(),
                                labels.indexOf(row.label())));
                    } else {
                        trainRows.add(row);
                    }
                }
                LabelledDataset training = new LabelledDataset(source.name(), List.copyOf(trainRows));
                Map<ReplayOrder.Feedback, ReplayOrder> orders = new HashMap<>();
                for (BenchMethod method : methods) {
                    KadaptConfig config = config(source, labels, method, seed);
                    ReplayOrder order = orders.computeIfAbsent(method.feedback(), feedback ->
                            ReplayOrder.of(training, data.get(pair)[1], labels, seed, "", feedback));
                    double varianceFloor = config.decimal(ConfigKey.PREPROCESS_VARIANCE_FLOOR);
                    tasks.add(() -> {
                        TopologyReplay.Outcome outcome = method.isLinearBaseline()
                                ? OnlineLinearBaseline.standard(source.dimension(), labels.classes()).run(order,
                                        heldOut, varianceFloor)
                                : method.isInDomainReference()
                                ? InDomainLogisticRegression.run(order, source.dimension(), labels.classes(),
                                        varianceFloor, seed)
                                : TopologyReplay.run(config, order, heldOut);
                        Run run = new Run(pair, method, seed, outcome.prequentialAccuracy(), outcome.finalAccuracy(),
                                outcome.sourcePrequential(), outcome.heldOutSourceAccuracy(), outcome.modelSteps(),
                                outcome.seconds(), MachineInfo.loadAverage1(), outcome.prequentialHits(),
                                outcome.targetInformation(), outcome.guardSwitches(), outcome.gauges());
                        synchronized (progress) {
                            progress.accept(run);
                        }
                        return run;
                    });
                }
            }
        }
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Run> runs = new ArrayList<>();
            for (Future<Run> future : executor.invokeAll(tasks)) {
                runs.add(future.get());
            }
            return runs;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            executor.shutdownNow();
        }
    }

    KadaptConfig config(LabelledDataset source, LabelIndex labels, BenchMethod method, long seed) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(ConfigKey.MODEL_INPUT_DIM.key(), Integer.toString(source.dimension()));
        settings.put(ConfigKey.MODEL_CLASSES.key(), Integer.toString(labels.classes()));
        settings.putAll(baseSettings);
        settings.putAll(method.overrides());
        settings.put(ConfigKey.MODEL_SEED.key(), Long.toString(seed));
        return KadaptConfig.of(settings);
    }

    private LabelledDataset dataset(Path file) {
        return datasets.computeIfAbsent(file, LabelledDataset::read);
    }
}
