package io.kadapt.chaos;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One soak run.
 *
 * @param duration    how long the producer runs at {@code rate}
 * @param rate        source samples per second (as many target samples, and one feedback label per target)
 * @param sampleEvery how often lag, memory and error counters are sampled
 * @param kadapt      kadapt settings ({@code --set}) on top of the soak's own
 */
public record SoakSettings(Duration duration, double rate, Duration sampleEvery, Map<String, String> kadapt) {
    /**
     * Below the demo's 100/s per domain and well below what one kadapt sustains on the demo shape even on a loaded
     * 2-core machine, so lag measures steadiness, not capacity.
     */
    public static final double DEFAULT_RATE = 25;

    public SoakSettings {
        if (duration.isNegative() || duration.isZero() || rate <= 0 || sampleEvery.isZero()) {
            throw new IllegalArgumentException("duration, rate and sample interval must be positive");
        }
        kadapt = Map.copyOf(new LinkedHashMap<>(kadapt));
    }

    /** Input records per second over the three input topics. */
    double inputRecordsPerSecond() {
        return 3 * rate;
    }
}
