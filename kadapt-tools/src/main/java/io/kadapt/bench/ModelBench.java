package io.kadapt.bench;

import io.kadapt.config.ConfigException;
import io.kadapt.config.KadaptConfig;
import io.kadapt.config.ModelSpecs;
import io.kadapt.loss.DomainLoss;
import io.kadapt.model.ModelSpec;
import io.kadapt.model.TransferModel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * In-process timings of the model: training steps per (shape, batch, method), 1-row predictions on the direct and
 * the SameDiff path, and the machine's ND4J GEMM throughput. Wall and this thread's CPU time per call, after a
 * warm-up (SameDiff's session code needs tens of calls before the JIT has compiled it).
 */
final class ModelBench {

    /** Per-call wall and CPU milliseconds. */
    record Timing(Samples wallMs, Samples cpuMs) {
    }

    /** One training configuration's result; {@code timing} null when skipped, with the reason in {@code note}. */
    record StepResult(PerfSettings.Shape shape, int ns, int nt, PerfSettings.Method method, Timing timing,
                      double flopsPerStep, String note) {
    }

    private final PerfSettings settings;

    ModelBench(PerfSettings settings) {
        this.settings = settings;
    }

    /** A model spec for the method, or null when kadapt does not know its loss names (with the reason). */
    ModelSpec spec(PerfSettings.Shape shape, PerfSettings.Method method, StringBuilder whyNot) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("model.input-dim", Integer.toString(shape.inputs()));
        keys.put("model.classes", Integer.toString(shape.classes()));
        keys.put("model.hidden", settings.hidden().stream().map(String::valueOf).collect(Collectors.joining(",")));
        keys.put("loss.domain", method.domainTerms());
        keys.put("model.seed", "1");
        try {
            return ModelSpecs.from(KadaptConfig.of(keys));
        } catch (ConfigException e) {
            whyNot.append(e.getMessage());
            return null;
        }
    }

    StepResult step(PerfSettings.Shape shape, int ns, int nt, PerfSettings.Method method) {
        StringBuilder whyNot = new StringBuilder();
        ModelSpec spec = spec(shape, method, whyNot);
        if (spec == null) {
            return new StepResult(shape, ns, nt, method, null, Double.NaN, "skipped: " + whyNot);
        }
        Random random = new Random(1);
        Nd4j.getRandom().setSeed(1);
        INDArray xs = Nd4j.rand(DataType.FLOAT, ns, shape.inputs());
        INDArray xt = Nd4j.rand(DataType.FLOAT, nt, shape.inputs()).addi(0.5);
        int[] ys = random.ints(ns, 0, shape.classes()).toArray();
        Map<String, Double> lambdas = spec.domainLosses().stream()
                .collect(Collectors.toMap(DomainLoss::name, term -> 1.0));
        try (TransferModel model = TransferModel.initialise(spec)) {
            Timing timing = time(settings.warmupSteps(), settings.measuredSteps(),
                    () -> model.step(xs, ys, xt, lambdas));
            FlopCount.Count flops = FlopCount.step(shape.inputs(), settings.hidden(), shape.classes(), ns, nt,
                    method.domainTerms());
            return new StepResult(shape, ns, nt, method, timing, flops.flops(), flops.note());
        }
    }

    /** 1-row predictions on the serving (direct ND4J) path and on the SameDiff path it replaced. */
    Map<String, Timing> predictOneRow(PerfSettings.Shape shape) {
        ModelSpec spec = spec(shape, new PerfSettings.Method("CE", "none"), new StringBuilder()); // loss-independent
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, shape.inputs());
        int calls = Math.max(50, settings.measuredSteps() * 10);
        Map<String, Timing> result = new LinkedHashMap<>();
        try (TransferModel model = TransferModel.initialise(spec)) {
            result.put("direct", time(calls, calls, () -> model.predictProbabilities(x)));
            result.put("samediff", time(calls, calls, () -> model.predictProbabilitiesWithSameDiff(x)));
        }
        return result;
    }

    /** ND4J single-precision GEMM, n×n·n×n, as FLOP per CPU second (and per wall second). */
    double[] gemmFlopsPerSecond() {
        int n = settings.gemmSize();
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        Timing t = time(3, 10, () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0));
        double flops = 2.0 * n * n * n;
        return new double[] {flops / (t.cpuMs().median() / 1e3), flops / (t.wallMs().median() / 1e3)};
    }

    static Timing time(int warmup, int calls, Supplier<?> action) {
        for (int i = 0; i < warmup; i++) {
            action.get();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] wall = new double[calls];
        double[] cpu = new double[calls];
        for (int i = 0; i < calls; i++) {
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            action.get();
            wall[i] = (System.nanoTime() - start) / 1e6;
            cpu[i] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6;
        }
        return new Timing(Samples.of(wall), Samples.of(cpu));
    }

    List<int[]> batches() {
        return settings.batches();
    }
}
