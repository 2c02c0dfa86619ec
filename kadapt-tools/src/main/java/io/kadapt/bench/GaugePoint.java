package io.kadapt.bench;

import io.kadapt.monitor.LabelFreeMonitor;
import io.kadapt.monitor.LabelFreeSnapshot;
import io.kadapt.monitor.MonitorSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * One checkpoint of a replay: the true accuracy of a window of consecutive published predictions beside the
 * label-free gauges the service computes from the same window (its {@link LabelFreeMonitor}, as on /metrics). What
 * the gauge-correlation table of {@code bench quality} ranks.
 */
record GaugePoint(double accuracy, double entropy, double information, double snd, double disagreement,
                  double drift, double sourcePrequential) {
    /** Checkpoints per replay: windows ending at a quarter, half, three quarters and all of the target stream. */
    static final int CHECKPOINTS = 4;

    /** The target sample count at which checkpoint {@code k} (1 … {@link #CHECKPOINTS}) of {@code targets} ends. */
    static int end(int targets, int k) {
        return (int) ((long) targets * k / CHECKPOINTS);
    }

    /** The first target of the window that ends at {@code end}. */
    static int start(int end) {
        return Math.max(0, end - MonitorSettings.DEFAULTS.predictionWindow());
    }

    /**
     * The checkpoints of one replay, from its predictions' probabilities and hits in target order. A window is the
     * monitor's prediction window (256), or all the predictions before the checkpoint when there are fewer.
     * {@code disagreement}, {@code drift} and {@code sourcePrequential}: per checkpoint (index k − 1), measured by the
     * replay when it reached the checkpoint's end (NaN where it could not).
     */
    static List<GaugePoint> of(List<float[]> probabilities, boolean[] hits, double[] disagreement, double[] drift,
                               double[] sourcePrequential) {
        List<GaugePoint> points = new ArrayList<>(CHECKPOINTS);
        for (int k = 1; k <= CHECKPOINTS; k++) {
            int end = end(probabilities.size(), k);
            int start = start(end);
            if (end - start < 2) {
                continue;
            }
            LabelFreeMonitor monitor = new LabelFreeMonitor(MonitorSettings.DEFAULTS,
                    probabilities.get(0).length, 1);
            int correct = 0;
            for (int i = start; i < end; i++) {
                monitor.prediction(probabilities.get(i));
                correct += hits[i] ? 1 : 0;
            }
            LabelFreeSnapshot snapshot = monitor.snapshot();
            points.add(new GaugePoint((double) correct / (end - start), snapshot.meanEntropy(),
                    snapshot.informationMaximisation(), snapshot.softNeighbourhoodDensity(), disagreement[k - 1],
                    drift[k - 1], sourcePrequential[k - 1]));
        }
        return List.copyOf(points);
    }
}
