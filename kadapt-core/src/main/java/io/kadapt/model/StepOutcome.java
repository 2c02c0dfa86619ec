package io.kadapt.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one call of {@link TransferModel#step} did and measured. All values come from the training forward pass
 * (with dropout) of that call, before the update; they are reported even when the step was skipped (then some are
 * NaN or infinite, which is why it was skipped).
 *
 * @param applied           whether the parameters were updated
 * @param skipReason        null when applied, else {@value #NON_FINITE_LOSS} or {@value #NON_FINITE_GRADIENT}
 * @param supervisedLoss    ℓ on the source batch
 * @param domainLossValues  unweighted d_k by {@code DomainLoss.name()}, in spec order
 * @param totalLoss         ℓ + Σ λ_k·d_k
 * @param gradientNorm      global L2 norm of all gradients, before clipping
 * @param sourceAccuracy    fraction of the source batch whose arg-max logit is the label; NaN for regression
 * @param targetMeanEntropy mean over the target batch of −Σ p·ln p (nats); NaN for regression
 * @param mmd               multi-kernel MMD² between source and target features, computed even when no MMD term is
 *                          configured, so the domain gap can always be monitored
 */
public record StepOutcome(boolean applied, String skipReason, double supervisedLoss,
                          Map<String, Double> domainLossValues, double totalLoss, double gradientNorm,
                          double sourceAccuracy, double targetMeanEntropy, double mmd) {

    public static final String NON_FINITE_LOSS = "non_finite_loss";
    public static final String NON_FINITE_GRADIENT = "non_finite_gradient";
    public static final String UPDATE_TOO_LARGE = "update_too_large";

    public StepOutcome {
        domainLossValues = Collections.unmodifiableMap(new LinkedHashMap<>(domainLossValues));
        if (applied != (skipReason == null)) {
            throw new IllegalArgumentException("skipReason must be null exactly when the step was applied");
        }
    }
}
