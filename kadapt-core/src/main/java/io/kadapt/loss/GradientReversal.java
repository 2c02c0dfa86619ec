package io.kadapt.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

/**
 * The gradient reversal layer of Ganin &amp; Lempitsky 2015 ("Unsupervised Domain Adaptation by Backpropagation",
 * §3.2): identity in the forward pass, gradient multiplied by −c in the backward pass.
 *
 * <p>SameDiff has no such op; it is written as x·(−c) + stopGradient(x·(1 + c)): the forward value is x, and only
 * the first summand carries a gradient.
 */
public final class GradientReversal {

    private GradientReversal() {
    }

    /** @param coefficient c ≥ 0, the factor of the reversed gradient */
    public static SDVariable apply(SameDiff sd, SDVariable x, double coefficient) {
        if (!(coefficient >= 0.0) || Double.isInfinite(coefficient)) {
            throw new IllegalArgumentException("reversal coefficient must be finite and >= 0, got " + coefficient);
        }
        SDVariable detached = new StopGradient(sd, x.mul(1.0 + coefficient)).outputVariable();
        return x.mul(-coefficient).add(detached);
    }
}
