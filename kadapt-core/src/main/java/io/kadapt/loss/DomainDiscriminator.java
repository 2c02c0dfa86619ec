package io.kadapt.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.weightinit.impl.XavierInitScheme;
import org.nd4j.weightinit.impl.ZeroInitScheme;

/**
 * The domain classifier of the adversarial terms ({@link DomainAdversarialLoss}, {@link ConditionalAdversarialLoss}):
 * one ReLU hidden layer and a logit, behind a {@link GradientReversal}, trained with binary cross-entropy to tell
 * source (label 0) from target (label 1). Its variables are named {@code <prefix>/hidden/W} etc.
 */
final class DomainDiscriminator {

    private DomainDiscriminator() {
    }

    /**
     * Creates the classifier's variables and returns the class-balanced BCE ½·(mean_s BCE(z, 0) + mean_t BCE(z, 1))
     * of its logits z on the (reversed) inputs, log 2 ≈ 0.693 at chance.
     *
     * @param sourceInput [ns, inputDim]
     * @param targetInput [nt, inputDim]
     */
    static SDVariable balancedBce(SameDiff sd, String prefix, SDVariable sourceInput, SDVariable targetInput,
                                  int inputDim, int hiddenWidth) {
        var dtype = sourceInput.dataType();
        SDVariable w1 = sd.var(prefix + "/hidden/W", new XavierInitScheme('c', inputDim, hiddenWidth), dtype,
                inputDim, hiddenWidth);
        SDVariable b1 = sd.var(prefix + "/hidden/b", new ZeroInitScheme('c'), dtype, 1, hiddenWidth);
        SDVariable w2 = sd.var(prefix + "/out/W", new XavierInitScheme('c', hiddenWidth, 1), dtype, hiddenWidth, 1);
        SDVariable b2 = sd.var(prefix + "/out/b", new ZeroInitScheme('c'), dtype, 1, 1);
        SDVariable sourceLogit = logit(sd, sourceInput, w1, b1, w2, b2);
        SDVariable targetLogit = logit(sd, targetInput, w1, b1, w2, b2);
        // BCE(z, 0) = softplus(z), BCE(z, 1) = softplus(z) − z.
        SDVariable sourceBce = softplus(sd, sourceLogit).mean();
        SDVariable targetBce = softplus(sd, targetLogit).sub(targetLogit).mean();
        return sourceBce.add(targetBce).mul(0.5);
    }

    private static SDVariable logit(SameDiff sd, SDVariable input, SDVariable w1, SDVariable b1, SDVariable w2,
                                    SDVariable b2) {
        SDVariable reversed = GradientReversal.apply(sd, input, 1.0);
        SDVariable hidden = sd.nn().relu(reversed.mmul(w1).add(b1), 0.0);
        return hidden.mmul(w2).add(b2);
    }

    /**
     * log(1 + e^z) as s + log(e^−s + e^(z−s)) with the shift s = max(z, 0) held constant: finite for any z, and the
     * gradient is exactly σ(z) because s does not depend on z. The textbook max(z, 0) + log(1 + e^−|z|) is not
     * safe here: at z = 0 SameDiff differentiates max and |·| to 0 and returns gradient 0 instead of ½ — and z is
     * exactly 0 for every sample whose hidden units are all dead while the zero-initialised output bias is still 0.
     */
    private static SDVariable softplus(SameDiff sd, SDVariable z) {
        SDVariable shift = new StopGradient(sd, sd.nn().relu(z, 0.0)).outputVariable();
        return shift.add(sd.math().log(sd.math().exp(shift.neg()).add(sd.math().exp(z.sub(shift)))));
    }
}
