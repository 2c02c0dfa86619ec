package io.kadapt.broker;

import java.util.List;

/** Existing topics have another partition count than the service requires. */
public final class PartitionCountMismatchException extends TopicProvisioningException {
    private static final long serialVersionUID = 1L;

    /** One topic whose partition count is wrong. */
    public record Mismatch(String topic, int expected, int actual) {
    }

    private final List<Mismatch> mismatches;

    public PartitionCountMismatchException(String message, List<Mismatch> mismatches) {
        super(message);
        this.mismatches = List.copyOf(mismatches);
    }

    /** Every topic whose partition count is wrong. */
    public List<Mismatch> mismatches() {
        return mismatches;
    }
}
