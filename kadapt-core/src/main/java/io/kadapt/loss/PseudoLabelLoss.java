package io.kadapt.loss;

import io.kadapt.data.Task;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

/**
 * Confidence-thresholded pseudo-labelling (Lee 2013; the threshold as in FixMatch, Sohn et al. 2020): cross-entropy
 * of each target prediction against its own arg-max class, counted only where the top probability reaches τ:
 * −(1/n_t)·Σ_i 1[max_c p_ic ≥ τ]·log p_{i,ŷ_i}. The pseudo-label and the mask are constants for the gradient.
 */
public final class PseudoLabelLoss implements DomainLoss {

    /** {@code loss.domain=pseudo_label}. */
    public static final DomainTerm TERM = new DomainTerm("pseudo_label", DomainTerm.CLASSIFICATION_ONLY, List.of(
            new TermKey("loss.pseudo-label.threshold", "0.9", "Confidence τ in [0, 1] a target prediction needs to"
                    + " serve as its own label in the pseudo_label term.")),
            s -> new PseudoLabelLoss(s.inRange("loss.pseudo-label.threshold", 0, 1, true)));

    private final double threshold;

    /** @param threshold τ in [0, 1] */
    public PseudoLabelLoss(double threshold) {
        if (!(threshold >= 0.0 && threshold <= 1.0)) {
            throw new IllegalArgumentException("pseudo-label threshold must be in [0, 1], got " + threshold);
        }
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "pseudo_label";
    }

    public double threshold() {
        return threshold;
    }

    /** Reads class probabilities: classification only. */
    @Override
    public boolean supports(Task task) {
        return TERM.supports(task);
    }

    @Override
    public SDVariable define(SameDiff sd, DomainInputs in) {
        SDVariable logits = in.targetLogits();
        // max_c log p_c = log p_ŷ, and its gradient is that of the cross-entropy with the arg-max as hard label.
        SDVariable topLogP = sd.nn().logSoftmax(logits).max(1);                                   // [n]
        SDVariable confident = sd.math().exp(topLogP).gte(threshold).castTo(logits.dataType());
        SDVariable mask = new StopGradient(sd, confident).outputVariable();
        return topLogP.mul(mask).sum().mul(BatchOps.rows(sd, logits).rdiv(-1.0));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PseudoLabelLoss other && Double.compare(other.threshold, threshold) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(threshold);
    }

    @Override
    public String toString() {
        return "PseudoLabelLoss[threshold=" + threshold + "]";
    }
}
