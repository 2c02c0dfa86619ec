/**
 * kadapt's two Kafka Streams topologies ({@link io.kadapt.stream.AdaptationTopology}): the prediction path
 * (validating sources, {@link io.kadapt.stream.PredictorProcessor} with the served model from the model topic's global
 * store, forwarders to the training topic, dead-letter routing) and the one trainer
 * ({@link io.kadapt.stream.TrainerProcessor} with its state stores, model publication and metrics records). Builds no
 * tensors: it hands samples to {@code io.kadapt.training} and predictions to {@code io.kadapt.serving}.
 */
package io.kadapt.stream;
