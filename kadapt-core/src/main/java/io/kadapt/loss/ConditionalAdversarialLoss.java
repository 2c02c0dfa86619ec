package io.kadapt.loss;

import io.kadapt.data.Task;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.factory.Nd4j;

/**
 * CDAN (Long et al. 2018, "Conditional Adversarial Domain Adaptation", eq. 7 with the multilinear map of eq. 4): the
 * domain classifier of {@link DomainAdversarialLoss} ({@link DomainDiscriminator}, behind the gradient reversal)
 * reads the outer product f ⊗ p of each sample's features f [d] and class probabilities p = softmax(logits) [C],
 * flattened to d·C. Conditioning on the prediction lets it align the class-conditional distributions, where DANN
 * aligns only the marginal one (which can match class A of one domain with class B of the other).
 *
 * <p>As in the authors' code (and TLlib's), p is detached: only the features receive the reversed gradient; the
 * prediction merely selects which part of the classifier sees them. The randomised multilinear map and the entropy
 * weighting (CDAN+E) of the paper are not implemented: the map is exact, fine for d·C up to a few thousand.
 */
public final class ConditionalAdversarialLoss implements DomainLoss {

    /** {@code loss.domain=cdan}; the classifier width is dann's {@code loss.dann.hidden}. */
    public static final DomainTerm TERM = new DomainTerm("cdan", DomainTerm.CLASSIFICATION_ONLY, List.of(),
            s -> new ConditionalAdversarialLoss(s.featureDim(), s.classes(), s.positiveInteger("loss.dann.hidden")));

    private final int featureDim;
    private final int numClasses;
    private final int hiddenWidth;

    /**
     * @param featureDim  width d of the features
     * @param numClasses  number of classes C
     * @param hiddenWidth width of the classifier's hidden layer
     */
    public ConditionalAdversarialLoss(int featureDim, int numClasses, int hiddenWidth) {
        if (featureDim <= 0 || numClasses <= 0 || hiddenWidth <= 0) {
            throw new IllegalArgumentException("featureDim, numClasses and hiddenWidth must be > 0, got "
                    + featureDim + ", " + numClasses + ", " + hiddenWidth);
        }
        this.featureDim = featureDim;
        this.numClasses = numClasses;
        this.hiddenWidth = hiddenWidth;
    }

    @Override
    public String name() {
        return "cdan";
    }

    public int hiddenWidth() {
        return hiddenWidth;
    }

    /** Reads class probabilities: classification only. */
    @Override
    public boolean supports(Task task) {
        return TERM.supports(task);
    }

    @Override
    public SDVariable define(SameDiff sd, DomainInputs in) {
        DataType dtype = in.sourceFeatures().dataType();
        return DomainDiscriminator.balancedBce(sd, name(),
                multilinear(sd, in.sourceFeatures(), in.sourceLogits(), expansions(sd, dtype)),
                multilinear(sd, in.targetFeatures(), in.targetLogits(), expansions(sd, dtype)),
                featureDim * numClasses, hiddenWidth);
    }

    /**
     * Row i of the result is (p_i1·f_i, p_i2·f_i, …, p_iC·f_i): (p·E) ∘ (f·F) with constant 0/1 matrices E [C, C·d]
     * (repeats each p_ic d times) and F [d, C·d] (tiles f C times) — matrix products, which SameDiff M2.1
     * differentiates fast, instead of a batched outer product.
     */
    private static SDVariable multilinear(SameDiff sd, SDVariable features, SDVariable logits,
                                          SDVariable[] expansions) {
        SDVariable p = new StopGradient(sd, sd.nn().softmax(logits)).outputVariable();
        return sd.mmul(p, expansions[0]).mul(sd.mmul(features, expansions[1]));
    }

    private SDVariable[] expansions(SameDiff sd, DataType dtype) {
        int width = featureDim * numClasses;
        double[][] repeat = new double[numClasses][width];
        double[][] tile = new double[featureDim][width];
        for (int c = 0; c < numClasses; c++) {
            for (int k = 0; k < featureDim; k++) {
                repeat[c][c * featureDim + k] = 1.0;
                tile[k][c * featureDim + k] = 1.0;
            }
        }
        return new SDVariable[] {sd.constant(Nd4j.createFromArray(repeat).castTo(dtype)),
            sd.constant(Nd4j.createFromArray(tile).castTo(dtype))};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConditionalAdversarialLoss other && other.featureDim == featureDim
                && other.numClasses == numClasses && other.hiddenWidth == hiddenWidth;
    }

    @Override
    public int hashCode() {
        return (31 * featureDim + numClasses) * 31 + hiddenWidth;
    }

    @Override
    public String toString() {
        return "ConditionalAdversarialLoss[featureDim=" + featureDim + ", numClasses=" + numClasses
                + ", hiddenWidth=" + hiddenWidth + "]";
    }
}
