package io.kadapt.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.weightinit.impl.XavierInitScheme;
import org.nd4j.weightinit.impl.ZeroInitScheme;

/**
 * DANN (Ganin et al. 2016, "Domain-Adversarial Training of Neural Networks"): a domain classifier — one ReLU
 * hidden layer and a logit — on the features behind a {@link GradientReversal}, trained with binary cross-entropy
 * to tell source (label 0) from target (label 1). The value is the class-balanced BCE
 * ½·(mean_s BCE(z, 0) + mean_t BCE(z, 1)), log 2 ≈ 0.693 at chance.
 *
 * <p>The model adds λ·value to the loss, so the domain classifier descends λ·∇BCE and the feature extractor,
 * through the reversal, ascends it: its gradient is −λ·∂BCE/∂f, the paper's GRL with coefficient λ. That the
 * classifier's own gradient is also scaled by λ hardly matters under Adam, which normalises each parameter's step
 * by its gradient scale; at λ = 0 (source-only steps, the start of a dann-ramp) the classifier does not move.
 */
public final class DomainAdversarialLoss implements DomainLoss {

    private final int featureDim;
    private final int hiddenWidth;

    /**
     * @param featureDim  width of the features the classifier reads (the last hidden layer)
     * @param hiddenWidth width of the classifier's hidden layer
     */
    public DomainAdversarialLoss(int featureDim, int hiddenWidth) {
        if (featureDim <= 0 || hiddenWidth <= 0) {
            throw new IllegalArgumentException("featureDim and hiddenWidth must be > 0, got " + featureDim + ", "
                    + hiddenWidth);
        }
        this.featureDim = featureDim;
        this.hiddenWidth = hiddenWidth;
    }

    public int hiddenWidth() {
        return hiddenWidth;
    }

    @Override
    public String name() {
        return "dann";
    }

    @Override
    public SDVariable define(SameDiff sd, DomainInputs in) {
        var dtype = in.sourceFeatures().dataType();
        SDVariable w1 = sd.var(name() + "/hidden/W", new XavierInitScheme('c', featureDim, hiddenWidth), dtype,
                featureDim, hiddenWidth);
        SDVariable b1 = sd.var(name() + "/hidden/b", new ZeroInitScheme('c'), dtype, 1, hiddenWidth);
        SDVariable w2 = sd.var(name() + "/out/W", new XavierInitScheme('c', hiddenWidth, 1), dtype, hiddenWidth, 1);
        SDVariable b2 = sd.var(name() + "/out/b", new ZeroInitScheme('c'), dtype, 1, 1);
        SDVariable sourceLogit = logit(sd, in.sourceFeatures(), w1, b1, w2, b2);
        SDVariable targetLogit = logit(sd, in.targetFeatures(), w1, b1, w2, b2);
        // BCE(z, 0) = softplus(z), BCE(z, 1) = softplus(z) − z.
        SDVariable sourceBce = softplus(sd, sourceLogit).mean();
        SDVariable targetBce = softplus(sd, targetLogit).sub(targetLogit).mean();
        return sourceBce.add(targetBce).mul(0.5);
    }

    private static SDVariable logit(SameDiff sd, SDVariable features, SDVariable w1, SDVariable b1, SDVariable w2,
                                    SDVariable b2) {
        SDVariable reversed = GradientReversal.apply(sd, features, 1.0);
        SDVariable hidden = sd.nn().relu(reversed.mmul(w1).add(b1), 0.0);
        return hidden.mmul(w2).add(b2);
    }

    /** log(1 + e^z) as max(z, 0) + log(1 + e^−|z|): finite for any z. */
    private static SDVariable softplus(SameDiff sd, SDVariable z) {
        return sd.nn().relu(z, 0.0).add(sd.math().log(sd.math().exp(sd.math().abs(z).neg()).add(1.0)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DomainAdversarialLoss other && other.featureDim == featureDim
                && other.hiddenWidth == hiddenWidth;
    }

    @Override
    public int hashCode() {
        return 31 * featureDim + hiddenWidth;
    }

    @Override
    public String toString() {
        return "DomainAdversarialLoss[featureDim=" + featureDim + ", hiddenWidth=" + hiddenWidth + "]";
    }
}
