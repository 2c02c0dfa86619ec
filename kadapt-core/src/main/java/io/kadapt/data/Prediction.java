package io.kadapt.data;

/**
 * The model's answer for one target sample, made before the model trained on that sample.
 *
 * @param predicted     the arg-max class (classification) or the predicted value (regression)
 * @param probabilities class probabilities; null for regression
 */
public record Prediction(String id, double predicted, float[] probabilities, long modelStep) {

    /** The predicted class of a classifier's prediction. */
    public int predictedClass() {
        if (probabilities == null) {
            throw new IllegalStateException("a regression prediction has no class");
        }
        return (int) predicted;
    }
}
