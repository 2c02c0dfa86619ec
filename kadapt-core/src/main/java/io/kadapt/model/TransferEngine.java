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

    /**
     * The engine {@code spec.engine()} asks for: on {@link EngineChoice#AUTO} the hand-written engine when it covers
     * every configured term, otherwise the SameDiff engine (which covers every term) and one log line naming the
     * term.
     */
    static TransferEngine forSpec(ModelSpec spec) {
        return Engines.open(spec);
    }

    /** A short name for logs and benchmark reports. */
    String name();

    /**
     * The live parameter arrays in canonical order, named as in snapshots ({@code hidden_<i>/W}, {@code hidden_<i>/b},
     * {@code classifier/W}, {@code classifier/b}, then the domain terms' own): the optimiser updates them in place.
     */
    Map<String, INDArray> parameters();

    /**
     * All of {@link #parameters()} as one contiguous buffer (each array a view of it, in canonical order) when the
     * engine keeps them so, else null: the optimiser then updates them in one pass, with
     * {@link StepComputation#flatGradients()} laid out alike.
     */
    default INDArray flatParameters() {
        return null;
    }

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
