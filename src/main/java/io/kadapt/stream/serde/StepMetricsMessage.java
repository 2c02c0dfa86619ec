package io.kadapt.stream.serde;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A record on the metrics topic, one per training step. {@code targetAccuracy} is null until feedback
 * labels have arrived.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record StepMetricsMessage(long step, long timestamp, boolean applied, String skipReason, boolean sourceOnly,
                                 boolean replay,
                                 Map<String, Double> losses, Map<String, Double> lambda, double totalLoss,
                                 int sourceBatch, int targetBatch, double mmd, double targetEntropy,
                                 double sourceAccuracy, Double targetAccuracy, long feedbackLabels,
                                 double gradientNorm, double stepMs) {
}
