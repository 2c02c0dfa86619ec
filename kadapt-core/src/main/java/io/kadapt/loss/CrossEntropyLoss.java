package io.kadapt.loss;

import io.kadapt.data.Task;
import java.util.Arrays;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Softmax cross-entropy with optional label smoothing, averaged over the batch.
 *
 * <p>Smoothing follows Szegedy et al. 2016 ("Rethinking the Inception Architecture", §7) as PyTorch implements it:
 * the target is (1−ε)·onehot + ε/C, so every class, the true one included, receives ε/C. That makes the loss equal
 * to (1−ε)·(−log p_y) + ε·mean_c(−log p_c), which is how it is computed: no need to know C in the graph.
 *
 * <p>With class weights w, each sample's loss is weighted by w of its true class and the batch mean becomes the
 * weighted mean Σ w_{y_i}·ℓ_i / Σ w_{y_i}, PyTorch's {@code CrossEntropyLoss(weight=w)} convention: rare classes
 * count more without changing the loss scale.
 */
public final class CrossEntropyLoss implements SupervisedLoss {

    /** {@code loss.supervised=cross_entropy}, the classification default. */
    public static final SupervisedTerm TERM = new SupervisedTerm("cross_entropy", Task.CLASSIFICATION, List.of(
            new TermKey("loss.label-smoothing", "0.0", "Label smoothing of cross_entropy, in [0, 1)."),
            new TermKey("loss.class-weights", "", "Per-class weights of cross_entropy, comma-separated, one per"
                    + " class (weighted mean over the batch). Empty: unweighted.")),
            s -> new CrossEntropyLoss(s.inRange("loss.label-smoothing", 0, 1, false),
                    s.classWeights("loss.class-weights")));

    private final double labelSmoothing;
    private final double[] classWeights;

    /** Plain cross-entropy (no smoothing). */
    public CrossEntropyLoss() {
        this(0.0);
    }

    /** @param labelSmoothing ε in [0, 1) */
    public CrossEntropyLoss(double labelSmoothing) {
        this(labelSmoothing, null);
    }

    /**
     * @param labelSmoothing ε in [0, 1)
     * @param classWeights   one finite weight ≥ 0 per class, not all 0; null for unweighted
     */
    public CrossEntropyLoss(double labelSmoothing, double[] classWeights) {
        if (!(labelSmoothing >= 0.0 && labelSmoothing < 1.0)) {
            throw new IllegalArgumentException("labelSmoothing must be in [0, 1), got " + labelSmoothing);
        }
        this.labelSmoothing = labelSmoothing;
        this.classWeights = classWeights == null ? null : ClassWeights.checked(classWeights);
    }

    /** The class weights, or null when unweighted. */
    public double[] classWeights() {
        return classWeights == null ? null : classWeights.clone();
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
        SDVariable perSample = trueClassNll;
        if (labelSmoothing != 0.0) {
            SDVariable uniformNll = logProbabilities.mean(1).neg();
            perSample = trueClassNll.mul(1.0 - labelSmoothing).add(uniformNll.mul(labelSmoothing));
        }
        if (classWeights == null) {
            return perSample.mean();
        }
        SDVariable weights = ClassWeights.perSample(sd, oneHotLabels, classWeights).reshape(-1);    // [n]
        return perSample.mul(weights).sum().mul(weights.sum().rdiv(1.0));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CrossEntropyLoss other
                && Double.compare(other.labelSmoothing, labelSmoothing) == 0
                && Arrays.equals(other.classWeights, classWeights);
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(labelSmoothing) + Arrays.hashCode(classWeights);
    }

    @Override
    public String toString() {
        return "CrossEntropyLoss[labelSmoothing=" + labelSmoothing
                + (classWeights == null ? "" : ", classWeights=" + Arrays.toString(classWeights)) + "]";
    }
}
