package io.kadapt.loss;

import io.kadapt.data.Task;
import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Mean squared error of a regression head, (1/(n·k))·Σ_i Σ_j (ŷ_ij − y_ij)², averaged over the batch and the k
 * outputs (PyTorch's {@code MSELoss(reduction='mean')}): the maximum-likelihood loss under Gaussian noise of fixed
 * variance. kadapt's regression head has k = 1.
 */
public final class MeanSquaredErrorLoss implements SupervisedLoss {

    /** {@code loss.supervised=mse}, the regression default and only loss. */
    public static final SupervisedTerm TERM = new SupervisedTerm("mse", Task.REGRESSION, List.of(),
            s -> new MeanSquaredErrorLoss());

    @Override
    public String name() {
        return "mse";
    }

    @Override
    public Task task() {
        return Task.REGRESSION;
    }

    @Override
    public SDVariable define(SameDiff sd, SDVariable outputs, SDVariable labels) {
        SDVariable error = outputs.sub(labels);
        // A full reduction, not mean(1): reducing the length-1 output axis NPEs in M2.1's gradient.
        return error.mul(error).mean();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeanSquaredErrorLoss;
    }

    @Override
    public int hashCode() {
        return MeanSquaredErrorLoss.class.hashCode();
    }

    @Override
    public String toString() {
        return "MeanSquaredErrorLoss";
    }
}
