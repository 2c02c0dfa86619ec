package io.kadapt.loss;

import java.util.Objects;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * What a {@link DomainLoss} may look at: feature-extractor outputs and classifier logits of the training path, for
 * the source batch [ns, ·] and the target batch [nt, ·]. Features include the training-path dropout.
 */
public record DomainInputs(SDVariable sourceFeatures, SDVariable targetFeatures,
                           SDVariable sourceLogits, SDVariable targetLogits) {
    public DomainInputs {
        Objects.requireNonNull(sourceFeatures, "sourceFeatures");
        Objects.requireNonNull(targetFeatures, "targetFeatures");
        Objects.requireNonNull(sourceLogits, "sourceLogits");
        Objects.requireNonNull(targetLogits, "targetLogits");
    }
}
