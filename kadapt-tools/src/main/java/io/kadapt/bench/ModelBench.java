package io.kadapt.bench;

import io.kadapt.config.ConfigException;
import io.kadapt.config.KadaptConfig;
import io.kadapt.config.ModelSpecs;
import io.kadapt.loss.DomainLoss;
import io.kadapt.model.EngineChoice;
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
 * In-process timings of the model: training steps per (shape, batch, method, engine), predictions per batch size and
 * engine (and on the SameDiff graph, the path the direct one replaced), and the machine's ND4J GEMM throughput. Wall
 * and this thread's CPU time per call, and the Java heap it allocated, after a warm-up (SameDiff's session code
 * needs tens of calls before the JIT has compiled it).
 */
final class ModelBench {

    /** Per-call wall and CPU milliseconds, and Java heap bytes allocated per call (NaN: not measured). */
    record Timing(Samples wallMs, Samples cpuMs, double bytesPerCall) {
        Timing(Samples wallMs, Samples cpuMs) {
            this(wallMs, cpuMs, Double.NaN);
        }
    }

    /** One training configuration's result; {@code timing} null when skipped, with the reason in {@code note}. */
    record StepResult(PerfSettings.Shape shape, int ns, int nt, PerfSettings.Method method, EngineChoice engine,
                      Timing timing, double flopsPerStep, String note) {
    }

    /** A step's fixed inputs: seeded random rows of both domains (the target's shifted), labels, every λ = 1. */
    record StepFixture(INDArray xs, INDArray xt, int[] ys, Map<String, Double> lambdas) {
        static StepFixture of(ModelSpec spec, PerfSettings.Shape shape, int ns, int nt) {
            Random random = new Random(1);
            Nd4j.getRandom().setSeed(1);
            INDArray xs = Nd4j.rand(DataType.FLOAT, ns, shape.inputs());
            INDArray xt = Nd4j.rand(DataType.FLOAT, nt, shape.inputs()).addi(0.5);
            int[] ys = random.ints(ns, 0, shape.classes()).toArray();
            return new StepFixture(xs, xt, ys, spec.domainLosses().stream()
                    .collect(Collectors.toMap(DomainLoss::name, term -> 1.0)));
        }

        Object step(TransferModel model) {
            return model.step(xs, ys, xt, lambdas);
        }
    }

    private final PerfSettings settings;

    ModelBench(PerfSettings settings) {
        this.settings = settings;
    }

    /** A model spec for the method, or null when kadapt does not know its loss names (with the reason). */
    ModelSpec spec(PerfSettings.Shape shape, PerfSettings.Method method, EngineChoice engine, StringBuilder whyNot) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("model.input-dim", Integer.toString(shape.inputs()));
        keys.put("model.classes", Integer.toString(shape.classes()));
        keys.put("model.hidden", settings.hidden().stream().map(String::valueOf).collect(Collectors.joining(",")));
        keys.put("loss.domain", method.domainTerms());
        keys.put("model.seed", "1");
        keys.put("model.engine", engine.configName());
        try {
            return ModelSpecs.from(KadaptConfig.of(keys));
        } catch (ConfigException e) {
            whyNot.append(e.getMessage());
            return null;
        }
    }

    StepResult step(PerfSettings.Shape shape, int ns, int nt, PerfSettings.Method method, EngineChoice engine) {
        StringBuilder whyNot = new StringBuilder();
        ModelSpec spec = spec(shape, method, engine, whyNot);
        if (spec == null) {
            return new StepResult(shape, ns, nt, method, engine, null, Double.NaN, "skipped: " + whyNot);
        }
        StepFixture fixture = StepFixture.of(spec, shape, ns, nt);
        try (TransferModel model = TransferModel.initialise(spec)) {
            Timing timing = time(settings.warmupSteps(), settings.measuredSteps(), () -> fixture.step(model));
            FlopCount.Count flops = FlopCount.step(shape.inputs(), settings.hidden(), shape.classes(), ns, nt,
                    method.domainTerms());
            return new StepResult(shape, ns, nt, method, engine, timing, flops.flops(), flops.note());
        }
    }

    /**
     * Predictions of {@code rows} rows by each engine's serving path, keyed by engine name, and (key
     * {@code "samediff-graph"}) through the SameDiff graph, the path the direct one replaced.
     */
    Map<String, Timing> predict(PerfSettings.Shape shape, int rows) {
        INDArray x = Nd4j.rand(DataType.FLOAT, rows, shape.inputs());
        int calls = Math.max(50, settings.measuredSteps() * 10);
        Map<String, Timing> result = new LinkedHashMap<>();
        for (EngineChoice engine : settings.engines()) {
            // loss-independent: the prediction path is the MLP and the softmax
            ModelSpec spec = spec(shape, new PerfSettings.Method("CE", "none"), engine, new StringBuilder());
            try (TransferModel model = TransferModel.initialise(spec)) {
                result.put(engine.configName(), time(calls, calls, () -> model.predictProbabilities(x)));
                if (engine == EngineChoice.SAMEDIFF) {
                    result.put("samediff-graph", time(calls, calls, () -> model.predictProbabilitiesWithSameDiff(x)));
                }
            }
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
        long allocatedBefore = allocatedBytes(threads);
        for (int i = 0; i < calls; i++) {
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            action.get();
            wall[i] = (System.nanoTime() - start) / 1e6;
            cpu[i] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6;
        }
        double bytesPerCall = allocatedBefore < 0 ? Double.NaN
                : (allocatedBytes(threads) - allocatedBefore) / (double) calls;
        return new Timing(Samples.of(wall), Samples.of(cpu), bytesPerCall);
    }

    /** Java heap this thread has allocated so far (HotSpot's ThreadMXBean extension), or -1 on other JVMs. */
    private static long allocatedBytes(ThreadMXBean threads) {
        return threads instanceof com.sun.management.ThreadMXBean hotspot ? hotspot.getCurrentThreadAllocatedBytes()
                : -1;
    }

    List<int[]> batches() {
        return settings.batches();
    }
}
