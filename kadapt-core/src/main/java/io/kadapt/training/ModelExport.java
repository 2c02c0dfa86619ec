package io.kadapt.training;

import io.kadapt.model.ModelSpec;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Everything a prediction with the adapted model needs, as plain arrays, for serving or inspecting it outside
 * kadapt: z = (x − targetMean) · targetScale, then per hidden layer h = act(h·W + b), then the head's
 * z·W + b (softmax for a classifier, the value for regression).
 *
 * @param spec        the model's shape, activation and task
 * @param step        optimiser steps applied
 * @param parameters  copies of the parameters by canonical name ({@code hidden_<i>/W}, {@code hidden_<i>/b},
 *                    {@code classifier/W}, {@code classifier/b}, then the domain terms' own, which prediction ignores)
 * @param targetMean  per feature, subtracted first (zeros without per-domain standardisation)
 * @param targetScale per feature, multiplied next (ones without per-domain standardisation)
 */
public record ModelExport(ModelSpec spec, long step, Map<String, INDArray> parameters, double[] targetMean,
                          double[] targetScale) {
}
