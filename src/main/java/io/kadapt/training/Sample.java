package io.kadapt.training;

/**
 * One validated input sample. {@code label} is {@link #NO_LABEL} for target samples, whose labels the
 * service never sees during training.
 */
public record Sample(String id, float[] features, int label) {
    public static final int NO_LABEL = -1;

    public boolean labelled() {
        return label != NO_LABEL;
    }
}
