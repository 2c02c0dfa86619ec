package io.kadapt.loss;

import io.kadapt.data.Task;
import java.util.List;
import java.util.Optional;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

/**
 * Consistency regularisation on the target: the squared error between the class probabilities of a target sample
 * and of a perturbed view of it (Gaussian input noise and an independent dropout mask, {@link PerturbedView}),
 * (1/(n·C))·Σ_i ‖p(x_i) − p(x′_i)‖², as in the Π-model (Laine &amp; Aila 2017, "Temporal Ensembling for
 * Semi-Supervised Learning", Algorithm 1). The clean prediction p(x) is a constant target (stop-gradient), as the
 * teacher is in mean teacher (Tarvainen &amp; Valpola 2017): only the perturbed view is pulled towards it, so the term
 * cannot be lowered by making the clean predictions worse. Squared error rather than KL: it is bounded, and both
 * papers found it more robust to the wrong predictions an unlabelled domain is full of.
 *
 * <p>When to use: the target has structure (clusters) that the model should respect — the prediction should not
 * change under small perturbations of the input (smoothness assumption).
 */
public final class ConsistencyLoss implements DomainLoss {

    /** {@code loss.domain=consistency}: needs a perturbation, input noise or dropout. */
    public static final DomainTerm TERM = new DomainTerm("consistency", DomainTerm.CLASSIFICATION_ONLY, List.of(
            new TermKey("loss.consistency.noise-std", "0.1", "Std σ ≥ 0 of the Gaussian noise added to the"
                    + " (standardised) target input of the perturbed view; 0 needs model.dropout > 0.")),
            s -> {
                double noise = s.nonNegative("loss.consistency.noise-std");
                if (noise == 0.0 && s.dropout() == 0.0) {
                    throw new IllegalArgumentException("the consistency term needs a perturbation:"
                            + " loss.consistency.noise-std > 0 or model.dropout > 0 (with neither, both views are"
                            + " the same and the term is 0)");
                }
                return new ConsistencyLoss(noise);
            });

    private final PerturbedView view;

    /** @param inputNoiseStd σ ≥ 0 of the Gaussian noise on the target input of the perturbed view */
    public ConsistencyLoss(double inputNoiseStd) {
        this.view = new PerturbedView(inputNoiseStd);
    }

    public double noiseStd() {
        return view.inputNoiseStd();
    }

    @Override
    public String name() {
        return "consistency";
    }

    @Override
    public Optional<PerturbedView> perturbedView() {
        return Optional.of(view);
    }

    /** Reads class probabilities: classification only. */
    @Override
    public boolean supports(Task task) {
        return TERM.supports(task);
    }

    @Override
    public SDVariable define(SameDiff sd, DomainInputs in) {
        // Softmax without a dimension argument (the last is meant): see CrossEntropyLoss.
        SDVariable clean = new StopGradient(sd, sd.nn().softmax(in.targetLogits())).outputVariable();
        SDVariable difference = clean.sub(sd.nn().softmax(in.perturbedTargetLogits()));
        SDVariable count = BatchOps.rows(sd, in.targetLogits()).mul(BatchOps.columns(sd, in.targetLogits()));
        return difference.mul(difference).sum().mul(count.rdiv(1.0));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConsistencyLoss other && other.view.equals(view);
    }

    @Override
    public int hashCode() {
        return view.hashCode();
    }

    @Override
    public String toString() {
        return "ConsistencyLoss[noiseStd=" + view.inputNoiseStd() + "]";
    }
}
