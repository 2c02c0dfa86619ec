package io.kadapt.model;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What an engine computed for one step, before the optimiser uses it.
 *
 * @param supervisedLoss ℓ on the source batch
 * @param domainLosses   d_k of each configured domain term, by name, in configuration order
 * @param totalLoss      L = ℓ + Σ λ_k·d_k
 * @param mmd            the MMD² monitor of source and target features (computed whatever the terms)
 * @param gradients      ∂L/∂θ by parameter name (as {@link TransferEngine#parameters()}); the engine's buffers, valid
 *                       until its next call
 * @param sourceLogits   [ns, numClasses] head outputs on the source batch, for the step's metrics
 * @param targetLogits   [nt, numClasses] head outputs on the target batch
 * @param flatGradients  the gradients as one buffer laid out like {@link TransferEngine#flatParameters()} (each of
 *                       {@code gradients} a view of it), or null when the engine has no flat parameters
 */
public record StepComputation(double supervisedLoss, Map<String, Double> domainLosses, double totalLoss, double mmd,
                              Map<String, INDArray> gradients, INDArray sourceLogits, INDArray targetLogits,
                              INDArray flatGradients) {

    /** Without flat gradients. */
    public StepComputation(double supervisedLoss, Map<String, Double> domainLosses, double totalLoss, double mmd,
                           Map<String, INDArray> gradients, INDArray sourceLogits, INDArray targetLogits) {
        this(supervisedLoss, domainLosses, totalLoss, mmd, gradients, sourceLogits, targetLogits, null);
    }
}
