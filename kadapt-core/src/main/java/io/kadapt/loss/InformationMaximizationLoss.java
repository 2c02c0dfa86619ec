package io.kadapt.loss;

import io.kadapt.data.Task;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Entropy minimisation on the target predictions with a diversity term (information maximisation, as in SHOT:
 * Liang et al. 2020, "Do We Really Need to Access the Source Data?", eq. 2; Grandvalet &amp; Bengio 2005 for the
 * entropy part): mean_i H(p_i) − β·H(p̄), where p_i = softmax of the target logits and p̄ the batch's mean
 * prediction. The first part makes each prediction confident; the second keeps the batch's predictions spread over
 * the classes, so the model cannot lower the first by predicting one class for everything.
 *
 * <p>The value can be negative (H(p̄) ≤ log C); its minimum, −β·log C, is confident and class-balanced.
 */
public final class InformationMaximizationLoss implements DomainLoss {

    /** {@code loss.domain=entropy}. */
    public static final DomainTerm TERM = new DomainTerm("entropy", DomainTerm.CLASSIFICATION_ONLY, List.of(
            new TermKey("loss.entropy.diversity", "1.0", "Weight β ≥ 0 of the diversity part −β·H(mean target"
                    + " prediction) of the entropy term; 0: plain entropy minimisation.")),
            s -> new InformationMaximizationLoss(s.nonNegative("loss.entropy.diversity")));

    /** Keeps log p̄ finite when a class receives no probability at all; shifts the value by at most C·1e-12. */
    private static final double LOG_FLOOR = 1e-12;

    private final double diversityWeight;

    /** @param diversityWeight β ≥ 0; 0 gives plain entropy minimisation */
    public InformationMaximizationLoss(double diversityWeight) {
        if (!(diversityWeight >= 0.0) || Double.isInfinite(diversityWeight)) {
            throw new IllegalArgumentException("diversity weight must be finite and >= 0, got " + diversityWeight);
        }
        this.diversityWeight = diversityWeight;
    }

    public double diversityWeight() {
        return diversityWeight;
    }

    @Override
    public String name() {
        return "entropy";
    }

    /** Reads class probabilities: classification only. */
    @Override
    public boolean supports(Task task) {
        return TERM.supports(task);
    }

    @Override
    public SDVariable define(SameDiff sd, DomainInputs in) {
        SDVariable logits = in.targetLogits();
        // Softmax ops without a dimension argument (the last is meant): see CrossEntropyLoss.
        SDVariable p = sd.nn().softmax(logits);
        SDVariable logP = sd.nn().logSoftmax(logits);
        SDVariable meanEntropy = p.mul(logP).sum().mul(BatchOps.rows(sd, logits).rdiv(-1.0));
        if (diversityWeight == 0.0) {
            return meanEntropy;
        }
        SDVariable meanP = BatchOps.columnMeans(sd, p);                                     // [1, C]
        SDVariable marginalEntropy = meanP.mul(sd.math().log(meanP.add(LOG_FLOOR))).sum().neg();
        return meanEntropy.sub(marginalEntropy.mul(diversityWeight));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InformationMaximizationLoss other
                && Double.compare(other.diversityWeight, diversityWeight) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(diversityWeight);
    }

    @Override
    public String toString() {
        return "InformationMaximizationLoss[diversityWeight=" + diversityWeight + "]";
    }
}
