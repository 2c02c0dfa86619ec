package io.kadapt.loss;

import io.kadapt.data.Task;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Multi-class hinge loss (Weston &amp; Watkins 1999; PyTorch's {@code MultiMarginLoss}):
 * (1/n)·Σ_i (1/C)·Σ_{j≠y_i} max(0, m − z_{i,y_i} + z_{i,j}). Zero once the true class's logit leads every other
 * by the margin m, so confidently right samples stop contributing — a max-margin alternative to cross-entropy.
 */
public final class MultiMarginLoss implements SupervisedLoss {

    /** {@code loss.supervised=hinge}. */
    public static final SupervisedTerm TERM = new SupervisedTerm("hinge", Task.CLASSIFICATION, List.of(
            new TermKey("loss.hinge.margin", "1.0", "Margin m > 0 of the multi-class hinge loss.")),
            s -> new MultiMarginLoss(s.positive("loss.hinge.margin")));

    private final double margin;

    /** @param margin m &gt; 0 */
    public MultiMarginLoss(double margin) {
        if (!(margin > 0.0) || Double.isInfinite(margin)) {
            throw new IllegalArgumentException("hinge margin must be finite and > 0, got " + margin);
        }
        this.margin = margin;
    }

    @Override
    public String name() {
        return "hinge";
    }

    public double margin() {
        return margin;
    }

    @Override
    public SDVariable define(SameDiff sd, SDVariable logits, SDVariable oneHotLabels) {
        SDVariable trueLogit = BatchOps.rowSums(sd, oneHotLabels.mul(logits));                    // [n, 1]
        SDVariable violations = sd.nn().relu(logits.sub(trueLogit).add(margin), 0.0)
                .mul(oneHotLabels.rsub(1.0));                                                        // j ≠ y only
        SDVariable count = BatchOps.rows(sd, logits).mul(BatchOps.columns(sd, logits));
        return violations.sum().mul(count.rdiv(1.0));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiMarginLoss other && Double.compare(other.margin, margin) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(margin);
    }

    @Override
    public String toString() {
        return "MultiMarginLoss[margin=" + margin + "]";
    }
}
