package io.kadapt.loss;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * DANN (Ganin et al. 2016, "Domain-Adversarial Training of Neural Networks"): a domain classifier
 * ({@link DomainDiscriminator}: one ReLU hidden layer and a logit) on the features behind a
 * {@link GradientReversal}, trained with binary cross-entropy to tell source (label 0) from target (label 1). The value is the class-balanced BCE
 * ½·(mean_s BCE(z, 0) + mean_t BCE(z, 1)), log 2 ≈ 0.693 at chance.
 *
 * <p>The model adds λ·value to the loss, so the domain classifier descends λ·∇BCE and the feature extractor,
 * through the reversal, ascends it: its gradient is −λ·∂BCE/∂f, the paper's GRL with coefficient λ. That the
 * classifier's own gradient is also scaled by λ hardly matters under Adam, which normalises each parameter's step
 * by its gradient scale; at λ = 0 (source-only steps, the start of a dann-ramp) the classifier does not move.
 */
public final class DomainAdversarialLoss implements DomainLoss {

    /** {@code loss.domain=dann}; its classifier width is shared with cdan. */
    public static final DomainTerm TERM = new DomainTerm("dann", DomainTerm.ANY_TASK, List.of(
            new TermKey("loss.dann.hidden", "64", "Width of the domain classifier’s hidden layer (dann and cdan).")),
            s -> new DomainAdversarialLoss(s.featureDim(), s.positiveInteger("loss.dann.hidden")));

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
        return DomainDiscriminator.balancedBce(sd, name(), in.sourceFeatures(), in.targetFeatures(), featureDim,
                hiddenWidth);
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
