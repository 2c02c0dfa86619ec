package io.kadapt.model;

/**
 * Hyper-parameters of Adam (Kingma &amp; Ba 2015). The update is PyTorch's form,
 * θ −= lr·m̂ / (√v̂ + ε), so that ε means the same as in the PyTorch baseline.
 *
 * @param learningRate       lr₀, the rate at step 0
 * @param learningRateSchedule how the rate changes with the step; {@link LearningRateSchedule#CONSTANT} keeps lr₀
 * @param weightDecay        decoupled weight decay w ≥ 0 (AdamW, Loshchilov &amp; Hutter 2019, PyTorch's form):
 *                           every parameter is first shrunk by the factor 1 − lr·w, then the Adam update applies
 * @param averageDecay       β of an exponential moving average of the parameters kept beside them (0: none); the
 *                           model predicts with the average ({@link TransferModel#predictServedOutputs})
 */
public record AdamSettings(double learningRate, double beta1, double beta2, double epsilon,
                           LearningRateSchedule learningRateSchedule, double weightDecay, double averageDecay) {

    /** Without a parameter average. */
    public AdamSettings(double learningRate, double beta1, double beta2, double epsilon,
                        LearningRateSchedule learningRateSchedule, double weightDecay) {
        this(learningRate, beta1, beta2, epsilon, learningRateSchedule, weightDecay, 0.0);
    }

    /** Without weight decay. */
    public AdamSettings(double learningRate, double beta1, double beta2, double epsilon,
                        LearningRateSchedule learningRateSchedule) {
        this(learningRate, beta1, beta2, epsilon, learningRateSchedule, 0.0);
    }

    /** A constant learning rate. */
    public AdamSettings(double learningRate, double beta1, double beta2, double epsilon) {
        this(learningRate, beta1, beta2, epsilon, LearningRateSchedule.CONSTANT);
    }

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
        if (learningRateSchedule == null) {
            throw new IllegalArgumentException("adam learningRateSchedule must be set");
        }
        if (!(weightDecay >= 0.0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + weightDecay);
        }
        if (!(averageDecay >= 0.0 && averageDecay < 1.0)) {
            throw new IllegalArgumentException("parameter average decay must be in [0, 1), got " + averageDecay);
        }
    }

    /** Whether the model keeps a moving average of its parameters and predicts with it. */
    public boolean averaged() {
        return averageDecay > 0.0;
    }

    /** The learning rate of the update that follows {@code step} applied ones. */
    public double learningRateAt(long step) {
        return learningRate * learningRateSchedule.factorAt(step);
    }
}
