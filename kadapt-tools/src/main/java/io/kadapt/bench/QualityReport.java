package io.kadapt.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The results as Markdown: a final-accuracy and a prequential-accuracy table (mean ± sample std over seeds, each
 * method's paired gain over source-only), the published numbers next to them, and the marked section of
 * {@code docs/BENCHMARKS.md} that a new run replaces while the file's other sections stay.
 */
public final class QualityReport {
    public static final String BEGIN = "<!-- quality:begin -->";
    public static final String END = "<!-- quality:end -->";

    /** Published target accuracies (%) from the shared data README, by pair label. */
    static final Map<String, String> PUBLISHED = Map.of(
            "books→elec", "74.7 / 76.3 (CORAL paper: none / CORAL); batch LR+CORAL 75.6",
            "dvd→books", "76.9 / 78.3 (CORAL paper); batch LR+CORAL 75.2",
            "elec→kitchen", "82.8 / 83.6 (CORAL paper); EasyTL 84.9; batch LR+CORAL 82.7",
            "kitchen→dvd", "72.2 / 73.9 (CORAL paper); batch LR+CORAL 73.8",
            "books→dvd", "EasyTL 79.8",
            "mnist→usps", "1-NN 65.94 / TCA 56.28 / JDA 67.28",
            "usps→mnist", "1-NN 44.70 / TCA 51.05 / JDA 59.65");
    static final String PUBLISHED_AMAZON_AVERAGE = "EasyTL 79.5; batch LR 76.4 (none) / 74.9 (CORAL)";

    private final List<QualityBenchmark.Run> runs;
    private final List<BenchPair> pairs;
    private final List<BenchMethod> methods;
    private final List<Long> seeds;

    public QualityReport(List<QualityBenchmark.Run> runs, List<BenchPair> pairs, List<BenchMethod> methods,
                         List<Long> seeds) {
        this.runs = List.copyOf(runs);
        this.pairs = List.copyOf(pairs);
        this.methods = List.copyOf(methods);
        this.seeds = List.copyOf(seeds);
    }

    /** Mean and sample standard deviation (0 for one value). */
    record Stat(double mean, double std, int n) {
        static Stat of(List<Double> values) {
            double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
            return new Stat(mean, values.size() > 1 ? Math.sqrt(squares / (values.size() - 1)) : 0.0, values.size());
        }

        String percent() {
            return n > 1 ? String.format(Locale.ROOT, "%.1f ± %.1f", 100 * mean, 100 * std)
                    : String.format(Locale.ROOT, "%.1f", 100 * mean);
        }

        String gain() {
            return String.format(Locale.ROOT, "%+.1f", 100 * mean);
        }
    }

    /** The three tables, as printed and as written into the document. */
    public String tables() {
        return "Final accuracy (%) — the finished model on every target sample:\n\n"
                + table(QualityBenchmark.Run::finalAccuracy)
                + "\nPrequential accuracy (%) — each target sample predicted before the model trained on it:\n\n"
                + table(QualityBenchmark.Run::prequential)
                + "\nSource prequential accuracy (%) — the source-side signal a deployed service has: each fresh source"
                + " batch scored by the training forward pass (with dropout) before the step that first trains on it:\n\n"
                + table(QualityBenchmark.Run::sourcePrequential, Map.of(), "")
                + "\nHeld-out source accuracy (%) — the finished model on the " + (100 / QualityBenchmark.HELD_OUT_EVERY)
                + " % of the source rows that were never sent (a seeded slice), standardised with the source"
                + " statistics: the label-free criterion for choosing defaults:\n\n"
                + table(QualityBenchmark.Run::heldOutSource, Map.of(), "")
                + "\nTarget information score (IM, ×100) — label-free: H(mean prediction) − mean H(prediction) of the"
                + " finished model over the target samples, in nats (high: confident and diverse predictions; Liang"
                + " et al. 2020); not computed for `linear`:\n\n"
                + table(QualityBenchmark.Run::targetInformation, Map.of(), "")
                + "\nNegative-transfer guard: switches of the served model per replay (mean over seeds and pairs):\n\n"
                + guardSwitches()
                + "\nLabel-free gauges against true accuracy — Spearman's ρ over checkpoints (windows of the last 256"
                + " published predictions at ¼, ½, ¾ and the end of each replay, every method that publishes"
                + " predictions); pooled: all checkpoints of the dataset; within: the mean of the ρ of each pair and"
                + " seed, across methods and checkpoints. Shadow disagreement: the share of the window's targets the"
                + " source-only shadow classifies otherwise than the adapted model at the checkpoint (NaN without a"
                + " shadow or a domain term); target input drift: the service's MMD² between the first 256 and the last"
                + " 256 raw target rows; source prequential accuracy: the last 256 fresh source samples, each scored"
                + " before its step (the service's gauge). Entropy should correlate negatively:\n\n"
                + gaugeCorrelations();
    }

    /** Spearman's ρ of each label-free gauge with accuracy, per dataset: pooled, and within each pair and seed. */
    public String gaugeCorrelations() {
        List<String> datasets = pairs.stream().map(p -> p.dataset().equals(BenchPair.AMAZON) ? "Amazon" : p.label())
                .distinct().toList();
        Map<String, ToDoubleFunction<GaugePoint>> gauges = new LinkedHashMap<>();
        gauges.put("prediction entropy", GaugePoint::entropy);
        gauges.put("information maximisation", GaugePoint::information);
        gauges.put("SND", GaugePoint::snd);
        gauges.put("shadow disagreement", GaugePoint::disagreement);
        gauges.put("target input drift", GaugePoint::drift);
        gauges.put("source prequential accuracy", GaugePoint::sourcePrequential);
        StringBuilder out = new StringBuilder("| gauge |");
        datasets.forEach(d -> out.append(' ').append(d).append(" pooled | ").append(d).append(" within |"));
        out.append("\n|---|").append("---|---|".repeat(datasets.size())).append('\n');
        gauges.forEach((name, gauge) -> {
            out.append("| ").append(name).append(" |");
            for (String dataset : datasets) {
                List<QualityBenchmark.Run> inDataset = runs.stream().filter(r -> !r.gauges().isEmpty())
                        .filter(r -> dataset.equals("Amazon") ? r.pair().dataset().equals(BenchPair.AMAZON)
                                : r.pair().label().equals(dataset)).toList();
                double pooled = GaugeCorrelation.spearman(inDataset.stream().flatMap(r -> r.gauges().stream())
                        .toList(), gauge);
                double within = inDataset.stream().map(r -> r.pair().label() + "/" + r.seed()).distinct()
                        .mapToDouble(key -> GaugeCorrelation.spearman(inDataset.stream()
                                .filter(r -> (r.pair().label() + "/" + r.seed()).equals(key))
                                .flatMap(r -> r.gauges().stream()).toList(), gauge))
                        .filter(Double::isFinite).average().orElse(Double.NaN);
                out.append(String.format(Locale.ROOT, " %+.2f | %+.2f |", pooled, within));
            }
            out.append('\n');
        });
        return out.toString();
    }

    String table(ToDoubleFunction<QualityBenchmark.Run> metric) {
        return table(metric, PUBLISHED, PUBLISHED_AMAZON_AVERAGE);
    }

    private String table(ToDoubleFunction<QualityBenchmark.Run> metric, Map<String, String> published,
                         String publishedAmazonAverage) {
        StringBuilder out = new StringBuilder("| pair |");
        StringBuilder rule = new StringBuilder("|---|");
        for (BenchMethod method : methods) {
            out.append(' ').append(method.name()).append(method.isBaseline() ? "" : " (Δ vs source-only)").append(" |");
            rule.append("---|");
        }
        out.append(" published |\n").append(rule).append("---|\n");
        for (BenchPair pair : pairs) {
            if (runs.stream().noneMatch(r -> r.pair().equals(pair))) {
                continue;
            }
            long seedsDone = runs.stream().filter(r -> r.pair().equals(pair)).map(QualityBenchmark.Run::seed).distinct()
                    .count();
            String label = pair.label() + (seedsDone < seeds.size() ? " (" + seedsDone + " of " + seeds.size()
                    + " seeds)" : "");
            row(out, label, seed -> value(pair, seed, metric), published.getOrDefault(pair.label(), ""));
        }
        List<BenchPair> amazon = pairs.stream().filter(p -> p.dataset().equals(BenchPair.AMAZON))
                .filter(p -> runs.stream().anyMatch(r -> r.pair().equals(p))).toList();
        if (amazon.size() > 1) {
            // The average's spread is over seeds of the per-seed average, not over pairs.
            row(out, "**Amazon average (" + amazon.size() + " pairs)**", seed -> methodName -> amazon.stream()
                    .mapToDouble(p -> value(p, seed, metric).apply(methodName)).average().orElse(Double.NaN),
                    publishedAmazonAverage.isEmpty() || amazon.size() == 12 ? publishedAmazonAverage
                            : "(12-pair: " + publishedAmazonAverage + ")");
        }
        return out.toString();
    }

    private interface SeedValues {
        java.util.function.Function<String, Double> at(long seed);
    }

    private java.util.function.Function<String, Double> value(BenchPair pair, long seed,
                                                            ToDoubleFunction<QualityBenchmark.Run> metric) {
        return methodName -> runs.stream()
                .filter(r -> r.pair().equals(pair) && r.seed() == seed && r.method().name().equals(methodName))
                .mapToDouble(metric).findFirst().orElse(Double.NaN);
    }

    private void row(StringBuilder out, String label, SeedValues values, String published) {
        out.append("| ").append(label).append(" |");
        String baseline = BenchMethod.SOURCE_ONLY.name();
        for (BenchMethod method : methods) {
            List<Double> own = new ArrayList<>();
            List<Double> gains = new ArrayList<>();
            for (long seed : seeds) {
                double v = values.at(seed).apply(method.name());
                if (!Double.isNaN(v)) {
                    own.add(v);
                    gains.add(v - values.at(seed).apply(baseline));
                }
            }
            out.append(' ').append(own.isEmpty() ? "–" : Stat.of(own).percent());
            if (!method.isBaseline() && !own.isEmpty()) {
                out.append(" (").append(Stat.of(gains).gain()).append(')');
            }
            out.append(" |");
        }
        out.append(' ').append(published).append(" |\n");
    }

    /**
     * How often the negative-transfer guard switched the served model in one replay: the mean over seeds and pairs, per
     * method and dataset (0 for methods without the guard).
     */
    public String guardSwitches() {
        List<String> datasets = pairs.stream().map(p -> p.dataset().equals(BenchPair.AMAZON) ? "Amazon" : p.label())
                .distinct().toList();
        StringBuilder out = new StringBuilder("| method |");
        datasets.forEach(d -> out.append(' ').append(d).append(" |"));
        out.append("\n|---|").append("---|".repeat(datasets.size())).append('\n');
        for (BenchMethod method : methods) {
            out.append("| ").append(method.name()).append(" |");
            for (String dataset : datasets) {
                out.append(String.format(java.util.Locale.ROOT, " %.2f |", runs.stream()
                        .filter(r -> r.method().equals(method) && (dataset.equals("Amazon")
                                ? r.pair().dataset().equals(BenchPair.AMAZON) : r.pair().label().equals(dataset)))
                        .mapToInt(QualityBenchmark.Run::guardSwitches).average().orElse(Double.NaN)));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The runs per method: wall time of one replay, mean and max. */
    public String runtimes() {
        StringBuilder out = new StringBuilder();
        for (BenchMethod method : methods) {
            List<Double> seconds = runs.stream().filter(r -> r.method().equals(method))
                    .map(QualityBenchmark.Run::seconds).toList();
            if (!seconds.isEmpty()) {
                out.append(String.format(Locale.ROOT, "- `%s` (%s): %d replays, %.1f s mean, %.1f s max each%n",
                        method.name(), method.describe(), seconds.size(), Stat.of(seconds).mean(),
                        seconds.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
            }
        }
        return out.toString();
    }

    /** 1-minute load average over the runs: min, mean, max. */
    public String loadDuringRuns() {
        List<Double> loads = runs.stream().map(QualityBenchmark.Run::loadAverage).filter(v -> !Double.isNaN(v)).toList();
        if (loads.isEmpty()) {
            return "unknown";
        }
        return String.format(Locale.ROOT, "%.2f min, %.2f mean, %.2f max", loads.stream().mapToDouble(d -> d).min()
                .orElse(0), Stat.of(loads).mean(), loads.stream().mapToDouble(d -> d).max().orElse(0));
    }

    /** Per method, its average final accuracy next to the published numbers, in plain words. */
    public String comparison() {
        StringBuilder out = new StringBuilder();
        for (BenchMethod method : methods) {
            Map<String, Double> finals = new LinkedHashMap<>();
            for (BenchPair pair : pairs) {
                List<Double> values = runs.stream().filter(r -> r.pair().equals(pair) && r.method().equals(method))
                        .map(QualityBenchmark.Run::finalAccuracy).toList();
                if (!values.isEmpty()) {
                    finals.put(pair.label(), Stat.of(values).mean());
                }
            }
            List<Double> amazon = new ArrayList<>();
            pairs.stream().filter(p -> p.dataset().equals(BenchPair.AMAZON) && finals.containsKey(p.label()))
                    .forEach(p -> amazon.add(finals.get(p.label())));
            out.append("- `").append(method.name()).append("`:");
            if (!amazon.isEmpty()) {
                out.append(String.format(Locale.ROOT, " Amazon %d-pair average final %.1f %% (published: EasyTL 79.5,"
                        + " batch logistic regression 76.4 without adaptation);", amazon.size(),
                        100 * Stat.of(amazon).mean()));
            }
            for (String digits : List.of("mnist→usps", "usps→mnist")) {
                if (finals.containsKey(digits)) {
                    out.append(String.format(Locale.ROOT, " %s %.1f %% (JDA %s);", digits, 100 * finals.get(digits),
                            digits.startsWith("mnist") ? "67.28" : "59.65"));
                }
            }
            out.setLength(out.length() - 1);
            out.append(".\n");
        }
        return out.toString();
    }

    /** What the document records about one invocation. */
    public record Invocation(String command, String date, double seconds, String loadBefore, String loadAfter,
                             int threads, int plannedRuns, List<String> charts) {
    }

    /** The whole marked section: how it was run, on what, the tables, the runtimes, the comparison. */
    public String section(Invocation invocation) {
        StringBuilder out = new StringBuilder();
        out.append("## Target accuracy on real benchmarks (`kadapt bench quality`)\n\n");
        out.append("Generated by `kadapt bench quality`; a new run replaces this section.\n\n");
        if (runs.size() < invocation.plannedRuns()) {
            out.append(String.format(Locale.ROOT, "**Partial results: %d of %d replays finished** (the run was still"
                    + " going or was stopped; the section is rewritten after every replay).%n%n", runs.size(),
                    invocation.plannedRuns()));
        }
        out.append("- Command: `").append(invocation.command()).append("`\n");
        out.append("- Date: ").append(invocation.date()).append("\n");
        out.append(String.format(Locale.ROOT, "- Machine: %d cores; load average (1, 5, 15 min) %s before, %s after;"
                + " 1-min load during the runs %s (the cores are shared with other work, so runtimes vary)\n",
                MachineInfo.cores(), invocation.loadBefore(), invocation.loadAfter(), loadDuringRuns()));
        out.append("- Java: ").append(MachineInfo.java()).append(", OMP_NUM_THREADS=")
                .append(System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)")).append("\n");
        out.append(String.format(Locale.ROOT, "- Wall time %.1f min for %d replays, %d at a time; seeds %s%n",
                invocation.seconds() / 60, runs.size(), invocation.threads(), seeds));
        out.append("\nProtocol: each pair's source and target CSV are shuffled by the seed and interleaved in"
                + " proportion (as `kadapt replay` sends them), piped through the service's own topology"
                + " (`AdaptationTopology.build`) in a `TopologyTestDriver`; the seed is also `model.seed`. Target"
                + " labels are never sent: they only score. Prequential = the published prediction of each target"
                + " sample, made before any step trained on it. Final = the model the state store holds at the end,"
                + " restored as the processor restores it, predicting every target sample with the service's"
                + " per-domain statistics at the end of the stream. Every " + QualityBenchmark.HELD_OUT_EVERY
                + "th source row (seeded) is held out and never sent. `linear` is the online linear baseline (softmax"
                + " regression, same stream and standardisation, no hidden layer, no domain term). Mean ± sample std over seeds; Δ = mean of the"
                + " per-seed differences to source-only on the same stream. Nothing was tuned on target labels.\n\n");
        out.append(tables());
        if (!invocation.charts().isEmpty()) {
            out.append("\nPrequential target accuracy along the stream (trailing window of ").append(AccuracyCurves.WINDOW)
                    .append(" target samples, mean over seeds and pairs):\n\n");
            for (String chart : invocation.charts()) {
                out.append("![").append(chart).append("](").append(chart).append(")\n");
            }
        }
        out.append("\nMethods and runtimes (one replay = one pair, one seed, one method):\n\n").append(runtimes());
        out.append("\nAgainst the published numbers (shared data README; batch methods see the whole target set"
                + " at once, kadapt one pass online):\n\n").append(comparison());
        return out.toString();
    }

    /**
     * Replaces the marked quality section of the document (or appends it; creates the file if needed), keeping
     * everything outside the markers.
     */
    public static void writeSection(Path document, String section) {
        String block = BEGIN + "\n" + section.strip() + "\n" + END + "\n";
        try {
            String text = Files.exists(document) ? Files.readString(document) : "# kadapt benchmarks\n";
            int begin = text.indexOf(BEGIN);
            int end = text.indexOf(END);
            String updated;
            if (begin >= 0 && end > begin) {
                int after = end + END.length();
                if (after < text.length() && text.charAt(after) == '\n') {
                    after++;
                }
                updated = text.substring(0, begin) + block + text.substring(after);
            } else {
                updated = text + (text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n") + block;
            }
            if (document.getParent() != null) {
                Files.createDirectories(document.getParent());
            }
            Files.writeString(document, updated);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + document, e);
        }
    }
}
