package io.kadapt.training;

/**
 * The negative-transfer guard ({@link NegativeTransferGuard}).
 *
 * @param enabled whether a source-only shadow model trains beside the adapted one and the better of the two is served
 * @param window  evidence for a decision: this many labelled target samples (feedback), or this many target samples
 *                in whole target batches (label-free); and as much again since the last switch before the next
 * @param margin  hysteresis on feedback evidence: the other model's error rate must be lower by more than this (its
 *                mean squared error lower by more than this fraction, for regression) before the guard switches
 * @param labelFreeMargin hysteresis on label-free evidence: the other model's information maximisation must be
 *                higher by more than this fraction of ln C (its maximum, C classes). Much larger than the feedback
 *                margin: without labels the guard should only step in on gross failure (a collapse onto few
 *                classes), because IM also rewards a confidently wrong source-only model (on the demo stream the two
 *                models' IM differ by under 5 % of ln C while adaptation is worth 14 points of accuracy)
 */
public record GuardSettings(boolean enabled, int window, double margin, double labelFreeMargin) {
    public static final GuardSettings OFF = new GuardSettings(false, 256, 0.02, 0.15);

    public GuardSettings {
        if (window < 1) {
            throw new IllegalArgumentException("guard.window must be at least 1");
        }
        if (!(margin >= 0) || Double.isInfinite(margin)) {
            throw new IllegalArgumentException("guard.margin must be a finite number >= 0");
        }
        if (!(labelFreeMargin >= 0) || Double.isInfinite(labelFreeMargin)) {
            throw new IllegalArgumentException("guard.label-free-margin must be a finite number >= 0");
        }
    }
}
