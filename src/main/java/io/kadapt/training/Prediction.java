package io.kadapt.training;

/** The model's answer for one target sample, made before the model trained on that sample. */
public record Prediction(String id, int predictedClass, float[] probabilities, long modelStep) {
}
