package io.kadapt.model;

/**
 * Hyper-parameters of Adam (Kingma &amp; Ba 2015). The update is PyTorch's form,
 * θ −= lr·m̂ / (√v̂ + ε), so that ε means the same as in the PyTorch baseline.
 */
public record AdamSettings(double learningRate, double beta1, double beta2, double epsilon) {

    /** PyTorch's defaults with the given learning rate. */
    public static AdamSettings withLearningRate(double learningRate) {
        return new AdamSettings(learningRate, 0.9, 0.999, 1e-8);
    }

    public AdamSettings {
        if (!(learningRate > 0.0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("adam learningRate must be finite and > 0, got " + learningRate);
        }
        if (!(beta1 >= 0.0 && beta1 < 1.0)) {
            throw new IllegalArgumentException("adam beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0.0 && beta2 < 1.0)) {
            throw new IllegalArgumentException("adam beta2 must be in [0, 1), got " + beta2);
        }
        if (!(epsilon > 0.0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("adam epsilon must be finite and > 0, got " + epsilon);
        }
    }
}
