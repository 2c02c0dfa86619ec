package io.kadapt.stream.dlq;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Thrown by kadapt's deserializers and processor for input it refuses; Kafka Streams hands it to
 * {@link DeadLetterRouter}, which sends the original record to the dead-letter topic.
 */
public final class RejectedRecordException extends SerializationException {
    private final RejectReason reason;

    public RejectedRecordException(RejectReason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
