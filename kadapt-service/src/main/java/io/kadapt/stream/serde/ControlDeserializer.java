package io.kadapt.stream.serde;

import io.kadapt.stream.dlq.RejectReason;
import io.kadapt.stream.dlq.RejectedRecordException;
import io.kadapt.training.ControlCommand;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads and validates the control topic's JSON ({@link ControlMessage}) into an {@link InboundRecord.Control}; a
 * command the trainer cannot apply becomes an {@link InboundRecord.Rejected} with its reason, so it reaches the
 * dead-letter topic as bad samples do and never changes a setting. Never throws.
 */
public final class ControlDeserializer implements Deserializer<InboundRecord> {
    /** Command names on the wire. */
    public static final List<String> COMMANDS = List.of("set-lambda", "set-learning-rate", "pause", "resume",
            "snapshot");

    private final Set<String> domainTerms;

    /** @param domainTerms the configured domain terms, the only ones whose λ a command may set */
    public ControlDeserializer(Set<String> domainTerms) {
        this.domainTerms = new TreeSet<>(domainTerms);
    }

    @Override
    public InboundRecord deserialize(String topic, byte[] data) {
        try {
            if (data == null) {
                throw new RejectedRecordException(RejectReason.MALFORMED_JSON, "null value (tombstone)");
            }
            ControlMessage message;
            try {
                message = JsonCodec.read(data, ControlMessage.class);
            } catch (SerializationException e) {
                throw new RejectedRecordException(RejectReason.MALFORMED_JSON, e.getMessage());
            }
            if (message.id() == null || message.id().isBlank()) {
                throw new RejectedRecordException(RejectReason.MISSING_ID, "no 'id'");
            }
            if (message.by() == null || message.by().isBlank()) {
                throw new RejectedRecordException(RejectReason.MISSING_ISSUER,
                        "no 'by': say who or what sent the command (it goes into the audit trail)");
            }
            return new InboundRecord.Control(message.id(), command(message), message.by(), message.note());
        } catch (RejectedRecordException e) {
            return new InboundRecord.Rejected(e.reason(), e.getMessage());
        }
    }

    private ControlCommand command(ControlMessage message) {
        String name = message.command();
        if (name == null || !COMMANDS.contains(name)) {
            throw new RejectedRecordException(RejectReason.UNKNOWN_COMMAND,
                    "command '" + name + "' is not one of " + COMMANDS);
        }
        return switch (name) {
            case "set-lambda" -> {
                if (message.term() == null || !domainTerms.contains(message.term())) {
                    throw new RejectedRecordException(RejectReason.UNKNOWN_TERM, "term '" + message.term()
                            + "' is not a configured domain term " + domainTerms);
                }
                double value = value(message);
                if (!(value >= 0.0)) {
                    throw new RejectedRecordException(RejectReason.INVALID_COMMAND_VALUE,
                            "λ must be >= 0, got " + value);
                }
                yield new ControlCommand.SetLambda(message.term(), value);
            }
            case "set-learning-rate" -> {
                double value = value(message);
                if (!(value > 0.0)) {
                    throw new RejectedRecordException(RejectReason.INVALID_COMMAND_VALUE,
                            "learning rate must be > 0, got " + value);
                }
                yield new ControlCommand.SetLearningRate(value);
            }
            case "pause" -> new ControlCommand.Pause();
            case "resume" -> new ControlCommand.Resume();
            default -> new ControlCommand.Snapshot();
        };
    }

    private static double value(ControlMessage message) {
        if (message.value() == null) {
            throw new RejectedRecordException(RejectReason.INVALID_COMMAND_VALUE,
                    message.command() + " needs a numeric 'value'");
        }
        double value = message.value();
        if (!Double.isFinite(value)) {
            throw new RejectedRecordException(RejectReason.INVALID_COMMAND_VALUE, "'value' is " + value);
        }
        return value;
    }
}
