package io.kadapt.loss;

import io.kadapt.data.Task;
import java.util.Optional;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * A domain term d_k of the transfer objective, weighted by its λ_k at each step.
 *
 * <p>{@link #define} is called once, when the model builds its graph. A term may create its own trainable variables
 * there (for example the discriminator of a domain-adversarial term): the model's optimiser updates every trainable
 * variable of the graph and includes them in snapshots. Such variables should be named with {@link #name()} as
 * prefix to stay unique; the model seeds the calling thread's ND4J random generator from the model seed just before
 * calling {@code define}, so initialising them with {@code sd.var(name, weightInitScheme, dataType, shape)} is
 * reproducible.
 */
public interface DomainLoss {

    /**
     * Stable name: the metric tag and the key of this term's λ in
     * {@code TransferModel.step(..., lambdas)}. Lower-case letters, digits and underscores.
     */
    String name();

    /**
     * Whether the term means anything for this task. Terms on features apply to every task; terms on class
     * probabilities (softmax of the logits) only to classification: a one-output softmax is constantly 1.
     */
    default boolean supports(Task task) {
        return true;
    }

    /** Adds the term to {@code sd} and returns it as a scalar. */
    SDVariable define(SameDiff sd, DomainInputs in);

    /**
     * The perturbed target view this term compares with ({@link DomainInputs#perturbedTargetLogits()}), if any: the
     * model builds that third training path only when a term asks for it.
     */
    default Optional<PerturbedView> perturbedView() {
        return Optional.empty();
    }
}
