package io.kadapt.stream.serde;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A record on the metrics topic, one per training step. {@code targetAccuracy} is null until feedback
 * labels have arrived. A regression model reports null {@code targetEntropy}, {@code sourceAccuracy} and
 * {@code targetAccuracy}, and adds {@code targetMae}/{@code targetRmse} once feedback labels have arrived (classification
 * records never carry them, so their shape is as before regression).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record StepMetricsMessage(long step, long timestamp, boolean applied, String skipReason, boolean sourceOnly,
                                 boolean replay,
                                 Map<String, Double> losses, Map<String, Double> lambda, double totalLoss,
                                 int sourceBatch, int targetBatch, double mmd, Double targetEntropy,
                                 Double sourceAccuracy, Double targetAccuracy, long feedbackLabels,
                                 double gradientNorm, double stepMs,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) Double targetMae,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) Double targetRmse) {
}
