package io.kadapt.data;

/**
 * One validated input sample. {@code label} is the class index (classification) or the true value (regression);
 * {@link #NO_LABEL} for target samples, whose labels the service never sees during training.
 */
public record Sample(String id, float[] features, double label) {
    /** NaN, not −1: every finite number is a valid regression label, and NaN labels are rejected at the door. */
    public static final double NO_LABEL = Double.NaN;

    public boolean labelled() {
        return !Double.isNaN(label);
    }
}
