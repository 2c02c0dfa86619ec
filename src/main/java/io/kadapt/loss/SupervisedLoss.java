package io.kadapt.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The supervised source term ℓ of the transfer objective.
 *
 * <p>Implementations are immutable configuration: {@link #define} is called once, when the model builds its graph,
 * and the returned variable is evaluated on every step.
 */
public interface SupervisedLoss {

    /** Stable name, used as the metric tag. */
    String name();

    /**
     * Adds the loss to {@code sd}.
     *
     * @param logits       unnormalised class scores, shape [n, numClasses]
     * @param oneHotLabels one-hot labels in the model dtype, shape [n, numClasses]
     * @return a scalar: the mean loss over the batch
     */
    SDVariable define(SameDiff sd, SDVariable logits, SDVariable oneHotLabels);
}
