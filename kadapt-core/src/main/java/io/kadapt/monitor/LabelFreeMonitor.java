package io.kadapt.monitor;

import io.kadapt.data.Domain;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Feeds the label-free scores: each target prediction's class probabilities, each domain's raw input rows and
 * the shadow/adapted comparisons and the fresh source batches' accuracy go into bounded windows (O(window) per call, a copy of the row); the quadratic
 * scores (SND, input drift) are computed only in {@link #snapshot()}, which the caller takes when {@link #due()}
 * says {@code every} predictions have passed, off the per-record path. Held in memory only: after a restart the
 * windows, and the drift reference, start again from the first rows. Not thread-safe; one stream thread feeds it.
 */
public final class LabelFreeMonitor {
    private final MonitorSettings settings;
    private final RowWindow predictions;
    private final double[][] sndScratch;
    private final Map<Domain, InputDrift> drift = new EnumMap<>(Domain.class);
    private final FractionWindow disagreement;
    private final FractionWindow sourceHits;
    private long sinceSnapshot;

    /**
     * @param classes    the model's classes; 0 for regression (no prediction scores, drift only)
     * @param inputWidth features per input row
     */
    public LabelFreeMonitor(MonitorSettings settings, int classes, int inputWidth) {
        this.settings = settings;
        this.predictions = classes > 0 ? new RowWindow(settings.predictionWindow(), classes) : null;
        this.sndScratch = classes > 0 ? new double[settings.predictionWindow()][classes] : null;
        for (Domain domain : Domain.values()) {
            drift.put(domain, new InputDrift(settings.driftWindow(), inputWidth));
        }
        this.disagreement = new FractionWindow(settings.disagreementWindow());
        this.sourceHits = new FractionWindow(settings.sourceWindow());
    }

    /** A target prediction's class probabilities (not used for regression). */
    public void prediction(float[] probabilities) {
        if (predictions == null) {
            throw new IllegalStateException("a regression monitor takes no class probabilities");
        }
        predictions.add(probabilities);
        sinceSnapshot++;
    }

    /** A valid sample's raw (not standardised) features. */
    public void input(Domain domain, float[] features) {
        drift.get(domain).add(features);
        if (predictions == null && domain == Domain.TARGET) {
            sinceSnapshot++;  // regression: target samples set the pace, there are no probabilities
        }
    }

    /** Whether the shadow model predicted a different class than the served model for one target sample. */
    public void disagreement(boolean different) {
        disagreement.record(different);
    }

    /**
     * A fresh source batch scored before the step that first trains on it: {@code correct} of its {@code size} samples
     * predicted right (the source prequential accuracy, the one accuracy a service measures without target labels).
     */
    public void sourceBatch(int correct, int size) {
        sourceHits.record(correct, size);
    }

    /**
     * True once {@code every} target predictions (regression: target input rows) have arrived since the last
     * snapshot.
     */
    public boolean due() {
        return sinceSnapshot >= settings.every();
    }

    /** Computes every score now (O(window²)); resets {@link #due()}. */
    public LabelFreeSnapshot snapshot() {
        sinceSnapshot = 0;
        Map<Domain, Double> drifts = new EnumMap<>(Domain.class);
        drift.forEach((domain, d) -> drifts.put(domain, d.compute()));
        if (predictions == null || predictions.size() == 0) {
            return new LabelFreeSnapshot(0, Double.NaN, Double.NaN, Double.NaN, List.of(), drifts,
                    disagreement.ratio(), sourceHits.ratio());
        }
        List<Double> ratios = new ArrayList<>();
        for (double ratio : PredictionScores.classRatios(predictions)) {
            ratios.add(ratio);
        }
        return new LabelFreeSnapshot(predictions.size(), PredictionScores.meanEntropy(predictions),
                PredictionScores.informationMaximisation(predictions),
                PredictionScores.softNeighbourhoodDensity(predictions, PredictionScores.SND_TEMPERATURE, sndScratch),
                ratios, drifts, disagreement.ratio(), sourceHits.ratio());
    }
}
