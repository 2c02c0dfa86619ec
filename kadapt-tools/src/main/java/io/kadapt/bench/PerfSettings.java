package io.kadapt.bench;

import io.kadapt.model.EngineChoice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code kadapt bench perf} measures.
 *
 * @param methods   loss configurations by label; those whose {@code loss.domain} value kadapt does not know are
 *                  skipped with a note
 * @param e2eRecords records per domain of the max-rate end-to-end runs
 * @param duration  length of the half-rate latency and memory run
 * @param peerScript the PyTorch peer, or null to skip it
 * @param engines    the training engines timed side by side ({@code model.engine} values)
 * @param predictRows batch sizes of the prediction timings
 */
public record PerfSettings(List<Shape> shapes, List<Integer> hidden, List<int[]> batches, List<Method> methods,
                           int warmupSteps, int measuredSteps, int gemmSize, int e2eRecords, Duration duration,
                           Path peerScript, boolean installPeer, List<EngineChoice> engines, List<Integer> predictRows) {

    /** Both engines: the hand-written one and SameDiff. */
    public static final List<EngineChoice> ENGINES = List.of(EngineChoice.FAST, EngineChoice.SAMEDIFF);

    /** An input shape: the Amazon reviews (400 features, 2 classes) or MNIST-like (256, 10). */
    public record Shape(String name, int inputs, int classes) {
    }

    /** A loss configuration: a label and the {@code loss.domain} value it means. */
    public record Method(String label, String domainTerms) {
    }

    /** The method list. One line adds a loss: kadapt's {@code ModelSpecs} decides whether it exists. */
    public static final List<Method> METHODS = List.of(
            new Method("CE", "none"),
            new Method("CE+MMD", "mmd"),
            new Method("CE+CORAL", "coral"),
            new Method("CE+DANN", "dann"));

    public static PerfSettings full(Duration duration, Path peerScript, boolean installPeer) {
        return new PerfSettings(List.of(new Shape("Amazon", 400, 2), new Shape("MNIST", 256, 10)), List.of(256, 128),
                List.of(new int[] {64, 64}, new int[] {128, 128}, new int[] {256, 256}), METHODS, 40, 40, 1024,
                100_000, duration, peerScript, installPeer, ENGINES, List.of(1, 64));
    }

    /** Tiny sizes, the CE-only method left out (each graph build costs seconds): proves the bench runs end to end. */
    public static PerfSettings smoke(Path peerScript) {
        return new PerfSettings(List.of(new Shape("Amazon", 400, 2)), List.of(16, 8), List.of(new int[] {8, 8}),
                METHODS.subList(1, METHODS.size()), 2, 3, 128, 200, Duration.ofSeconds(3), peerScript, false, ENGINES,
                List.of(1, 8));
    }
}
