package io.kadapt.stream.serde;

import io.kadapt.data.Prediction;

/**
 * A classifier's record on the predictions topic. {@code latencyMs}: from the input record's timestamp to this
 * prediction.
 */
public record PredictionMessage(String id, int predicted, float[] probabilities, long modelStep, double latencyMs) {

    /** The wire form of a prediction: this record for a class, a {@link ValuePredictionMessage} for a value. */
    public static Object of(Prediction prediction, double latencyMs) {
        return prediction.probabilities() == null
                ? new ValuePredictionMessage(prediction.id(), prediction.predicted(), prediction.modelStep(), latencyMs)
                : new PredictionMessage(prediction.id(), prediction.predictedClass(), prediction.probabilities(),
                        prediction.modelStep(), latencyMs);
    }
}
