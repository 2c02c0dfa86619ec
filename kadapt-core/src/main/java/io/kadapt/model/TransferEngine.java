package io.kadapt.model;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What computes the transfer objective of one {@link ModelSpec}: it holds the parameters, runs the prediction
 * forward pass, and gives the loss values and gradients of a step. Everything around that — the optimiser, gradient
 * clipping, the divergence guards, snapshots and input checks — is {@link TransferModel}'s, so every engine shares
 * it and a snapshot does not depend on the engine that wrote it.
 *
 * <p>Lifecycle: constructed with parameters initialised from {@code spec.seed()} → {@link #compute} / {@link #predict}
 * any number of times, with the optimiser updating {@link #parameters()} in place between them → {@link #close}. Not
 * thread-safe: {@link TransferModel} serialises calls.
 */
public interface TransferEngine extends AutoCloseable {

    /** The engine for {@code spec}. Today that is the SameDiff engine, which covers every loss term. */
    static TransferEngine forSpec(ModelSpec spec) {
        return new SameDiffEngine(spec);
    }

    /** A short name for logs and benchmark reports. */
    String name();

    /**
     * The live parameter arrays in canonical order, named as in snapshots ({@code hidden_<i>/W}, {@code hidden_<i>/b},
     * {@code classifier/W}, {@code classifier/b}, then the domain terms' own): the optimiser updates them in place.
     */
    Map<String, INDArray> parameters();

    /**
     * The prediction path, without dropout.
     *
     * @param x [n, inputDim] in the model dtype
     * @return a new [n, numClasses] array of class probabilities, or for regression the [n, 1] predicted values
     */
    INDArray predict(INDArray x);

    /** Loss values and the gradient of every parameter at the current parameters, for one step's batches. */
    StepComputation compute(StepInputs inputs);

    @Override
    void close();
}
