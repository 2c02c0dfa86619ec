package io.kadapt.stream.serde;

import io.kadapt.data.Domain;
import io.kadapt.data.Sample;
import io.kadapt.training.ControlCommand;

/** A validated record from one of the input topics. */
public sealed interface InboundRecord {
    /** A source (labelled) or target (unlabelled) sample. */
    record DomainSample(Domain domain, Sample sample) implements InboundRecord {
    }

    /** A late true label (class or value) for a target sample the service predicted earlier. */
    record FeedbackLabel(String id, double label) implements InboundRecord {
    }

    /**
     * A runtime control command with its audit fields: the operator's id for it, who or what sent it, and an optional
     * note.
     */
    record Control(String id, ControlCommand command, String issuedBy, String note) implements InboundRecord {
    }

    /**
     * Input the model cannot use. It travels to the processor, which raises it there, so that the dead-letter
     * path is Kafka Streams' processing exception handler: the same in the topology test driver as on a broker.
     */
    record Rejected(io.kadapt.stream.dlq.RejectReason reason, String detail) implements InboundRecord {
    }
}
