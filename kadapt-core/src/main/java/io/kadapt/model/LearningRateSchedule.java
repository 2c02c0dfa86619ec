package io.kadapt.model;


/**
 * The learning rate as a pure function of the optimiser step, so a model restored from a snapshot continues the
 * same curve without storing schedule state.
 *
 * <p>{@code inverse-decay} is the annealing of Ganin et al. 2016 ("Domain-Adversarial Training of Neural Networks",
 * §5.2.2): lr(p) = lr₀·(1 + α·p)^(−β) with p = min(1, t / steps) the training progress; the paper uses α = 10,
 * β = 0.75, which ends at 11^(−0.75)·lr₀ ≈ 0.166·lr₀. Adam adapts the step per parameter, but not its overall scale:
 * the decay still damps the late, noisy updates of an online run.
 *
 * @param shape the curve
 * @param alpha α ≥ 0 of {@code inverse-decay}
 * @param beta  β ≥ 0 of {@code inverse-decay}
 * @param steps number of steps over which p runs from 0 to 1, > 0
 */
public record LearningRateSchedule(Shape shape, double alpha, double beta, long steps) {

    /** Curves of the learning rate over training progress. */
    public enum Shape {
        CONSTANT("constant"), INVERSE_DECAY("inverse-decay");

        private final String configName;

        Shape(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }
    }

    /** The rate does not change: lr₀ at every step. */
    public static final LearningRateSchedule CONSTANT = new LearningRateSchedule(Shape.CONSTANT, 0.0, 0.0, 1);

    public LearningRateSchedule {
        if (shape == null) {
            throw new IllegalArgumentException("learning-rate schedule shape must be set");
        }
        if (!(alpha >= 0.0) || Double.isInfinite(alpha) || !(beta >= 0.0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("learning-rate schedule alpha and beta must be finite and >= 0, got "
                    + alpha + ", " + beta);
        }
        if (steps <= 0) {
            throw new IllegalArgumentException("learning-rate schedule steps must be > 0, got " + steps);
        }
    }

    /** The factor lr(t)/lr₀ at step {@code step} (≥ 0): the number of updates applied before this one. */
    public double factorAt(long step) {
        if (shape == Shape.CONSTANT) {
            return 1.0;
        }
        double p = Math.min(1.0, Math.max(0L, step) / (double) steps);
        return Math.pow(1.0 + alpha * p, -beta);
    }
}
