package io.kadapt.chaos;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One crash loop: how many samples, how kadapt is configured, and how it is stopped.
 *
 * @param seed             seeds the input data, the kill points and (as {@code model.seed}) the model
 * @param kills            how many times the running kadapt is stopped (by {@code stop}) mid-stream and restarted
 * @param stop             how: SIGKILL (crash) or SIGTERM (graceful shutdown)
 * @param guarantee        {@code processing.guarantee}
 * @param commitIntervalMs {@code commit.interval.ms}
 * @param kadapt           further kadapt settings ({@code --set}), e.g. {@code model.hidden}
 * @param runTimeout       most time one run (all its restarts) may take to predict and train everything
 */
public record ChaosSettings(long seed, int sources, int targets, int sourceBatch, int targetBatch, int kills,
                            StopSignal stop, String guarantee, long commitIntervalMs, Map<String, String> kadapt,
                            Duration runTimeout) {

    /** How the harness stops kadapt at a kill point. */
    public enum StopSignal { SIGKILL, SIGTERM }

    public ChaosSettings {
        if (sources < sourceBatch || targets < targetBatch) {
            throw new IllegalArgumentException("need at least one batch of each domain");
        }
        if (kills < 0) {
            throw new IllegalArgumentException("kills must be >= 0");
        }
        kadapt = Map.copyOf(new LinkedHashMap<>(kadapt));
    }

    public ChaosSettings withKills(int count, StopSignal signal) {
        return new ChaosSettings(seed, sources, targets, sourceBatch, targetBatch, count, signal, guarantee,
                commitIntervalMs, kadapt, runTimeout);
    }

    public ChaosSettings withGuarantee(String processingGuarantee, long commitInterval) {
        return new ChaosSettings(seed, sources, targets, sourceBatch, targetBatch, kills, stop, processingGuarantee,
                commitInterval, kadapt, runTimeout);
    }
}
