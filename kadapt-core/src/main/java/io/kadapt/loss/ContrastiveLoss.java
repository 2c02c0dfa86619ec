package io.kadapt.loss;

import io.kadapt.data.Task;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Contrastive loss on pairs of source samples (Hadsell, Chopra &amp; LeCun 2006, "Dimensionality Reduction by
 * Learning an Invariant Mapping", eq. 4), on the feature-extractor output f, in the paper's form with the Euclidean
 * distance D = ‖f_i − f_j‖ (not its square):
 * (1/P)·Σ_{pairs i≠j} [ same(i,j)·½·D² + (1 − same(i,j))·½·max(0, m − D)² ].
 * Every pair of the source batch counts once (P = ns(ns−1)/2, computed over the ordered pairs: the same mean);
 * same-class pairs are pulled together, different-class pairs pushed until they are m apart. A metric-learning term
 * beside the supervised loss: it shapes f into class clusters that the domain terms then align. A batch of one row
 * has no pairs and counts 0.
 *
 * <p>D is computed as √(D² + 10⁻¹²): the gradient of √ is infinite at 0, which two identical rows of different
 * classes would reach; the shift changes D by at most 10⁻⁶ and only near 0.
 */
public final class ContrastiveLoss implements DomainLoss {

    /** {@code loss.domain=contrastive}: a source term with its own λ, listed with the domain terms. */
    public static final DomainTerm TERM = new DomainTerm("contrastive", DomainTerm.CLASSIFICATION_ONLY, List.of(
            new TermKey("loss.contrastive.margin", "1.0", "Margin m > 0: source pairs of different classes are"
                    + " pushed until their feature distance reaches m.")),
            s -> new ContrastiveLoss(s.positive("loss.contrastive.margin")));

    private static final double DISTANCE_SHIFT = 1e-12;

    private final double margin;

    /** @param margin m &gt; 0, in units of feature distance */
    public ContrastiveLoss(double margin) {
        if (!(margin > 0.0) || Double.isInfinite(margin)) {
            throw new IllegalArgumentException("contrastive margin must be finite and > 0, got " + margin);
        }
        this.margin = margin;
    }

    public double margin() {
        return margin;
    }

    @Override
    public String name() {
        return "contrastive";
    }

    /** Reads class labels: classification only. */
    @Override
    public boolean supports(Task task) {
        return TERM.supports(task);
    }

    @Override
    public SDVariable define(SameDiff sd, DomainInputs in) {
        SDVariable f = in.sourceFeatures();
        SDVariable y = in.sourceLabels();
        SDVariable same = sd.mmul(y, y, false, true, false);                                     // [n, n], 1 or 0
        SDVariable gram = sd.mmul(f, f, false, true, false);
        // Squared norms from the Gram diagonal (a reduction over a length-1 axis NPEs in M2.1, see BatchOps). The
        // diagonal of D² is exactly 0, and D² of distinct rows can round below 0: hence the relu.
        SDVariable squaredNorms = sd.math().diagPart(gram).reshape(-1, 1);
        SDVariable squared = sd.nn().relu(squaredNorms.add(sd.transpose(squaredNorms)).sub(gram.mul(2.0)), 0.0);
        SDVariable distance = sd.math().sqrt(squared.add(DISTANCE_SHIFT));
        SDVariable shortfall = sd.nn().relu(distance.rsub(margin), 0.0);                          // max(0, m − D)
        // The diagonal adds nothing: same = 1 there and D² = 0.
        SDVariable perPair = same.mul(squared).add(same.rsub(1.0).mul(shortfall.mul(shortfall)));
        SDVariable n = BatchOps.rows(sd, f);
        SDVariable orderedPairs = sd.math().max(n.mul(n.sub(1.0)), sd.onesLike(n));
        return perPair.sum().mul(orderedPairs.mul(2.0).rdiv(1.0));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContrastiveLoss other && Double.compare(other.margin, margin) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(margin);
    }

    @Override
    public String toString() {
        return "ContrastiveLoss[margin=" + margin + "]";
    }
}
