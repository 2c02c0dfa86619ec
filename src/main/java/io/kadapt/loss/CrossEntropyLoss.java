package io.kadapt.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Softmax cross-entropy with optional label smoothing, averaged over the batch.
 *
 * <p>Smoothing follows Szegedy et al. 2016 ("Rethinking the Inception Architecture", §7) as PyTorch implements it:
 * the target is (1−ε)·onehot + ε/C, so every class, the true one included, receives ε/C. That makes the loss equal
 * to (1−ε)·(−log p_y) + ε·mean_c(−log p_c), which is how it is computed: no need to know C in the graph.
 */
public final class CrossEntropyLoss implements SupervisedLoss {

    private final double labelSmoothing;

    /** Plain cross-entropy (no smoothing). */
    public CrossEntropyLoss() {
        this(0.0);
    }

    /** @param labelSmoothing ε in [0, 1) */
    public CrossEntropyLoss(double labelSmoothing) {
        if (!(labelSmoothing >= 0.0 && labelSmoothing < 1.0)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 1), got " + labelSmoothing);
        }
        this.labelSmoothing = labelSmoothing;
    }

    public double labelSmoothing() {
        return labelSmoothing;
    }

    @Override
    public String name() {
        return "cross_entropy";
    }

    @Override
    public SDVariable define(SameDiff sd, SDVariable logits, SDVariable oneHotLabels) {
        // logSoftmax rather than log(softmax): stays finite for large logits. No dimension argument (last is meant):
        // in M2.1 a LogSoftMax with one fails to deserialise when createGradFunction clones the graph.
        SDVariable logProbabilities = sd.nn().logSoftmax(logits);
        SDVariable trueClassNll = oneHotLabels.mul(logProbabilities).sum(1).neg();
        if (labelSmoothing == 0.0) {
            return trueClassNll.mean();
        }
        SDVariable uniformNll = logProbabilities.mean(1).neg();
        return trueClassNll.mul(1.0 - labelSmoothing).add(uniformNll.mul(labelSmoothing)).mean();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CrossEntropyLoss other
                && Double.compare(other.labelSmoothing, labelSmoothing) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(labelSmoothing);
    }

    @Override
    public String toString() {
        return "CrossEntropyLoss[labelSmoothing=" + labelSmoothing + "]";
    }
}
