package io.kadapt.bench;

import io.kadapt.replay.ReplayOrder;
import io.kadapt.training.RunningStandardizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The online linear model a user could write in ten lines (issue 13's yardstick): multinomial logistic regression on
 * the same stream, with the service's per-domain running standardisation (variance floor included), trained on each
 * fresh source mini-batch for a few passes like scikit-learn's {@code SGDClassifier.partial_fit} protocol, target
 * labels never used. Adam (Kingma & Ba 2015) with L2 weight decay, zero initialisation: no randomness at all, so
 * the same order gives the same numbers. Prequential and final accuracy are measured as {@link TopologyReplay} does.
 */
final class OnlineLinearBaseline {
    private final int dimension;
    private final int classes;
    private final int batch;
    private final int passes;
    private final double learningRate;
    private final double l2;
    private final double[] weights;
    private final double[] m;
    private final double[] v;
    private long step;

    /** The settings measured in docs/BENCHMARKS.md: batches of 32, 8 passes, Adam lr 1e-3, L2 1e-4. */
    static OnlineLinearBaseline standard(int dimension, int classes) {
        return new OnlineLinearBaseline(dimension, classes, 32, 8, 1e-3, 1e-4);
    }

    OnlineLinearBaseline(int dimension, int classes, int batch, int passes, double learningRate, double l2) {
        this.dimension = dimension;
        this.classes = classes;
        this.batch = batch;
        this.passes = passes;
        this.learningRate = learningRate;
        this.l2 = l2;
        int size = (dimension + 1) * classes;
        this.weights = new double[size];
        this.m = new double[size];
        this.v = new double[size];
    }

    /** Replays {@code order} (and scores {@code heldOutSource} at the end) with per-domain statistics floored at
     * {@code varianceFloor}. */
    TopologyReplay.Outcome run(ReplayOrder order, List<ReplayOrder.Entry> heldOutSource, double varianceFloor) {
        long started = System.nanoTime();
        RunningStandardizer sourceStats = new RunningStandardizer(dimension).withVarianceFloor(varianceFloor);
        RunningStandardizer targetStats = new RunningStandardizer(dimension).withVarianceFloor(varianceFloor);
        List<ReplayOrder.Entry> pending = new ArrayList<>();
        boolean[] hits = new boolean[order.targetSamples()];
        int prequentialCorrect = 0;
        int targetIndex = 0;
        double freshAccuracy = 0;
        int freshBatches = 0;
        for (ReplayOrder.Entry entry : order.entries()) {
            switch (entry.kind()) {
                case SOURCE -> {
                    sourceStats.add(entry.features());
                    pending.add(entry);
                    if (pending.size() == batch) {
                        float[][] xs = standardized(sourceStats, pending);
                        int[] ys = pending.stream().mapToInt(ReplayOrder.Entry::label).toArray();
                        freshAccuracy += accuracy(xs, ys);
                        freshBatches++;
                        for (int pass = 0; pass < passes; pass++) {
                            step(xs, ys);
                        }
                        pending.clear();
                    }
                }
                case TARGET -> {
                    targetStats.add(entry.features());
                    boolean hit = predict(standardized(targetStats, List.of(entry))[0]) == entry.label();
                    hits[targetIndex++] = hit;
                    prequentialCorrect += hit ? 1 : 0;
                }
                case FEEDBACK -> {
                    // Target labels never train the baseline either.
                }
            }
        }
        int finalCorrect = 0;
        for (ReplayOrder.Entry entry : order.targets()) {
            finalCorrect += predict(standardized(targetStats, List.of(entry))[0]) == entry.label() ? 1 : 0;
        }
        int heldOutCorrect = 0;
        for (ReplayOrder.Entry entry : heldOutSource) {
            heldOutCorrect += predict(standardized(sourceStats, List.of(entry))[0]) == entry.label() ? 1 : 0;
        }
        return new TopologyReplay.Outcome(java.util.Map.of(), order.targetSamples(), prequentialCorrect, finalCorrect,
                step, (System.nanoTime() - started) / 1e9, freshBatches > 0 ? freshAccuracy / freshBatches : Double.NaN,
                heldOutSource.isEmpty() ? Double.NaN : (double) heldOutCorrect / heldOutSource.size(), hits,
                Double.NaN, 0, List.of());
    }

    private float[][] standardized(RunningStandardizer stats, List<ReplayOrder.Entry> entries) {
        float[][] rows = new float[entries.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new float[dimension];
            stats.standardize(entries.get(i).features(), rows[i]);
        }
        return rows;
    }

    /** Logits of one standardised row; the bias is the last row of the weight matrix [dimension + 1, classes]. */
    double[] logits(float[] x) {
        double[] z = new double[classes];
        for (int c = 0; c < classes; c++) {
            z[c] = weights[dimension * classes + c];
        }
        for (int i = 0; i < dimension; i++) {
            if (x[i] != 0) {
                int row = i * classes;
                for (int c = 0; c < classes; c++) {
                    z[c] += x[i] * weights[row + c];
                }
            }
        }
        return z;
    }

    int predict(float[] x) {
        double[] z = logits(x);
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (z[c] > z[best]) {
                best = c;
            }
        }
        return best;
    }

    private double accuracy(float[][] xs, int[] ys) {
        int correct = 0;
        for (int n = 0; n < xs.length; n++) {
            correct += predict(xs[n]) == ys[n] ? 1 : 0;
        }
        return (double) correct / xs.length;
    }

    /** Mean cross-entropy of the batch plus (l2/2)·‖W‖² (bias excluded), as in scikit-learn's penalty. */
    double loss(float[][] xs, int[] ys) {
        double total = 0;
        for (int n = 0; n < xs.length; n++) {
            double[] p = softmax(logits(xs[n]));
            total -= Math.log(p[ys[n]]);
        }
        double penalty = 0;
        for (int k = 0; k < dimension * classes; k++) {
            penalty += weights[k] * weights[k];
        }
        return total / xs.length + 0.5 * l2 * penalty;
    }

    /** The gradient of {@link #loss}. */
    double[] gradient(float[][] xs, int[] ys) {
        double[] grad = new double[weights.length];
        for (int n = 0; n < xs.length; n++) {
            double[] p = softmax(logits(xs[n]));
            p[ys[n]] -= 1;
            for (int i = 0; i < dimension; i++) {
                if (xs[n][i] != 0) {
                    for (int c = 0; c < classes; c++) {
                        grad[i * classes + c] += xs[n][i] * p[c] / xs.length;
                    }
                }
            }
            for (int c = 0; c < classes; c++) {
                grad[dimension * classes + c] += p[c] / xs.length;
            }
        }
        for (int k = 0; k < dimension * classes; k++) {
            grad[k] += l2 * weights[k];
        }
        return grad;
    }

    /** One Adam step on a standardised batch. */
    void step(float[][] xs, int[] ys) {
        double[] grad = gradient(xs, ys);
        step++;
        double beta1 = 0.9;
        double beta2 = 0.999;
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        for (int k = 0; k < weights.length; k++) {
            m[k] = beta1 * m[k] + (1 - beta1) * grad[k];
            v[k] = beta2 * v[k] + (1 - beta2) * grad[k] * grad[k];
            weights[k] -= learningRate * (m[k] / correction1) / (Math.sqrt(v[k] / correction2) + 1e-8);
        }
    }

    double[] weights() {
        return weights;
    }

    private static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double value : z) {
            max = Math.max(max, value);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int c = 0; c < z.length; c++) {
            p[c] = Math.exp(z[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < z.length; c++) {
            p[c] /= sum;
        }
        return p;
    }
}
