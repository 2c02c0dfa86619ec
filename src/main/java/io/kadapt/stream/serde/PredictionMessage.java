package io.kadapt.stream.serde;

/** A record on the predictions topic. {@code latencyMs}: from the input record's timestamp to this prediction. */
public record PredictionMessage(String id, int predicted, float[] probabilities, long modelStep, double latencyMs) {
}
