package io.kadapt.chaos;

import io.kadapt.demo.DomainShiftStream;
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
 * @param features    features per sample: the demo's {@value DomainShiftStream#FEATURES}, or wider rows (the
 *                    end-to-end bench's 400) for the service's memory at a production-like shape
 * @param heap        kadapt's fixed heap, a JVM size ({@code 512m}, {@code 2g})
 */
public record SoakSettings(Duration duration, double rate, Duration sampleEvery, Map<String, String> kadapt,
                           int features, String heap) {
    /** Enough for the demo's shape with room to spare; wider rows need more (their buffers and replay memory). */
    public static final String DEFAULT_HEAP = "512m";

    /**
     * Below the demo's 100/s per domain and well below what one kadapt sustains on the demo shape even on a loaded
     * 2-core machine, so lag measures steadiness, not capacity.
     */
    public static final double DEFAULT_RATE = 25;

    public SoakSettings {
        if (duration.isNegative() || duration.isZero() || rate <= 0 || sampleEvery.isZero()) {
            throw new IllegalArgumentException("duration, rate and sample interval must be positive");
        }
        if (features < 2) {
            throw new IllegalArgumentException("features must be at least 2, got " + features);
        }
        if (!heap.matches("[0-9]+[kmgKMG]")) {
            throw new IllegalArgumentException("heap must be a JVM size such as 512m or 2g, got '" + heap + "'");
        }
        kadapt = Map.copyOf(new LinkedHashMap<>(kadapt));
    }

    /** The demo's shape and heap. */
    public SoakSettings(Duration duration, double rate, Duration sampleEvery, Map<String, String> kadapt) {
        this(duration, rate, sampleEvery, kadapt, DomainShiftStream.FEATURES, DEFAULT_HEAP);
    }

    /** Input records per second over the three input topics. */
    double inputRecordsPerSecond() {
        return 3 * rate;
    }
}
