package io.kadapt.stream.serde;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A record on the metrics topic, one per training step. {@code targetAccuracy} is null until feedback
 * labels have arrived. A regression model reports null {@code targetEntropy}, {@code sourceAccuracy} and
 * {@code targetAccuracy}, and adds {@code targetMae}/{@code targetRmse} once feedback labels have arrived (classification
 * records never carry them, so their shape is as before regression). {@code feedback} marks a step on labelled target
 * samples (feedback learning): its {@code supervised} loss is over them, its {@code sourceAccuracy} null.
 * {@code servingModel} names the model published for serving after the step ({@code adapted}, or {@code source_only}
 * when the negative-transfer guard serves its shadow); {@code guardSwitch} is there only on the step whose batch made
 * the guard switch.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record StepMetricsMessage(long step, long timestamp, boolean applied, String skipReason, boolean sourceOnly,
                                 boolean replay, boolean feedback,
                                 Map<String, Double> losses, Map<String, Double> lambda, double totalLoss,
                                 int sourceBatch, int targetBatch, double mmd, Double targetEntropy,
                                 Double sourceAccuracy, Double targetAccuracy, long feedbackLabels,
                                 double gradientNorm, double stepMs,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) Double targetMae,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) Double targetRmse,
                                 String servingModel,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) GuardSwitch guardSwitch) {

    /**
     * True for the key of a step record (its step number); control acknowledgements ({@link ControlAckMessage}) and
     * label-free snapshots ({@link LabelFreeMessage}) share the topic under other keys.
     */
    public static boolean isStepKey(String key) {
        return key != null && !key.isEmpty() && key.chars().allMatch(Character::isDigit);
    }

    /** A switch of the served model: from, to, the evidence it was decided on, and the two models' scores there. */
    public record GuardSwitch(String from, String to, String criterion, double fromScore, double toScore) {
    }
}
