package io.kadapt.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown tables of {@code kadapt bench perf}. */
final class PerfReport {
    private PerfReport() {
    }

    static String markdown(String header, PerfSettings settings, double[] gemm, Map<String, ModelBench.Timing> predict,
                           List<ModelBench.StepResult> steps, TorchPeer.Result peer, ModelBench.StepResult e2eStep,
                           int stepsPerBatch, EndToEndBench.Result e2e) {
        StringBuilder md = new StringBuilder(header).append('\n');
        md.append(f("ND4J GEMM (%d² float, 1 thread): %.1f GFLOP/s per CPU second (%.1f per wall second). "
                        + "Model %s, hidden %s, Adam, float.%n%n", settings.gemmSize(), gemm[0] / 1e9, gemm[1] / 1e9,
                "MLP", settings.hidden()));
        ModelBench.Timing direct = predict.get("direct");
        ModelBench.Timing sameDiff = predict.get("samediff");
        md.append(f("Prediction, 1 row (%s shape): direct ND4J %.3f ms, SameDiff %.3f ms CPU median → %.1f× "
                        + "faster (p90 %.3f vs %.3f ms wall)%n%n", settings.shapes().get(0).name(),
                direct.cpuMs().median(), sameDiff.cpuMs().median(),
                sameDiff.cpuMs().median() / direct.cpuMs().median(), direct.wallMs().quantile(0.9),
                sameDiff.wallMs().quantile(0.9)));

        md.append("### Training step\n\n");
        md.append("Step times in ms (wall median / p90; CPU median). Samples/s = (ns+nt) / CPU median. "
                + "GEMM eff. = counted FLOPs / (CPU median × GEMM FLOP/s). kadapt/PyTorch = ratio of samples/s "
                + "on CPU medians (wall ratio in brackets).\n\n");
        md.append("| shape | batch | method | wall med | wall p90 | CPU med | samples/s | GEMM eff. | PyTorch CPU med "
                + "| PyTorch GEMM eff. | kadapt/PyTorch |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ModelBench.StepResult s : steps) {
            String batch = s.ns() + "+" + s.nt();
            if (s.timing() == null) {
                md.append(f("| %s | %s | %s | %s |||||||%n", s.shape().name(), batch, s.method().label(), s.note()));
                continue;
            }
            double cpu = s.timing().cpuMs().median();
            double eff = s.flopsPerStep() / (cpu / 1e3) / gemm[0];
            String key = TorchPeer.Result.key(s.shape().inputs(), s.shape().classes(), s.ns(), s.nt(),
                    s.method().domainTerms());
            ModelBench.Timing t = peer.timings().get(key);
            String peerCpu = peer.notMeasured() != null ? "not measured"
                    : t == null ? peer.skipped().getOrDefault(key, "—") : f("%.2f", t.cpuMs().median());
            String peerEff = t == null ? "—" : f("%.1f %%", 100 * s.flopsPerStep() / (t.cpuMs().median() / 1e3) / gemm[0]);
            String ratio = t == null ? "—" : f("**%.2f×** (%.2f×)", t.cpuMs().median() / cpu,
                    t.wallMs().median() / s.timing().wallMs().median());
            md.append(f("| %s | %s | %s | %.2f | %.2f | %.2f | %.0f | %.1f %%%s | %s | %s | %s |%n", s.shape().name(),
                    batch, s.method().label(), s.timing().wallMs().median(), s.timing().wallMs().quantile(0.9), cpu,
                    (s.ns() + s.nt()) / (cpu / 1e3), 100 * eff, s.note() == null ? "" : " (" + s.note() + ")",
                    peerCpu, peerEff, ratio));
        }
        md.append('\n').append(peer.notMeasured() != null ? peer.notMeasured()
                : f("Peer: PyTorch %s, 1 thread, %s; bench/torch_peer.py.", peer.version(), peer.blas()));
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

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
