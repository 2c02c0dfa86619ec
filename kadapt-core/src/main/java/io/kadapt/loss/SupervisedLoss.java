package io.kadapt.loss;

import io.kadapt.data.Task;
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

    /** The task this loss trains for; the model's head and label encoding follow it. */
    default Task task() {
        return Task.CLASSIFICATION;
    }

    /**
     * Adds the loss to {@code sd}.
     *
     * @param logits       the head's outputs, shape [n, numClasses]: unnormalised class scores, or for
     *                     {@link Task#REGRESSION} the predicted values ([n, 1])
     * @param oneHotLabels the labels in the model dtype, same shape: one-hot classes, or the true values
     * @return a scalar: the mean loss over the batch
     */
    SDVariable define(SameDiff sd, SDVariable logits, SDVariable oneHotLabels);
}
