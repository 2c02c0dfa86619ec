package io.kadapt.loss;

/**
 * How the model draws the perturbed view x′ of a target batch x for a term that compares the two: x′ = x + σ·ε with
 * ε ~ N(0, I), passed through the training path with its own dropout masks (when the model has dropout). Both are
 * drawn from (model seed, step), like the dropout masks, so a restarted model sees the same views.
 *
 * @param inputNoiseStd σ ≥ 0, in the units of the (standardised) input
 */
public record PerturbedView(double inputNoiseStd) {
    public PerturbedView {
        if (!(inputNoiseStd >= 0.0) || Double.isInfinite(inputNoiseStd)) {
            throw new IllegalArgumentException("input noise std must be finite and >= 0, got " + inputNoiseStd);
        }
    }
}
