package io.kadapt.loss;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Deep CORAL (Sun &amp; Saenko 2016, "Deep CORAL: Correlation Alignment for Deep Domain Adaptation", eq. 1):
 * ‖C_s − C_t‖²_F / (4d²), where C_s and C_t are the unbiased (n − 1) covariance matrices of the source and target
 * features [n, d]. Aligns second-order statistics only; cheap (O(n·d²)) and needs no bandwidth.
 *
 * <p>A batch of one row has no covariance; it counts as zero (the divisor is max(n − 1, 1)).
 */
public final class CoralLoss implements DomainLoss {

    /** {@code loss.domain=coral}. */
    public static final DomainTerm TERM = new DomainTerm("coral", DomainTerm.ANY_TASK, List.of(),
            s -> new CoralLoss());

    @Override
    public String name() {
        return "coral";
    }

    @Override
    public SDVariable define(SameDiff sd, DomainInputs in) {
        SDVariable difference = covariance(sd, in.sourceFeatures()).sub(covariance(sd, in.targetFeatures()));
        SDVariable d = BatchOps.columns(sd, in.sourceFeatures());
        return difference.mul(difference).sum().mul(d.mul(d).mul(4.0).rdiv(1.0));
    }

    private static SDVariable covariance(SameDiff sd, SDVariable x) {
        SDVariable centred = x.sub(BatchOps.columnMeans(sd, x));
        SDVariable divisor = sd.math().max(BatchOps.rows(sd, x).sub(1.0), sd.onesLike(BatchOps.rows(sd, x)));
        return sd.mmul(centred, centred, true, false, false).mul(divisor.rdiv(1.0));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoralLoss;
    }

    @Override
    public int hashCode() {
        return CoralLoss.class.hashCode();
    }

    @Override
    public String toString() {
        return "CoralLoss";
    }
}
