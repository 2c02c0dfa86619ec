package io.kadapt.loss;

import io.kadapt.data.Task;
import java.util.Arrays;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Focal loss (Lin et al. 2017, "Focal Loss for Dense Object Detection", eq. 5) for softmax classifiers:
 * −(1/n)·Σ_i α_{y_i}·(1 − p_{i,y_i})^γ·log p_{i,y_i}. The factor (1 − p)^γ down-weights samples the model already
 * gets right, so training concentrates on hard and rare ones; γ = 0 and α = 1 give cross-entropy.
 */
public final class FocalLoss implements SupervisedLoss {

    /** {@code loss.supervised=focal}. */
    public static final SupervisedTerm TERM = new SupervisedTerm("focal", Task.CLASSIFICATION, List.of(
            new TermKey("loss.focal.gamma", "2.0", "Focusing parameter γ ≥ 0 of the focal loss."),
            new TermKey("loss.focal.alpha", "", "Per-class weights α of the focal loss, comma-separated, one per"
                    + " class. Empty: α = 1.")),
            s -> new FocalLoss(s.nonNegative("loss.focal.gamma"), s.classWeights("loss.focal.alpha")));

    private final double gamma;
    private final double[] alpha;

    /**
     * @param gamma focusing parameter γ ≥ 0
     * @param alpha one weight α_c ≥ 0 per class, or null for α = 1
     */
    public FocalLoss(double gamma, double[] alpha) {
        if (!(gamma >= 0.0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("focal gamma must be finite and >= 0, got " + gamma);
        }
        this.gamma = gamma;
        this.alpha = alpha == null ? null : ClassWeights.checked(alpha);
    }

    @Override
    public String name() {
        return "focal";
    }

    /** The focusing parameter γ. */
    public double gamma() {
        return gamma;
    }

    /** The per-class weights α, or null for α = 1. */
    public double[] alpha() {
        return alpha == null ? null : alpha.clone();
    }

    @Override
    public SDVariable define(SameDiff sd, SDVariable logits, SDVariable oneHotLabels) {
        // Softmax ops without a dimension argument: see CrossEntropyLoss.
        SDVariable trueLogP = BatchOps.rowSums(sd, oneHotLabels.mul(sd.nn().logSoftmax(logits)));   // [n, 1]
        SDVariable perSample = trueLogP.neg();
        if (gamma != 0.0) {
            // (1 − p)^γ as exp(γ·log(1 − p)) would be −∞·0 at p = 1; pow of a clamped base keeps it finite.
            SDVariable miss = sd.math().max(sd.math().exp(trueLogP).rsub(1.0), sd.zerosLike(trueLogP));
            perSample = perSample.mul(sd.math().pow(miss, gamma));
        }
        if (alpha != null) {
            perSample = perSample.mul(ClassWeights.perSample(sd, oneHotLabels, alpha));
        }
        return perSample.mean();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FocalLoss other && Double.compare(other.gamma, gamma) == 0
                && Arrays.equals(other.alpha, alpha);
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(gamma) + Arrays.hashCode(alpha);
    }

    @Override
    public String toString() {
        return "FocalLoss[gamma=" + gamma + (alpha == null ? "" : ", alpha=" + Arrays.toString(alpha)) + "]";
    }
}
