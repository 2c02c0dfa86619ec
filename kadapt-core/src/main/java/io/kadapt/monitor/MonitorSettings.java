package io.kadapt.monitor;

/**
 * Sizes of the label-free monitor's windows and how often it recomputes.
 *
 * @param predictionWindow target predictions the entropy, IM, SND and class-ratio scores are computed over (SND
 *                         costs O(window²·classes))
 * @param driftWindow      rows in each domain's reference window (the first rows seen) and recent window (MMD
 *                         costs O((2·window)²·input-dim))
 * @param every            target predictions between two {@link LabelFreeMonitor#due() due} recomputations
 * @param disagreementWindow shadow/adapted comparisons the disagreement ratio is computed over
 * @param sourceWindow     fresh source samples the source prequential accuracy is computed over
 */
public record MonitorSettings(int predictionWindow, int driftWindow, int every, int disagreementWindow,
                              int sourceWindow) {
    public static final MonitorSettings DEFAULTS = new MonitorSettings(256, 256, 256, 500, 256);

    public MonitorSettings {
        if (predictionWindow < 2 || driftWindow < 2 || every < 1 || disagreementWindow < 1 || sourceWindow < 1) {
            throw new IllegalArgumentException("monitor windows must be at least 2 (1 for the disagreement and source"
                    + " windows) and the interval at least 1: " + predictionWindow + ", " + driftWindow + ", " + every
                    + ", " + disagreementWindow + ", " + sourceWindow);
        }
    }
}
