package io.kadapt.stream.serde;

import com.fasterxml.jackson.databind.JsonNode;
import io.kadapt.model.ModelSpec;
import io.kadapt.stream.dlq.RejectReason;
import io.kadapt.stream.dlq.RejectedRecordException;

/** What a present {@code label} must be for the model's task, on the source and feedback topics. */
public sealed interface LabelRule permits LabelRule.ClassLabels, LabelRule.ValueLabels {

    /** The rule of the spec's task; regression labels share the features' bound. */
    static LabelRule forSpec(ModelSpec spec, double maxAbsFeature) {
        return switch (spec.task()) {
            case CLASSIFICATION -> new ClassLabels(spec.numClasses());
            case REGRESSION -> new ValueLabels(maxAbsFeature);
        };
    }

    /** The label's value, or a {@link RejectedRecordException} with the reason. */
    double parse(JsonNode label);

    /** An integer class in 0..classes−1 (a whole-valued decimal such as 2.0 counts as 2). */
    record ClassLabels(int classes) implements LabelRule {
        @Override
        public double parse(JsonNode label) {
            if (!label.isIntegralNumber() && !(label.isNumber() && label.asDouble() == Math.rint(label.asDouble()))) {
                throw new RejectedRecordException(RejectReason.INVALID_LABEL, "label " + label
                        + " is not an integer class");
            }
            double value = label.asDouble();
            if (value < 0 || value >= classes) {
                throw new RejectedRecordException(RejectReason.LABEL_OUT_OF_RANGE,
                        "label " + label + " outside 0.." + (classes - 1) + " (model.classes is " + classes + ")");
            }
            return (int) value;
        }
    }

    /**
     * A JSON number, finite in single precision (the model's usual dtype: a label that overflows there makes the
     * loss infinite and costs the whole batch) and within ±{@code maxAbs}.
     */
    record ValueLabels(double maxAbs) implements LabelRule {
        @Override
        public double parse(JsonNode label) {
            if (!label.isNumber()) {
                throw new RejectedRecordException(RejectReason.INVALID_LABEL, "label " + label + " is not a number");
            }
            double value = label.asDouble();
            if (!Float.isFinite((float) value)) {
                throw new RejectedRecordException(RejectReason.NON_FINITE_LABEL,
                        "label " + value + " is not finite in single precision");
            }
            if (Math.abs(value) > maxAbs) {
                throw new RejectedRecordException(RejectReason.LABEL_OUT_OF_RANGE,
                        "label " + value + " beyond input.max-abs-feature " + maxAbs);
            }
            return value;
        }
    }
}
