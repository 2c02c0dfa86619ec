package io.kadapt.model;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One step's batches, checked and in the model dtype.
 *
 * @param sourceX      source features [ns, inputDim]
 * @param sourceLabels the supervised term's labels [ns, numClasses] (one-hot classes, or [ns, 1] values)
 * @param targetX      target features [nt, inputDim]
 * @param lambdas      λ_k ≥ 0 of exactly the configured domain terms, by {@code DomainLoss.name()}
 * @param step         optimiser steps applied so far: seeds this step's dropout masks and noise, so a restored model
 *                     draws the same ones
 */
public record StepInputs(INDArray sourceX, INDArray sourceLabels, INDArray targetX, Map<String, Double> lambdas,
                         long step) {
}
