package io.kadapt.stream.serde;

/**
 * A regression model's record on the predictions topic: {@code {"id":"t-17","value":3.25,"modelStep":412,
 * "latencyMs":3.0}}. {@code latencyMs}: from the input record's timestamp to this prediction.
 */
public record ValuePredictionMessage(String id, double value, long modelStep, double latencyMs) {
}
