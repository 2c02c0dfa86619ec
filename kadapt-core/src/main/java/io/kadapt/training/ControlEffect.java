package io.kadapt.training;

/**
 * What one {@link ControlCommand} did, for its acknowledgement: the setting it addressed, the value before and after
 * (a {@code Double}, a {@code Boolean}, or for a snapshot the model step), and the model step at which it was applied.
 * The change holds for every step after {@code modelStep}.
 *
 * @param setting the configuration key the command overrides ({@code loss.mmd.lambda}, {@code train.learning-rate}),
 *                {@code train.paused}, or {@code snapshot}
 */
public record ControlEffect(String command, String term, String setting, Object oldValue, Object newValue,
                            long modelStep, boolean paused) {
}
