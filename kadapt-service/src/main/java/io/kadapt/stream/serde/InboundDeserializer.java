package io.kadapt.stream.serde;

import com.fasterxml.jackson.databind.JsonNode;
import io.kadapt.data.Domain;
import io.kadapt.data.Sample;
import io.kadapt.stream.dlq.RejectReason;
import io.kadapt.stream.dlq.RejectedRecordException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads and validates one input topic's JSON against the model's shape. Anything the model cannot use
 * becomes an {@link InboundRecord.Rejected} with its {@link RejectReason}: it never throws, so no bad record
 * can stop the stream, and the rejection reaches the dead-letter topic through the processor.
 */
public final class InboundDeserializer implements Deserializer<InboundRecord> {
    /** Which input topic this deserializer reads. */
    public enum Role { SOURCE, TARGET, FEEDBACK }

    private final Role role;
    private final int inputDim;
    private final LabelRule labels;
    private final double maxAbsFeature;

    public InboundDeserializer(Role role, int inputDim, LabelRule labels, double maxAbsFeature) {
        this.role = role;
        this.inputDim = inputDim;
        this.labels = labels;
        this.maxAbsFeature = maxAbsFeature;
    }

    /** A classification deserializer: labels are classes 0..classes−1. */
    public InboundDeserializer(Role role, int inputDim, int classes, double maxAbsFeature) {
        this(role, inputDim, new LabelRule.ClassLabels(classes), maxAbsFeature);
    }

    @Override
    public InboundRecord deserialize(String topic, byte[] data) {
        try {
            if (data == null) {
                throw new RejectedRecordException(RejectReason.MALFORMED_JSON, "null value (tombstone)");
            }
            return role == Role.FEEDBACK ? feedback(data) : sample(data);
        } catch (RejectedRecordException e) {
            return new InboundRecord.Rejected(e.reason(), e.getMessage());
        }
    }

    private InboundRecord sample(byte[] data) {
        SampleMessage message = parse(data, SampleMessage.class);
        String id = requireId(message.id());
        if (message.features() == null) {
            throw new RejectedRecordException(RejectReason.MISSING_FEATURES, "no 'features' array");
        }
        if (message.features().length != inputDim) {
            throw new RejectedRecordException(RejectReason.WRONG_FEATURE_COUNT,
                    message.features().length + " features, model.input-dim is " + inputDim);
        }
        float[] features = new float[inputDim];
        for (int i = 0; i < inputDim; i++) {
            double value = message.features()[i];
            // Checked after narrowing too: 1e300 is finite as a double but infinite as a float.
            features[i] = (float) value;
            if (!Float.isFinite(features[i])) {
                throw new RejectedRecordException(RejectReason.NON_FINITE_FEATURE,
                        "feature " + i + " is " + value + " (not finite in single precision)");
            }
            if (Math.abs(value) > maxAbsFeature) {
                throw new RejectedRecordException(RejectReason.FEATURE_OUT_OF_RANGE,
                        "feature " + i + " is " + value + ", beyond input.max-abs-feature " + maxAbsFeature);
            }
        }
        boolean hasLabel = message.label() != null && !message.label().isNull();
        if (role == Role.TARGET) {
            if (hasLabel) {
                throw new RejectedRecordException(RejectReason.UNEXPECTED_LABEL,
                        "target samples carry no label; send late labels to the feedback topic");
            }
            return new InboundRecord.DomainSample(Domain.TARGET, new Sample(id, features, Sample.NO_LABEL));
        }
        return new InboundRecord.DomainSample(Domain.SOURCE, new Sample(id, features, label(message.label())));
    }

    private InboundRecord feedback(byte[] data) {
        FeedbackMessage message = parse(data, FeedbackMessage.class);
        return new InboundRecord.FeedbackLabel(requireId(message.id()), label(message.label()));
    }

    private double label(JsonNode label) {
        if (label == null || label.isNull()) {
            throw new RejectedRecordException(RejectReason.MISSING_LABEL, "no 'label'");
        }
        return labels.parse(label);
    }

    private static String requireId(String id) {
        if (id == null || id.isBlank()) {
            throw new RejectedRecordException(RejectReason.MISSING_ID, "no 'id'");
        }
        return id;
    }

    private static <T> T parse(byte[] data, Class<T> type) {
        try {
            return JsonCodec.read(data, type);
        } catch (SerializationException e) {
            throw new RejectedRecordException(RejectReason.MALFORMED_JSON, e.getMessage());
        }
    }
}
