package io.kadapt.training;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The weight λ_k(t) of one domain term as a pure function of the model step t, so a restored model continues with
 * the same weights without storing any schedule state.
 *
 * <p>With progress p = min(1, t / steps): {@code constant} gives λ; {@code warmup} gives λ·p (linear warm-up);
 * {@code dann-ramp} gives λ·(2 / (1 + e^(−γ·p)) − 1), the schedule of Ganin et al. 2016 ("Domain-Adversarial
 * Training of Neural Networks", §5.2.2, with γ = 10), which suppresses the noisy domain signal of the first steps.
 *
 * @param lambda the final (and, for {@code constant}, only) weight, finite and ≥ 0
 * @param shape  the curve
 * @param gamma  steepness γ of {@code dann-ramp}, finite and > 0
 * @param steps  number of steps over which p runs from 0 to 1, > 0
 */
public record LambdaSchedule(double lambda, Shape shape, double gamma, long steps) {

    /** Curves of λ over training progress. Configuration names are lower-case with dashes ({@code dann-ramp}). */
    public enum Shape {
        CONSTANT, WARMUP, DANN_RAMP;

        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Parses a configuration name; the message lists the accepted names. */
        public static Shape fromConfigName(String name) {
            for (Shape shape : values()) {
                if (shape.configName().equals(name)) {
                    return shape;
                }
            }
            throw new IllegalArgumentException("unknown schedule '" + name + "', expected one of "
                    + Arrays.stream(values()).map(Shape::configName).collect(Collectors.joining(", ")));
        }
    }

    public LambdaSchedule {
        if (!(lambda >= 0.0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite and >= 0, got " + lambda);
        }
        if (shape == null) {
            throw new IllegalArgumentException("schedule shape must be set");
        }
        if (!(gamma > 0.0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("schedule gamma must be finite and > 0, got " + gamma);
        }
        if (steps <= 0) {
            throw new IllegalArgumentException("schedule steps must be > 0, got " + steps);
        }
    }

    /** A weight that does not change. */
    public static LambdaSchedule constant(double lambda) {
        return new LambdaSchedule(lambda, Shape.CONSTANT, 10.0, 1);
    }

    /** λ at model step {@code step} (≥ 0). */
    public double at(long step) {
        double p = Math.min(1.0, Math.max(0L, step) / (double) steps);
        return switch (shape) {
            case CONSTANT -> lambda;
            case WARMUP -> lambda * p;
            case DANN_RAMP -> lambda * (2.0 / (1.0 + Math.exp(-gamma * p)) - 1.0);
        };
    }
}
