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
 * @param brokerBounces    how many times the broker is stopped mid-stream and restarted on the same port and data,
 *                         alternately clean (SIGTERM, controlled shutdown) and hard (SIGKILL); kadapt is left running
 * @param brokerOutage     how long the broker stays down at least, from the stop to the restart's launch
 * @param guarantee        {@code processing.guarantee}
 * @param commitIntervalMs {@code commit.interval.ms}
 * @param kadapt           further kadapt settings ({@code --set}), e.g. {@code model.hidden}
 * @param runTimeout       most time one run (all its restarts) may take to predict and train everything
 */
public record ChaosSettings(long seed, int sources, int targets, int sourceBatch, int targetBatch, int kills,
                            StopSignal stop, int brokerBounces, Duration brokerOutage, String guarantee,
                            long commitIntervalMs, Map<String, String> kadapt, Duration runTimeout) {

    /** How the harness stops kadapt at a kill point. */
    public enum StopSignal { SIGKILL, SIGTERM }

    public ChaosSettings {
        if (sources < sourceBatch || targets < targetBatch) {
            throw new IllegalArgumentException("need at least one batch of each domain");
        }
        if (kills < 0 || brokerBounces < 0) {
            throw new IllegalArgumentException("kills and broker bounces must be >= 0");
        }
        kadapt = Map.copyOf(new LinkedHashMap<>(kadapt));
    }

    public ChaosSettings withKills(int count, StopSignal signal) {
        return new ChaosSettings(seed, sources, targets, sourceBatch, targetBatch, count, signal, brokerBounces,
                brokerOutage,
                guarantee, commitIntervalMs, kadapt, runTimeout);
    }

    public ChaosSettings withBrokerBounces(int count, Duration outage) {
        return new ChaosSettings(seed, sources, targets, sourceBatch, targetBatch, kills, stop, count, outage, guarantee,
                commitIntervalMs, kadapt, runTimeout);
    }

    public ChaosSettings withGuarantee(String processingGuarantee, long commitInterval) {
        return new ChaosSettings(seed, sources, targets, sourceBatch, targetBatch, kills, stop, brokerBounces,
                brokerOutage, processingGuarantee, commitInterval, kadapt, runTimeout);
    }

    /** Further kadapt settings on top of these. */
    public ChaosSettings withKadapt(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(kadapt);
        merged.putAll(more);
        return new ChaosSettings(seed, sources, targets, sourceBatch, targetBatch, kills, stop, brokerBounces,
                brokerOutage, guarantee, commitIntervalMs, merged, runTimeout);
    }
}
