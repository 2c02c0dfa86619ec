package io.kadapt.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown tables of {@code kadapt bench perf}. */
final class PerfReport {
    private PerfReport() {
    }

    static String markdown(String header, PerfSettings settings, double[] gemm,
                           Map<Integer, Map<String, ModelBench.Timing>> predictions, List<ModelBench.StepResult> steps,
                           TorchPeer.Result peer, TorchPeer.Result blasPeer, ModelBench.StepResult e2eStep,
                           int stepsPerBatch, EndToEndBench.Result e2e) {
        StringBuilder md = new StringBuilder(header).append('\n');
        md.append(f("ND4J GEMM (%d² float, 1 thread): %.1f GFLOP/s per CPU second (%.1f per wall second). "
                        + "Model %s, hidden %s, Adam, float. Engines: %s.%n%n", settings.gemmSize(), gemm[0] / 1e9,
                gemm[1] / 1e9, "MLP", settings.hidden(), settings.engines().stream()
                        .map(e -> e.configName()).toList()));

        md.append("### Prediction\n\n");
        md.append(f("%s shape. CPU median ms per call (wall p90), Java heap allocated per call (the result array "
                + "included), against PyTorch's no_grad forward pass + softmax. kadapt/PyTorch = PyTorch CPU median "
                + "/ kadapt CPU median.%n%n", settings.shapes().get(0).name()));
        md.append("| rows | path | CPU med | wall p90 | alloc/call | PyTorch stock | PyTorch ND4J OpenBLAS "
                + "| kadapt/PyTorch stock |\n|---|---|---|---|---|---|---|---|\n");
        PerfSettings.Shape first = settings.shapes().get(0);
        predictions.forEach((rows, byPath) -> byPath.forEach((path, t) -> {
            String key = TorchPeer.Result.predictionKey(first.inputs(), first.classes(), rows);
            ModelBench.Timing stock = peer.predictions().get(key);
            ModelBench.Timing blas = blasPeer.predictions().get(key);
            md.append(f("| %d | %s | %.3f | %.3f | %s | %s | %s | %s |%n", rows, path, t.cpuMs().median(),
                    t.wallMs().quantile(0.9), bytes(t.bytesPerCall()), ms(stock), ms(blas),
                    stock == null ? "—" : f("%.2f×", stock.cpuMs().median() / t.cpuMs().median())));
        }));
        md.append('\n');

        md.append("### Training step\n\n");
        md.append("Step times in ms (wall median / p90; CPU median). Samples/s = (ns+nt) / CPU median. "
                + "GEMM eff. = counted FLOPs / (CPU median × GEMM FLOP/s). Alloc = Java heap allocated per step "
                + "after warm-up (ThreadMXBean). kadapt/PyTorch = ratio of samples/s on CPU medians (wall ratio in "
                + "brackets), against stock python3-torch and against it with ND4J's OpenBLAS preloaded.\n\n");
        md.append("| shape | batch | method | engine | wall med | wall p90 | CPU med | samples/s | GEMM eff. | alloc "
                + "| PyTorch CPU med (stock / OpenBLAS) | PyTorch GEMM eff. (stock) | kadapt/PyTorch stock "
                + "| kadapt/PyTorch OpenBLAS |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ModelBench.StepResult s : steps) {
            String batch = s.ns() + "+" + s.nt();
            if (s.timing() == null) {
                md.append(f("| %s | %s | %s | %s | %s |||||||||%n", s.shape().name(), batch, s.method().label(),
                        s.engine().configName(), s.note()));
                continue;
            }
            double cpu = s.timing().cpuMs().median();
            double eff = s.flopsPerStep() / (cpu / 1e3) / gemm[0];
            String key = TorchPeer.Result.key(s.shape().inputs(), s.shape().classes(), s.ns(), s.nt(),
                    s.method().domainTerms());
            ModelBench.Timing stock = peer.timings().get(key);
            ModelBench.Timing blas = blasPeer.timings().get(key);
            String peerCpu = peer.notMeasured() != null ? "not measured"
                    : stock == null ? peer.skipped().getOrDefault(key, "—") : ms(stock) + " / " + ms(blas);
            String peerEff = stock == null ? "—"
                    : f("%.1f %%", 100 * s.flopsPerStep() / (stock.cpuMs().median() / 1e3) / gemm[0]);
            md.append(f("| %s | %s | %s | %s | %.2f | %.2f | %.2f | %.0f | %.1f %%%s | %s | %s | %s | %s | %s |%n",
                    s.shape().name(), batch, s.method().label(), s.engine().configName(),
                    s.timing().wallMs().median(), s.timing().wallMs().quantile(0.9), cpu,
                    (s.ns() + s.nt()) / (cpu / 1e3), 100 * eff, s.note() == null ? "" : " (" + s.note() + ")",
                    bytes(s.timing().bytesPerCall()), peerCpu, peerEff, ratio(stock, s.timing()),
                    ratio(blas, s.timing())));
        }
        md.append('\n').append(peer.notMeasured() != null ? peer.notMeasured()
                : f("Peers: PyTorch %s, 1 thread; %s; %s; bench/torch_peer.py.", peer.version(), peer.blas(),
                blasPeer.notMeasured() != null ? blasPeer.notMeasured() : blasPeer.blas()));
        md.append(" kadapt computes the MMD² monitor in every step, so the peer does too (under no_grad when MMD is "
                + "not a loss term), and both count it.\n\n");

        md.append(endToEnd(e2e, e2eStep, stepsPerBatch, settings));
        return md.toString();
    }

    /** The end-to-end section: prediction path against a pass-through, latency, freshness, trainer, memory. */
    static String endToEnd(EndToEndBench.Result e2e, ModelBench.StepResult e2eStep, int stepsPerBatch,
                           PerfSettings settings) {
        StringBuilder md = new StringBuilder();
        md.append("### End to end (embedded broker, exactly_once_v2, read_committed)\n\n");
        md.append(f("Configuration: %s, service defaults otherwise (6 partitions per input, %d prediction thread(s) "
                        + "beside the trainer's, batch %d+%d, %d steps per batch, %s), 400 inputs, 2 classes; %d records "
                        + "per domain at max rate; everything (broker, kadapt, producer, reader) in one JVM.%n%n",
                e2e.config(), e2e.predictionThreads(), e2eStep.ns(), e2eStep.nt(), stepsPerBatch,
                e2eStep.method().label(), settings.e2eRecords()));
        md.append("| measure | pass-through (no model) | kadapt, training on | ratio |\n|---|---|---|---|\n");
        md.append(f("| input records/s (both domains) | %.0f | %.0f | %.2f× |%n", e2e.passThrough().recordsPerSecond(),
                e2e.kadapt().recordsPerSecond(), e2e.kadapt().recordsPerSecond() / e2e.passThrough().recordsPerSecond()));
        md.append(f("| **target predictions/s** | %.0f | **%.0f** | **%.2f×** |%n", e2e.passThrough().targetsPerSecond(),
                e2e.kadapt().targetsPerSecond(), e2e.kadapt().targetsPerSecond() / e2e.passThrough().targetsPerSecond()));
        md.append(f("| input MB/s (JSON) | %.1f | %.1f | |%n%n", e2e.passThrough().megabytesPerSecond(),
                e2e.kadapt().megabytesPerSecond()));
        double bareWall = e2eStep.timing() == null ? Double.NaN : e2eStep.timing().wallMs().median();
        md.append(f("One trainer's bound: %d steps per batch × %.2f ms per step (bare step median) = %.0f trained "
                        + "samples/s; the rest of a faster stream is shed by `train.max-lag-ms`.%n%n", stepsPerBatch,
                bareWall, (e2eStep.ns() + e2eStep.nt()) / (stepsPerBatch * bareWall / 1e3)));
        md.append("| at half the max rate | " + String.join(" | ", e2e.halfRate().stream()
                .map(EndToEndBench.HalfRateRun::label).toList()) + " |\n");
        md.append("|---" + "|---".repeat(e2e.halfRate().size()) + "|\n");
        row(md, e2e, "input records/s", h -> f("%.0f", h.recordsPerSecond()));
        row(md, e2e, "**latency** (record sent → prediction read_committed), p50 / p99 ms",
                h -> f("**%.1f / %.1f** (n=%d)", h.latencyMs().median(), h.latencyMs().quantile(0.99), h.count()));
        row(md, e2e, "predictor's own time per record, p99 ms", h -> f("%.3f", h.predictorP99Ms()));
        row(md, e2e, "**model freshness** (step → first prediction using it), p50 / p99 ms",
                h -> h.stepsPerSecond() == 0 ? "— (no steps)" : f("**%.0f / %.0f**", h.freshnessP50Ms(),
                        h.freshnessP99Ms()));
        row(md, e2e, "trainer steps/s", h -> f("%.1f", h.stepsPerSecond()));
        row(md, e2e, "trained samples/s", h -> f("%.0f", h.trainedPerSecond()));
        row(md, e2e, "samples shed (train.max-lag-ms)", h -> f("%.0f", h.shed()));
        row(md, e2e, "trainer lag at the end, s", h -> f("%.2f", h.trainerLagSeconds()));
        row(md, e2e, "RSS over the run (whole JVM), MB", h -> {
            List<double[]> mem = h.memory();
            if (mem.size() < 4) {
                return "—";
            }
            double[] early = mem.get(mem.size() / 4);
            double[] last = mem.get(mem.size() - 1);
            return f("%.0f → %.0f (%+.1f %%)", early[1], last[1], 100 * (last[1] - early[1]) / early[1]);
        });
        row(md, e2e, "heap after GC at the end, MB", h -> f("%.0f", h.heapAfterGcMb()));
        md.append(f("%nModel steps at the end of the first half-rate run: %d.%n", e2e.modelSteps()));
        return md.toString();
    }

    private static void row(StringBuilder md, EndToEndBench.Result e2e, String label,
                            java.util.function.Function<EndToEndBench.HalfRateRun, String> cell) {
        md.append("| ").append(label).append(" | ")
                .append(String.join(" | ", e2e.halfRate().stream().map(cell).toList())).append(" |\n");
    }

    private static String ms(ModelBench.Timing t) {
        return t == null ? "—" : f("%.3f", t.cpuMs().median());
    }

    private static String bytes(double perCall) {
        return Double.isNaN(perCall) ? "—" : perCall < 1024 ? f("%.0f B", perCall) : f("%.1f KB", perCall / 1024);
    }

    private static String ratio(ModelBench.Timing peer, ModelBench.Timing kadapt) {
        return peer == null ? "—" : f("**%.2f×** (%.2f×)", peer.cpuMs().median() / kadapt.cpuMs().median(),
                peer.wallMs().median() / kadapt.wallMs().median());
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
