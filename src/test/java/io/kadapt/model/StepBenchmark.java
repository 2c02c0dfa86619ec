package io.kadapt.model;

import io.kadapt.loss.CrossEntropyLoss;
import io.kadapt.loss.MmdLoss;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times one training step of the reference configuration (400→256→128→2, CE + MMD, batch 128 + 128). Not a unit
 * test; run with {@code OMP_NUM_THREADS=1 java -cp target/classes:target/test-classes:<deps>
 * io.kadapt.model.StepBenchmark [steps] [dropout]}. Also compares SameDiff's gradient entry points.
 */
public final class StepBenchmark {

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        double dropout = args.length > 1 ? Double.parseDouble(args[1]) : 0.0;
        int warmup = 60; // SameDiff's Java session code needs this many calls before C2 has compiled it
        ModelSpec spec = new ModelSpec(400, 2, List.of(256, 128), Activation.RELU, dropout, 1L, DataType.FLOAT,
                AdamSettings.withLearningRate(1e-3), 0.0, new CrossEntropyLoss(), List.of(new MmdLoss()));
        Random random = new Random(1);
        INDArray xs = Nd4j.rand(DataType.FLOAT, 128, 400);
        INDArray xt = Nd4j.rand(DataType.FLOAT, 128, 400).addi(0.5);
        int[] ys = random.ints(128, 0, 2).toArray();
        Map<String, Double> lambdas = Map.of("mmd", 1.0);
        System.out.printf("load average at start %.2f (wall times inflate on a shared machine; CPU times less so)%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        try (TransferModel model = TransferModel.initialise(spec)) {
            report("TransferModel.step", time(warmup, steps, () -> model.step(xs, ys, xt, lambdas)));
            report("TransferModel.predictProbabilities(128)", time(warmup, steps, () -> model.predictProbabilities(xs)));
        }

        TransferGraph graph = new TransferGraph(spec);
        Map<String, INDArray> feeds = new HashMap<>();
        feeds.put(TransferGraph.SOURCE_X, xs);
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, 128, 2);
        for (int i = 0; i < 128; i++) {
            oneHot.putScalar(i, ys[i], 1.0);
        }
        feeds.put(TransferGraph.SOURCE_Y, oneHot);
        feeds.put(TransferGraph.TARGET_X, xt);
        graph.lambdaNames().values().forEach(name -> feeds.put(name, Nd4j.scalar(DataType.FLOAT, 1.0)));
        for (int i = 0; i < graph.sourceMaskNames().size(); i++) {
            feeds.put(graph.sourceMaskNames().get(i), Nd4j.ones(DataType.FLOAT, 128, spec.hiddenLayers().get(i)));
            feeds.put(graph.targetMaskNames().get(i), Nd4j.ones(DataType.FLOAT, 128, spec.hiddenLayers().get(i)));
        }
        report("calculateGradientsAndOutputs", time(warmup, steps, () -> graph.sameDiff()
                .calculateGradientsAndOutputs(feeds, graph.stepOutputNames(), graph.trainableNames())));
        report("calculateGradients + output", time(warmup, steps, () -> {
            graph.sameDiff().calculateGradients(feeds, graph.trainableNames());
            return graph.sameDiff().output(feeds, graph.stepOutputNames());
        }));
        report("calculateGradients only", time(warmup, steps,
                () -> graph.sameDiff().calculateGradients(feeds, graph.trainableNames())));
        report("output(total loss) only", time(warmup, steps,
                () -> graph.sameDiff().output(feeds, graph.totalLossName())));
        try (TransferModel model = TransferModel.initialise(spec)) {
            report("TransferModel.step (again, warmer JIT)", time(warmup, steps, () -> model.step(xs, ys, xt, lambdas)));
        }
    }

    /** Wall-clock and this thread's CPU milliseconds per call; CPU time is robust to a shared, loaded machine. */
    private static double[][] time(int warmup, int steps, Supplier<?> action) {
        for (int i = 0; i < warmup; i++) {
            action.get();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[][] millis = new double[2][steps];
        for (int i = 0; i < steps; i++) {
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            action.get();
            millis[0][i] = (System.nanoTime() - start) / 1e6;
            millis[1][i] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6;
        }
        return millis;
    }

    private static void report(String what, double[][] millis) {
        double[] wall = millis[0].clone();
        double[] cpu = millis[1].clone();
        Arrays.sort(wall);
        Arrays.sort(cpu);
        System.out.printf("%-42s wall median %7.2f ms (p10 %7.2f, p90 %7.2f)  cpu median %7.2f ms  (n=%d)%n", what,
                wall[wall.length / 2], wall[wall.length / 10], wall[wall.length * 9 / 10], cpu[cpu.length / 2],
                wall.length);
    }
}
