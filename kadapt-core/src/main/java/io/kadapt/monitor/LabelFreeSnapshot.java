package io.kadapt.monitor;

import io.kadapt.data.Domain;
import java.util.List;
import java.util.Map;

/**
 * The label-free scores at one moment; NaN where a score has no data yet (or does not apply: the prediction
 * scores for regression). Immutable, so the stream thread can hand it to a metrics thread.
 *
 * @param predictions              target predictions in the window the prediction scores are computed over
 * @param meanEntropy              mean entropy of those predictions, in nats (0 = all certain, log C = all uniform)
 * @param informationMaximisation  H(mean prediction) − mean entropy, in nats, 0..log C (higher: confident and diverse)
 * @param softNeighbourhoodDensity SND (Saito et al. 2021), 0..log(window − 1); higher = denser neighbourhoods
 * @param classRatios              fraction of the window predicted as each class (empty for regression)
 * @param inputDrift               per domain, MMD² of raw inputs between the reference and the recent window, 0..2
 * @param disagreementRatio        shadow/adapted disagreement over the last comparisons
 * @param sourcePrequentialAccuracy accuracy of the last fresh source samples, each scored before the model trained on
 *                                  it (NaN before any, and for regression)
 */
public record LabelFreeSnapshot(int predictions, double meanEntropy, double informationMaximisation,
                                double softNeighbourhoodDensity, List<Double> classRatios,
                                Map<Domain, Double> inputDrift, double disagreementRatio,
                                double sourcePrequentialAccuracy) {
    public LabelFreeSnapshot {
        classRatios = List.copyOf(classRatios);
        inputDrift = Map.copyOf(inputDrift);
    }

    /** Drift of {@code domain}'s inputs, NaN before its reference window is full. */
    public double drift(Domain domain) {
        return inputDrift.getOrDefault(domain, Double.NaN);
    }
}
