package io.kadapt.demo;

import io.kadapt.data.Domain;
import java.util.SplittableRandom;

/**
 * A synthetic domain-shift problem: {@value #CLASSES} Gaussian class clusters on a circle in the first two
 * features, plus noise features ({@value #FEATURES} features in all unless asked for more: a load test's wider rows).
 * The target domain is the source rotated by {@code rotationDegrees} and shifted, so a classifier trained on the source alone misplaces its decision boundaries on the target,
 * while aligning the two feature distributions recovers them.
 */
public final class DomainShiftStream {
    public static final int CLASSES = 3;
    public static final int FEATURES = 4;
    private static final double RADIUS = 3.0;
    private static final double SPREAD = 0.9;
    private static final double[] TARGET_SHIFT = {1.5, -2.0, 0.5, 0.0};

    private final SplittableRandom random;
    private final double rotation;
    private final int features;

    public DomainShiftStream(long seed, double rotationDegrees) {
        this(seed, rotationDegrees, FEATURES);
    }

    /** @param features row width, at least 2: the two informative features, then noise */
    public DomainShiftStream(long seed, double rotationDegrees, int features) {
        if (features < 2) {
            throw new IllegalArgumentException("the stream needs at least 2 features, got " + features);
        }
        this.random = new SplittableRandom(seed);
        this.rotation = Math.toRadians(rotationDegrees);
        this.features = features;
    }

    /** A labelled point of the given domain. */
    public record Point(float[] features, int label) {
    }

    public Point next(Domain domain) {
        int label = random.nextInt(CLASSES);
        double angle = 2 * Math.PI * label / CLASSES;
        double x = RADIUS * Math.cos(angle) + SPREAD * gaussian();
        double y = RADIUS * Math.sin(angle) + SPREAD * gaussian();
        float[] features = new float[this.features];
        if (domain == Domain.TARGET) {
            features[0] = (float) (x * Math.cos(rotation) - y * Math.sin(rotation) + TARGET_SHIFT[0]);
            features[1] = (float) (x * Math.sin(rotation) + y * Math.cos(rotation) + TARGET_SHIFT[1]);
        } else {
            features[0] = (float) x;
            features[1] = (float) y;
        }
        for (int i = 2; i < features.length; i++) {
            double shift = domain == Domain.TARGET && i < TARGET_SHIFT.length ? TARGET_SHIFT[i] : 0;
            features[i] = (float) (gaussian() + shift);
        }
        return new Point(features, label);
    }

    private double gaussian() {
        // Box–Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
