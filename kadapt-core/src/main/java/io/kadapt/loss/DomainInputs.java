package io.kadapt.loss;

import java.util.Objects;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * What a {@link DomainLoss} may look at: feature-extractor outputs and classifier logits of the training path, for
 * the source batch [ns, ·] and the target batch [nt, ·]; the source labels; and, only when some term asks for it
 * ({@link DomainLoss#perturbedView()}), the logits of a perturbed view of the target batch. Features include the
 * training-path dropout.
 *
 * @param sourceLabels          the source labels as the supervised loss sees them: one-hot [ns, C] for
 *                              classification, the values [ns, 1] for regression
 * @param perturbedTargetLogits logits of the perturbed target view [nt, C], or null when no term asked for one
 */
public record DomainInputs(SDVariable sourceFeatures, SDVariable targetFeatures,
                           SDVariable sourceLogits, SDVariable targetLogits, SDVariable sourceLabels,
                           SDVariable perturbedTargetLogits) {
    public DomainInputs {
        Objects.requireNonNull(sourceFeatures, "sourceFeatures");
        Objects.requireNonNull(targetFeatures, "targetFeatures");
        Objects.requireNonNull(sourceLogits, "sourceLogits");
        Objects.requireNonNull(targetLogits, "targetLogits");
        Objects.requireNonNull(sourceLabels, "sourceLabels");
    }

    /** The perturbed view's logits; only a term that declared {@link DomainLoss#perturbedView()} may ask. */
    @Override
    public SDVariable perturbedTargetLogits() {
        if (perturbedTargetLogits == null) {
            throw new IllegalStateException("no perturbed target view in this graph: the term must declare one");
        }
        return perturbedTargetLogits;
    }
}
