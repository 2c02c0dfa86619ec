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

        md.append("### End to end (embedded broker, exactly_once_v2, read_committed)\n\n");
        double bareWall = e2eStep.timing().wallMs().median();
        double bareRate = (e2eStep.ns() + e2eStep.nt()) / (stepsPerBatch * bareWall / 1e3);
        md.append(f("Configuration: %s, service defaults (batch %d+%d, %d steps per batch, %s), 400 inputs, 2 classes, "
                        + "%d records per domain at max rate.%n%n", e2e.config(), e2eStep.ns(), e2eStep.nt(),
                stepsPerBatch, e2eStep.method().label(), settings.e2eRecords()));
        md.append("| measure | value |\n|---|---|\n");
        md.append(f("| pass-through topology (no model), records/s | %.0f |%n", e2e.passThroughRecordsPerSecond()));
        md.append(f("| kadapt, training on, records/s | %.0f |%n", e2e.kadaptRecordsPerSecond()));
        md.append(f("| kadapt / pass-through | %.2f× |%n", e2e.kadaptRecordsPerSecond() / e2e.passThroughRecordsPerSecond()));
        md.append(f("| bare step bound, records/s ((ns+nt) / (%d × wall median %.2f ms)) | %.0f |%n", stepsPerBatch,
                bareWall, bareRate));
        md.append(f("| **e2e / bare step** | **%.2f×** |%n", e2e.kadaptRecordsPerSecond() / bareRate));
        md.append(f("| latency at half rate (%.0f records/s, %s), p50 / p99 ms | **%.1f / %.1f** (n=%d) |%n",
                e2e.halfRate(), settings.duration(), e2e.latencyMs().median(), e2e.latencyMs().quantile(0.99),
                e2e.latencyCount()));
        md.append(f("| model steps at the end | %d |%n", e2e.modelSteps()));
        List<double[]> mem = e2e.memory();
        if (mem.size() >= 4) {
            double[] early = mem.get(mem.size() / 4);
            double[] last = mem.get(mem.size() - 1);
            md.append(f("| RSS at %.0f s → %.0f s of the half-rate run, MB | %.0f → %.0f (%+.1f %%) |%n", early[0],
                    last[0], early[1], last[1], 100 * (last[1] - early[1]) / early[1]));
        }
        md.append(f("| peak RSS (whole bench JVM: broker, kadapt, producer, reader), MB | %.0f |%n", e2e.peakRssMb()));
        md.append(f("| heap after GC at the end, MB | %.0f |%n", e2e.heapAfterGcMb()));
        return md.toString();
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
